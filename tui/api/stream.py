"""``POST /run_sse``: send one chat message and yield the agent's events (nemovideo-api.md, "Chat").

The stream ends when the server closes it (there is no "done" event). A message the server
has accepted is never sent again: a break after the answer started raises StreamCut; only a
request lost on a stale pooled connection (never processed) is sent once more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx

from tui.contract import APP_NAME, paths

from . import connection, wire
from .errors import RateLimited, StreamCut, TokenExpired
from .events import SseEvent
from .sse import SseDecoder, SseParser

if TYPE_CHECKING:
    from .client import NemoClient

log = logging.getLogger("tui.api")


async def run(client: NemoClient, session_id: str, text: str) -> AsyncIterator[SseEvent]:
    """The events of one run, as :meth:`NemoClient.run` documents."""

    payload = {
        "app_name": APP_NAME,
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"role": "user", "parts": [{"text": text}]},
    }
    http = client._http
    refreshed = waited = False
    while True:
        token = await client._ensure_token()
        headers = client._headers(token, {"Accept": "text/event-stream", "Cache-Control": "no-store"})
        try:
            resp = await connection.send(
                http,
                lambda: http.build_request(
                    "POST", paths.RUN_SSE, json=payload, headers=headers, timeout=connection.SSE_TIMEOUT
                ),
                stream=True,
            )
            try:
                async for ev in _events(client, resp):
                    yield ev
                return
            finally:
                await resp.aclose()
        except TokenExpired:
            if refreshed:
                raise
            refreshed = True
            await client._refresh_token(token)
        except RateLimited:
            if waited:
                raise
            waited = True
            await client._sleep(client.retry_wait)
        except httpx.TransportError as exc:
            raise wire.network_error(exc, client.settings.api_url) from None


async def _events(client: NemoClient, resp: httpx.Response) -> AsyncIterator[SseEvent]:
    ctype = resp.headers.get("content-type", "").lower()
    # Some proxies drop or change the content type: only JSON/HTML bodies are not a stream.
    if resp.status_code != 200 or "json" in ctype or "html" in ctype:
        content = await wire.read_limited(resp)
        # Raises the typed error the body carries; a 200 with a plain JSON body is one event.
        wire.check(resp.status_code, content, client._caller(), path="/run_sse")
        for ev in SseParser().parse(wire.text(content)):
            yield ev
        return
    # The event loop is inlined here (not a nested generator): one hop less per event.
    decoder = SseDecoder()
    feed = decoder.feed
    clock = time.monotonic
    try:
        async for chunk in resp.aiter_bytes():
            client.last_activity = clock()
            for ev in feed(chunk):
                yield ev
    except (httpx.TransportError, httpx.StreamError, httpx.DecodingError) as exc:
        log.info("The agent stream broke: %s", type(exc).__name__)
        raise StreamCut(status=resp.status_code) from None
    events, unfinished = decoder.close()
    for ev in events:
        yield ev
    if unfinished:
        log.info("The agent stream stopped in the middle of an event")
        raise StreamCut(status=resp.status_code)
