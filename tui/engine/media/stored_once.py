"""Stored once: the render of an untouched H.264/AAC MP4 is the source file itself (a hard link).

``render_draft`` has the contract of ``render.render_draft``. When the draft is one whole clip
that the renderer would only stream-copy (``render``'s own remux test: H.264 4:2:0, AAC or no
sound, no trim, no volume change, no titles or music, already at the output size) and the
source is an MP4 holding nothing but that picture and at most one sound track, the output is
a hard link to the source: no ffmpeg run and no second copy on disk. Anything else — or a
file system without hard links — renders as before.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from . import render as _render
from .errors import MediaError, RenderCancelled
from .plan import plan_draft
from .probe import MediaInfo


def _boxes(fh: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        fh.seek(pos)
        head = fh.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        payload = pos + 8
        if size == 1:
            size = struct.unpack(">Q", fh.read(8))[0]
            payload = pos + 16
        elif size == 0:
            size = end - pos
        if size < payload - pos:
            return
        yield kind, payload, min(pos + size, end)
        pos += size


def _only_av_tracks(path: Path) -> bool:
    """An ISO-BMFF file (``ftyp`` first) whose ``moov`` holds one video track and at most one
    sound track, nothing else (no subtitles, data or chapter tracks a remux would drop)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            top = list(_boxes(fh, 0, size))
            if not top or top[0][0] != b"ftyp":
                return False
            moov = next(((p, e) for k, p, e in top if k == b"moov"), None)
            if moov is None:
                return False
            handlers: list[bytes] = []
            for kind, p, e in _boxes(fh, *moov):
                if kind != b"trak":
                    continue
                mdia = next(((mp, me) for mk, mp, me in _boxes(fh, p, e) if mk == b"mdia"), None)
                hdlr = next(((hp, he) for hk, hp, he in _boxes(fh, *mdia) if hk == b"hdlr"), None) if mdia else None
                if hdlr is None:
                    return False
                fh.seek(hdlr[0] + 8)
                handlers.append(fh.read(4))
    except (OSError, struct.error):
        return False
    return handlers.count(b"vide") == 1 and handlers.count(b"soun") <= 1 and len(handlers) <= 2


def linkable_source(draft: Mapping[str, Any], sources: Mapping[str, Path | str]) -> tuple[Path, MediaInfo] | None:
    """(the source file the render of ``draft`` would equal, its probed facts), or None."""
    try:
        plan = plan_draft(draft, sources)
    except MediaError:
        return None
    if not plan.remux:
        return None
    clip = plan.clips[0]
    src = Path(clip.path)
    if src.suffix.lower() not in (".mp4", ".m4v") or not _only_av_tracks(src):
        return None
    return src, clip.info


def render_draft(
    draft: Mapping[str, Any],
    sources: Mapping[str, Path | str],
    out_path: Path | str,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    allow_remux: bool = True,
    allow_smart: bool = True,
) -> Any:
    """A hard link to the source when the render would only copy it; else ``render.render_draft``."""
    out = Path(out_path)
    found = linkable_source(draft, sources) if allow_remux else None
    if found is not None:
        src, info = found
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("The render was cancelled.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.unlink(missing_ok=True)
            os.link(src, out)
        except OSError:
            pass  # another file system, or no hard links here: render the usual way
        else:
            if progress is not None:
                progress(100.0)
            return _render.RenderResult(
                path=out,
                remuxed=True,
                duration_s=info.duration_s or 0.0,
                width=info.width,
                height=info.height,
                vcodec=info.vcodec,
                acodec=info.acodec,
                size_bytes=out.stat().st_size,
                route="remux",
                note="remux: the source file itself (hard link)",
            )
    return _render.render_draft(
        draft, sources, out, progress=progress, cancel=cancel, allow_remux=allow_remux, allow_smart=allow_smart
    )


__all__ = ["linkable_source", "render_draft"]
