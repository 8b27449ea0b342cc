"""Where fetches wait: their own threads (each only waits on a child process), never the media
pool where probes of small uploads run; and the rule that a fetch nobody waits for stops."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.requests import Request

FETCH_THREADS = 16  # threads that wait on fetch processes (the documented URL upload uses them too)

_pool: ThreadPoolExecutor | None = None  # fetch threads only wait on a child process: never the probe pool


def fetch_threads() -> ThreadPoolExecutor:
    """The fetch threads (made on first use)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="nemo-fetch")
    return _pool


async def in_fetch_pool(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a blocking fetch in the fetch threads (never the media pool, where probes of small
    uploads must not wait behind long downloads)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(fetch_threads(), lambda: fn(*args, **kwargs))


async def watch_disconnect(request: Request, work: Awaitable[Any], cancel: threading.Event) -> Any:
    """Await ``work`` while the client stays connected; when it hangs up, set ``cancel`` (the
    fetch stops) and raise ``asyncio.CancelledError``. For handlers whose body was read."""
    task = asyncio.ensure_future(work)

    async def gone() -> None:
        while not await request.is_disconnected():
            await asyncio.sleep(0.25)

    watcher = asyncio.ensure_future(gone())
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        cancel.set()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        raise asyncio.CancelledError("the client hung up")
    finally:
        watcher.cancel()
        if not task.done():
            cancel.set()
            task.cancel()


def cancel_all(engine: Any) -> None:
    """Stop every running fetch of ``engine`` (at shutdown, before waiting for connections)."""
    for cancel in list(getattr(engine, "active_ingests", ())):
        cancel.set()


__all__ = ["cancel_all", "fetch_threads", "in_fetch_pool", "watch_disconnect"]
