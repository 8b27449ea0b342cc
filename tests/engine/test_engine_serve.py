"""`serve` (nemo-tui serve): loopback by default, a warning beyond it; stale credit freezes."""

from __future__ import annotations

import uvicorn

from tui.engine import server
from tui.engine.storage import Storage


def test_serve_warns_beyond_loopback(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    server.serve("127.0.0.1", 8765, tmp_path / "a")
    assert "WARNING" not in capsys.readouterr().err
    server.serve("0.0.0.0", 9000, tmp_path / "b")
    err = capsys.readouterr().err
    assert "WARNING" in err and "0.0.0.0" in err
    assert calls[0]["host"] == "127.0.0.1" and calls[1] == {**calls[1], "host": "0.0.0.0", "port": 9000}
    assert (tmp_path / "a" / "engine.db").exists()


def test_is_loopback():
    assert server._is_loopback("127.0.0.1") and server._is_loopback("::1") and server._is_loopback("localhost")
    assert not server._is_loopback("0.0.0.0") and not server._is_loopback("192.168.1.5")


def test_credits_frozen_by_a_run_that_died_with_the_server_are_released_at_start(start_engine, tmp_path):
    data_dir = tmp_path / "eng"
    store = Storage(data_dir)
    tok = store.anonymous_token("client-z", "127.0.0.1")
    assert store.freeze(tok["user_id"], 30, "e-dead-run")
    assert store.balance(tok["user_id"]) == {"available": 970, "frozen": 30, "total": 1000}
    store.close()
    start_engine(data_dir)
    store = Storage(data_dir)
    assert store.balance(tok["user_id"]) == {"available": 1000, "frozen": 0, "total": 1000}
    assert [r["kind"] for r in store.ledger(tok["user_id"])] == ["grant", "daily", "freeze", "release"]


def test_nemo_tui_serve_runs_the_engine_until_stopped(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.post(f"http://127.0.0.1:{port}/api/auth/anonymous-token", headers={"X-Client-Id": "cli"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "the engine did not start"
                time.sleep(0.1)
        assert r.json()["data"]["credits"] == 1000
        assert (tmp_path / "engine" / "engine.db").exists()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert proc.returncode in (0, -15)
    assert "WARNING" not in err and f"http://127.0.0.1:{port}" in err
