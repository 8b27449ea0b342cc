"""Downloading a finished export: either the right file, whole, or a clear failure.

``download(http, sources, final)`` fetches into ``<name>.part`` and renames only a file
proven whole. The rules (see :mod:`partfile` for the ``.part`` and its sidecar):

- ``Accept-Encoding: identity``, so byte ranges count the bytes that are stored;
- a resume sends ``Range`` with ``If-Range: <validator kept beside the .part>`` and takes a
  ``206`` only with a well-formed ``Content-Range`` that starts where asked and whose total
  (and ETag, when sent) matches; a ``200`` starts the file over;
- a mismatch, a decoding error, a size that does not match the total or an MP4 whose boxes do
  not tile the file (:mod:`mp4check`) starts the download over once, then fails clearly;
- never through a symlink planted as ``.part``; never over an existing file of the final
  name (the next free name "name (2).mp4" is used instead).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from . import connection, partfile
from .errors import DownloadError, redact
from .mp4check import ISO_BMFF_SUFFIXES, mp4_problem
from .partfile import PartMeta, part_path

log = logging.getLogger("tui.api")

DownloadProgress = Callable[[int, "int | None"], None]
# A download cut off after some progress is resumed this many times on the same link.
RESUME_ATTEMPTS = 3
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_SECRET_HEADERS = ("authorization", "x-client-id")
# Why a download was started over, in words (the byte-level detail goes to the log).
_CHANGED = "the file changed on the server during the download"
_UNFIT = "the server's answers did not fit together"
_INCOMPLETE = "the file arrived incomplete"


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


@dataclass(frozen=True)
class Source:
    """One link to try: ``headers`` are sent as given, except that a ``third_party`` host
    never gets the token, the client id or the X-Skill headers."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    third_party: bool = False


class _StartOver(Exception):
    """What the server sent cannot be part of the file: drop the .part, start over (once).
    ``plain`` is said to the user; ``detail`` (bytes, boxes) goes to the log only."""

    def __init__(self, plain: str, detail: str = "") -> None:
        super().__init__(f"{plain} ({detail})" if detail else plain)
        self.plain = plain


def free_name(final: Path) -> Path:
    """``final``, or "stem (2).ext", "stem (3).ext"... : the first name no file holds yet.
    An unfinished download keeps its name (its final file does not exist yet)."""
    candidate, n = final, 2
    while os.path.lexists(candidate):
        candidate = final.with_name(f"{final.stem} ({n}){final.suffix}")
        n += 1
    return candidate


async def download(
    http: httpx.AsyncClient,
    sources: Sequence[Source],
    final: Path,
    progress: DownloadProgress | None = None,
    timeout: httpx.Timeout = connection.DOWNLOAD_TIMEOUT,
) -> Path:
    """Download the first source that works into ``final`` (or the next free name); the path.

    Raises DownloadError: with ``status`` for HTTP errors, without for disk problems (then
    the ``.part`` is kept for a later resume) and for a file that came wrong twice."""
    final = free_name(final)
    part = part_path(final)
    problems: list[str] = []
    for source in sources:
        host = urlsplit(source.url).hostname or "?"
        started_over = False
        resumes = 0
        while True:
            have = partfile.part_size(part)
            try:
                total = await _fetch(http, source, part, progress, timeout)
                _verify(part, total, final.suffix.lower())
                return _finish(part, final)
            except _StartOver as exc:
                partfile.drop(part)
                log.info("Download from %s: %s", host, exc)
                if started_over:
                    problems.append(exc.plain)
                    break
                started_over = True
            except DownloadError as exc:
                if exc.status is None:
                    raise  # disk problems: keep the .part, stop here
                problems.append(f"HTTP {exc.status}")
                log.info("Download from %s failed: HTTP %s", host, exc.status)
                break
            except httpx.HTTPError as exc:
                if partfile.part_size(part) > have and resumes < RESUME_ATTEMPTS:
                    resumes += 1  # cut off after some progress: go on from there
                    log.info("Download from %s was cut (%s): resuming", host, type(exc).__name__)
                    continue
                problems.append(type(exc).__name__)
                log.info("Download from %s failed: %s", host, type(exc).__name__)
                break
    raise DownloadError(
        f"The exported video could not be downloaded ({'; '.join(problems) or 'no link worked'}).",
        "Try the download again later; what was already received is kept and resumed.",
    )


