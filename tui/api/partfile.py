"""The ``.part`` file of a download and what it belongs to (a small JSON sidecar, 0600).

A resumed download must provably continue the same bytes. The sidecar ``<name>.part.json``
keeps, from the response that started the ``.part``, the strong ETag and/or Last-Modified
(sent back as ``If-Range``) and the total size (checked against the ``Content-Range`` of a
``206``). No validator, no resume: the download starts over. Both files are opened with
``O_NOFOLLOW``, so a symlink planted under either name is never written through.
Sources: RFC 9110 13.1.5 (If-Range: strong validators only), 14.4 (Content-Range).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("tui.api")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_RANGE_RE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RE = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.IGNORECASE)


class PlantedLink(OSError):
    """Something other than a regular file sits under the ``.part`` name."""


@dataclass(frozen=True)
class PartMeta:
    """What a ``.part`` holds the start of: ``etag`` (strong, quoted as sent), ``last_modified``
    (the HTTP date as sent), ``total`` (bytes of the whole file, when announced)."""

    etag: str | None = None
    last_modified: str | None = None
    total: int | None = None

    @property
    def validator(self) -> str | None:
        """The value for ``If-Range``: the strong ETag, else Last-Modified, else None."""
        return self.etag or self.last_modified


@dataclass(frozen=True)
class ContentRange:
    """``Content-Range: bytes first-last/total`` (``total`` None for ``*``)."""

    first: int
    last: int
    total: int | None


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def meta_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def nofollow_opener(path: str, flags: int) -> int:
    """An ``open(..., opener=)`` that never follows a symlink and accepts regular files only."""
    fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PlantedLink(errno.EINVAL, "not a regular file", path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def clear_planted(part: Path) -> None:
    """Remove a symlink (or other non-file) found under a ``.part``/sidecar name; never follow it."""
    for path in (part, meta_path(part)):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
            log.warning(
                "Removed a %s found under the download name %s",
                "symlink" if stat.S_ISLNK(st.st_mode) else "non-file",
                path.name,
            )
            if stat.S_ISDIR(st.st_mode):
                raise PlantedLink(errno.EISDIR, "a folder has the download's name", str(path))
            os.unlink(path)


def part_size(part: Path) -> int:
    """Bytes in the ``.part`` (0 when missing or not a regular file)."""
    try:
        st = os.lstat(part)
    except OSError:
        return 0
    return st.st_size if stat.S_ISREG(st.st_mode) else 0


def read_meta(part: Path) -> PartMeta | None:
    """The sidecar of ``part``; None when missing, damaged or not a plain file."""
    try:
        fd = os.open(meta_path(part), os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            data = json.loads(fh.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    etag, modified, total = data.get("etag"), data.get("last_modified"), data.get("total")
    return PartMeta(
        etag=etag if isinstance(etag, str) and etag else None,
        last_modified=modified if isinstance(modified, str) and modified else None,
        total=total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None,
    )


def write_meta(part: Path, meta: PartMeta) -> None:
    """Write the sidecar (0600, never through a symlink)."""
    path = meta_path(part)
    body = json.dumps({"etag": meta.etag, "last_modified": meta.last_modified, "total": meta.total}).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, body)
    finally:
        os.close(fd)


def drop(part: Path, *, keep_part: bool = False) -> None:
    """Delete the sidecar (and the ``.part`` unless ``keep_part``); symlinks are unlinked, not followed."""
    paths = [meta_path(part)] if keep_part else [part, meta_path(part)]
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def validators(etag: str | None, last_modified: str | None) -> PartMeta:
    """The validators of a response usable in ``If-Range``: a weak ETag (``W/``) is dropped."""
    strong = etag.strip() if etag and not etag.strip().startswith("W/") and etag.strip() else None
    return PartMeta(etag=strong, last_modified=(last_modified or "").strip() or None)


def parse_content_range(value: str | None) -> ContentRange | None:
    """``bytes 100-199/200`` -> ContentRange(100, 199, 200); malformed -> None."""
    m = _RANGE_RE.match(value or "")
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    total = None if m.group(3) == "*" else int(m.group(3))
    if last < first or (total is not None and last >= total):
        return None
    return ContentRange(first, last, total)


def unsatisfied_total(value: str | None) -> int | None:
    """The total of a ``416``'s ``Content-Range: bytes */200``, else None."""
    m = _UNSATISFIED_RE.match(value or "")
    return int(m.group(1)) if m else None


__all__ = [
    "ContentRange",
    "PartMeta",
    "PlantedLink",
    "clear_planted",
    "drop",
    "meta_path",
    "nofollow_opener",
    "parse_content_range",
    "part_path",
    "part_size",
    "read_meta",
    "unsatisfied_total",
    "validators",
    "write_meta",
]
