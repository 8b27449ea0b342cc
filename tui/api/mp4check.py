"""Is a downloaded MP4/MOV whole? A structural check of its ISO-BMFF boxes (no decoding).

A file is taken as whole when its top-level boxes tile it exactly (each box's declared size
ends inside the file and the last one ends at its last byte) and it holds a ``moov`` box with
a ``mvhd`` (movie header) inside. A download cut anywhere, or bytes appended after the end,
breaks one of these. Box layout: ISO/IEC 14496-12, 4.2 (32-bit size, type; size 1 = a 64-bit
size follows; size 0 = to the end of the file).
"""

from __future__ import annotations

import os
import struct

# Suffixes whose files are ISO-BMFF (the formats this check understands).
ISO_BMFF_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".m4a"})
_MAX_BOXES = 100_000


def _boxes(fd: int, start: int, end: int) -> tuple[list[tuple[bytes, int, int]], str | None]:
    """(kind, payload_start, box_end) for each box in [start, end), and a problem if they do not tile it."""
    found: list[tuple[bytes, int, int]] = []
    pos = start
    while pos < end:
        if len(found) >= _MAX_BOXES:
            return found, "too many boxes"
        head = os.pread(fd, 16, pos)
        if len(head) < 8 or pos + 8 > end:
            return found, f"a box header is cut at byte {pos}"
        size, kind = struct.unpack(">I4s", head[:8])
        payload = pos + 8
        if size == 1:
            if len(head) < 16 or pos + 16 > end:
                return found, f"a box header is cut at byte {pos}"
            size = struct.unpack(">Q", head[8:16])[0]
            payload = pos + 16
        elif size == 0:
            size = end - pos
        if size < payload - pos:
            return found, f"a box at byte {pos} has an impossible size"
        if pos + size > end:
            return found, f"the {kind.decode('latin-1')!r} box at byte {pos} needs {pos + size - end} more bytes"
        found.append((kind, payload, pos + size))
        pos += size
    return found, None


def mp4_problem(fd: int) -> str | None:
    """None when the open file ``fd`` is a structurally whole MP4/MOV, else what is wrong (plain words)."""
    end = os.fstat(fd).st_size
    if end == 0:
        return "the file is empty"
    top, problem = _boxes(fd, 0, end)
    if problem:
        return problem
    for kind, payload, box_end in top:
        if kind == b"moov":
            inner, problem = _boxes(fd, payload, box_end)
            if problem:
                return "the movie header is damaged: " + problem
            if any(k == b"mvhd" for k, _p, _e in inner):
                return None
            return "the movie header (mvhd) is missing"
    return "the movie index (moov) is missing"


__all__ = ["ISO_BMFF_SUFFIXES", "mp4_problem"]
