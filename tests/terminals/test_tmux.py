"""The real `python -m tui --local` inside tmux (120x40), driven with send-keys: every
default key reaches the app through tmux and the screen text (capture-pane) says so."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")


class Tmux:
    """One private tmux server (its own socket) running one app."""

    def __init__(self, folder: Path, env: dict[str, str], term: str = "tmux-256color") -> None:
        self.socket = str(folder / "tmux.sock")
        self.env = env
        self.conf = folder / "tmux.conf"
        self.conf.write_text(
            f'set -g default-terminal "{term}"\nset -g escape-time 10\nset -g set-clipboard on\n'
            "set -g status off\nset -g history-limit 100\n"
        )

    def run(self, *args: str, check: bool = True) -> str:
        assert TMUX, "tmux is missing: run .ci/test-tools.sh"
        done = subprocess.run(
            [TMUX, "-S", self.socket, "-f", str(self.conf), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr}")
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "app", "-x", "120", "-y", "40", command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "app", "-l", text)
        self.run("send-keys", "-t", "app", "Enter")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, condition, what: str, timeout: float = 30.0) -> str:
        """Poll the screen until ``condition(screen_text)``; fail with the screen shown."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {what}; the screen:\n{text}")
            time.sleep(0.05)

    def wait_text(self, needle: str, timeout: float = 30.0) -> str:
        return self.wait_for(lambda text: needle.lower() in text.lower(), repr(needle), timeout)

    def kill(self) -> None:
        self.run("kill-server", check=False)


def app_command(env: dict[str, str]) -> str:
    # after the app exits the pane shows the TERM it ran under and its exit code
    return f"echo TERM=$TERM; {shlex.quote(sys.executable)} -m tui --local; echo EXITED $?; sleep 20"


def assert_idle(tmux: Tmux, sent: Path, seconds: float = 2.0, within: float = 30.0) -> None:
    """The app settles: within ``within`` seconds comes a window of ``seconds`` in which nothing
    at all reaches the terminal (tmux pipe-pane counts it). A one-off repaint that comes late on
    a loaded machine (a refresh answered late) only delays it; anything that keeps repainting
    (a timer, a progress bar left running) leaves no quiet window."""
    deadline = time.monotonic() + within
    while True:
        sent.unlink(missing_ok=True)
        tmux.run("pipe-pane", "-o", "-t", "app", f"cat > {shlex.quote(str(sent))}")
        time.sleep(seconds)  # the window measured
        tmux.run("pipe-pane", "-t", "app")  # stop piping
        assert sent.exists(), "tmux pipe-pane wrote nothing at all"
        if sent.stat().st_size == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never idle for {seconds}s in {within}s; sent: {sent.read_bytes()[:400]!r}")


@pytest.fixture
def tmux(tmp_path, app_env):
    session = Tmux(tmp_path, app_env)
    yield session
    session.kill()


