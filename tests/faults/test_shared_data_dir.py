"""Two engine processes on one data dir (two `nemo-tui --local`, `serve` plus `--local`):
every write made through either survives both stopping and a restart (issue 13, finding 1): one is stopped, the other goes on writing and then crashes.

The control runs the same harness with the old ``private_sqlite_file`` (it opened and closed
the database file after ``sqlite3.connect``, which drops the process's POSIX locks) and must
see writes lost: so the harness can tell.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]

# The engine as a process; with OLD=1 the pre-fix private_sqlite_file is put back first.
LAUNCH = """
import os, sys
if os.environ.get("OLD") == "1":
    import tui.config as config

    def old_private_sqlite_file(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                os.chmod(p, 0o600)
            except OSError:
                pass

    config.private_sqlite_file = old_private_sqlite_file
from tui.engine.server import main
sys.exit(main(sys.argv[1:]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EngineProcess:
    def __init__(self, data_dir: Path, old: bool) -> None:
        self.port = free_port()
        env = {**os.environ, "OLD": "1" if old else "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--port", str(self.port), "--data-dir", str(data_dir)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=20)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.http.get("/healthz")
                break
            except httpx.TransportError:
                assert self.proc.poll() is None and time.monotonic() < deadline, "the engine did not start"
                time.sleep(0.05)
        r = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"client-{self.port}"})
        self.auth = {"Authorization": f"Bearer {r.json()['data']['token']}"}

    def new_session(self) -> str:
        body = self.http.post("/api/tasks/me/with-session/nemo_agent", headers=self.auth, json={}).json()
        assert body["code"] == 0, body
        return str(body["data"]["session_id"])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.http.close()
        self.proc.send_signal(sig)
        self.proc.communicate(timeout=30)


def sessions_after_restart(data_dir: Path, old: bool, rounds: int = 10) -> tuple[set[str], set[str]]:
    """Write through two engines; stop one (cleanly), write through the other, which then dies
    (SIGKILL: a crash, a power cut, a killed terminal); restart. Returns (written, found after).
    Whatever SQLite acknowledged is in its WAL, so a crash must not lose it."""
    a = EngineProcess(data_dir, old)
    b = EngineProcess(data_dir, old)
    written: set[str] = set()
    try:
        for _ in range(rounds):
            written |= {a.new_session(), b.new_session()}
        a.stop()
        written |= {b.new_session() for _ in range(rounds)}
        b.stop(signal.SIGKILL)
    finally:
        for e in (a, b):
            if e.proc.poll() is None:
                e.stop()
    EngineProcess(data_dir, old=False).stop()  # a restart: recovers whatever WAL is there
    with sqlite3.connect(data_dir / "engine.db") as db:
        found = {str(r[0]) for r in db.execute("SELECT session_id FROM sessions")}
    return written, found


@pytest.mark.timeout(240)
def test_writes_through_two_engines_on_one_data_dir_all_survive(tmp_path):
    written, found = sessions_after_restart(tmp_path / "engine", old=False)
    assert len(written) == 30
    assert written <= found, f"{len(written - found)} of {len(written)} sessions lost"


@pytest.mark.timeout(240)
def test_control_the_harness_sees_the_old_lost_writes(tmp_path):
    written, found = sessions_after_restart(tmp_path / "engine", old=True)
    assert len(written) == 30
    assert written - found, "the old private_sqlite_file lost nothing: the harness cannot tell"
