"""Download jobs as a user meets them (issue 12), against the real engine on loopback and a
loopback video site made at test time: two links → two files and two rows with final lines;
Esc mid-fetch on a trickling server → a cancelled row and no file; links with edit words →
the project-way line; a message that is only a path → upload; the credits box says local."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.downloads.dlsite import Site  # noqa: E402  (the loopback video site of tests/downloads)
from tests.ui.pilot_helpers import screen_text, wait_until
from tests.workflows.wf_helpers import connected, jobs_rows, notes, serve_folder


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clips(tmp_path, make_video) -> Path:
    """A folder with two small MP4s (2 s, 360p, H.264/AAC) to serve."""
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(make_video(seconds=2), folder / "harbour-walk.mp4")
    shutil.copy(make_video(seconds=2), folder / "city-lights.mp4")
    return folder


def saved(app) -> list[Path]:
    return sorted(p for p in app.settings.download_dir.glob("*") if p.is_file())


async def send(app, pilot, text: str) -> None:
    app.query_one("#chat-input").value = text
    await pilot.press("enter")


async def test_two_links_in_one_message_give_two_files_and_two_rows(engine_app, clips):
    app = engine_app()
    with serve_folder(clips) as base:
        async with app.run_test(size=(120, 40)) as pilot:
            await connected(app)
            await send(app, pilot, f"download {base}/harbour-walk.mp4 and {base}/city-lights.mp4")
            await wait_until(lambda: any(n.startswith("Saving 2 videos as MP4") for n in notes(app)))
            await wait_until(lambda: sum(t.startswith("✅ Saved") for t in jobs_rows(app)) == 2, timeout=90)
            await wait_until(lambda: sum(n.startswith("✅ Saved") for n in notes(app)) == 2)  # the chat says each
            rows = jobs_rows(app)
            names = sorted(p.name for p in saved(app))
            assert names == ["city-lights.mp4", "harbour-walk.mp4"], names
            for name in names:
                assert any(r.startswith(f"✅ Saved {name}: 640×360 H.264/AAC, 2.0 s") for r in rows), rows
                assert any(
                    n.startswith(f"✅ Saved {name}") and n.endswith(f"\n  {app.settings.download_dir / name}")
                    for n in notes(app)
                )
            assert "✅ Saved" in screen_text(app)
            # ctrl+y copies the last saved file's path
            await pilot.press("ctrl+y")
            await wait_until(lambda: app.clipboard.endswith(".mp4"))
            assert Path(app.clipboard) in saved(app)
            assert not [p for p in saved(app) if p.name.endswith(".part")]


async def test_esc_mid_fetch_cancels_the_row_and_saves_nothing(engine_app, make_video, tmp_path):
    root = tmp_path / "slow-site"
    (root / "slow").mkdir(parents=True)
    shutil.copy(make_video(seconds=6), root / "slow" / "big.mp4")
    site = Site(root, trickle_bytes=2048, trickle_every=0.1)
    app = engine_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await connected(app)
            await send(app, pilot, f"save {site.url('/slow/big.mp4')}")
            await wait_until(lambda: site.trickle_started.is_set(), timeout=30)
            await wait_until(lambda: any("fetching" in r for r in jobs_rows(app)), timeout=30)
            await pilot.press("escape")
            await wait_until(lambda: any("cancelled, nothing saved" in r for r in jobs_rows(app)), timeout=15)
            await wait_until(lambda: any("Cancelled the download: nothing was saved." in n for n in notes(app)))
            await wait_until(lambda: site.trickle_closed is not None, timeout=10)  # the engine stopped fetching
            assert saved(app) == []
            assert not any(r.startswith("✅") for r in jobs_rows(app))
    finally:
        site.close()
    assert saved(app) == []


async def test_links_with_edit_words_say_they_go_the_project_way(engine_app, clips):
    app = engine_app()
    with serve_folder(clips) as base:
        async with app.run_test(size=(120, 40)) as pilot:
            await connected(app)
            await send(app, pilot, f"download {base}/harbour-walk.mp4 and cut the first 1 seconds")
            await wait_until(
                lambda: any(n.startswith("Editing: the link joins your project timeline") for n in notes(app))
            )
            assert not any(n.startswith("Saving") for n in notes(app))
            assert not any(r.startswith("✅ Saved") for r in jobs_rows(app))


async def test_a_message_that_is_only_a_path_uploads(engine_app, make_video, tmp_path):
    clip = tmp_path / "my clip ü.mp4"
    shutil.copy(make_video(seconds=2), clip)
    app = engine_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await send(app, pilot, f"'{clip}'")  # as a terminal pastes a dragged-in file
        await wait_until(lambda: "my clip ü.mp4" in app.timeline.summary_text, timeout=30)
        assert any(n.startswith("Uploading my clip ü.mp4") for n in notes(app))
        assert not [text for role, text in app.chat.transcript() if role == "agent"]  # never the agent


async def test_the_credits_box_says_local(engine_app):
    app = engine_app()
    async with app.run_test(size=(120, 40)):
        await connected(app)
        await wait_until(lambda: "Credits (local): 1,000 available" in screen_text(app))