def test_every_key_through_tmux(tmux, app_env, make_video, tmp_path):
    clip = tmp_path / "clip.mp4"
    shutil.copy(make_video(seconds=2), clip)
    downloads = Path(app_env["NEMO_DOWNLOAD_DIR"])
    # the reply streams long enough for Escape to land: "help" is 22 pieces, 4.4 s
    app_env["NEMO_ENGINE_CHUNK_DELAY"] = "0.2"

    tmux.start(app_command(app_env))
    tmux.wait_text("connected · local", 60)
    tmux.wait_text("Ready")
    tmux.wait_text("Credits (local): 1,000 available")

    # low bandwidth: once started, an idle app sends the terminal nothing at all
    assert_idle(tmux, tmp_path / "idle-output.bin")

    # export with an empty draft (piped too: the same pipe does see a screen update)
    busy = tmp_path / "busy-output.bin"
    tmux.run("pipe-pane", "-o", "-t", "app", f"cat > {shlex.quote(str(busy))}")
    tmux.keys("C-e")
    tmux.wait_text("nothing to export yet")
    tmux.run("pipe-pane", "-t", "app")
    assert busy.stat().st_size > 0

    # upload: ctrl+u opens the picker, Escape closes it
    tmux.keys("C-u")
    tmux.wait_text("Upload files")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "upload files" not in s.lower(), "the upload picker to close")

    # copy: on this machine's engine there is no web link and the timeline is empty yet, so the
    # key says there is nothing to copy (never a cloud claim link with an empty token)
    tmux.keys("C-y")
    tmux.wait_text("Nothing to copy yet")
    tmux.wait_for(lambda s: "nothing to copy yet" not in s.lower(), "the notification to go")

    # add URL (ctrl+l) opens the link box; refresh (ctrl+r) says it refreshes
    tmux.keys("C-l")
    tmux.wait_text("Add a video by its link")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "add a video by its link" not in s.lower(), "the link box to close")
    tmux.keys("C-r")
    tmux.wait_text("Refreshing")

    # the command palette lists the actions
    tmux.keys("C-p")
    tmux.wait_text("Search for commands")
    screen = tmux.wait_text("Export")
    assert "Add URL" in screen and "(ctrl+y / f9)" in screen
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "search for commands" not in s.lower(), "the palette to close")

    # cancel: Escape while the agent is answering. The engine's answer to "help" streams for
    # seconds; on a loaded machine it can still end before the Escape lands, so a finished
    # answer is asked again (at most three times). The run is over once the live "working…"
    # line is gone (counting replies on the screen does not work: older ones scroll away).
    for _attempt in range(3):
        tmux.type("help")
        tmux.wait_text("working")
        tmux.keys("Escape")
        screen = tmux.wait_for(
            lambda s: "stopped. nothing was re-sent" in s.lower() or "working" not in s.lower(),
            "the run to stop (or end)",
        )
        if "stopped. nothing was re-sent" in screen.lower():
            break
    else:
        raise AssertionError("Escape never landed while the agent was answering")

    # upload a generated clip by typing, edit it, then ctrl+e exports a file
    tmux.type(f"upload {clip}")
    tmux.wait_text("Added clip.mp4")
    tmux.type('add the title "Urban Dreams"')
    tmux.wait_text('"Urban Dreams"  0')  # the timeline tree shows the title segment
    tmux.keys("C-e")
    tmux.wait_text("Exported", 60)
    files = list(downloads.glob("*.mp4"))
    assert len(files) == 1 and files[0].stat().st_size > 1000
    # the export's storyboard (issue 18): its frames and facts under the row, drawn once
    tmux.wait_for(lambda s: "f11: larger" in s and s.count("▀") > 30, "the export's storyboard", 30)
    # and idle again after uploads, an edit and an export: no progress bar or timer left running
    # (the finished upload's row leaves the jobs panel 8 s after the upload: that repaint is due)
    tmux.wait_for(lambda s: not re.search(r"clip\.mp4 · .*uploaded", s), "the upload row to leave")
    assert_idle(tmux, tmp_path / "idle-after-export.bin")

    # copy: now the exported file's path; it goes through the terminal as OSC 52 and tmux
    # (set-clipboard on) keeps it as a paste buffer
    tmux.keys("C-y")
    tmux.wait_text("Copied")
    deadline = time.monotonic() + 30
    while not tmux.run("list-buffers", check=False).strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tmux.run("show-buffer") == str(files[0]), "the copied path never reached tmux"

    # quit
    tmux.keys("C-q")
    assert "TERM=tmux-256color" in tmux.wait_text("EXITED 0")


@pytest.mark.parametrize("term", ["xterm-256color", "screen-256color"])
def test_other_terminal_types(tmp_path, app_env, term):
    """The app starts, takes F-keys and quits under the other common TERM values."""
    session = Tmux(tmp_path, app_env, term=term)
    try:
        session.start(app_command(app_env))
        session.wait_text("Ready", 30)
        session.keys("F1")  # the palette's F-key
        session.wait_text("Search for commands")
        session.keys("Escape")
        session.wait_for(lambda s: "search for commands" not in s.lower(), "the palette to close")
        session.keys("F10")  # quit's F-key
        screen = session.wait_text("EXITED 0")
        assert f"TERM={term}" in screen
    finally:
        session.kill()


GREYS_256 = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def _colours(output: str) -> tuple[set[int], set[tuple[int, int, int]]]:
    """The 256-palette indexes and the truecolor triples an output sets (fg and bg)."""
    palette = {int(n) for n in re.findall(r"[34]8;5;(\d+)", output)}
    rgb = {tuple(map(int, m)) for m in re.findall(r"[34]8;2;(\d+);(\d+);(\d+)", output)}
    return palette, rgb


@pytest.mark.parametrize("variable, value", [("NO_COLOR", "1"), ("TEXTUAL_COLOR_SYSTEM", "standard")])
def test_colour_settings_reach_the_terminal(tmp_path, app_env, variable, value):
    """What the app writes to the terminal honours NO_COLOR (greys only) and
    TEXTUAL_COLOR_SYSTEM=standard (the 16 basic colours only)."""
    env = dict(app_env, **{variable: value})
    session = Tmux(tmp_path, env)
    output = tmp_path / "output.bin"
    try:
        session.run("new-session", "-d", "-s", "app", "-x", "120", "-y", "40", "sleep 30")
        session.run("pipe-pane", "-o", "-t", "app", f"cat > {shlex.quote(str(output))}")
        session.run("respawn-pane", "-k", "-t", "app", app_command(env))
        session.wait_text("Ready", 30)
        session.keys("F10")
        session.wait_text("EXITED 0")
    finally:
        session.kill()
    sent = output.read_bytes().decode("utf-8", "replace")
    assert "connected · local" in sent
    palette, rgb = _colours(sent)
    if variable == "NO_COLOR":
        assert palette or rgb, "the screen was drawn without any shade at all"
        assert palette <= GREYS_256, sorted(palette - GREYS_256)
        assert all(r == g == b for r, g, b in rgb), sorted(rgb)[:5]
    else:
        assert not palette and not rgb, (sorted(palette)[:5], sorted(rgb)[:5])
        assert re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|10[0-7])m", sent), "no 16-colour codes at all"
