"""Export the draft to an MP4 on disk: pre-check, submit, poll, retry once, download.

Every render id is written to the local store as soon as the server gives it, and its
status as it moves, so an app that closes mid-render can pick the job up on the next start
(``resume_job=``) instead of orphaning it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tui.api.errors import ApiError, BadResponse, NetworkError, RenderFailed
from tui.api.models import Draft, RenderJob
from tui.core import export_reuse

POLL_INTERVAL_S = 10.0
MAX_POLL_ERRORS = 3  # consecutive network/bad-response errors tolerated while polling


class NothingToExport(ApiError):
    default_message = "nothing to export yet — upload or generate first"
    default_next_step = ""


async def _call(callback: Callable[..., Any] | None, *args: Any) -> None:
    if callback is None:
        return
    result = callback(*args)
    if inspect.isawaitable(result):
        await result


def _job(value: RenderJob | str | dict[str, Any]) -> RenderJob:
    if isinstance(value, RenderJob):
        return value
    if isinstance(value, str):
        return RenderJob(id=value, status="pending")
    return RenderJob.parse(value)


def _record(store: Any, session_id: str, job: RenderJob, api_url: str | None = None) -> None:
    if store is None or not job.id:
        return
    store.record_render(
        job.id, session_id, api_url=api_url, status=job.status, progress=job.progress, output_url=job.output_url
    )
    if job.error:
        store.update_render(job.id, error=job.error)


async def _poll(
    client: Any,
    session_id: str,
    job: RenderJob,
    *,
    on_status: Callable[[RenderJob], Any] | None,
    poll_interval: float,
    sleep: Callable[[float], Awaitable[Any]],
    store: Any,
) -> RenderJob:
    """Poll until the job is completed, failed or cancelled."""
    errors = 0
    while not job.done:
        await sleep(poll_interval)
        try:
            fresh = await client.render_status(job.id)
        except (NetworkError, BadResponse, OSError):
            errors += 1  # a blip while the render keeps running on the server
            if errors >= MAX_POLL_ERRORS:
                raise
            continue
        errors = 0
        if not fresh.id:
            fresh = fresh.model_copy(update={"id": job.id})
        if not fresh.output_url and job.output_url:
            fresh = fresh.model_copy(update={"output_url": job.output_url})
        job = fresh
        _record(store, session_id, job)
        await _call(on_status, job)
    return job


async def export_draft(
    client: Any,
    session_id: str,
    draft: Draft | dict[str, Any] | None,
    folder: Path | str,
    *,
    on_status: Callable[[RenderJob], Any] | None = None,
    on_download: Callable[[int, int | None], Any] | None = None,
    poll_interval: float = POLL_INTERVAL_S,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    store: Any = None,
    resume_job: RenderJob | str | dict[str, Any] | None = None,
    filename: str | Callable[[RenderJob], str] | None = None,
    fmt: str = "mp4",
    quality: str = "high",
    width: int | None = None,
    height: int | None = None,
    on_reuse: Callable[[Path], Any] | None = None,
) -> Path:
    """Render ``draft`` on the server and download the MP4 into ``folder``; returns its path.

    - ``on_status(job)`` after submit and each poll (pending → processing N% → completed);
    - ``on_download(received, total)`` while the file streams (passed to the client);
    - a job that fails is submitted once more (a new id); failing twice raises RenderFailed;
    - ``resume_job`` (a RenderJob or a render id from the store) skips the submit and the
      draft check: polling resumes and the download completes;
    - ``store`` (a LocalStore) gets every render id and status as it happens;
    - ``filename`` may be a callable ``(job) -> name``, called once the render id is known.
    - with a ``store``, a draft exported before without change (same session, backend, draft
      and output options) whose file is still there, unchanged, is not rendered again: its
      path is returned and ``on_reuse(path)`` is called (``tui.core.export_reuse``).
    Raises NothingToExport when the draft has no media yet."""
    folder = Path(folder)
    # The render is recorded under the client's API address, so only that backend resumes it.
    api_url = getattr(getattr(client, "settings", None), "api_url", None)
    if resume_job is not None:
        job = _job(resume_job)
        _record(store, session_id, job, api_url)
        await _call(on_status, job)
        job = await _poll_recorded(client, session_id, job, on_status, poll_interval, sleep, store)
        failures = [job] if job.status != "completed" else []
        if failures:
            if draft is None or not _parse(draft).ready_to_export:
                raise _failed(failures)
            # The resumed render failed: one fresh attempt with the draft we have.
        else:
            return await _download(client, job, folder, filename, on_download, store)
        attempts_left = 1
    else:
        if draft is None or not _parse(draft).ready_to_export:
            raise NothingToExport()
        reused = export_reuse.find(store, api_url, session_id, _parse(draft).to_wire(), (fmt, quality, width, height))
        if reused is not None:
            await _call(on_reuse, reused)
            return reused
        failures = []
        attempts_left = 2
    parsed = _parse(draft)
    while attempts_left > 0:
        attempts_left -= 1
        job = await client.submit_render(session_id, parsed, fmt=fmt, quality=quality, width=width, height=height)
        _record(store, session_id, job, api_url)
        await _call(on_status, job)
        job = await _poll_recorded(client, session_id, job, on_status, poll_interval, sleep, store)
        if job.status == "completed":
            path = await _download(client, job, folder, filename, on_download, store)
            export_reuse.remember(store, api_url, session_id, parsed.to_wire(), (fmt, quality, width, height), path)
            return path
        if store is not None and job.id:
            store.update_render(job.id, status=job.status, error=job.error or job.status)
        failures.append(job)
        if job.status == "cancelled":
            break  # somebody cancelled it: do not start another
    raise _failed(failures)


async def _poll_recorded(
    client: Any,
    session_id: str,
    job: RenderJob,
    on_status: Callable[[RenderJob], Any] | None,
    poll_interval: float,
    sleep: Callable[[float], Awaitable[Any]],
    store: Any,
) -> RenderJob:
    """_poll, and a server-side refusal (unknown render id, ...) marks the stored render failed
    so it is not picked up again on every start. Network trouble leaves it pending."""
    try:
        return await _poll(
            client, session_id, job, on_status=on_status, poll_interval=poll_interval, sleep=sleep, store=store
        )
    except (NetworkError, BadResponse):
        raise
    except ApiError as exc:
        if store is not None and job.id:
            store.update_render(job.id, status="failed", error=exc.message)
        raise


def _parse(draft: Draft | dict[str, Any] | None) -> Draft:
    return draft if isinstance(draft, Draft) else Draft.parse(draft)


async def _download(
    client: Any,
    job: RenderJob,
    folder: Path,
    filename: str | Callable[[RenderJob], str] | None,
    on_download: Callable[[int, int | None], Any] | None,
    store: Any,
) -> Path:
    name = filename(job) if callable(filename) else filename
    path = await client.download_render(job, folder, filename=name, progress=on_download)
    if store is not None and job.id:
        store.update_render(job.id, status="completed", progress=100.0, local_path=str(path))
    return Path(path)


def _failed(failures: list[RenderJob]) -> RenderFailed:
    last = failures[-1] if failures else None
    reason = (last.error or "").strip().rstrip(".") if last else ""
    if last is not None and last.status == "cancelled":
        return RenderFailed("The export was cancelled on the server.", "Press ctrl+e (or F5) to export again.")
    times = "twice" if len(failures) >= 2 else "on the server"
    message = f"The export failed {times}" + (f" ({reason})." if reason else ".")
    return RenderFailed(message, "Your project is unchanged; try exporting again later, or change the edit and retry.")


__all__ = ["NothingToExport", "POLL_INTERVAL_S", "export_draft"]
