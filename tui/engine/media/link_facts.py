"""What a link offers, read without downloading its media (issue 17; the ``formats`` extension).

Runs inside the fetch worker's child process (``fetch_worker``, job ``{"task": "info"}``), so a
slow site is bounded and killed like a fetch. ``read_link(job)`` answers the ``data`` of
``POST /api/local/formats`` (the shape is documented in ``tui/api/link_info.py``):

- a **plain media file** (the server answers ``video/*`` / ``audio/*``): one format row from
  the headers (``Content-Length``, ``Content-Type``) and the container's stream headers, read by
  FFmpeg (PyAV) over HTTP with range requests: the file is not downloaded whole;
- a **page, HLS master or DASH manifest**: yt-dlp's info extraction
  (``extract_info(download=False, process=False)``), then yt-dlp's own format selection with
  the engine's default ranking (``ingest_formats.read_offer``, the same ``format`` and
  ``format_sort`` as ``ingest.ingest_url``), so ``default_format_id`` is what a plain download
  takes (``"137+140"`` when video and sound are merged);
- a **playlist or feed** (RSS/Atom enclosures, a page with several videos): its entries,
  listed flat (``extract_flat="in_playlist"``: no entry is resolved), at most
  ``max_entries`` (``truncated`` says when there were more).

The converters (``format_rows``, ``entry_rows``, ``subtitle_langs``, ``facts``) are tolerant:
yt-dlp's info dicts miss fields all the time (an HLS variant without RESOLUTION has no height,
a direct file has no codecs); a missing or mistyped field is None, a row without an id is left
out, nothing raises.
"""

from __future__ import annotations

import copy
import itertools
import urllib.parse
from collections.abc import Mapping
from typing import Any

MAX_ENTRIES = 500  # entries listed of a playlist or feed; the rest are counted as truncated
MAX_PAGE_BYTES = 20_000_000  # a page (HTML, XML, a manifest) larger than this is refused
_MEDIA_TYPES = ("video/", "audio/")
_NOT_FORMATS = ("mhtml",)  # yt-dlp's storyboards: pictures, not something to download


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return int(value) if value > 0 else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value <= 0:
        return None
    return float(value)


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def format_rows(formats: Any, duration: Any = None) -> list[dict[str, Any]]:
    """yt-dlp's ``formats`` → wire rows, best first (yt-dlp lists worst first). A size is the
    exact ``filesize``, else yt-dlp's ``filesize_approx``, else bitrate × duration (then
    ``filesize_approx`` is true). Rows without a ``format_id``, DRM rows and storyboards are
    left out."""
    rows: list[dict[str, Any]] = []
    seconds = _float(duration)
    for f in formats if isinstance(formats, list) else []:
        if not isinstance(f, Mapping) or f.get("has_drm"):
            continue
        fid = f.get("format_id")
        if isinstance(fid, bool) or not isinstance(fid, (str, int)) or not str(fid).strip():
            continue
        ext = _str(f.get("ext"))
        if ext in _NOT_FORMATS or _str(f.get("format_note")) == "storyboard":
            continue
        tbr = _float(f.get("tbr"))
        size, approx = _int(f.get("filesize")), False
        if size is None:
            size, approx = _int(f.get("filesize_approx")), True
        if size is None and tbr and seconds:
            size = int(tbr * 1000 / 8 * seconds)
        rows.append(
            {
                "format_id": str(fid).strip(),
                "ext": ext,
                "width": _int(f.get("width")),
                "height": _int(f.get("height")),
                "fps": _float(f.get("fps")),
                "vcodec": _str(f.get("vcodec")),
                "acodec": _str(f.get("acodec")),
                "tbr": tbr,
                "filesize": size,
                "filesize_approx": bool(size is not None and approx),
                "note": _str(f.get("format_note")),
            }
        )
    rows.reverse()
    return rows


