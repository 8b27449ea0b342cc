"""The ffmpeg command for a plan: inputs, one filter chain per kind of segment, encoder.

Each input is normalised before it is fitted to the canvas: rotation (ffmpeg applies a
video's display matrix itself; a photo's EXIF orientation is applied here with transpose/
flip, autorotation off), square pixels (scaled straight to its display size, SAR 1), colour
(limited range; 10-bit and HDR PQ/HLG to 8-bit SDR BT.709). Time keeps ONE origin per input:
no stream is rebased on its own first timestamp; a stream that starts late is padded at the
start (video with its first frame, audio with silence), so A/V offsets in the source survive
trims, titles, concat and music.

The draft's effects (effects.py: speed, fades, music fades, title positions, crop-to-fill,
a size cap) are pieces put into these chains: speed scales each input's timestamps (from its
one origin) before the fps filter; the fit (pad, or crop to fill) comes after the display
geometry is applied.

Output: H.264 High, yuv420p, limited range, 8-bit + AAC-LC 48 kHz stereo, +faststart.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import effects as _fx
from .plan import Clip, Plan, Title, even
from .probe import MediaInfo
from .rates import rate_arg
from .titles import check_title

SAMPLE_RATE = 48000
X264_PRESET = "veryfast"
X264_CRF = "20"
AUDIO_BITRATE = "192k"
_ANIMATED_IMAGE_FORMATS = {"gif", "apng"}
# EXIF orientation (TIFF 6.0 tag 274) -> the filters that turn the stored picture upright.
_ORIENTATION_FILTERS = {
    2: "hflip",
    3: "hflip,vflip",
    4: "vflip",
    5: "transpose=cclock_flip",
    6: "transpose=clock",
    7: "transpose=clock_flip",
    8: "transpose=cclock",
}
# PQ/HLG to SDR: linear light, BT.709 primaries, Hable tone curve, back to BT.709 (zscale = zimg).
_HDR_TO_SDR = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv"
)

# The output is tagged as what it is (players otherwise guess, and guess full range for JPEG).
_TAGS = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"


# ---------------------------------------------------------------------------- escaping


def _escape_value(text: str) -> str:
    """First level: an option value inside a filter's arguments."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")


def _escape_graph(text: str) -> str:
    """Second level: a filter's arguments inside the filtergraph description."""
    return re.sub(r"([\\'\[\],;])", r"\\\1", text)


def escape_filter_value(text: str) -> str:
    """Escape any string (a title, a font path) for use as a filter option value in -filter_complex."""
    return _escape_graph(_escape_value(text))


def num(x: float) -> str:
    """A number for an ffmpeg argument: at most 6 decimals, no trailing zeros."""
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


# ---------------------------------------------------------------------------- inputs


def input_args(clip: Clip, fps: float, *, loop_audio: bool = False) -> list[str]:
    """The -i arguments for one clip: seek, length (of the source: output seconds times the
    speed), image looping, autorotation."""
    info = clip.info
    length = num(_fx.source_seconds(clip.dur_s, clip.speed))
    if info.kind == "image":
        if info.container.split(",")[0] in _ANIMATED_IMAGE_FORMATS:
            return ["-ignore_loop", "0", "-t", length, "-i", str(clip.path)]
        # One picture a second is read and decoded; the fps filter repeats it (a 24-megapixel
        # photo decoded 30 times a second would make the render 6x slower).
        return [
            "-noautorotate",
            "-f",
            "image2",
            "-pattern_type",
            "none",
            "-loop",
            "1",
            "-framerate",
            "1",
            "-t",
            length,
            "-i",
            str(clip.path),
        ]
    args: list[str] = []
    if loop_audio and clip.in_s + clip.dur_s > info.duration_s + 0.05:
        args += ["-stream_loop", "-1"]
    if clip.in_s > 0:
        args += ["-ss", num(clip.in_s)]
    return args + ["-t", length, "-i", str(clip.path)]


# ---------------------------------------------------------------------------- pictures


def _fit(info: MediaInfo, width: int, height: int, *, fill: bool = False) -> tuple[int, int]:
    """The source's display size scaled to fit inside the canvas (even sides); with fill, to
    cover it (at least the canvas on both sides; the rest is cropped)."""
    dw, dh = info.width or width, info.height or height
    if fill:
        scale = max(width / dw, height / dh)
        return max(width, even(dw * scale)), max(height, even(dh * scale))
    scale = min(width / dw, height / dh)
    return min(width, even(dw * scale)), min(height, even(dh * scale))


