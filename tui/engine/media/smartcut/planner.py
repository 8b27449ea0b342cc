"""Deciding, per export, whether the smart render applies and which frames are copied.

A clip's kept frames are split into GOP units at its keyframes; a run of whole units that
starts at an IDR, lies inside the kept range and carries no overlay is stream-copied (an
open GOP's leading B-frames count with the keyframe they depend on); everything else is
re-encoded. The frames kept
are exactly the ones the full render keeps: those at or after the in-point, ceil(dur x fps)
of them (ffmpeg's accurate -ss, then trim=duration). Anything the copy cannot reproduce
bit for bit (scaling, another frame rate, an aspect change, a whole-picture filter, two
sources with different parameter sets) returns a Fallback naming the reason.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import MediaError
from ..rates import exact_fps
from .analysis import VideoFacts, analyse
from .request import SmartRequest

_EPS_S = 1e-6  # ffmpeg's timestamps are microseconds: closer than this is "at"


@dataclass(frozen=True)
class Run:
    """frames [first, first+count) of clip `clip`'s source, shown from output frame out_start."""

    clip: int
    first: int
    count: int
    copy: bool
    out_start: int
    stop_pts: int | None = None  # a copy stops before the keyframe packet with this pts (None: end of file)
    # An edge's first picture is shown `lead` extra times before it (count includes them): the
    # full render's fps filter (round=near, start_time=0) repeats a clip's first frame when it
    # falls half a frame or more after the in-point. It shows frames first..first+count-lead-1.
    lead: int = 0


@dataclass(frozen=True)
class SmartPlan:
    """What the smart render will do: runs in output order covering `frames` output frames."""

    request: SmartRequest
    facts: tuple[VideoFacts, ...]
    runs: tuple[Run, ...]
    frames: int
    fps: Fraction

    @property
    def hevc(self) -> bool:
        """The sources are HEVC: the export is HEVC too (hev1 sample entry, parameter sets in-band)."""
        return self.facts[0].hvcc is not None

    @property
    def reencoded_frames(self) -> int:
        return sum(r.count for r in self.runs if not r.copy)

    def note(self) -> str:
        """The export's final line, e.g. "smart render: 6 s of 600 re-encoded"."""
        line = (
            f"smart render: {_secs(self.reencoded_frames / self.fps)} s of {_secs(self.frames / self.fps)} re-encoded"
        )
        if self.hevc:  # in-band parameter sets (hev1): Apple's players only take hvc1
            line += " (HEVC kept as HEVC, hev1: plays in VLC, Chrome, Android, ffmpeg; not Apple players)"
        return line


@dataclass(frozen=True)
class Fallback:
    """The smart render does not apply; reason is plain words for the export's final line."""

    reason: str

    def note(self) -> str:
        return f"full re-encode: {self.reason}"


def _secs(value: Fraction) -> str:
    v = float(value)
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"


def _frames_of(facts: VideoFacts, in_s: float, dur_s: float, fps: Fraction) -> tuple[int, int, int] | str:
    """(first frame index, output frames, lead) the full render keeps, or why they cannot be copied.

    ffmpeg's accurate -ss keeps the frames at or after the in-point; its fps filter (round=near,
    start_time=0) puts the first one at output frame round(offset x fps), offset = its time
    after the in-point, and repeats it before that (lead = 1 when offset >= half a frame).
    """
    tb = facts.time_base
    in_ticks = facts.start_ticks + Fraction(in_s) / tb
    first = bisect.bisect_left(facts.pts, math.ceil(in_ticks - Fraction(_EPS_S) / tb))
    count = math.ceil(Fraction(dur_s) * fps - Fraction(1, 1000))
    if count <= 0:
        return "an empty clip"
    if first >= len(facts.pts):
        return f"{facts.path.name}: the kept range runs past its last frame"
    lead = math.floor(max(Fraction(0), (facts.pts[first] - in_ticks) * tb * fps) + Fraction(1, 2))
    end = facts.start_ticks + Fraction(in_s + dur_s) / tb - Fraction(_EPS_S) / tb
    available = bisect.bisect_left(facts.pts, math.ceil(end)) - first
    if available < count - lead:  # the full render repeats the last picture (tpad) to fill the span
        return f"{facts.path.name}: the kept range runs past its last frame"
    return first, count, lead


