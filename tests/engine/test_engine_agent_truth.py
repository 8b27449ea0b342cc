"""The agent over the real engine (loopback, fake media): replies tell the truth about what
changed, credits follow real changes, undo/redo walk the stored versions, Chinese in ->
Chinese out."""

from __future__ import annotations

from tests.engine.engine_helpers import Api, fake_file, parts, texts
from tui.engine.server import create_app


def _session(api: Api, tmp_path, music: bool = False) -> str:
    sid = api.session()
    files = [fake_file(tmp_path, "a.mp4", duration_s=20), fake_file(tmp_path, "b.mp4", duration_s=15)]
    if music:
        files.append(fake_file(tmp_path, "lofi.mp3", duration_s=60))
    for f in files:
        assert api.upload(sid, f)["code"] == 0
    return sid


def _reply(events: list[dict]) -> str:
    return "\n".join(texts(events, partial=False))


def _music(draft: dict) -> list[dict]:
    return [s for t in draft["t"] if t["tt"] == 1 for s in t["sg"]]


def test_relative_music_volume_is_done_and_charged(api, tmp_path):
    sid = _session(api, tmp_path, music=True)
    before = api.credits()["available"]
    reply = _reply(api.run(sid, "make the music quieter"))
    assert [s["vol"] for s in _music(api.draft(sid))] == [50]
    assert "Done" in reply and "50%" in reply
    assert api.credits()["available"] == before - 10


def test_no_change_means_no_done_and_no_charge(api, tmp_path):
    sid = _session(api, tmp_path, music=True)
    version = api.state(sid)["data"]["version"]
    before = api.credits()["available"]
    reply = _reply(api.run(sid, "set the music volume to 100%"))
    assert "Done" not in reply and "Nothing changed" in reply
    assert api.credits()["available"] == before and api.state(sid)["data"]["version"] == version


def test_mute_the_music_mutes_the_music_not_the_video(api, tmp_path):
    sid = _session(api, tmp_path, music=True)
    api.run(sid, "mute the music")
    draft = api.draft(sid)
    assert [s["vol"] for s in _music(draft)] == [0]
    assert not draft["m"].get("mute") and all(s["vol"] == 100 for t in draft["t"] if t["tt"] == 0 for s in t["sg"])


def test_every_part_not_done_is_named(api, tmp_path):
    sid = _session(api, tmp_path)
    reply = _reply(api.run(sid, "make it vertical and add my logo"))
    assert api.draft(sid)["m"]["aspect"] == "9:16"
    assert "Done" in reply and "logo" in reply and "text title" in reply


def test_an_unsupported_request_alone_changes_nothing_and_costs_nothing(api, tmp_path):
    sid = _session(api, tmp_path)
    before = api.credits()["available"]
    events = api.run(sid, "add transitions between the clips")
    reply = _reply(events)
    assert not parts(events, "functionCall") and "Done" not in reply and "fade" in reply
    assert api.credits()["available"] == before


def test_chinese_in_chinese_out_refusals_included(api, tmp_path):
    sid = _session(api, tmp_path)
    reply = _reply(api.run(sid, "加个水印"))
    assert "水印" in reply and "can't" not in reply
    reply = _reply(api.run(sid, "剪掉前五秒"))
    assert "已完成" in reply and api.draft(sid)["d"] == 30000


def test_removing_most_of_the_video_says_how_to_undo(api, tmp_path):
    sid = _session(api, tmp_path)
    reply = _reply(api.run(sid, "keep the first 5 seconds"))
    assert api.draft(sid)["d"] == 5000 and "undo" in reply


def test_undo_redo_and_start_over_walk_the_stored_versions(api, tmp_path):
    sid = _session(api, tmp_path)
    assert "nothing to undo" in _reply(api.run(sid, "undo"))  # the uploads are not undone
    api.run(sid, "trim to 0-10 s, make it vertical")  # one request: one undo step
    api.run(sid, "add the title 'X'")
    before = api.credits()["available"]
    api.run(sid, "undo")
    draft = api.draft(sid)
    assert draft["d"] == 10000 and not [t for t in draft["t"] if t["tt"] == 7 and t["sg"]]
    api.run(sid, "undo")
    draft = api.draft(sid)
    assert draft["d"] == 35000 and draft["m"]["aspect"] is None
    api.run(sid, "redo")
    assert api.draft(sid)["d"] == 10000 and api.draft(sid)["m"]["aspect"] == "9:16"
    api.run(sid, "start over")
    assert api.draft(sid)["d"] == 35000 and api.draft(sid)["m"]["aspect"] is None
    assert api.credits()["available"] == before  # going back is free
    reasons = [
        d["reason"]
        for d in api.http.get(f"/api/history/nemo_agent/me/{sid}", headers=api.auth).json()["data"]["drafts"]
    ]
    assert reasons[-4:] == ["undo 1", "undo 1", "redo", "revert"]


def test_steps_that_cancel_out_are_not_charged(api, tmp_path):
    sid = _session(api, tmp_path)
    before = api.credits()["available"]
    reply = _reply(api.run(sid, "trim to 10 seconds then undo"))
    assert api.draft(sid)["d"] == 35000 and "Done" not in reply and "nothing was charged" in reply
    assert api.credits()["available"] == before


def test_the_local_engine_does_not_imitate_cloud_quirks_by_default(tmp_path):
    # create_app's defaults are EngineOptions' fields (the server split): an app built with no
    # settings paces nothing and always speaks
    options = create_app(tmp_path / "data").state.engine.options
    assert options.silent_ratio == 0.0
    assert options.chunk_delay == 0.0 and options.tool_delay == 0.0


def test_a_failed_edit_says_why_in_chinese(api, tmp_path):
    sid = _session(api, tmp_path)
    reply = _reply(api.run(sid, "删除第三个片段"))
    assert "没有第 3 个片段" in reply and "已完成" not in reply


def test_the_timeline_description_lists_the_effects(api, tmp_path):
    sid = _session(api, tmp_path)
    api.run(sid, "2x speed, fade in and out and keep it under 16 MB")
    reply = _reply(api.run(sid, "show the timeline"))
    assert "speed 2x" in reply and "fade in 1 s" in reply and "under 16 MB" in reply
