"""Half-sent requests are not held (issue 13, Low): 2,000 connections that send half a request
line are closed after ``header_timeout``, and a body that stalls is dropped after
``body_timeout``, while the engine keeps answering. Controls: with the guard off (0) the same
connections are still open after the same wait, so the harness can tell."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tui.engine.embedded import EmbeddedEngine

HALF = b"POST /api/auth/anonymous-token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Client-Id: slow"


@pytest.fixture
def start(tmp_path) -> Iterator[Any]:
    engines: list[EmbeddedEngine] = []

    def start(**options: Any) -> EmbeddedEngine:
        eng = EmbeddedEngine(tmp_path / f"engine{len(engines)}", heartbeat_interval=0.1, chunk_delay=0.0,
                             tool_delay=0.0, silent_ratio=0.0, **options)  # fmt: skip
        eng.start()
        engines.append(eng)
        return eng

    yield start
    for eng in engines:
        eng.stop()


def port_of(eng: EmbeddedEngine) -> int:
    assert eng.base_url is not None
    return int(eng.base_url.rsplit(":", 1)[1])


def half_open(port: int, n: int, payload: bytes = HALF) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(payload)
        socks.append(s)
    return socks


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server closed (EOF or reset) or answered; False while it waits for us."""
    poller = select.poll()  # not select.select: 2,000 descriptors go past FD_SETSIZE
    poller.register(sock, select.POLLIN | select.POLLHUP | select.POLLERR)
    if not poller.poll(0):
        return False
    try:
        sock.recv(65536)
    except OSError:
        return True
    return True


def wait_all_closed(socks: list[socket.socket], timeout: float) -> int:
    """Wait until the server closed every socket; returns how many are still open at the end."""
    pending = list(socks)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        pending = [s for s in pending if not closed_by_server(s)]
        if pending:
            time.sleep(0.1)
    return len(pending)


@pytest.mark.timeout(120)
def test_two_thousand_half_sent_requests_are_closed_and_the_engine_answers(start):
    eng = start(header_timeout=1.0)
    socks = half_open(port_of(eng), 2000)
    try:
        assert httpx.get(f"{eng.base_url}/healthz", timeout=5).json() == {"ok": True}
        assert wait_all_closed(socks, timeout=30) == 0
    finally:
        for s in socks:
            s.close()


@pytest.mark.timeout(60)
def test_control_without_the_header_timeout_they_are_held(start):
    eng = start(header_timeout=0)
    socks = half_open(port_of(eng), 50)
    try:
        time.sleep(3)  # three times the guarded engine's timeout: the control waits that long
        assert wait_all_closed(socks, timeout=0.5) == 50
    finally:
        for s in socks:
            s.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("body_timeout, dropped", [(1.0, True), (0, False)])  # (0, False): the control
def test_a_stalled_body_is_dropped(start, body_timeout, dropped):
    eng = start(body_timeout=body_timeout)
    token = httpx.post(f"{eng.base_url}/api/auth/anonymous-token", headers={"X-Client-Id": "b"}).json()["data"]["token"]
    head = (b"POST /api/tasks/me/with-session/nemo_agent HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token.encode() + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"task")  # fmt: skip
    [sock] = half_open(port_of(eng), 1, head)  # 6 of the 100 bytes, then nothing
    try:
        still_open = wait_all_closed([sock], timeout=4)
        assert (still_open == 0) is dropped
    finally:
        sock.close()
