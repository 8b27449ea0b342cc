"""Checks before an upload, and a streamed multipart body (constant memory, known length)."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from tui.config import MAX_UPLOAD_BYTES
from tui.contract import ACCEPTED_EXTENSIONS, ACCEPTED_FORMATS

from .errors import ApiError, FileTooLarge, InvalidFile, LinkFailed, NotMedia, UnsupportedFileType

CHUNK = 1024 * 1024  # per read in a worker thread; bigger chunks cost RSS (malloc arenas), not much speed
UploadProgress = Callable[[Path, int, int], None]

_MIME = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
}


def accepted_formats(extensions: frozenset[str] = ACCEPTED_EXTENSIONS) -> str:
    """The accepted formats in words; what ``extensions`` takes beyond the documented set is
    named after them (the embedded engine's local-only formats)."""
    extra = extensions - ACCEPTED_EXTENSIONS
    return f"{ACCEPTED_FORMATS}; on this machine also {' '.join(sorted(extra))}" if extra else ACCEPTED_FORMATS


def check_file(path: Path, extensions: frozenset[str] = ACCEPTED_EXTENSIONS) -> int:
    """Raise a plain-words error if ``path`` cannot be uploaded; return its size."""
    name = path.name
    if not path.exists():
        raise InvalidFile(f"The file {name!r} does not exist ({path}).", "Check the path and try again.")
    if path.is_dir():
        raise InvalidFile(
            f"{name!r} is a folder, not a file.", "Give the path of a video, image or audio file inside it."
        )
    ext = path.suffix.lower().lstrip(".")
    if ext not in extensions:
        raise UnsupportedFileType(
            f"{name!r} is not a supported file type ({'.' + ext if ext else 'no extension'}).",
            f"Accepted formats: {accepted_formats(extensions)}.",
            code=4001,
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidFile(f"Cannot read {name!r}: {exc.strerror or exc}.", "Check the file's permissions.") from exc
    if size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(
            f"{name!r} is {size / 1024 / 1024:.0f} MB, over the {MAX_UPLOAD_BYTES // 1024 // 1024} MB upload limit.",
            "Compress it or trim it to a shorter clip, then upload again.",
            code=4002,
        )
    if not os.access(path, os.R_OK):
        raise InvalidFile(f"Cannot read {name!r}: permission denied.", "Check the file's permissions.")
    return size


# yt-dlp's / the engine's words about a link -> (the reason, the next step), first match wins.
_LINK_REASONS: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("http 404", "nothing was found"),
        "nothing was found at that address (HTTP 404)",
        "Check the link for typos, then paste it again.",
    ),
    (
        ("no video", "no downloadable video", "not supported", "unsupported url", "picture, not a video"),
        "the page has no video that can be downloaded",
        "Paste the link of the video itself, or download it yourself and upload the file (ctrl+u).",
    ),
    (
        (
            "could not reach",
            "network",
            "name or service",
            "resolve",
            "connection refused",
            "unreachable",
            "did not answer in time",
            "timed out",
        ),
        "the site could not be reached",
        "Check the network connection, then paste the link again.",
    ),
    (
        ("private", "login", "sign in", "http 401", "http 403", "refused the download"),
        "the video is private or needs a login",
        "Use a public link, or download it yourself and upload the file (ctrl+u).",
    ),
    (
        ("http 429", "rate-limit", "rate limit", "too many"),
        "the site is limiting downloads right now",
        "Wait a few minutes, then paste the link again.",
    ),
    (
        ("not a valid link", "not a web link", "not a web address"),
        "it is not a valid web address",
        "Give a link that starts with http:// or https://.",
    ),
]


def link_reason(said: str) -> tuple[str, str]:
    """The server's words about a link it could not use -> (plain reason, next step)."""
    low = said.lower()
    for needles, reason, step in _LINK_REASONS:
        if any(n in low for n in needles):
            return reason, step
    words = said.split(": ", 1)[1] if said.lower().startswith("could not fetch") and ": " in said else said
    first = words.strip().split(". ")[0].strip().rstrip(".")
    reason = (first[:1].lower() + first[1:])[:200] if first else "the service could not fetch it"
    return reason, "Check the link, then paste it again."


