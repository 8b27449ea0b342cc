"""A request lost on a stale pooled connection is sent once more, for every method; a request
that fails on a fresh connection is not (it may have been processed).

The loopback server closes every kept-alive connection exactly at the client's edge: it reads
the next request on it and closes without a byte of answer, which is what a server's idle
timeout firing as the client reuses the connection looks like ("Server disconnected without
sending a response"). Deterministic, so many requests take a second, not 17 minutes of
real 5 s gaps; the control run without the resend shows the harness does produce the fault."""

from __future__ import annotations

import json

import pytest

from tests.api.apifakes import TOKEN
from tests.api.loopback import Conn, Loopback, Request
from tui.api import NemoClient, NetworkError, connection
from tui.api.events import EventKind
from tui.config import load_settings

ROUNDS = 40  # x 5 calls = 200 requests, each on a connection the server has just dropped

SSE = b'data: {"content":{"parts":[{"text":"ok"}],"role":"model"}}\n\n'


def answer_for(request: Request) -> tuple[bytes, dict[str, str]]:
    envelope = {"code": 0, "data": {}}
    if request.path == "/api/credits/balance/simple":
        envelope["data"] = {"available": 7, "frozen": 0, "total": 7}
    elif request.path.startswith("/api/tasks/me/with-session/"):
        envelope["data"] = {"task_id": "t1", "session_id": "s1", "user_id": "u1"}
    elif request.path.startswith("/api/state/"):
        envelope["data"] = {"state": {"draft": {"t": []}}}
    elif request.path.startswith("/api/upload-video/"):
        envelope["data"] = {"files": [{"filename": "a.mp4", "file_type": "video"}]}
    elif request.path == "/run_sse":
        return SSE, {"Content-Type": "text/event-stream"}
    return json.dumps(envelope).encode(), {"Content-Type": "application/json"}


class EdgeServer:
    """Answers the first request on each connection; drops any later one unanswered."""

    def __init__(self, drop_every_request: bool = False) -> None:
        self.answered: list[Request] = []
        self.dropped = 0
        self.drop_every_request = drop_every_request

    async def __call__(self, request: Request, conn: Conn) -> bool:
        if request.on_connection >= 1 or self.drop_every_request:
            self.dropped += 1
            return False  # close without a byte of answer
        body, headers = answer_for(request)
        self.answered.append(request)
        await conn.respond(200, body, headers)
        return True


async def calls(client: NemoClient, video) -> list[str]:
    """One round of every kind of request the app makes; what each returned, in words."""
    out = [str((await client.credits()).available)]
    out.append((await client.create_session()).session_id)
    out.append(str((await client.state("s1")).draft.tracks))
    out.append(str(len((await client.upload_files("s1", [video])).files)))
    out.append("".join(ev.text for ev in [e async for e in client.run("s1", "hi")] if ev.kind is EventKind.TEXT))
    return out


def make_client(url: str, isolated_dirs) -> NemoClient:
    env = {**{k: str(v) for k, v in isolated_dirs.items()}, "NEMO_TOKEN": TOKEN}
    return NemoClient(load_settings(env, api_url=url))


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "a.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(3000))
    return path


async def test_every_request_on_a_stale_connection_is_sent_once_more(isolated_dirs, video):
    edge = EdgeServer()
    failures = 0
    async with Loopback(edge) as server:
        async with make_client(server.url, isolated_dirs) as client:
            for _ in range(ROUNDS):
                try:
                    assert await calls(client, video) == ["7.0", "s1", "[]", "1", "ok"]
                except NetworkError:
                    failures += 1
    assert failures == 0
    assert edge.dropped >= ROUNDS * 5 - 1  # every request but the first met a dropped connection
    assert len(edge.answered) == ROUNDS * 5  # each was processed exactly once: nothing doubled
    methods = {r.method for r in edge.answered}
    assert methods == {"GET", "POST"}
    uploads = [r for r in edge.answered if r.path.startswith("/api/upload-video/")]
    assert all(video.read_bytes() in r.body for r in uploads)  # the streamed body was sent whole again


async def test_control_without_the_resend_the_same_server_breaks_requests(isolated_dirs, video, monkeypatch):
    monkeypatch.setattr(connection.ConnectionTrace, "stale", lambda self, exc: False)
    edge = EdgeServer()
    failures = 0
    async with Loopback(edge) as server:
        async with make_client(server.url, isolated_dirs) as client:
            for _ in range(5):
                try:
                    await calls(client, video)
                except NetworkError:
                    failures += 1
    assert failures == 5


async def test_a_request_dropped_on_a_fresh_connection_is_not_sent_again(isolated_dirs):
    edge = EdgeServer(drop_every_request=True)
    async with Loopback(edge) as server:
        async with make_client(server.url, isolated_dirs) as client:
            with pytest.raises(NetworkError):
                async for _ev in client.run("s1", "add a title"):
                    pass
    assert edge.dropped == 1 and [r.path for r in server.requests] == ["/run_sse"]  # sent once, never re-sent


def test_the_client_lets_idle_connections_go_before_servers_do():
    # uvicorn's default timeout_keep_alive is 5 s (uvicorn/config.py); the embedded engine's is longer.
    import inspect

    import uvicorn

    server_default = inspect.signature(uvicorn.Config.__init__).parameters["timeout_keep_alive"].default
    assert connection.KEEPALIVE_EXPIRY < server_default
    assert connection.LIMITS.keepalive_expiry == connection.KEEPALIVE_EXPIRY
