"""The formats extension's reading of yt-dlp info dicts: tolerant of missing and mistyped
fields (tui.engine.media.link_facts), and the client's parser of the wire shape."""

from __future__ import annotations

import itertools

from tui.api.link_info import parse_link_info
from tui.engine.media.link_facts import entry_rows, facts, format_rows, subtitle_langs


def test_rows_with_missing_fields_are_none_not_errors():
    formats = [
        {"format_id": "hls-800", "tbr": 800.0, "height": 360, "width": 640, "vcodec": "avc1.64001e"},
        {"format_id": "hls-4500", "tbr": 4500.0, "vcodec": "avc1.640028", "acodec": "mp4a.40.2"},  # no RESOLUTION
        {"format_id": 140, "ext": "m4a", "vcodec": "none", "acodec": "mp4a.40.2", "filesize": 12345},
        {"tbr": 100.0},  # no id: left out
        {"format_id": "", "height": 1080},  # an empty id: left out
        {"format_id": "sb0", "ext": "mhtml", "format_note": "storyboard"},  # pictures
        {"format_id": "drm", "has_drm": True, "height": 2160},
        {"format_id": "odd", "height": "720", "fps": None, "tbr": float("nan"), "filesize": -1, "width": True},
        "not a dict",
        None,
    ]
    rows = format_rows(formats, duration=10.0)
    assert [r["format_id"] for r in rows] == ["odd", "140", "hls-4500", "hls-800"]  # best (last) first
    odd, audio, unsized, small = rows
    assert odd["height"] is None and odd["width"] is None and odd["tbr"] is None and odd["filesize"] is None
    assert unsized["height"] is None and unsized["filesize"] == 4500 * 125 * 10 and unsized["filesize_approx"]
    assert audio["filesize"] == 12345 and not audio["filesize_approx"] and audio["vcodec"] == "none"
    assert small == {
        "format_id": "hls-800",
        "ext": None,
        "width": 640,
        "height": 360,
        "fps": None,
        "vcodec": "avc1.64001e",
        "acodec": None,
        "tbr": 800.0,
        "filesize": 1_000_000,  # 800 kbit/s for 10 s
        "filesize_approx": True,
        "note": None,
    }
    assert format_rows(None) == [] and format_rows({"format_id": "x"}) == []


def test_entries_are_listed_in_order_capped_and_without_smuggled_data():
    entries = [
        {"_type": "url_transparent", "url": "https://a.example/1.mp4#__youtubedl_smuggle=%7B%7D", "title": "One"},
        {"url": "ftp://no.example/2"},  # not a web link: left out, its place kept
        {"webpage_url": "https://a.example/3", "duration": "long"},
        {"formats": [{"url": "https://a.example/4-low.mp4"}, {"url": "https://a.example/4.mp4"}], "title": "Four"},
        None,
    ]
    rows, truncated = entry_rows(entries)
    assert rows == [
        {"index": 1, "url": "https://a.example/1.mp4", "title": "One", "duration": None},
        {"index": 3, "url": "https://a.example/3", "title": None, "duration": None},
        {"index": 4, "url": "https://a.example/4.mp4", "title": "Four", "duration": None},
    ]
    assert not truncated
    endless = ({"url": f"https://a.example/{i}"} for i in itertools.count(1))  # yt-dlp's lazy pages
    rows, truncated = entry_rows(endless, cap=5)
    assert [r["index"] for r in rows] == [1, 2, 3, 4, 5] and truncated
    assert entry_rows(None) == ([], False) and entry_rows("abc") == ([], False) and entry_rows(42) == ([], False)


def test_subtitles_prefer_real_ones_over_automatic_captions():
    assert subtitle_langs({"subtitles": {"en": [{}], "de": [{}], "live_chat": [{}]}}) == ["de", "en"]
    assert subtitle_langs({"subtitles": {}, "automatic_captions": {"fr": [{}]}}) == ["fr"]
    assert subtitle_langs({"subtitles": {"en": [{}]}, "automatic_captions": {"fr": [{}]}}) == ["en"]
    assert subtitle_langs({"subtitles": None}) == [] and subtitle_langs({}) == []


def test_a_playlist_and_a_video_on_the_wire_and_back():
    video = facts("https://a.example/v", {"title": "V", "duration": 12, "formats": [{"format_id": "a"}]}, "a")
    info = parse_link_info("https://a.example/v", video)
    assert info.kind == "video" and info.default_format_id == "a" and info.formats[0].format_id == "a"
    assert info.duration == 12.0 and info.is_default(info.formats[0])
    playlist = facts("https://a.example/p", {"_type": "playlist", "entries": [{"url": "https://a.example/1"}]})
    info = parse_link_info("https://a.example/p", playlist)
    assert info.is_playlist and info.default_format_id is None and [e.index for e in info.entries] == [1]
    empty = facts("https://a.example/e", {})
    assert empty["formats"] == [] and empty["title"] is None and empty["kind"] == "video"
    assert parse_link_info("u", {**video, "truncated": True}).truncated
    merged = parse_link_info("u", {**video, "default_format_id": "137+140", "formats": [{"format_id": "140"}]})
    assert merged.is_default(merged.formats[0])
