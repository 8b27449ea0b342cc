"""Rendering a draft to an H.264/AAC MP4 with one ffmpeg run.

The draft format is described in contracts.md ("The draft"). Video-track segments (tt=0) play
back to back: each is trimmed from its source, scaled and padded to the output canvas, set to
the output frame rate and concatenated with its audio (or silence). Audio-track segments (tt=1)
are background music mixed in at their volume and start time; text-track segments (tt=7) are
titles drawn for their time range. A draft that is one untouched H.264/AAC clip at the
requested size is remuxed with stream copy instead of re-encoded.
"""

from __future__ import annotations

import collections
import math
import os
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import MediaError, RenderCancelled, RenderError
from .probe import MediaInfo, probe

VIDEO_TRACK, AUDIO_TRACK, TEXT_TRACK = 0, 1, 7
SAMPLE_RATE = 48000
DEFAULT_SIZE = (1920, 1080)
DEFAULT_FPS = 30.0
MAX_SIDE = 8192
X264_PRESET = "veryfast"
X264_CRF = "20"
AUDIO_BITRATE = "192k"
_RESOLUTIONS = {"4320p": 4320, "8k": 4320, "2160p": 2160, "4k": 2160, "1440p": 1440, "2k": 1440,
                "1080p": 1080, "720p": 720, "540p": 540, "480p": 480, "360p": 360, "240p": 240}
_HIGHEST = {"highest", "source", "original", "max", "best"}
_ANIMATED_IMAGE_FORMATS = {"gif", "apng"}


@dataclass(frozen=True)
class RenderResult:
    path: Path
    remuxed: bool
    duration_s: float
    # Which way the export was made, for its final line: "remux", "smart" or "full"; note is
    # that line ("smart render: 6 s of 600 re-encoded", "full re-encode: <why not smart>").
    route: str = "full"
    note: str = ""


@dataclass
class _Clip:
    name: str
    path: Path
    info: MediaInfo
    in_s: float
    dur_s: float
    vol: float  # 1.0 = 100 %
    start_s: float = 0.0  # timeline start (BGM only; video clips play back to back)


@dataclass
class _Plan:
    width: int
    height: int
    fps: float
    total_s: float
    mute: bool
    clips: list[_Clip] = field(default_factory=list)
    music: list[_Clip] = field(default_factory=list)
    titles: list[tuple[str, float, float]] = field(default_factory=list)
    remux: bool = False


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


