"""Snapshots of the upload picker (a folder of media, one file marked) and of the export
panel in progress (a render at 40 %), at 80x24 and 120x40. Deterministic: HOME is the
test's folder (shown as ~), fixed file sizes, a fixed render id, the fake backend's fixed
session, a fixed wall clock, no cursor blink."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.ui_fakes import VIDEO_ONLY
from tests.workflows.wf_helpers import jobs_rows, notes

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def ready(pilot) -> None:
    app = pilot.app
    await wait_until(lambda: app.session is not None and any("Ready:" in n for n in notes(app)))
    await wait_until(lambda: app.credits is not None)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_upload_picker(snap_compare, fake_app, size):
    from tui.core.files import remember_folder

    videos = Path.home() / "Videos"
    (videos / "holiday").mkdir(parents=True)
    for name, size_bytes in (("city.mp4", 63_747), ("beat.mp3", 24_467), ("poster.png", 9_000), ("notes.txt", 5)):
        (videos / name).write_bytes(b"\x00" * size_bytes)
    app = fake_app()
    remember_folder(app.settings.data_dir, videos)

    async def picker(pilot) -> None:
        await ready(pilot)
        await pilot.press("ctrl+u")
        await wait_until(lambda: "city.mp4" in screen_text(pilot.app))
        await pilot.press("down", "down", "space")  # mark beat.mp3 (after the folder)
        await wait_until(lambda: "Marked 1 file (24.5 KB): beat.mp3" in screen_text(pilot.app))
        # the dimmed background is painted after the dialog: wait until nothing is pending
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=picker)


@pytest.mark.parametrize("size", SIZES)
def test_export_panel_in_progress(snap_compare, fake_app, fake, monkeypatch, size):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "processing", "progress": 40}]
    monkeypatch.setattr("tui.api.client.uuid.uuid4", lambda: uuid.UUID("0123456789abcdef0123456789abcdef"))
    app = fake_app(export_poll_interval=0.05)

    async def exporting(pilot) -> None:
        await ready(pilot)
        await pilot.press("ctrl+e")
        await wait_until(lambda: "⚙ render 89abcdef · processing 40%" in jobs_rows(pilot.app))
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=exporting)


@pytest.mark.parametrize("size", SIZES)
def test_jobs_panel_with_finished_download(snap_compare, fake_app, size):
    """Two download rows: one saved (its final line), one still fetching (bytes, %, speed, ETA)."""
    from tui.core.downloads import JobProgress
    from tui.ui.jobs.downloads import progress_text

    app = fake_app()

    async def downloaded(pilot) -> None:
        await ready(pilot)
        panel = pilot.app.jobs
        panel.set_row(
            "dl:dl1",
            "✅ Saved Harbour walk.mp4: 1920×1080 H.264/AAC, 10.0 s, 14.2 MB — the highest this link offers",
            False,
            "done",
        )
        moving = JobProgress(
            "dl2", "http://127.0.0.1:8000/v/city.mp4", "fetch", 3_100_000, 9_800_000, 31.6, 2_400_000, 3.0, 1.3
        )
        panel.set_row("dl:dl2", progress_text(moving, "127.0.0.1:8000/v/city.mp4"), 0.316)
        await wait_until(lambda: len(jobs_rows(pilot.app)) == 2)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=downloaded)
