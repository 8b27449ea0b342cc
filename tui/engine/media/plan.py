"""Reading a draft into a render plan: clips, music, titles, the output canvas and its bounds.

The draft format is described in contracts.md ("The draft"). Video-track segments (tt=0) play
back to back; audio-track segments (tt=1) are background music mixed in at their volume and
start time; text-track segments (tt=7) are titles drawn for their time range.

Every length in the plan comes from real media (the probe measures it from packets): a
segment never plays longer than what is left of its source, and the output is refused when
it exceeds the caps of limits.py (length, pixels per second).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import effects as _fx
from . import limits as _limits
from .errors import MediaError, RenderError
from .probe import MediaInfo, probe

VIDEO_TRACK, AUDIO_TRACK, TEXT_TRACK = 0, 1, 7
DEFAULT_SIZE = (1920, 1080)
DEFAULT_FPS = 30.0
IMAGE_SECONDS = 5.0  # a still with no duration shows this long
MAX_SIDE = 8192
HOLD_MAX_S = 10.0  # how long a segment may run past the end of its source (last frame held)
_RESOLUTIONS = {
    "4320p": 4320,
    "8k": 4320,
    "2160p": 2160,
    "4k": 2160,
    "1440p": 1440,
    "2k": 1440,
    "1080p": 1080,
    "720p": 720,
    "540p": 540,
    "480p": 480,
    "360p": 360,
    "240p": 240,
}
_HIGHEST = {"highest", "source", "original", "max", "best"}
# H.264 profiles a High decoder plays (every phone, browser and TV): the fast path keeps them.
_PLAYABLE_H264_PROFILES = {"High", "Main", "Constrained Baseline"}


@dataclass
class Clip:
    """One source played in the output: in_s in seconds of the source's own clock (its time
    origin is 0); dur_s in seconds of the output (it plays ``dur_s * speed`` seconds of the
    source); start_s is the timeline start (music only; video clips play back to back); vol
    1.0 = 100 %; speed: source seconds per output second (effects.segment_speed); seg: the
    draft segment, for the effects that read it (music fades)."""

    name: str
    path: Path
    info: MediaInfo
    in_s: float
    dur_s: float
    vol: float
    start_s: float = 0.0
    speed: float = 1.0
    seg: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Title:
    """A title drawn from start_s to end_s (seconds of the output) at pos (the draft's
    ``pos``: None/"center", "top", "bottom-left", ...; effects.title_xy)."""

    text: str
    start_s: float
    end_s: float
    pos: Any = None


@dataclass
class Plan:
    """Everything the filter graph needs: canvas (even width/height), fps, total length;
    meta: the draft's ``m`` (the effects read fades, fit, size cap from it)."""

    width: int
    height: int
    fps: float
    total_s: float
    mute: bool
    clips: list[Clip] = field(default_factory=list)
    music: list[Clip] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    remux: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        """Plain-words notes about conversions the render makes (HDR to SDR, 10-bit)."""
        out: list[str] = []
        for clip in self.clips:
            info = clip.info
            if info.is_hdr:
                out.append(f"{clip.name} is HDR: it was converted to standard range (SDR) so it plays everywhere.")
            elif (info.bit_depth or 8) > 8:
                out.append(f"{clip.name} is {info.bit_depth}-bit: it was converted to 8-bit so it plays everywhere.")
        return list(dict.fromkeys(out))


# ---------------------------------------------------------------------------- draft reading


