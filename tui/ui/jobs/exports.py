"""Export workers of the jobs panel: submit → poll → retry once → download, every render id
recorded in the local store (tui.core.export.export_draft decides; this module shows it), a
user's cancel, and the renders left running last time (picked up at start and on ctrl+r).
Run with ``panel.run_worker(...)`` in the group "export" (several renders run side by side)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.ui import messages as m
from tui.ui.jobs.host import ExportDone, ExportJob, JobsHost

if TYPE_CHECKING:
    from tui.api.models import Draft, RenderJob
    from tui.ui.screens.export import ExportChoice

THROTTLE_S = 0.1  # progress repaints at most ~10 times a second per row


def pickup_renders(panel: JobsHost) -> None:
    """On start: list this session's renders, and pick up every render of this backend
    left pending, processing or completed-but-not-downloaded (polling resumes, the
    download completes)."""
    conn = panel.conn
    store = conn.store
    if store is None:
        return
    try:
        mine = {s.session_id for s in store.sessions(conn.store_key, limit=1000)}
        running = {job.render_id for job in panel.exports.values() if job.worker is not None and job.worker.is_running}
        # a reconnect (ctrl+r) must not start a second download of a render already followed
        pending = [r for r in store.pending_renders() if r.session_id in mine and r.render_id not in running]
        history = store.renders(conn.session_id) if conn.session_id else []
    except Exception:
        return
    from tui.core.files import human_bytes, human_duration, mp4_duration

    pending_ids = {r.render_id for r in pending}
    for record in history:
        if record.render_id in pending_ids:
            continue
        key = f"render:{record.render_id}"
        if record.local_path:
            try:
                size = f" · {human_bytes(Path(record.local_path).stat().st_size)}"
                seconds = mp4_duration(record.local_path)
                if seconds:
                    size = f" · {human_duration(seconds)},{size[2:]}"
            except OSError:
                size = " · (file moved)"
            else:  # the last export of a resumed session is what ctrl+y copies
                panel.last_export_path = Path(record.local_path)
                panel.remember_link(record.local_path, "the exported file's path")
            panel.row(key, f"✅ {record.local_path}{size}", False, "done")
        elif record.status in ("failed", "cancelled", "superseded"):
            panel.row(key, f"✗ render {_short(record.render_id)} · {record.status}", False, "failed")
    if not pending:
        return
    count = len(pending)
    panel.post_message(m.ChatNote(f"Picking up {count} export{'s' if count > 1 else ''} left unfinished last time…"))
    from tui.api.models import RenderJob
    from tui.ui.screens.export import ExportChoice

    for record in pending:
        key = f"render:{record.render_id}"
        panel.exports[key] = ExportJob(key, render_id=record.render_id, phase=record.status)
        panel.row(key, f"⏳ render {_short(record.render_id)} · {record.status} (picked up)", None)
        job = RenderJob(
            id=record.render_id, status=record.status, progress=record.progress, output_url=record.output_url
        )
        panel.run_worker(
            export_job(panel, key, None, ExportChoice(), (job, record.session_id)), group="export", exit_on_error=False
        )


async def export_job(
    panel: JobsHost,
    key: str,
    draft: Draft | None,
    choice: ExportChoice | None,
    resume: tuple[RenderJob, str] | None,
) -> None:
    """Export ``draft`` (or follow the render ``resume`` = (job, session id) left running), showing
    every step in row ``key``; run with ``panel.run_worker(..., group="export")``."""
    from tui.api.errors import ApiError
    from tui.core.export import export_draft
    from tui.core.files import (
        RateMeter,
        draft_title,
        existing_part_name,
        export_filename,
        human_bytes,
        human_duration,
        mp4_duration,
        transfer_line,
    )
    from tui.ui.screens.export import output_size

    state = panel.exports.setdefault(key, ExportJob(key))
    state.worker = get_current_worker()
    folder = Path(panel.conn.settings.download_dir).expanduser()
    conn = panel.conn
    client = conn.client
    if client is None:
        return
    session_id = conn.session_id
    if session_id is None:
        return
    resume_job = None
    if resume is not None:
        resume_job, session_id = resume
        if session_id == conn.session_id:
            try:  # the draft, so a render that failed meanwhile can be retried once
                draft = (await client.state(session_id)).draft
            except ApiError:
                draft = None
    width = height = None
    if draft is not None and choice is not None and choice.resolution != "draft":
        meta = dict(getattr(draft, "meta", None) or {})
        width, height = output_size(meta, choice.resolution)
        meta["resolution"] = choice.resolution
        if width and height:
            meta["width"], meta["height"] = width, height
        draft = draft.model_copy(update={"meta": meta})
    title = draft_title(draft) if draft is not None else "nemo-video"
    fmt = getattr(choice, "fmt", "mp4") or "mp4"

    def name_for(job: RenderJob) -> str:
        name = existing_part_name(folder, job.id) or export_filename(title, job.id, fmt)
        state.part = folder / (name + ".part")
        return name

    def on_status(job: RenderJob) -> None:
        if job.id and job.id != state.render_id:
            if state.render_id:
                state.ids.append(state.render_id)
            state.render_id = job.id
        status = (job.status or "pending").lower()
        state.phase = status
        if job.summary or job.notes:
            state.summary, state.notes = job.summary or state.summary, list(job.notes) or state.notes
        rid = _short(job.id)
        progress = job.progress if isinstance(job.progress, (int, float)) else None
        if status == "processing":
            pct = f" {progress:.0f}%" if progress is not None else ""
            panel.row(key, f"⚙ render {rid} · processing{pct}", (progress or 0) / 100 if progress is not None else None)
        elif status == "completed":
            panel.row(key, f"✓ render {rid} · completed, downloading…", None)
        elif status == "failed":
            again = " — trying once more with a new render" if not state.ids else ""
            panel.row(key, f"✗ render {rid} · failed{again}", None)
        elif status == "cancelled":
            panel.row(key, f"✗ render {rid} · cancelled", False, "failed")
        else:
            panel.row(key, f"⏳ render {rid} · {status}", None)

    def on_download(received: int, total: int | None) -> None:
        if state.meter is None:
            state.meter = RateMeter()
            if received:
                state.resumed_from = received
        state.phase = "downloading"
        state.meter.add(received)
        now = time.monotonic()
        if now - state.shown_at < THROTTLE_S and not (total and received >= total):
            return
        state.shown_at = now
        resumed = f" (resumed at {human_bytes(state.resumed_from)})" if state.resumed_from else ""
        name = state.part.name[: -len(".part")] if state.part else "video"
        panel.row(
            key,
            f"⬇ {name} · {transfer_line(received, total, state.meter)}{resumed}",
            received / total if total else None,
        )

    def on_reuse(path: Path) -> None:
        state.reused = True

    try:
        path = await export_draft(
            client,
            session_id,
            draft,
            folder,
            on_status=on_status,
            on_download=on_download,
            poll_interval=panel.export_poll_interval,
            store=conn.store,
            resume_job=resume_job,
            filename=name_for,
            fmt=fmt,
            width=width,
            height=height,
            on_reuse=on_reuse,
        )
    except asyncio.CancelledError:
        if state.cancelled_by_user:
            after_user_cancel(panel, state)
        raise  # the app is closing: the store keeps the render, picked up next start
    except ApiError as error:
        state.phase = "failed"
        panel.row(key, f"✗ export {_short(state.render_id)} · {error.message}", False, "failed")
        panel.post_message(m.ApiFailure(error, "exporting"))
        return
    except OSError as error:
        state.phase = "failed"
        panel.row(key, f"✗ export {_short(state.render_id)} · {error.strerror or error}", False, "failed")
        panel.post_message(m.ChatNote(f"While exporting: cannot write the file ({error.strerror or error}).", "error"))
        return
    state.phase = "done"
    duration = await asyncio.to_thread(mp4_duration, path)
    try:
        size = path.stat().st_size
    except OSError:
        size = None
    facts = state.summary or ", ".join(
        x for x in (human_duration(duration) if duration else "", human_bytes(size) if size else "") if x
    )
    if state.reused:
        panel.row(key, f"✅ {path} · {facts} · unchanged draft, not rendered again", False, "done")
        resumed = "the draft is unchanged since the last export, so it was not rendered again"
    else:
        panel.row(key, f"✅ {path} · {facts}", False, "done")
        resumed = f"the download resumed at {human_bytes(state.resumed_from)}" if state.resumed_from else ""
    panel.post_message(ExportDone(path, facts, resumed, list(state.notes), key=key))


def after_user_cancel(panel: JobsHost, state: ExportJob) -> None:
    store = panel.conn.store
    rid = state.render_id
    if state.phase == "downloading":
        if state.part is not None:
            try:
                state.part.unlink(missing_ok=True)
            except OSError:
                pass
        words = "download cancelled; the render stays on the server (export again to fetch it)"
    else:
        words = "render cancelled"
    if store is not None and rid:
        try:
            store.update_render(rid, status="cancelled", error="cancelled by the user")
        except Exception:
            pass
    state.phase = "cancelled"
    panel.row(state.key, f"✗ export {_short(rid)} · {words}", False, "failed")
    panel.post_message(m.ChatNote(f"Export cancelled ({words}).", "warning"))


def _short(render_id: str | None) -> str:
    from tui.core.files import short_id

    return short_id(render_id) if render_id else "…"