def _units(facts: VideoFacts) -> list[tuple[int, int | None, int, int | None]]:
    """The GOP units between keyframes: (start, stop, keyframe, next keyframe), display indexes.

    A unit is decoded from its keyframe's packet up to the next keyframe's and shows frames
    [start, stop): start is its keyframe minus the leading frames shown before it (open GOPs).
    stop is None after the last keyframe when the file's end was not read.
    """
    keys = list(facts.keys)
    out: list[tuple[int, int | None, int, int | None]] = []
    for n, key in enumerate(keys):
        nxt = keys[n + 1] if n + 1 < len(keys) else None
        stop = facts.cuts.get(nxt, nxt) if nxt is not None else (len(facts.pts) if facts.ends_at_eof else None)
        out.append((facts.cuts.get(key, key), stop, key, nxt))
    return out


def _chunks(
    facts: VideoFacts,
    first: int,
    count: int,
    shown: Callable[[int, int], bool],
) -> list[tuple[int, int, int | None]]:
    """[a, b) stretches of the frames first..first+count with the keyframe a copy stops at.

    A stretch to copy starts at an IDR, runs over whole units inside the range that
    `shown(a, b)` (an overlay) does not touch, and stops before a keyframe's packet
    (stop index; None: the end of the file). Re-encoded stretches have stop -1.
    """
    end = first + count
    idr = set(facts.idr)
    copies: list[tuple[int, int, int | None]] = []
    for start, stop, key, nxt in _units(facts):
        if stop is None or start < first or stop > end or shown(start, stop):
            continue
        if copies and copies[-1][1] == start:  # the next unit of a copy already running
            copies[-1] = (copies[-1][0], stop, nxt)
        elif key in idr and (start == key or facts.hvcc is not None):
            # A copy may only begin at an IDR. An HEVC IDR_W_RADL's leading pictures (shown before
            # it, decoded after) are RADL: they refer to nothing before the IDR (H.265 7.4.2.2),
            # so the copy from its packet shows them too.
            copies.append((start, stop, nxt))
    out: list[tuple[int, int, int | None]] = []
    at = first
    for a, b, nxt in copies:
        if a > at:
            out.append((at, a, -1))
        out.append((a, b, nxt))
        at = b
    if at < end:
        out.append((at, end, -1))
    return out


def _colour_words(colour: tuple[int, int, int, int]) -> str:
    """(primaries, transfer, matrix, range) as ffmpeg's enums, in words."""
    if colour == (1, 1, 1, 1):
        return "BT.709 limited range"
    if colour[:3] == (2, 2, 2):
        return "no colour tags"
    return "colour tags {}/{}/{}/{} (primaries/transfer/matrix/range)".format(*colour)


def _source_reason(facts: VideoFacts, req: SmartRequest, fps: Fraction) -> str | None:
    name = facts.path.name
    if facts.codec == "hevc":
        return _hevc_reason(facts, req, fps)
    if facts.codec != "h264":
        return f"{name} is {facts.codec or 'not video'}, not H.264 or HEVC"
    if facts.avcc is None:
        return f"{name} carries no avcC parameter sets"
    if facts.avcc.profile not in (66, 77, 100):  # what an 8-bit libx264 can match (Baseline/Main/High)
        return f"{name} uses H.264 profile {facts.avcc.profile}, which the edge encoder cannot match"
    if facts.avcc.length_size != 4:  # libx264 in MP4 writes 4-byte NAL lengths
        return f"{name} uses {facts.avcc.length_size}-byte NAL lengths"
    return _picture_reason(facts, req, fps)


def _hevc_reason(facts: VideoFacts, req: SmartRequest, fps: Fraction) -> str | None:
    """Why an HEVC source cannot be copied with libx265 edges (hvcC: ISO/IEC 14496-15 8.3.3.1)."""
    name, cfg = facts.path.name, facts.hvcc
    if cfg is None:
        return f"{name} carries no hvcC parameter sets"
    if cfg.profile != 1 or cfg.bit_depth != 8 or cfg.chroma != 1:  # Main: what an 8-bit 4:2:0 export holds
        return f"{name} uses HEVC profile {cfg.profile} ({cfg.bit_depth}-bit), which the edge encoder cannot match"
    if cfg.tier != 0:
        return f"{name} uses the HEVC High tier"
    if cfg.length_size != 4:  # libx265 in MP4 writes 4-byte NAL lengths
        return f"{name} uses {cfg.length_size}-byte NAL lengths"
    return _picture_reason(facts, req, fps)


