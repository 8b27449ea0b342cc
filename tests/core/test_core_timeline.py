"""What changed between two drafts (the DRAFT format of contracts.md), and bars to scale."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.models import Draft
from tui.core.timeline import describe_changes, format_ms, format_span, ruler, track_bars

VIDEO = {
    "id": "trk_v1",
    "tt": 0,
    "name": "Video",
    "sg": [{"id": "seg_1", "name": "city.mp4", "src": "upl_ab12", "s": 0, "d": 35000, "in": 0, "vol": 100}],
}
BGM = {
    "id": "trk_a1",
    "tt": 1,
    "name": "BGM",
    "sg": [{"id": "seg_2", "name": "lofi.mp3", "src": "upl_cd34", "s": 0, "d": 10000, "in": 0, "vol": 35}],
}
TITLE = {
    "id": "trk_t1",
    "tt": 7,
    "name": "Title",
    "sg": [{"id": "seg_3", "name": "Title", "text": "Paradise Found", "s": 0, "d": 3000}],
}
META = {
    "title": "project",
    "width": 1920,
    "height": 1080,
    "fps": 30,
    "aspect": "16:9",
    "resolution": "highest",
    "mute": False,
}


def draft(*tracks, d=35000, **meta) -> dict:
    return {"t": [copy.deepcopy(t) for t in tracks], "d": d, "m": {**META, **meta}}


def changes(before: dict, after: dict) -> list[str]:
    return describe_changes(Draft.parse(before), Draft.parse(after))


def test_nothing_changed():
    d = draft(VIDEO, BGM, TITLE)
    assert changes(d, copy.deepcopy(d)) == []
    assert describe_changes(Draft(), Draft()) == []


def test_title_added():
    assert changes(draft(VIDEO), draft(VIDEO, TITLE)) == ['✅ Title added: "Paradise Found" (0–3s)']


def test_music_added():
    assert changes(draft(VIDEO), draft(VIDEO, BGM)) == ["✅ Music added: lofi.mp3 at 35%"]


def test_trimmed():
    after = draft(VIDEO, d=10000)
    after["t"][0]["sg"][0]["d"] = 10000
    assert changes(draft(VIDEO), after) == ["✅ Trimmed: city.mp4 now 0–10s", "✅ Duration: 35s → 10s"]


def test_following_clips_shifting_after_a_trim_are_not_reported_as_moves():
    two = {
        "id": "v",
        "tt": 0,
        "name": "Video",
        "sg": [{"id": "a", "name": "a.mp4", "s": 0, "d": 10000}, {"id": "b", "name": "b.mp4", "s": 10000, "d": 5000}],
    }
    after = copy.deepcopy(two)
    after["sg"][0]["d"] = 4000
    after["sg"][1]["s"] = 4000
    assert changes(draft(two, d=15000), draft(after, d=9000)) == ["✅ Trimmed: a.mp4 now 0–4s", "✅ Duration: 15s → 9s"]


def test_in_point_change_is_a_trim():
    after = draft(VIDEO)
    after["t"][0]["sg"][0]["in"] = 5000
    assert changes(draft(VIDEO), after) == ["✅ Trimmed: city.mp4 now 0–35s"]


def test_track_removed():
    assert changes(draft(VIDEO, TITLE), draft(VIDEO)) == ["✅ Track removed: Title"]


def test_segment_removed_and_added_in_same_track():
    before = draft(VIDEO)
    after = draft(VIDEO)
    after["t"][0]["sg"].append({"id": "seg_9", "name": "beach.mov", "s": 35000, "d": 5000})
    assert changes(before, after)[0] == "✅ Clip added: beach.mov (35–40s)"
    assert changes(after, before)[0] == "✅ Clip removed: beach.mov"


def test_meta_changes():
    assert changes(draft(VIDEO), draft(VIDEO, mute=True)) == ["✅ Audio muted"]
    assert changes(draft(VIDEO, mute=True), draft(VIDEO)) == ["✅ Audio unmuted"]
    assert changes(draft(VIDEO), draft(VIDEO, resolution="1080p")) == ["✅ Output set to 1080p"]
    assert changes(draft(VIDEO), draft(VIDEO, aspect="9:16", width=1080, height=1920)) == [
        "✅ Aspect ratio set to 9:16"
    ]
    assert changes(draft(VIDEO), draft(VIDEO, width=1280, height=720)) == ["✅ Output size set to 1280×720"]
    assert changes(draft(VIDEO, resolution="720p"), draft(VIDEO)) == [
        "✅ Output set to the highest available resolution"
    ]


def test_volume_and_text_changes():
    after = draft(VIDEO, BGM, TITLE)
    after["t"][1]["sg"][0]["vol"] = 0
    after["t"][2]["sg"][0]["text"] = "Urban Dreams"
    lines = changes(draft(VIDEO, BGM, TITLE), after)
    assert "✅ Muted: lofi.mp3" in lines
    assert '✅ Title changed: "Paradise Found" → "Urban Dreams"' in lines
    after["t"][1]["sg"][0]["vol"] = 60
    assert "✅ Volume: lofi.mp3 now 60%" in changes(draft(VIDEO, BGM, TITLE), after)


def test_moved_segment():
    after = draft(VIDEO, TITLE)
    after["t"][1]["sg"][0]["s"] = 5000
    assert changes(draft(VIDEO, TITLE), after) == ['✅ Moved: Title "Paradise Found" now 5–8s']


def test_a_big_diff_is_capped():
    before = draft(VIDEO)
    after = draft(VIDEO)
    after["t"].append(
        {
            "id": "trk_t9",
            "tt": 7,
            "name": "Title",
            "sg": [{"id": f"s{i}", "text": f"T{i}", "s": i * 1000, "d": 1000} for i in range(30)],
        }
    )
    lines = changes(before, after)
    assert len(lines) == 12
    assert lines[-1].startswith("✅ …and 19 more changes")


def test_tolerates_raw_dicts_missing_keys_and_garbage():
    assert describe_changes({"t": [{"sg": [{"d": 1000}]}]}, {"t": [{"sg": [{"d": 2000}]}]}) == [
        "✅ Trimmed: a clip now 0–2s",
        "✅ Duration: 1s → 2s",
    ]
    assert describe_changes(None, "not json") == []
    assert (
        describe_changes({}, {"t": [{"tt": 7, "sg": [{"text": "Hi", "d": 2000}]}]})[0] == '✅ Title added: "Hi" (0–2s)'
    )


@pytest.mark.parametrize(
    "ms,text",
    [
        (0, "0s"),
        (3000, "3s"),
        (1500, "1.5s"),
        (10000, "10s"),
        (59_999, "60s"),
        (65000, "1m05s"),
        (600_000, "10m00s"),
        (3_723_000, "1h02m03s"),
        (-5, "0s"),
        (None, "0s"),
    ],
)
def test_format_ms(ms, text):
    assert format_ms(ms) == text


def test_format_span():
    assert format_span(0, 3000) == "0–3s"
    assert format_span(0, 10000) == "0–10s"
    assert format_span(60000, 65000) == "1m00s–1m05s"
    assert format_span(5000, 1000) == "5–5s"


def test_bars_to_scale():
    rows = track_bars(Draft.parse(draft(VIDEO, BGM, TITLE)), 35)
    assert [label for label, _ in rows] == ["Video", "BGM", "Title"]
    assert rows[0][1] == "█" * 35
    assert rows[1][1] == "█" * 10 + "·" * 25
    assert rows[2][1] == "█" * 3 + "·" * 32


def test_adjacent_segments_are_distinguishable():
    video = {
        "id": "v",
        "tt": 0,
        "name": "Video",
        "sg": [
            {"id": "a", "name": "a.mp4", "s": 0, "d": 5000},
            {"id": "b", "name": "b.mp4", "s": 5000, "d": 5000},
            {"id": "c", "name": "c.mp4", "s": 10000, "d": 10000},
        ],
    }
    ((label, bar),) = track_bars(Draft.parse({"t": [video], "d": 20000}), 20)
    assert label == "Video"
    assert bar == "█" * 5 + "▓" * 5 + "█" * 10


def test_tiny_segment_still_shows():
    title = {"id": "t", "tt": 7, "name": "Title", "sg": [{"text": "x", "s": 0, "d": 10}]}
    ((_, bar),) = track_bars(Draft.parse({"t": [title], "d": 600000}), 40)
    assert bar[0] == "█" and set(bar[1:]) == {"·"}


def test_bars_on_empty_and_zero_drafts():
    assert track_bars(Draft(), 20) == []
    empty = {"t": [{"id": "x", "tt": 0, "name": "Video", "sg": []}], "d": 0}
    assert track_bars(Draft.parse(empty), 10) == [("Video", "·" * 10)]
    zero = {"t": [{"id": "x", "tt": 0, "sg": [{"s": 0, "d": 0}]}], "d": 0}
    assert track_bars(Draft.parse(zero), 5) == [("Video", "·" * 5)]
    assert track_bars(Draft.parse(draft(VIDEO)), 0) == [("Video", "")]
    assert track_bars(Draft.parse(draft(VIDEO)), -3) == [("Video", "")]


def test_ruler():
    assert ruler(Draft.parse(draft(VIDEO)), 20) == "0s" + " " * 15 + "35s"
    assert len(ruler(Draft.parse(draft(VIDEO)), 3)) == 3
    assert ruler(Draft(), 0) == ""


segment = st.fixed_dictionaries(
    {"s": st.integers(-(10**7), 10**7), "d": st.integers(-(10**7), 10**7)},
    optional={"id": st.text(max_size=4), "name": st.text(max_size=8), "vol": st.integers(-5, 200)},
)
track = st.fixed_dictionaries(
    {"tt": st.sampled_from([0, 1, 7, 3, None]), "sg": st.lists(segment, max_size=6)},
    optional={"id": st.text(max_size=4), "name": st.text(max_size=8)},
)
drafts = st.fixed_dictionaries({"t": st.lists(track, max_size=4), "d": st.integers(-(10**6), 10**8)})


@settings(max_examples=300, deadline=None)
@given(drafts, st.integers(-5, 200))
def test_bars_always_exactly_width(d, width):
    rows = track_bars(Draft.parse(d), width)
    assert len(rows) == len(Draft.parse(d).tracks)
    for label, bar in rows:
        assert isinstance(label, str) and label
        assert len(bar) == max(0, width)
        assert set(bar) <= {"█", "▓", "·"}


@settings(max_examples=200, deadline=None)
@given(drafts, drafts)
def test_describe_changes_never_raises(a, b):
    lines = describe_changes(Draft.parse(a), Draft.parse(b))
    assert len(lines) <= 12
    assert all(line.startswith("✅ ") for line in lines)
    assert describe_changes(Draft.parse(a), Draft.parse(a)) == []
