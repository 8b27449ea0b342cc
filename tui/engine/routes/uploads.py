"""Uploads: files (multipart, streamed to disk) or links (JSON), and the media they became
(nemovideo-api.md, endpoint 4; ``GET /api/media/{uid}`` is local to the engine).

Limits: ``max_upload_bytes`` per file and the user's ``max_storage_bytes`` (code 4002),
``max_files_per_request`` files or links (HTTP 400), ``max_json_bytes`` for a JSON body (413).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from tui.contract import LOCAL_EXTENSIONS, Paths
from tui.engine.deps import Caller, authed, read_json
from tui.engine.egress import strip_credentials
from tui.engine.envelope import Fail, ok, scrub_paths
from tui.engine.fetch_pool import watch_disconnect
from tui.engine.routes.sessions import base_url, file_json
from tui.engine.uploads import UploadRefused, receive_files

URLS_SHAPE = '{"urls": ["https://..."], "source_type": "url"}'


def _too_many(limit: int) -> Fail:
    return Fail(400, f"Too many files in one upload: at most {limit}. Send the rest in another request.", 400)


@authed()
async def upload(request: Request, caller: Caller) -> Response:
    """Multipart ``files`` fields, or JSON ``{"urls": [...]}`` -> ``{files: [...], session_state_applied}``."""
    eng, user_id, opts = caller.engine, caller.user_id, caller.engine.options
    session_id = request.path_params["sid"]
    await eng.owned_session(user_id, session_id)
    ctype = request.headers.get("content-type", "").lower()
    if ctype.startswith("application/json"):
        return await _upload_urls(request, caller, session_id)
    if not ctype.startswith("multipart/form-data"):
        raise Fail(4001, "Send files as multipart/form-data ('files' fields) or JSON " + URLS_SHAPE + ".")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > opts.max_upload_bytes * opts.max_files_per_request:
        raise Fail(4002, f"The upload is too large: at most {opts.max_upload_bytes // (1024 * 1024)} MB per file.")
    room = await eng.check_storage(user_id, int(length) if length and length.isdigit() else 0)
    folder = eng.store.media_folder(user_id, session_id)
    try:
        stored = await receive_files(request, folder, limit=opts.max_upload_bytes, accepted=LOCAL_EXTENSIONS,
                                     max_files=opts.max_files_per_request, total_limit=room)  # fmt: skip
    except UploadRefused as exc:
        raise Fail(exc.code, exc.message, exc.status) from None
    rows: list[dict[str, Any]] = []
    try:
        for s in stored:
            row = await eng.in_media_pool(eng.probe_row, s.path, upload_id=s.upload_id, filename=s.filename, ext=s.ext)
            row.update(session_id=session_id, user_id=user_id, hash=s.hash)
            rows.append(row)
    except BaseException:
        for s in stored:
            s.path.unlink(missing_ok=True)
        raise
    for row in rows:
        await eng.db(eng.store.add_upload, row)
    await eng.add_to_draft(session_id, rows, "upload")
    base = base_url(request)
    return ok({"files": [file_json(r, base) for r in rows], "session_state_applied": True})


async def _upload_urls(request: Request, caller: Caller, session_id: str) -> Response:
    eng, opts = caller.engine, caller.engine.options
    body = await read_json(request, limit=opts.max_json_bytes, what=URLS_SHAPE, code=4001)
    urls = body.get("urls") if isinstance(body, dict) else None
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise Fail(4001, f"Send {URLS_SHAPE}.", 400)
    if len(urls) > opts.max_files_per_request:
        raise _too_many(opts.max_files_per_request)
    rows = []
    for url in map(strip_credentials, urls):  # credentials in a link are never sent, stored or echoed
        if not url.lower().startswith(("http://", "https://")):
            raise Fail(4001, f"Not a web link: {url[:100]}")
        try:
            cancel = threading.Event()  # set when the client hangs up: nobody waits, the fetch stops
            row, _version = await watch_disconnect(
                request, eng.ingest(caller.user_id, session_id, url, cancel=cancel), cancel
            )
        except Fail:
            raise
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise Fail(4003, f"Could not fetch {url[:200]}: {scrub_paths(message)}") from None
        rows.append(row)
    base = base_url(request)
    return ok({"files": [file_json(r, base) for r in rows], "session_state_applied": True})


@authed(status=401)
async def media_file(request: Request, caller: Caller) -> Response:
    """An uploaded file, to its owner only (HTTP Range works)."""
    eng = caller.engine
    row = await eng.db(eng.store.upload, request.path_params["uid"], caller.user_id)
    if row is None or not Path(row["path"]).exists():
        raise Fail(404, "Media not found.", 404)
    return FileResponse(row["path"], filename=row["filename"])


routes = [
    Route(Paths.UPLOAD, upload, methods=["POST"]),
    Route(Paths.MEDIA, media_file, methods=["GET"]),
]
