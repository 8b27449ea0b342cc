"""The embedded engine's HTTP server: the NemoVideo API (nemovideo-api.md) on this machine.

Routes (bearer token on all but the first two):
  GET  /healthz                                        {"ok": true}
  POST /api/auth/anonymous-token                       X-Client-Id -> token (same one for 7 days)
  POST /api/tasks/me/with-session/nemo_agent           -> task_id, session_id, user_id
  GET  /api/credits/balance/simple                     -> available, frozen, total
  POST /api/upload-video/nemo_agent/me/{sid}           multipart `files` or JSON {"urls": [...]}
  GET  /api/state/nemo_agent/me/{sid}/latest           -> state {draft, video_infos, ...}, version
                                                       (?version=N: an earlier draft version)
  POST /run_sse                                        the agent, ADK-shaped SSE
  POST /api/render/proxy/lambda                        submit (X-Skill-* headers required)
  GET  /api/render/proxy/lambda/{id}                   status, progress, outputUrl
  POST /api/render/proxy/lambda/{id}/cancel
  GET  /api/render/proxy/{id}/download                 the MP4, with HTTP Range
  GET  /api/media/{upload_id}                          an uploaded file (its owner only)
  GET  /api/history/nemo_agent/me/{sid}                chat history and draft versions

``create_app(data_dir, ...)`` builds the Starlette app; ``serve(host, port, data_dir)`` runs it
with uvicorn (blocking). Media work (probe, URL ingest, render) goes through ``media`` — the
real ``tui.engine.media`` functions by default, imported lazily, or a fake in tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import os
import re
import shutil
import sys
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from tui.config import ACCEPTED_EXTENSIONS, AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, MAX_UPLOAD_BYTES
from tui.engine import adk
from tui.engine import draft as drafts
from tui.engine.renders import RenderPool, resolve_sources
from tui.engine.runs import AgentRun
from tui.engine.storage import TOKEN_TTL, Storage
from tui.engine.uploads import UploadRefused, new_upload_id, receive_files, safe_name

log = logging.getLogger("tui.engine")

MAX_FILES_PER_REQUEST = 20
RENDER_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,127}")
SKILL_HEADERS = ("x-skill-source", "x-skill-version", "x-skill-platform")


class Fail(Exception):
    """An API error answered as JSON: the envelope {"code", "message"} (or the render shape)."""

    def __init__(self, code: int, message: str, status: int = 200, *, render: bool = False,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.render, self.headers = code, message, status, render, headers

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "msg": self.message}
        if self.render:
            body = {"success": False, "error": self.message, **body}
        else:
            body["data"] = None
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "success", "data": data})


class RealMedia:
    """The media layer, imported on first use (it needs yt-dlp and ffmpeg)."""

    def probe(self, path: Path):
        from tui.engine.media.probe import probe

        return probe(path)

    def ingest_url(self, url: str, dest_dir: Path, **kwargs):
        from tui.engine.media.ingest import ingest_url

        return ingest_url(url, dest_dir, **kwargs)

    def render_draft(self, draft: dict, sources, out_path: Path, **kwargs):
        from tui.engine.media.render import render_draft

        return render_draft(draft, sources, out_path, **kwargs)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Engine:
    def __init__(self, data_dir: Path, *, heartbeat_interval: float, media: Any, silent_ratio: float,
                 edit_cost: int, token_ttl: float, new_client_limit: int, new_client_window: float,
                 max_upload_bytes: int, render_workers: int, chunk_delay: float, tool_delay: float,
                 media_workers: int = 4):
        self.store = Storage(Path(data_dir), token_ttl=token_ttl)
        self.heartbeat_interval = heartbeat_interval
        self._media = media
        self.silent_ratio = silent_ratio
        self.edit_cost = edit_cost
        self.new_client_limit = new_client_limit
        self.new_client_window = new_client_window
        self.max_upload_bytes = max_upload_bytes
        self.chunk_delay = chunk_delay
        self.tool_delay = tool_delay
        self.renders = RenderPool(self.store, lambda: self.media, render_workers)
        self._new_clients: dict[str, deque[float]] = defaultdict(deque)
        self._rate_lock = threading.Lock()
        # URL downloads in progress, per session: shown by the state endpoint while they run
        self.ingests: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._session_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.active_ingests: set[threading.Event] = set()  # set at shutdown: downloads stop
        self.media_pool = ThreadPoolExecutor(max_workers=media_workers, thread_name_prefix="nemo-media")

    @property
    def media(self):
        if self._media is None:
            self._media = RealMedia()
        return self._media

    async def db(self, fn, *args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def in_media_pool(self, fn, *args, **kwargs):
        """Slow media work (downloads, probes) in its own threads, so that many downloads at
        once never starve the short database calls of the default pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.media_pool, functools.partial(fn, *args, **kwargs))

    # --- auth ---------------------------------------------------------------------------
    async def user(self, request: Request, *, status: int = 200, render: bool = False) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        user_id = None
        if scheme.lower() == "bearer" and token.strip():
            user_id = await self.db(self.store.user_for_token, token.strip())
        if user_id is None:
            raise Fail(1001, "Token invalid or expired: get a new anonymous token.", status, render=render)
        return user_id

    async def owned_session(self, user_id: str, session_id: str, *, status: int = 200) -> dict[str, Any]:
        row = await self.db(self.store.session, session_id, user_id)
        if row is None:
            raise Fail(1002, f"Session not found: {session_id}", status)
        return row

    def allow_new_client(self, ip: str) -> bool:
        now = time.monotonic()
        with self._rate_lock:
            q = self._new_clients[ip]
            while q and now - q[0] > self.new_client_window:
                q.popleft()
            if len(q) >= self.new_client_limit:
                return False
            q.append(now)
            return True

    # --- media into a session -------------------------------------------------------------
    @staticmethod
    def infos(uploads: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {u["upload_id"]: {"kind": u["file_type"], "duration_ms": int(round((u["duration"] or 0) * 1000)),
                                 "width": u["width"], "height": u["height"], "fps": u["fps"], "name": u["filename"]}
                for u in uploads}

    def _probe_row(self, path: Path, *, upload_id: str, filename: str, ext: str) -> dict[str, Any]:
        """Probe a stored file (blocking); raises Fail(4001) when it is not playable media."""
        try:
            info = self.media.probe(path)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or "not a playable video/audio file"
            message = message.replace(str(path), filename).replace(path.name, filename)  # no server paths
            raise Fail(4001, message if filename in message else f"{filename}: {message}") from None
        kind = getattr(info, "kind", None)
        if kind not in ("video", "audio", "image"):
            kind = "audio" if ext in AUDIO_EXTENSIONS else "image" if ext in IMAGE_EXTENSIONS else "video"
        duration = float(getattr(info, "duration_s", 0) or 0)
        if kind == "image":
            duration = drafts.IMAGE_STILL_MS / 1000
        return {"upload_id": upload_id, "filename": filename, "path": str(path), "file_type": kind,
                "size": path.stat().st_size, "duration": round(duration, 3),
                "width": getattr(info, "width", None) or None, "height": getattr(info, "height", None) or None,
                "fps": getattr(info, "fps", None) or None, "vcodec": getattr(info, "vcodec", None),
                "acodec": getattr(info, "acodec", None), "has_audio": int(bool(getattr(info, "has_audio", False)))}

    def session_lock(self, session_id: str) -> asyncio.Lock:
        """Held while a draft is read, changed and saved, so two changes never overwrite each other."""
        return self._session_locks[session_id]

    async def add_to_draft(self, session_id: str, rows: list[dict[str, Any]], reason: str) -> int:
        """Add uploads as segments (one new draft version for them all); returns the version."""
        async with self.session_lock(session_id):
            draft, _ = await self.db(self.store.latest_draft, session_id)
            infos = self.infos(await self.db(self.store.uploads, session_id))
            for row in rows:
                draft, _result = drafts.add_media(draft, row["upload_id"], infos)
            return await self.db(self.store.save_draft, session_id, draft, reason)

    async def ingest(self, user_id: str, session_id: str, url: str, *,
                     progress: Callable[[dict[str, Any]], None] | None = None,
                     cancel: threading.Event | None = None) -> tuple[dict[str, Any], int]:
        """Download a URL into the session (blocking parts in a thread), probe it, add it to the
        draft. Returns (upload row, draft version)."""
        loop = asyncio.get_running_loop()
        upload_id = new_upload_id()
        dest = self.store.media_folder(user_id, session_id) / upload_id
        entry = {"url": url, "stage": "download", "bytes": 0, "total": None, "percent": None, "speed": None,
                 "eta": None, "label": url}
        self.ingests[session_id][url] = entry

        last = {"at": 0.0, "stage": None}

        def on_progress(p: dict[str, Any]) -> None:
            entry.update({k: v for k, v in p.items() if k in entry or k in ("stage", "label")})
            now = time.monotonic()
            # at most ~8 events a second on the stream, but never drop a stage change or the end
            if progress is not None and (now - last["at"] >= 0.12 or p.get("stage") != last["stage"]
                                         or (p.get("percent") or 0) >= 100):
                last.update(at=now, stage=p.get("stage"))
                loop.call_soon_threadsafe(progress, dict(p))

        cancel = cancel or threading.Event()
        self.active_ingests.add(cancel)
        try:
            path = await self.in_media_pool(self.media.ingest_url, url, dest, progress=on_progress, cancel=cancel)
            path = Path(path)
            if progress is not None:
                progress({"stage": "probe", "label": path.name, "bytes": None, "total": None, "speed": None,
                          "eta": None, "percent": None})
            name = safe_name(path.name)
            ext = path.suffix.lstrip(".").lower()
            row = await self.in_media_pool(self._probe_row, path, upload_id=upload_id, filename=name, ext=ext)
            row.update(session_id=session_id, user_id=user_id, source_url=url)
            await self.db(self.store.add_upload, row)
            version = await self.add_to_draft(session_id, [row], "ingest")
            return row, version
        except BaseException:
            if not await self.db(self.store.upload, upload_id, user_id):  # nothing half-done stays behind
                await asyncio.shield(asyncio.to_thread(shutil.rmtree, dest, True))
            raise
        finally:
            self.active_ingests.discard(cancel)
            self.ingests[session_id].pop(url, None)


# --- handlers ------------------------------------------------------------------------------

def _engine(request: Request) -> Engine:
    return request.app.state.engine


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def anonymous_token(request: Request) -> Response:
    eng = _engine(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise Fail(400, "Missing X-Client-Id header: generate a client id, keep it, and send it.", 400)
    if len(client_id) > 200:
        raise Fail(400, "X-Client-Id is too long.", 400)
    ip = request.client.host if request.client else "unknown"
    if not await eng.db(eng.store.client_exists, client_id) and not eng.allow_new_client(ip):
        raise Fail(429, "Too many new clients from this address: wait a little and try again.", 429,
                   headers={"Retry-After": "30"})
    tok = await eng.db(eng.store.anonymous_token, client_id, ip)
    bal = await eng.db(eng.store.balance, tok["user_id"])
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(tok["expires_at"]))
    return ok({"token": tok["token"], "user_id": tok["user_id"], "expires_at": expires, "credits": bal["available"]})


async def create_session(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request)
    try:
        body = await request.json()
    except Exception:
        body = {}
    body = body if isinstance(body, dict) else {}
    name = str(body.get("task_name") or "project")[:200]
    language = str(body.get("language") or "en")[:16]
    return ok(await eng.db(eng.store.create_session, user_id, name, language))


async def credits(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request)
    return ok(await eng.db(eng.store.balance, user_id))


def _file_json(u: dict[str, Any], base: str) -> dict[str, Any]:
    return {"filename": u["filename"], "file_type": u["file_type"], "cdn_url": f"{base}/api/media/{u['upload_id']}",
            "duration": u["duration"], "width": u["width"], "height": u["height"], "fps": u["fps"],
            "hash": u.get("hash"), "upload_id": u["upload_id"], "size": u.get("size")}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def upload(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request)
    session_id = request.path_params["sid"]
    await eng.owned_session(user_id, session_id)
    ctype = request.headers.get("content-type", "").lower()
    if ctype.startswith("application/json"):
        return await _upload_urls(request, eng, user_id, session_id)
    if not ctype.startswith("multipart/form-data"):
        raise Fail(4001, "Send files as multipart/form-data ('files' fields) or JSON {\"urls\": [...]}.")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > eng.max_upload_bytes * MAX_FILES_PER_REQUEST:
        raise Fail(4002, f"The upload is too large: at most {eng.max_upload_bytes // (1024 * 1024)} MB per file.")
    folder = eng.store.media_folder(user_id, session_id)
    try:
        stored = await receive_files(request, folder, limit=eng.max_upload_bytes, accepted=ACCEPTED_EXTENSIONS)
    except UploadRefused as exc:
        raise Fail(exc.code, exc.message, exc.status) from None
    rows = []
    try:
        for s in stored:
            row = await eng.in_media_pool(eng._probe_row, s.path, upload_id=s.upload_id, filename=s.filename,
                                          ext=s.ext)
            row.update(session_id=session_id, user_id=user_id, hash=s.hash)
            rows.append(row)
    except Fail:
        for s in stored:
            s.path.unlink(missing_ok=True)
        raise
    for row in rows:
        await eng.db(eng.store.add_upload, row)
    await eng.add_to_draft(session_id, rows, "upload")
    base = _base(request)
    return ok({"files": [_file_json(r, base) for r in rows], "session_state_applied": True})


async def _upload_urls(request: Request, eng: Engine, user_id: str, session_id: str) -> Response:
    try:
        body = await request.json()
    except Exception:
        raise Fail(4001, "The JSON body could not be read.", 400) from None
    urls = body.get("urls") if isinstance(body, dict) else None
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise Fail(4001, "Send {\"urls\": [\"https://...\"], \"source_type\": \"url\"}.", 400)
    rows = []
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise Fail(4001, f"Not a web link: {url[:100]}")
        try:
            row, _version = await eng.ingest(user_id, session_id, url)
        except Fail:
            raise
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise Fail(4003, f"Could not fetch {url[:200]}: {message}") from None
        rows.append(row)
    base = _base(request)
    return ok({"files": [_file_json(r, base) for r in rows], "session_state_applied": True})


async def state(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request)
    session_id = request.path_params["sid"]
    await eng.owned_session(user_id, session_id)
    draft, version = await eng.db(eng.store.latest_draft, session_id)
    asked = request.query_params.get("version", "")
    if asked.isdigit() and int(asked) != version:  # an older version, to diff against
        old = await eng.db(eng.store.draft_version, session_id, int(asked))
        if old is None:
            raise Fail(404, f"There is no version {asked} of this draft (latest: {version}).", 404)
        draft, version = old, int(asked)
    uploads = await eng.db(eng.store.uploads, session_id)
    base = _base(request)
    m = draft.get("m") or {}
    video_infos = [{**_file_json(u, base), "vcodec": u["vcodec"], "acodec": u["acodec"],
                    "has_audio": bool(u["has_audio"]), "source_url": u["source_url"]} for u in uploads]
    data_state = {
        "draft": draft,
        "video_infos": video_infos,
        "canvas_config": {"width": m.get("width"), "height": m.get("height"), "fps": m.get("fps"),
                          "aspect": m.get("aspect")},
        "video_analyses": [],
        "generated_media": [],
        "ingests": list(eng.ingests.get(session_id, {}).values()),
    }
    return ok({"state": data_state, "version": version, "user_id": user_id, "session_id": session_id})


async def history(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request)
    session_id = request.path_params["sid"]
    await eng.owned_session(user_id, session_id)
    return ok({"messages": await eng.db(eng.store.messages, session_id),
               "drafts": await eng.db(eng.store.draft_history, session_id)})


async def media_file(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request, status=401)
    row = await eng.db(eng.store.upload, request.path_params["uid"], user_id)
    if row is None or not Path(row["path"]).exists():
        raise Fail(404, "Media not found.", 404)
    return FileResponse(row["path"], filename=row["filename"])


# --- /run_sse --------------------------------------------------------------------------------

class EventStream(Response):
    """SSE response for one run: sends what the producer emits, a heartbeat whenever nothing was
    sent for ``interval`` seconds, and cancels the producer when the client hangs up."""

    media_type = "text/event-stream"

    def __init__(self, produce: Callable[[Callable[[dict], None]], Any], interval: float):
        super().__init__(status_code=200, media_type=self.media_type,
                         headers={"cache-control": "no-cache", "x-accel-buffering": "no"})
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.produce = produce
        self.interval = interval

    async def __call__(self, scope, receive, send) -> None:
        queue: asyncio.Queue[dict | None] = asyncio.Queue()

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
        getter: asyncio.Task | None = None
        hung_up = False
        try:
            while True:
                if getter is None:
                    getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({getter, watcher}, timeout=self.interval,
                                             return_when=asyncio.FIRST_COMPLETED)
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


async def run_sse(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request, status=401)
    try:
        body = await request.json()
    except Exception:
        raise Fail(400, "The body must be JSON: {app_name, user_id, session_id, new_message}.", 400) from None
    if not isinstance(body, dict):
        raise Fail(400, "The body must be a JSON object.", 400)
    session_id = str(body.get("session_id") or body.get("sessionId") or "")
    row = await eng.db(eng.store.session, session_id, user_id)
    if row is None:
        return JSONResponse({"detail": f"Session not found: {session_id}", "code": 1002,
                             "message": f"Session not found: {session_id}"}, status_code=404)
    message = body.get("new_message") or body.get("newMessage") or {}
    parts = message.get("parts") if isinstance(message, dict) else None
    text = " ".join(str(p.get("text", "")) for p in (parts or []) if isinstance(p, dict)).strip()
    if not text:
        raise Fail(400, "new_message.parts[].text is empty.", 400)
    run = AgentRun(eng, user_id, session_id, text)
    allowed, cost = await run.prepare()
    if not allowed:
        bal = await eng.db(eng.store.balance, user_id)
        raise Fail(2001, f"Not enough credits: this edit needs {cost}, you have {bal['available']}. "
                         f"Register or top up to get more.")
    return EventStream(run.produce, eng.heartbeat_interval)


# --- render ------------------------------------------------------------------------------------

def _render_json(row: dict[str, Any], base: str, live: float | None) -> dict[str, Any]:
    progress = live if (live is not None and row["status"] == "processing") else row["progress"]
    data: dict[str, Any] = {"id": row["render_id"], "status": row["status"], "progress": int(round(progress or 0)),
                            "sessionId": row["session_id"]}
    if row["status"] == "completed":
        url = f"{base}/api/render/proxy/{row['render_id']}/download"
        data["outputUrl"] = url
        data["output"] = {"url": url}
    if row["error"]:
        data["error"] = row["error"]
    return data


async def render_submit(request: Request) -> Response:
    eng = _engine(request)
    missing = [h for h in SKILL_HEADERS if not request.headers.get(h, "").strip()]
    if missing:
        raise Fail(402, "Export is blocked: the request lacks the " + ", ".join(h.title() for h in missing)
                   + " header(s).", 402, render=True)
    user_id = await eng.user(request, status=401, render=True)
    try:
        body = await request.json()
    except Exception:
        raise Fail(400, "The body must be JSON: {id, sessionId, draft, output}.", 400, render=True) from None
    if not isinstance(body, dict):
        raise Fail(400, "The body must be a JSON object.", 400, render=True)
    render_id = str(body.get("id") or "").strip()
    if not RENDER_ID_RE.fullmatch(render_id):
        raise Fail(400, "The render needs an id of letters, digits, '_' or '-' (render_<unique>).", 400,
                   render=True)
    session_id = body.get("sessionId") or body.get("session_id")
    if session_id is not None:
        session_id = str(session_id)
        if await eng.db(eng.store.session, session_id, user_id) is None:
            raise Fail(1002, f"Session not found: {session_id}", 404, render=True)
    draft = body.get("draft")
    if not isinstance(draft, dict) and session_id:
        draft, _ = await eng.db(eng.store.latest_draft, session_id)
    if not isinstance(draft, dict) or not any((t.get("sg") for t in draft.get("t") or [] if isinstance(t, dict))):
        raise Fail(400, "Nothing to export yet: the draft has no tracks.", 400, render=True)
    output = body.get("output") if isinstance(body.get("output"), dict) else {}
    sources, missing_src = await asyncio.to_thread(resolve_sources, eng.store, user_id, draft)
    if missing_src:
        raise Fail(400, f"Media not found in your uploads: {', '.join(missing_src[:5])}", 400, render=True)
    draft = dict(draft)
    m = dict(draft.get("m") or {})
    if not (m.get("width") and m.get("height")):  # a draft from elsewhere: size it from its media
        rows = [await eng.db(eng.store.upload, uid, user_id) for uid in sources]
        normalized = drafts.normalize(draft, eng.infos([r for r in rows if r]))
        m["width"], m["height"] = normalized["m"]["width"], normalized["m"]["height"]
    size = [output.get("width"), output.get("height")]
    if all(isinstance(v, (int, float)) and 16 <= v <= 8192 for v in size):
        m["width"], m["height"] = (int(v) // 2 * 2 for v in size)
        m["resolution"] = f"{min(m['width'], m['height'])}p"  # an explicit size, not "highest"
    draft["m"] = m
    created = await eng.db(eng.store.create_render, render_id, user_id, session_id, draft, output)
    if not created:
        raise Fail(409, f"A render with the id {render_id} already exists: use a new id.", 409, render=True)
    eng.renders.submit(render_id)
    return JSONResponse({"success": True, "data": {"id": render_id, "status": "pending", "progress": 5}})


async def _own_render(request: Request, eng: Engine, user_id: str) -> dict[str, Any]:
    row = await eng.db(eng.store.render, request.path_params["rid"])
    if row is None or row["user_id"] != user_id:
        raise Fail(404, "Render not found.", 404, render=True)
    return row


async def render_status(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request, status=401, render=True)
    row = await _own_render(request, eng, user_id)
    data = _render_json(row, _base(request), eng.renders.progress(row["render_id"]))
    return JSONResponse({"success": True, "data": data, "status": data["status"]})


async def render_cancel(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request, status=401, render=True)
    row = await _own_render(request, eng, user_id)
    status = await asyncio.to_thread(eng.renders.cancel, row["render_id"])
    row = await eng.db(eng.store.render, row["render_id"])
    return JSONResponse({"success": True, "data": _render_json(row, _base(request), None), "status": status})


async def render_download(request: Request) -> Response:
    eng = _engine(request)
    user_id = await eng.user(request, status=401, render=True)
    row = await _own_render(request, eng, user_id)
    if row["status"] != "completed" or not row["path"] or not Path(row["path"]).exists():
        raise Fail(404, f"The render is not ready (status: {row['status']}).", 404, render=True)
    return FileResponse(row["path"], media_type="video/mp4", filename=f"{row['render_id']}.mp4")


# --- the app ---------------------------------------------------------------------------------

async def _fail_handler(request: Request, exc: Exception) -> Response:
    return exc.response()  # type: ignore[attr-defined]


async def _http_handler(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    message = "Not found." if status == 404 else getattr(exc, "detail", "") or "Error."
    return JSONResponse({"code": status, "message": message, "detail": message}, status_code=status)


async def _crash_handler(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"code": 500, "message": "The local engine hit an internal error; see its log."},
                        status_code=500)


def create_app(data_dir: Path, *, heartbeat_interval: float = 5.0, media: Any = None, silent_ratio: float = 0.0,
               edit_cost: int = 10, token_ttl: float = TOKEN_TTL, new_client_limit: int = 20,
               new_client_window: float = 600.0, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               render_workers: int | None = None, chunk_delay: float = 0.0, tool_delay: float = 0.0) -> Starlette:
    """The engine as an ASGI app.

    ``media``: an object with probe / ingest_url / render_draft (default: tui.engine.media).
    ``silent_ratio``: share of edit runs that end with tool events only (deterministic, per
    session: 0 never, 1 always; the cloud's ~0.3 only when a test asks). ``new_client_limit`` new client ids per address per
    ``new_client_window`` seconds, then 429. ``chunk_delay`` / ``tool_delay``: pacing of the
    streamed reply and of each edit tool (heartbeats go out while a tool works); 0 by default:
    a local user gains nothing from imitated cloud delays.
    ``render_workers``: renders at once (default 1 on up to 3 cores, else 2; the rest wait as pending).
    """
    if render_workers is None:  # ffmpeg uses every core: one render at a time on small machines
        render_workers = 2 if (os.cpu_count() or 1) >= 4 else 1
    engine = Engine(Path(data_dir), heartbeat_interval=heartbeat_interval, media=media, silent_ratio=silent_ratio,
                    edit_cost=edit_cost, token_ttl=token_ttl, new_client_limit=new_client_limit,
                    new_client_window=new_client_window, max_upload_bytes=max_upload_bytes,
                    render_workers=render_workers, chunk_delay=chunk_delay, tool_delay=tool_delay)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(engine.store.release_stale_freezes)
        engine.renders.start()
        try:
            yield
        finally:
            for cancel in list(engine.active_ingests):
                cancel.set()
            await asyncio.to_thread(engine.renders.stop)
            engine.media_pool.shutdown(wait=False, cancel_futures=True)
            engine.store.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/auth/anonymous-token", anonymous_token, methods=["POST"]),
        Route("/api/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
        Route("/api/credits/balance/simple", credits, methods=["GET"]),
        Route("/api/upload-video/nemo_agent/me/{sid}", upload, methods=["POST"]),
        Route("/api/state/nemo_agent/me/{sid}/latest", state, methods=["GET"]),
        Route("/api/history/nemo_agent/me/{sid}", history, methods=["GET"]),
        Route("/api/media/{uid}", media_file, methods=["GET"]),
        Route("/run_sse", run_sse, methods=["POST"]),
        Route("/api/render/proxy/lambda", render_submit, methods=["POST"]),
        Route("/api/render/proxy/lambda/{rid}", render_status, methods=["GET"]),
        Route("/api/render/proxy/lambda/{rid}/cancel", render_cancel, methods=["POST"]),
        Route("/api/render/proxy/{rid}/download", render_download, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={Fail: _fail_handler, HTTPException: _http_handler,
                                        Exception: _crash_handler})
    app.state.engine = engine
    return app


def serve(host: str = "127.0.0.1", port: int = 8765, data_dir: Path | None = None, **options: Any) -> None:
    """Run the engine (blocking) until interrupted."""
    import uvicorn

    if data_dir is None:
        from tui.config import load_settings

        data_dir = load_settings().data_dir / "engine"
    if not _is_loopback(host):
        print(f"nemo-tui serve: WARNING: listening on {host}, beyond this machine. Anyone who can reach it "
              "can get a token and use this engine; prefer 127.0.0.1 with an SSH tunnel.", file=sys.stderr)
    app = create_app(Path(data_dir), **options)
    print(f"nemo-tui engine on http://{host}:{port} (data in {data_dir})", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tui.engine.server", description="Run the embedded engine.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.data_dir)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
