"""What the routes depend on, resolved in one place (the FastAPI template's ``deps.py``).

- :func:`authed` turns ``handler(request, caller)`` into a Starlette endpoint: the bearer token
  is resolved to a user once, here (a missing, malformed, unknown or expired token answers
  code 1001);
- :func:`read_json` reads a JSON object body within the engine's size cap (HTTP 413);
- :func:`client_ip` is the caller's address; ``X-Forwarded-For`` counts only from a trusted proxy.
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tui.engine.envelope import Fail
from tui.engine.service import Engine


def engine_of(request: Request) -> Engine:
    """The engine serving this request."""
    engine: Engine = request.app.state.engine
    return engine


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a route: the engine and the user the token belongs to."""

    engine: Engine
    user_id: str


Handler = Callable[[Request, Caller], Awaitable[Response]]


async def current_user(request: Request, engine: Engine, *, status: int = 200, render: bool = False) -> str:
    """The user id of the request's ``Authorization: Bearer <token>``; Fail(1001) otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user_id = None
    if scheme.lower() == "bearer" and token.strip():
        user_id = await engine.db(engine.store.user_for_token, token.strip())
    if user_id is None:
        raise Fail(1001, "Token invalid or expired: get a new anonymous token.", status, render=render)
    return user_id


def authed(*, status: int = 200, render: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Decorate ``async def handler(request, caller)``: the endpoint resolves the caller first.
    ``status``/``render``: the HTTP status and shape of the 1001 answer (ADK and the render
    routes answer 401)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            engine = engine_of(request)
            user_id = await current_user(request, engine, status=status, render=render)
            return await handler(request, Caller(engine, user_id))

        return endpoint

    return wrap


async def read_json(request: Request, *, limit: int, what: str, code: int = 400, render: bool = False) -> Any:
    """The request's JSON body, read in pieces up to ``limit`` bytes.

    Raises Fail(413, HTTP 413) past the limit (the rest is not read), Fail(``code``, HTTP 400)
    when it is not JSON; ``what`` names the expected shape in that message.
    """
    length = request.headers.get("content-length", "")
    too_big = Fail(413, f"The request body is larger than {limit} bytes.", 413, render=render)
    if length.isdigit() and int(length) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    try:
        return json.loads(bytes(body))
    except ValueError:
        raise Fail(code, f"The body must be JSON: {what}.", 400, render=render) from None


def client_ip(request: Request, trusted: tuple[str, ...]) -> str:
    """The caller's address. ``X-Forwarded-For`` is believed only when the peer is one of
    ``trusted`` (then its last entry, the one the proxy added); otherwise it is ignored."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return peer


async def read_link(request: Request, caller: Caller, *, shape: str, verb: str) -> tuple[dict[str, Any], str]:
    """The JSON body of a request about a link on the caller's session ``{sid}``, and the link
    itself: credentials stripped (never sent, stored or echoed), and a public address when the
    engine serves other people (``Engine.check_link``). Raises Fail(1002) for a session that is
    not the caller's, Fail(4001, HTTP 400) without an http(s) ``url`` (``shape`` and ``verb``
    word the message: "Send {shape}: a web link to {verb}.")."""
    from tui.engine.egress import strip_credentials

    eng = caller.engine
    await eng.owned_session(caller.user_id, request.path_params["sid"])
    body = await read_json(request, limit=eng.options.max_json_bytes, what=shape, code=4001)
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        raise Fail(4001, f"Send {shape}: a web link to {verb}.", 400)
    url = strip_credentials(url.strip())
    await eng.check_link(url)
    return body, url
