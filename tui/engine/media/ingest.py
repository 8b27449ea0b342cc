"""Downloading a URL at the highest available resolution into an MP4 (yt-dlp as a library).

The best video and the best audio are merged by the bundled ffmpeg; formats are ranked by
resolution (by bandwidth when some variants do not say their resolution: ingest_formats.py),
then frame rate, with H.264/AAC preferred on ties. Works for pages yt-dlp knows, direct
media links and HLS master playlists (the highest variant wins). What arrives is made into
an MP4 of its picture and sound (ingest_post.py: re-encoded where MP4 cannot carry a codec,
text subtitles kept as mov_text), sound offered by the link but missing from the result is
fetched and merged, and the file is probed and checked against the offer before it is kept.
Everything is downloaded into a hidden temporary folder inside dest_dir and moved into place
only once complete and verified, so a failed or cancelled download leaves nothing behind.
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import IngestCancelled, IngestError, MediaError
from .ingest_formats import read_offer, verify
from .ingest_post import merge_audio, needs_rewrite, to_mp4
from .probe import probe

ProgressFn = Callable[[dict[str, Any]], None]

_PROGRESS_INTERVAL = 0.1  # seconds between two download progress reports (about 10 a second)


class _Logger:
    """Keeps yt-dlp quiet and remembers its errors and warnings for the message to the user."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        self.warnings.append(str(msg))

    def error(self, msg: str) -> None:
        self.errors.append(str(msg))


def _clean(message: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(message))
    text = re.sub(r"^(ERROR|WARNING):\s*", "", text.strip())
    text = re.sub(r"^\[[\w:.-]+\]\s*(\S+:\s*)?", "", text)
    return text.strip()


def plain_error(message: str) -> str:
    """yt-dlp's error text turned into plain words (exposed for tests and the server)."""
    text = _clean(message)
    low = text.lower()
    code = re.search(r"HTTP Error (\d{3})", text)
    if code:
        status = int(code.group(1))
        if status == 404:
            return "Nothing was found at this link (HTTP 404). Check the URL."
        if status in (401, 403):
            return f"The site refused the download (HTTP {status}): the video may be private or need a login."
        if status == 429:
            return "The site is rate-limiting downloads (HTTP 429). Try again later."
        return f"The site answered with an error (HTTP {status}). Try again later or check the URL."
    if "unsupported url" in low:
        return "No video was found at this link: the site is not supported or the page has no video."
    if "requested format is not available" in low or "no video formats found" in low:
        return "No downloadable video was found at this link."
    if any(
        s in low
        for s in (
            "connection refused",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "network is unreachable",
            "no route to host",
            "failed to resolve",
            "getaddrinfo failed",
            "connection reset",
            "remote end closed connection",
        )
    ):
        return "Could not reach the site: check the network connection and the URL."
    if "timed out" in low or "timeout" in low:
        return "The site did not answer in time: check the network connection and try again."
    if "sign in" in low or "login" in low or "private" in low:
        return "This video is private or needs a login, so it cannot be downloaded."
    if "no space left" in low:
        return "The disk is full: free some space and try again."
    if "is not a valid url" in low or "invalid url" in low:
        return "That is not a valid link."
    return f"The download failed: {text[:300]}" if text else "The download failed."


