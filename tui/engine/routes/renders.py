"""Renders (export): submit, status, cancel, download (nemovideo-api.md, endpoint 7).

The render routes answer ``{"success": ...}`` shapes (envelope.Fail(render=True)). Limits: a
render id of ``[A-Za-z0-9_-]``, the X-Skill-* headers (HTTP 402), ``max_renders_per_user``
pending or processing at once (HTTP 429), ``max_json_bytes`` for the body (413).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from tui.contract import MAX_SIDE, SKILL_HEADERS, Paths, even, paths
from tui.engine import draft as drafts
from tui.engine.deps import Caller, authed, read_json
from tui.engine.envelope import Fail, render_ok
from tui.engine.renders import resolve_sources
from tui.engine.routes.sessions import base_url

RENDER_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,127}")


def render_json(row: dict[str, Any], base: str, live: float | None) -> dict[str, Any]:
    """A render row as the API's render object: id, status, progress (0-100), outputUrl when done."""
    progress = live if (live is not None and row["status"] == "processing") else row["progress"]
    data: dict[str, Any] = {"id": row["render_id"], "status": row["status"], "progress": int(round(progress or 0)),
                            "sessionId": row["session_id"]}  # fmt: skip
    if row["status"] == "completed":
        url = base + paths.render_download(row["render_id"])
        data["outputUrl"] = url
        data["output"] = {"url": url}
    if row["error"]:
        data["error"] = row["error"]
    report = json.loads(row["report"]) if row.get("report") else None  # local-only: the output's facts
    if isinstance(report, dict):
        if report.get("summary"):
            data["summary"] = report["summary"]
        if report.get("notes"):
            data["notes"] = report["notes"]
    return data


@authed(status=401, render=True)
async def _submit(request: Request, caller: Caller) -> Response:
    eng, user_id = caller.engine, caller.user_id
    body = await read_json(request, limit=eng.options.max_json_bytes, what="{id, sessionId, draft, output}",
                           render=True)  # fmt: skip
    if not isinstance(body, dict):
        raise Fail(400, "The body must be a JSON object.", 400, render=True)
    render_id = str(body.get("id") or "").strip()
    if not RENDER_ID_RE.fullmatch(render_id):
        raise Fail(400, "The render needs an id of letters, digits, '_' or '-' (render_<unique>).", 400, render=True)
    session_id = body.get("sessionId") or body.get("session_id")
    if session_id is not None:
        session_id = str(session_id)
        if await eng.db(eng.store.session, session_id, user_id) is None:
            raise Fail(1002, f"Session not found: {session_id}", 404, render=True)
    draft = body.get("draft")
    if not isinstance(draft, dict) and session_id:
        draft, _ = await eng.db(eng.store.latest_draft, session_id)
    if not isinstance(draft, dict) or not any(t.get("sg") for t in draft.get("t") or [] if isinstance(t, dict)):
        raise Fail(400, "Nothing to export yet: the draft has no tracks.", 400, render=True)
    raw_output = body.get("output")
    output: dict[str, Any] = raw_output if isinstance(raw_output, dict) else {}
    sources, missing_src = await asyncio.to_thread(resolve_sources, eng.store, user_id, draft)
    if missing_src:
        raise Fail(400, f"Media not found in your uploads: {', '.join(missing_src[:5])}", 400, render=True)
    draft = dict(draft)
    m = dict(draft.get("m") or {})
    if not (m.get("width") and m.get("height")):  # a draft from elsewhere: size it from its media
        rows = [await eng.db(eng.store.upload, uid, user_id) for uid in sources]
        normalized = await eng.db(drafts.normalize, draft, eng.infos([r for r in rows if r]))
        m["width"], m["height"] = normalized["m"]["width"], normalized["m"]["height"]
    size: list[Any] = [output.get("width"), output.get("height")]
    if all(isinstance(v, (int, float)) and 16 <= v <= MAX_SIDE for v in size):
        m["width"], m["height"] = (even(int(v) // 2 * 2) for v in size)
        m["resolution"] = f"{min(m['width'], m['height'])}p"  # an explicit size, not "highest"
    draft["m"] = m
    limit = eng.options.max_renders_per_user
    if await eng.db(eng.store.active_renders, user_id) >= limit:
        raise Fail(429, f"You already have {limit} exports waiting or running: wait for one to finish.", 429,
                   render=True, headers={"Retry-After": "30"})  # fmt: skip
    created = await eng.db(eng.store.create_render, render_id, user_id, session_id, draft, output)
    if not created:
        raise Fail(409, f"A render with the id {render_id} already exists: use a new id.", 409, render=True)
    eng.renders.submit(render_id, user_id)
    return render_ok({"id": render_id, "status": "pending", "progress": 5})


async def render_submit(request: Request) -> Response:
    """Body ``{id, sessionId, draft, output}`` -> ``{success, data: {id, status: "pending", progress}}``.
    The X-Skill-* headers are checked before the token (HTTP 402 without them)."""
    missing = [h for h in SKILL_HEADERS if not request.headers.get(h, "").strip()]
    if missing:
        raise Fail(402, "Export is blocked: the request lacks the " + ", ".join(missing) + " header(s).", 402,
                   render=True)  # fmt: skip
    return await _submit(request)


async def _own_render(request: Request, caller: Caller) -> dict[str, Any]:
    row = await caller.engine.db(caller.engine.store.render, request.path_params["rid"])
    if row is None or row["user_id"] != caller.user_id:
        raise Fail(404, "Render not found.", 404, render=True)
    return row


@authed(status=401, render=True)
async def render_status(request: Request, caller: Caller) -> Response:
    """``{success, data: {id, status, progress, outputUrl?}, status}``."""
    row = await _own_render(request, caller)
    data = render_json(row, base_url(request), caller.engine.renders.progress(row["render_id"]))
    return render_ok(data, status=data["status"])


@authed(status=401, render=True)
async def render_cancel(request: Request, caller: Caller) -> Response:
    """Cancel a pending or running render -> its render object and status."""
    eng = caller.engine
    row = await _own_render(request, caller)
    status = await asyncio.to_thread(eng.renders.cancel, row["render_id"])
    after = await eng.db(eng.store.render, row["render_id"])
    return render_ok(render_json(after or row, base_url(request), None), status=status)


@authed(status=401, render=True)
async def render_download(request: Request, caller: Caller) -> Response:
    """The finished MP4 (HTTP Range works); 404 until the render is completed."""
    row = await _own_render(request, caller)
    if row["status"] != "completed" or not row["path"] or not Path(row["path"]).exists():
        raise Fail(404, f"The render is not ready (status: {row['status']}).", 404, render=True)
    return FileResponse(row["path"], media_type="video/mp4", filename=f"{row['render_id']}.mp4")


routes = [
    Route(Paths.RENDER, render_submit, methods=["POST"]),
    Route(Paths.RENDER_STATUS, render_status, methods=["GET"]),
    Route(Paths.RENDER_CANCEL, render_cancel, methods=["POST"]),
    Route(Paths.RENDER_DOWNLOAD, render_download, methods=["GET"]),
]
