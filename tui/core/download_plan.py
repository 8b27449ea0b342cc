"""From a download request to its jobs, and the checks of what they saved (issue 17).

- ``wants_info(request, url, caps)``: whether to read the link's info first
  (``tui.api.link_info``; only when the backend lists the ``"formats"`` capability): the request
  names entries, the link looks like a playlist or feed, or a section needs the link's length.
- ``PlannedJob``: one job to run: a link or one playlist entry, with its title and length when
  known before fetching and its section resolved ("the last 2 minutes" → a start in seconds),
  or the error it fails with at once.
- ``section_name("Title.mp4", (60, 150)) == "Title (1m00s-2m30s).mp4"``.
- ``span_problem(section, length, file_s, fps)``: why a saved section is not the part asked
  for (None when it is): its length must be the asked span (cut at the link's end) within one
  frame plus ``SECTION_SLACK_S``.
- ``batch_done(results, titles)``: the ``BatchDone`` summary of a request's jobs.
- ``needs_local(request)``: what of a request only the local engine makes (the cloud saves whole
  videos as MP4), in words; "" when nothing.
- ``expand_link(...)``: the jobs of one link: one, or one per chosen playlist entry (asking the
  UI through ``PlaylistFound`` when the request named no entries and ``ask`` is set).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.download_asks import clock, resolve_section, span_words
from tui.core.download_events import BatchDone, DownloadEvent, JobDone, JobFailed, PlaylistExpanded, PlaylistFound
from tui.core.download_intent import DownloadRequest
from tui.core.playlist_pick import looks_like_playlist, pick_entries

# The container of a cut is a little longer than its picture: the AAC encoder's priming and
# its last frame (1024 samples, 23 ms at 44.1 kHz) round the audio track up. A file further
# than one frame plus this from the asked span is the wrong part.
SECTION_SLACK_S = 0.1
DEFAULT_FPS = 24.0  # the frame (1/fps) allowed when the link's frame rate is unknown: the longest common one


@dataclass(frozen=True)
class PlannedJob:
    """One job: ``url`` (a link or a playlist entry), ``title`` ("" when unknown), ``duration``
    (s, the whole link's or entry's, None when unknown before fetching), ``section`` (resolved:
    the start is never negative), ``fps`` of the link when known; ``error``/``next_step``: the
    job fails at once with these words (nothing is fetched)."""

    url: str
    title: str = ""
    duration: float | None = None
    section: tuple[float, float | None] | None = None
    fps: float | None = None
    error: str = ""
    next_step: str = ""


def wants_info(request: DownloadRequest, url: str, caps: frozenset[str]) -> bool:
    """True when the link's info should be read before fetching (see the module doc)."""
    if "formats" not in caps:
        return False
    return request.playlist is not None or looks_like_playlist(url) or request.section is not None


def plan_one(url: str, request: DownloadRequest, *, title: str = "", duration: float | None = None,
             fps: float | None = None) -> PlannedJob:  # fmt: skip
    """The job for one link or entry, its section resolved against ``duration``."""
    section = request.section
    if section is not None:
        try:
            section = resolve_section(section, duration)
        except ValueError as exc:
            return PlannedJob(url, title, duration, None, fps, str(exc), "")
        if duration is not None and section[0] >= duration:
            return PlannedJob(
                url, title, duration, None, fps,
                f"The video is only {clock(duration)} long: {span_words(section)} is past its end.",
                "Pick a part within the video.",
            )  # fmt: skip
    return PlannedJob(url, title, duration, section, fps)


def needs_local(request: DownloadRequest) -> str:
    """What of ``request`` only the local engine makes, in words ("a section, the audio only");
    "" when the cloud's plain MP4 is what was asked."""
    parts = []
    if request.section is not None:
        parts.append("a section")
    if request.audio:
        parts.append("the audio only")
    if request.subs:
        parts.append("subtitles")
    if request.format_id:
        parts.append("a chosen format")
    return ", ".join(parts)


def _stamp(value: float) -> str:
    whole = int(value)
    frac = round(value - whole, 2)
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    sec = f"{s:02d}" + (f"{frac:.2f}".lstrip("0").rstrip("0").rstrip(".") if frac else "")
    return f"{h}h{m:02d}m{sec}s" if h else f"{m}m{sec}s"


