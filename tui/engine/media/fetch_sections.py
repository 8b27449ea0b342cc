"""Fetching only a section of a link (issue 17): frame-accurate, without the rest of the file.

A section is ``[start_s, end_s]`` in seconds (``end_s`` None: to the end), as
``fetch_options.parse_options`` checked it. Only that part crosses the network:

- **HLS / DASH and pages** (yt-dlp): ``download_ranges`` (``yt_dlp.utils.download_range_func``)
  makes yt-dlp hand the chosen formats to ffmpeg with input seeking (``-ss``/``-t`` before
  ``-i``, yt-dlp ``downloader/external.py`` ``FFmpegFD``); ffmpeg's HLS and DASH demuxers then
  request only the segments that hold the section. ``force_keyframes_at_cuts`` turns off the
  stream copy, so the cut is decoded and re-encoded (H.264/AAC MP4, the ``ffmpeg_o`` arguments
  below) and lands on the asked frame rather than on the keyframe before it;
- **a plain media link** (the worker's ``_direct`` path): the same ffmpeg input seeking over
  HTTP. ffmpeg's http protocol (``ffmpeg -h protocol=http``) reads the index (``moov``) with a
  first ranged request, then seeks to the keyframe before the start with ``Range``; bounded
  ``request_size`` ranges keep it from asking for (and the server from sending) the rest of
  the file, and ``reconnect`` resumes a cut connection where it stopped.

ffmpeg's accurate seek (the default with input ``-ss`` when decoding) decodes from the keyframe
before the start and drops the frames before it; input ``-t`` stops at the end: the file is the
section's frames, the first one the frame shown at ``start_s``, the sound cut at the same times.
"""

from __future__ import annotations

import collections
import re
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import IngestCancelled, IngestError

# ffmpeg's http input: ranged requests of 1 MiB (256 KiB while probing the index), a new
# request rather than reading past a gap of more than 64 KiB, one connection kept alive,
# and a dropped connection reopened at the byte where it stopped.
HTTP_INPUT_ARGS = [
    "-request_size", "1048576",
    "-initial_request_size", "262144",
    "-short_seek_size", "65536",
    "-multiple_requests", "1",
    "-reconnect", "1",
    "-reconnect_on_network_error", "1",
    "-reconnect_delay_max", "4",
]  # fmt: skip
# The section's encode: H.264 High (yuv420p, even sides) + AAC-LC in MP4, as ingest_post makes.
ENCODE_ARGS = [
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
    "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
    "-c:a", "aac", "-b:a", "192k",
]  # fmt: skip
_DURATION = re.compile(r"Duration:\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def clock(seconds: float) -> str:
    """``75.0`` -> ``"1m15s"``, ``3725.5`` -> ``"1h02m05.5s"`` (the section's words in names)."""
    whole = int(seconds)
    frac = seconds - whole
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s:02d}" + (f"{frac:.1f}"[1:] if frac >= 0.05 else "")
    return f"{h}h{m:02d}m{sec}s" if h else f"{m}m{sec}s"


def label(section: list[Any] | tuple[Any, ...]) -> str:
    """``[60, 150]`` -> ``"1m00s-2m30s"``; ``[60, None]`` -> ``"1m00s-end"``."""
    start, end = float(section[0]), section[1]
    return f"{clock(start)}-{clock(float(end)) if end is not None else 'end'}"


def named_for(path: Path, section: list[Any]) -> Path:
    """``path`` renamed to say its section, in its folder: ``clip.mp4`` -> ``clip (1m00s-2m30s).mp4``."""
    target = path.with_name(f"{path.stem} ({label(section)}){path.suffix}")
    path.replace(target)
    return target


