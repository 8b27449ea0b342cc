"""The /run_sse response: ADK-shaped events as Server-Sent Events, with keep-alive and hang-up.

Why not sse-starlette's ``EventSourceResponse``: its ping runs on a fixed timer whatever else
was sent and writes a comment line (``: ping``) with ``\r\n`` separators, while the wire
contract (nemovideo-api.md, "Real ADK events"; the recorded fixtures) is ``data: <json>\n\n``
frames and a ``{"type":"heartbeat"}`` event only after ``interval`` seconds of silence. This
class is that contract in ~60 lines: heartbeat after silence, the producer cancelled when the
client hangs up (ADK aborts the run), the stream closed when the producer ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tui.engine import adk

Emit = Callable[[dict[str, Any]], None]


class EventStream(Response):
    """SSE response for one run: sends what the producer emits, a heartbeat whenever nothing was
    sent for ``interval`` seconds, and cancels the producer when the client hangs up."""

    media_type = "text/event-stream"

    def __init__(
        self,
        produce: Callable[[Emit], Awaitable[None]],
        interval: float,
        on_abort: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(
            status_code=200,
            media_type=self.media_type,
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.produce = produce
        self.interval = interval
        self.on_abort = on_abort  # called when the client hung up or the producer was cut short

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

        async def producer() -> None:
            try:
                await self.produce(queue.put_nowait)
            finally:
                queue.put_nowait(None)

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return

        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        task = asyncio.create_task(producer())
        watcher = asyncio.create_task(watch())
        getter: asyncio.Task[dict[str, Any] | None] | None = None
        hung_up = False
        try:
            while True:
                if getter is None:
                    getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait(
                    {getter, watcher}, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED
                )
                if watcher in done:
                    hung_up = True
                    break
                if getter in done:
                    item = getter.result()
                    getter = None
                    if item is None:
                        break
                    payload = adk.sse(item)
                elif task.done():
                    continue
                else:
                    payload = adk.sse(adk.heartbeat())
                try:
                    await send({"type": "http.response.body", "body": payload, "more_body": True})
                except OSError:
                    hung_up = True
                    break
        finally:
            if self.on_abort is not None and (hung_up or not task.done()):
                self.on_abort()  # e.g. a fetch in a thread: nobody waits any more, it stops
            for t in (getter, watcher):
                if t is not None:
                    t.cancel()
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if not hung_up:
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
