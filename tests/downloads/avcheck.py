"""What a user would check in a saved audio file or a subtitled video (PyAV, Pillow)."""

from __future__ import annotations

from pathlib import Path

import av
from PIL import Image, ImageChops, ImageStat


def audio_packets(path: Path) -> list[bytes]:
    """The payloads of the first audio stream's packets, in order."""
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]


def stream_kinds(path: Path) -> list[tuple[str, str, str | None]]:
    """(type, codec, language) of every stream."""
    with av.open(str(path)) as c:
        return [(s.type, s.codec.canonical_name, s.metadata.get("language")) for s in c.streams]


def frame_at(path: Path, t: float) -> Image.Image:
    """The first decoded picture at or after ``t`` seconds."""
    with av.open(str(path)) as c:
        for frame in c.decode(c.streams.video[0]):
            if frame.time is not None and frame.time >= t - 1e-3:
                return frame.to_image()
    raise AssertionError(f"no frame at {t} s in {path.name}")


def difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """Mean absolute difference of two pictures (0..255, averaged over RGB), in ``box`` if given."""
    if box is not None:
        a, b = a.crop(box), b.crop(box)
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def changed_pixels(
    a: Image.Image, b: Image.Image, box: tuple[int, int, int, int] | None = None, level: int = 60
) -> int:
    """How many pixels differ by more than ``level`` (0..255) in their brightest channel."""
    if box is not None:
        a, b = a.crop(box), b.crop(box)
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    peak = ImageChops.lighter(ImageChops.lighter(*diff.split()[:2]), diff.split()[2])
    return sum(peak.point(lambda v: 255 if v > level else 0).histogram()[255:])
