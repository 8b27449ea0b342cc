"""The formats dialog as a user meets it (issue 17), against the real engine on loopback and a
loopback site made at test time: asking "what resolutions are available for <link>?" lists
the HLS master's variants with the default marked, picking 720 saves a 720p MP4; the formats
key on a pasted feed lists its entries and a range downloads them; on the cloud the dialog
says the service picks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.formats.fmtsite import Site, build_formats_site, write_feed
from tests.ui.pilot_helpers import screen_text, wait_until
from tests.workflows.wf_helpers import connected, notes
from tui.core.mp4_facts import mp4_facts


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def site_files(tmp_path_factory, ffmpeg_exe) -> Path:
    return build_formats_site(tmp_path_factory.mktemp("formats-ui-site"), ffmpeg_exe)


@pytest.fixture
def fsite(site_files) -> Iterator[Site]:
    s = Site(site_files)
    yield s
    s.close()


def saved(app) -> list[Path]:
    return sorted(p for p in app.settings.download_dir.glob("*") if p.is_file())


async def send(app, pilot, text: str) -> None:
    app.query_one("#chat-input").value = text
    await pilot.press("enter")


def dialog_open(app) -> bool:
    from tui.ui.screens.formats import FormatsScreen

    return isinstance(app.screen, FormatsScreen)


async def test_asking_for_resolutions_lists_them_and_picking_720_saves_720p(engine_app, fsite):
    app = engine_app()
    url = fsite.url("/show/master.m3u8")
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await send(app, pilot, f"what resolutions are available for {url}?")
        await wait_until(lambda: dialog_open(app))
        await wait_until(lambda: "1280×720" in screen_text(app), timeout=30)
        text = screen_text(app)
        assert "640×360" in text and "not stated" in text  # the 1080p variant has no RESOLUTION
        assert "3 formats; ★ is what a plain download takes" in text
        star = next(line for line in text.splitlines() if "★" in line and "kb/s" in line)
        assert "not stated" in star and "4500 kb/s" in star  # the best by bandwidth: the default
        assert "avc1" in text and "mp4a" in text and "~" in text  # codecs and an approximate size
        # best first: the cursor starts on the default; one down is 720p
        await pilot.press("down")
        await pilot.press("enter")
        await wait_until(lambda: not dialog_open(app))
        await wait_until(lambda: any(n.startswith("✅ Saved") for n in notes(app)), timeout=90)
    (path,) = saved(app)
    assert mp4_facts(path).height == 720
    assert fsite.segment_hits("/show/v1080/") == 0


async def test_the_formats_key_on_a_pasted_feed_lists_entries_and_a_range_downloads_them(engine_app, fsite):
    app = engine_app()
    feed = write_feed(fsite)
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        app.query_one("#chat-input").value = feed  # pasted, not sent
        await pilot.press("ctrl+f")
        await wait_until(lambda: dialog_open(app))
        await wait_until(lambda: "Night lights" in screen_text(app), timeout=30)
        text = screen_text(app)
        assert "Entries of Harbour diaries" in text and "3 entries." in text
        lines = text.splitlines()
        order = [
            next(i for i, ln in enumerate(lines) if t in ln) for t in ("Morning ferry", "Fish market", "Night lights")
        ]
        assert order == sorted(order) and "0:02" in lines[order[0]]
        # space marks, "a" marks all and again none; a bad range says why and keeps the dialog
        await pilot.press("space")
        assert app.screen.marked == {1}
        await pilot.press("a")
        assert app.screen.marked == {1, 2, 3}
        await pilot.press("a")
        assert app.screen.marked == set()
        app.screen.query_one("#formats-range").focus()
        await pilot.press(*"1-9", "enter")
        await wait_until(lambda: "There are 3 entries: 9 is past the end." in screen_text(app))
        assert dialog_open(app)
        app.screen.query_one("#formats-range").value = ""
        await pilot.press(*"2-3", "enter")
        await wait_until(lambda: not dialog_open(app))
        await wait_until(lambda: sum(n.startswith("✅ Saved") for n in notes(app)) == 2, timeout=120)
    assert len(saved(app)) == 2
    fetched = {p for p, n in fsite.hits.items() if p.startswith("/ep/") and n}
    assert fetched == {"/ep/2.mp4", "/ep/3.mp4"}


async def test_on_the_cloud_the_dialog_says_the_service_picks(fake_app):
    app = fake_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await connected(app)
        await send(app, pilot, "which formats does https://videos.example/clip/42 offer?")
        await wait_until(lambda: dialog_open(app))
        await wait_until(lambda: "the service picks the format" in screen_text(app))
        await pilot.press("escape")
        await wait_until(lambda: not dialog_open(app))
        assert saved(app) == []