def _entry_url(entry: Mapping[str, Any]) -> str | None:
    url = _str(entry.get("url")) or _str(entry.get("webpage_url")) or _str(entry.get("original_url"))
    if url is None:  # a page's embedded video: a full info dict whose formats carry the links
        formats = [f for f in entry.get("formats") or [] if isinstance(f, Mapping) and _str(f.get("url"))]
        url = _str(formats[-1].get("url")) if formats else None
    if url is None:
        return None
    if "#__youtubedl_smuggle=" in url:  # yt-dlp's RSS reader smuggles the guid into the link
        url = url.split("#__youtubedl_smuggle=", 1)[0]
    return url if urllib.parse.urlsplit(url).scheme in ("http", "https") else None


def entry_rows(entries: Any, cap: int = MAX_ENTRIES) -> tuple[list[dict[str, Any]], bool]:
    """A playlist's ``entries`` (a list, or yt-dlp's lazy pages) → wire rows in order, at most
    ``cap`` of them, and whether there were more. Entries without a web link are left out
    (their index keeps its place: ``index`` is the 1-based position in the playlist)."""
    if entries is None or isinstance(entries, (str, bytes, Mapping)):
        return [], False
    try:
        head = list(itertools.islice(iter(entries), cap + 1))
    except TypeError:
        return [], False
    rows = []
    for i, e in enumerate(head[:cap], start=1):
        if not isinstance(e, Mapping):
            continue
        url = _entry_url(e)
        if url is not None:
            rows.append({"index": i, "url": url, "title": _str(e.get("title")), "duration": _float(e.get("duration"))})
    return rows, len(head) > cap


def subtitle_langs(info: Mapping[str, Any]) -> list[str]:
    """The languages of ``subtitles``; of ``automatic_captions`` only when there are none."""
    for key in ("subtitles", "automatic_captions"):
        subs = info.get(key)
        if isinstance(subs, Mapping):
            langs = sorted(str(k) for k, v in subs.items() if isinstance(k, str) and k and k != "live_chat" and v)
            if langs:
                return langs
    return []


def facts(
    url: str, info: Mapping[str, Any], default_format_id: str | None = None, cap: int = MAX_ENTRIES
) -> dict[str, Any]:
    """The wire ``data`` of one yt-dlp info dict (a video, or a playlist when ``_type`` says so)."""
    playlist = info.get("_type") in ("playlist", "multi_video")
    entries, truncated = entry_rows(info.get("entries"), cap) if playlist else ([], False)
    duration = _float(info.get("duration"))
    return {
        "url": url,
        "title": _str(info.get("title")),
        "duration": duration,
        "kind": "playlist" if playlist else "video",
        "default_format_id": None if playlist else _str(default_format_id),
        "formats": [] if playlist else format_rows(info.get("formats"), duration),
        "subtitles": [] if playlist else subtitle_langs(info),
        "entries": entries,
        "truncated": truncated,
    }


def _plain_media(job: dict[str, Any]) -> dict[str, Any] | None:
    """One format row for a plain media file, read from its headers; None when the link is
    not one. Raises Refused for a page over ``MAX_PAGE_BYTES``."""
    import httpx

    from .fetch_worker import Refused, Stop

    url, proxy = job["url"], job.get("proxy")
    with httpx.Client(
        follow_redirects=True, timeout=20.0, headers={"Accept-Encoding": "identity"}, proxy=proxy
    ) as client:
        with client.stream("GET", url) as resp:  # the headers only: the body is not read
            if resp.status_code >= 400:
                return None  # yt-dlp gives the plain-words error (404, 403, ...)
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            length = resp.headers.get("content-length", "")
            size = int(length) if length.isdigit() else None
            final = str(resp.url)
    if not ctype.startswith(_MEDIA_TYPES) or "mpegurl" in ctype:
        if size is not None and size > job.get("max_page_bytes", MAX_PAGE_BYTES):
            raise Refused(f"This link's page is {size // 1_000_000} MB: too large to read its formats.")
        return None
    import av

    options = {"rw_timeout": "15000000"}  # µs without a byte: a stalled server is given up
    if proxy:
        options["http_proxy"] = proxy
    try:
        with av.open(final, options=options, timeout=20.0) as container:
            video = next((s for s in container.streams.video), None)
            audio = next((s for s in container.streams.audio), None)
            duration = container.duration / 1_000_000 if container.duration else None
            fmt = container.format.name
            row: dict[str, Any] = {
                "format_id": ctype.split("/", 1)[1][:40] or "file",
                "width": video.codec_context.width if video else None,
                "height": video.codec_context.height if video else None,
                "fps": float(video.average_rate) if video and video.average_rate else None,
                "vcodec": video.codec_context.name if video else "none",
                "acodec": audio.codec_context.name if audio else "none",
                "tbr": container.bit_rate / 1000 if container.bit_rate else None,
                "filesize": size,
                "ext": urllib.parse.urlsplit(final).path.rpartition(".")[2].lower()[:8] or fmt.split(",")[0],
                "format_note": "the file as it is",
            }
    except Exception:
        raise Stop("The link did not lead to a playable video or audio file.") from None
    title = urllib.parse.unquote(urllib.parse.urlsplit(final).path.rsplit("/", 1)[-1]).rpartition(".")[0]
    info = {"title": title or None, "duration": duration, "formats": [row]}
    return facts(url, info, str(row["format_id"]))


