"""Fixtures for the command-line tests: a loopback site serving a clip made at test time
(``/clip.mp4``, a throttled ``/slow/clip.mp4``, 404 elsewhere) and ``cli(...)``, which runs
``python -m tui ...`` in a subprocess with no terminal and the test's own dirs."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(scope="session")
def clip(make_video) -> Path:
    """2 s, 640x360 H.264/AAC MP4 (ffmpeg test pattern and a tone)."""
    return make_video(seconds=2, width=640, height=360, name="cli_clip.mp4")


class Site:
    """``url(path)``; ``/slow/…`` sends ``chunk`` bytes every ``every`` s; ``slow_closed`` is set
    when the client of a slow answer went away before its end."""

    def __init__(self, clip: Path, chunk: int = 4096, every: float = 0.1) -> None:
        self.data = clip.read_bytes()
        self.slow_closed = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path not in ("/clip.mp4", "/other/clip.mp4", "/slow/clip.mp4"):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(site.data)))
                self.end_headers()
                if not path.startswith("/slow/"):
                    self.wfile.write(site.data)
                    return
                try:
                    for i in range(0, len(site.data), chunk):
                        self.wfile.write(site.data[i : i + chunk])
                        self.wfile.flush()
                        time.sleep(every)
                except OSError:
                    site.slow_closed.set()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(clip) -> Iterator[Site]:
    s = Site(clip)
    yield s
    s.close()


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def cli_env() -> dict[str, str]:
    """The test's environment (isolated dirs from tests/conftest.py), no proxies, no terminal."""
    env = {k: v for k, v in os.environ.items() if k not in PROXIES}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("COLUMNS", None)
    return env


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=cli_env(),
    )


@pytest.fixture
def cli() -> Callable[..., Result]:
    """``cli("get", url, "--local", "--json")`` → Result (exit status, stdout, stderr)."""

    def run(*args: str, timeout: float = 180) -> Result:
        proc = start(*args)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"nemo-tui {' '.join(args)} did not end in {timeout} s:\n{err[-3000:]}") from None
        return Result(proc.returncode, out, err)

    return run


def wait_until(condition: Callable[[], object], timeout: float = 60.0, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError("the condition did not come true in time")