def _colour(info: MediaInfo) -> str:
    """Filters that bring the picture to 8-bit limited-range SDR (before format=yuv420p)."""
    return _HDR_TO_SDR + "," if info.is_hdr else ""


def _place(info: MediaInfo, plan: Plan) -> str:
    """Scale to the display size (square pixels) fitted in the canvas, then the draft's fit
    (effects.fit_mode: black bars, or cropped to fill), 8-bit 4:2:0 tv range. One scale does
    both: the display size and the fit are arithmetic on the probed display geometry."""
    W, H = plan.width, plan.height
    crop = _fx.fit_mode(plan.meta) == "crop"
    fw, fh = _fit(info, W, H, fill=crop)
    fit = f"crop={W}:{H}" if crop else f"pad={W}:{H}:(ow-iw)/2:(oh-ih)/2:color=black"
    return f"{_colour(info)}scale={fw}:{fh}:out_range=tv:out_color_matrix=bt709,setsar=1,{fit},format=yuv420p"


def _hold(duration: float) -> str:
    """Exactly `duration` seconds from time 0: the last frame held if the source is short."""
    D = num(duration)
    return f"tpad=stop_mode=clone:stop_duration={D},trim=end={D},setpts=PTS-STARTPTS"


def video_clip_filters(n: int, index: int, clip: Clip, plan: Plan) -> str:
    """A video source on the video track -> [v{n}]: sped (timestamps scaled from the input's
    origin), late starts padded, normalised, fitted."""
    return (
        f"[{index}:v:0]{_fx.video_speed(clip.speed)}fps={rate_arg(plan.fps)}:start_time=0,{_place(clip.info, plan)},"
        f"{_hold(clip.dur_s)}[v{n}]"
    )


def image_clip_filters(n: int, index: int, clip: Clip, plan: Plan) -> str:
    """A photo (or animated picture) -> [v{n}]: EXIF orientation applied, normalised, fitted."""
    upright = _ORIENTATION_FILTERS.get(clip.info.orientation)
    upright = f"{upright}," if upright else ""
    # Scaled before the fps filter repeats it: one big picture scaled once a second, not 30 times.
    return (
        f"[{index}:v:0]{upright}setpts=PTS-STARTPTS,{_fx.video_speed(clip.speed)}{_place(clip.info, plan)},"
        f"fps={rate_arg(plan.fps)}:start_time=0,{_hold(clip.dur_s)}[v{n}]"
    )


def blank_clip_filters(n: int, clip: Clip, plan: Plan) -> str:
    """An audio file on the video track -> a black picture [v{n}] as long as the clip."""
    return (
        f"color=c=black:s={plan.width}x{plan.height}:r={rate_arg(plan.fps)}:d={num(clip.dur_s)},"
        f"format=yuv420p,setsar=1[v{n}]"
    )


# ---------------------------------------------------------------------------- sound


def audio_format(info: MediaInfo) -> str:
    """On the input's clock, silence-padded from 0, resampled to 48 kHz float stereo."""
    # A mono source goes to both speakers at full level (the default upmix lowers it by 3 dB).
    upmix = "pan=stereo|c0=c0|c1=c0," if info.channels == 1 else ""
    return f"{upmix}aresample={SAMPLE_RATE}:async=1:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo"


def _volume(vol: float) -> str:
    return "" if abs(vol - 1.0) < 1e-6 else f"volume={num(vol)},"


def clip_audio_filters(n: int, index: int, clip: Clip) -> str:
    """The sound of a video-track clip -> [a{n}], exactly as long as its picture (at the
    clip's speed: tempo changed, pitch kept)."""
    D = num(clip.dur_s)
    return (
        f"[{index}:a:0]{audio_format(clip.info)},{_fx.audio_speed(clip.speed)}{_volume(clip.vol)}"
        f"apad=whole_dur={D},atrim=end={D},asetpts=PTS-STARTPTS[a{n}]"
    )


def silence_filters(label: str, duration: float) -> str:
    """Digital silence -> [label] for `duration` seconds."""
    return f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE},atrim=duration={num(duration)}[{label}]"


def music_filters(k: int, index: int, clip: Clip) -> str:
    """Background music -> [m{k}], faded in/out (the segment's fi/fo), delayed to its timeline start."""
    delay = int(round(clip.start_s * 1000))
    return (
        f"[{index}:a:0]{audio_format(clip.info)},{_volume(clip.vol)}"
        f"atrim=end={num(clip.dur_s)},{_fx.music_fades(clip.seg, clip.dur_s)}adelay=delays={delay}:all=1[m{k}]"
    )