def frames_short(path: Path, section: list[Any], duration_s: float | None = None) -> str | None:
    """Why the file at ``path`` lacks frames of ``section`` (None: it has them, ± 2 frames).

    ffmpeg's HLS and DASH demuxers skip a segment whose connection broke mid-body (their
    segment reads do not take the http ``reconnect`` options), so a cut can leave a gap:
    the picture's frame count is checked against the section's length times the frame rate.
    ``duration_s``: the link's length (a section running to the end, or past it, ends there;
    unknown: a section without an end is not checked)."""
    import av

    start, end = float(section[0]), section[1]
    stop = float(end) if end is not None else None
    if duration_s:
        stop = duration_s if stop is None else min(stop, duration_s)
    length = (stop - start) if stop is not None else None
    try:
        with av.open(str(path)) as container:
            if not container.streams.video or length is None:
                return None
            stream = container.streams.video[0]
            rate = stream.guessed_rate or stream.base_rate  # the nominal rate: the average hides a gap
            if not rate:
                return None
            frames = sum(1 for packet in container.demux(stream) if packet.size)
    except (OSError, av.error.FFmpegError):
        return "the file could not be read"
    expected = float(rate) * length
    if frames < expected - 2:
        return f"{frames} of {expected:.0f} frames arrived"
    return None


def check_start(section: list[Any], duration_s: float | None) -> None:
    """IngestError when the section starts at or after the video's end (``duration_s``, when known)."""
    if duration_s and float(section[0]) >= duration_s - 0.001:
        raise IngestError(
            f"The section starts at {clock(float(section[0]))}, but the video ends at {clock(duration_s)}: "
            "ask for a part inside the video."
        )


def ytdlp_options(section: list[Any]) -> dict[str, Any]:
    """yt-dlp options that fetch only ``section`` and cut it on the exact frames.

    Also tells yt-dlp's ffmpeg downloader where ffmpeg is, as yt-dlp's command line does with
    ``--ffmpeg-location`` (``FFmpegPostProcessor._ffmpeg_location``, ``yt_dlp/__init__.py``):
    its "can ffmpeg download this" check ignores the ``ffmpeg_location`` option, and the
    bundled ffmpeg is not on PATH. Set in the calling thread's context (the fetch worker's)."""
    from yt_dlp.postprocessor.ffmpeg import FFmpegPostProcessor
    from yt_dlp.utils import download_range_func

    FFmpegPostProcessor._ffmpeg_location.set(_ff.ffmpeg_exe())

    start, end = float(section[0]), section[1]
    return {
        "download_ranges": download_range_func(None, [(start, float(end) if end is not None else float("inf"))]),
        "force_keyframes_at_cuts": True,
        "external_downloader_args": {"ffmpeg_i": list(HTTP_INPUT_ARGS), "ffmpeg_o": list(ENCODE_ARGS)},
    }


