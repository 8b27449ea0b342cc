"""Timeouts, pool limits, and one retry for a request that never reached the server.

A pooled keep-alive connection can be closed by the server just as the client reuses it:
the request is written into a dead socket and httpx raises ``RemoteProtocolError("Server
disconnected without sending a response.")`` (or a write/reset error) before any byte of
an answer. The server never processed that request, so it is sent again, once, for every
method, on a fresh connection. Only on a *reused* connection and only before the response
headers: that is what httpcore's ``trace`` extension tells (event names from
``httpcore/_async/connection.py`` and ``http11.py``). A fresh connection failing is a real
network error and is not retried. Go's net/http does the same (``shouldRetryRequest``).

The client also drops idle connections before servers do: ``KEEPALIVE_EXPIRY`` is below
uvicorn's default ``timeout_keep_alive`` (5 s), and the embedded engine keeps them longer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger("tui.api")

# Seconds an idle pooled connection is kept (httpx's default is 5.0, the same as uvicorn's
# server-side default: the two race). The embedded engine keeps connections 30 s.
KEEPALIVE_EXPIRY = 4.0
LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=KEEPALIVE_EXPIRY)

TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
# Heartbeats arrive every few seconds; a run lasts up to 15 minutes. 10.5 minutes without a
# single byte means the connection is dead.
SSE_TIMEOUT = httpx.Timeout(connect=10.0, read=630.0, write=60.0, pool=10.0)
# The server downloads the media before it answers a URL upload.
URL_UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=900.0, write=60.0, pool=10.0)
FILE_UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=120.0, pool=10.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=60.0, pool=10.0)

_NO_RESPONSE = "without sending a response"


class ConnectionTrace:
    """An httpcore ``trace`` callback: was the last request sent on a reused connection, and
    did its response headers arrive?"""

    __slots__ = ("_connecting", "sent", "fresh", "answered")

    def __init__(self) -> None:
        self._connecting = False
        self.sent = False  # a request started on some connection
        self.fresh = False  # ... on a connection opened for it
        self.answered = False  # its response headers arrived

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        if name.startswith("connection.connect_tcp.") or name.startswith("connection.connect_unix_socket."):
            self._connecting = True
        elif name == "http11.send_request_headers.started" or name == "http2.send_request_headers.started":
            self.sent, self.fresh, self.answered = True, self._connecting, False
            self._connecting = False
        elif name.endswith("receive_response_headers.complete"):
            self.answered = True

    def stale(self, exc: BaseException) -> bool:
        """True when ``exc`` means the request died on a reused connection before any answer."""
        if not self.sent or self.fresh or self.answered:
            return False
        if isinstance(exc, httpx.RemoteProtocolError):
            return _NO_RESPONSE in str(exc)
        return isinstance(exc, (httpx.WriteError, httpx.ReadError))


async def send(
    http: httpx.AsyncClient,
    build: Callable[[], httpx.Request],
    *,
    stream: bool = False,
    follow_redirects: bool = False,
) -> httpx.Response:
    """``http.send(build())``; sent once more (a new request from ``build``) when the first died
    on a stale pooled connection. ``build`` is called again so a streamed body starts over."""
    for attempt in (1, 2):
        trace = ConnectionTrace()
        request = build()
        request.extensions = {**request.extensions, "trace": trace}
        try:
            return await http.send(request, stream=stream, follow_redirects=follow_redirects)
        except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError) as exc:
            if attempt == 2 or not trace.stale(exc):
                raise
            log.info(
                "%s %s: the pooled connection was stale (%s); sending once more",
                request.method,
                request.url.path,
                type(exc).__name__,
            )
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = [
    "DOWNLOAD_TIMEOUT",
    "FILE_UPLOAD_TIMEOUT",
    "KEEPALIVE_EXPIRY",
    "LIMITS",
    "SSE_TIMEOUT",
    "TIMEOUT",
    "URL_UPLOAD_TIMEOUT",
    "ConnectionTrace",
    "send",
]
