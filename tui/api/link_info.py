"""What a link offers, read without downloading: the local ``formats`` extension (issue 17).

``POST /api/local/formats/{session_id}`` with ``{"url": "https://…"}`` answers the documented
envelope whose ``data`` is::

    {"url": str, "title": str|null, "duration": float|null (s),
     "kind": "video" | "playlist",
     "default_format_id": str|null,          # what a plain download (the highest) would take
     "formats": [{"format_id": str, "ext": str|null, "width": int|null, "height": int|null,
                  "fps": float|null, "vcodec": str|null ("none" = no video),
                  "acodec": str|null ("none" = no audio), "tbr": float|null (kbit/s),
                  "filesize": int|null (bytes), "filesize_approx": bool, "note": str|null}],
     "subtitles": [str],                     # language codes the link offers
     "entries": [{"index": int (1-based), "url": str, "title": str|null,
                  "duration": float|null}],  # a playlist's or feed's videos; [] for one video
     "truncated": bool}                      # the playlist has more entries than were listed

``formats`` are listed best first. ``default_format_id`` may name two rows joined by ``+``
(yt-dlp's merge of a video-only and a sound-only format, "137+140"): ``LinkInfo.is_default``.
A plain media file has one row, read from its headers (the file is not downloaded).

The cloud does not offer it (the service picks the format): callers check
``tui.api.ingest.capabilities`` for ``"formats"`` first. Every field is read tolerantly: a
missing or mistyped one is None, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from tui.contract import paths

from .client import NemoClient

INFO_TIMEOUT = httpx.Timeout(30.0, read=90.0)  # info extraction of a long playlist takes a while


@dataclass(frozen=True)
class FormatRow:
    """One format of a link; sizes in bytes, ``tbr`` in kbit/s, ``fps`` frames/s."""

    format_id: str
    ext: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    vcodec: str | None = None
    acodec: str | None = None
    tbr: float | None = None
    filesize: int | None = None
    filesize_approx: bool = False
    note: str | None = None

    @property
    def has_video(self) -> bool:
        return bool(self.vcodec) and self.vcodec != "none"

    @property
    def has_audio(self) -> bool:
        return bool(self.acodec) and self.acodec != "none"


@dataclass(frozen=True)
class Entry:
    """One video of a playlist or feed (``index`` 1-based, ``duration`` in s)."""

    index: int
    url: str
    title: str | None = None
    duration: float | None = None


@dataclass(frozen=True)
class LinkInfo:
    """What a link offers (see the module doc for the wire shape)."""

    url: str
    title: str | None = None
    duration: float | None = None
    kind: str = "video"
    default_format_id: str | None = None
    formats: tuple[FormatRow, ...] = ()
    subtitles: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = field(default_factory=tuple)
    truncated: bool = False  # more entries than the engine lists (MAX_ENTRIES)

    @property
    def is_playlist(self) -> bool:
        return self.kind == "playlist" or bool(self.entries)

    def is_default(self, row: FormatRow) -> bool:
        """``row`` is (part of) what a plain download takes."""
        return bool(self.default_format_id) and row.format_id in str(self.default_format_id).split("+")


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_link_info(url: str, data: Any) -> LinkInfo:
    """A ``LinkInfo`` from the envelope's ``data`` (tolerant: bad rows are skipped)."""
    d = data if isinstance(data, dict) else {}
    formats = tuple(
        FormatRow(
            format_id=str(f["format_id"]),
            ext=_str(f.get("ext")),
            width=_int(f.get("width")),
            height=_int(f.get("height")),
            fps=_float(f.get("fps")),
            vcodec=_str(f.get("vcodec")),
            acodec=_str(f.get("acodec")),
            tbr=_float(f.get("tbr")),
            filesize=_int(f.get("filesize")),
            filesize_approx=f.get("filesize_approx") is True,
            note=_str(f.get("note")),
        )
        for f in d.get("formats") or []
        if isinstance(f, dict) and isinstance(f.get("format_id"), (str, int)) and str(f["format_id"])
    )
    entries = tuple(
        Entry(_int(e.get("index")) or i, str(e["url"]), _str(e.get("title")), _float(e.get("duration")))
        for i, e in enumerate((x for x in d.get("entries") or [] if isinstance(x, dict)), start=1)
        if isinstance(e.get("url"), str) and e["url"]
    )
    return LinkInfo(
        url=_str(d.get("url")) or url,
        title=_str(d.get("title")),
        duration=_float(d.get("duration")),
        kind="playlist" if d.get("kind") == "playlist" else "video",
        default_format_id=_str(d.get("default_format_id")),
        formats=formats,
        subtitles=tuple(s for s in d.get("subtitles") or [] if isinstance(s, str) and s),
        entries=entries,
        truncated=d.get("truncated") is True,
    )


async def link_info(client: NemoClient, session_id: str, url: str) -> LinkInfo:
    """Read what ``url`` offers through the local extension. Raises ApiError (bad link: 4003;
    refused: 4005) or NetworkError."""
    body = await client._request("POST", paths.local_formats(session_id), json_body={"url": url}, timeout=INFO_TIMEOUT)
    return parse_link_info(url, body.get("data") if isinstance(body, dict) else None)


__all__ = ["Entry", "FormatRow", "INFO_TIMEOUT", "LinkInfo", "link_info", "parse_link_info"]
