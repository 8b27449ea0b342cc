"""Progress on a terminal: `nemo-tui get` draws one rich bar per file on stderr (a pty here),
stdout stays clean; server words are made safe for a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from tests.cli.conftest import ROOT, cli_env
from tui.commands.backend import printable


def test_bars_on_a_terminal(site, isolated_dirs):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    env = cli_env()
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "get", site.url("/clip.mp4"), site.url("/other/clip.mp4"), "--local"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=ROOT,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read()
    assert proc.wait(timeout=60) == 0
    os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "━" in screen  # rich's bar
    assert "[1/2]" in screen and "[2/2]" in screen and "saved" in screen
    assert out == b""  # without --json, stdout carries nothing
    assert sorted(p.name for p in isolated_dirs["NEMO_DOWNLOAD_DIR"].iterdir()) == ["clip (2).mp4", "clip.mp4"]


def test_printable_drops_escape_sequences_and_secrets():
    from tui.api.errors import register_secret

    register_secret("s3cr3t-token-value")
    text = "Title\x1b]0;owned\x07 \x1b[2Jwith s3cr3t-token-value\u202e\nnext\tline"
    assert printable(text) == "Title]0;owned [2Jwith [redacted]\nnext\tline"
