"""The storyboard of a finished export (issue 18): 6 frames from the saved MP4, one in the
title's span; the frame at the title's time differs from the next one where the title is
drawn (and only there); the row shows them with the output's facts; F11 opens them larger."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.test_snapshots import ready
from tests.ui.ui_fakes import THREE_TRACKS
from tui.core.storyboard import frame_times, read_storyboard

FONT = Path(__file__).resolve().parents[2] / "tui" / "engine" / "media" / "fonts" / "DejaVuSans.ttf"
TITLE_BOX = (40, 60, 280, 120)  # the middle of a 320x180 frame, where the title is drawn


@pytest.fixture(scope="session")
def titled_export(ffmpeg_exe, media_cache) -> Path:
    """A 12 s 320x180 H.264 MP4, one flat colour, "Urban Dreams" in the middle for 0-2.5 s
    (drawn as the engine draws titles: ffmpeg drawtext with the bundled DejaVu Sans)."""
    out = media_cache / "titled-export.mp4"
    if not out.exists():
        title = (
            f"drawtext=fontfile={FONT}:text='Urban Dreams':fontsize=30:fontcolor=white:"
            "x=(w-text_w)/2:y=(h-text_h)/2:enable='between(t,0,2.5)'"
        )
        subprocess.run(
            [ffmpeg_exe, "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x336699:size=320x180:rate=25:duration=12",
             "-vf", title, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
    return out


def differing_pixels(a, b, box) -> int:
    """How many pixels of ``box`` differ clearly (summed RGB difference over 90) between a and b."""
    x, y = a.crop(box).convert("RGB").tobytes(), b.crop(box).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(x), 3) if sum(abs(x[i + k] - y[i + k]) for k in range(3)) > 90)


def test_frame_times_spread_and_title():
    times, index = frame_times(6.0, [])
    assert times == pytest.approx([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]) and index is None
    times, index = frame_times(12.0, [(0.0, 3.0)])
    assert index == 0 and times[index] == pytest.approx(1.5) and times == sorted(times)
    assert times[1:] == pytest.approx([3, 5, 7, 9, 11])


def test_the_title_frame_differs_from_the_next_in_the_title_region(titled_export):
    board = read_storyboard(titled_export, [(0.0, 2.5)])
    assert len(board.frames) == 6
    assert (board.width, board.height, board.codec) == (320, 180, "h264")
    assert board.duration_s == pytest.approx(12.0, abs=0.1) and board.size_bytes == titled_export.stat().st_size
    index = board.title_index
    assert index is not None
    (t_title, with_title), (t_next, after) = board.frames[index], board.frames[index + 1]
    assert 0 <= t_title <= 2.5 < t_next
    # the title: white letters where the next frame is flat blue
    assert differing_pixels(with_title, after, TITLE_BOX) > 300
    # outside the title's box the two frames are the same picture
    assert differing_pixels(with_title, after, (0, 0, 320, 40)) == 0
    assert "320×180 · 12s · h264 · " in board.facts()


async def test_export_row_shows_the_storyboard_and_f11_opens_it(make_app, backend, titled_export):
    from tui.ui.jobs.host import ExportDone
    from tui.ui.jobs.storyboard import StoryboardScreen, StoryboardStrip

    backend.set_draft(THREE_TRACKS)  # "Urban Dreams" over 0-3 s
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_until(lambda: app.screen.timeline.draft is not None)
        jobs = app.screen.chat.jobs
        jobs.set_row("render:x1", f"✅ {titled_export} · 12s", False, "done")
        jobs.post_message(ExportDone(titled_export, "12s", key="render:x1"))
        await wait_until(lambda: jobs.query(StoryboardStrip))
        strip = jobs.query_one(StoryboardStrip)
        await wait_until(lambda: "▀" in screen_text(app))
        await wait_until(lambda: "f11: larger" in screen_text(app))
        text = screen_text(app)
        assert "320×180 · 12s · h264" in text and "f11: larger" in text
        assert strip.board.title_index is not None and len(strip.board.frames) == 6
        await pilot.press("f11")
        await wait_until(lambda: isinstance(app.screen, StoryboardScreen))
        await wait_until(lambda: "title" in screen_text(app) and "Esc closes" in screen_text(app))
        assert screen_text(app).count("▀") > 200  # six larger pictures
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, StoryboardScreen))
