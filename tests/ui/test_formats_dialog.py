"""The formats dialog on its own (tui.ui.screens.formats): what it shows for a video's formats
and a playlist's entries, what a pick hands back, how a failure reads, and its snapshots at
80x24 and 120x40 (fixed data: the real reads are in tests/workflows/test_formats_ui.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from tests.ui.pilot_helpers import screen_text, wait_until
from tui.api.errors import ApiError
from tui.api.link_info import parse_link_info
from tui.core.download_intent import DownloadRequest
from tui.ui.screens.formats import FormatsScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

VIDEO = {
    "url": "https://videos.example/show/master.m3u8",
    "title": "Harbour [b]walk[/b]",
    "duration": 62.0,
    "default_format_id": "hls-4500",
    "subtitles": ["de", "en"],
    "formats": [
        {"format_id": "hls-4500", "ext": "mp4", "vcodec": "avc1.640028", "acodec": "mp4a.40.2", "tbr": 4500,
         "filesize": 34_875_000, "filesize_approx": True},
        {"format_id": "hls-2000", "ext": "mp4", "width": 1280, "height": 720, "fps": 25, "vcodec": "avc1.64001f",
         "acodec": "mp4a.40.2", "tbr": 2000, "filesize": 15_500_000, "filesize_approx": True},
        {"format_id": "hls-800", "ext": "mp4", "width": 640, "height": 360, "fps": 25, "vcodec": "avc1.64001e",
         "acodec": "mp4a.40.2", "tbr": 800, "filesize": 6_200_000, "filesize_approx": True},
        {"format_id": "audio-en", "ext": "m4a", "vcodec": "none", "acodec": "mp4a.40.2", "tbr": 128, "note": "English"},
    ],
}  # fmt: skip
PLAYLIST = {
    "url": "https://videos.example/feed.xml",
    "kind": "playlist",
    "title": "Harbour diaries",
    "entries": [
        {
            "index": i,
            "url": f"https://videos.example/{i}.mp4",
            "title": f"Episode {i} [red]x[/red]",
            "duration": 61.0 * i,
        }
        for i in range(1, 8)
    ],
    "truncated": True,
}


class Host(App[None]):
    """An app that opens the dialog on ``data`` (or a failing read) and keeps what it returns."""

    def __init__(self, data: dict[str, Any] | Exception | None) -> None:
        super().__init__()
        self.data = data
        self.result: object = "open"

    def on_mount(self) -> None:
        data = self.data

        async def load():
            if isinstance(data, Exception):
                raise data
            return None if data is None else parse_link_info(data["url"], data)

        url = data["url"] if isinstance(data, dict) else "https://videos.example/v"
        self.push_screen(FormatsScreen(url, load), lambda r: setattr(self, "result", r))


async def shown(pilot, words: str) -> None:
    await wait_until(lambda: words in screen_text(pilot.app))
    await pilot.pause()


async def test_a_pick_hands_back_that_format_and_its_height():
    app = Host(VIDEO)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, "1280×720")
        text = screen_text(app)
        assert "Harbour [b]walk[/b]" in text  # a title with markup is shown as it is
        assert "audio only" in text and "English" in text and "~15.5 MB" in text
        assert "Subtitles: de, en." in text
        await pilot.press("down", "enter")
        await wait_until(lambda: app.result != "open")
    assert app.result == DownloadRequest(urls=[VIDEO["url"]], format_id="hls-2000", max_height=720)


async def test_marked_entries_are_handed_back_in_order_and_escape_hands_back_nothing():
    app = Host(PLAYLIST)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, "Episode 7")
        assert "Episode 1 [red]x[/red]" in screen_text(app) and "the playlist has more" in screen_text(app)
        # space marks the row and moves down: marks 3 (the cursor goes to 4), then 1
        await pilot.press("down", "down", "space", "up", "up", "up", "space", "enter")
        await wait_until(lambda: app.result != "open")
    assert app.result == DownloadRequest(urls=["https://videos.example/1.mp4", "https://videos.example/3.mp4"])
    app = Host(PLAYLIST)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, "Episode 7")
        await pilot.press("escape")
        await wait_until(lambda: app.result != "open")
    assert app.result is None


async def test_a_failed_read_says_why_in_the_dialog():
    app = Host(ApiError("Nothing was found at this link (HTTP 404). [b]Check[/b] the URL.", code=4003))
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, "Could not read this link")
        words = " ".join(screen_text(app).replace("│", " ").split())
        assert "Could not read this link: Nothing was found at this link (HTTP 404). [b]Check[/b] the URL." in words


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_formats(snap_compare, size):
    assert snap_compare(Host(VIDEO), terminal_size=size, run_before=lambda pilot: shown(pilot, "1280×720"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_entries(snap_compare, size):
    assert snap_compare(Host(PLAYLIST), terminal_size=size, run_before=lambda pilot: shown(pilot, "Episode 7"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_cloud(snap_compare, size):
    assert snap_compare(Host(None), terminal_size=size, run_before=lambda pilot: shown(pilot, "service picks"))
