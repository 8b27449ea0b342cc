"""Pictures of the media, extracted once and kept on disk (the local ``pictures`` extension).

Blocking functions: the routes (``tui/engine/routes/pictures.py``) run them in the engine's
media pool. Each answer is cached under ``<data dir>/pictures/<user>/<media id>/<key>.<ext>``,
``key`` a hash of the media file's name, size and mtime (nanoseconds) and of the parameters
asked: a replaced or modified file gets new keys (its old pictures are never served), and the
same question answers from the disk without decoding. The cache is a folder of its own, out
of ``media/`` and ``renders/`` (the start-up sweep there removes files no upload names). It is
bounded: at most :data:`MAX_FILES_PER_MEDIA` entries and :data:`MAX_BYTES_PER_MEDIA` per media,
:data:`MAX_BYTES_PER_USER` per user; the oldest entries go first. Two requests for the same
key at once decode once (a lock per key). Each answer is a :class:`Job`: its cached bytes when
there are some (cheap: the route reads them in a worker thread), else ``run()`` extracts them
(the route runs it in the media pool, a few at a time).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.engine.housekeeping import private_dir

MAX_FILES_PER_MEDIA = 600
MAX_BYTES_PER_MEDIA = 64 * 1024 * 1024
MAX_BYTES_PER_USER = 512 * 1024 * 1024
USER_CHECK_EVERY = 32  # writes between two checks of a user's whole cache
_writes = 0
CACHE_VERSION = 1  # part of every key: a change of the extraction makes the old entries unused

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        if len(_locks) > 4096:  # forget idle locks now and then
            for k in [k for k, v in _locks.items() if not v.locked()]:
                del _locks[k]
        return _locks.setdefault(key, threading.Lock())


@dataclass(frozen=True)
class CacheDir:
    """The cache of one media: ``folder`` and the media ``source`` file whose state keys it."""

    folder: Path
    source: Path

    def key(self, kind: str, **params: Any) -> str:
        """A key for ``kind`` ("thumb", "peaks", "board") and ``params`` on the source as it is now."""
        st = self.source.stat()
        facts = [CACHE_VERSION, kind, self.source.name, st.st_size, st.st_mtime_ns, sorted(params.items())]
        return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()[:32]

    def read(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def write(self, name: str, data: bytes) -> None:
        """Write ``name`` atomically (0600); then keep the cache within its bounds."""
        private_dir(self.folder)
        tmp = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, self.folder / name)
        self._trim()

    def _trim(self) -> None:
        _trim(self.folder, MAX_FILES_PER_MEDIA, MAX_BYTES_PER_MEDIA)
        global _writes
        with _locks_guard:
            _writes += 1
            due = _writes % USER_CHECK_EVERY == 0
        if due:
            _trim(self.folder.parent, None, MAX_BYTES_PER_USER)


def _trim(folder: Path, max_files: int | None, max_bytes: int) -> None:
    """Remove the oldest cached answers under ``folder`` beyond ``max_files`` or ``max_bytes``
    (files being written, named ``.*.tmp``, are left alone)."""
    entries = []
    for p in folder.rglob("*"):
        if p.name.startswith("."):
            continue
        with contextlib.suppress(OSError):
            st = p.stat()
            if not p.is_dir():
                entries.append((st.st_mtime_ns, st.st_size, p))
    entries.sort(reverse=True)  # newest first: they stay
    kept_bytes = 0
    for i, (_, size, p) in enumerate(entries):
        kept_bytes += size
        if (max_files is not None and i >= max_files) or kept_bytes > max_bytes:
            p.unlink(missing_ok=True)


def cache_dir(data_dir: Path, user_id: str, media_id: str, source: Path) -> CacheDir:
    """The cache of ``media_id`` (an upload or render id of ``user_id``) whose file is ``source``."""
    return CacheDir(Path(data_dir) / "pictures" / user_id / media_id, Path(source))


def _cached(cache: CacheDir, name: str, make: Callable[[], bytes]) -> bytes:
    """The cached bytes of ``name``, else ``make()`` written to the cache, one maker per key."""
    data = cache.read(name)
    if data is not None:
        return data
    with _lock_for(str(cache.folder / name)):
        data = cache.read(name)
        if data is None:
            data = make()
            cache.write(name, data)
        return data


@dataclass(frozen=True)
class Job:
    """One answer: ``hit`` its cached bytes (read when the job was made), else ``run()`` makes
    them (decoding: slow, for the media threads) and caches them."""

    cache: CacheDir
    name: str
    make: Callable[[], bytes]
    hit: bytes | None

    def run(self) -> bytes:
        return _cached(self.cache, self.name, self.make)


def _job(cache: CacheDir, kind: str, ext: str, make: Callable[[], bytes], **params: Any) -> Job:
    name = f"{cache.key(kind, **params)}.{ext}"
    return Job(cache, name, make, cache.read(name))


def _fmt(fmt: str) -> str:
    return "jpeg" if fmt in ("jpeg", "jpg") else "png"


def thumbnail_job(
    cache: CacheDir, t: float, width: int, height: int | None, *, exact: bool, fmt: str, still: bool = False
) -> Job:
    """The picture of the source at ``t`` (see ``media.thumbs``); ``still``: the source is a
    photo (EXIF orientation applied). Its bytes are read by :func:`read_thumbnail`.
    Raises FileNotFoundError when the source is gone; ``run()`` raises NoVideo / MediaError."""
    from tui.engine.media import thumbs

    fmt = _fmt(fmt)
    width = thumbs.clamp_side(width) or thumbs.MIN_SIDE
    height = thumbs.clamp_side(height)

    def make() -> bytes:
        if still:
            pic = thumbs.still(cache.source, width, height, fmt=fmt)
        else:
            pic = thumbs.frames(cache.source, [t], width, height, exact=exact, fmt=fmt)[0]
        return json.dumps({"t": pic.t, "mime": pic.mime}).encode() + b"\n" + pic.data

    t = 0.0 if still else round(t, 3)
    return _job(cache, "thumb", "pic", make, t=t, w=width, h=height, exact=exact, fmt=fmt)


def read_thumbnail(data: bytes) -> tuple[bytes, str, float]:
    """``(image bytes, mime, frame time s)`` of a thumbnail job's bytes."""
    head, _, image = data.partition(b"\n")
    meta = json.loads(head)
    return image, str(meta["mime"]), float(meta["t"])


