"""Health, anonymous tokens and the credit balance (nemovideo-api.md, endpoints 1 and 6)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.contract import Paths
from tui.engine.deps import Caller, authed, client_ip, engine_of
from tui.engine.envelope import Fail, ok


async def healthz(request: Request) -> Response:
    """``{"ok": true}`` (no token)."""
    return JSONResponse({"ok": True})


async def anonymous_token(request: Request) -> Response:
    """``X-Client-Id`` -> ``{token, user_id, expires_at, credits}``: the same token for its 7 days.
    HTTP 400 without a client id; HTTP 429 (Retry-After: 30) past the new-client rate limit."""
    eng = engine_of(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise Fail(400, "Missing X-Client-Id header: generate a client id, keep it, and send it.", 400)
    if len(client_id) > 200:
        raise Fail(400, "X-Client-Id is too long.", 400)
    ip = client_ip(request, eng.options.trusted_proxies)
    if not await eng.db(eng.store.client_exists, client_id) and not eng.allow_new_client(ip):
        raise Fail(429, "Too many new clients from this address: wait a little and try again.", 429,
                   headers={"Retry-After": "30"})  # fmt: skip
    tok = await eng.db(eng.store.anonymous_token, client_id, ip)
    bal = await eng.db(eng.store.balance, tok["user_id"])
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(tok["expires_at"]))
    return ok({"token": tok["token"], "user_id": tok["user_id"], "expires_at": expires, "credits": bal["available"]})


@authed()
async def credits(request: Request, caller: Caller) -> Response:
    """``{available, frozen, total}`` of the caller's credits."""
    eng = caller.engine
    return ok(await eng.db(eng.store.balance, caller.user_id))


routes = [
    Route(Paths.HEALTH, healthz, methods=["GET"]),
    Route(Paths.ANONYMOUS_TOKEN, anonymous_token, methods=["POST"]),
    Route(Paths.CREDITS, credits, methods=["GET"]),
]
