"""Probing media with `ffmpeg -i` (imageio-ffmpeg ships no ffprobe).

One short ffmpeg run per file: the input header (container, duration, streams) is parsed
from stderr, and the first tenth of a second is decoded to a null muxer so that a file
that merely *looks* like media (a text file named .png, a truncated MP4) is refused.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import MediaError

_INPUT_RE = re.compile(r"^Input #0, (?P<fmt>.+?), from '")
_DURATION_RE = re.compile(r"^\s*Duration: (?:(?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)|N/A)")
_STREAM_RE = re.compile(
    r"^\s*Stream #0:(?P<idx>\d+)\S*: (?P<type>Video|Audio|Subtitle|Data|Attachment): (?P<rest>.*)$"
)
_SIZE_RE = re.compile(r"(?<![\w.])(\d{1,5})x(\d{1,5})(?![\w.])")
_FPS_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(k?) (fps|tbr)\b")
_HZ_RE = re.compile(r"(\d+) Hz")
_ROTATION_RE = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
_OUT_TIME_RE = re.compile(r"^out_time_us=(\d+)", re.M)

# Demuxers that read a single picture (or an animated picture the engine treats as a still).
_IMAGE_FORMATS = {"image2", "gif", "apng", "webp"}


@dataclass(frozen=True)
class MediaInfo:
    """What the engine needs to know about a media file.

    duration_s is 0.0 for still images; width/height/fps/vcodec are None without video,
    acodec is None without audio; width/height are the displayed size (rotation applied).
    """

    path: Path
    kind: str  # "video" | "audio" | "image"
    duration_s: float
    width: int | None
    height: int | None
    fps: float | None
    vcodec: str | None
    acodec: str | None
    has_video: bool
    has_audio: bool
    pix_fmt: str | None = None
    container: str = ""
    sample_rate: int | None = None
    channels: int | None = None
    size_bytes: int = 0


def _split_top(text: str) -> list[str]:
    """Split an ffmpeg stream description on commas that are not inside brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if cur:
        parts.append("".join(cur).strip())
    return parts


def _parse_fps(rest: str) -> float | None:
    found: dict[str, float] = {}
    for num, k, unit in _FPS_RE.findall(rest):
        value = float(num) * (1000 if k else 1)
        found.setdefault(unit, value)
    fps = found.get("fps") or found.get("tbr")
    if fps is None or fps <= 0 or fps > 1000:
        return None
    return round(fps, 3)


