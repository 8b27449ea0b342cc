"""The async NemoVideo client: auth, sessions, uploads, state, credits, export.

One ``httpx.AsyncClient`` per :class:`NemoClient` (``transport=`` is injectable for tests).
Recovery built in: code 1001 -> new anonymous token (same client id) and one retry;
HTTP 400 "missing client id" -> new persisted client id and one retry; 429 -> wait
``retry_wait`` seconds and one retry; a request lost on a stale pooled connection -> sent
once more (:mod:`connection`). Everything else becomes a typed :mod:`errors` error
(:mod:`wire` reads the answers). The chat stream is :mod:`stream`, downloads :mod:`download`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

import tui
from tui.config import Settings
from tui.contract import (
    ACCEPTED_EXTENSIONS,
    APP_NAME,
    HEADER_SKILL_PLATFORM,
    HEADER_SKILL_SOURCE,
    HEADER_SKILL_VERSION,
    SKILL_SOURCE,
)
from tui.contract import paths as endpoints

from . import auth, connection, renders, stream, wire
from .download import DownloadProgress
from .errors import (
    ApiError,
    BadResponse,
    LinkFailed,
    MissingClientId,
    NetworkError,
    RateLimited,
    TokenExpired,
    UnsupportedFileType,
    register_secret,
)
from .events import SseEvent
from .models import Credits, Draft, RenderJob, SessionInfo, SessionState, TokenInfo, UploadResult
from .upload import MultipartFiles, UploadProgress, check_file, content_refused, link_failed

log = logging.getLogger("tui.api")

TOKEN_PATH = wire.TOKEN_PATH
TIMEOUT = connection.TIMEOUT

Sleep = Callable[[float], Awaitable[Any]]


class NemoClient:
    """``async with NemoClient(settings) as c: await c.connect(); ...``"""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_wait: float = 30.0,
        version: str = tui.__version__,
        sleep: Sleep | None = None,
    ) -> None:
        self.settings = settings
        self.retry_wait = retry_wait
        self.version = version
        self._sleep: Sleep = sleep or asyncio.sleep
        self._api = urlsplit(settings.api_url)
        self._http = httpx.AsyncClient(
            base_url=settings.api_url,
            transport=transport,
            timeout=connection.TIMEOUT,
            limits=connection.LIMITS,
            headers={
                HEADER_SKILL_SOURCE: SKILL_SOURCE,
                HEADER_SKILL_VERSION: version,
                HEADER_SKILL_PLATFORM: settings.platform or "unknown",
                "User-Agent": f"nemo-tui/{version}",
            },
            follow_redirects=False,
        )
        self._token: str | None = None
        self._token_info: TokenInfo | None = None
        self._from_env = bool(settings.token)
        self._client_id: str | None = None
        self._user_id: str | None = None
        self._token_lock = asyncio.Lock()
        # File types checked before an upload: the documented set; the app widens it to
        # tui.contract.LOCAL_EXTENSIONS against the embedded engine (a local-only extension).
        self.accepted_extensions: frozenset[str] = ACCEPTED_EXTENSIONS
        self.last_activity: float | None = None  # monotonic time bytes last arrived on /run_sse
        if settings.token:
            register_secret(settings.token)

    def __repr__(self) -> str:
        return f"NemoClient(api_url={self.settings.api_url!r}, user_id={self._user_id!r})"

    # --- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> NemoClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- identity ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str | None:
        return self._user_id

    @property
    def client_id(self) -> str:
        if self._client_id is None:
            self._client_id = auth.load_client_id(self.settings)
        return self._client_id

    def web_link(self, task_id: str, session_id: str) -> str:
        """The "open in browser" link, without a token (it is safe to show and copy)."""
        return (
            f"{self.settings.web_url}/workspace/claim?token=&task={quote(str(task_id), safe='')}"
            f"&session={quote(str(session_id), safe='')}"
        )

    def bind_url(self, user_id: str | None = None) -> str:
        uid = user_id or self._user_id or ""
        return f"{self.settings.web_url}/?bind={quote(str(uid), safe='')}"

    @staticmethod
    def new_render_id() -> str:
        """A fresh render id, ``render_<32 hex>`` (unique per submission, as the API asks)."""
        return f"render_{uuid.uuid4().hex}"

    def _caller(self) -> wire.Caller:
        anonymous = not self._from_env or (self._user_id or "").startswith("anon")
        return wire.Caller(from_env=self._from_env, bind_url=self.bind_url() if anonymous and self._user_id else None)

    # --- auth -------------------------------------------------------------------------------

    async def connect(self) -> TokenInfo | None:
        """Make sure a token is available: NEMO_TOKEN, else the cache, else a new anonymous one.

        Returns the token's info, or None when the token came from NEMO_TOKEN (nothing known).
        """
        await self._ensure_token()
        return None if self._from_env else self._token_info

    async def _ensure_token(self) -> str:
        if self._token:
            return self._token
        async with self._token_lock:
            if self._token:
                return self._token
            if self.settings.token:
                self._token = self.settings.token
                return self._token
            cached = auth.load_cached_token(self.settings)
            if cached is not None:
                self._set_token(cached)
                return cached.token
            info = await self._anonymous_token()
            return info.token

    def _set_token(self, info: TokenInfo) -> None:
        register_secret(info.token)
        self._token = info.token
        self._token_info = info
        if info.user_id:
            self._user_id = info.user_id

    async def _anonymous_token(self) -> TokenInfo:
        body = await self._request("POST", TOKEN_PATH, authed=False)
        info = TokenInfo.model_validate(wire.as_dict(wire.data(body)))
        if not info.token:
            raise BadResponse("The service did not return a sign-in token.", "Wait a moment, then try again.")
        self._set_token(info)
        auth.save_token(self.settings, info)
        log.info("Got a new anonymous token for user %s", info.user_id)
        return info

    async def _refresh_token(self, failed: str | None) -> None:
        """After a 1001: a new anonymous token with the same client id (not for NEMO_TOKEN)."""
        if self._from_env:
            raise TokenExpired(
                "The token in NEMO_TOKEN is invalid or has expired.",
                "Set a new NEMO_TOKEN (or unset it to use a free anonymous token), then start again.",
                code=1001,
            )
        async with self._token_lock:
            if self._token and self._token != failed:
                return  # someone else refreshed it already
            self._token = None
            auth.forget_token(self.settings)
            await self._anonymous_token()

    # --- requests ---------------------------------------------------------------------------

    def _headers(self, token: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if extra:
            headers.update(extra)
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: MultipartFiles | None = None,
        authed: bool = True,
        timeout: httpx.Timeout | None = None,
        render: bool = False,
        allow_empty: bool = False,
    ) -> Any:
        """Send a request with the recovery rules; return the decoded JSON body (whole envelope)."""
        refreshed = new_client = waited = False
        while True:
            token = await self._ensure_token() if authed else None
            extra: dict[str, str] = {"X-Client-Id": self.client_id}
            if body is not None:
                extra["Content-Type"] = body.content_type
                extra["Content-Length"] = str(len(body))
            headers = self._headers(token, extra)

            def build() -> httpx.Request:
                # Built afresh for a resend: a streamed upload body starts over.
                if body is not None:
                    return self._http.build_request(
                        method, path, headers=headers, content=body.stream(), timeout=timeout or TIMEOUT
                    )
                return self._http.build_request(
                    method, path, headers=headers, json=json_body, timeout=timeout or TIMEOUT
                )

            try:
                resp = await connection.send(self._http, build)
            except httpx.TransportError as exc:
                raise wire.network_error(exc, self.settings.api_url) from None
            log.debug("%s %s -> HTTP %s", method, path, resp.status_code)
            if allow_empty and 200 <= resp.status_code < 300 and not resp.content.strip():
                return {}
            try:
                return wire.check(resp.status_code, resp.content, self._caller(), render=render, path=path)
            except TokenExpired:
                if not authed or refreshed:
                    raise
                refreshed = True
                await self._refresh_token(token)
            except MissingClientId:
                if new_client:
                    raise
                new_client = True
                self._client_id = auth.new_client_id(self.settings)
                log.info("The server asked for a client id: created a new one")
            except RateLimited:
                if waited:
                    raise
                waited = True
                log.info("Rate limited: waiting %.0f s before one retry", self.retry_wait)
                await self._sleep(self.retry_wait)

    # --- endpoints --------------------------------------------------------------------------

    async def create_session(self, language: str | None = None) -> SessionInfo:
        body = await self._request(
            "POST",
            endpoints.SESSION,
            json_body={"task_name": "project", "language": language or self.settings.language or "en"},
        )
        info = SessionInfo.model_validate(wire.as_dict(wire.data(body)))
        if not info.session_id:
            raise BadResponse("The service did not return a session id.", "Wait a moment, then try again.")
        if info.user_id:
            self._user_id = info.user_id
        return info

    async def credits(self) -> Credits:
        body = await self._request("GET", endpoints.CREDITS)
        return Credits.parse(wire.data(body))

    async def state(self, session_id: str) -> SessionState:
        body = await self._request("GET", endpoints.state(session_id))
        data = wire.as_dict(wire.data(body))
        uid = data.get("user_id") or data.get("userId")
        if isinstance(uid, str) and uid:
            self._user_id = uid
        return SessionState.parse(data)

    async def upload_files(
        self, session_id: str, paths: Sequence[Path | str], progress: UploadProgress | None = None
    ) -> UploadResult:
        """Upload local files (checked first, streamed from disk); progress(path, sent, total).

        Raises NotMedia naming the file when the service refuses a file whose name the client
        accepted (its content is not media), also when it was one of several."""
        files = [Path(p).expanduser() for p in paths]
        if not files:
            raise ValueError("upload_files needs at least one path")
        sizes = [check_file(p, self.accepted_extensions) for p in files]
        body = MultipartFiles(files, sizes, progress)
        try:
            result = await self._request(
                "POST",
                endpoints.upload(session_id),
                body=body,
                timeout=connection.FILE_UPLOAD_TIMEOUT,
            )
        except UnsupportedFileType as exc:
            raise content_refused(exc, files) from None
        return UploadResult.parse(wire.data(result))

    async def upload_urls(self, session_id: str, urls: Sequence[str]) -> UploadResult:
        """Ask the service to fetch remote media (it downloads before answering: long timeout).

        Raises LinkFailed (with a plain ``reason``) when the service could not use a link."""
        clean = [u.strip() for u in urls if isinstance(u, str) and u.strip()]
        if not clean:
            raise ValueError("upload_urls needs at least one URL")
        for u in clean:
            if urlsplit(u).scheme not in ("http", "https"):
                raise LinkFailed(
                    f"{u!r} is not a web address.",
                    "Give a link that starts with http:// or https://.",
                    reason="it is not a web address",
                )
        try:
            result = await self._request(
                "POST",
                endpoints.upload(session_id),
                json_body={"urls": clean, "source_type": "url"},
                timeout=connection.URL_UPLOAD_TIMEOUT,
            )
        except ApiError as exc:
            raise link_failed(exc) from None
        return UploadResult.parse(wire.data(result))

    # --- chat -------------------------------------------------------------------------------

    def run(self, session_id: str, text: str) -> AsyncIterator[SseEvent]:
        """Send one message and yield the agent's events until the server closes the stream
        (:func:`tui.api.stream.run`). Raises StreamCut (after yielding what arrived) if the
        connection breaks first; never re-sends a message the server has accepted."""
        return stream.run(self, session_id, text)

    # --- export (tui.api.renders) -------------------------------------------------------------

    async def submit_render(
        self,
        session_id: str,
        draft: Draft | dict[str, Any],
        fmt: str = "mp4",
        quality: str = "high",
        width: int | None = None,
        height: int | None = None,
    ) -> RenderJob:
        """Start a render with a fresh id; on failure or a duplicate id, once more with a new id."""
        return await renders.submit_render(self, session_id, draft, fmt, quality, width, height)

    async def render_status(self, render_id: str) -> RenderJob:
        return await renders.render_status(self, render_id)

    async def cancel_render(self, render_id: str) -> RenderJob:
        return await renders.cancel_render(self, render_id)

    async def download_render(
        self, job: RenderJob, folder: Path, filename: str | None = None, progress: DownloadProgress | None = None
    ) -> Path:
        """Download a completed render into ``folder``; the path it was saved under (maybe
        "name (2).mp4": an existing file is never replaced). Raises DownloadError."""
        return await renders.download_render(self, job, folder, filename, progress)

    def _same_host(self, url: str) -> bool:
        return wire.same_origin(url, self._api)


__all__ = ["APP_NAME", "NemoClient", "NetworkError"]
