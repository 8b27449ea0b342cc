"""The draft edits and the agent's planning, without a server."""

from __future__ import annotations

import pytest

from tui.engine import agent
from tui.engine import draft as d
from tui.engine import draft_edits as e
from tui.engine.intents import parse

INFOS = {
    "upl_v1": {"kind": "video", "duration_ms": 10000, "width": 1920, "height": 1080, "fps": 30, "name": "city.mp4"},
    "upl_v2": {"kind": "video", "duration_ms": 4000, "width": 1280, "height": 720, "fps": 25, "name": "b.mp4"},
    "upl_a1": {"kind": "audio", "duration_ms": 30000, "name": "lofi.mp3"},
    "upl_i1": {"kind": "image", "duration_ms": 5000, "width": 800, "height": 800, "name": "logo.png"},
}
UPLOADS = [{"upload_id": k, "filename": v["name"], "file_type": v["kind"]} for k, v in INFOS.items()]


def build(*ids: str) -> dict:
    draft = d.new_draft()
    for i in ids:
        draft, _ = d.add_media(draft, i, INFOS)
    return draft


def test_uploads_become_segments_back_to_back():
    draft = build("upl_v1", "upl_v2", "upl_i1", "upl_a1")
    video = d.tracks_of(draft, d.VIDEO)[0]["sg"]
    assert [(s["src"], s["s"], s["d"]) for s in video] == [
        ("upl_v1", 0, 10000),
        ("upl_v2", 10000, 4000),
        ("upl_i1", 14000, 5000),
    ]
    music = d.tracks_of(draft, d.AUDIO)[0]["sg"]
    assert music[0]["src"] == "upl_a1" and music[0]["s"] == 0 and music[0]["d"] == 19000  # clamped to the video
    assert draft["d"] == 19000
    assert (draft["m"]["width"], draft["m"]["height"], draft["m"]["fps"]) == (1920, 1080, 30)


def test_the_input_draft_is_never_changed():
    draft = build("upl_v1")
    before = repr(draft)
    e.trim(draft, INFOS, start_ms=0, end_ms=3000)
    e.add_text(draft, INFOS, text="X")
    assert repr(draft) == before


def test_trim_and_cut_over_two_clips_keep_titles_in_place():
    draft = build("upl_v1", "upl_v2")
    draft, _ = e.add_text(draft, INFOS, text="Late", start_ms=12000, duration_ms=1000)
    cut, _ = e.cut(draft, INFOS, start_ms=8000, end_ms=11000)
    video = d.tracks_of(cut, d.VIDEO)[0]["sg"]
    assert [(s["src"], s["s"], s["d"], s["in"]) for s in video] == [
        ("upl_v1", 0, 8000, 0),
        ("upl_v2", 8000, 3000, 1000),
    ]
    title = d.tracks_of(cut, d.TEXT)[0]["sg"][0]
    assert (title["s"], title["d"]) == (9000, 1000)  # moved back with the video it sits on
    trimmed, result = e.trim(draft, INFOS, start_ms=9000, end_ms=13000)
    assert trimmed["d"] == 4000 and result["message"] == "Trimmed to 9-13 s"
    assert [(s["src"], s["in"], s["d"]) for s in d.tracks_of(trimmed, d.VIDEO)[0]["sg"]] == [
        ("upl_v1", 9000, 1000),
        ("upl_v2", 0, 3000),
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda dr: e.trim(dr, INFOS, start_ms=20000, end_ms=30000),
        lambda dr: e.cut(dr, INFOS, start_ms=0, end_ms=10000),
        lambda dr: e.add_text(dr, INFOS, text="X", start_ms=60000),
        lambda dr: e.remove_track(dr, INFOS, track_type=d.TEXT),
        lambda dr: e.remove_track(dr, INFOS, index=5),
        lambda dr: e.set_aspect(dr, INFOS, aspect="2:1"),
    ],
)
def test_impossible_edits_say_why(call):
    with pytest.raises(d.EditError) as exc:
        call(build("upl_v1"))
    assert str(exc.value)


@pytest.mark.parametrize(
    "resolution, aspect, size",
    [
        ("highest", None, (1920, 1080)),
        ("720p", None, (1280, 720)),
        ("2160p", None, (3840, 2160)),
        ("highest", "9:16", (1080, 1920)),
        ("1080p", "1:1", (1080, 1080)),
        ("720p", "9:16", (720, 1280)),
    ],
)
def test_output_size(resolution, aspect, size):
    assert d.output_size(resolution, aspect, (1920, 1080)) == size


