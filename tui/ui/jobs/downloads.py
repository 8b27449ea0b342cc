"""Download jobs in the jobs panel (issue 12): a message that asks to save links becomes one
job per link (tui.core.downloads.DownloadJobs, which decides everything); this module only
shows its events. Each job has its own row (``dl:<job id>``): the stage (fetch / render /
download), bytes, percent, speed and ETA while it moves, then the final line
("✅ Saved Title.mp4: 1920×1080 H.264/AAC, 10.0 s, 14.2 MB — …") or why it failed. The chat
says which path was taken (``summary``) and each outcome; ctrl+y copies the last saved path.

A playlist or feed link becomes one row per chosen entry, named by the entry's title; jobs
beyond ``Settings.download_concurrency`` say "waiting"; the chat gets the playlist's line
(``PlaylistExpanded``) and, after several jobs, the summary (``BatchDone``: "7 of 8 saved; 1
failed: …"). ``PlaylistFound`` (the request named no entries) is answered by
``answer_playlist``: every entry, with a chat note saying how to choose some.

Run with ``panel.run_worker(download_worker(panel, request), group="download")``; Esc calls
``DownloadJobs.cancel()`` (held by the panel as ``panel.downloads``): every job stops, its
partial file is removed and nothing lands later.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.ui import messages as m

if TYPE_CHECKING:
    from tui.core.download_events import PlaylistFound
    from tui.core.download_intent import DownloadRequest
    from tui.core.downloads import DownloadEvent, JobProgress
    from tui.ui.jobs.host import JobsHost

STAGE_WORDS = {"fetch": "fetching", "render": "rendering", "download": "downloading"}


def progress_text(event: JobProgress, name: str) -> str:
    """One row's words for a progress event: "⬇ name · fetching · 1.2/3.4 MB · 35% · 1.1 MB/s
    · ETA 2s" (only what the event carries; the cloud's fetch has only the elapsed time)."""
    from tui.core.files import human_bytes

    parts = [f"⬇ {name}", STAGE_WORDS.get(event.stage, event.stage)]
    if event.bytes is not None:
        have, whole = human_bytes(event.bytes), human_bytes(event.total) if event.total else ""
        if whole and have.split()[-1] == whole.split()[-1]:
            have = have.split()[0]  # "3.1/9.8 MB"
        parts.append(f"{have}/{whole}" if whole else have)
    if event.percent is not None:
        parts.append(f"{event.percent:.0f}%")
    if event.speed:
        parts.append(f"{human_bytes(event.speed)}/s")
    if event.eta is not None and event.percent is not None and event.percent < 100:
        parts.append(f"ETA {event.eta:.0f}s")
    if event.bytes is None and event.percent is None:
        parts.append(f"{event.elapsed:.0f}s")
    return " · ".join(parts)


def _fraction(event: JobProgress) -> float | None:
    if event.percent is not None:
        return max(0.0, min(1.0, event.percent / 100))
    if event.bytes is not None and event.total:
        return max(0.0, min(1.0, event.bytes / event.total))
    return None


def _short_url(url: str, limit: int = 40) -> str:
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= limit else bare[: limit - 1] + "…"


async def download_worker(panel: JobsHost, request: DownloadRequest) -> None:
    """Run one message's download jobs, showing each in its own row (see the module doc)."""
    from tui.core.download_events import BatchDone, PlaylistExpanded, PlaylistFound
    from tui.core.downloads import DownloadJobs, JobDone, JobFailed, JobProgress, JobStarted, summary

    conn = panel.conn
    client, session_id = conn.client, conn.session_id
    if client is None or session_id is None:
        return
    names: dict[str, str] = {}

    def on_event(event: DownloadEvent) -> None:
        key = f"dl:{event.job_id}"
        if isinstance(event, PlaylistFound):
            answer_playlist(panel, event)
        elif isinstance(event, (PlaylistExpanded, BatchDone)):
            panel.post_message(m.ChatNote(event.line))
        elif isinstance(event, JobStarted):
            names[event.job_id] = _short_url(event.title, 60) if event.title else _short_url(event.url)
            panel.last_download_url = event.url  # the formats key's link (issue 17)
            panel.row(key, f"⬇ {names[event.job_id]} · waiting", None)
        elif isinstance(event, JobProgress):
            name = names.get(event.job_id, _short_url(event.url))
            panel.row(key, progress_text(event, name), _fraction(event))
        elif isinstance(event, JobDone):
            panel.row(key, event.line, False, "done")
            panel.last_export_path = event.path
            panel.remember_link(str(event.path), "the saved file's path")
        elif isinstance(event, JobFailed):
            name = names.get(event.job_id, _short_url(event.url))
            words = "cancelled, nothing saved" if event.cancelled else event.message
            panel.row(key, f"✗ {name} · {words}", False, "failed")

    jobs = DownloadJobs(
        client,
        session_id,
        Path(conn.settings.download_dir).expanduser(),
        on_event=on_event,
        concurrency=conn.settings.download_concurrency,
        ask_playlist=True,
    )
    panel.downloads = jobs
    panel.post_message(m.ChatNote(summary(request)))
    try:
        results = await jobs.run(request)
    except asyncio.CancelledError:
        panel.post_message(m.ChatNote("Download cancelled: nothing was saved.", "warning"))
        raise
    finally:
        if panel.downloads is jobs:
            panel.downloads = None
    _report(panel, results)


def answer_playlist(panel: JobsHost, event: PlaylistFound) -> None:
    """A playlist link named no entries: the entries dialog (``screens/formats.py``) lists them;
    the marked ones (or a range) are saved, Escape saves none of them."""
    from tui.ui.screens.formats import FormatsScreen

    info = event.info

    async def load() -> Any:
        return info

    def picked(request: Any) -> None:
        if request is None:
            panel.post_message(m.ChatNote("Nothing of the playlist was saved (the choice was closed).", "warning"))
            event.skip()
            return
        chosen = {e.url: e.index for e in info.entries}
        indices = sorted({chosen[u] for u in request.urls if u in chosen})
        if indices:
            event.choose(",".join(str(i) for i in indices))
        else:
            event.skip()

    panel.app.push_screen(FormatsScreen(event.url, load), picked)


def _report(panel: JobsHost, results: list[Any]) -> None:
    from tui.core.downloads import JobDone

    cancelled = [r for r in results if not isinstance(r, JobDone) and r.cancelled]
    for result in results:
        if isinstance(result, JobDone):
            panel.post_message(m.ChatNote(f"{result.line}\n  {result.path}", "success"))
        elif not result.cancelled:
            step = f" {result.next_step}" if result.next_step else ""
            panel.post_message(m.ChatNote(f"✖ Could not save {result.url}: {result.message}{step}", "error"))
    if cancelled:
        n = len(cancelled)
        what = "the download" if n == 1 else f"{n} downloads"
        panel.post_message(m.ChatNote(f"Cancelled {what}: nothing was saved.", "warning"))
