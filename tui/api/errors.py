"""Typed errors of the NemoVideo client, in plain words, with the token redacted.

Every error carries ``.message`` (what happened), ``.next_step`` (what the user can do),
``.code`` (the API's numeric code, if any) and ``.status`` (the HTTP status, if any).
``str(error)`` is the message followed by the next step, with secrets removed.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_REDACTED = "[redacted]"
# "Bearer <anything up to whitespace/quote>" and NemoVideo token literals (nmv_...).
_BEARER_RE = re.compile(r"(?i)(bearer)(\s+|%20)[^\s\"'<>,;]+")
_NMV_RE = re.compile(r"nmv_[A-Za-z0-9_\-\.~+/=]+")
# A token filled into a web link (?token=... / &token=...): a credential as well.
_TOKEN_PARAM_RE = re.compile(r"(?i)([?&]token=)[^&\s\"'<>#]+")

_secrets: set[str] = set()
_other_secrets: set[str] = set()  # the registered secrets that do not start with nmv_
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret (a token) so :func:`redact` removes it wherever it appears."""
    if value and len(value) >= 6:
        with _lock:
            _secrets.add(value)
            if "nmv_" not in value:
                _other_secrets.add(value)


def redact(text: str) -> str:
    """``text`` without ``Bearer …``, ``nmv_…``, ``token=…`` values or any registered secret."""
    if not isinstance(text, str):
        text = str(text)
    if not text:
        return text
    for secret in tuple(_secrets):
        if secret in text:
            text = text.replace(secret, _REDACTED)
    if "earer" in text or "EARER" in text:
        text = _BEARER_RE.sub(lambda m: f"{m.group(1)} {_REDACTED}", text)
    if "nmv_" in text:
        text = _NMV_RE.sub(_REDACTED, text)
    if "oken=" in text or "OKEN=" in text:
        text = _TOKEN_PARAM_RE.sub(lambda m: m.group(1) + _REDACTED, text)
    return text


class ApiError(Exception):
    """Something went wrong talking to NemoVideo; ``str()`` says what and what to do next."""

    default_message = "The NemoVideo service returned an error."
    default_next_step = ""

    def __init__(
        self,
        message: str | None = None,
        next_step: str | None = None,
        *,
        code: int | None = None,
        status: int | None = None,
        server_message: str | None = None,
    ) -> None:
        self.message = redact(message if message else self.default_message)
        self.next_step = redact(next_step if next_step is not None else self.default_next_step)
        self.code = code
        self.status = status
        # The server's own words, when it gave any (redacted): for callers that rephrase.
        self.server_message = redact(server_message) if server_message else ""
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.next_step:
            sep = " " if self.message.endswith((".", "!", "?", ":")) else ". "
            return f"{self.message}{sep}{self.next_step}"
        return self.message

    def __repr__(self) -> str:
        extra = ""
        if self.code is not None:
            extra += f", code={self.code}"
        if self.status is not None:
            extra += f", status={self.status}"
        return f"{type(self).__name__}({self.__str__()!r}{extra})"

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (e.g. across threads/processes) working
        return (_rebuild, (type(self), self.message, self.next_step, self.code, self.status, self.__dict__))


def _rebuild(
    cls: type[ApiError], message: str, next_step: str, code: int | None, status: int | None, state: dict[str, Any]
) -> ApiError:
    obj = cls.__new__(cls)
    ApiError.__init__(obj, message, next_step, code=code, status=status)
    obj.__dict__.update(state)
    return obj


class TokenExpired(ApiError):
    default_message = "Your NemoVideo sign-in token is invalid or has expired."
    default_next_step = "Start the app again to get a new one."


class SessionNotFound(ApiError):
    default_message = "The server no longer knows this editing session."
    default_next_step = "A new session will be started; your local transcript is kept."


class OutOfCredits(ApiError):
    default_message = "You are out of NemoVideo credits."
    default_next_step = "Top up your credits on nemovideo.com, then try again."

    def __init__(
        self,
        message: str | None = None,
        next_step: str | None = None,
        *,
        code: int | None = None,
        status: int | None = None,
        bind_url: str | None = None,
    ) -> None:
        self.bind_url = bind_url
        if next_step is None and bind_url:
            next_step = f"Register for free credits at {bind_url} , then try again."
        super().__init__(message, next_step, code=code, status=status)


