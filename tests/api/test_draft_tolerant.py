"""Drafts whose segments use field names the client did not know: the words of a title are
found wherever they are (nested included), and an internal id or an empty string is never
shown as user content ("a title" instead)."""

from __future__ import annotations

import pytest

from tui.api.draft import Draft, find_text, looks_like_id
from tui.core.timeline import describe_changes

VIDEO = {"id": "trk_v", "tt": 0, "sg": [{"id": "seg_0f3a9c21", "name": "city.mp4", "s": 0, "d": 10000}]}


def with_title(segment: dict) -> dict:
    return {"t": [VIDEO, {"id": "trk_t", "tt": 7, "sg": [segment]}], "d": 10000}


@pytest.mark.parametrize(
    "segment",
    [
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "txt": "Paradise Found"},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "caption": "Paradise Found"},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "text": {"content": "Paradise Found", "font": "Inter"}},
        {
            "id": "seg_a44b7d68",
            "s": 0,
            "d": 3000,
            "style": {"color": "#fff"},
            "data": {"text": {"value": "Paradise Found"}},
        },
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "params": {"subtitle": "Paradise Found"}},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "content": {"parts": [{"text": "Paradise"}, {"text": "Found"}]}},
        {"id": "seg_a44b7d68", "start": 0, "durationMs": 3000, "label": "Paradise Found"},
    ],
    ids=["txt", "caption", "nested-text-content", "deep-data", "params-subtitle", "parts", "label"],
)
def test_the_words_are_found_under_other_names(segment):
    draft = Draft.parse(with_title(segment))
    assert draft.tracks[1].segments[0].text == "Paradise Found"
    assert draft.summary().endswith('2. Title: "Paradise Found" (0-3s)')
    lines = describe_changes({"t": [VIDEO], "d": 10000}, with_title(segment))
    assert lines == ['✅ Title added: "Paradise Found" (0–3s)']


@pytest.mark.parametrize(
    "segment",
    [
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "unknownWords": "Paradise Found"},  # a key nobody could guess
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "text": ""},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "text": "   "},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "text": "seg_a44b7d68"},  # the id echoed as text
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "name": "seg_a44b7d68"},
        {"id": "seg_a44b7d68", "s": 0, "d": 3000, "title": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
    ],
    ids=["unknown-key", "empty", "blank", "id-as-text", "id-as-name", "uuid-as-title"],
)
def test_no_words_says_a_title_never_an_id_or_empty_quotes(segment):
    draft = Draft.parse(with_title(segment))
    summary = draft.summary()
    assert "2. Title: a title (0-3s)" in summary
    lines = describe_changes({"t": [VIDEO], "d": 10000}, with_title(segment))
    assert lines == ["✅ Title added: a title (0–3s)"]
    for text in [summary, *lines]:
        assert "seg_" not in text and '""' not in text and "3f2504e0" not in text
    moved = dict(segment, s=2000) if "s" in segment else segment
    for line in describe_changes(with_title(segment), with_title(moved)):
        assert "seg_" not in line and '""' not in line


def test_a_clip_without_a_name_is_a_clip_not_its_id():
    before = {"t": [{"id": "trk_v", "tt": 0, "sg": [{"id": "seg_0f3a9c21", "s": 0, "d": 1000}]}]}
    after = {"t": [{"id": "trk_v", "tt": 0, "sg": [{"id": "seg_0f3a9c21", "s": 0, "d": 2000}]}]}
    assert describe_changes(before, after)[0] == "✅ Trimmed: a clip now 0–2s"
    assert "seg_" not in Draft.parse(after).summary()


def test_changed_words_under_an_unknown_key_are_reported():
    before = with_title({"id": "seg_a44b7d68", "s": 0, "d": 3000, "props": {"caption": "Old"}})
    after = with_title({"id": "seg_a44b7d68", "s": 0, "d": 3000, "props": {"caption": "New"}})
    assert describe_changes(before, after) == ['✅ Title changed: "Old" → "New"']


@pytest.mark.parametrize(
    ("value", "is_id"),
    [
        ("seg_a44b7d68", True),
        ("trk-0f3a9c21", True),
        ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", True),
        ("0123456789abcdef01", True),
        ("Paradise Found", False),
        ("Intro-2024", False),
        ("Hello_World", False),
        ("Top 10", False),
        ("upl_ab12", False),
    ],
)
def test_what_counts_as_an_internal_id(value, is_id):
    assert looks_like_id(value) is is_id


def test_find_text_is_bounded_on_deep_or_huge_input():
    deep: dict = {"text": "found"}
    for _ in range(50):
        deep = {"wrap": deep}
    assert find_text(deep) == ""  # deeper than four levels is not searched
    assert find_text({"parts": [{"x": 1}] * 100_000}) == ""
