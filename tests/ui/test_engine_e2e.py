"""The app against the real embedded engine on loopback: upload a generated video, ask for a
title, see the timeline change, export and find the MP4 on disk."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.test_app import agent_texts, notes, send
from tui.engine.embedded import EmbeddedEngine


@pytest.fixture
def local_engine(tmp_path):
    engine = EmbeddedEngine(
        tmp_path / "engine", heartbeat_interval=0.2, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0
    )
    url = engine.start()
    yield url
    engine.stop()


async def test_upload_edit_and_export_against_the_engine(local_engine, make_video, ffmpeg_exe, tmp_path):
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    video = tmp_path / "city.mp4"
    shutil.copy(make_video(seconds=2), video)
    settings = replace(load_settings(), api_url=local_engine, token=None)
    app = NemoApp(settings, backend="local", export_poll_interval=0.2, tick_interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "connected · local" in screen_text(app) and app.session is not None, timeout=60)
        await wait_until(lambda: "Credits (local): 1,000 available" in screen_text(app))
        # upload through the picker's path box (ctrl+u)
        await pilot.press("ctrl+u")
        await wait_until(lambda: app.screen.query("#picker-path"))
        app.screen.query_one("#picker-path").value = str(video)
        app.screen.query_one("#picker-path").focus()
        await pilot.press("enter")
        await wait_until(lambda: "city.mp4  0–2s" in screen_text(app), timeout=30)
        # an edit through the agent, streamed, then the timeline refreshed
        await send(pilot, 'add the title "Urban Dreams"')
        await wait_until(lambda: not app.run_active and agent_texts(app), timeout=30)
        await wait_until(lambda: '"Urban Dreams"' in app.timeline.summary_text)
        assert "Urban Dreams" in agent_texts(app)[0]
        await wait_until(
            lambda: any(" call " in line and "edit_multitrack" in line for line in app.sse_log.visible_lines())
        )
        await wait_until(lambda: "Credits (local): 1,000 available" not in screen_text(app))  # the edit cost credits
        # export with the key, the MP4 lands in the download folder
        await pilot.press("f5")
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)), timeout=60)
    files = list(settings.download_dir.glob("*.mp4"))
    assert len(files) == 1
    probe = subprocess.run([ffmpeg_exe, "-hide_banner", "-i", str(files[0])], capture_output=True, text=True)
    assert "Duration: 00:00:02" in probe.stderr and "Video: h264" in probe.stderr
