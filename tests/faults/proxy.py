"""A small fault-injecting HTTP proxy on 127.0.0.1, in front of the real engine.

It forwards every request to the upstream (keeping the Host header, so the engine's links
point back at the proxy, as behind any reverse proxy), records each one, and applies the
first matching fault rule instead of (or around) the plain forward. It runs uvicorn in a
thread with its own event loop, like EmbeddedEngine, so the app under test (Pilot) and the
proxy never share a loop.

    proxy = FaultProxy(engine_url).start()
    proxy.add("POST", "/run_sse", cut_after(600))        # once, then plain forwarding
    proxy.count("POST", "/run_sse")                      # requests seen
    proxy.forwarded("POST", "/run_sse")                  # requests that reached the engine
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Send = Callable[[dict], Awaitable[None]]
HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
}


class Abort(Exception):
    """Raised inside a response: uvicorn drops the connection mid-body (what a cut looks like)."""


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    forwarded: bool = False
    status: int | None = None
    fault: str = ""


@dataclass
class Rule:
    method: str
    path: str  # a prefix of the request path
    action: Action
    times: int = 1  # how many requests it applies to (then plain forwarding again)
    used: int = 0


class Ctx:
    """What an action gets: the request, a way to forward it, and the ASGI send."""

    def __init__(self, proxy: FaultProxy, scope: dict, body: bytes, send: Send, seen: Seen, receive: Callable):
        self.proxy, self.scope, self.body, self.send, self.seen = proxy, scope, body, send, seen
        self.receive = receive

    async def disconnected(self) -> None:
        """Returns once the client has hung up."""
        while (await self.receive())["type"] != "http.disconnect":
            pass

    async def open_upstream(self) -> httpx.Response:
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in self.scope["headers"]
            if k.decode("latin-1").lower() not in HOP | {"content-length"}
        ]
        path = self.scope["raw_path"].decode("latin-1")
        if self.scope.get("query_string"):
            path += "?" + self.scope["query_string"].decode("latin-1")
        request = self.proxy.client.build_request(
            self.scope["method"], self.proxy.upstream + path, headers=headers, content=self.body
        )
        self.seen.forwarded = True
        return await self.proxy.client.send(request, stream=True)

    async def start(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.seen.status = status
        await self.send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            }
        )

    async def body_part(self, data: bytes, more: bool = True) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": more})

    async def respond(self, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] = ()) -> None:
        await self.start(status, [("content-type", content_type), ("content-length", str(len(body))), *headers])
        await self.body_part(body, more=False)

    async def forward(self, transform: Callable[[bytes, int], Any] | None = None, prefix: bytes = b"") -> None:
        """Forward the request and stream the answer back; ``transform(chunk, sent_so_far)`` may
        return bytes to send instead, or raise Abort to cut the connection."""
        resp = await self.open_upstream()
        try:
            headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in HOP]
            if prefix or transform is not None and resp.headers.get("content-type", "").startswith("text/event-stream"):
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            await self.start(resp.status_code, headers)
            sent = 0
            if prefix:
                await self.body_part(prefix)
                sent += len(prefix)
            async for chunk in resp.aiter_raw():
                if transform is not None:
                    chunk = transform(chunk, sent)
                if chunk:
                    await self.body_part(chunk)
                    sent += len(chunk)
            await self.body_part(b"", more=False)
        finally:
            await resp.aclose()


Action = Callable[[Ctx], Awaitable[None]]


# --- actions ---------------------------------------------------------------------------------


def respond(
    status: int, body: bytes | str, content_type: str = "application/json", headers: list[tuple[str, str]] = ()
) -> Action:
    data = body.encode() if isinstance(body, str) else body

    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = f"respond {status}"
        await ctx.respond(status, data, content_type, list(headers))

    return act


def html_502() -> Action:
    return respond(
        502,
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center></body></html>",
        "text/html",
    )


def delay(seconds: float) -> Action:
    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = f"delay {seconds}"
        await asyncio.sleep(seconds)
        await ctx.forward()

    return act


def cut_after(nbytes: int | None = None, *, fraction: float | None = None) -> Action:
    """Forward, then drop the connection after ``nbytes`` (or ``fraction`` of Content-Length)."""

    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = "cut"
        resp = await ctx.open_upstream()
        try:
            limit = nbytes
            if fraction is not None:
                limit = int(int(resp.headers["content-length"]) * fraction)
            headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in HOP]
            await ctx.start(resp.status_code, headers)
            sent = 0
            async for chunk in resp.aiter_raw():
                take = chunk[: max(0, limit - sent)]
                if take:
                    await ctx.body_part(take)
                    sent += len(take)
                if sent >= limit:
                    break
        finally:
            await resp.aclose()  # the engine sees the hang-up too
        raise Abort("cut")

    return act


def inject(prefix: bytes) -> Action:
    """Forward, with ``prefix`` sent before the upstream's stream (garbage, a huge event...)."""

    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = "inject"
        await ctx.forward(prefix=prefix)

    return act


