"""Pictures in a terminal without graphics support (issue 18): the real ``python -m tui
--local`` inside tmux (TERM=tmux-256color, $TMUX set: neither Kitty graphics nor Sixel).
The app paints without asking the terminal anything (no graphics query is ever written),
and once a clip served on loopback is added, the timeline shows it as half-blocks."""

from __future__ import annotations

import shlex
import shutil
import sys
import time

from tests.terminals.test_tmux import Tmux
from tests.workflows.wf_helpers import serve_folder


def test_half_block_timeline_in_tmux(tmp_path, app_env, make_video):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(make_video(seconds=3, width=320, height=180), site / "harbour.mp4")
    tmux = Tmux(tmp_path, app_env)
    sent = tmp_path / "sent.bin"
    try:
        with serve_folder(site) as base:
            # the pane waits a moment so that everything the app writes is piped from its start
            command = f"sleep 0.5; {shlex.quote(sys.executable)} -m tui --local; sleep 20"
            tmux.start(command)
            tmux.run("pipe-pane", "-o", "-t", "app", f"cat > {shlex.quote(str(sent))}")
            started = time.monotonic()
            tmux.wait_text("nemo-tui", 30)
            painted = time.monotonic() - started
            tmux.wait_text("connected · local", 30)
            tmux.wait_text("Ready")
            assert painted < 15, f"the first paint took {painted:.1f}s"
            tmux.keys("C-l")
            tmux.wait_text("Add a video by its link")
            tmux.type(f"{base}/harbour.mp4")
            tmux.wait_text("Added", 60)
            screen = tmux.wait_for(lambda s: s.count("▀") > 40, "half-block thumbnails in the timeline", 60)
            assert "Video" in screen and "▼" in screen  # the track's label and the playhead on the ruler
            tmux.run("pipe-pane", "-t", "app")
    finally:
        tmux.kill()
    output = sent.read_bytes()
    assert output, "nothing was piped from the pane"
    # detection never asked the terminal: no device-attributes (Sixel) or Kitty graphics query
    assert b"\x1b[c" not in output and b"\x1b_G" not in output
