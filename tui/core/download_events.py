"""The events of a download job and the chat line of a request (see tui.core.downloads).

``JobStarted`` once per link, ``JobProgress`` (stage "fetch" | "render" | "download", bytes,
total, percent, speed in bytes/s, eta and elapsed in s) at most ~10 a second, then ``JobDone``
(path, facts, note, line) or ``JobFailed`` (message, next_step, cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tui.core.download_intent import DownloadRequest
from tui.core.mp4_facts import Mp4Facts

Stage = Literal["fetch", "render", "download"]


@dataclass(frozen=True)
class JobStarted:
    job_id: str
    url: str


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
        parts.append(f"{f.size_bytes / 1_000_000:.1f} MB")
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

    @property
    def line(self) -> str:
        return f"✅ Saved {self.path.name}: {self.facts.line()}" + (f". {self.note}" if self.note else "")


@dataclass(frozen=True)
class JobFailed:
    job_id: str
    url: str
    message: str
    next_step: str = ""
    cancelled: bool = False


DownloadEvent = JobStarted | JobProgress | JobDone | JobFailed


def summary(request: DownloadRequest) -> str:
    """The chat line for a download request (which path it took)."""
    n = len(request.urls)
    what = "the video" if n == 1 else f"{n} videos"
    size = f" at up to {request.max_height}p" if request.max_height else ""
    return f"Saving {what} as MP4{size}, one file per link (no edit, no credits)…"