LOCAL_ALLOWANCE_STEP = "They renew tomorrow (1,000 a day on this machine); downloads and exports stay free."
LOCAL_ALLOWANCE_MARK = "Local allowance:"  # how the embedded engine's 2001 message starts


class UnsupportedFileType(ApiError):
    default_message = "This file type is not supported."
    default_next_step = "Accepted formats: video mp4 mov avi webm mkv; image jpg png gif webp; audio mp3 wav m4a aac."


class NotMedia(UnsupportedFileType):
    """A file with an accepted name whose content is not media (a text file named notes.mp4).
    ``filename`` names it (also when it was one of several files sent together)."""

    default_message = "The content of this file is not a video, a picture or a sound."
    default_next_step = "Choose the video file itself, then upload again."

    def __init__(
        self,
        message: str | None = None,
        next_step: str | None = None,
        *,
        code: int | None = None,
        status: int | None = None,
        filename: str = "",
        server_message: str | None = None,
    ) -> None:
        self.filename = filename
        super().__init__(message, next_step, code=code, status=status, server_message=server_message)


class LinkFailed(ApiError):
    """The service could not add media from a link: ``reason`` says why in plain words
    (nothing at the link, a page without video, the site unreachable)."""

    default_message = "The video at this link could not be added."
    default_next_step = "Check the link, then paste it again."

    def __init__(
        self,
        message: str | None = None,
        next_step: str | None = None,
        *,
        code: int | None = None,
        status: int | None = None,
        reason: str = "",
        server_message: str | None = None,
    ) -> None:
        self.reason = redact(reason)
        super().__init__(message, next_step, code=code, status=status, server_message=server_message)


class FileTooLarge(ApiError):
    default_message = "This file is larger than the 500 MB upload limit."
    default_next_step = "Compress it or trim it to a shorter clip, then upload again."


class InvalidFile(ApiError):
    """A path given for upload is missing, a folder, or unreadable (checked before sending)."""

    default_message = "This file cannot be uploaded."
    default_next_step = "Check the path and try again."


class MissingClientId(ApiError):
    default_message = "The server asked for a client id that was missing."
    default_next_step = "A new client id was created; try again."


class ExportBlocked(ApiError):
    default_message = (
        "The server refused this on your current plan (HTTP 402). This is a subscription matter, not credits."
    )
    default_next_step = "Check your NemoVideo plan on nemovideo.com; your credits are untouched."


class RateLimited(ApiError):
    default_message = "The NemoVideo service is receiving too many requests from you right now."
    default_next_step = "Wait a minute, then try again."


class NetworkError(ApiError):
    default_message = "Cannot reach the NemoVideo service."
    default_next_step = "Check your internet connection (or the API address), then try again."


class BadResponse(ApiError):
    default_message = "The NemoVideo service sent an answer that is not valid (the service or a proxy may be down)."
    default_next_step = "Wait a moment, then try again."


class RenderFailed(ApiError):
    default_message = "The export (render) failed on the server."
    default_next_step = "Try exporting again."


class StreamCut(ApiError):
    default_message = "The connection to the agent broke before its reply finished."
    default_next_step = "Do not send the message again yet: checking the project state to see what was done."


class DownloadError(ApiError):
    default_message = "The exported video could not be downloaded."
    default_next_step = "Try the download again; a partial download is resumed."


__all__ = [
    "ApiError",
    "BadResponse",
    "DownloadError",
    "ExportBlocked",
    "FileTooLarge",
    "InvalidFile",
    "LinkFailed",
    "MissingClientId",
    "NetworkError",
    "NotMedia",
    "OutOfCredits",
    "RateLimited",
    "RenderFailed",
    "SessionNotFound",
    "StreamCut",
    "TokenExpired",
    "UnsupportedFileType",
    "redact",
    "register_secret",
]