def cut_url(
    url: str,
    section: list[Any],
    out: Path,
    *,
    proxy: str | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[Path, float | None]:
    """Write ``section`` of the media at ``url`` (a plain file served over HTTP) to ``out``
    (MP4, H.264/AAC, +faststart) with ffmpeg's input seeking; return ``out`` and the
    source's duration as ffmpeg read it (seconds, or None).

    ``url`` may also be a local file (a whole copy, from a server that sends no byte ranges).
    ``progress`` gets the fetch worker's progress dicts (stage "download", percent of the
    section). Raises IngestError in plain words (a section past the end included); a set
    ``cancel`` stops ffmpeg and raises IngestCancelled."""
    start, end = float(section[0]), section[1]
    args: list[str] = ["-y", "-v", "info", "-nostats", "-progress", "pipe:1"]
    if proxy:
        args += ["-http_proxy", proxy]
    if url.startswith(("http://", "https://")):
        args += HTTP_INPUT_ARGS
    args += ["-ss", f"{start:.6f}"]
    if end is not None:
        args += ["-t", f"{float(end) - start:.6f}"]
    args += ["-i", url, "-map", "0:v:0?", "-map", "0:a:0?", *ENCODE_ARGS]
    args += ["-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", str(out)]
    proc = _ff.popen(_ff.ffmpeg_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tail: collections.deque[str] = collections.deque(maxlen=60)
    duration: list[float] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            found = _DURATION.search(line)
            if found and not duration:
                h, m, s = found.groups()
                duration.append(int(h) * 3600 + int(m) * 60 + float(s))
            tail.append(line)

    reader = threading.Thread(target=read_stderr, name="section-stderr", daemon=True)
    reader.start()
    stopped = threading.Event()

    def watch() -> None:
        while proc.poll() is None:
            if cancel is not None and cancel.wait(0.1):
                stopped.set()
                proc.kill()
                return
            if cancel is None:
                time.sleep(0.1)

    threading.Thread(target=watch, name="section-cancel", daemon=True).start()
    span = (float(end) - start) if end is not None else None
    last = 0.0
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode("ascii", "replace").strip()
        if progress is None or not line.startswith("out_time_us="):
            continue
        now = time.monotonic()
        if now - last < 0.1:
            continue
        last = now
        try:
            done_s = int(line.split("=", 1)[1]) / 1e6
        except ValueError:
            continue
        total_s = span or ((duration[0] - start) if duration else None)
        progress(
            {
                "stage": "download",
                "label": out.name,
                "bytes": None,
                "total": None,
                "speed": None,
                "eta": None,
                "percent": round(max(0.0, min(99.9, 100.0 * done_s / total_s)), 1) if total_s else None,
            }
        )
    proc.wait()
    reader.join(5)
    if stopped.is_set():
        out.unlink(missing_ok=True)
        raise IngestCancelled("The download was cancelled.")
    known = duration[0] if duration else None
    if known is not None:
        check_start(section, known)
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        out.unlink(missing_ok=True)
        lines = [ln for ln in tail if not ln.startswith((" ", "Input #", "Output #", "Stream"))]
        raise IngestError(f"The section could not be fetched: {_ff.last_lines(chr(10).join(lines), 3)}")
    return out, known


def direct_section(
    job: dict[str, Any],
    url: str,
    name: str,
    cancel: threading.Event,
    say: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """The fetch worker's ``done`` dict for the job's section of a plain media link (``url``,
    whose server answers byte ranges, or a whole local copy; ``name``: its file name):
    ``"<stem> (<label>).mp4"`` in the job's folder."""
    from .probe import probe

    section = job["options"]["section"]
    stem = Path(name).stem
    out = Path(job["work_dir"]) / f"{stem} ({label(section)}).mp4"
    _, source_s = cut_url(
        url,
        section,
        out,
        proxy=job.get("proxy"),
        cancel=cancel,
        progress=lambda p: say({"progress": p}),
    )
    say({"progress": {"stage": "probe", "label": out.name, "bytes": None, "total": None, "speed": None,
                      "eta": None, "percent": None}})  # fmt: skip
    try:
        info = probe(out)
    except Exception:  # MediaError: ffmpeg wrote no playable file
        raise IngestError("The link did not lead to a playable video or audio file.") from None
    short = frames_short(out, section, source_s)
    if short:
        raise IngestError(f"Part of the section was lost on the way ({short}): nothing was kept. Try again.")
    cap_s = job.get("max_duration_s")
    if cap_s and info.duration_s > cap_s:
        raise IngestError(f"The section is {info.duration_s / 60:.0f} min long, over the {cap_s / 60:.0f} min limit.")
    facts = {
        k: getattr(info, k, None)
        for k in ("kind", "duration_s", "width", "height", "fps", "vcodec", "acodec", "has_audio")
    }
    return {
        "path": str(out),
        "title": stem,
        "offered_height": info.height,
        "duration_s": info.duration_s,
        "info": facts,
        "section": [float(section[0]), section[1]],
    }


__all__ = [
    "direct_section",
    "frames_short",
    "ENCODE_ARGS",
    "HTTP_INPUT_ARGS",
    "check_start",
    "clock",
    "cut_url",
    "label",
    "named_for",
    "ytdlp_options",
]
