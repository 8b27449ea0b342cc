"""The embedded engine answers in about a millisecond on loopback, not ~40 ms: its listening
socket is created as TCP, so asyncio turns Nagle's algorithm off on every connection (an answer
written in two parts, or an SSE event after the headers, no longer waits for a delayed ACK)."""

from __future__ import annotations

import socket
import statistics
import time

import httpx

from tui.engine.embedded import EmbeddedEngine


def test_sequential_requests_on_one_connection_are_not_delayed(tmp_path):
    with EmbeddedEngine(tmp_path / "engine") as engine:
        with httpx.Client(base_url=engine.base_url) as http:
            http.get("/healthz")
            times = []
            for _ in range(30):
                t0 = time.perf_counter()
                assert http.get("/healthz").json() == {"ok": True}
                times.append(time.perf_counter() - t0)
        assert statistics.median(times) < 0.02, [round(t * 1000, 1) for t in times]  # was ~44 ms


def test_the_listening_socket_is_tcp(tmp_path, monkeypatch):
    made = []
    real = socket.socket

    def spy(*args, **kwargs):
        sock = real(*args, **kwargs)
        made.append(sock)
        return sock

    monkeypatch.setattr(socket, "socket", spy)
    engine = EmbeddedEngine(tmp_path / "engine")
    engine.start()
    monkeypatch.undo()
    try:
        listening = [s for s in made if s.type == socket.SOCK_STREAM and s.family == socket.AF_INET]
        assert listening and listening[0].proto == socket.IPPROTO_TCP
    finally:
        engine.stop()
