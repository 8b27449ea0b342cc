"""Sessions: create one, read its state (the draft) and its history (nemovideo-api.md, 2 and 5)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.contract import Paths, paths
from tui.engine.deps import Caller, authed, read_json
from tui.engine.envelope import Fail, ok


def base_url(request: Request) -> str:
    """The engine's own base URL as the caller reached it (for cdn_url and outputUrl)."""
    return str(request.base_url).rstrip("/")


def file_json(u: dict[str, Any], base: str) -> dict[str, Any]:
    """An upload row as the API's file object (``cdn_url`` is this engine's media route)."""
    return {"filename": u["filename"], "file_type": u["file_type"], "cdn_url": base + paths.media(u["upload_id"]),
            "duration": u["duration"], "width": u["width"], "height": u["height"], "fps": u["fps"],
            "hash": u.get("hash"), "upload_id": u["upload_id"], "size": u.get("size"),
            **({"notes": list(u["notes"])} if u.get("notes") else {})}  # fmt: skip


@authed()
async def create_session(request: Request, caller: Caller) -> Response:
    """Body ``{task_name, language}`` (both optional) -> ``{task_id, session_id, user_id}``."""
    eng = caller.engine
    try:
        body = await read_json(request, limit=eng.options.max_json_bytes, what="{task_name, language}")
    except Fail as exc:
        if exc.status == 413:
            raise
        body = {}
    body = body if isinstance(body, dict) else {}
    name = str(body.get("task_name") or "project")[:200]
    language = str(body.get("language") or "en")[:16]
    return ok(await eng.db(eng.store.create_session, caller.user_id, name, language))


@authed()
async def state(request: Request, caller: Caller) -> Response:
    """``{state: {draft, video_infos, canvas_config, ...}, version}``; ``?version=N`` an older draft."""
    eng = caller.engine
    session_id = request.path_params["sid"]
    await eng.owned_session(caller.user_id, session_id)
    draft, version = await eng.db(eng.store.latest_draft, session_id)
    asked = request.query_params.get("version", "")
    if asked.isdigit() and int(asked) != version:  # an older version, to diff against
        old = await eng.db(eng.store.draft_version, session_id, int(asked))
        if old is None:
            raise Fail(404, f"There is no version {asked} of this draft (latest: {version}).", 404)
        draft, version = old, int(asked)
    uploads = await eng.db(eng.store.uploads, session_id)
    base = base_url(request)
    m = draft.get("m") or {}
    video_infos = [{**file_json(u, base), "vcodec": u["vcodec"], "acodec": u["acodec"],
                    "has_audio": bool(u["has_audio"]), "source_url": u["source_url"]} for u in uploads]  # fmt: skip
    data_state = {
        "draft": draft,
        "video_infos": video_infos,
        "canvas_config": {
            "width": m.get("width"),
            "height": m.get("height"),
            "fps": m.get("fps"),
            "aspect": m.get("aspect"),
        },  # fmt: skip
        "video_analyses": [],
        "generated_media": [],
        "ingests": list(eng.ingests.get(session_id, {}).values()),
    }
    return ok({"state": data_state, "version": version, "user_id": caller.user_id, "session_id": session_id})


@authed()
async def history(request: Request, caller: Caller) -> Response:
    """``{messages, drafts}``: the chat and the draft versions of the session."""
    eng = caller.engine
    session_id = request.path_params["sid"]
    await eng.owned_session(caller.user_id, session_id)
    return ok({"messages": await eng.db(eng.store.messages, session_id),
               "drafts": await eng.db(eng.store.draft_history, session_id)})  # fmt: skip


routes = [
    Route(Paths.SESSION, create_session, methods=["POST"]),
    Route(Paths.STATE, state, methods=["GET"]),
    Route(Paths.HISTORY, history, methods=["GET"]),
]