def _closer(fh: BinaryIO) -> Callable[[asyncio.Future[bytes]], None]:
    def close(_done: asyncio.Future[bytes]) -> None:
        fh.close()

    return close


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", " ").replace("\n", " ")


class MultipartFiles:
    """A multipart/form-data body of ``files`` fields, read from disk chunk by chunk.

    ``len(body)`` is known up front (Content-Length); iterate ``body.stream()`` to send it.
    Each call to ``stream()`` starts over (a retried request re-reads the files).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        sizes: Sequence[int],
        progress: UploadProgress | None = None,
        field: str = "files",
        chunk_size: int = CHUNK,
    ) -> None:
        self.boundary = "nemotui" + uuid.uuid4().hex
        self.paths = list(paths)
        self.sizes = list(sizes)
        self.progress = progress
        self.chunk_size = chunk_size
        self._heads = []
        for path in self.paths:
            ext = path.suffix.lower().lstrip(".")
            mime = _MIME.get(ext) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            head = (
                f"--{self.boundary}\r\n"
                f'Content-Disposition: form-data; name="{field}"; filename="{_quote(path.name)}"\r\n'
                f"Content-Type: {mime}\r\n\r\n"
            ).encode("utf-8", "replace")
            self._heads.append(head)
        self._end = f"--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return sum(len(h) + s + 2 for h, s in zip(self._heads, self.sizes, strict=False)) + len(self._end)

    async def stream(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk. The next chunk is read (in a worker thread) while the
        current one is being sent, so disk and socket overlap; at most two chunks in memory."""
        loop = asyncio.get_running_loop()
        for head, path, size in zip(self._heads, self.paths, self.sizes, strict=False):
            yield head
            sent = 0
            if self.progress:
                self.progress(path, 0, size)
            fh = await loop.run_in_executor(None, open, path, "rb")
            ahead: asyncio.Future[bytes] | None = None
            try:
                if size:
                    ahead = loop.run_in_executor(None, fh.read, min(self.chunk_size, size))
                while sent < size:
                    assert ahead is not None
                    chunk = await ahead
                    ahead = None
                    if not chunk:
                        raise InvalidFile(
                            f"{path.name!r} got shorter while it was being uploaded.",
                            "Wait until the file is complete, then upload again.",
                        )
                    sent += len(chunk)
                    if sent < size:
                        ahead = loop.run_in_executor(None, fh.read, min(self.chunk_size, size - sent))
                    yield chunk
                    if self.progress:
                        self.progress(path, sent, size)
            finally:
                if ahead is not None and not ahead.done():
                    ahead.add_done_callback(_closer(fh))  # close after the read ends
                else:
                    fh.close()
            yield b"\r\n"
        yield self._end


def link_failed(exc: ApiError) -> ApiError:
    """The error to raise for a link upload the service refused: LinkFailed with a plain
    reason when the service said why (its error code), else ``exc`` itself (credits, token,
    network, a proxy... are said as such)."""
    if exc.code is None or (type(exc) is not ApiError and not isinstance(exc, UnsupportedFileType)):
        return exc
    reason, step = link_reason(exc.server_message or exc.message)
    return LinkFailed(
        f"The link could not be added: {reason}.",
        step,
        code=exc.code,
        status=exc.status,
        reason=reason,
        server_message=exc.server_message,
    )


def content_refused(exc: UnsupportedFileType, files: Sequence[Path]) -> NotMedia:
    """A 4001 for files whose names :func:`check_file` accepted: the service refused a file's
    content. The file is named when the service's words (or a single file) tell which."""
    said = exc.server_message
    bad = next((p.name for p in files if p.name in said), files[0].name if len(files) == 1 else "")
    others = " (the other files were not added: upload them again without it)" if len(files) > 1 else ""
    what = f"{bad!r} is not a video" if bad else "One of the files is not a video"
    return NotMedia(
        f"{what}: its content cannot be read as video, picture or sound.",
        f"Choose the video file itself{others}.",
        code=exc.code,
        status=exc.status,
        filename=bad,
        server_message=said,
    )
