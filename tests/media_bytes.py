"""Small media byte strings for tests that need a file of a given size and the right structure."""

from __future__ import annotations

import struct


def mp4_bytes(size: int, fill: int = 0) -> bytes:
    """A structurally whole MP4 of about ``size`` bytes: ftyp, moov with a 100-byte mvhd
    (timescale 1000, 2 s), then mdat filled from ``fill`` (ISO/IEC 14496-12 box layout).
    Whole as the download check sees it (boxes tile the file, moov/mvhd present); not playable."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    mvhd_payload = struct.pack(">IIIII", 0, 0, 0, 1000, 2000) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_payload), b"mvhd") + mvhd_payload
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    body = bytes((fill + i) % 251 for i in range(max(0, size - len(ftyp) - len(moov) - 8)))
    return ftyp + moov + struct.pack(">I4s", 8 + len(body), b"mdat") + body
