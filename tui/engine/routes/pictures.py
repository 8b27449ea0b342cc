"""Local-only extension ``pictures``: thumbnails, audio peaks and storyboards of the media (issue 18).

The embedded engine only (the cloud lacks them; ``GET /api/local/capabilities`` lists
``"pictures"``). Every route takes the bearer token and answers for the caller's own media
only; an unknown id or another user's media answers code 4004, HTTP 404. Pictures are
extracted once (PyAV, in the engine's media threads, at most :data:`DECODES_AT_ONCE` at a
time so that probes of new uploads never wait behind a timeline's pictures) and served from a
disk cache after that (``tui/engine/pictures.py``: keyed by the file's size and mtime, so a
changed file is read afresh; bounded per media and per user). Client: ``tui/api/pictures.py``.

``GET /api/local/thumbnail/{upload_id}?t=<s>&w=<px>[&h=<px>][&f=png|jpeg][&exact=0|1]``
    The picture of an upload at ``t`` seconds from its start (clamped to its span), ``w`` px
    wide, or fitted inside ``w`` x ``h``; the display aspect is kept (SAR, rotation). Sides
    are clamped to 16–1920 px. ``exact=1`` (default): the frame nearest ``t`` (decoded
    forward from the keyframe before it, as ``ffmpeg -ss t -i`` does); ``exact=0``: that keyframe
    (cheaper; for strips of small frames). The answer is the image itself (``image/png`` or
    ``image/jpeg``) with ``X-Frame-Time: <s>``, the time of the frame returned.

``GET /api/local/peaks/{upload_id}?n=<buckets>``
    ``{"code": 0, "data": {"peaks": [float 0.0–1.0] * n, "count": n, "duration": s,
    "has_audio": bool}}``: the absolute peak of the mono mix in ``n`` (1–10000) equal time
    buckets spanning the media's duration. No audio stream: all zeros, ``has_audio`` false.

``GET /api/local/storyboard/{render_id | upload_id}?n=<frames>&w=<px>[&h=<px>][&f=png|jpeg][&t=<s>,<s>…]``
    Frames of a completed render (an export) or an upload: ``n`` (1–24, default 6) at the
    middles of equal spans of the duration, or at the times ``t`` lists (at most 24)::

        {"code": 0, "data": {"media_id": str, "kind": "render" | "upload", "duration": s,
         "width": px, "height": px (display size), "vcodec": str|null, "acodec": str|null,
         "size": bytes, "frames": [{"t": s, "mime": "image/png", "width": px, "height": px,
                                    "data": base64}]}}

Errors (the documented envelope, ``{"code", "message", "msg", "data": null}``): 1001 token;
4004 HTTP 404 no such media for this user (or a render not completed); 4006 HTTP 422 the media
has no video stream (a thumbnail or storyboard of an audio file); 4007 HTTP 422 the file could
not be read; 400 HTTP 400 a malformed query value.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.contract import Paths
from tui.engine import pictures
from tui.engine.deps import Caller, authed
from tui.engine.envelope import Fail, ok, scrub_paths
from tui.engine.service import Engine

MAX_STORYBOARD = 24
DECODES_AT_ONCE = 2
CAPABILITY = {
    "thumbnail": Paths.LOCAL_THUMBNAIL.replace("{uid}", "{upload_id}"),
    "peaks": Paths.LOCAL_PEAKS.replace("{uid}", "{upload_id}"),
    "storyboard": Paths.LOCAL_STORYBOARD.replace("{mid}", "{render_id|upload_id}"),
    "max_side": 1920,
    "max_peaks": 10_000,
    "max_frames": MAX_STORYBOARD,
}
"""What ``GET /api/local/capabilities`` says of this extension (next to ``"pictures"``)."""


def _number(request: Request, name: str, default: float | None = None) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise Fail(400, f"'{name}' must be a number of 0 or more.", 400)
    return value


def _size(request: Request, name: str, default: int | None) -> int | None:
    value = _number(request, name, default)
    return None if value is None else max(1, int(value))


def _format(request: Request) -> str:
    fmt = (request.query_params.get("f") or "png").lower()
    if fmt not in ("png", "jpeg", "jpg"):
        raise Fail(400, "'f' must be png or jpeg.", 400)
    return fmt


async def _upload(caller: Caller, upload_id: str) -> dict[str, Any]:
    eng = caller.engine
    row = await eng.db(eng.store.upload, upload_id, caller.user_id)
    if row is None or not row.get("path") or not Path(row["path"]).is_file():
        raise Fail(4004, f"Media not found: {upload_id[:80]}", 404)
    return row


_slots: weakref.WeakKeyDictionary[Engine, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _decode_slots(engine: Engine) -> asyncio.Semaphore:
    """At most :data:`DECODES_AT_ONCE` extractions per engine hold media threads: a timeline
    asking for many pictures never starves the probes of new uploads."""
    slots = _slots.get(engine)
    if slots is None:
        slots = _slots[engine] = asyncio.Semaphore(DECODES_AT_ONCE)
    return slots


async def _answer(caller: Caller, plan: Callable[[], pictures.Job]) -> bytes:
    """The bytes of ``plan()``'s job: from the disk cache (a worker thread), else extracted in
    the media pool (one of the decode slots); the media layer's errors as envelope errors."""
    from tui.engine.media.errors import MediaError
    from tui.engine.media.thumbs import NoVideo

    eng = caller.engine
    try:
        job = await eng.db(plan)
        if job.hit is not None:
            return job.hit
        async with _decode_slots(eng):
            return await eng.in_media_pool(job.run)
    except NoVideo as exc:
        raise Fail(4006, scrub_paths(exc.message), 422) from None
    except MediaError as exc:
        raise Fail(4007, scrub_paths(exc.message), 422) from None
    except FileNotFoundError:
        raise Fail(4004, "Media not found: the file is gone.", 404) from None


