"""Asking what a link offers routes to the formats dialog; a playlist range names entries."""

from __future__ import annotations

import pytest

from tui.core.formats_intent import parse_range
from tui.core.router import route


@pytest.mark.parametrize(
    "text",
    [
        "what resolutions are available for https://a.example/show/master.m3u8?",
        "Which formats does https://a.example/v offer",
        "formats https://a.example/v",
        "show the qualities of example.com/watch/1",
        "list formats for https://a.example/v please",
        "what resolutions can I download for https://a.example/v",
        "https://a.example/v 有哪些分辨率",
        "what episodes are in https://a.example/feed.xml?",
        "list the videos of https://a.example/playlist",
    ],
)
def test_asking_what_a_link_offers_opens_the_formats_dialog(text):
    r = route(text)
    assert r.action == "formats" and len(r.urls) == 1


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("download https://a.example/v in 720p resolution", "download"),
        ("download this video in MP4 format at the highest available resolution https://a.example/v", "download"),
        ("save https://a.example/v", "download"),
        ("add a title to https://a.example/v and then show which formats look best with music", "agent"),
        ("what resolutions are there?", "agent"),  # no link: a question for the agent
    ],
)
def test_other_lines_with_format_words_keep_their_route(text, action):
    assert route(text).action == action


def test_ranges_name_entries_in_order_once_each():
    assert parse_range("all", 4) == [1, 2, 3, 4]
    assert parse_range("1-3", 8) == [1, 2, 3]
    assert parse_range("2,4, 7", 8) == [2, 4, 7]
    assert parse_range("6-", 8) == [6, 7, 8]
    assert parse_range("-2 5", 8) == [1, 2, 5]
    assert parse_range("3,1-3", 8) == [3, 1, 2]
    for bad in ("", "x", "5-2", "0", "1-9", "-"):
        with pytest.raises(ValueError):
            parse_range(bad, 8)
