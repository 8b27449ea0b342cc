"""Connection guards for uvicorn: a request has ``header_timeout`` seconds to send its request
line and headers, and an unfinished body may pause at most ``body_timeout`` seconds.

uvicorn (0.54, h11) arms no timer before the first request of a connection is complete, so a
client that sends half a request line is held until it leaves; 2,000 of them were held for 30 s
(issue 13). :func:`guarded_h11` closes such connections; :class:`BodyTimeout` turns a stalled
body into a disconnect (the route sees ``ClientDisconnect`` and cleans up).
"""

from __future__ import annotations

import asyncio

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol


class _GuardedH11(H11Protocol):
    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_timer()  # the next request on a kept-alive connection gets the same time

    def _arm_header_timer(self) -> None:
        self._header_generation = getattr(self, "_header_generation", 0) + 1
        if self.header_timeout > 0 and not self.transport.is_closing():
            self.loop.call_later(self.header_timeout, self._header_timeout_handler, self._header_generation)

    def _header_timeout_handler(self, generation: int) -> None:
        if generation != self._header_generation or self.transport.is_closing():
            return  # a later request on this connection has its own timer
        idle = self.cycle is None or self.cycle.response_complete
        if idle and self.conn.their_state is h11.IDLE:  # still waiting for the request line and headers
            self.transport.close()


def guarded_h11(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing connections whose headers take over ``header_timeout`` s."""
    return type("GuardedH11Protocol", (_GuardedH11,), {"header_timeout": header_timeout})


class BodyTimeout:
    """ASGI middleware: while a request body is unfinished, a ``receive()`` that waits longer
    than ``timeout`` seconds returns ``http.disconnect``. After the body, ``receive()`` is
    left alone (a streaming response waits on it for the client's hang-up)."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.timeout <= 0:
            await self.app(scope, receive, send)
            return
        done = False

        async def guarded() -> Message:
            nonlocal done
            if done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                done = True
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        await self.app(scope, guarded, send)