def _aspect(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[:/x]\s*(\d+)\s*", value)
    if not m or int(m.group(1)) <= 0 or int(m.group(2)) <= 0:
        return None
    return int(m.group(1)), int(m.group(2))


def _even(n: float) -> int:
    return max(2, min(MAX_SIDE, int(round(n / 2.0)) * 2))


def _fit_aspect(short_side: int, aspect: tuple[int, int]) -> tuple[int, int]:
    """A canvas with the given aspect whose short side is short_side."""
    a, b = aspect
    if a >= b:
        return _even(short_side * a / b), _even(short_side)
    return _even(short_side), _even(short_side * b / a)


def _same_ratio(w: int, h: int, aspect: tuple[int, int]) -> bool:
    return abs(w / h - aspect[0] / aspect[1]) < 0.01


def _output_size(meta: Mapping[str, Any], visuals: list[MediaInfo]) -> tuple[int, int]:
    """The canvas: m.width/height, or the largest source for resolution "highest".

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
        return _even(w), _even(h)
    if w > 0 and h > 0:
        return _even(w), _even(h)
    short = _RESOLUTIONS.get(resolution, 1080)
    if aspect is None and largest is not None and largest.width and largest.height:
        aspect = (largest.width, largest.height)
    return _fit_aspect(short, aspect or (16, 9))


def _output_fps(meta: Mapping[str, Any], clips: list[_Clip]) -> float:
    try:
        fps = float(meta.get("fps"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        fps = 0.0
    if math.isfinite(fps) and 1 <= fps <= 120:
        return round(fps, 3)
    rates = [c.info.fps for c in clips if c.info.kind == "video" and c.info.fps]
    return min(60.0, round(max(rates), 3)) if rates else DEFAULT_FPS


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


def _plan(draft: Mapping[str, Any], sources: Mapping[str, Path | str]) -> _Plan:
    if not isinstance(draft, Mapping):
        raise RenderError("The draft is not a timeline: nothing to render.")
    meta = _get(draft, "m", "meta", default={})
    meta = meta if isinstance(meta, Mapping) else {}
    mute = bool(meta.get("mute"))
    clips: list[_Clip] = []
    music: list[_Clip] = []
    raw_titles: list[tuple[str, float, float]] = []
    for track in _tracks(draft):
        kind = _track_type(track)
        for seg in _segments(track):
            dur = _ms(seg, "d", "duration", "duration_ms")
            if kind == TEXT_TRACK:
                text = str(_get(seg, "text", "content", "name", "title", default="") or "")
                start = _ms(seg, "s", "start", "start_ms")
                if text.strip() and dur > 0:
                    raw_titles.append((text, start, start + dur))
                continue
            if kind not in (VIDEO_TRACK, AUDIO_TRACK):
                continue
            name, path, info = _source(seg, sources)
            in_s = _ms(seg, "in", "in_ms", "source_in")
            if dur <= 0:  # no duration: play the rest of the source (5 s for a still)
                dur = 5.0 if info.kind == "image" else max(0.0, info.duration_s - in_s)
            if dur <= 0:
                continue
            if info.kind != "image" and info.duration_s > 0 and in_s > info.duration_s - 0.1:
                # An in-point past the end of the source: music wraps around, pictures show
                # the source's last stretch rather than nothing.
                in_s = in_s % info.duration_s if kind == AUDIO_TRACK else max(0.0, info.duration_s - dur)
            clip = _Clip(name, path, info, in_s, dur, _volume(seg), _ms(seg, "s", "start", "start_ms"))
            if kind == VIDEO_TRACK:
                clips.append(clip)
            elif info.has_audio:
                music.append(clip)
    visuals = [c.info for c in clips if c.info.has_video]
    width, height = _output_size(meta, visuals)
    fps = _output_fps(meta, clips)
    total = sum(c.dur_s for c in clips) if clips else _ms(draft, "d", "duration", "duration_ms")
    if total <= 0:
        raise RenderError("The draft has nothing to render yet: add a video, an image or music first.")
    titles = [(t, s, min(e, total)) for t, s, e in raw_titles if s < total]
    plan = _Plan(width, height, fps, round(total, 3), mute, clips, music, titles)
    plan.remux = _can_remux(plan)
    return plan


def _can_remux(plan: _Plan) -> bool:
    """One untouched H.264(/AAC) clip already at the output size: stream copy will do."""
    if len(plan.clips) != 1 or plan.music or plan.titles or plan.mute:
        return False
    clip = plan.clips[0]
    info = clip.info
    if info.kind != "video" or info.vcodec != "h264" or info.pix_fmt not in ("yuv420p", "yuvj420p"):
        return False
    if info.has_audio and info.acodec != "aac":
        return False
    if clip.in_s > 0.001 or abs(clip.vol - 1.0) > 1e-6:
        return False
    frame = 1.0 / (info.fps or DEFAULT_FPS)
    if abs(clip.dur_s - info.duration_s) > max(0.1, 2 * frame):
        return False
    return (info.width, info.height) == (plan.width, plan.height)


# ---------------------------------------------------------------------------- command building

def _escape_value(text: str) -> str:
    """First level: an option value inside a filter's arguments."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")


def _escape_graph(text: str) -> str:
    """Second level: a filter's arguments inside the filtergraph description."""
    return re.sub(r"([\\'\[\],;])", r"\\\1", text)


def escape_filter_value(text: str) -> str:
    """Escape any string (a title, a font path) for use as a filter option value in -filter_complex."""
    return _escape_graph(_escape_value(text))


def _num(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


def _audio_format(info: MediaInfo) -> str:
    # A mono source goes to both speakers at full level (the default upmix lowers it by 3 dB).
    upmix = "pan=stereo|c0=c0|c1=c0," if info.channels == 1 else ""
    return f"{upmix}aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"


# DejaVu Sans has no Chinese/Japanese/Korean glyphs: titles that need them use a system CJK
# font when one is installed (otherwise they render with DejaVu, missing glyphs as boxes).
_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def font_for(text: str) -> Path:
    """The font file used to draw this title."""
    if _CJK_RE.search(text):
        for candidate in _CJK_FONTS:
            if os.path.isfile(candidate):
                return Path(candidate)
    return _ff.FONT_PATH


def _title_filter(text: str, start: float, end: float, width: int, height: int) -> str:
    longest = max((len(line) for line in text.splitlines()), default=1) or 1
    size = max(12, int(min(height * 0.08, width * 0.9 / (0.6 * longest))))
    opts = [
        f"fontfile={escape_filter_value(str(font_for(text)))}",
        f"text={escape_filter_value(text)}",
        "expansion=none",
        f"fontsize={size}",
        "fontcolor=white",
        f"borderw={max(1, size // 16)}",
        "bordercolor=black@0.8",
        "x=(w-text_w)/2",
        "y=(h-text_h)/2",
        f"enable=between(t\\,{_num(start)}\\,{_num(end)})",
    ]
    return "drawtext=" + ":".join(opts)


def _input_args(clip: _Clip, fps: float, *, loop_audio: bool = False) -> list[str]:
    info = clip.info
    if info.kind == "image":
        if info.container.split(",")[0] in _ANIMATED_IMAGE_FORMATS:
            return ["-ignore_loop", "0", "-t", _num(clip.dur_s), "-i", str(clip.path)]
        return ["-f", "image2", "-pattern_type", "none", "-loop", "1", "-framerate", _num(fps),
                "-t", _num(clip.dur_s), "-i", str(clip.path)]
    args: list[str] = []
    if loop_audio and clip.in_s + clip.dur_s > info.duration_s + 0.05:
        args += ["-stream_loop", "-1"]
    if clip.in_s > 0:
        args += ["-ss", _num(clip.in_s)]
    return args + ["-t", _num(clip.dur_s), "-i", str(clip.path)]


def _encode_command(plan: _Plan, out: Path) -> list[str]:
    W, H, fps = plan.width, plan.height, plan.fps
    args: list[str] = ["-y", "-v", "error"]
    graph: list[str] = []
    index = 0
    concat_inputs = []
    for n, clip in enumerate(plan.clips):
        D = _num(clip.dur_s)
        info = clip.info
        if info.has_video:
            args += _input_args(clip, fps)
            vin = f"[{index}:v:0]"
            graph.append(
                f"{vin}setpts=PTS-STARTPTS,fps={_num(fps)},"
                f"scale={W}:{H}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                f"pad={W}:{H}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,"
                f"tpad=stop_mode=clone:stop_duration={D},trim=duration={D},setpts=PTS-STARTPTS[v{n}]"
            )
            audio_index = index
            index += 1
        else:  # an audio file on the video track: black picture with its sound
            graph.append(f"color=c=black:s={W}x{H}:r={_num(fps)}:d={D},format=yuv420p,setsar=1[v{n}]")
            audio_index = None
        if info.has_audio and not plan.mute and clip.vol > 0:
            if audio_index is None:
                args += _input_args(clip, fps)
                audio_index = index
                index += 1
            volume = "" if abs(clip.vol - 1.0) < 1e-6 else f"volume={_num(clip.vol)},"
            graph.append(
                f"[{audio_index}:a:0]asetpts=PTS-STARTPTS,{_audio_format(clip.info)},{volume}"
                f"apad=whole_dur={D},atrim=duration={D}[a{n}]"
            )
        else:
            graph.append(f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE},atrim=duration={D}[a{n}]")
        concat_inputs.append(f"[v{n}][a{n}]")
    T = _num(plan.total_s)
    if plan.clips:
        graph.append(f"{''.join(concat_inputs)}concat=n={len(plan.clips)}:v=1:a=1[vcat][acat]")
    else:
        graph.append(f"color=c=black:s={W}x{H}:r={_num(fps)}:d={T},format=yuv420p,setsar=1[vcat]")
        graph.append(f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE},atrim=duration={T}[acat]")

    vout = "[vcat]"
    if plan.titles:
        titles = ",".join(_title_filter(t, s, e, W, H) for t, s, e in plan.titles)
        graph.append(f"[vcat]{titles}[vout]")
        vout = "[vout]"

    aout = "[acat]"
    music_labels = []
    for k, clip in enumerate(plan.music):
        if clip.start_s >= plan.total_s:
            continue
        args += _input_args(clip, fps, loop_audio=True)
        delay = int(round(clip.start_s * 1000))
        volume = "" if abs(clip.vol - 1.0) < 1e-6 else f"volume={_num(clip.vol)},"
        graph.append(
            f"[{index}:a:0]asetpts=PTS-STARTPTS,{_audio_format(clip.info)},{volume}"
            f"atrim=duration={_num(clip.dur_s)},adelay=delays={delay}:all=1[m{k}]"
        )
        music_labels.append(f"[m{k}]")
        index += 1
    if music_labels:
        graph.append(
            f"[acat]{''.join(music_labels)}amix=inputs={len(music_labels) + 1}:duration=first:"
            "dropout_transition=0:normalize=0[aout]"
        )
        aout = "[aout]"

    return args + [
        "-filter_complex", ";".join(graph),
        "-map", vout, "-map", aout,
        "-c:v", "libx264", "-preset", X264_PRESET, "-crf", X264_CRF,
        "-pix_fmt", "yuv420p", "-r", _num(fps),
        "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(SAMPLE_RATE), "-ac", "2",
        "-t", T, "-movflags", "+faststart", "-f", "mp4", str(out),
    ]


def _remux_command(plan: _Plan, out: Path) -> list[str]:
    return ["-y", "-v", "error", "-i", str(plan.clips[0].path),
            "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
            "-movflags", "+faststart", "-f", "mp4", str(out)]


def build_render_command(
    draft: Mapping[str, Any], sources: Mapping[str, Path | str], out_path: Path | str,
    *, allow_remux: bool = True,
) -> list[str]:
    """The ffmpeg command render_draft runs for this draft (without its progress flags).

    With allow_remux=False the fast path is never taken (benches use it for a reference).
    """
    plan = _plan(draft, sources)
    out = Path(out_path)
    body = _remux_command(plan, out) if (plan.remux and allow_remux) else _encode_command(plan, out)
    return _ff.ffmpeg_command(*body)


# ---------------------------------------------------------------------------- running

def _run(
    cmd: list[str], total_s: float, tmp: Path,
    progress: Callable[[float], None] | None, cancel: threading.Event | None,
) -> None:
    proc = _ff.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tail: collections.deque[str] = collections.deque(maxlen=40)
    done = threading.Event()
    cancelled = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            tail.append(raw.decode("utf-8", "replace").rstrip())

    def watch_cancel() -> None:
        while not done.is_set():
            if cancel is not None and cancel.wait(0.05):
                cancelled.set()
                proc.kill()
                return
            if cancel is None:
                done.wait(0.5)

    err_thread = threading.Thread(target=read_stderr, name="ffmpeg-stderr", daemon=True)
    err_thread.start()
    watcher = threading.Thread(target=watch_cancel, name="ffmpeg-cancel", daemon=True)
    watcher.start()
    last_pct, last_at = -1.0, 0.0
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("ascii", "replace").strip()
            if progress is None or not line.startswith("out_time_us=") or total_s <= 0:
                continue
            try:
                out_us = int(line.split("=", 1)[1])
            except ValueError:
                continue
            pct = max(0.0, min(99.9, out_us / 1e4 / total_s))
            now = time.monotonic()
            if pct > last_pct and (pct - last_pct >= 5 or now - last_at >= 0.5):
                last_pct, last_at = pct, now
                progress(round(pct, 1))
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        done.set()
        err_thread.join(timeout=5)
        watcher.join(timeout=5)
    if cancelled.is_set():
        raise RenderCancelled("The render was cancelled.")
    if proc.returncode != 0:
        raise RenderError(f"The render failed: {_ff.last_lines(os.linesep.join(tail))}")
    if not tmp.is_file() or tmp.stat().st_size == 0:
        raise RenderError("The render failed: ffmpeg produced no output.")


def render_draft(
    draft: Mapping[str, Any],
    sources: Mapping[str, Path | str],
    out_path: Path | str,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    allow_remux: bool = True,
    allow_smart: bool = True,
) -> RenderResult:
    """Render the draft to an H.264/AAC MP4 at out_path (blocking).

    progress(percent) is called (throttled, 0..100) while ffmpeg runs; setting cancel kills
    ffmpeg, removes the partial file and raises RenderCancelled. Failures raise RenderError.
    The output is written to a temporary name next to out_path and renamed when complete.
    allow_smart=False skips the smart render (the full re-encode is its reference).
    """
    out = Path(out_path)
    try:
        plan = _plan(draft, sources)
        remux = plan.remux and allow_remux
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("The render was cancelled.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"Cannot write the render to {out.parent}: {exc.strerror or exc}.") from exc
        tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.partial.mp4")
        body = _remux_command(plan, tmp) if remux else _encode_command(plan, tmp)
        cmd = _ff.ffmpeg_command(*body[:-1], "-progress", "pipe:1", "-nostats", body[-1])
    except (RenderError, RenderCancelled):
        raise
    except MediaError as exc:
        raise RenderError(exc.message) from exc
    # ---- smart render hook (issue 19; tui/engine/media/smartcut/hook.py documents its input)
    note = "remux: stream copy" if remux else ""
    if not remux and allow_smart:
        from .smartcut.hook import try_smart_render

        smart = try_smart_render(plan, tmp, out, progress=progress, cancel=cancel)
        if isinstance(smart, RenderResult):
            return smart
        note = smart
    # ---- end of the smart render hook
    try:
        _run(cmd, plan.clips[0].info.duration_s if remux else plan.total_s, tmp, progress, cancel)
        os.replace(tmp, out)
    except MediaError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, (RenderError, RenderCancelled)):
            raise
        raise RenderError(exc.message) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(100.0)
    try:
        duration = probe(out).duration_s
    except MediaError:
        duration = plan.total_s
    return RenderResult(path=out, remuxed=remux, duration_s=duration,
                        route="remux" if remux else "full", note=note or "full re-encode")
