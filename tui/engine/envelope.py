"""The engine's answer shapes, one place (nemovideo-api.md, "Response envelope").

- success: ``{"code": 0, "message": "success", "data": ...}`` (:func:`ok`);
  on the render routes ``{"success": true, "data": ...}`` (:func:`render_ok`);
- an error (:class:`Fail`): ``{"code", "message", "msg", "data": null}``, on the render routes
  ``{"success": false, "error", "code", "message", "msg"}``; the HTTP status is 200 unless given;
- Starlette's own HTTP errors (404, 405): ``{"code": <status>, "message", "detail"}``;
- anything unexpected: HTTP 500 ``{"code": 500, "message"}`` (the details go to the log only).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("tui.engine")


class Fail(Exception):
    """An API error answered as JSON. ``code``: the API's code (1001, 1002, 2001, 4001, 4002,
    or an HTTP status); ``status``: the HTTP status (default 200, as the cloud does);
    ``render``: the render routes' shape."""

    def __init__(
        self,
        code: int,
        message: str,
        status: int = 200,
        *,
        render: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.render = render
        self.headers = headers

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "msg": self.message}
        if self.render:
            body = {"success": False, "error": self.message, **body}
        else:
            body["data"] = None
        return JSONResponse(body, status_code=self.status, headers=self.headers)


_ABS_PATH = re.compile(r"(?<![\w:/.])/(?:[^\s'\"/:]+/)+([^\s'\"/:]*)")


def scrub_paths(message: str) -> str:
    """``message`` without server paths: every absolute path becomes its last part
    (``/home/u/.local/share/nemo-tui/engine/media/a/b/upl_1.mp4`` -> ``upl_1.mp4``); URLs stay."""
    return _ABS_PATH.sub(lambda m: m.group(1) or "(folder)", message)


def ok(data: Any) -> JSONResponse:
    """The success envelope ``{"code": 0, "message": "success", "data": data}``."""
    return JSONResponse({"code": 0, "message": "success", "data": data})


def render_ok(data: dict[str, Any], **extra: Any) -> JSONResponse:
    """The render routes' success shape ``{"success": true, "data": data, **extra}``."""
    return JSONResponse({"success": True, "data": data, **extra})


async def _fail_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Fail)
    return exc.response()


async def _http_handler(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    message = "Not found." if status == 404 else getattr(exc, "detail", "") or "Error."
    return JSONResponse({"code": status, "message": message, "detail": message}, status_code=status)


async def _crash_handler(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"code": 500, "message": "The local engine hit an internal error; see its log."}, status_code=500
    )


EXCEPTION_HANDLERS = {Fail: _fail_handler, HTTPException: _http_handler, Exception: _crash_handler}
"""For ``Starlette(exception_handlers=...)``."""
