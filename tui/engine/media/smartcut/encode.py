"""ffmpeg commands of the smart render: the edge re-encodes and the audio track.

An edge is the frames [first, first+count) of a source, decoded from the keyframe at or
before them (every reference they need), selected by presentation time with `trim` (exact,
no seek rounding), re-timed onto the output timeline (so an overlay's `t` is the output's
time, as in the full render) and encoded by libx264 with the source's profile, level,
size, pixel format and frame rate. Its SPS/PPS carry their own id (x264's `sps-id`), so
the joined stream holds both parameter-set pairs in its avcC and each slice names its own
(ITU-T H.264 7.4.1.2.1: a new SPS may become active only at an IDR, which is where every
edge and every copied run starts).

The audio command rebuilds the full render's audio graph (segments trimmed at the same
instants, resampled to 48 kHz stereo, volumes, silence where a clip has none, music mixed
at its start) and encodes it alone: video is never decoded for it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from .analysis import VideoFacts
from .planner import Run, SmartPlan

EDGE_PRESET = "veryfast"  # the full render's preset: same speed/quality trade-off
EDGE_CRF = "16"  # a little above the full render's quality: edges sit between copied source frames
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
    p1 = facts.pts[run.first + run.count - 1] + 1
    offset = Fraction(run.out_start) / fps
    chain = [f"trim=start_pts={p0}:end_pts={p1}",
             f"setpts=PTS-{p0}+{offset.numerator}/({offset.denominator}*TB)"]
    t0, t1 = offset, Fraction(run.out_start + run.count - 1) / fps
    chain += [o.filter for o in plan.request.overlays if o.start_s <= t1 + 1e-6 and o.end_s >= t0 - 1e-6]
    chain.append("format=yuv420p")
    profile = x264_profile(facts)
    assert profile is not None
    x264 = [f"sps-id={sps_id}"]
    if not facts.reorders:
        x264.append("bframes=0")  # no reordering in the source: none in its edges either
    primaries, transfer, matrix, colour_range = facts.colour
    colour = []  # the VUI colour description the copied frames carry (unspecified stays unset)
    if primaries != 2:
        colour += ["-color_primaries", str(primaries)]
    if transfer != 2:
        colour += ["-color_trc", str(transfer)]
    if matrix != 2:
        colour += ["-colorspace", str(matrix)]
    if colour_range:
        colour += ["-color_range", str(colour_range)]
    return args + [
        "-i", str(facts.path), "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", ",".join(chain), "-fps_mode", "passthrough", "-frames:v", str(run.count),
        "-c:v", "libx264", "-preset", EDGE_PRESET, "-crf", EDGE_CRF,
        "-profile:v", profile, "-level:v", _level(facts), "-pix_fmt", "yuv420p",
        *colour, "-x264-params", ":".join(x264),
        "-f", "mp4", str(out),
    ]


def _audio_format(channels: int | None, sample_rate: int) -> str:
    upmix = "pan=stereo|c0=c0|c1=c0," if channels == 1 else ""
    return f"{upmix}aresample={sample_rate},aformat=sample_fmts=fltp:channel_layouts=stereo"


def _volume(v: float) -> str:
    return "" if abs(v - 1.0) < 1e-6 else f"volume={_num(v)},"


def audio_command(plan: SmartPlan, out: Path, *, sample_rate: int, bitrate: str) -> list[str]:
    """ffmpeg arguments that encode the export's whole audio track (AAC) into `out`."""
    req = plan.request
    args: list[str] = ["-y", "-v", "error"]
    graph: list[str] = []
    index = 0
    for n, (clip, facts) in enumerate(zip(req.clips, plan.facts)):
        d = _num(clip.dur_s)
        if facts.audio_channels is not None and not req.mute and clip.volume > 0:
            args += (["-ss", _num(clip.in_s)] if clip.in_s > 0 else []) + ["-t", d, "-i", str(clip.path)]
            graph.append(f"[{index}:a:0]asetpts=PTS-STARTPTS,{_audio_format(facts.audio_channels, sample_rate)},"
                         f"{_volume(clip.volume)}apad=whole_dur={d},atrim=duration={d}[a{n}]")
            index += 1
        else:
            graph.append(f"anullsrc=channel_layout=stereo:sample_rate={sample_rate},atrim=duration={d}[a{n}]")
    labels = "".join(f"[a{n}]" for n in range(len(req.clips)))
    graph.append(f"{labels}concat=n={len(req.clips)}:v=0:a=1[acat]")
    out_label = "[acat]"
    mixed = []
    for k, music in enumerate(req.music):
        if music.start_s >= req.total_s:
            continue
        if music.in_s + music.dur_s > music.source_s + 0.05:
            args += ["-stream_loop", "-1"]
        args += (["-ss", _num(music.in_s)] if music.in_s > 0 else []) + ["-t", _num(music.dur_s), "-i", str(music.path)]
        graph.append(f"[{index}:a:0]asetpts=PTS-STARTPTS,{_audio_format(music.channels, sample_rate)},"
                     f"{_volume(music.volume)}atrim=duration={_num(music.dur_s)},"
                     f"adelay=delays={round(music.start_s * 1000)}:all=1[m{k}]")
        mixed.append(f"[m{k}]")
        index += 1
    if mixed:
        graph.append(f"[acat]{''.join(mixed)}amix=inputs={len(mixed) + 1}:duration=first:"
                     "dropout_transition=0:normalize=0[aout]")
        out_label = "[aout]"
    return args + [
        "-filter_complex", ";".join(graph), "-map", out_label,
        "-c:a", "aac", "-b:a", bitrate, "-ar", str(sample_rate), "-ac", "2",
        "-t", _num(req.total_s), "-f", "mp4", str(out),
    ]
