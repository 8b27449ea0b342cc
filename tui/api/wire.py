"""Reading the service's answers: the envelope, and the typed error an answer carries.

Most endpoints answer ``{"code": 0, "data": {...}}`` (``code != 0`` is an error even with
HTTP 200); render endpoints ``{"success": true, "data": {...}}``; a proxy may answer with an
HTML or empty body. Codes and what they mean: nemovideo-api.md, "Response envelope".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpx

from tui.contract import paths

from .errors import (
    LOCAL_ALLOWANCE_MARK,
    LOCAL_ALLOWANCE_STEP,
    ApiError,
    BadResponse,
    ExportBlocked,
    FileTooLarge,
    MissingClientId,
    NetworkError,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    SessionNotFound,
    TokenExpired,
    UnsupportedFileType,
    redact,
)
from .upload import accepted_formats

TOKEN_PATH = paths.ANONYMOUS_TOKEN
ERROR_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Caller:
    """What the error advice depends on: a token from NEMO_TOKEN, and the registration link
    an anonymous user is offered when out of credits (None for a registered user)."""

    from_env: bool = False
    bind_url: str | None = None


def check(status: int, content: bytes, caller: Caller, *, render: bool = False, path: str = "") -> Any:
    """The decoded JSON body of an answer (the whole envelope), or the typed :class:`ApiError` it carries."""
    body: Any = None
    if content and content.strip():
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):
            body = None
    if isinstance(body, dict):
        err = _error_from_body(body, status, caller, render=render, path=path)
        if err is not None:
            raise err
    if status >= 400 or body is None:
        raise _error_from_status(status, body, content, caller, path)
    return body


def _error_from_body(body: dict[str, Any], status: int, caller: Caller, *, render: bool, path: str) -> ApiError | None:
    code = int_or_none(body.get("code"))
    msg = message(body)
    if code is not None and (code in (1001, 1002, 2001, 4001, 4002) or (code != 0 and status < 400)):
        return _error_for_code(code, msg, status, caller)
    if status in (401, 402, 404, 429) or status >= 500 or (status == 400 and code is None):
        return None  # decided by the HTTP status
    if body.get("success") is False:
        text = msg or "the server said the request failed"
        if render or "render" in path:
            return RenderFailed(f"The export request failed: {text}.", "Try exporting again.", status=status)
        return ApiError(f"The request failed: {text}.", "Try again.", status=status)
    return None


def _error_for_code(code: int, msg: str, status: int, caller: Caller) -> ApiError:
    said = f" (server: {msg})" if msg else ""
    if code == 1001:
        return TokenExpired(code=1001, status=status)
    if code == 1002:
        return SessionNotFound(code=1002, status=status)
    if code == 2001 and msg.startswith(LOCAL_ALLOWANCE_MARK):  # the local engine's daily allowance
        return OutOfCredits(
            "This machine's credits for today are used up.", LOCAL_ALLOWANCE_STEP, code=2001, status=status
        )
    if code == 2001:
        return OutOfCredits(
            "You are out of NemoVideo credits.",
            None if caller.bind_url else "Top up your credits on nemovideo.com, then try again.",
            code=2001,
            status=status,
            bind_url=caller.bind_url,
        )
    if code == 4001:
        return UnsupportedFileType(
            f"The server does not accept this file type{said}.",
            f"Accepted formats: {accepted_formats()}.",
            code=4001,
            status=status,
            server_message=msg,
        )
    if code == 4002:
        return FileTooLarge(
            f"The file is larger than the 500 MB upload limit{said}.",
            "Compress it or trim it to a shorter clip, then upload again.",
            code=4002,
            status=status,
        )
    if status == 429:
        return RateLimited(code=code, status=status)
    if status == 400 and mentions_client_id(msg):
        return MissingClientId(code=code, status=status)
    return ApiError(
        f"The NemoVideo service returned error {code}{said}.",
        "Try again; if it keeps happening, start a new session.",
        code=code,
        status=status,
        server_message=msg,
    )


def _error_from_status(status: int, body: Any, content: bytes, caller: Caller, path: str) -> ApiError:
    msg = message(body) if isinstance(body, dict) else ""
    if status == 400 and (path == TOKEN_PATH or mentions_client_id(msg) or mentions_client_id(text(content))):
        return MissingClientId(status=400)
    if status == 401:
        return (
            TokenExpired(status=401)
            if not caller.from_env
            else TokenExpired(
                "The token in NEMO_TOKEN was refused.", "Set a new NEMO_TOKEN, then start again.", status=401
            )
        )
    if status == 402:
        return ExportBlocked(status=402)
    if status == 404 and isinstance(body, dict) and "session not found" in text(body.get("detail")).lower():
        return SessionNotFound(status=404)
    if status == 429:
        return RateLimited(status=429)
    if status >= 500 or body is None:
        what = (
            "an empty answer"
            if not content.strip()
            else ("a web page instead of data" if content.lstrip()[:1] == b"<" else "an answer that is not valid data")
        )
        return BadResponse(
            f"The NemoVideo service (or a proxy in front of it) sent {what} (HTTP {status}).",
            "The service may be down or restarting; wait a moment, then try again.",
            status=status,
        )
    said = f": {msg}" if msg else ""
    if status == 404:
        return ApiError(
            f"The server does not know this address (HTTP 404){said}.",
            "Check the API address (NEMO_API_URL).",
            status=404,
            server_message=msg,
        )
    return ApiError(
        f"The NemoVideo service refused the request (HTTP {status}){said}.",
        "Try again.",
        status=status,
        server_message=msg,
    )


def network_error(exc: httpx.TransportError, api_url: str) -> NetworkError:
    """A transport failure in plain words (the host named, never the token)."""
    host = urlsplit(api_url).hostname or api_url
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(
            f"The NemoVideo service did not answer in time ({type(exc).__name__}).",
            "Check your connection, then try again.",
        )
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(
            f"Cannot connect to {host} (connection refused or the name does not resolve).",
            "Check your internet connection and the API address (NEMO_API_URL), then try again.",
        )
    return NetworkError(
        f"The connection to {host} failed ({type(exc).__name__}).",
        "Check your internet connection, then try again.",
    )


# --- small readers ---------------------------------------------------------------------------


def data(body: Any) -> Any:
    """``body["data"]`` of an envelope, else None."""
    return body.get("data") if isinstance(body, dict) else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value[:ERROR_BODY_LIMIT].decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def message(body: dict[str, Any]) -> str:
    """The server's own words in an error body (``message``/``msg``/``detail``/...), redacted."""
    for key in ("message", "msg", "detail", "error", "errorMessage"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return redact(value.strip()[:300])
        if isinstance(value, dict) and isinstance(value.get("message"), str):
            return redact(value["message"][:300])
    return ""


def mentions_client_id(words: str) -> bool:
    t = words.lower().replace("-", "").replace("_", "").replace(" ", "")
    return "clientid" in t


async def read_limited(resp: httpx.Response) -> bytes:
    """At most :data:`ERROR_BODY_LIMIT` bytes of a streamed body (an error page, not a stream)."""
    buf = bytearray()
    async for chunk in resp.aiter_bytes():
        buf += chunk
        if len(buf) > ERROR_BODY_LIMIT:
            break
    return bytes(buf)


def same_origin(url: str, api: SplitResult) -> bool:
    """``url`` is on the API's own scheme, host and port (default ports filled in), so it may
    get the token and the attribution headers; a CDN link may not."""
    ports = {"http": 80, "https": 443}
    u = urlsplit(url)
    return (u.scheme, u.hostname, u.port or ports.get(u.scheme)) == (
        api.scheme,
        api.hostname,
        api.port or ports.get(api.scheme),
    )
