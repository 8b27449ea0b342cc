"""Helpers for the API client tests: a scripted fake NemoVideo API on a MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from tests.fixture_paths import ADK_FIXTURES
from tests.media_bytes import mp4_bytes  # noqa: F401  (re-exported for the API tests)

API = "http://127.0.0.1:9"  # never contacted: every test uses a MockTransport
TOKEN = "nmv_usr_s3cretTOKENvalue42"
FIXTURES = ADK_FIXTURES


def envelope(data: Any, code: int = 0, **extra: Any) -> dict:
    return {"code": code, "data": data, **extra}


def token_response(
    token: str = TOKEN, user_id: str = "anon_abc123", expires: str = "2099-01-01T00:00:00Z"
) -> httpx.Response:
    return httpx.Response(
        200, json=envelope({"token": token, "user_id": user_id, "expires_at": expires, "credits": 100})
    )


Handler = Callable[[httpx.Request], httpx.Response]


class FakeApi:
    """A MockTransport with routes "METHOD /path" -> handler or list of responses (consumed in order)."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.add("POST /api/auth/anonymous-token", lambda req: token_response())

    def add(self, route: str, handler: Any) -> None:
        self.routes[route] = handler

    async def handle(self, request: httpx.Request) -> httpx.Response:
        body = b""
        if isinstance(request.stream, httpx.AsyncByteStream) or hasattr(request.stream, "__aiter__"):
            async for chunk in request.stream:  # consume streamed bodies like a server would
                body += chunk
        self.requests.append(request)
        self.bodies.append(body)
        key = f"{request.method} {request.url.path}"
        handler = self.routes.get(key)
        if handler is None:
            return httpx.Response(404, json={"detail": "Not Found"})
        if isinstance(handler, list):
            item = handler.pop(0) if len(handler) > 1 else handler[0]
            return item(request) if callable(item) else item
        if isinstance(handler, httpx.Response):
            return handler
        return handler(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def calls(self, route: str) -> list[httpx.Request]:
        method, path = route.split(" ", 1)
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def json_of(self, request: httpx.Request) -> Any:
        idx = self.requests.index(request)
        return json.loads(self.bodies[idx] or request.content)


def sse_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "text/event-stream"}, content=body)
