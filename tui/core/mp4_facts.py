"""What a saved MP4 really is, read from its own boxes (pure Python, a few reads).

``mp4_facts(path) -> Mp4Facts``: picture size (``tkhd``, rotation ignored), the video and audio
codecs (the first sample entry of each track's ``stsd``: ``avc1``/``avc3`` → H.264,
``hvc1``/``hev1`` → H.265, ``av01`` → AV1, ``vp09`` → VP9, ``mp4a`` → AAC, ``Opus``, ``ac-3``),
the duration (``mvhd``) and the size on disk. Source: ISO/IEC 14496-12 (box layouts).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tui.core.files import _boxes, mp4_duration

_CODECS = {
    b"avc1": "H.264",
    b"avc3": "H.264",
    b"hvc1": "H.265",
    b"hev1": "H.265",
    b"av01": "AV1",
    b"vp09": "VP9",
    b"mp4a": "AAC",
    b"Opus": "Opus",
    b"ac-3": "AC-3",
    b"ec-3": "E-AC-3",
    b".mp3": "MP3",
    b"mp4v": "MPEG-4",
}


@dataclass(frozen=True)
class Mp4Facts:
    """``width``/``height`` in pixels (None without video), codec names (None when absent),
    ``duration_s`` in seconds (None when unknown), ``size_bytes`` on disk."""

    width: int | None
    height: int | None
    vcodec: str | None
    acodec: str | None
    duration_s: float | None
    size_bytes: int


def _child(fh: BinaryIO, payload: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for k, p, e in _boxes(fh, payload, end):
        if k == kind:
            return p, e
    return None


def mp4_facts(path: Path | str) -> Mp4Facts:
    """The facts of an MP4/MOV; fields stay None where the file does not say (never raises
    for a bad file: an unreadable one gives all None and its size)."""
    width = height = None
    vcodec = acodec = None
    size = 0
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            moov = _child(fh, 0, size, b"moov")
            for kind, payload, end in _boxes(fh, *moov) if moov else ():
                if kind != b"trak":
                    continue
                mdia = _child(fh, payload, end, b"mdia")
                if not mdia:
                    continue
                hdlr = _child(fh, *mdia, b"hdlr")
                handler = b""
                if hdlr:
                    fh.seek(hdlr[0] + 8)
                    handler = fh.read(4)
                minf = _child(fh, *mdia, b"minf")
                stbl = _child(fh, *minf, b"stbl") if minf else None
                stsd = _child(fh, *stbl, b"stsd") if stbl else None
                fourcc = b""
                if stsd:
                    fh.seek(stsd[0] + 8 + 4)  # version/flags, entry_count, then the entry's size
                    fourcc = fh.read(4)
                codec = _CODECS.get(fourcc, fourcc.decode("latin-1").strip() or None)
                if handler == b"vide" and vcodec is None:
                    vcodec = codec
                    tkhd = _child(fh, payload, end, b"tkhd")
                    if tkhd:
                        fh.seek(tkhd[1] - 8)  # width, height: the box's last 8 bytes (16.16 fixed point)
                        w, h = struct.unpack(">II", fh.read(8))
                        width, height = w >> 16, h >> 16
                elif handler == b"soun" and acodec is None:
                    acodec = codec
    except (OSError, struct.error, TypeError):
        pass
    return Mp4Facts(width, height, vcodec, acodec, mp4_duration(path), size)


__all__ = ["Mp4Facts", "mp4_facts"]
