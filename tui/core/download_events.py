"""The events of a download job and the chat line of a request (see tui.core.downloads).

``JobStarted`` once per job (a link, or one entry of a playlist: ``title`` then names it; the
job may wait for a free slot: its row says "waiting" until the first ``JobProgress``),
``JobProgress`` (stage "fetch" | "render" | "download", bytes, total, percent, speed in
bytes/s, eta and elapsed in s) at most ~10 a second, then ``JobDone`` (path, facts, note,
section, line) or ``JobFailed`` (message, next_step, cancelled, title).

Playlists and feeds (issue 17):

- ``PlaylistFound(job_id, url, info, answer)``: a link is a playlist or feed and the request
  did not say which entries (``DownloadRequest.playlist`` None). Only sent when the jobs were
  made with ``ask_playlist=True`` (the app); the UI opens its entries picker on
  ``info.entries`` and answers with ``event.choose("1-5")`` (a selection of
  ``tui.core.playlist_pick``) or ``event.skip()`` (nothing of this link is saved). The link's
  jobs wait for the answer. Non-interactive callers (``ask_playlist=False``: ``nemo-tui get``)
  never see it: every entry is saved and ``PlaylistExpanded.note`` says so.
- ``PlaylistExpanded(job_id, url, title, chosen, total, note)``: the link became ``chosen``
  jobs out of ``total`` entries; ``line`` is the chat line.
- ``BatchDone(job_id, saved, total, failures)``: after every job of a request with more than
  one job ended; ``line`` is "7 of 8 saved; 1 failed: <title or link>: <why>".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tui.contract import format_bytes
from tui.core.download_asks import span_words
from tui.core.download_intent import DownloadRequest
from tui.core.languages import language_name
from tui.core.mp4_facts import Mp4Facts

if TYPE_CHECKING:
    from tui.api.link_info import LinkInfo

Stage = Literal["fetch", "render", "download"]


@dataclass(frozen=True)
class JobStarted:
    job_id: str
    url: str
    title: str = ""  # a playlist entry's title; "" for a plain link


@dataclass(frozen=True)
class JobProgress:
    job_id: str
    url: str
    stage: Stage
    bytes: int | None = None
    total: int | None = None
    percent: float | None = None
    speed: float | None = None
    eta: float | None = None
    elapsed: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class Facts:
    """The saved file (from its own MP4 boxes) and the best the link offered (pixels tall)."""

    file: Mp4Facts
    offered_height: int | None

    def line(self) -> str:
        """ "1920×1080 H.264/AAC, 10.0 s, 14.2 MB — the highest this link offers"."""
        f = self.file
        parts = []
        if f.width and f.height:
            parts.append(f"{f.width}×{f.height} " + "/".join(c for c in (f.vcodec, f.acodec) if c))
        elif f.acodec:
            parts.append(f"{f.acodec} audio")
        if f.duration_s is not None:
            parts.append(f"{f.duration_s:.1f} s")
        parts.append(format_bytes(f.size_bytes))
        text = ", ".join(parts)
        if self.offered_height and f.height and f.height >= self.offered_height:
            text += " — the highest this link offers"
        elif self.offered_height and f.height:
            text += f" — the link offers up to {self.offered_height}p"
        return text


@dataclass(frozen=True)
class JobDone:
    job_id: str
    url: str
    path: Path
    facts: Facts
    note: str = ""
    title: str | None = None  # the video's title as the link gave it (None: unknown)
    section: tuple[float, float | None] | None = None  # the part saved (s), resolved; None: whole

    @property
    def line(self) -> str:
        part = f" (section {span_words(self.section)})" if self.section else ""
        return f"✅ Saved {self.path.name}{part}: {self.facts.line()}" + (f". {self.note}" if self.note else "")


@dataclass(frozen=True)
class JobFailed:
    job_id: str
    url: str
    message: str
    next_step: str = ""
    cancelled: bool = False
    title: str = ""  # a playlist entry's title; "" for a plain link


@dataclass(frozen=True)
class PlaylistFound:
    """A playlist link waits for the user's choice of entries (see the module doc)."""

    job_id: str
    url: str
    info: LinkInfo
    answer: asyncio.Future[str | None] = field(compare=False, repr=False)

    def choose(self, selection: str) -> None:
        """Save these entries ("all", "1-5", "2,4,7")."""
        if not self.answer.done():
            self.answer.set_result(selection)

    def skip(self) -> None:
        """Save nothing of this link."""
        if not self.answer.done():
            self.answer.set_result(None)


@dataclass(frozen=True)
class PlaylistExpanded:
    """A playlist link became ``chosen`` jobs of its ``total`` entries."""

    job_id: str
    url: str
    title: str
    chosen: int
    total: int
    note: str = ""

    @property
    def line(self) -> str:
        name = f"“{self.title}”" if self.title else "The playlist"
        what = f"all {self.total}" if self.chosen == self.total else f"{self.chosen} of its {self.total}"
        return f"{name}: saving {what} {'entry' if self.total == 1 else 'entries'}" + (
            f". {self.note}" if self.note else "."
        )


@dataclass(frozen=True)
class BatchDone:
    """Every job of a request ended; ``failures`` are (title or link, why) pairs."""

    job_id: str
    saved: int
    total: int
    failures: tuple[tuple[str, str], ...] = ()

    @property
    def line(self) -> str:
        head = f"{self.saved} of {self.total} saved"
        if not self.failures:
            return head + "."
        why = "; ".join(f"{name}: {reason.rstrip('.')}" for name, reason in self.failures[:5])
        more = f"; and {len(self.failures) - 5} more" if len(self.failures) > 5 else ""
        return f"{head}; {len(self.failures)} failed: {why}{more}."


DownloadEvent = JobStarted | JobProgress | JobDone | JobFailed | PlaylistFound | PlaylistExpanded | BatchDone


def summary(request: DownloadRequest) -> str:
    """The chat line for a download request (which path it took): "Saving 1:00–2:30 of the
    video as MP4…", "Saving the audio of 2 videos as MP3…", "… with English subtitles"."""
    n = len(request.urls)
    what = "the video" if n == 1 else f"{n} videos"
    if request.playlist:
        if request.playlist == "all":
            what = "every video of the link" if n == 1 else f"every video of {n} links"
        else:
            what = (
                f"entries {request.playlist} of the playlist"
                if n == 1
                else f"entries {request.playlist} of {n} playlists"
            )
    if request.section:
        what = f"{span_words(request.section)} of {what}"
    if request.audio:
        form = request.audio.upper()
        head = f"Saving the audio of {what} as {form}"
    else:
        head = f"Saving {what} as MP4"
    size = f" at up to {request.max_height}p" if request.max_height and not request.audio else ""
    subs = ""
    if request.subs and not request.audio:
        subs = f" with {language_name(request.subs)} subtitles" + (" burned in" if request.burn_subs else "")
    per = "one file per entry" if request.playlist else "one file per link"
    return f"{head}{size}{subs}, {per} (no edit, no credits)…"