async def _probe(caller: Caller, path: Path) -> Any:
    """The probe of a render's output (cached by the probe itself), in the media pool."""
    from tui.engine.media.errors import MediaError
    from tui.engine.media.probe import probe

    try:
        return await caller.engine.in_media_pool(probe, path)
    except MediaError as exc:
        raise Fail(4007, scrub_paths(exc.message), 422) from None


def _cache(caller: Caller, media_id: str, path: str | Path) -> pictures.CacheDir:
    return pictures.cache_dir(caller.engine.store.data_dir, caller.user_id, media_id, Path(path))


@authed()
async def thumbnail(request: Request, caller: Caller) -> Response:
    row = await _upload(caller, request.path_params["uid"])
    t = _number(request, "t", 0.0) or 0.0
    width = _size(request, "w", 320) or 320
    height = _size(request, "h", None)
    exact = request.query_params.get("exact", "1") not in ("0", "false", "no")
    fmt = _format(request)
    if row.get("file_type") == "audio":
        raise Fail(4006, f"{row['filename']} has no picture: it is a sound.", 422)
    cache, still = _cache(caller, row["upload_id"], row["path"]), row.get("file_type") == "image"
    data = await _answer(
        caller, functools.partial(pictures.thumbnail_job, cache, t, width, height, exact=exact, fmt=fmt, still=still)
    )
    image, mime, at = pictures.read_thumbnail(data)
    headers = {"X-Frame-Time": f"{at:.3f}", "Cache-Control": "private, max-age=3600"}
    return Response(image, media_type=mime, headers=headers)


@authed()
async def peaks(request: Request, caller: Caller) -> Response:
    row = await _upload(caller, request.path_params["uid"])
    n = int(_number(request, "n", 100) or 1)
    duration = float(row["duration"]) if row.get("duration") and row.get("file_type") != "image" else None
    cache = _cache(caller, row["upload_id"], row["path"])
    return ok(json.loads(await _answer(caller, functools.partial(pictures.peaks_job, cache, n, duration))))


def _times(request: Request) -> list[float] | None:
    raw = request.query_params.get("t")
    if not raw:
        return None
    try:
        values = [float(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise Fail(400, "'t' must be seconds separated by commas.", 400) from None
    if not values or len(values) > MAX_STORYBOARD or not all(math.isfinite(v) and v >= 0 for v in values):
        raise Fail(400, f"'t' must list 1 to {MAX_STORYBOARD} times of 0 s or more.", 400)
    return values


@authed()
async def storyboard(request: Request, caller: Caller) -> Response:
    eng, media_id = caller.engine, request.path_params["mid"]
    facts: dict[str, Any]
    row: dict[str, Any] = {}
    render = await eng.db(eng.store.render, media_id)
    if render is not None and render.get("user_id") == caller.user_id:
        path = Path(render["path"] or "")
        if render["status"] != "completed" or not render["path"] or not path.is_file():
            raise Fail(4004, f"The export {media_id[:80]} is not finished.", 404)
        info = await _probe(caller, path)
        facts = {"kind": "render", "duration": info.duration_s, "width": info.width, "height": info.height,
                 "vcodec": info.vcodec, "acodec": info.acodec, "size": path.stat().st_size}  # fmt: skip
    else:
        row = await _upload(caller, media_id)
        if row.get("file_type") == "audio":
            raise Fail(4006, f"{row['filename']} has no picture: it is a sound.", 422)
        path = Path(row["path"])
        facts = {"kind": "upload", "duration": row.get("duration"), "width": row.get("width"),
                 "height": row.get("height"), "vcodec": row.get("vcodec"), "acodec": row.get("acodec"),
                 "size": row.get("size")}  # fmt: skip
    times = _times(request)
    count = max(1, min(MAX_STORYBOARD, int(_number(request, "n", 6) or 1)))
    width = _size(request, "w", 320) or 320
    still = facts["kind"] == "upload" and row.get("file_type") == "image"
    job = functools.partial(pictures.storyboard_job, _cache(caller, media_id, path), times, count, width,
                            _size(request, "h", None), _format(request), still)  # fmt: skip
    board = json.loads(await _answer(caller, job))
    return ok({"media_id": media_id, **facts, "duration": facts["duration"] or board["duration"],
               "frames": board["frames"]})  # fmt: skip


routes = [
    Route(Paths.LOCAL_THUMBNAIL, thumbnail, methods=["GET"]),
    Route(Paths.LOCAL_PEAKS, peaks, methods=["GET"]),
    Route(Paths.LOCAL_STORYBOARD, storyboard, methods=["GET"]),
]
