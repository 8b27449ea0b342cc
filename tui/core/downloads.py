"""Download jobs: every link a user asks to save becomes its own MP4 file (issue 12).

For each link: fetch it into the session (the local ``fetch`` extension with progress, or the
documented URL upload with elapsed time on the cloud), render a draft holding only that media
(the documented render endpoint; a stream copy when it already is H.264/AAC MP4), download
the MP4 into the folder under the video's name. No agent run, no edit credits; on the local
engine the user's timeline is untouched (the cloud's URL upload may add the clip to it).

The UI calls::

    jobs = DownloadJobs(client, session_id, folder, on_event=callback)
    results = await jobs.run(request)        # request: download_intent.DownloadRequest
    jobs.cancel()                            # or jobs.cancel(job_id): Esc

``callback(event)`` receives, per job (``job_id``, ``url``): ``JobStarted`` once,
``JobProgress`` (``stage`` "fetch" | "render" | "download", ``bytes``, ``total``, ``percent``,
``speed`` bytes/s, ``eta`` s, ``elapsed`` s in the stage, ``detail``) at most ~10 a second,
then ``JobDone`` (``path``, ``facts``, ``note``, ``line``) or ``JobFailed`` (``message``,
``next_step``, ``cancelled``). A callback may be sync or async. ``summary(request)`` is the
chat line that says which path was taken ("Saving 2 videos as MP4…").

Issue 17: a playlist or feed link (read first through ``tui.api.link_info`` when the backend
lists ``"formats"``) becomes one job per chosen entry (``request.playlist``; with none chosen,
``ask_playlist=True`` sends ``PlaylistFound`` for the UI's picker, else every entry is saved);
``concurrency`` jobs run at once (``Settings.download_concurrency``), the rest wait; one failing
job never stops the others; a request of several jobs ends with ``BatchDone`` (also kept as
``jobs.last_batch``). A section's file is named "Title (1m00s-2m30s).mp4" and its length is
checked against the asked span (``tui.core.download_plan.span_problem``): a wrong part is
deleted and the job fails. See ``tui.core.download_events`` for every event.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui.api import partfile
from tui.api.errors import ApiError
from tui.api.ingest import FetchedMedia, FetchProgress, capabilities, fetch_link
from tui.core.download_draft import only_this_media, single_media_draft
from tui.core.download_events import (
    BatchDone,
    DownloadEvent,
    Facts,
    JobDone,
    JobFailed,
    JobProgress,
    JobStarted,
    Stage,
    summary,
)
from tui.core.download_intent import DownloadRequest, download_name, release_path, reserve_path
from tui.core.download_plan import PlannedJob, batch_done, expand_link, needs_local, section_name, span_problem
from tui.core.download_ready import check_ready, download_progress, ready_name, save_ready
from tui.core.export import POLL_INTERVAL_S, export_draft
from tui.core.mp4_facts import mp4_facts

_EVERY = 0.1  # seconds between two progress events of one job
FIRST_POLL_S = 0.05  # the first render poll; each next one waits twice as long, up to poll_interval
_ids = itertools.count(1)


class DownloadJobs:
    """Runs one job per link of a request (``concurrency`` at once); see the module doc."""

    def __init__(
        self,
        client: Any,
        session_id: str,
        folder: Path | str,
        *,
        on_event: Callable[[DownloadEvent], Any] | None = None,
        poll_interval: float = POLL_INTERVAL_S,
        concurrency: int = 2,
        ask_playlist: bool = False,
    ) -> None:
        self.client = client
        self.session_id = session_id
        self.folder = Path(folder).expanduser()
        self.on_event = on_event
        self.poll_interval = poll_interval
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self._tasks: dict[str, asyncio.Task[JobDone | JobFailed]] = {}
        self._render_ids: dict[str, str] = {}
        self._caps: frozenset[str] | None = None
        self.ask_playlist = ask_playlist
        self.last_batch: BatchDone | None = None

    async def _emit(self, event: DownloadEvent) -> None:
        if self.on_event is None:
            return
        result = self.on_event(event)
        if inspect.isawaitable(result):
            await result

    def _emit_soon(self, event: DownloadEvent) -> None:
        if self.on_event is None:
            return
        result = self.on_event(event)
        if inspect.isawaitable(result):
            asyncio.ensure_future(result)

    async def run(self, request: DownloadRequest) -> list[JobDone | JobFailed]:
        """Run every job (a link, or each chosen entry of a playlist); returns their outcomes in
        order (never raises for a job); several jobs end with a ``BatchDone`` event."""
        if self._caps is None:
            self._caps = await capabilities(self.client)
        titles: dict[str, str] = {}  # this run's jobs, in order
        results: list[JobDone | JobFailed] = []
        try:
            for url in request.urls:  # a link's jobs start while the next link's entries are read
                planned = await expand_link(
                    self.client, self.session_id, url, request, self._caps,
                    link_id=f"pl{next(_ids)}", ask=self.ask_playlist, emit=self._emit,
                )  # fmt: skip
                for item in planned:
                    job_id = f"dl{next(_ids)}"
                    titles[job_id] = item.title
                    self._tasks[job_id] = asyncio.ensure_future(self._job(job_id, item, request))
            for job_id in list(titles):
                task = self._tasks[job_id]
                try:
                    results.append(await asyncio.shield(task))
                except asyncio.CancelledError:
                    if not task.cancelled():
                        raise  # the caller itself was cancelled
                    results.append(
                        JobFailed(job_id, "", "Cancelled: nothing was saved.", cancelled=True, title=titles[job_id])
                    )
        except asyncio.CancelledError:
            self.cancel()  # the worker running the jobs went away: stop them all, leave nothing
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            raise
        if len(results) > 1:
            self.last_batch = batch_done(f"batch{next(_ids)}", results, titles)
            await self._emit(self.last_batch)
        return results

    def cancel(self, job_id: str | None = None) -> None:
        """Stop one job (or all): the fetch stops on the engine, a render is cancelled on the
        server, a partial download is removed."""
        for jid, task in self._tasks.items():
            if job_id in (None, jid) and not task.done():
                task.cancel()

    async def _job(self, job_id: str, item: PlannedJob, request: DownloadRequest) -> JobDone | JobFailed:
        url, title = item.url, item.title
        await self._emit(JobStarted(job_id, url, title))
        target: Path | None = None
        try:
            if item.error:
                raise ApiError(item.error, item.next_step)
            request = replace(request, urls=[url], section=item.section, playlist=None)
            if "fetch" not in (self._caps or ()) and needs_local(request):
                raise ApiError(
                    f"Saving {needs_local(request)} needs the local engine: the cloud service saves whole videos as MP4.",
                    "Run nemo-tui --local for this, or ask for the whole video.",
                )
            async with self._sem:
                media = await self._fetch(job_id, url, request)
                check_ready(request, media)
                if media.ready:  # audio only, subtitles: the engine's file as it is, no render
                    name = ready_name(media, url, title)
                else:
                    name = download_name(title or media.title, media.filename, url)
                if item.section is not None:
                    name = section_name(name, item.section)
                target = reserve_path(self.folder, name)
                if media.ready:
                    done = await save_ready(self.client, job_id, url, media, target, self._emit_soon)
                else:
                    done = await self._render_and_download(job_id, url, media, request, target)
                if item.section is not None:
                    done = await self._checked_section(done, item)
            await self._emit(done)
            return done
        except asyncio.CancelledError:
            rid = self._render_ids.get(job_id)
            if rid:
                try:
                    await asyncio.shield(self.client.cancel_render(rid))
                except Exception:  # best effort: the server may have finished already
                    pass
            if target is not None:  # the partial download and its resume sidecar (.part.json)
                partfile.drop(partfile.part_path(target))
            failed = JobFailed(job_id, url, "Cancelled: nothing was saved.", cancelled=True, title=title)
            await self._emit(failed)
            return failed
        except ApiError as exc:
            failed = JobFailed(job_id, url, exc.message, exc.next_step or "", title=title)
            await self._emit(failed)
            return failed
        except OSError as exc:
            failed = JobFailed(
                job_id, url, f"The file could not be saved: {exc.strerror or exc}.", "Choose another download folder.",
                title=title,
            )  # fmt: skip
            await self._emit(failed)
            return failed
        except Exception as exc:  # a job never takes the others (or the app) down with it
            failed = JobFailed(job_id, url, f"The download failed ({type(exc).__name__}).", "Try again.", title=title)
            await self._emit(failed)
            return failed
        finally:
            if target is not None:
                release_path(target)

    async def _checked_section(self, done: JobDone, item: PlannedJob) -> JobDone:
        """``done`` with its section, when the saved file is the asked part; else the file is
        deleted and the job fails (never a wrong part saved as done)."""
        assert item.section is not None
        problem = span_problem(item.section, item.duration, done.facts.file.duration_s, item.fps)
        if problem:
            done.path.unlink(missing_ok=True)
            raise ApiError(problem, "Try again; if it happens again, save the whole video and cut it.")
        return replace(done, section=item.section)

    async def _fetch(self, job_id: str, url: str, request: DownloadRequest) -> FetchedMedia:
        started = time.monotonic()
        if "fetch" in (self._caps or ()):
            last = [0.0]

            async def progress(p: FetchProgress) -> None:
                now = time.monotonic()
                if now - last[0] < _EVERY and (p.percent or 0) < 100:
                    return
                last[0] = now
                await self._emit(
                    JobProgress(
                        job_id, url, "fetch", p.bytes, p.total, p.percent, p.speed, p.eta, now - started, p.stage
                    )
                )

            return await fetch_link(
                self.client, self.session_id, url, options=request.fetch_options(), on_progress=progress
            )
        return await self._fetch_cloud(job_id, url, started)

    async def _fetch_cloud(self, job_id: str, url: str, started: float) -> FetchedMedia:
        """The documented URL upload: no progress, so the elapsed time is reported each second."""

        async def tick() -> None:
            while True:
                await asyncio.sleep(1.0)
                await self._emit(
                    JobProgress(
                        job_id, url, "fetch", elapsed=time.monotonic() - started, detail="waiting for the service"
                    )
                )

        ticker = asyncio.ensure_future(tick())
        try:
            result = await self.client.upload_urls(self.session_id, [url])
        finally:
            ticker.cancel()
        if not result.files:
            raise ApiError("The service fetched nothing from this link.", "Check the link, then try again.")
        f = result.files[0]
        return FetchedMedia(
            upload_id=f.hash or f.cdn_url,
            filename=f.filename,
            file_type=f.file_type or "video",
            duration_s=f.duration,
            width=f.width,
            height=f.height,
            size=None,
            vcodec=None,
            acodec=None,
            title=None,
            offered_height=None,
            cdn_url=f.cdn_url,
        )

    async def _draft_for(self, media: FetchedMedia) -> dict[str, Any]:
        if "fetch" in (self._caps or ()):
            return single_media_draft(media)
        state = await self.client.state(self.session_id)
        keys = {
            k
            for k in (media.upload_id, media.cdn_url, media.filename, media.cdn_url.rstrip("/").rsplit("/", 1)[-1])
            if k
        }
        draft = only_this_media(state.draft.to_wire(), keys)
        if draft is None:  # the service did not place it: name the media by its link
            draft = single_media_draft(media)
            draft["t"][0]["sg"][0].update(src=media.cdn_url, url=media.cdn_url)
        return draft

    async def _render_and_download(
        self, job_id: str, url: str, media: FetchedMedia, request: DownloadRequest, target: Path
    ) -> JobDone:
        draft = await self._draft_for(media)
        width = height = None
        offered = media.offered_height
        note = ""
        have = media.height or 0
        if request.max_height and have and request.max_height > have:
            if request.upscale:
                height = request.max_height
                width = int(round((media.width or have * 16 / 9) * height / have)) // 2 * 2
                note = f"Upscaled from {have}p to {height}p, as asked"
            else:
                best = offered or have
                note = (
                    f"You asked for {request.max_height}p; this link offers at most {best}p, so it was kept "
                    f"at {have}p (say “upscale” to enlarge it)"
                )
        render_started = time.monotonic()

        async def on_status(job: Any) -> None:
            if getattr(job, "id", None):
                self._render_ids[job_id] = job.id
            await self._emit(
                JobProgress(
                    job_id,
                    url,
                    "render",
                    percent=float(job.progress or 0),
                    elapsed=time.monotonic() - render_started,
                    detail=str(job.status),
                )
            )

        on_download = download_progress(job_id, url, self._emit_soon)  # called by the client, not awaited

        delay = [FIRST_POLL_S]

        async def backoff(_interval: float) -> None:
            """Render status: soon at first (a stream copy takes a moment), then less often,
            up to ``poll_interval``."""
            await asyncio.sleep(min(delay[0], self.poll_interval))
            delay[0] *= 2

        path = await export_draft(
            self.client,
            self.session_id,
            draft,
            self.folder,
            on_status=on_status,
            on_download=on_download,
            poll_interval=self.poll_interval,
            sleep=backoff,
            filename=target.name,
            width=width,
            height=height,
        )
        self._render_ids.pop(job_id, None)
        facts = Facts(await asyncio.to_thread(mp4_facts, path), offered)
        return JobDone(job_id, url, Path(path), facts, note, title=media.title)


__all__ = [
    "DownloadEvent",
    "DownloadJobs",
    "Facts",
    "JobDone",
    "JobFailed",
    "JobProgress",
    "JobStarted",
    "Stage",
    "only_this_media",
    "single_media_draft",
    "summary",
]
