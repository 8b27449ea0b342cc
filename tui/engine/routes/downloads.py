"""Local-only extensions for download jobs (the embedded engine only; the cloud lacks them).

Listed by ``GET /api/local/capabilities``, which a client reads once after connecting::

    {"code": 0, "data": {"extensions": ["fetch", "formats", "pictures"],
                          "fetch": {"path": "/api/local/fetch/{session_id}", "progress": true,
                                    "cancel": "close the stream", "max_height": true},
                          "formats": {"path": "/api/local/formats/{session_id}", "max_entries": 500}}}

(``formats``: what a link offers, read without downloading: ``tui/engine/routes/formats.py``.)

``POST /api/local/fetch/{session_id}`` with JSON ``{"url": "https://…", "max_height": 720 | null}``
plus the optional ``format_id``, ``section``, ``audio`` and ``subs`` of
``tui/engine/media/fetch_options.py`` (a bad one: 4001 before the stream starts) fetches one link into the session's media **without adding it to the draft** (a download job
never changes the timeline the user edits; the media stays available to add). The answer is
``text/event-stream``; each event is one ``data: <json>`` line:

- ``{"type": "progress", "stage": "download"|"merge"|"remux"|"probe", "label": str,
  "bytes": int|null, "total": int|null, "percent": float|null, "speed": float|null (bytes/s),
  "eta": float|null (s)}`` — about eight a second while bytes arrive;
- ``{"type": "heartbeat"}`` — when nothing else was sent for 2 s;
- last, either ``{"type": "done", "file": {<the upload endpoint's file object>, "upload_id",
  "title": str|null, "offered_height": int|null, "vcodec", "acodec", "has_audio", "size",
  "source_url", "ready": bool}}`` (``ready``: the file is the deliverable as it is — audio only,
  subtitles — and is saved from ``cdn_url`` without a render) or ``{"type": "error", "code": 4003|4005|4029, "message": str}``
  (4003 could not fetch, 4005 refused by a limit or a live stream, 4029 too many fetches).

Closing the stream cancels the fetch: the engine kills the fetch's process group and removes
its partial files; nothing is added to the session later. Fetches are free (no credits).
Errors before the stream starts use the documented envelope (1001 token, 1002 session).
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.contract import Paths
from tui.engine.deps import Caller, authed, read_link
from tui.engine.envelope import Fail
from tui.engine.fetch_pool import fetch_threads
from tui.engine.media.fetch_options import parse_options
from tui.engine.routes.formats import CAPABILITY as FORMATS_CAPABILITY
from tui.engine.routes.pictures import CAPABILITY as PICTURES
from tui.engine.sse import EventStream

FETCH_SHAPE = '{"url": "https://…", "max_height": 720 | null}'

_running_lock = threading.Lock()
MAX_FETCHES = 4  # extension fetches at once per engine; more get 4029 at once instead of queueing
HEARTBEAT_S = 2.0
PROGRESS_EVERY_S = 0.12


@authed()
async def capabilities(request: Request, caller: Caller) -> Response:
    return JSONResponse(
        {
            "code": 0,
            "message": "success",
            "data": {
                "extensions": ["fetch", "formats", "pictures"],
                "fetch": {
                    "path": "/api/local/fetch/{session_id}",
                    "progress": True,
                    "cancel": "close the stream",
                    "max_height": True,
                },
                "formats": FORMATS_CAPABILITY,  # tui/engine/routes/formats.py
                "pictures": PICTURES,  # tui/engine/routes/pictures.py
            },
        }
    )


def _fetcher(media: Any) -> Callable[..., Any]:
    """``fetch_media`` of the media layer (facts included), or its ``ingest_url`` (path only)."""
    fn = getattr(media, "fetch_media", None)
    if fn is not None:
        return fn  # type: ignore[no-any-return]

    def plain(url: str, dest: Path, **kwargs: Any) -> Any:
        return media.ingest_url(url, dest, **kwargs)

    return plain


def _usable(info: Any) -> bool:
    return isinstance(info, dict) and info.get("kind") in ("video", "audio") and bool(info.get("duration_s"))


def _row(path: Path, upload_id: str, filename: str, info: dict[str, Any]) -> dict[str, Any]:
    """An upload row from the fetch's own probe (the shape of the engine's ``_probe_row``)."""
    return {
        "upload_id": upload_id,
        "filename": filename,
        "path": str(path),
        "file_type": info["kind"],
        "size": path.stat().st_size,
        "duration": round(float(info["duration_s"]), 3),
        "width": info.get("width") or None,
        "height": info.get("height") or None,
        "fps": info.get("fps") or None,
        "vcodec": info.get("vcodec"),
        "acodec": info.get("acodec"),
        "has_audio": int(bool(info.get("has_audio"))),
    }


@authed()
async def fetch(request: Request, caller: Caller) -> Response:
    eng, user_id = caller.engine, caller.user_id
    session_id = request.path_params["sid"]
    body, url = await read_link(request, caller, shape=FETCH_SHAPE, verb="fetch")
    max_height = body.get("max_height")
    max_height = int(max_height) if isinstance(max_height, (int, float)) and 16 <= max_height <= 8192 else None
    try:
        options = parse_options(body)
    except ValueError as exc:
        return Fail(4001, str(exc), 400).response()
    extra = {"options": options} if options else {}  # a media layer without options is asked nothing new
    with _running_lock:
        if eng.local_fetches >= MAX_FETCHES:
            return Fail(4029, f"{MAX_FETCHES} links are being fetched already: wait for one to finish.", 429).response()
        eng.local_fetches += 1
    cancel = threading.Event()
    loop = asyncio.get_running_loop()

    async def run(emit: Callable[[dict[str, Any]], None]) -> None:
        from tui.engine.uploads import new_upload_id, safe_name

        upload_id = new_upload_id()
        dest = eng.store.media_folder(user_id, session_id) / upload_id
        last_at = [0.0]
        last_stage: list[Any] = [None]

        def on_progress(p: dict[str, Any]) -> None:
            now = time.monotonic()
            if (
                now - last_at[0] >= PROGRESS_EVERY_S
                or p.get("stage") != last_stage[0]
                or (p.get("percent") or 0) >= 100
            ):
                last_at[0], last_stage[0] = now, p.get("stage")
                loop.call_soon_threadsafe(emit, {"type": "progress", **p})

        eng.active_ingests.add(cancel)
        stored = False
        try:
            result = await loop.run_in_executor(
                fetch_threads(),
                lambda: _fetcher(eng.media)(
                    url,
                    dest,
                    progress=on_progress,
                    cancel=cancel,
                    max_height=max_height,
                    **extra,
                    **eng.fetch_options(),
                ),
            )
            path = Path(getattr(result, "path", result))
            emit(
                {
                    "type": "progress",
                    "stage": "probe",
                    "label": path.name,
                    "bytes": None,
                    "total": None,
                    "percent": None,
                    "speed": None,
                    "eta": None,
                }
            )
            info = getattr(result, "info", None)
            if isinstance(info, dict) and _usable(info):  # the fetch probed it already
                row = _row(path, upload_id, safe_name(path.name), info)
            else:
                row = await eng.in_media_pool(
                    eng.probe_row,
                    path,
                    upload_id=upload_id,
                    filename=safe_name(path.name),
                    ext=path.suffix.lstrip(".").lower(),
                )
            if cancel.is_set():
                raise asyncio.CancelledError()
            row.update(session_id=session_id, user_id=user_id, source_url=url)
            await eng.db(eng.store.add_upload, row)
            stored = True
            base = str(request.base_url).rstrip("/")
            emit(
                {
                    "type": "done",
                    "file": {
                        "filename": row["filename"],
                        "file_type": row["file_type"],
                        "cdn_url": f"{base}/api/media/{upload_id}",
                        "duration": row["duration"],
                        "width": row["width"],
                        "height": row["height"],
                        "fps": row["fps"],
                        "hash": row.get("hash"),
                        "upload_id": upload_id,
                        "size": row.get("size"),
                        "vcodec": row["vcodec"],
                        "acodec": row["acodec"],
                        "has_audio": bool(row["has_audio"]),
                        "source_url": url,
                        "title": getattr(result, "title", None),
                        "offered_height": getattr(result, "offered_height", None),
                        "ready": bool(getattr(result, "ready", False)),
                    },
                }
            )
        except asyncio.CancelledError:
            cancel.set()
            raise
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            refused = type(exc).__name__ == "FetchRefused"
            emit({"type": "error", "code": 4005 if refused else 4003, "message": message})
        finally:
            eng.active_ingests.discard(cancel)
            with _running_lock:
                eng.local_fetches -= 1
            if not stored:  # nothing half-done stays behind
                await asyncio.shield(asyncio.to_thread(shutil.rmtree, dest, True))

    return EventStream(run, HEARTBEAT_S, on_abort=cancel.set)


routes = [
    Route(Paths.LOCAL_CAPABILITIES, capabilities, methods=["GET"]),
    Route(Paths.LOCAL_FETCH, fetch, methods=["POST"]),
]
