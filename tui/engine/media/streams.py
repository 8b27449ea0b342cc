"""One stream's header facts, read from a PyAV stream (what ffprobe's -show_streams gives).

The enum values of colour range and transfer are FFmpeg's (libavutil/pixfmt.h:
AVColorRange, AVColorTransferCharacteristic); the names are the ones ffprobe prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# libavutil/pixfmt.h, enum AVColorRange
_RANGES = {1: "tv", 2: "pc"}
# libavutil/pixfmt.h, enum AVColorTransferCharacteristic
_TRANSFERS = {
    1: "bt709",
    4: "gamma22",
    5: "gamma28",
    6: "smpte170m",
    7: "smpte240m",
    8: "linear",
    11: "iec61966-2-4",
    13: "iec61966-2-1",
    14: "bt2020-10",
    15: "bt2020-12",
    16: "smpte2084",
    18: "arib-std-b67",
}


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a container.

    type: "video" | "audio" | "subtitle" | "attachment" | "data". start_s and duration_s
    are in seconds on the container's clock (None when the header has none). sar is the
    sample aspect ratio (w, h), None when unknown (treat as 1:1). avg_fps is the average
    frame rate, real_fps the base rate (r_frame_rate). bit_depth is bits per luma sample.
    attached_pic marks cover art (not a picture stream). language/title from metadata.
    """

    index: int
    type: str
    codec: str | None
    profile: str | None = None
    start_s: float | None = None
    duration_s: float | None = None
    width: int = 0
    height: int = 0
    sar: tuple[int, int] | None = None
    pix_fmt: str | None = None
    bit_depth: int | None = None
    color_range: str | None = None
    color_transfer: str | None = None
    avg_fps: float | None = None
    real_fps: float | None = None
    attached_pic: bool = False
    channels: int | None = None
    sample_rate: int | None = None
    layout: str | None = None
    language: str | None = None
    title: str | None = None


def _rate(value: Any) -> float | None:
    try:
        number = float(Fraction(value)) if value is not None else 0.0
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return round(number, 3) if 0 < number <= 1000 else None


def _seconds(value: Any, time_base: Any) -> float | None:
    if value is None or time_base is None:
        return None
    try:
        return float(value * time_base)
    except (TypeError, ValueError):
        return None


def _attr(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:
        return None


def read_stream(stream: Any) -> StreamInfo:
    """The facts of one av.stream.Stream (header only, nothing decoded)."""
    kind = str(_attr(stream, "type") or "data")
    cc = _attr(stream, "codec_context")
    codec_obj = _attr(cc, "codec") if cc is not None else None
    codec = (_attr(codec_obj, "canonical_name") or _attr(cc, "name")) if cc is not None else None
    meta = _attr(stream, "metadata") or {}
    common: dict[str, Any] = dict(
        index=int(stream.index),
        type=kind,
        codec=codec,
        profile=_attr(cc, "profile") if cc is not None else None,
        start_s=_seconds(_attr(stream, "start_time"), _attr(stream, "time_base")),
        duration_s=_seconds(_attr(stream, "duration"), _attr(stream, "time_base")),
        language=meta.get("language"),
        title=meta.get("title"),
    )
    if kind == "video" and cc is not None:
        fmt = _attr(cc, "format")
        components = _attr(fmt, "components") if fmt is not None else None
        sar = _attr(stream, "sample_aspect_ratio") or _attr(cc, "sample_aspect_ratio")
        sar_pair = (sar.numerator, sar.denominator) if isinstance(sar, Fraction) and sar > 0 else None
        disposition = _attr(stream, "disposition")
        return StreamInfo(
            **common,
            width=int(_attr(cc, "width") or 0),
            height=int(_attr(cc, "height") or 0),
            sar=sar_pair,
            pix_fmt=_attr(fmt, "name") if fmt is not None else None,
            bit_depth=int(components[0].bits) if components else None,
            color_range=_RANGES.get(int(_attr(cc, "color_range") or 0)),
            color_transfer=_TRANSFERS.get(int(_attr(cc, "color_trc") or 0)),
            avg_fps=_rate(_attr(stream, "average_rate")),
            real_fps=_rate(_attr(stream, "base_rate")) or _rate(_attr(stream, "guessed_rate")),
            attached_pic=bool(disposition is not None and int(disposition) & 0x400),  # AV_DISPOSITION_ATTACHED_PIC
        )
    if kind == "audio" and cc is not None:
        layout = _attr(cc, "layout")
        return StreamInfo(
            **common,
            channels=int(_attr(cc, "channels") or 0) or None,
            sample_rate=int(_attr(cc, "sample_rate") or 0) or None,
            layout=_attr(layout, "name") if layout is not None else None,
        )
    return StreamInfo(**common)
