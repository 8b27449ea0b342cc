"""ffmpeg commands of the smart render: the edge re-encodes.

An edge is the frames [first, first+count) of a source, decoded from the keyframe at or
before them (every reference they need), selected by presentation time with `trim` (exact,
no seek rounding), re-timed onto the output timeline (so an overlay's `t` is the output's
time, as in the full render) and encoded by libx264 with the source's profile, level,
size, pixel format and frame rate. Its SPS/PPS carry their own id (x264's `sps-id`), so
the joined stream holds both parameter-set pairs in its avcC and each slice names its own
(ITU-T H.264 7.4.1.2.1: a new SPS may become active only at an IDR, which is where every
edge and every copied run starts).

The export's sound is encoded by the command the caller gives (hook.audio_command: the full
render's own audio graph), never here.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from .analysis import VideoFacts
from .planner import Run, SmartPlan

EDGE_PRESET = "veryfast"  # the full render's preset: same speed/quality trade-off
EDGE_CRF = "16"  # a little above the full render's quality: edges sit between copied source frames
# libx265 edges: superfast takes about half of veryfast's time (a 45-frame 1080p edge: 2.3 s vs
# 4.0 s on 2 busy cores) and, at CRF 16, keeps the edges >= 40 dB of the source (test_smartcut_hevc).
X265_PRESET = "superfast"
_PROFILES = {66: "baseline", 77: "main", 100: "high"}


def x264_profile(facts: VideoFacts) -> str | None:
    """The libx264 profile name matching the source's SPS profile_idc (None: not one x264 makes)."""
    return _PROFILES.get(facts.avcc.profile) if facts.avcc else None


def _level(facts: VideoFacts) -> str:
    assert facts.avcc is not None
    idc = facts.avcc.level
    return "1b" if idc == 9 else f"{idc // 10}.{idc % 10}"


def _num(x: float | Fraction) -> str:
    return f"{float(x):.6f}".rstrip("0").rstrip(".") or "0"


def edge_command(plan: SmartPlan, run: Run, sps_id: int, out: Path) -> list[str]:
    """ffmpeg arguments (after the binary) that encode `run` into an MP4 holding `run.count` frames."""
    facts = plan.facts[run.clip]
    tb, fps = facts.time_base, plan.fps
    key = max((k for k in facts.keys if k <= run.first), default=None)
    args = ["-y", "-v", "error", "-copyts"]
    if key is not None and facts.pts[key] > facts.start_ticks:  # (at the file's start: no seek needed)
        # Half a frame past the keyframe: a backward seek lands on it, never one GOP earlier.
        seek = (facts.pts[key] - facts.start_ticks) * tb + Fraction(1, 2) / fps
        args += ["-noaccurate_seek", "-ss", _num(seek)]
    p0 = facts.pts[run.first]
    p1 = facts.pts[run.first + run.count - run.lead - 1] + 1
    offset = Fraction(run.out_start) / fps
    chain = [f"trim=start_pts={p0}:end_pts={p1}"]
    if run.lead:  # the full render's fps filter shows the first frame lead extra times (planner.Run)
        chain.append(f"tpad=start={run.lead}:start_mode=clone")
    # Output frame n of the edge at (out_start + n) / fps: exact fractions (an NTSC frame is 1001/30000 s).
    ticks = Fraction(1) / (fps * tb)  # one frame in the source's time base (an integer for a planned source)
    chain.append(f"setpts=N*{ticks.numerator}/{ticks.denominator}+{offset.numerator}/({offset.denominator}*TB)")
    t0, t1 = offset, Fraction(run.out_start + run.count - 1) / fps
    chain += [o.filter for o in plan.request.overlays if o.start_s <= t1 + 1e-6 and o.end_s >= t0 - 1e-6]
    chain.append("format=yuv420p")
    # The VUI colour description the copied frames carry, as frame properties (which libx264
    # writes into the edge's SPS; unspecified stays unset).
    primaries, transfer, matrix, colour_range = facts.colour
    tags = [
        f"{k}={v}"
        for k, v, unset in (
            ("color_primaries", primaries, 2),
            ("color_trc", transfer, 2),
            ("colorspace", matrix, 2),
            ("range", colour_range, 0),
        )
        if v != unset
    ]
    if tags:
        chain.append("setparams=" + ":".join(tags))
    head = args + ["-i", str(facts.path), "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", ",".join(chain)]
    head += ["-fps_mode", "passthrough", "-frames:v", str(run.count)]
    if facts.hvcc is not None:
        return head + _x265_args(facts) + ["-f", "mp4", str(out)]
    profile = x264_profile(facts)
    assert profile is not None
    x264 = [f"sps-id={sps_id}"]
    if not facts.reorders:
        x264.append("bframes=0")  # no reordering in the source: none in its edges either
    return head + [
        "-c:v",
        "libx264",
        "-preset",
        EDGE_PRESET,
        "-crf",
        EDGE_CRF,
        "-profile:v",
        profile,
        "-level:v",
        _level(facts),
        "-pix_fmt",
        "yuv420p",
        "-x264-params",
        ":".join(x264),
        "-f",
        "mp4",
        str(out),
    ]


def _x265_args(facts: VideoFacts) -> list[str]:
    """libx265 matched to an HEVC source: Main profile, its level (general_level_idc / 30),
    8-bit 4:2:0, closed GOPs (every edge starts a coded video sequence at an IDR, none
    leans on pictures of another stretch), no B-frames when the source reorders none.
    The edge's VPS/SPS/PPS go in-band in front of it (join.py): x265 cannot choose ids."""
    assert facts.hvcc is not None
    x265 = [f"level-idc={facts.hvcc.level / 30:g}", "open-gop=0", "log-level=error"]
    if not facts.reorders:
        x265.append("bframes=0")
    return [
        "-c:v",
        "libx265",
        "-preset",
        X265_PRESET,
        "-crf",
        EDGE_CRF,
        "-profile:v",
        "main",
        "-pix_fmt",
        "yuv420p",
        "-x265-params",
        ":".join(x265),
    ]