def _check_url(url: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise IngestError("That is not a valid link.")
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise IngestError("That is not a valid link: only http:// and https:// links can be downloaded.")
    return url


def unique_path(dest_dir: Path, name: str) -> Path:
    """``dest_dir/name``, or ``name (2)``, ``name (3)``… when taken: nothing is overwritten."""
    target = dest_dir / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = dest_dir / f"{stem} ({n}){suffix}"
        n += 1
    return target


def _final_file(info: dict[str, Any] | None, tmp: Path) -> Path | None:
    for item in (info or {}).get("requested_downloads") or []:
        path = item.get("filepath") or item.get("_filename")
        if path and Path(path).is_file():
            return Path(path)
    files = [p for p in tmp.rglob("*") if p.is_file() and not p.name.endswith((".part", ".ytdl"))]
    files.sort(key=lambda p: p.stat().st_size, reverse=True)
    return files[0] if files else None


def _complete(
    produced: Path,
    raw: Any,
    offer: Any,
    opts: dict[str, Any],
    tmp: Path,
    emit: Callable[..., None],
    notes: list[str] | None,
) -> tuple[Path, Any]:
    """Sound fetched and merged when offered but missing, then made into an MP4 and probed."""
    import yt_dlp

    try:
        media = probe(produced)
    except MediaError:
        raise IngestError("The link did not lead to a playable video or audio file.") from None
    if media.has_video and not media.has_audio and offer.audio and raw:
        emit("merge", produced.name)
        audio_opts = {
            **opts,
            "format": "ba/ba*",
            "format_sort": ["abr", "acodec:aac"],
            "outtmpl": {"default": "sound-only.%(ext)s"},
            "merge_output_format": None,
        }
        with yt_dlp.YoutubeDL(audio_opts) as ydl:
            extra = ydl.process_ie_result(copy.deepcopy(raw), download=True)
        sound = _final_file(extra, tmp)
        if sound is not None and sound != produced:
            produced = merge_audio(produced, sound, tmp)
            sound.unlink(missing_ok=True)
            if notes is not None:
                notes.append("The sound was offered separately: it was fetched and added.")
        media = probe(produced)
    if needs_rewrite(media):
        emit("convert", produced.name)
    produced, post_notes = to_mp4(produced, tmp)
    if notes is not None:
        notes.extend(post_notes)
    try:
        return produced, probe(produced)
    except MediaError:
        raise IngestError("The link did not lead to a playable video or audio file.") from None


def ingest_url(
    url: str,
    dest_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    max_height: int | None = None,
    notes: list[str] | None = None,
    extra_opts: dict[str, Any] | None = None,
    tune: Callable[[Any, dict[str, Any]], int | None] | None = None,
) -> Path:
    """Download url into dest_dir as an MP4 at the highest resolution; return the file's path.

    progress receives dicts {"stage", "label", "bytes", "total", "speed", "eta", "percent"}
    (bytes/total/speed/eta/percent may be None), at most about ten a second while bytes
    arrive; stage is "download", then "merge" (video + audio joined) or "remux" (container
    fixed up) when ffmpeg runs, then "convert" (made into an MP4), then "probe".
    notes, when given, receives plain-words sentences about what was changed or left out
    (subtitles kept or dropped, sound fetched separately).
    extra_opts: more yt-dlp options merged last (tui.engine.media.fetch passes its caps:
    match_filter, max_filesize).
    tune(ydl, raw), when given, runs once the link's formats are known and before the download
    (fetch_tuning.Tuner: a chosen format, a section's check); it may change the YoutubeDL's
    format and returns the height the file must have when it chose one (else None).
    Setting cancel stops the download (IngestCancelled). Any failure raises IngestError in
    plain words, and nothing is left in dest_dir.
    """
    url = _check_url(url)
    try:
        import yt_dlp
        from yt_dlp.utils import DownloadCancelled, DownloadError, YoutubeDLError
    except ImportError as exc:
        raise IngestError("Downloading links needs yt-dlp: install nemo-tui[local].") from exc
    try:
        ffmpeg = _ff.ffmpeg_exe()
    except MediaError as exc:
        raise IngestError(exc.message) from exc

    class Cancelled(DownloadCancelled):  # type: ignore[misc]  # yt-dlp ships no type hints
        msg = "The download was cancelled."

    dest_dir = Path(dest_dir)
    created = not dest_dir.exists()
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".ingest-", dir=dest_dir))
    except OSError as exc:
        raise IngestError(f"Cannot save the download: {exc.strerror or exc}.") from None
    finished = False
    logger = _Logger()
    last_report = [0.0]

    def emit(
        stage: str,
        label: str,
        done: Any = None,
        total: Any = None,
        speed: Any = None,
        eta: Any = None,
        percent: Any = None,
    ) -> None:
        if progress is None:
            return
        progress(
            {
                "stage": stage,
                "label": label,
                "bytes": int(done) if isinstance(done, (int, float)) else None,
                "total": int(total) if isinstance(total, (int, float)) and total > 0 else None,
                "speed": float(speed) if isinstance(speed, (int, float)) else None,
                "eta": float(eta) if isinstance(eta, (int, float)) else None,
                "percent": round(float(percent), 1) if isinstance(percent, (int, float)) else None,
            }
        )

    def label_of(d: dict[str, Any]) -> str:
        info = d.get("info_dict") or {}
        title = str(info.get("title") or Path(str(d.get("filename") or "video")).stem)
        return f"{title[:80]}.mp4" if info.get("vcodec") != "none" else f"{title[:80]}.{info.get('ext', 'm4a')}"

    def on_download(d: dict[str, Any]) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        status = d.get("status")
        if status not in ("downloading", "finished"):
            return
        now = time.monotonic()
        if status == "downloading" and now - last_report[0] < _PROGRESS_INTERVAL:
            return
        last_report[0] = now
        done = d.get("downloaded_bytes")
        total = d.get("total_bytes") or d.get("total_bytes_estimate")
        percent = None
        if status == "finished":
            percent, total = 100.0, total or done
        elif total and isinstance(done, (int, float)):
            percent = min(100.0, 100.0 * done / total)
        elif d.get("fragment_count"):
            percent = min(100.0, 100.0 * (d.get("fragment_index") or 0) / d["fragment_count"])
        emit("download", label_of(d), done, total, d.get("speed"), d.get("eta"), percent)

    def on_postprocess(d: dict[str, Any]) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if d.get("status") == "started":
            emit("merge" if d.get("postprocessor") == "Merger" else "remux", label_of(d))

    opts: dict[str, Any] = {
        "format": "bv*+ba/b",
        # MP4 when the merged codecs fit it, else MKV; ingest_post makes the final MP4.
        "merge_output_format": "mp4/mkv",
        "ffmpeg_location": ffmpeg,
        "noplaylist": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": logger,
        "progress_hooks": [on_download],
        "postprocessor_hooks": [on_postprocess],
        "paths": {"home": str(tmp), "temp": str(tmp)},
        "outtmpl": {"default": "%(title).80B.%(ext)s"},
        "windowsfilenames": True,
        "cachedir": False,
        "socket_timeout": 20,
        "retries": 2,
        "fragment_retries": 3,
        "extractor_retries": 1,
        "overwrites": True,
        "color": {"stdout": "never", "stderr": "never"},
    }
    opts.update(extra_opts or {})
    try:
        if cancel is not None and cancel.is_set():
            raise IngestCancelled("The download was cancelled.")
        try:
            with yt_dlp.YoutubeDL(opts) as ydl:
                raw = ydl.extract_info(url, download=False, process=False)
                offer = read_offer(raw, max_height)
                ydl.params["format_sort"] = offer.format_sort
                if tune is not None and raw:
                    max_height = tune(ydl, raw) or max_height
                info = ydl.process_ie_result(copy.deepcopy(raw), download=True) if raw else None
        except DownloadCancelled as exc:
            raise IngestCancelled("The download was cancelled.") from exc
        except (DownloadError, YoutubeDLError) as exc:
            raise IngestError(plain_error(logger.errors[-1] if logger.errors else str(exc))) from None
        except OSError as exc:
            raise IngestError(plain_error(str(exc))) from None
        if cancel is not None and cancel.is_set():
            raise IngestCancelled("The download was cancelled.")
        if info is None:
            raise IngestError(plain_error(logger.errors[-1] if logger.errors else ""))
        produced = _final_file(info, tmp)
        if produced is None:
            raise IngestError("The download finished but produced no file.")
        try:
            produced, media = _complete(produced, raw, offer, opts, tmp, emit, notes)
        except DownloadCancelled as exc:
            raise IngestCancelled("The download was cancelled.") from exc
        except (DownloadError, YoutubeDLError) as exc:
            raise IngestError(plain_error(logger.errors[-1] if logger.errors else str(exc))) from None
        emit("probe", produced.name)
        verify(media, offer, max_height)
        target = unique_path(dest_dir, produced.name.lstrip(".") or f"video{produced.suffix}")
        produced.replace(target)
        finished = True
        return target
    except Exception as exc:
        if isinstance(exc, IngestError):
            raise
        raise IngestError(plain_error(str(exc))) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not finished:
            try:
                dest_dir.rmdir()  # only if still empty: a folder made for this download goes too
            except OSError:
                pass
