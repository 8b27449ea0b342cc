"""Streaming multipart uploads: the body goes from the socket to disk chunk by chunk
(python-multipart's push parser on ``request.stream()``), never whole in memory.

Checks while streaming: the field is ``files``, the extension is accepted (4001), each file
stays under the size limit (4002: the partial file is removed at once). Stored names are the
upload id plus the extension, so nothing the client sends becomes part of a path.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

DRAIN_LIMIT = 1 << 30  # after a refusal, read (and drop) at most this much more before answering


class UploadRefused(Exception):
    def __init__(self, code: int, message: str, status: int = 200):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class StoredFile:
    upload_id: str
    filename: str  # the display name (sanitized)
    ext: str
    path: Path
    size: int = 0
    hash: str = ""


def new_upload_id() -> str:
    return "upl_" + secrets.token_hex(6)


def safe_name(raw: str) -> str:
    """A display name without folders, control characters or leading dots."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[<>:\"|?*]", "_", name).strip().lstrip(".").strip()
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:110] + "." + ext) if dot else name[:120]
    return name or "upload"


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    field_name: str = ""
    stored: StoredFile | None = None
    fh: BinaryIO | None = None
    digest: Any = None
    skip: bool = False


async def receive_files(
    request: Request,
    folder: Path,
    *,
    limit: int,
    accepted: frozenset[str],
    max_files: int = 20,
    total_limit: int | None = None,
) -> list[StoredFile]:
    """Parse a multipart body into files under ``folder``; raise UploadRefused on any problem
    (every file of the request is then removed, and the rest of the body is drained so the
    client reads the answer instead of a broken pipe).

    ``limit``: bytes per file (4002); ``max_files``: files per request (HTTP 400);
    ``total_limit``: bytes for the whole request, the user's storage left (4002)."""
    _ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadRefused(4001, "The upload is not a multipart form (no boundary).", 400)

    stored: list[StoredFile] = []
    header_field = bytearray()
    header_value = bytearray()
    part = _Part()
    error: list[UploadRefused] = []
    total = [0]

    def fail(exc: UploadRefused) -> None:
        if not error:
            error.append(exc)
        if part.fh is not None:
            part.fh.close()
            part.fh = None
        if part.stored is not None:
            part.stored.path.unlink(missing_ok=True)  # the partial file goes at once
        part.skip = True

    def on_part_begin() -> None:
        nonlocal part
        part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        part.headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        if error:
            part.skip = True
            return
        _disp, opts = parse_options_header(part.headers.get(b"content-disposition", b""))
        part.field_name = opts.get(b"name", b"").decode("utf-8", "replace")
        raw_name = opts.get(b"filename")
        if raw_name is None or part.field_name not in ("files", "file", "files[]"):
            part.skip = True  # an unrelated form field: ignored
            return
        name = safe_name(raw_name.decode("utf-8", "replace"))
        ext = extension(name)
        if ext not in accepted:
            fail(UploadRefused(4001, f"{name}: unsupported file type. Accepted: {', '.join(sorted(accepted))}."))
            return
        if len(stored) >= max_files:
            fail(
                UploadRefused(
                    400, f"Too many files in one upload: at most {max_files}. Send the rest in another request.", 400
                )
            )
            return
        uid = new_upload_id()
        path = folder / f"{uid}.{ext}"
        part.stored = StoredFile(uid, name, ext, path)
        stored.append(part.stored)
        part.fh = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb", buffering=1 << 20)
        part.digest = hashlib.md5(usedforsecurity=False)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.skip or part.fh is None or part.stored is None:
            return
        chunk = data[start:end]
        part.stored.size += len(chunk)
        total[0] += len(chunk)
        if total_limit is not None and total[0] > total_limit:
            fail(
                UploadRefused(4002, "Your storage on this engine is full: delete old sessions' media, then try again.")
            )
            return
        if part.stored.size > limit:
            fail(
                UploadRefused(
                    4002,
                    f"{part.stored.filename} is larger than {limit // (1024 * 1024)} MB. "
                    "Compress or trim it, then upload again.",
                )
            )
            return
        part.fh.write(chunk)
        part.digest.update(chunk)

    def on_part_end() -> None:
        if part.fh is not None:
            part.fh.close()
            part.fh = None
            if part.stored is not None:
                part.stored.hash = part.digest.hexdigest()

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    folder.mkdir(parents=True, exist_ok=True)
    drained = 0
    try:
        async for chunk in request.stream():
            if error:
                drained += len(chunk)
                if drained > DRAIN_LIMIT:
                    break
                continue
            if chunk:
                parser.write(chunk)
        if not error:
            parser.finalize()
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed body or a cut connection
        if not error:
            error.append(UploadRefused(4001, f"The upload could not be read: {type(exc).__name__}.", 400))
    finally:
        if part.fh is not None:
            part.fh.close()
    if not error and not stored:
        error.append(UploadRefused(4001, "No file in the upload (send one or more 'files' fields).", 400))
    if error:
        for s in stored:
            s.path.unlink(missing_ok=True)
        raise error[0]
    return stored