def end_with(event: bytes, after: int) -> Action:
    """Forward the stream; after ``after`` bytes send ``event`` and end the stream there (as a
    server does after an error frame). The engine's run sees the hang-up."""

    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = "end_with"
        resp = await ctx.open_upstream()
        try:
            headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in HOP | {"content-length"}]
            await ctx.start(resp.status_code, headers)
            sent = 0
            async for chunk in resp.aiter_raw():
                # cut on an event boundary so the frames before the error stay whole
                cut = chunk.rfind(b"\n\n", 0, max(0, after - sent)) if sent < after else -1
                if sent + len(chunk) >= after:
                    if cut >= 0:
                        await ctx.body_part(chunk[: cut + 2])
                    break
                await ctx.body_part(chunk)
                sent += len(chunk)
        finally:
            await resp.aclose()
        await ctx.body_part(event)
        await ctx.body_part(b"", more=False)

    return act


def heartbeats_forever(every: float = 0.05) -> Action:
    """Answer the stream without forwarding: heartbeats only, until the client hangs up."""

    async def act(ctx: Ctx) -> None:
        ctx.seen.fault = "heartbeats"
        await ctx.start(200, [("content-type", "text/event-stream"), ("cache-control", "no-cache")])
        gone = asyncio.ensure_future(ctx.disconnected())
        try:
            while not gone.done():
                await ctx.body_part(b'data: {"type":"heartbeat"}\n\n')
                await asyncio.wait({gone}, timeout=every)
        finally:
            gone.cancel()
        ctx.seen.fault = "heartbeats (client hung up)"

    return act


# --- the proxy -------------------------------------------------------------------------------


@dataclass
class FaultProxy:
    upstream: str
    seen: list[Seen] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.url: str | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.client: httpx.AsyncClient | None = None

    # rules and records
    def add(self, method: str, path: str, action: Action, times: int = 1) -> Rule:
        rule = Rule(method.upper(), path, action, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def _match(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.used < rule.times and rule.method == method and path.startswith(rule.path):
                    rule.used += 1
                    return rule
        return None

    def requests(self, method: str, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.method == method and s.path.startswith(path)]

    def count(self, method: str, path: str) -> int:
        return len(self.requests(method, path))

    def forwarded(self, method: str, path: str) -> int:
        return sum(1 for s in self.requests(method, path) if s.forwarded)

    # ASGI
    async def __call__(self, scope: dict, receive: Callable, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0))
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        seen = Seen(scope["method"], scope["path"], headers)
        with self._lock:
            self.seen.append(seen)
        ctx = Ctx(self, scope, bytes(body), send, seen, receive)
        rule = self._match(scope["method"], scope["path"])
        try:
            if rule is not None:
                await rule.action(ctx)
            else:
                await ctx.forward()
        except httpx.TransportError:
            # the engine is down: a real reverse proxy answers 502
            if seen.status is None:
                await html_502()(ctx)
            else:
                raise Abort("upstream gone") from None

    # lifecycle (like EmbeddedEngine)
    def start(self) -> FaultProxy:
        import uvicorn

        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # the Abort tracebacks are the point
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self, log_level="critical", access_log=False, lifespan="on", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])), name="fault-proxy", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fault proxy did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
