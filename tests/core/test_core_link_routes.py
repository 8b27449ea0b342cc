"""Link and path recognition: what a line with links or local paths does (issue 12's table)."""

from __future__ import annotations

import pytest

from tui.core.download_intent import download_request
from tui.core.router import route

SPACED = "my clip ü 视频.mp4"


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "Videos"
    folder.mkdir()
    (folder / SPACED).write_bytes(b"x")
    (folder / "a.mp4").write_bytes(b"x")
    (folder / "b c.mov").write_bytes(b"x")
    return folder


# (input, expected action, expected urls) — links
LINKS = [
    ("127.0.0.1:8000/v/plain.mp4", "download", ["http://127.0.0.1:8000/v/plain.mp4"]),
    ("example.com/clip.mp4", "download", ["https://example.com/clip.mp4"]),
    ("www.example.org/watch?v=abc", "download", ["https://www.example.org/watch?v=abc"]),
    ("localhost:8765/media/x.mp4", "download", ["http://localhost:8765/media/x.mp4"]),
    ("download example.com/clip.mp4.", "download", ["https://example.com/clip.mp4"]),
    ("save (example.com/a/b.mp4)", "download", ["https://example.com/a/b.mp4"]),
    ("grab [https://example.com/v/1]!", "download", ["https://example.com/v/1"]),
    ("get <https://example.com/q>", "download", ["https://example.com/q"]),
    ('"https://example.com/q"', "download", ["https://example.com/q"]),
    ("keep https://example.com/x.mp4 offline", "download", ["https://example.com/x.mp4"]),
    ("convert https://example.com/x.webm to MP4", "download", ["https://example.com/x.webm"]),
    (
        "download this video in MP4 format at the highest available resolution https://a.example/v",
        "download",
        ["https://a.example/v"],
    ),
    (
        "download these two videos https://a.example/x and https://b.example/y",
        "download",
        ["https://a.example/x", "https://b.example/y"],
    ),
    ("https://a.example/x https://b.example/y", "download", ["https://a.example/x", "https://b.example/y"]),
    ("下载 https://example.com/v.mp4", "download", ["https://example.com/v.mp4"]),
    ("保存这个视频https://example.com/v.mp4。谢谢", "download", ["https://example.com/v.mp4"]),
    ("把https://example.com/v.webm转成MP4", "download", ["https://example.com/v.webm"]),
    ("as a 720p MP4: https://example.com/master.m3u8", "download", ["https://example.com/master.m3u8"]),
    ("wiki https://en.wikipedia.org/wiki/Foo_(bar).", "agent", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("download https://example.com/a.mp4 and cut the first 10 s", "agent", ["https://example.com/a.mp4"]),
    ("add a title 'Hi' to https://example.com/a.mp4", "agent", ["https://example.com/a.mp4"]),
    ("下载 https://example.com/v.mp4 然后加字幕", "agent", ["https://example.com/v.mp4"]),
    ("what is this video about? https://example.com/v", "agent", ["https://example.com/v"]),
    ("clip.mp4 is my file", "agent", []),
    ("e.g. this one", "agent", []),
    ("export https://example.com/clip.mp4", "agent", ["https://example.com/clip.mp4"]),
]


@pytest.mark.parametrize(("text", "action", "urls"), LINKS)
def test_links(text, action, urls):
    r = route(text)
    assert (r.action, r.urls) == (action, urls)


def test_paths(files):
    spaced = str(files / SPACED)
    escaped = spaced.replace(" ", "\\ ")
    cases = [
        (spaced, [spaced]),  # typed plain, spaces and non-ASCII letters: the file exists
        (escaped, [spaced]),  # backslash-escaped, as a shell writes it
        (f"'{spaced}' ", [spaced]),  # drag-and-drop (GNOME Terminal, Konsole): single quotes, a space
        (f'"{spaced}"', [spaced]),
        ("file://" + str(files / "my%20clip%20%C3%BC%20%E8%A7%86%E9%A2%91.mp4"), [spaced]),  # file:// URL
        (f"'{files / 'a.mp4'}' '{files / 'b c.mov'}' ", [str(files / "a.mp4"), str(files / "b c.mov")]),
        (f"upload {files / 'a.mp4'}, please", [str(files / "a.mp4")]),
        (f"{files / 'b c.mov'}", [str(files / "b c.mov")]),
        ("~/Videos/a.mp4", ["~/Videos/a.mp4"]),
    ]
    for text, paths in cases:
        r = route(text)
        assert (r.action, r.paths) == ("upload", paths), text
        assert r.urls == []


def test_paths_with_other_words_go_to_the_agent(files):
    r = route(f"trim {files / 'a.mp4'} to 5 s")
    assert r.action == "agent" and r.paths == []
    assert route("/export").action == "export"


def test_the_table_is_large_enough():
    assert len(LINKS) + 11 >= 30


@pytest.mark.parametrize(
    ("text", "height", "upscale"),
    [
        ("download https://x.io/a as a 720p MP4", 720, False),
        ("convert https://x.io/a at 1080p", 1080, False),
        ("save https://x.io/a in 4K, upscale it", 2160, True),
        ("save https://x.io/a 1920x1080", 1080, False),
        ("download https://x.io/a at the highest resolution", None, False),
    ],
)
def test_download_request_height(text, height, upscale):
    req = download_request(text, ["https://x.io/a"])
    assert req is not None and (req.max_height, req.upscale) == (height, upscale)


def test_links_with_edit_words_say_they_go_the_project_way():
    from tui.core.download_intent import project_way_note

    text = "download https://example.com/a.mp4 and cut the first 10 s"
    assert route(text).action == "agent"
    assert "project timeline" in (project_way_note(text, ["https://example.com/a.mp4"]) or "")
    assert project_way_note("save https://example.com/a.mp4", ["https://example.com/a.mp4"]) is None
    assert project_way_note("what is in https://example.com/a.mp4 ?", ["https://example.com/a.mp4"]) is None
