"""A running fetch never outlives the engine: SIGTERM ends `serve` within its graceful limit and
stops the fetch; SIGKILL of the engine takes the fetch processes with it (parent-death signal)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.engine.server", "--port", str(port), "--data-dir", str(data_dir)],
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the engine did not start")


def _fetch_in_background(url: str, link: str) -> None:
    http = httpx.Client(base_url=url, timeout=60)
    token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "shutdown-test"}).json()["data"]["token"]
    auth = {"Authorization": f"Bearer {token}"}
    sid = http.post("/api/tasks/me/with-session/nemo_agent", headers=auth, json={}).json()["data"]["session_id"]

    def run() -> None:
        try:
            with http.stream("POST", f"/api/local/fetch/{sid}", headers=auth, json={"url": link}) as resp:
                for _ in resp.iter_lines():
                    pass
        except httpx.HTTPError:
            pass  # the engine went away

    threading.Thread(target=run, daemon=True).start()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_fetch_ends_with_the_engine(site, tmp_path, sig):
    site.trickle_every = 0.3  # the fetch would take half a minute
    proc, url = _start(tmp_path / "engine")
    try:
        _fetch_in_background(url, site.url("/slow/big.mp4"))
        assert site.trickle_started.wait(30)
        stopped_at = time.monotonic()
        proc.send_signal(sig)
        proc.wait(15)
        took = time.monotonic() - stopped_at
        print(f"engine stopped in {took:.1f} s")
        assert took < 8  # the graceful limit is 5 s
        deadline = time.monotonic() + 5
        while site.trickle_closed is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.trickle_closed is not None, "the fetch went on after the engine stopped"
        assert site.trickle_closed - stopped_at < 8
    finally:
        if proc.poll() is None:
            proc.kill()