def _request(http: httpx.AsyncClient, source: Source, headers: dict[str, str], timeout: httpx.Timeout) -> httpx.Request:
    request = http.build_request("GET", source.url, headers={**source.headers, **headers}, timeout=timeout)
    if source.third_party:
        for name in [n for n in request.headers if n.lower().startswith("x-skill") or n.lower() in _SECRET_HEADERS]:
            del request.headers[name]
    return request


async def _fetch(
    http: httpx.AsyncClient,
    source: Source,
    part: Path,
    progress: DownloadProgress | None,
    timeout: httpx.Timeout,
) -> int | None:
    """One GET into ``part`` (resumed when its sidecar allows); the whole file's size if known."""
    try:
        partfile.clear_planted(part)
    except OSError as exc:
        raise _disk_error(exc, part) from None
    have = partfile.part_size(part)
    meta = partfile.read_meta(part) if have else None
    if have and (meta is None or meta.validator is None):
        have = 0  # nothing proves what the .part belongs to: start over
        meta = None
    headers = {"Accept-Encoding": "identity"}
    if have and meta is not None and meta.validator:
        headers["Range"] = f"bytes={have}-"
        headers["If-Range"] = meta.validator
    resp = await connection.send(
        http, lambda: _request(http, source, headers, timeout), stream=True, follow_redirects=True
    )
    try:
        status = resp.status_code
        if status == 416 and have and meta is not None:
            if partfile.unsatisfied_total(resp.headers.get("content-range")) == have == meta.total:
                return have  # the .part already holds the whole file
            raise _StartOver(_CHANGED, "416 with another size")
        if status not in (200, 206):
            raise DownloadError(
                f"The download link answered HTTP {status}.", "Try the export again later.", status=status
            )
        encoding = resp.headers.get("content-encoding", "identity").strip().lower() or "identity"
        total: int | None
        if status == 206:
            offset, total = _check_continuation(resp, have, meta, encoding)
            mode = "ab"
        else:
            offset, mode = 0, "wb"
            length = resp.headers.get("content-length", "")
            total = int(length) if encoding == "identity" and length.isdigit() else None
            found = partfile.validators(resp.headers.get("etag"), resp.headers.get("last-modified"))
            # A compressed body cannot be resumed by byte range: keep no validator for it.
            keep = PartMeta(found.etag, found.last_modified, total) if encoding == "identity" else PartMeta()
            try:
                partfile.write_meta(part, keep)
            except OSError as exc:
                raise _disk_error(exc, part) from None
        return await _write_body(resp, part, mode, offset, total, encoding, progress)
    finally:
        await resp.aclose()


def _check_continuation(resp: httpx.Response, have: int, meta: PartMeta | None, encoding: str) -> tuple[int, int]:
    """(offset, total) of a ``206`` that provably continues the ``.part``; else _StartOver."""
    crange = partfile.parse_content_range(resp.headers.get("content-range"))
    if not have or meta is None or crange is None or crange.total is None:
        raise _StartOver(_UNFIT, "206 without a usable Content-Range")
    if crange.first != have:
        raise _StartOver(_UNFIT, f"206 from byte {crange.first}, not {have}")
    if meta.total is not None and crange.total != meta.total:
        raise _StartOver(_CHANGED, "another total in Content-Range")
    etag = partfile.validators(resp.headers.get("etag"), None).etag
    if meta.etag and etag and etag != meta.etag:
        raise _StartOver(_CHANGED, "another ETag")
    if encoding != "identity":
        raise _StartOver(_UNFIT, "a compressed 206")
    return have, crange.total