def _channels(layout: str) -> int | None:
    layout = layout.split("(")[0].strip().lower()
    named = {"mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "quad": 4, "4.0": 4}
    if layout in named:
        return named[layout]
    m = re.fullmatch(r"(\d+) channels", layout)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(\d+)\.(\d+)", layout)
    return int(m.group(1)) + int(m.group(2)) if m else None


def parse_ffmpeg_header(stderr: str) -> dict[str, Any]:
    """Parse the `Input #0` section of ffmpeg's stderr into a plain dict (exposed for tests)."""
    info: dict[str, Any] = {"container": "", "duration_s": None, "video": None, "audio": None}
    in_input = False
    current: dict[str, Any] | None = None
    for line in stderr.splitlines():
        m = _INPUT_RE.match(line)
        if m:
            in_input = True
            info["container"] = m.group("fmt")
            continue
        if not in_input:
            continue
        if line.startswith(("Output #", "Stream mapping:", "Press [q]")) or line.startswith("[out"):
            break
        m = _DURATION_RE.match(line)
        if m and info["duration_s"] is None and m.group("h") is not None:
            info["duration_s"] = int(m.group("h")) * 3600 + int(m.group("m")) * 60 + float(m.group("s"))
            continue
        m = _STREAM_RE.match(line)
        if m:
            current = None
            kind, rest = m.group("type"), m.group("rest")
            parts = _split_top(rest)
            codec = parts[0].split()[0] if parts and parts[0] else None
            if kind == "Video" and "(attached pic)" not in rest and info["video"] is None:
                size = _SIZE_RE.search(rest)
                pix = parts[1].split("(")[0].strip() if len(parts) > 1 else None
                current = info["video"] = {
                    "codec": codec,
                    "width": int(size.group(1)) if size else None,
                    "height": int(size.group(2)) if size else None,
                    "fps": _parse_fps(rest),
                    "pix_fmt": pix if pix and pix != "none" else None,
                    "rotation": 0,
                }
            elif kind == "Audio" and info["audio"] is None:
                hz = _HZ_RE.search(rest)
                info["audio"] = {"codec": codec, "sample_rate": int(hz.group(1)) if hz else None,
                                 "channels": _channels(parts[2]) if len(parts) > 2 else None}
            continue
        if current is not None:
            m = _ROTATION_RE.search(line)
            if m:
                current["rotation"] = int(round(float(m.group(1)))) % 360
    return info


def _not_playable(path: Path) -> MediaError:
    return MediaError(f"{path.name} is not a playable video or audio file.")


def _measure_duration(path: Path, has_audio: bool) -> float:
    """Duration by stream-copying to the null muxer (no decode) when the header has none."""
    stream = "0:a:0" if has_audio else "0:v:0"
    proc = _ff.run_ffmpeg(
        "-v", "error", "-i", path, "-map", stream, "-c", "copy", "-f", "null",
        "-progress", "pipe:1", "-nostats", "-", check=False, timeout=300,
    )
    times = [int(x) for x in _OUT_TIME_RE.findall(proc.stdout or "")]
    return max(times) / 1e6 if times else 0.0


_cache: dict[tuple[str, int, int], MediaInfo] = {}
_cache_lock = threading.Lock()


def probe(path: Path | str) -> MediaInfo:
    """Probe a media file: kind, duration, size, fps, codecs, streams.

    Raises MediaError("<name> is not a playable video or audio file.") for anything ffmpeg
    cannot open and decode, and MediaError when the file is missing or ffmpeg is unavailable.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MediaError(f"{path.name} does not exist.") from None
    except OSError as exc:
        raise MediaError(f"{path.name} cannot be read: {exc.strerror or exc}.") from None
    if not path.is_file():
        raise MediaError(f"{path.name} is not a file.")
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    if st.st_size == 0:
        raise _not_playable(path)

    # Header + a 0.1 s decode: fails (non-zero exit) for text files and truncated junk.
    proc = _ff.run_ffmpeg("-i", path, "-t", "0.1", "-f", "null", "-", check=False, timeout=120)
    header = parse_ffmpeg_header(proc.stderr or "")
    video, audio = header["video"], header["audio"]
    if proc.returncode != 0 or (video is None and audio is None):
        raise _not_playable(path)
    if video is not None and not (video["width"] and video["height"]):
        raise _not_playable(path)

    container = header["container"]
    first_format = container.split(",")[0]
    if video is not None:
        is_image = first_format in _IMAGE_FORMATS or first_format.endswith("_pipe")
        kind = "image" if is_image and audio is None else "video"
    else:
        kind = "audio"

    duration = header["duration_s"]
    if kind == "image":
        duration = 0.0
    elif not duration:
        duration = _measure_duration(path, audio is not None)
        if duration <= 0:
            raise _not_playable(path)

    width = height = None
    if video is not None:
        width, height = video["width"], video["height"]
        if video["rotation"] in (90, 270):
            width, height = height, width
    info = MediaInfo(
        path=path,
        kind=kind,
        duration_s=round(float(duration), 3),
        width=width,
        height=height,
        fps=video["fps"] if video is not None and kind == "video" else None,
        vcodec=video["codec"] if video is not None else None,
        acodec=audio["codec"] if audio is not None else None,
        has_video=video is not None,
        has_audio=audio is not None,
        pix_fmt=video["pix_fmt"] if video is not None else None,
        container=container,
        sample_rate=audio["sample_rate"] if audio is not None else None,
        channels=audio["channels"] if audio is not None else None,
        size_bytes=st.st_size,
    )
    with _cache_lock:
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = info
    return info
