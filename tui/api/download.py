"""Safe file names and a resumable ``.part`` download."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path
from typing import Callable

import httpx

from .errors import DownloadError, redact

DownloadProgress = Callable[[int, "int | None"], None]
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(name: str | None, default: str) -> str:
    """A plain file name: no separators, no ``..``, no control characters, never empty."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # control/format chars
    text = _BAD_CHARS.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text).strip(" .")
    if not text or text.split(".")[0].lower() in _RESERVED:
        text = default
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or not ext.isalnum() or len(ext) > 5:
        stem, ext = text, "mp4"
    encoded_limit = 180
    while len((stem + "." + ext).encode("utf-8")) > encoded_limit and stem:
        stem = stem[:-1]
    return f"{stem or 'video'}.{ext}"


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


class _closing:
    def __init__(self, resp: httpx.Response) -> None:
        self.resp = resp

    async def __aenter__(self) -> httpx.Response:
        return self.resp

    async def __aexit__(self, *exc) -> None:
        await self.resp.aclose()


async def fetch_to_part(
    http: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    part: Path,
    progress: DownloadProgress | None,
    timeout: httpx.Timeout,
    *,
    third_party: bool = False,
) -> int:
    """Download ``url`` into ``part``, resuming it if it exists. Returns the file size.

    Raises httpx errors for the transport, DownloadError for HTTP errors / disk problems.
    """
    for _attempt in range(2):
        have = part.stat().st_size if part.exists() else 0
        req_headers = dict(headers)
        if have:
            req_headers["Range"] = f"bytes={have}-"
        request = http.build_request("GET", url, headers=req_headers, timeout=timeout)
        if third_party:
            for name in [n for n in request.headers if n.lower().startswith("x-skill") or n.lower() in ("authorization", "x-client-id")]:
                del request.headers[name]
        resp = await http.send(request, stream=True, follow_redirects=True)
        async with _closing(resp):
            status = resp.status_code
            if status == 416 and have:
                total = _total_from_range(resp.headers.get("content-range"))
                if total == have:
                    return have  # the .part already holds the whole file
                part.unlink(missing_ok=True)
                continue
            if status not in (200, 206):
                raise DownloadError(
                    f"The download link answered HTTP {status}.", "Try the export again later.", status=status
                )
            if status == 206:
                start = _start_from_range(resp.headers.get("content-range"))
                if start is not None and start != have:
                    part.unlink(missing_ok=True)
                    continue
                mode = "ab"
                total = _total_from_range(resp.headers.get("content-range"))
            else:
                have = 0
                mode = "wb"
                length = resp.headers.get("content-length")
                total = int(length) if length and length.isdigit() else None
            received = have
            try:
                with open(part, mode) as fh:
                    if progress:
                        progress(received, total)
                    async for chunk in resp.aiter_bytes():
                        fh.write(chunk)
                        received += len(chunk)
                        if progress:
                            progress(received, total)
            except OSError as exc:
                raise _disk_error(exc, part) from exc
            if total is not None and received < total:
                raise httpx.ReadError("the download stopped before the end of the file")
            return received
    raise DownloadError("The server did not accept resuming the download.", "Try the download again.")


def _disk_error(exc: OSError, part: Path) -> DownloadError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DownloadError(
            f"The disk is full: the download stopped in {part.parent}.",
            "Free some space, then download again: it resumes where it stopped.",
        )
    return DownloadError(
        redact(f"Cannot write the download to {part.parent}: {exc.strerror or exc}."),
        "Choose another folder or check its permissions.",
    )


def _total_from_range(value: str | None) -> int | None:
    # "bytes 100-199/200" or "bytes */200"
    if not value or "/" not in value:
        return None
    total = value.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _start_from_range(value: str | None) -> int | None:
    m = re.match(r"\s*bytes\s+(\d+)-", value or "")
    return int(m.group(1)) if m else None


def finish(part: Path, final: Path) -> Path:
    try:
        os.replace(part, final)
    except OSError as exc:
        raise _disk_error(exc, part) from exc
    return final
