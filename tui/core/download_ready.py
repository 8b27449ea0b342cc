"""Saving a fetched file that is the deliverable as it is (issue 17: audio only, subtitles).

When the engine made the file itself (``FetchedMedia.ready``: an ``.m4a``/``.mp3`` of the
sound, an MP4 with a subtitle track or burned-in subtitles), the download job skips the
render: the file is downloaded from its ``cdn_url`` straight to the target through the
client's verified download (``tui.api.media_download``: ``.part``, resume, checks).

- ``ready_name(media, url)``: ``download_name``'s ``<title>.mp4`` with the fetched file's
  extension (``.m4a``, ``.mp3`` or ``.mp4``);
- ``file_facts(path)``: what the saved file is: MP4/M4A from its boxes (``mp4_facts``), MP3 from
  its frames and Xing header (mutagen, ``mutagen.mp3.MP3``);
- ``save_ready(...)``: the download with progress events, then the ``JobDone``;
- ``check_ready(request, media)``: a request for audio or subtitles that the engine did not
  make fails clearly instead of saving a plain MP4.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from tui.api.errors import ApiError
from tui.api.ingest import FetchedMedia
from tui.core.download_events import DownloadEvent, Facts, JobDone, JobProgress
from tui.core.download_intent import DownloadRequest, download_name
from tui.core.files import RateMeter
from tui.core.mp4_facts import Mp4Facts, mp4_facts

READY_SUFFIXES = (".m4a", ".mp3", ".mp4")
_EVERY = 0.1  # seconds between two progress events


def ready_name(media: FetchedMedia, url: str, title: str | None = None) -> str:
    """``download_name``'s choice (the site's title, else the file's or the link's name) with
    the fetched file's extension: ``Title.m4a``, ``Title.mp3`` or ``Title.mp4``."""
    filename = PurePath(media.filename or "")
    suffix = filename.suffix.lower()
    if suffix not in READY_SUFFIXES:
        suffix = ".m4a" if media.file_type == "audio" else ".mp4"
    name = download_name(title or media.title, filename.stem, url)  # "Title.mp4"; title: a playlist entry's
    return name[: -len(PurePath(name).suffix)] + suffix


def check_ready(request: DownloadRequest, media: FetchedMedia) -> None:
    """Refuse (ApiError) the engine's answer to a request for an audio file or subtitles when
    the file it sent is not ready: never a plain MP4 saved in place of what was asked. (A
    backend without the local fetch is refused before the fetch: ``download_plan.needs_local``.)"""
    wanted = "the audio only" if request.audio else "subtitles" if request.subs else None
    if wanted is not None and not media.ready:
        raise ApiError(f"The engine did not make {wanted} from this link, so nothing was saved.", "Try again.")


def file_facts(path: Path | str) -> Mp4Facts:
    """The facts of a saved file (``Mp4Facts``): an MP3 read by mutagen (codec "MP3", its
    length from the Xing header or the frames), anything else by ``mp4_facts``."""
    if str(path).lower().endswith(".mp3"):
        from mutagen import MutagenError
        from mutagen.mp3 import MP3

        size = Path(path).stat().st_size
        try:
            info = MP3(str(path)).info  # type: ignore[no-untyped-call, unused-ignore]  # mutagen ships no type hints
            length = float(getattr(info, "length", None) or 0.0)
        except (MutagenError, OSError):
            return Mp4Facts(None, None, None, None, None, size)
        return Mp4Facts(None, None, None, "MP3", length or None, size)
    return mp4_facts(path)


def download_progress(
    job_id: str, url: str, emit: Callable[[DownloadEvent], None]
) -> Callable[[int, int | None], None]:
    """The download stage's progress callback (``received``, ``total`` bytes, as the client's
    downloads call it): ``JobProgress`` events (speed, ETA, elapsed since the first byte)
    through ``emit``, at most one every ``_EVERY`` s, and always the last one."""
    meter = RateMeter()
    first: list[float] = []
    last = [0.0]

    def on_download(received: int, total: int | None) -> None:
        meter.add(received)
        now = time.monotonic()
        first[:] = first or [now]
        if now - last[0] < _EVERY and not (total and received >= total):
            return
        last[0] = now
        percent = round(100.0 * received / total, 1) if total else None
        emit(
            JobProgress(
                job_id, url, "download", received, total, percent, meter.speed, meter.eta(total), now - first[0]
            )
        )

    return on_download


async def save_ready(
    client: Any,
    job_id: str,
    url: str,
    media: FetchedMedia,
    target: Path,
    emit: Callable[[DownloadEvent], None],
) -> JobDone:
    """Download the ready file to ``target`` (or the next free name), reporting ``JobProgress``
    (stage "download") through ``emit``; the ``JobDone`` with the saved file's facts.
    Raises DownloadError (an ApiError) when the file cannot be saved."""
    import asyncio

    from tui.api.media_download import download_media

    path = await download_media(client, media.cdn_url, target, download_progress(job_id, url, emit))
    facts = Facts(
        await asyncio.to_thread(file_facts, path), media.offered_height if media.file_type != "audio" else None
    )
    return JobDone(job_id, url, Path(path), facts)


__all__ = ["READY_SUFFIXES", "check_ready", "download_progress", "file_facts", "ready_name", "save_ready"]
