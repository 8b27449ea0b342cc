"""The fetch options that change how yt-dlp fetches (issue 17): the format, the section, the speed.

``ytdlp_extra(options)`` gives the yt-dlp options added to every fetch by the fetch worker, and
``Tuner(options, duration_s)`` is the hook ``ingest.ingest_url`` calls once the link's formats
are known (``tune``), before anything is downloaded:

- **format_id**: that format exactly, with the best sound merged when it is picture only
  (``"<id>+bestaudio/<id>"``, yt-dlp's format selection syntax, README "FORMAT SELECTION");
  its height becomes the height the download is checked against (``ingest_formats.verify``),
  so a chosen 720p of a 1080p link is kept. An id the link does not list is refused in words;
- **section**: ``fetch_sections.ytdlp_options`` (download ranges, exact cuts); a start at or
  after the link's stated end is refused before anything is fetched;
- **speed**: ``CONCURRENT_FRAGMENTS`` fragments of an HLS/DASH stream in flight at once
  (yt-dlp ``concurrent_fragment_downloads``; env ``NEMO_FETCH_FRAGMENTS``, 1..32); the default
  was picked by ``bench/fetch_speed.py`` (60 s 1080p HLS, 2 s fragments, 40 ms added to every
  request, best of 5 on a loaded 2-core machine: 1 in flight 0.80x plain yt-dlp's time, 2 0.41x,
  4 0.39x, 8 0.38x, 16 0.39x with the widest spread; 8 kept: the most latency hidden for links
  farther away than 40 ms, without the spread of 16);
- **resume**: ``continuedl`` with fragment and HTTP retries: a fragment or a file cut by a
  network error is asked again from where it stopped, not the whole download.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import IngestError
from .fetch_sections import check_start, frames_short, named_for, ytdlp_options


def _fragments(env: Mapping[str, str]) -> int:
    """``NEMO_FETCH_FRAGMENTS`` (1..32), else the measured default."""
    try:
        value = int(env.get("NEMO_FETCH_FRAGMENTS", ""))
    except ValueError:
        return DEFAULT_FRAGMENTS
    return value if 1 <= value <= 32 else DEFAULT_FRAGMENTS


DEFAULT_FRAGMENTS = 8
CONCURRENT_FRAGMENTS = _fragments(os.environ)  # the worker process reads it at its first fetch
RETRIES = 5  # HTTP and fragment retries: a cut is resumed this many times before the fetch fails


def warm_up() -> None:
    """Do, in a waiting spare worker, what a fetch otherwise does on its first link: compile
    every yt-dlp extractor's URL pattern (``suitable``), load the generic extractor (which
    handles direct HLS/DASH links and pages with a ``<video>``), the HLS and DASH downloaders,
    the ffmpeg post-processors, PyAV and httpx's transport. About 1.5 s of CPU that a fetch
    then no longer waits for (``bench/fetch_speed.py``). Touches no network."""
    import yt_dlp
    from yt_dlp.extractor import gen_extractor_classes

    for ie in gen_extractor_classes():
        ie.suitable("https://127.0.0.1/video.m3u8")
    with yt_dlp.YoutubeDL({"quiet": True, "no_warnings": True, "cachedir": False}) as ydl:
        ydl.get_info_extractor("Generic")
    # What the first fetch would import on its way: PyAV (the probe), httpx's transport, the
    # bundled ffmpeg's path, yt-dlp's fragment threads.
    import concurrent.futures.thread  # noqa: F401
    import time

    import av  # noqa: F401
    import httpx
    import yt_dlp.downloader.dash
    import yt_dlp.downloader.hls
    import yt_dlp.postprocessor.ffmpeg  # noqa: F401

    from . import ffmpeg as _ff

    httpx.Client().close()
    _ff.ffmpeg_exe()
    time.strptime("2000", "%Y")


def ytdlp_extra(options: Mapping[str, Any]) -> dict[str, Any]:
    """yt-dlp options for a fetch with these options (speed and resume always, the section's when asked)."""
    extra: dict[str, Any] = {
        "concurrent_fragment_downloads": CONCURRENT_FRAGMENTS,
        "continuedl": True,
        "retries": RETRIES,
        "fragment_retries": RETRIES,
        "file_access_retries": 1,
    }
    section = options.get("section")
    if section:
        extra.update(ytdlp_options(section))
    return extra


def format_selector(formats: list[Mapping[str, Any]], format_id: str) -> tuple[str, int | None]:
    """(yt-dlp format selector, the picture's height or None) for one row of the formats table.

    Raises IngestError when the link does not list ``format_id`` (a selector such as
    ``137+140`` is passed as it is: each part must be listed)."""
    by_id = {str(f.get("format_id")): f for f in formats if isinstance(f, Mapping)}
    parts = format_id.split("+")
    missing = [p for p in parts if p not in by_id]
    if missing:
        raise IngestError(f"This link has no format {missing[0]!r}: list its formats again and pick one of them.")
    heights = [by_id[p].get("height") for p in parts if by_id[p].get("vcodec") != "none"]
    height = next((int(h) for h in heights if isinstance(h, int) and h > 0), None)
    if len(parts) == 1:
        chosen = by_id[format_id]
        if chosen.get("vcodec") != "none" and chosen.get("acodec") == "none":
            return f"{format_id}+bestaudio/{format_id}", height  # picture only: add the best sound
    return format_id, height


def tuned(ingest_url: Callable[..., Path], options: Mapping[str, Any], playlist_s: float | None) -> Callable[..., Path]:
    """``ingest_url`` (``ingest.ingest_url``'s signature) with these options applied: the
    ``Tuner`` hook, and for a section the file checked for lost frames (fetched once more when
    a cut connection left a gap: ``fetch_sections.frames_short``; twice short: IngestError) and
    named for its part (``"<title> (1m00s-2m30s).mp4"``). ``playlist_s``: the HLS playlist's
    length the worker found, or None."""
    section = options.get("section")

    def run(url: str, dest_dir: Path, **kwargs: Any) -> Path:
        for _attempt in range(2):
            tuner = Tuner(options, playlist_s)
            path = ingest_url(url, dest_dir, tune=tuner, **kwargs)
            if not section:
                return path
            short = frames_short(path, section, tuner.duration_s)
            if short is None:
                return named_for(path, section)
            path.unlink(missing_ok=True)
        raise IngestError(f"Part of the section was lost on the way twice ({short}): nothing was kept. Try again.")

    return run


class Tuner:
    """``ingest_url``'s ``tune`` hook for one fetch's options; ``duration_s``: the length the
    link was found to have before yt-dlp ran (an HLS playlist's sum of EXTINF), or None."""

    def __init__(self, options: Mapping[str, Any], duration_s: float | None = None) -> None:
        self.options = options
        self.duration_s = duration_s

    def __call__(self, ydl: Any, raw: Mapping[str, Any]) -> int | None:
        """Give the ``yt_dlp.YoutubeDL`` a chosen format (its ``format`` param and the selector it
        built from it in ``__init__``); check a section's start against the link's duration.
        Returns the height the download must have (or None: unchanged)."""
        section = self.options.get("section")
        duration = raw.get("duration")
        if isinstance(duration, (int, float)) and duration > 0:
            self.duration_s = float(duration)  # the link's own word wins over the playlist's sum
        if section:
            check_start(section, self.duration_s)
        format_id = self.options.get("format_id")
        if not format_id:
            return None
        selector, height = format_selector(list(raw.get("formats") or [raw]), str(format_id))
        ydl.params["format"] = selector
        ydl.format_selector = ydl.build_format_selector(selector)
        return height


__all__ = [
    "CONCURRENT_FRAGMENTS",
    "DEFAULT_FRAGMENTS",
    "RETRIES",
    "Tuner",
    "format_selector",
    "tuned",
    "warm_up",
    "ytdlp_extra",
]
