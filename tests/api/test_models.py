"""The draft and the other response models: tolerant parsing and the one-line summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tui.api import Credits, Draft, SessionState, UploadResult
from tui.api.models import TokenInfo

ENGINE_DRAFT = {
    "t": [
        {
            "id": "trk_v1",
            "tt": 0,
            "name": "Video",
            "sg": [{"id": "seg_1", "name": "city.mp4", "src": "upl_ab12", "s": 0, "d": 10000, "in": 0, "vol": 100}],
        },
        {
            "id": "trk_a1",
            "tt": 1,
            "name": "BGM",
            "sg": [{"id": "seg_2", "name": "lofi.mp3", "src": "upl_cd34", "s": 0, "d": 10000, "in": 0, "vol": 35}],
        },
        {
            "id": "trk_t1",
            "tt": 7,
            "name": "Title",
            "sg": [{"id": "seg_3", "name": "Title", "text": "Urban Dreams", "s": 0, "d": 3000}],
        },
    ],
    "d": 10000,
    "m": {
        "title": "project",
        "width": 1920,
        "height": 1080,
        "fps": 30,
        "aspect": "16:9",
        "resolution": "highest",
        "mute": False,
    },
}


def test_engine_draft_fields():
    d = Draft.parse(ENGINE_DRAFT)
    assert [t.kind for t in d.tracks] == ["Video", "Audio", "Text"]
    v = d.tracks[0].segments[0]
    assert (v.id, v.name, v.source, v.start_ms, v.duration_ms, v.in_ms, v.volume, v.end_ms) == (
        "seg_1",
        "city.mp4",
        "upl_ab12",
        0,
        10000,
        0,
        100,
        10000,
    )
    assert d.tracks[2].segments[0].text == "Urban Dreams"
    assert d.duration_ms == 10000 and d.meta["width"] == 1920
    assert d.ready_to_export
    assert (
        d.summary()
        == 'Timeline (3 tracks): 1. Video: city.mp4 (0-10s) 2. BGM: lofi.mp3 (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )
    assert d.to_wire() == ENGINE_DRAFT


def test_long_aliases_missing_and_extra_keys():
    d = Draft.parse(
        {
            "tracks": [
                {
                    "type_code": 0,
                    "segments": [
                        {"start_ms": 1000, "duration_ms": 2500, "title": "clip A", "source": "upl_x", "extra": {}},
                        {"start": "3500", "duration": 1500.0, "source": "upl_y"},
                    ],
                },
                {"tt": 1, "sg": [{"d": 4000, "volume": 50, "name": "song"}]},
                {"tt": 12, "sg": [{"d": 1000, "name": "sticker"}]},
                {"tt": 7, "sg": []},
            ],
            "meta": {"title": "x"},
            "unknown": 1,
        }
    )
    assert [t.kind for t in d.tracks] == ["Video", "Audio", "Other", "Text"]
    assert d.duration_ms == 5000  # no "d": the end of the longest track
    assert d.summary() == (
        "Timeline (4 tracks): 1. Video: clip A + upl_y (1-5s) 2. BGM: song (0-4s, 50%) "
        "3. Other: sticker (0-1s) 4. Title: (empty)"
    )


def test_garbage_is_an_empty_draft():
    for junk in (None, 3, "not json", "[1,2]", [], {"t": "x"}, {"t": [1, None, "a"]}, {"t": [{"sg": "bad"}]}, b"\xff"):
        d = Draft.parse(junk)
        assert not d.ready_to_export
        assert d.summary().startswith("Timeline (")


def test_draft_from_json_text_and_without_tracks():
    assert Draft.parse('{"t": [{"tt": 0, "sg": [{"d": 1000}]}]}').ready_to_export
    assert not Draft.parse({"d": 5}).ready_to_export
    assert Draft.parse({}).summary() == "Timeline (0 tracks): empty"
    assert (
        Draft.parse({"t": [{"tt": 0, "sg": [{"d": 1500, "name": "a"}]}]}).summary()
        == "Timeline (1 track): 1. Video: a (0-1.5s)"
    )


def test_to_wire_of_a_built_draft():
    d = Draft.parse(ENGINE_DRAFT)
    rebuilt = Draft(tracks=d.tracks, duration_ms=d.duration_ms, meta=d.meta)
    wire = rebuilt.to_wire()
    assert wire["t"][1]["sg"][0]["vol"] == 35 and wire["t"][2]["sg"][0]["text"] == "Urban Dreams"
    assert Draft.parse(wire).summary() == d.summary()


@hsettings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.integers() | st.floats() | st.text(max_size=10) | st.booleans(),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["t", "sg", "tt", "d", "s", "in", "vol", "name", "text", "m", "tracks", "segments", "x"]
                ),
                c,
                max_size=5,
            )
        ),
        max_leaves=25,
    )
)
def test_draft_parse_never_raises(value):
    d = Draft.parse(value)
    d.summary()
    d.to_wire()
    assert isinstance(d.ready_to_export, bool)


def test_session_state_variants():
    st_ = SessionState.parse(
        {
            "state": {
                "draft": ENGINE_DRAFT,
                "video_infos": [1],
                "canvas_config": {"a": 1},
                "generated_media": [2],
                "x": 1,
            },
            "version": "3",
        }
    )
    assert (st_.version, st_.video_infos, st_.canvas_config, st_.generated_media) == (3, [1], {"a": 1}, [2])
    assert st_.draft.ready_to_export
    bare = SessionState.parse({"draft": ENGINE_DRAFT})  # no "state" wrapper
    assert bare.draft.ready_to_export
    assert SessionState.parse(None).draft.tracks == []


def test_credits_and_upload_and_token_models():
    assert Credits.parse({"available": "25000", "frozen": 40}).total == 25040
    assert Credits.parse(None).available == 0
    assert UploadResult.parse({"files": {"filename": "a.mp4"}}).files[0].filename == "a.mp4"
    assert UploadResult.parse({"files": "x"}).files == []
    t = TokenInfo.model_validate({"token": "nmv_usr_1234567", "expires_at": "garbage", "credits": "n/a"})
    assert t.expires_at is None and t.credits is None and t.valid_for()
    assert TokenInfo.model_validate({"token": "nmv_usr_1234567", "expires_at": 1}).valid_for() is False
    assert TokenInfo.model_validate({"token": "nmv_usr_1234567", "expires_at": 4102444800000}).valid_for()
