"""What a link offers, read without downloading (the local ``formats`` extension, issue 17).

``POST /api/local/formats/{session_id}`` with JSON ``{"url": "https://…"}`` answers the
documented envelope; its ``data`` is the shape in ``tui/api/link_info.py`` (formats with
resolution, fps, codecs, bitrate and size; ``default_format_id``, what a plain download takes;
subtitle languages; a playlist's or feed's entries, at most ``MAX_ENTRIES``). Nothing is stored
and no credits are used. Listed by ``GET /api/local/capabilities`` as the ``formats`` extension.

Errors use the envelope: 1001 token, 1002 session, 4001 no web link in the body, 4003 the link
cannot be read (not found, not a video, unsupported page), 4005 refused (the time limit, a
page too large; an address that is not public on an engine serving others
is 4003, as for a fetch), 4029 too many reads at once.
The read runs in a fetch worker (``tui.engine.media.link_read``): bounded in time, killed with
its process group, every request through the engine's egress proxy when it has one.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.contract import Paths
from tui.engine.deps import Caller, authed, read_link
from tui.engine.envelope import Fail, ok
from tui.engine.fetch_pool import in_fetch_pool, watch_disconnect

SHAPE = '{"url": "https://…"}'
MAX_READS = 4  # link reads at once per engine; more get 4029 at once
MAX_ENTRIES = 500  # a playlist's or feed's entries listed (``truncated`` says when there were more)
CAPABILITY = {"path": Paths.LOCAL_FORMATS.replace("{sid}", "{session_id}"), "max_entries": MAX_ENTRIES}

_reads = 0
_reads_lock = threading.Lock()


def _reader(media: Any) -> Any:
    fn = getattr(media, "read_link_info", None)
    if fn is None:
        raise Fail(4003, "This engine cannot read what links offer (its media layer has no reader).")
    return fn


@authed()
async def formats(request: Request, caller: Caller) -> Response:
    global _reads
    eng = caller.engine
    _, url = await read_link(request, caller, shape=SHAPE, verb="read")
    read = _reader(eng.media)
    with _reads_lock:
        if _reads >= MAX_READS:
            raise Fail(4029, f"{MAX_READS} links are being read already: wait for one to finish.", 429)
        _reads += 1
    cancel = threading.Event()
    eng.active_ingests.add(cancel)  # the engine's shutdown stops the read too
    try:
        work = in_fetch_pool(read, url, cancel=cancel, max_entries=MAX_ENTRIES, **eng.fetch_options())
        data = await watch_disconnect(request, work, cancel)  # a hang-up stops the read
    except asyncio.CancelledError:
        cancel.set()
        raise
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or "The link could not be read."
        refused = type(exc).__name__ == "FetchRefused"
        raise Fail(4005 if refused else 4003, message) from None
    finally:
        eng.active_ingests.discard(cancel)
        with _reads_lock:
            _reads -= 1
    if not isinstance(data, dict):
        raise Fail(4003, "The link could not be read.")
    return ok({**data, "url": url})


routes = [Route(Paths.LOCAL_FORMATS, formats, methods=["POST"])]