def section_name(name: str, section: tuple[float, float | None]) -> str:
    """The file name of a section: "Title.mp4" → "Title (1m00s-2m30s).mp4" ("(1m00s-end)" for
    a section to the end)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    start, end = section
    tag = f"{_stamp(start)}-{_stamp(end) if end is not None else 'end'}"
    return f"{stem} ({tag})" + (f".{ext}" if ext else "")


def expected_span(section: tuple[float, float | None], duration: float | None) -> float | None:
    """The length (s) the saved part must have: the section, cut at the link's end; None when
    the section runs to an end that is unknown."""
    start, end = section
    if end is None:
        return None if duration is None else max(0.0, duration - start)
    if duration is not None:
        end = min(end, duration)
    return max(0.0, end - start)


def span_problem(
    section: tuple[float, float | None], duration: float | None, file_s: float | None, fps: float | None = None
) -> str | None:
    """Why a saved section is not the part asked for, in words; None when it is (or when
    either length is unknown: nothing to compare)."""
    want = expected_span(section, duration)
    if want is None or file_s is None:
        return None
    frame = 1.0 / (fps if fps and fps > 0 and math.isfinite(fps) else DEFAULT_FPS)
    if abs(file_s - want) <= frame + SECTION_SLACK_S:
        return None
    return (
        f"The saved part is {file_s:.2f} s long, but {span_words(section)} is {want:.2f} s: "
        "the engine did not cut the asked part, so the file was not kept."
    )


def batch_done(job_id: str, results: Sequence[JobDone | JobFailed], titles: dict[str, str]) -> BatchDone:
    """The summary of a request's jobs (``titles``: job id → title; the link stands in)."""
    saved = sum(isinstance(r, JobDone) for r in results)
    failures = tuple(
        (titles.get(r.job_id) or r.title or r.url or "a link", "cancelled" if r.cancelled else r.message)
        for r in results
        if isinstance(r, JobFailed)
    )
    return BatchDone(job_id, saved, len(results), failures)


def _fps(info: Any) -> float | None:
    rows = [
        f
        for f in getattr(info, "formats", ())
        if f.fps and (not info.default_format_id or f.format_id in info.default_format_id.split("+"))
    ]
    return rows[0].fps if rows else None


async def expand_link(
    client: Any,
    session_id: str,
    url: str,
    request: DownloadRequest,
    caps: frozenset[str],
    *,
    link_id: str,
    ask: bool,
    emit: Callable[[DownloadEvent], Awaitable[None]],
) -> list[PlannedJob]:
    """The jobs of one link (see the module doc). Never raises for the link: a link whose info
    cannot be read is one job (its fetch then says what is wrong), unless its section needs the
    length it could not read (then that job fails at once)."""
    if request.playlist not in (None, "all") and "formats" not in caps and looks_like_playlist(url):
        return [
            PlannedJob(
                url,
                error=f"This backend cannot list a playlist's entries, so entries {request.playlist} cannot be chosen.",
                next_step="Ask for all of them, or use nemo-tui --local.",
            )
        ]
    if not wants_info(request, url, caps):
        return [plan_one(url, request)]
    from tui.api.errors import ApiError
    from tui.api.link_info import link_info

    try:
        info = await link_info(client, session_id, url)
    except ApiError:
        return [plan_one(url, request)]
    fps = _fps(info)
    if not info.is_playlist:
        return [plan_one(url, request, title=info.title or "", duration=info.duration, fps=fps)]
    selection = request.playlist
    note = ""
    if selection is None and ask:
        answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        await emit(PlaylistFound(link_id, url, info, answer))
        selection = await answer
        if selection is None:
            return [
                PlannedJob(url, info.title or "", error="No entries were chosen: nothing of this playlist was saved.")
            ]
    elif selection is None:
        selection, note = "all", "Every entry is saved (choose some with --playlist 1-5 or 2,4,7)."
    try:
        chosen, missing = pick_entries(info.entries, selection)
    except ValueError as exc:
        return [PlannedJob(url, info.title or "", error=str(exc))]
    note = " ".join(n for n in (missing, note) if n)
    await emit(PlaylistExpanded(link_id, url, info.title or "", len(chosen), len(info.entries), note))
    if not chosen:
        return [PlannedJob(url, info.title or "", error=missing or "This playlist lists no videos.")]
    return [plan_one(e.url, request, title=e.title or "", duration=e.duration) for e in chosen]


__all__ = [
    "DEFAULT_FPS",
    "PlannedJob",
    "SECTION_SLACK_S",
    "batch_done",
    "expand_link",
    "expected_span",
    "needs_local",
    "plan_one",
    "section_name",
    "span_problem",
    "wants_info",
]