async def _write_body(
    resp: httpx.Response,
    part: Path,
    mode: str,
    offset: int,
    total: int | None,
    encoding: str,
    progress: DownloadProgress | None,
) -> int | None:
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)  # 47: gzip or zlib header
    elif encoding == "identity":
        decoder = None
    else:
        raise DownloadError(
            f"The server sent the video compressed as {encoding!r}, which the client does not read.",
            "Try the download again later.",
            status=resp.status_code,
        )
    received = offset
    try:
        with open(part, mode, opener=partfile.nofollow_opener) as fh:
            if progress:
                progress(received, total)
            # Identity: aiter_bytes (no decoder applies; also serves a body already read).
            async for chunk in resp.aiter_raw() if decoder is not None else resp.aiter_bytes():
                data = decoder.decompress(chunk) if decoder is not None else chunk
                if data:
                    fh.write(data)
                    received += len(data)
                if progress:
                    progress(received, total)
            if decoder is not None:
                tail = decoder.flush()
                fh.write(tail)
                received += len(tail)
    except zlib.error:
        raise _StartOver(_INCOMPLETE, "the compressed body could not be decoded") from None
    except OSError as exc:
        raise _disk_error(exc, part) from None
    if decoder is not None and not decoder.eof:
        raise _StartOver(_INCOMPLETE, "the compressed body stopped before its end")
    if total is not None and received < total:
        raise httpx.ReadError("the download stopped before the end of the file")
    if total is not None and received > total:
        raise _StartOver(_UNFIT, f"{received - total} bytes more than announced")
    return total


def _verify(part: Path, total: int | None, suffix: str) -> None:
    """The .part is the whole file: its size is the announced total and an MP4's boxes tile it."""
    try:
        fd = os.open(part, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _disk_error(exc, part) from None
    try:
        size = os.fstat(fd).st_size
        if total is not None and size != total:
            raise _StartOver(_INCOMPLETE, f"{size} bytes, {total} announced")
        if suffix in ISO_BMFF_SUFFIXES:
            problem = mp4_problem(fd)
            if problem:
                raise _StartOver(_INCOMPLETE, problem)
    finally:
        os.close(fd)


def _finish(part: Path, final: Path) -> Path:
    """Give the finished ``.part`` its final name, never replacing an existing file."""
    target = final
    for n in range(2, 10_000):
        try:
            os.link(part, target, follow_symlinks=False)
        except FileExistsError:
            target = final.with_name(f"{final.stem} ({n}){final.suffix}")
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EACCES):
                raise _disk_error(exc, part) from None
            # No hard links here (FAT, some network shares): a checked rename.
            if os.path.lexists(target):
                target = final.with_name(f"{final.stem} ({n}){final.suffix}")
                continue
            try:
                os.rename(part, target)
            except OSError as err:
                raise _disk_error(err, part) from None
        partfile.drop(part)
        return target
    raise DownloadError(f"No free file name next to {final.name}.", "Move some files out of the download folder.")


def _disk_error(exc: OSError, part: Path) -> DownloadError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DownloadError(
            f"The disk is full: the download stopped in {part.parent}.",
            "Free some space, then download again: it resumes where it stopped.",
        )
    if isinstance(exc, partfile.PlantedLink) or exc.errno == errno.ELOOP:
        return DownloadError(
            f"Something that is not a plain file is in the way of the download in {part.parent} ({part.name}).",
            "Remove it or choose another download folder.",
        )
    return DownloadError(
        redact(f"Cannot write the download to {part.parent}: {exc.strerror or exc}."),
        "Choose another folder or check its permissions.",
    )


__all__ = ["DownloadProgress", "RESUME_ATTEMPTS", "Source", "download", "free_name", "part_path", "safe_filename"]