# ---------------------------------------------------------------------------- titles


def title_filter(title: Title, width: int, height: int) -> str | None:
    """drawtext for one title at its position (effects.title_xy); None when no font can draw
    any of it (see titles.check_title)."""
    check = check_title(title.text)
    if not check.text:
        return None
    text = check.text
    x, y = _fx.title_xy(title.pos)
    longest = max((len(line) for line in text.splitlines()), default=1) or 1
    size = max(12, int(min(height * 0.08, width * 0.9 / (0.6 * longest))))
    opts = [
        f"fontfile={escape_filter_value(str(check.font))}",
        f"text={escape_filter_value(text)}",
        "expansion=none",
        f"fontsize={size}",
        "fontcolor=white",
        f"borderw={max(1, size // 16)}",
        "bordercolor=black@0.8",
        f"x={x}",
        f"y={y}",
        f"enable=between(t\\,{num(title.start_s)}\\,{num(title.end_s)})",
    ]
    return "drawtext=" + ":".join(opts)


# ---------------------------------------------------------------------------- commands


def encode_command(plan: Plan, out: Path) -> list[str]:
    """ffmpeg arguments (after the program name) that render the plan to out."""
    W, H, fps = plan.width, plan.height, plan.fps
    args: list[str] = ["-y", "-v", "error"]
    graph: list[str] = []
    index = 0
    concat_inputs = []
    for n, clip in enumerate(plan.clips):
        info = clip.info
        audio_index: int | None = None
        if info.has_video:
            args += input_args(clip, fps)
            build = image_clip_filters if info.kind == "image" else video_clip_filters
            graph.append(build(n, index, clip, plan))
            audio_index = index
            index += 1
        else:
            graph.append(blank_clip_filters(n, clip, plan))
        if info.has_audio and not plan.mute and clip.vol > 0:
            if audio_index is None:
                args += input_args(clip, fps)
                audio_index = index
                index += 1
            graph.append(clip_audio_filters(n, audio_index, clip))
        else:
            graph.append(silence_filters(f"a{n}", clip.dur_s))
        concat_inputs.append(f"[v{n}][a{n}]")
    T = num(plan.total_s)
    if plan.clips:
        graph.append(f"{''.join(concat_inputs)}concat=n={len(plan.clips)}:v=1:a=1[vcat][acat]")
    else:
        graph.append(f"color=c=black:s={W}x{H}:r={rate_arg(fps)}:d={T},format=yuv420p,setsar=1[vcat]")
        graph.append(silence_filters("acat", plan.total_s))

    drawn = [f for f in (title_filter(t, W, H) for t in plan.titles) if f]
    graph.append(f"[vcat]{''.join(d + ',' for d in drawn)}{_TAGS}[vout]")
    vout = "[vout]"

    aout = "[acat]"
    music_labels = []
    for k, clip in enumerate(plan.music):
        if clip.start_s >= plan.total_s:
            continue
        args += input_args(clip, fps, loop_audio=True)
        graph.append(music_filters(k, index, clip))
        music_labels.append(f"[m{k}]")
        index += 1
    if music_labels:
        graph.append(
            f"[acat]{''.join(music_labels)}amix=inputs={len(music_labels) + 1}:duration=first:"
            "dropout_transition=0:normalize=0[aout]"
        )
        aout = "[aout]"
    fades, vout, aout = _fx.fade_graph(plan.meta, plan.total_s, vout, aout)
    graph += fades

    # rate_args: -crf (or a capped bitrate for a size cap) and -c:a aac -b:a ...
    rate = _fx.rate_args(plan.meta, plan.total_s, X264_CRF, AUDIO_BITRATE)
    return args + [
        "-filter_complex",
        ";".join(graph),
        "-map",
        vout,
        "-map",
        aout,
        "-c:v",
        "libx264",
        "-preset",
        X264_PRESET,
        *rate,
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-color_range",
        "tv",
        "-r",
        rate_arg(fps),
        "-profile:a",
        "aac_low",
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "2",
        "-t",
        T,
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(out),
    ]


def remux_command(plan: Plan, out: Path) -> list[str]:
    """Stream copy of the one clip (video + first audio), +faststart: the fast path."""
    return [
        "-y",
        "-v",
        "error",
        "-i",
        str(plan.clips[0].path),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(out),
    ]
