"""ffmpeg filter pieces for the draft's effects: speed (picture and pitch-kept sound), fades
of the picture/sound and of the music, title positions, crop-to-fill, and a file-size cap.

Pure functions: draft facts in, filter strings / arguments out; graph.py puts them in its
filtergraph. Keys read (written by tui.engine.draft_ops): video segment ``spd``, music
segment ``fi``/``fo`` (ms), text segment ``pos``, draft ``m.fade_in``/``m.fade_out`` (ms),
``m.fit`` ("crop"), ``m.max_mb`` / ``m.compact``.

Sources: ffmpeg-filters(1) — ``setpts`` (PTS/speed), ``atempo`` ("the tempo must be in the
[0.5, 100.0] range"; values under 0.5 are reached by chaining), ``fade``/``afade``
(``t``, ``st``, ``d``), ``drawtext`` (``x``/``y`` expressions with ``w``, ``h``, ``text_w``,
``text_h``); x264's rate control (``-b:v`` with ``-maxrate``/``-bufsize`` caps the bitrate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

MIN_SPEED, MAX_SPEED = 0.25, 4.0
COMPACT_CRF = "28"
SMALL_AUDIO_BITRATE = "96k"
SIZE_MARGIN = 0.88  # the container, AAC and x264 rate-control overshoot stay inside the cap


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


def _float(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def segment_speed(seg: Mapping[str, Any]) -> float:
    """A video segment's speed (``spd``), clamped to 0.25..4; 1.0 when absent."""
    speed = _float(seg.get("spd"), 1.0) or 1.0
    return max(MIN_SPEED, min(MAX_SPEED, speed))


def source_seconds(timeline_s: float, speed: float) -> float:
    """How much of the source a segment of ``timeline_s`` seconds at ``speed`` plays."""
    return timeline_s * speed


def video_speed(speed: float) -> str:
    """A ``setpts`` filter (with its trailing comma) for the speed, or "" at 1x.

    The timestamps are scaled from the input's own origin (not rebased on the stream's first
    one): a picture that starts late in its source keeps its offset to the sound (scaled too).
    """
    if abs(speed - 1.0) < 1e-6:
        return ""
    return f"setpts=PTS/{_num(speed)},"


def audio_speed(speed: float) -> str:
    """``atempo`` filters (trailing comma) that change the tempo and keep the pitch; "" at 1x.
    Each atempo stays within 0.5..2 (chained for 0.25 or 4)."""
    if abs(speed - 1.0) < 1e-6:
        return ""
    parts = []
    rest = speed
    while rest > 2.0 + 1e-9:
        parts.append(2.0)
        rest /= 2.0
    while rest < 0.5 - 1e-9:
        parts.append(0.5)
        rest /= 0.5
    parts.append(rest)
    return "".join(f"atempo={_num(p)}," for p in parts)


def fit_mode(meta: Mapping[str, Any]) -> str:
    """How a picture of another aspect fills the canvas: "pad" (black bars, the default) or
    "crop" (scaled to cover, the rest cut off; ``m.fit``)."""
    return "crop" if meta.get("fit") == "crop" else "pad"


def _fades(meta: Mapping[str, Any], total_s: float) -> tuple[float, float]:
    fin = max(0.0, _float(meta.get("fade_in")) / 1000.0)
    fout = max(0.0, _float(meta.get("fade_out")) / 1000.0)
    return min(fin, total_s / 2), min(fout, total_s / 2)


def fade_graph(meta: Mapping[str, Any], total_s: float, vlabel: str, alabel: str) -> tuple[list[str], str, str]:
    """Filtergraph lines that fade the whole picture and sound in/out, and the new output
    labels; no lines and the same labels when the draft has no fades."""
    fin, fout = _fades(meta, total_s)
    if fin <= 0 and fout <= 0:
        return [], vlabel, alabel
    v, a = [], []
    if fin > 0:
        v.append(f"fade=t=in:st=0:d={_num(fin)}")
        a.append(f"afade=t=in:st=0:d={_num(fin)}")
    if fout > 0:
        st = max(0.0, total_s - fout)
        v.append(f"fade=t=out:st={_num(st)}:d={_num(fout)}")
        a.append(f"afade=t=out:st={_num(st)}:d={_num(fout)}")
    return [f"{vlabel}{','.join(v)}[vfade]", f"{alabel}{','.join(a)}[afade]"], "[vfade]", "[afade]"


def music_fades(seg: Mapping[str, Any], dur_s: float) -> str:
    """``afade`` filters (trailing comma) for a music segment's ``fi``/``fo`` (before its delay)."""
    fin = min(max(0.0, _float(seg.get("fi")) / 1000.0), dur_s / 2)
    fout = min(max(0.0, _float(seg.get("fo")) / 1000.0), dur_s / 2)
    out = ""
    if fin > 0:
        out += f"afade=t=in:st=0:d={_num(fin)},"
    if fout > 0:
        out += f"afade=t=out:st={_num(max(0.0, dur_s - fout))}:d={_num(fout)},"
    return out


def title_xy(position: Any) -> tuple[str, str]:
    """drawtext ``x``/``y`` expressions for a title position (None/"center" = the middle);
    the margin is 5 % of the frame's height."""
    pos = str(position or "center").lower()
    m = "h*0.05"
    x = "(w-text_w)/2"
    y = "(h-text_h)/2"
    if pos.startswith("top"):
        y = m
    elif pos.startswith("bottom"):
        y = f"h-text_h-{m}"
    if pos.endswith("left"):
        x = m
    elif pos.endswith("right"):
        x = f"w-text_w-{m}"
    return x, y


def rate_args(meta: Mapping[str, Any], total_s: float, crf: str, audio_bitrate: str) -> list[str]:
    """x264/AAC rate arguments: constant quality by default; a stronger CRF for ``m.compact``;
    for ``m.max_mb`` (1 MB = 10^6 bytes) an average video bitrate capped with
    ``-maxrate``/``-bufsize`` so that picture + sound stay under the size."""
    max_mb = _float(meta.get("max_mb"))
    if max_mb > 0 and total_s > 0:
        audio_kbps = int(SMALL_AUDIO_BITRATE.rstrip("k"))
        video_kbps = max(50, int(max_mb * 8000 * SIZE_MARGIN / total_s) - audio_kbps)
        return [
            "-b:v",
            f"{video_kbps}k",
            "-maxrate",
            f"{video_kbps}k",
            "-bufsize",
            f"{max(25, video_kbps // 2)}k",
            "-c:a",
            "aac",
            "-b:a",
            SMALL_AUDIO_BITRATE,
        ]
    if meta.get("compact"):
        return ["-crf", COMPACT_CRF, "-c:a", "aac", "-b:a", SMALL_AUDIO_BITRATE]
    return ["-crf", crf, "-c:a", "aac", "-b:a", audio_bitrate]


def needs_encode(meta: Mapping[str, Any], speeds: Iterable[float]) -> bool:
    """Whether an effect rules out the stream-copy fast path."""
    fin, fout = _fades(meta, 1e9)
    return (
        fin > 0
        or fout > 0
        or bool(meta.get("compact"))
        or _float(meta.get("max_mb")) > 0
        or any(abs(s - 1.0) > 1e-6 for s in speeds)
    )
