"""The render's own words (an engine field, optional): the status ``data`` may carry
``summary`` ("H.264/AAC MP4 · 1280x720 · 0:12 · 3.4 MB") and ``notes`` ("HDR was converted to
SDR"); the export's final line shows them. Without them the line is as before. An unchanged
draft exported again says where the reused file is."""

from __future__ import annotations

from tests.ui.pilot_helpers import wait_until
from tests.ui.ui_fakes import VIDEO_ONLY
from tests.workflows.wf_helpers import connected, jobs_rows, notes


async def test_the_final_line_shows_the_renders_summary_and_notes(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [
        {"status": "processing", "progress": 50},
        {
            "status": "completed",
            "summary": "H.264/AAC MP4 · 1280x720 · 0:12 · 3.4 MB",
            "notes": ["smart render: 6 s of 600 re-encoded", "HDR was converted to SDR"],
        },
    ]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)), timeout=20)
        line = next(n for n in notes(app) if n.startswith("✅ Exported"))
        assert "(H.264/AAC MP4 · 1280x720 · 0:12 · 3.4 MB)" in line.splitlines()[0]
        assert line.splitlines()[1:] == ["  · smart render: 6 s of 600 re-encoded", "  · HDR was converted to SDR"]
        assert any("H.264/AAC MP4 · 1280x720" in r for r in jobs_rows(app))


async def test_without_the_fields_the_final_line_is_as_before(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "completed"}]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)), timeout=20)
        line = next(n for n in notes(app) if n.startswith("✅ Exported"))
        assert "\n" not in line and "H.264/AAC MP4" not in line


async def test_an_unchanged_draft_exported_again_says_where_the_file_is(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "completed"}]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: sum(n.startswith("✅ Exported") for n in notes(app)) == 1, timeout=20)
        await pilot.press("ctrl+e")
        await wait_until(lambda: sum(n.startswith("✅ Exported") for n in notes(app)) == 2, timeout=20)
        again = [n for n in notes(app) if n.startswith("✅ Exported")][1]
        assert "not rendered again" in again
        assert str(app.settings.download_dir) in again
        assert len(fake.submitted) == 1
        assert len(list(app.settings.download_dir.glob("*.mp4"))) == 1