def test_mute_music_and_summary_format():
    draft = build("upl_v1", "upl_a1")
    draft, _ = e.set_music(draft, INFOS, src="upl_a1", volume=35)
    draft, _ = e.add_text(draft, INFOS, text="Urban Dreams")
    draft, _ = e.set_mute(draft, INFOS, mute=True)
    assert draft["m"]["mute"] is True and d.tracks_of(draft, d.VIDEO)[0]["sg"][0]["vol"] == 0
    assert d.summary(draft) == (
        'Timeline (3 tracks): 1. Video: city.mp4 (0-10s) 2. BGM: lofi.mp3 (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )


def test_plan_turns_a_request_into_tool_calls():
    draft = build("upl_v1", "upl_a1")
    p = agent.plan(parse("trim to 0-6 s, add music at 35% and add the title 'Hi' from 1s to 2s"), draft, UPLOADS)
    assert [c.args["operation"] for c in p.calls] == ["trim", "add_audio", "add_text"]
    assert all(c.name == agent.EDIT_TOOL for c in p.calls)
    for call in p.calls:
        draft, _ = agent.apply_call(draft, INFOS, call)
    assert draft["d"] == 6000
    assert d.tracks_of(draft, d.AUDIO)[0]["sg"][0]["vol"] == 35
    assert d.tracks_of(draft, d.TEXT)[0]["sg"][0] == {**d.tracks_of(draft, d.TEXT)[0]["sg"][0], "s": 1000, "d": 1000}


def test_plan_explains_what_is_missing():
    p = agent.plan(parse("add music at 35%"), build("upl_v1"), [UPLOADS[0]])
    assert not p.calls and "upload an audio file" in p.notes[0]
    p = agent.plan(parse("trim to 0-3 s, make it vertical and convert to 1080p"), d.new_draft(), [])
    assert not p.calls and len(p.notes) == 1 and "no video" in p.notes[0]
    p = agent.plan(parse("what is this?"), d.new_draft(), [])
    assert not p.is_edit and "trim" in p.reply and "title" in p.reply


def test_changing_the_title_replaces_it_in_place():
    draft = build("upl_v1")
    draft, _ = e.add_text(draft, INFOS, text="Old", start_ms=2000, duration_ms=4000)
    p = agent.plan(parse("change the title to 'New'"), draft, UPLOADS)
    assert [c.args["operation"] for c in p.calls] == ["update_text"]
    draft, result = agent.apply_call(draft, INFOS, p.calls[0])
    segs = [s for t in d.tracks_of(draft, d.TEXT) for s in t["sg"]]
    assert [(s["text"], s["s"], s["d"]) for s in segs] == [("New", 2000, 4000)]
    assert result["message"] == "Changed the title to 'New'"
    # with no title yet, "change the title" simply adds one
    p = agent.plan(parse("change the title to 'First'"), build("upl_v1"), UPLOADS)
    assert p.calls[0].args["operation"] == "add_text"


def test_the_draft_has_exactly_the_documented_keys():
    draft = build("upl_v1", "upl_a1")
    draft, _ = e.add_text(draft, INFOS, text="T")
    assert set(draft) == {"t", "d", "m"}
    assert set(draft["m"]) == {"title", "width", "height", "fps", "aspect", "resolution", "mute"}
    assert [set(t) for t in draft["t"]] == [{"id", "tt", "name", "sg"}] * 3
    video, music, title = (t["sg"][0] for t in draft["t"])
    assert set(video) == set(music) == {"id", "name", "src", "s", "d", "in", "vol"}
    assert set(title) == {"id", "name", "text", "s", "d"}


def test_adding_many_uploads_is_one_copy_and_one_normalize(monkeypatch):
    """Issue 13 #6: adding N uploads in one request costs one draft copy and one normalize (the
    old path normalized the whole draft once per upload: quadratic). Same segments as adding
    them one by one."""
    from tui.engine import draft as drafts

    infos = {
        f"up_{i}": {"kind": "video", "name": f"clip{i}.mp4", "duration_ms": 1000, "width": 640, "height": 360}
        for i in range(300)
    }
    infos["up_music"] = {"kind": "audio", "name": "beat.mp3", "duration_ms": 5000}
    ids = [*infos]
    one_by_one = drafts.new_draft()
    for upload_id in ids:
        one_by_one, _ = drafts.add_media(one_by_one, upload_id, infos)
    calls = []
    real = drafts.normalize
    monkeypatch.setattr(drafts, "normalize", lambda d, i: calls.append(1) or real(d, i))
    together = drafts.add_medias(drafts.new_draft(), ids, infos)
    assert len(calls) == 1
    strip = lambda d: [[(s["src"], s["s"], s["d"]) for s in t["sg"]] for t in d["t"]]  # noqa: E731
    assert strip(together) == strip(one_by_one) and together["d"] == one_by_one["d"] == 300_000
