"""The async NemoVideo client: auth, sessions, chat (SSE), uploads, state, credits, export.

One ``httpx.AsyncClient`` per :class:`NemoClient` (``transport=`` is injectable for tests).
Recovery built in: code 1001 -> new anonymous token (same client id) and one retry;
HTTP 400 "missing client id" -> new persisted client id and one retry; 429 -> wait
``retry_wait`` seconds and one retry. Everything else becomes a typed :mod:`errors` error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Sequence
from urllib.parse import quote, urljoin, urlsplit

import httpx

import tui
from tui.config import SKILL_SOURCE, Settings

from . import auth
from .download import DownloadProgress, fetch_to_part, finish, part_path, safe_filename
from .errors import (
    ApiError,
    BadResponse,
    DownloadError,
    LOCAL_ALLOWANCE_MARK,
    LOCAL_ALLOWANCE_STEP,
    ExportBlocked,
    FileTooLarge,
    MissingClientId,
    NetworkError,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    SessionNotFound,
    StreamCut,
    TokenExpired,
    UnsupportedFileType,
    redact,
    register_secret,
)
from .events import SseEvent
from .models import Credits, Draft, RenderJob, SessionInfo, SessionState, TokenInfo, UploadResult
from .sse import SseDecoder, SseParser
from .upload import MultipartFiles, UploadProgress, accepted_formats, check_file

log = logging.getLogger("tui.api")

APP_NAME = "nemo_agent"
TOKEN_PATH = "/api/auth/anonymous-token"

TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
# Heartbeats arrive every few seconds; a run lasts up to 15 minutes. 10.5 minutes without a
# single byte means the connection is dead.
SSE_TIMEOUT = httpx.Timeout(connect=10.0, read=630.0, write=60.0, pool=10.0)
# The server downloads the media before it answers a URL upload.
URL_UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=900.0, write=60.0, pool=10.0)
FILE_UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=120.0, pool=10.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=60.0, pool=10.0)
_ERROR_BODY_LIMIT = 64 * 1024
# A download cut off after some progress is resumed (HTTP Range) this many times on the same link.
RESUME_ATTEMPTS = 3

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
            timeout=TIMEOUT,
            headers={
                "X-Skill-Source": SKILL_SOURCE,
                "X-Skill-Version": version,
                "X-Skill-Platform": settings.platform or "unknown",
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
        self.last_activity: float | None = None  # monotonic time bytes last arrived on /run_sse
        if settings.token:
            register_secret(settings.token)

    def __repr__(self) -> str:
        return f"NemoClient(api_url={self.settings.api_url!r}, user_id={self._user_id!r})"

    # --- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> "NemoClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
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
        data = _data(body)
        info = TokenInfo.model_validate(data if isinstance(data, dict) else {})
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
        headers = {}
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
            kwargs: dict[str, Any] = {}
            if body is not None:
                extra["Content-Type"] = body.content_type
                extra["Content-Length"] = str(len(body))
                kwargs["content"] = body.stream()
            elif json_body is not None:
                kwargs["json"] = json_body
            try:
                resp = await self._http.request(
                    method, path, headers=self._headers(token, extra), timeout=timeout or TIMEOUT, **kwargs
                )
            except httpx.TimeoutException as exc:
                raise NetworkError(
                    f"The NemoVideo service did not answer in time ({type(exc).__name__}).",
                    "Check your connection, then try again.",
                ) from None
            except httpx.TransportError as exc:
                raise _network_error(exc, self.settings.api_url) from None
            log.debug("%s %s -> HTTP %s", method, path, resp.status_code)
            if allow_empty and 200 <= resp.status_code < 300 and not resp.content.strip():
                return {}
            try:
                return self._check(resp, resp.content, render=render, path=path)
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

    def _check(self, resp: httpx.Response, content: bytes, *, render: bool = False, path: str = "") -> Any:
        """Decode the body and raise the typed error it carries, if any."""
        status = resp.status_code
        body: Any = None
        if content and content.strip():
            try:
                body = json.loads(content)
            except (ValueError, RecursionError):
                body = None
        if isinstance(body, dict):
            err = self._error_from_body(body, status, render=render, path=path)
            if err is not None:
                raise err
        if status >= 400 or body is None:
            raise self._error_from_status(status, body, content, path)
        return body

    def _error_from_body(self, body: dict, status: int, *, render: bool, path: str) -> ApiError | None:
        code = _int_or_none(body.get("code"))
        message = _message(body)
        if code in (1001, 1002, 2001, 4001, 4002) or (code not in (None, 0) and status < 400):
            return self._error_for_code(code, message, status, path)
        if status in (401, 402, 404, 429) or status >= 500 or (status == 400 and code is None):
            return None  # decided by the HTTP status
        if body.get("success") is False:
            text = message or "the server said the request failed"
            if render or "render" in path:
                return RenderFailed(f"The export request failed: {text}.", "Try exporting again.", status=status)
            return ApiError(f"The request failed: {text}.", "Try again.", status=status)
        return None

    def _error_for_code(self, code: int, message: str, status: int, path: str) -> ApiError:
        said = f" (server: {message})" if message else ""
        if code == 1001:
            return TokenExpired(code=1001, status=status)
        if code == 1002:
            return SessionNotFound(code=1002, status=status)
        if code == 2001 and message.startswith(LOCAL_ALLOWANCE_MARK):  # the local engine's daily allowance
            return OutOfCredits("This machine's credits for today are used up.", LOCAL_ALLOWANCE_STEP, code=2001, status=status)
        if code == 2001:
            bind = self.bind_url() if self._is_anonymous() and self._user_id else None
            return OutOfCredits(
                "You are out of NemoVideo credits.",
                None if bind else "Top up your credits on nemovideo.com, then try again.",
                code=2001, status=status, bind_url=bind,
            )
        if code == 4001:
            return UnsupportedFileType(
                f"The server does not accept this file type{said}.", f"Accepted formats: {accepted_formats()}.",
                code=4001, status=status,
            )
        if code == 4002:
            return FileTooLarge(
                f"The file is larger than the 500 MB upload limit{said}.",
                "Compress it or trim it to a shorter clip, then upload again.", code=4002, status=status,
            )
        if status == 429:
            return RateLimited(code=code, status=status)
        if status == 400 and _mentions_client_id(message):
            return MissingClientId(code=code, status=status)
        return ApiError(
            f"The NemoVideo service returned error {code}{said}.", "Try again; if it keeps happening, start a new session.",
            code=code, status=status,
        )

    def _error_from_status(self, status: int, body: Any, content: bytes, path: str) -> ApiError:
        message = _message(body) if isinstance(body, dict) else ""
        if status == 400 and (path == TOKEN_PATH or _mentions_client_id(message) or _mentions_client_id(_text(content))):
            return MissingClientId(status=400)
        if status == 401:
            return TokenExpired(status=401) if not self._from_env else TokenExpired(
                "The token in NEMO_TOKEN was refused.", "Set a new NEMO_TOKEN, then start again.", status=401)
        if status == 402:
            return ExportBlocked(status=402)
        if status == 404 and isinstance(body, dict) and "session not found" in _text(body.get("detail")).lower():
            return SessionNotFound(status=404)
        if status == 429:
            return RateLimited(status=429)
        if status >= 500 or body is None:
            what = "an empty answer" if not content.strip() else (
                "a web page instead of data" if content.lstrip()[:1] == b"<" else "an answer that is not valid data")
            return BadResponse(
                f"The NemoVideo service (or a proxy in front of it) sent {what} (HTTP {status}).",
                "The service may be down or restarting; wait a moment, then try again.",
                status=status,
            )
        said = f": {message}" if message else ""
        if status == 404:
            return ApiError(f"The server does not know this address (HTTP 404){said}.",
                            "Check the API address (NEMO_API_URL).", status=404)
        return ApiError(f"The NemoVideo service refused the request (HTTP {status}){said}.", "Try again.", status=status)

    def _is_anonymous(self) -> bool:
        return not self._from_env or (self._user_id or "").startswith("anon")

    # --- endpoints --------------------------------------------------------------------------

    async def create_session(self, language: str | None = None) -> SessionInfo:
        body = await self._request(
            "POST", f"/api/tasks/me/with-session/{APP_NAME}",
            json_body={"task_name": "project", "language": language or self.settings.language or "en"},
        )
        info = SessionInfo.model_validate(_dict(_data(body)))
        if not info.session_id:
            raise BadResponse("The service did not return a session id.", "Wait a moment, then try again.")
        if info.user_id:
            self._user_id = info.user_id
        return info

    async def credits(self) -> Credits:
        body = await self._request("GET", "/api/credits/balance/simple")
        return Credits.parse(_data(body))

    async def state(self, session_id: str) -> SessionState:
        body = await self._request("GET", f"/api/state/{APP_NAME}/me/{_seg(session_id)}/latest")
        data = _dict(_data(body))
        uid = data.get("user_id") or data.get("userId")
        if isinstance(uid, str) and uid:
            self._user_id = uid
        return SessionState.parse(data)

    async def upload_files(
        self, session_id: str, paths: Sequence[Path | str], progress: UploadProgress | None = None
    ) -> UploadResult:
        """Upload local files (checked first, streamed from disk); progress(path, sent, total)."""
        files = [Path(p).expanduser() for p in paths]
        if not files:
            raise ValueError("upload_files needs at least one path")
        sizes = [check_file(p) for p in files]
        body = MultipartFiles(files, sizes, progress)
        result = await self._request(
            "POST", f"/api/upload-video/{APP_NAME}/me/{_seg(session_id)}", body=body, timeout=FILE_UPLOAD_TIMEOUT
        )
        return UploadResult.parse(_data(result))

    async def upload_urls(self, session_id: str, urls: Sequence[str]) -> UploadResult:
        """Ask the service to fetch remote media (it downloads before answering: long timeout)."""
        clean = [u.strip() for u in urls if isinstance(u, str) and u.strip()]
        if not clean:
            raise ValueError("upload_urls needs at least one URL")
        for u in clean:
            if urlsplit(u).scheme not in ("http", "https"):
                raise ApiError(f"{u!r} is not a web address.", "Give a link that starts with http:// or https://.")
        result = await self._request(
            "POST", f"/api/upload-video/{APP_NAME}/me/{_seg(session_id)}",
            json_body={"urls": clean, "source_type": "url"}, timeout=URL_UPLOAD_TIMEOUT,
        )
        return UploadResult.parse(_data(result))

    # --- chat -------------------------------------------------------------------------------

    async def run(self, session_id: str, text: str) -> AsyncIterator[SseEvent]:
        """Send one message and yield the agent's events until the server closes the stream.

        Raises StreamCut (after yielding what arrived) if the connection breaks first.
        Never re-sends the message once the server has accepted it.
        """
        payload = {
            "app_name": APP_NAME,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": text}]},
        }
        refreshed = waited = False
        while True:
            token = await self._ensure_token()
            headers = self._headers(token, {"Accept": "text/event-stream", "Cache-Control": "no-store"})
            try:
                async with self._http.stream(
                    "POST", "/run_sse", json=payload, headers=headers, timeout=SSE_TIMEOUT
                ) as resp:
                    ctype = resp.headers.get("content-type", "").lower()
                    # Some proxies drop or change the content type: only JSON/HTML bodies are not a stream.
                    if resp.status_code != 200 or "json" in ctype or "html" in ctype:
                        content = await _read_limited(resp)
                        err = self._stream_error(resp, content)
                        if err is None:
                            # A 200 with a plain JSON body: treat it as one event.
                            for ev in SseParser().parse(_text(content)):
                                yield ev
                            return
                        raise err
                    # The event loop is inlined here (not a nested generator): one hop less per event.
                    decoder = SseDecoder()
                    feed = decoder.feed
                    clock = time.monotonic
                    try:
                        async for chunk in resp.aiter_bytes():
                            self.last_activity = clock()
                            for ev in feed(chunk):
                                yield ev
                    except (httpx.TransportError, httpx.StreamError, httpx.DecodingError) as exc:
                        log.info("The agent stream broke: %s", type(exc).__name__)
                        raise StreamCut(status=resp.status_code) from None
                    events, unfinished = decoder.close()
                    for ev in events:
                        yield ev
                    if unfinished:
                        log.info("The agent stream stopped in the middle of an event")
                        raise StreamCut(status=resp.status_code)
                    return
            except TokenExpired:
                if refreshed:
                    raise
                refreshed = True
                await self._refresh_token(token)
            except RateLimited:
                if waited:
                    raise
                waited = True
                await self._sleep(self.retry_wait)
            except httpx.TimeoutException as exc:
                raise NetworkError(
                    f"The agent service did not answer in time ({type(exc).__name__}).",
                    "Check your connection, then try again.",
                ) from None
            except httpx.TransportError as exc:
                raise _network_error(exc, self.settings.api_url) from None

    def _stream_error(self, resp: httpx.Response, content: bytes) -> ApiError | None:
        try:
            self._check(resp, content, path="/run_sse")
        except ApiError as exc:
            return exc
        return None

    # --- export -----------------------------------------------------------------------------

    async def submit_render(
        self,
        session_id: str,
        draft: Draft | dict,
        fmt: str = "mp4",
        quality: str = "high",
        width: int | None = None,
        height: int | None = None,
    ) -> RenderJob:
        """Start a render with a fresh id; on failure or a duplicate id, once more with a new id."""
        wire = draft.to_wire() if isinstance(draft, Draft) else dict(draft)
        output: dict[str, Any] = {"format": fmt, "quality": quality}
        if width and height:
            output["width"] = int(width)
            output["height"] = int(height)
        last: ApiError | None = None
        for attempt in range(2):
            rid = f"render_{uuid.uuid4().hex}"
            try:
                body = await self._request(
                    "POST", "/api/render/proxy/lambda",
                    json_body={"id": rid, "sessionId": session_id, "draft": wire, "output": output}, render=True,
                )
            except (RenderFailed, BadResponse) as exc:
                last = exc
                log.info("Render submit failed (attempt %d): %s", attempt + 1, exc)
                continue
            except ApiError as exc:
                if _is_duplicate(exc) and attempt == 0:
                    last = exc
                    continue
                raise
            job = RenderJob.parse(body, render_id=rid)
            if job.status == "failed":
                last = RenderFailed(f"The export failed: {job.error or 'no reason given'}.", "Try exporting again.")
                continue
            return job
        assert last is not None
        if isinstance(last, RenderFailed):
            raise last
        raise RenderFailed(last.message, last.next_step, code=last.code, status=last.status)

    async def render_status(self, render_id: str) -> RenderJob:
        body = await self._request("GET", f"/api/render/proxy/lambda/{_seg(render_id)}", render=True)
        return RenderJob.parse(body, render_id=render_id)

    async def cancel_render(self, render_id: str) -> RenderJob:
        body = await self._request(
            "POST", f"/api/render/proxy/lambda/{_seg(render_id)}/cancel", render=True, allow_empty=True)
        job = RenderJob.parse(body, render_id=render_id)
        if not body:
            job.status = "cancelled"
        return job

    async def download_render(
        self,
        job: RenderJob,
        folder: Path,
        filename: str | None = None,
        progress: DownloadProgress | None = None,
    ) -> Path:
        """Download a completed render into ``folder`` (via ``<name>.part``, resumable).

        Tries the job's link first, then ``/api/render/proxy/<id>/download`` with the token.
        The token is only ever sent to the API's own host.
        """
        folder = Path(folder).expanduser()
        default = safe_filename(f"{job.id}.mp4" if job.id else "", "video.mp4")
        final = folder / safe_filename(filename, default)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DownloadError(f"Cannot create the folder {folder}: {exc.strerror or exc}.",
                                "Choose another download folder.") from None
        part = part_path(final)
        urls: list[str] = []
        if job.output_url:
            urls.append(urljoin(self.settings.api_url + "/", job.output_url))
        if job.id:
            fallback = f"{self.settings.api_url}/api/render/proxy/{_seg(job.id)}/download"
            if fallback not in urls:
                urls.append(fallback)
        if not urls:
            raise DownloadError("The export has no download link yet.", "Wait until the export has completed.")
        problems: list[str] = []
        for url in urls:
            own = self._same_host(url)
            # Never send our credentials (or the X-Skill headers) to a third-party host (CDN).
            headers = self._headers(await self._ensure_token()) if own else {}
            for attempt in range(1 + RESUME_ATTEMPTS):
                have = _size(part)
                try:
                    await fetch_to_part(self._http, url, headers, part, progress, DOWNLOAD_TIMEOUT, third_party=not own)
                except DownloadError as exc:
                    if exc.status is None:
                        raise  # disk problems: keep the .part, stop here
                    problems.append(f"HTTP {exc.status}")
                    log.info("Download from %s failed: HTTP %s", _host(url), exc.status)
                    break
                except httpx.HTTPError as exc:
                    if _size(part) > have and attempt < RESUME_ATTEMPTS:
                        # Cut off after some progress (a dropped connection): go on from there.
                        log.info("Download from %s was cut (%s): resuming", _host(url), type(exc).__name__)
                        continue
                    problems.append(type(exc).__name__)
                    log.info("Download from %s failed: %s", _host(url), type(exc).__name__)
                    break
                return finish(part, final)
        raise DownloadError(
            f"The exported video could not be downloaded ({', '.join(problems)}).",
            "Try the download again later; what was already received is kept and resumed.",
        )

    def _same_host(self, url: str) -> bool:
        u = urlsplit(url)
        return (u.scheme, u.hostname, u.port or _default_port(u.scheme)) == (
            self._api.scheme, self._api.hostname, self._api.port or _default_port(self._api.scheme))


# --- helpers ---------------------------------------------------------------------------------


def _default_port(scheme: str) -> int | None:
    return {"http": 80, "https": 443}.get(scheme)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _data(body: Any) -> Any:
    return body.get("data") if isinstance(body, dict) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value[:_ERROR_BODY_LIMIT].decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def _message(body: dict) -> str:
    for key in ("message", "msg", "detail", "error", "errorMessage"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return redact(value.strip()[:300])
        if isinstance(value, dict) and isinstance(value.get("message"), str):
            return redact(value["message"][:300])
    return ""


def _mentions_client_id(text: str) -> bool:
    t = text.lower().replace("-", "").replace("_", "").replace(" ", "")
    return "clientid" in t


def _is_duplicate(exc: ApiError) -> bool:
    text = exc.message.lower()
    return exc.status == 409 or "duplicate" in text or "already exists" in text


def _network_error(exc: httpx.TransportError, api_url: str) -> NetworkError:
    host = urlsplit(api_url).hostname or api_url
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(
            f"Cannot connect to {host} (connection refused or the name does not resolve).",
            "Check your internet connection and the API address (NEMO_API_URL), then try again.",
        )
    return NetworkError(
        f"The connection to {host} failed ({type(exc).__name__}).",
        "Check your internet connection, then try again.",
    )


async def _read_limited(resp: httpx.Response) -> bytes:
    buf = bytearray()
    async for chunk in resp.aiter_bytes():
        buf += chunk
        if len(buf) > _ERROR_BODY_LIMIT:
            break
    return bytes(buf)