def _get(seg: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if key in seg and seg[key] is not None:
            return seg[key]
    return default


def _ms(seg: Mapping[str, Any], *keys: str, default: float = 0.0) -> float:
    """A time in ms (as written by the engine) converted to seconds; garbage -> default."""
    value = _get(seg, *keys)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if isinstance(value, bool) or not math.isfinite(number):
        return default
    return max(0.0, number / 1000.0)


def _volume(seg: Mapping[str, Any]) -> float:
    value = _get(seg, "vol", "volume", default=100)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 1.0
    if not math.isfinite(number):
        return 1.0
    return max(0.0, min(number, 1000.0)) / 100.0


def _tracks(draft: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    tracks = _get(draft, "t", "tracks", default=[])
    return [t for t in tracks if isinstance(t, Mapping)] if isinstance(tracks, list) else []


def _track_type(track: Mapping[str, Any]) -> int | None:
    value = _get(track, "tt", "type", "type_code")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _segments(track: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    segs = _get(track, "sg", "segments", default=[])
    segs = [s for s in segs if isinstance(s, Mapping)] if isinstance(segs, list) else []
    return sorted(segs, key=lambda s: _ms(s, "s", "start", "start_ms"))


# ---------------------------------------------------------------------------- canvas


def _aspect(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[:/x]\s*(\d+)\s*", value)
    if not m or int(m.group(1)) <= 0 or int(m.group(2)) <= 0:
        return None
    return int(m.group(1)), int(m.group(2))


def even(n: float) -> int:
    """n rounded to an even number of pixels in 2..MAX_SIDE (H.264 4:2:0 needs even sides)."""
    return max(2, min(MAX_SIDE, int(round(n / 2.0)) * 2))


def _fit_aspect(short_side: int, aspect: tuple[int, int]) -> tuple[int, int]:
    """A canvas with the given aspect whose short side is short_side."""
    a, b = aspect
    if a >= b:
        return even(short_side * a / b), even(short_side)
    return even(short_side), even(short_side * b / a)


def _same_ratio(w: int, h: int, aspect: tuple[int, int]) -> bool:
    return abs(w / h - aspect[0] / aspect[1]) < 0.01


def output_size(meta: Mapping[str, Any], visuals: list[MediaInfo]) -> tuple[int, int]:
    """The canvas: m.width/height, or the largest source's DISPLAY size for "highest".

    An aspect different from the source's keeps the source's short side and pads the rest.
    """
    resolution = str(meta.get("resolution") or "").strip().lower()
    aspect = _aspect(meta.get("aspect"))
    largest = max(visuals, key=lambda i: (i.width or 0) * (i.height or 0), default=None)
    try:
        w, h = int(meta.get("width")), int(meta.get("height"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        w = h = 0
    if resolution in _HIGHEST or (not resolution and (w <= 0 or h <= 0)):
        if largest is not None and largest.width and largest.height:
            w, h = largest.width, largest.height
        elif w <= 0 or h <= 0:
            w, h = DEFAULT_SIZE
        if aspect and not _same_ratio(w, h, aspect):
            w, h = _fit_aspect(min(w, h), aspect)
        return even(w), even(h)
    if w > 0 and h > 0:
        return even(w), even(h)
    short = _RESOLUTIONS.get(resolution, 1080)
    if aspect is None and largest is not None and largest.width and largest.height:
        aspect = (largest.width, largest.height)
    return _fit_aspect(short, aspect or (16, 9))


def _output_fps(meta: Mapping[str, Any], clips: list[Clip]) -> float:
    try:
        fps = float(meta.get("fps"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        fps = 0.0
    if math.isfinite(fps) and 1 <= fps <= 120:
        return round(fps, 3)
    rates = [c.info.fps for c in clips if c.info.kind == "video" and c.info.fps]
    return min(60.0, round(max(rates), 3)) if rates else DEFAULT_FPS


# ---------------------------------------------------------------------------- plan


def _source(seg: Mapping[str, Any], sources: Mapping[str, Path | str]) -> tuple[str, Path, MediaInfo]:
    src = _get(seg, "src", "source", "source_id", default="")
    name = str(_get(seg, "name", "title", default=src) or src)
    path = sources.get(src) if isinstance(src, str) else None
    if path is None:
        raise RenderError(f"The draft refers to media that is not available: {name or 'unnamed'}.")
    path = Path(path)
    try:
        info = probe(path)
    except MediaError as exc:
        raise RenderError(f"Cannot render {name}: {exc.message}") from exc
    return name, path, info


def _clip(kind: int | None, seg: Mapping[str, Any], sources: Mapping[str, Path | str]) -> Clip | None:
    """A clip whose length is bounded by what its source really holds (None: nothing plays).

    The segment's ``d`` is its length on the timeline; at a speed other than 1x (video track
    only) it plays ``d * speed`` seconds of its source.
    """
    name, path, info = _source(seg, sources)
    dur = _ms(seg, "d", "duration", "duration_ms")
    in_s = _ms(seg, "in", "in_ms", "source_in")
    speed = _fx.segment_speed(seg) if kind == VIDEO_TRACK else 1.0
    if info.kind == "image":
        dur = dur if dur > 0 else IMAGE_SECONDS
        in_s = 0.0
    else:
        if info.duration_s > 0 and in_s > info.duration_s - 0.1:
            # An in-point past the end of the source: music wraps around, pictures show
            # the source's last stretch rather than nothing.
            in_s = (
                in_s % info.duration_s
                if kind == AUDIO_TRACK
                else max(0.0, info.duration_s - _fx.source_seconds(dur or 0, speed))
            )
        rest = max(0.0, info.duration_s - in_s) / speed  # seconds of the output
        if dur <= 0:  # no duration: play the rest of the source
            dur = rest
        elif kind == VIDEO_TRACK:
            # Past the real end of the media (measured, not declared) the last frame is held
            # for a short while at most: the timeline keeps its length, a lie does not.
            dur = min(dur, rest + HOLD_MAX_S)
    if dur <= 0:
        return None
    return Clip(name, path, info, in_s, dur, _volume(seg), _ms(seg, "s", "start", "start_ms"), speed, seg)


def _check_bounds(width: int, height: int, fps: float, total: float) -> None:
    lim = _limits.current()
    if total > lim.max_render_seconds:
        raise RenderError(
            f"The export would last {total / 3600:.1f} h: the limit is "
            f"{lim.max_render_seconds / 3600:.1f} h (NEMO_MAX_RENDER_SECONDS). Trim it first."
        )
    if width * height * fps > lim.max_render_pixel_rate:
        raise RenderError(
            f"{width}x{height} at {fps:g} fps is more picture than this engine renders "
            f"(NEMO_MAX_RENDER_PIXEL_RATE): choose a smaller size or frame rate."
        )


def plan_draft(draft: Mapping[str, Any], sources: Mapping[str, Path | str]) -> Plan:
    """The plan for a draft; raises RenderError (plain words) for anything it cannot render."""
    if not isinstance(draft, Mapping):
        raise RenderError("The draft is not a timeline: nothing to render.")
    meta = _get(draft, "m", "meta", default={})
    meta = meta if isinstance(meta, Mapping) else {}
    clips: list[Clip] = []
    music: list[Clip] = []
    titles: list[Title] = []
    for track in _tracks(draft):
        kind = _track_type(track)
        for seg in _segments(track):
            if kind == TEXT_TRACK:
                text = str(_get(seg, "text", "content", "name", "title", default="") or "")
                start = _ms(seg, "s", "start", "start_ms")
                dur = _ms(seg, "d", "duration", "duration_ms")
                if text.strip() and dur > 0:
                    titles.append(Title(text, start, start + dur, _get(seg, "pos")))
                continue
            if kind not in (VIDEO_TRACK, AUDIO_TRACK):
                continue
            clip = _clip(kind, seg, sources)
            if clip is None:
                continue
            if kind == VIDEO_TRACK:
                clips.append(clip)
            elif clip.info.has_audio:
                music.append(clip)
    width, height = output_size(meta, [c.info for c in clips if c.info.has_video])
    fps = _output_fps(meta, clips)
    if clips:
        total = sum(c.dur_s for c in clips)
    else:  # no pictures: as long as the music (bounded by its real length), else the titles
        ends = [m.start_s + min(m.dur_s, m.info.duration_s) for m in music]
        ends = ends or [t.end_s for t in titles]
        declared = _ms(draft, "d", "duration", "duration_ms")
        total = min(max(ends), declared or max(ends)) if ends else 0.0
    if total <= 0:
        raise RenderError("The draft has nothing to render yet: add a video, an image or music first.")
    _check_bounds(width, height, fps, total)
    titles = [Title(t.text, t.start_s, min(t.end_s, total), t.pos) for t in titles if t.start_s < total]
    plan = Plan(width, height, fps, round(total, 3), bool(meta.get("mute")), clips, music, titles, meta=meta)
    plan.remux = can_remux(plan)
    return plan


def plays_everywhere(info: MediaInfo) -> bool:
    """H.264 (High/Main/Constrained Baseline), yuv420p 8-bit limited range, square pixels, no
    rotation, even sides, and AAC-LC sound (or none): copied into the MP4 as it is."""
    if info.kind != "video" or info.vcodec != "h264" or info.pix_fmt != "yuv420p":
        return False
    if info.vprofile not in _PLAYABLE_H264_PROFILES or (info.bit_depth or 8) != 8:
        return False
    if info.color_range == "pc" or info.is_hdr or info.sar not in ((1, 1),) or info.rotation:
        return False
    if (info.width or 0) % 2 or (info.height or 0) % 2:
        return False
    return not info.has_audio or (info.acodec == "aac" and info.aprofile in ("LC", None))


def can_remux(plan: Plan) -> bool:
    """One untouched clip that plays everywhere, already at the output size, with no effect
    that needs an encode (speed, fades, a size cap): stream copy."""
    if len(plan.clips) != 1 or plan.music or plan.titles or plan.mute:
        return False
    if _fx.needs_encode(plan.meta, (c.speed for c in plan.clips)):
        return False
    clip = plan.clips[0]
    info = clip.info
    if not plays_everywhere(info):
        return False
    if clip.in_s > 0.001 or abs(clip.vol - 1.0) > 1e-6:
        return False
    frame = 1.0 / (info.fps or DEFAULT_FPS)
    if abs(clip.dur_s - info.duration_s) > max(0.1, 2 * frame):
        return False
    return (info.width, info.height) == (plan.width, plan.height)