def peaks_job(cache: CacheDir, count: int, duration: float | None) -> Job:
    """The peaks answer, JSON ``{"peaks": [float], "count", "duration", "has_audio"}`` (see ``media.peaks``)."""
    from tui.engine.media import peaks as peaks_module

    n = peaks_module.clamp_count(count)

    def make() -> bytes:
        p = peaks_module.peaks(cache.source, n, duration)
        body = {"peaks": list(p.values), "count": len(p.values), "duration": round(p.duration, 3),
                "has_audio": p.has_audio}  # fmt: skip
        return json.dumps(body).encode()

    return _job(cache, "peaks", "json", make, n=n, duration=round(duration or 0.0, 3))


def storyboard_job(
    cache: CacheDir,
    times: Sequence[float] | None,
    count: int,
    width: int,
    height: int | None,
    fmt: str,
    still: bool = False,
) -> Job:
    """JSON ``{"duration", "frames": [{"t", "mime", "width", "height", "data" (base64)}]}``: exact
    frames at ``times``, or at the middles of ``count`` equal spans of the duration; a photo
    (``still``) is one frame, upright."""
    from tui.engine.media import thumbs

    fmt = _fmt(fmt)
    width = thumbs.clamp_side(width) or thumbs.MIN_SIDE
    height = thumbs.clamp_side(height)

    def make() -> bytes:
        if still:
            pic = thumbs.still(cache.source, width, height, fmt=fmt)
            frame = {"t": 0.0, "mime": pic.mime, "width": pic.width, "height": pic.height,
                     "data": base64.b64encode(pic.data).decode("ascii")}  # fmt: skip
            return json.dumps({"duration": 0.0, "frames": [frame]}).encode()
        container, stream = thumbs.open_video(cache.source)
        try:
            total = thumbs.duration_s(container, stream) or 0.0
        finally:
            container.close()
        at = list(times) if times is not None else [total * (i + 0.5) / count for i in range(count)]
        pics = thumbs.frames(cache.source, at, width, height, exact=True, fmt=fmt)
        frames = [{"t": p.t, "mime": p.mime, "width": p.width, "height": p.height,
                   "data": base64.b64encode(p.data).decode("ascii")} for p in pics]  # fmt: skip
        return json.dumps({"duration": round(total, 3), "frames": frames}).encode()

    listed = list(times) if times is not None else None
    return _job(cache, "board", "json", make, times=listed, n=count, w=width, h=height, fmt=fmt, still=still)


def thumbnail(
    cache: CacheDir, t: float, width: int, height: int | None, *, exact: bool, fmt: str
) -> tuple[bytes, str, float]:
    """:func:`thumbnail_job` answered at once, from the cache or decoded (blocking)."""
    job = thumbnail_job(cache, t, width, height, exact=exact, fmt=fmt)
    return read_thumbnail(job.hit if job.hit is not None else job.run())


__all__ = [
    "MAX_FILES_PER_MEDIA", "CacheDir", "Job", "cache_dir", "peaks_job", "read_thumbnail", "storyboard_job",
    "thumbnail", "thumbnail_job",
]  # fmt: skip