def _picture_reason(facts: VideoFacts, req: SmartRequest, fps: Fraction) -> str | None:
    name = facts.path.name
    if (facts.width, facts.height) != (req.width, req.height):
        return f"{name} is {facts.width}x{facts.height}, the export {req.width}x{req.height}"
    if facts.pix_fmt != "yuv420p":
        return f"{name} is {facts.pix_fmt}, the export yuv420p"
    if req.colour is not None and facts.colour != req.colour:
        return f"{name} has {_colour_words(facts.colour)}, the export {_colour_words(req.colour)}"
    if facts.sar != 1 or facts.rotation:
        return f"{name} has non-square pixels or a rotation"
    if facts.fps is None:
        return f"{name} has a variable frame rate"
    if facts.fps != fps:
        return f"{name} is {float(facts.fps):.3f} fps, the export {float(fps):.3f} fps"
    if not facts.idr:
        return f"{name} has no IDR frames to cut at"
    return None


def plan_smart_render(req: SmartRequest) -> SmartPlan | Fallback:
    """Plan a smart render of req, or say why the full re-encode must run.

    Reads each source's packets once (PyAV); never raises for media it cannot use (a
    Fallback says why). Cost: one demux pass per distinct source.
    """
    if not req.clips:
        return Fallback("nothing to copy")
    if req.whole_picture_filters:
        return Fallback(f"a filter changes every frame ({req.whole_picture_filters[0]})")
    fps = exact_fps(req.fps)  # 29.97 -> 30000/1001, as the full render's ffmpeg arguments (rates.py)
    if abs(float(fps) - req.fps) > 1e-3:
        return Fallback(f"the export's frame rate {req.fps} is not exact")
    windows: dict[Path, list[tuple[float, float]]] = {}
    for clip in req.clips:
        windows.setdefault(clip.path, []).append((clip.in_s, clip.in_s + clip.dur_s))
    cache: dict[Path, VideoFacts] = {}
    facts: list[VideoFacts] = []
    for clip in req.clips:
        if clip.path not in cache:
            try:
                cache[clip.path] = analyse(clip.path, windows[clip.path])
            except MediaError as exc:
                return Fallback(exc.message)
        f = cache[clip.path]
        reason = _source_reason(f, req, fps)
        if reason:
            return Fallback(reason)
        facts.append(f)
    if len({f.codec for f in cache.values()}) > 1:
        return Fallback("the clips use different codecs")
    configs = {c.to_bytes() for f in cache.values() for c in (f.avcc, f.hvcc) if c is not None}
    if len(configs) > 1:
        return Fallback("the clips were encoded with different parameters (SPS/PPS)")
    time_bases = {f.time_base for f in cache.values()}
    if len(time_bases) > 1:
        return Fallback("the clips have different time bases")

    runs: list[Run] = []
    out = 0
    for index, (clip, f) in enumerate(zip(req.clips, facts, strict=True)):
        span = _frames_of(f, clip.in_s, clip.dur_s, fps)
        if isinstance(span, str):
            return Fallback(span)
        first, count, lead = span
        base = out + lead  # output frame of source frame `first`

        def shown(a: int, b: int, f: VideoFacts = f, first: int = first, base: int = base, lead: int = lead) -> bool:
            # a repeated first frame is drawn by an edge: the stretch it opens is never copied
            return (lead > 0 and a == first) or _touches_overlay(req, base + a - first, b - a, fps)

        for a, b, stop in _chunks(f, first, count - lead, shown):
            copy = stop != -1
            stop_pts = f.pts[stop] if copy and stop is not None else None
            extra = lead if a == first else 0
            runs.append(Run(index, a, b - a + extra, copy, base + a - first - extra, stop_pts, extra))
        out += count
    plan = SmartPlan(req, tuple(facts), tuple(runs), out, fps)
    if plan.reencoded_frames == plan.frames:
        return Fallback("no whole GOP lies inside the kept ranges")
    return plan


def _touches_overlay(req: SmartRequest, out_first: int, count: int, fps: Fraction) -> bool:
    """Does an overlay show on any of output frames out_first..out_first+count-1?"""
    t0, t1 = out_first / fps, (out_first + count - 1) / fps
    return any(o.start_s - _EPS_S <= t1 and o.end_s + _EPS_S >= t0 for o in req.overlays)