class _Quiet:
    """yt-dlp's logger: nothing printed, errors kept for the plain-words message."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    info = warning = debug

    def error(self, msg: str) -> None:
        self.errors.append(str(msg))


def _is_playlist(info: Mapping[str, Any] | None) -> bool:
    return info is not None and info.get("_type") in ("playlist", "multi_video")


def read_link(job: dict[str, Any]) -> dict[str, Any]:
    """The wire ``data`` for ``job["url"]`` (job keys: ``url``, ``proxy``, ``max_entries``,
    ``max_page_bytes``). Raises IngestError in plain words (fetch_worker reports it)."""
    plain = _plain_media(job)
    if plain is not None:
        return plain
    import yt_dlp
    from yt_dlp.utils import DownloadError, YoutubeDLError

    from .errors import IngestError
    from .ingest import plain_error
    from .ingest_formats import read_offer

    url, cap = job["url"], int(job.get("max_entries") or MAX_ENTRIES)
    logger = _Quiet()
    opts: dict[str, Any] = {
        "format": "bv*+ba/b",  # ingest_url's selection, so the default mark is what a download takes
        "extract_flat": "in_playlist",  # a playlist's entries listed, none resolved
        "playlistend": cap + 1,
        "skip_download": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": logger,
        "cachedir": False,
        "socket_timeout": 20,
        "extractor_retries": 1,
        "color": {"stdout": "never", "stderr": "never"},
    }
    if job.get("proxy"):
        opts["proxy"] = job["proxy"]  # every request through the engine's egress check
    try:
        with yt_dlp.YoutubeDL(opts) as ydl:
            raw = ydl.extract_info(url, download=False, process=False)
            for _ in range(3):  # a page that only points at another link
                if not raw or raw.get("_type") not in ("url", "url_transparent") or not raw.get("url"):
                    break
                raw = ydl.extract_info(raw["url"], download=False, process=False, ie_key=raw.get("ie_key"))
            if not raw:
                raise IngestError(plain_error(logger.errors[-1] if logger.errors else ""))
            if _is_playlist(raw):
                return facts(url, raw, None, cap)
            ydl.params["format_sort"] = read_offer(raw, None).format_sort
            default: str | None = None
            try:
                chosen = ydl.process_ie_result(copy.deepcopy(raw), download=False)
                default = chosen.get("format_id") if isinstance(chosen, dict) else None
                info = chosen if isinstance(chosen, dict) and chosen.get("formats") else raw
            except (DownloadError, YoutubeDLError):
                info = raw  # no format to pick ("requested format not available"): still list them
            return facts(url, info, default, cap)
    except (DownloadError, YoutubeDLError) as exc:
        raise IngestError(plain_error(logger.errors[-1] if logger.errors else str(exc))) from None


__all__ = ["MAX_ENTRIES", "MAX_PAGE_BYTES", "entry_rows", "facts", "format_rows", "read_link", "subtitle_langs"]
