"""``POST /run_sse``: one agent run, streamed as ADK events (nemovideo-api.md, endpoint 3).

Errors before the stream starts: HTTP 401 code 1001 (token), ADK's HTTP 404 ``{"detail"}`` with
code 1002 (session), HTTP 400 (body, empty or too long message), HTTP 413 (body too large),
code 2001 (credits).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.contract import Paths
from tui.engine.deps import Caller, authed, read_json
from tui.engine.envelope import Fail
from tui.engine.runs import AgentRun
from tui.engine.sse import EventStream


@authed(status=401)
async def run_sse(request: Request, caller: Caller) -> Response:
    """Body ``{app_name, user_id, session_id, new_message: {role, parts: [{text}]}}`` -> an SSE stream."""
    eng, user_id = caller.engine, caller.user_id
    body = await read_json(
        request, limit=eng.options.max_json_bytes, what="{app_name, user_id, session_id, new_message}"
    )
    if not isinstance(body, dict):
        raise Fail(400, "The body must be a JSON object.", 400)
    session_id = str(body.get("session_id") or body.get("sessionId") or "")
    row = await eng.db(eng.store.session, session_id, user_id)
    if row is None:
        return JSONResponse({"detail": f"Session not found: {session_id}", "code": 1002,
                             "message": f"Session not found: {session_id}"}, status_code=404)  # fmt: skip
    message = body.get("new_message") or body.get("newMessage") or {}
    parts = message.get("parts") if isinstance(message, dict) else None
    text = " ".join(str(p.get("text", "")) for p in (parts or []) if isinstance(p, dict)).strip()
    if not text:
        raise Fail(400, "new_message.parts[].text is empty.", 400)
    limit = eng.options.max_message_chars
    if len(text) > limit:
        raise Fail(400, f"The message is too long ({len(text)} characters): at most {limit}. "
                        "Shorten it or send it in parts.", 400)  # fmt: skip
    run = await eng.db(AgentRun, eng, user_id, session_id, text)  # parsing the message: off the loop
    allowed, cost = await run.prepare()
    if not allowed:
        bal = await eng.db(eng.store.balance, user_id)
        raise Fail(
            2001,
            f"Local allowance: this edit needs {cost} credits, {bal['available']} are left today. They renew tomorrow.",
        )  # the client reads "Local allowance:" (no sign-up offline)
    return EventStream(run.produce, eng.heartbeat_interval)


routes = [Route(Paths.RUN_SSE, run_sse, methods=["POST"])]
