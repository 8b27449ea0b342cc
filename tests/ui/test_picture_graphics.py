"""textual-image without its terminal query (issue 18: detection never blocks the first
paint): imported through ``graphics.textual_image_widgets`` in a process whose stdout is a
real terminal (a pty), nothing is written to the terminal and nothing waits for an answer;
imported plainly, textual-image writes its Sixel and Kitty queries (the control)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OURS = "from tui.ui.timeline.graphics import textual_image_widgets as f; w = f(); assert w.TGPImage and w.SixelImage"
PLAIN = "import textual_image.widget"


def run_on_a_pty(code: str) -> tuple[bytes, float]:
    """What ``code`` writes to its terminal, and how long it took (s)."""
    master, slave = pty.openpty()
    # a terminal of 120x40 cells of 10x20 pixels (a pty starts at 0x0)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 1200, 800))
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read().decode()
    return out, time.monotonic() - started


def test_textual_image_is_imported_without_asking_the_terminal():
    plain, _ = run_on_a_pty(PLAIN)
    assert b"\x1b[c" in plain  # the control: a plain import queries the terminal
    ours, _ = run_on_a_pty(
        OURS + "; from textual_image._terminal import get_cell_size as g; assert tuple(g()) == (10, 20)"
    )
    assert b"\x1b[c" not in ours and b"\x1b_G" not in ours and b"\x1b[16t" not in ours


async def test_storyboard_dialog_in_kitty_mode_uses_textual_image():
    from PIL import Image
    from textual.app import App

    from tui.core.storyboard import Storyboard
    from tui.ui.jobs.storyboard import StoryboardScreen
    from tui.ui.timeline.graphics import textual_image_widgets

    frames = [(t, Image.new("RGB", (320, 180), (40 * t, 0, 200))) for t in range(6)]
    board = Storyboard(Path("out.mp4"), 320, 180, 6.0, "h264", 1000, frames, title_index=1)
    app = App()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(StoryboardScreen(board, "kitty"))
        await pilot.pause()
        pictures = list(app.screen.query(textual_image_widgets().TGPImage))
        assert len(pictures) == 6
        assert all(p.size.width > 10 and p.size.height >= 3 for p in pictures)


async def test_segment_details_first_frame_in_sixel_mode_uses_textual_image(picture_files):
    from textual.app import App

    from tests.ui.picture_media import AvPictureSource, picture_draft
    from tests.ui.pilot_helpers import wait_until
    from tui.api.models import Draft
    from tui.ui.timeline.graphics import textual_image_widgets
    from tui.ui.widgets.timeline import TimelineView

    view = TimelineView()

    class Host(App):
        def compose(self):
            yield view

    async with Host().run_test(size=(100, 34)) as pilot:
        view.set_pictures(AvPictureSource(picture_files), "sixel")
        view.show_draft(Draft.parse(picture_draft()))
        await wait_until(lambda: view.query(textual_image_widgets().SixelImage))
        await pilot.pause()
        (graphic,) = view.query(textual_image_widgets().SixelImage)
        assert graphic.size.width > 10 and graphic.size.height == 6
        assert "Video · bars.mp4" in view.query_one("#timeline-details").text
