"""Upload and export in the app: the picker, the URL box, per-file and per-render progress in
the jobs panel, cancel, copy/open, and renders that outlive the window.

``JobsMixin`` is mixed into NemoApp (it uses the app's client, session, store, draft,
chat notes and key lookup). Network work runs in async workers of the groups "upload" and
"export" (not exclusive: a batch of uploads and several renders run side by side); they
post ``JobUpdate`` messages and the handler here is the only code that touches the panel.
What an export does is tui.core.export.export_draft (submit → poll → retry once → download,
every render id recorded in the local store); this file only shows it and asks.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from tui.ui import messages as m

UPLOAD_ROW_LINGER_S = 8.0  # a finished upload row stays this long, then leaves the panel
THROTTLE_S = 0.1  # progress repaints at most ~10 times a second per row


class JobUpdate(Message):
    """One row of the jobs panel: text, a fraction (0..1, None = indeterminate, False = no
    bar) and a state (active / done / failed)."""

    def __init__(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None:
        super().__init__()
        self.key = key
        self.text = text
        self.fraction = fraction
        self.state = state


@dataclass
class ExportJob:
    key: str
    render_id: str | None = None
    phase: str = "submit"  # submit / pending / processing / downloading / done / failed / cancelled
    part: Path | None = None
    worker: Any = None
    cancelled_by_user: bool = False
    resumed_from: int | None = None
    meter: Any = None
    shown_at: float = 0.0
    ids: list[str] = field(default_factory=list)


def _display_available() -> bool:
    from tui.ui.clipboard import over_ssh

    if over_ssh():
        return False
    if sys.platform == "darwin" or os.name == "nt":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _opener() -> list[str] | None:
    import shutil

    if sys.platform == "darwin":
        return ["open"]
    if os.name == "nt":
        return ["explorer"]
    tool = shutil.which("xdg-open")
    return [tool] if tool else None


class JobsMixin:
    """Upload/export actions and workers for NemoApp (see the module docstring)."""

    _exports: dict[str, ExportJob]
    _export_seq = 0
    _upload_seq = 0
    last_export_path: Path | None = None

    # ---- the panel ---------------------------------------------------------------------
    def _jobs_state(self) -> dict[str, ExportJob]:
        if "_exports" not in self.__dict__:
            self._exports = {}
        return self._exports

    def jobs_panel(self) -> Any:
        """The upload/export panel, mounted above the input the first time it is needed."""
        from tui.ui.widgets.jobs import JobsPanel

        found = self.query("#jobs")
        if found:
            return found.first()
        panel = JobsPanel(self._jobs_hint(), id="jobs")
        pane = self.query_one("#chat-pane")
        pane.mount(panel, before=self.query_one("#chat-input"))
        return panel

    def _jobs_hint(self) -> str:
        return (
            f"Uploads & exports · Esc cancels · {self._key_for('copy')} copies · "
            f"{self._key_for('open_folder')} opens the folder"
        )

    def on_job_update(self, message: JobUpdate) -> None:
        self.jobs_panel().set_row(message.key, message.text, message.fraction, message.state)

    def _row(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None:
        self.post_message(JobUpdate(key, text, fraction, state))

    def _drop_row_later(self, key: str) -> None:
        def drop() -> None:
            for panel in self.query("#jobs"):
                panel.drop(key)

        self.set_timer(UPLOAD_ROW_LINGER_S, drop)

    # ---- upload ------------------------------------------------------------------------
    def action_upload(self) -> None:
        from tui.core.files import last_folder, remember_folder
        from tui.ui.screens.upload import FilePickerScreen

        def chosen(paths: list[Path] | None) -> None:
            if not paths:
                return
            remember_folder(self.settings.data_dir, paths[0].parent)
            if self._need_connection():
                self.upload_files_worker(list(paths))

        self.push_screen(FilePickerScreen(last_folder(self.settings.data_dir) or Path.cwd()), chosen)

    def action_add_url(self) -> None:
        from tui.ui.screens.modals import UrlPromptScreen

        def added(url: str | None) -> None:
            if url and self._need_connection():
                self.upload_urls_worker([url])

        self.push_screen(UrlPromptScreen(), added)

    def _upload_named(self, paths: list[str]) -> None:
        """"upload ~/clip.mp4 ./b.mp3" typed in the chat: check each file, then upload them."""
        from tui.ui.screens.upload import check_paths

        checked, error = check_paths(Path(os.path.expanduser(p)) for p in paths)
        if error:
            self.post_message(m.ChatNote(f"{error} Nothing was uploaded.", "error"))
            return
        self.upload_files_worker(checked)

    @work(group="upload", exit_on_error=False)
    async def upload_files_worker(self, paths: list[Path]) -> None:
        from tui.api.errors import ApiError
        from tui.core.files import RateMeter, human_bytes, transfer_line

        self._upload_seq += 1
        seq = self._upload_seq
        keys = {Path(p): f"up{seq}:{i}" for i, p in enumerate(paths)}
        meters = {Path(p): RateMeter() for p in paths}
        shown: dict[Path, float] = {}
        for path, key in keys.items():
            self._row(key, f"⬆ {path.name} · waiting", 0.0)
        names = ", ".join(Path(p).name for p in paths)
        self.post_message(m.ChatNote(f"Uploading {names}…"))

        def progress(path: Path, sent: int, total: int) -> None:
            path = Path(path)
            meter = meters.get(path)
            if meter is None:
                return
            meter.add(sent)
            now = time.monotonic()
            if now - shown.get(path, 0.0) < THROTTLE_S and sent < total:
                return
            shown[path] = now
            fraction = sent / total if total else None
            words = "sent, being checked…" if total and sent >= total else transfer_line(sent, total, meter)
            self._row(keys[path], f"⬆ {path.name} · {words}", fraction)

        try:
            result = await self.client.upload_files(self.session_id, paths, progress=progress)
        except asyncio.CancelledError:
            for path, key in keys.items():
                self._row(key, f"✗ {path.name} · upload cancelled", False, "failed")
                self._drop_row_later(key)
            self.post_message(m.ChatNote("Upload cancelled: nothing was added.", "warning"))
            raise
        except ApiError as error:
            for path, key in keys.items():
                self._row(key, f"✗ {path.name} · not uploaded", False, "failed")
                self._drop_row_later(key)
            self.post_message(m.ApiFailure(error, "uploading"))
            return
        except OSError as error:  # the file vanished or became unreadable while streaming
            for path, key in keys.items():
                self._row(key, f"✗ {path.name} · not uploaded", False, "failed")
                self._drop_row_later(key)
            self.post_message(
                m.ChatNote(f"Could not read a file while uploading ({error.strerror or error}). Nothing was added.", "error")
            )
            return
        for path, key in keys.items():
            try:
                size = human_bytes(path.stat().st_size)
            except OSError:
                size = "sent"
            self._row(key, f"✅ {path.name} · {size} uploaded", False, "done")
            self._drop_row_later(key)
        from tui.ui.app import uploaded_words

        self.post_message(m.ChatNote(uploaded_words(result), "success"))
        await self._refresh_state_quietly()

    @work(group="upload", exit_on_error=False)
    async def upload_urls_worker(self, urls: list[str]) -> None:
        from tui.api.errors import ApiError
        from tui.ui.app import uploaded_words

        self._upload_seq += 1
        key = f"up{self._upload_seq}:url"
        shown = ", ".join(urls)
        self._row(key, f"⬇ fetching {shown} on the server…", None)
        self.post_message(m.ChatNote(f"Adding {shown} to the session…"))
        try:
            result = await self.client.upload_urls(self.session_id, urls)
        except asyncio.CancelledError:
            self._row(key, f"✗ {shown} · cancelled", False, "failed")
            self._drop_row_later(key)
            self.post_message(m.ChatNote("Adding the link was cancelled here (the server may still finish it).", "warning"))
            raise
        except ApiError as error:
            self._row(key, f"✗ {shown} · not added", False, "failed")
            self._drop_row_later(key)
            self.post_message(m.ApiFailure(error, "adding the link"))
            return
        self._row(key, f"✅ {shown} · added", False, "done")
        self._drop_row_later(key)
        self.post_message(m.ChatNote(uploaded_words(result), "success"))
        await self._refresh_state_quietly()

    # ---- export ------------------------------------------------------------------------
    def action_export(self) -> None:
        from tui.ui.screens.export import ExportChoice

        self.start_export(ExportChoice())

    def action_export_options(self) -> None:
        from tui.ui.screens.export import ExportOptionsScreen

        if not self._export_ready():
            return

        def chosen(choice: Any) -> None:
            if choice is not None:
                self.start_export(choice)

        self.push_screen(ExportOptionsScreen(getattr(self.draft, "meta", None) or {}), chosen)

    def _export_ready(self) -> bool:
        if not self._need_connection():
            return False
        draft = self.draft
        if draft is None or not getattr(draft, "ready_to_export", bool(getattr(draft, "tracks", None))):
            self.post_message(
                m.ChatNote(
                    "Nothing to export yet — upload or generate first "
                    f"({self._key_for('upload')} uploads a file, {self._key_for('add_url')} adds a link).",
                    "warning",
                )
            )
            return False
        return True

    def start_export(self, choice: Any) -> None:
        if not self._export_ready():
            return
        self._export_seq += 1
        key = f"render:x{self._export_seq}"
        self._jobs_state()[key] = ExportJob(key)
        self._row(key, "⏳ export · submitting the render…", None)
        self.export_worker(key, self.draft, choice, None)

    def pickup_renders(self) -> None:
        """On start: list this session's renders, and pick up every render of this backend
        left pending, processing or completed-but-not-downloaded (polling resumes, the
        download completes)."""
        store = self.store
        if store is None:
            return
        try:
            mine = {s.session_id for s in store.sessions(self.store_key, limit=1000)}
            running = {job.render_id for job in self._jobs_state().values() if job.worker is not None and job.worker.is_running}
            # a reconnect (ctrl+r) must not start a second download of a render already followed
            pending = [r for r in store.pending_renders() if r.session_id in mine and r.render_id not in running]
            history = store.renders(self.session_id) if self.session_id else []
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
                    self.last_export_path = Path(record.local_path)
                    self.last_link, self.last_link_what = record.local_path, "the exported file's path"
                self._row(key, f"✅ {record.local_path}{size}", False, "done")
            elif record.status in ("failed", "cancelled", "superseded"):
                self._row(key, f"✗ render {_short(record.render_id)} · {record.status}", False, "failed")
        if not pending:
            return
        count = len(pending)
        self.post_message(
            m.ChatNote(f"Picking up {count} export{'s' if count > 1 else ''} left unfinished last time…")
        )
        from tui.api.models import RenderJob
        from tui.ui.screens.export import ExportChoice

        for record in pending:
            key = f"render:{record.render_id}"
            self._jobs_state()[key] = ExportJob(key, render_id=record.render_id, phase=record.status)
            self._row(key, f"⏳ render {_short(record.render_id)} · {record.status} (picked up)", None)
            job = RenderJob(id=record.render_id, status=record.status, progress=record.progress, output_url=record.output_url)
            self.export_worker(key, None, ExportChoice(), (job, record.session_id))

    @work(group="export", exit_on_error=False)
    async def export_worker(self, key: str, draft: Any, choice: Any, resume: Any) -> None:
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

        state = self._jobs_state().setdefault(key, ExportJob(key))
        state.worker = get_current_worker()
        folder = Path(self.settings.download_dir).expanduser()
        session_id = self.session_id
        resume_job = None
        if resume is not None:
            resume_job, session_id = resume
            if session_id == self.session_id:
                try:  # the draft, so a render that failed meanwhile can be retried once
                    draft = (await self.client.state(session_id)).draft
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

        def name_for(job: Any) -> str:
            name = existing_part_name(folder, job.id) or export_filename(title, job.id, fmt)
            state.part = folder / (name + ".part")
            return name

        def on_status(job: Any) -> None:
            if job.id and job.id != state.render_id:
                if state.render_id:
                    state.ids.append(state.render_id)
                state.render_id = job.id
            status = (job.status or "pending").lower()
            state.phase = status
            rid = _short(job.id)
            progress = job.progress if isinstance(job.progress, (int, float)) else None
            if status == "processing":
                pct = f" {progress:.0f}%" if progress is not None else ""
                self._row(key, f"⚙ render {rid} · processing{pct}", (progress or 0) / 100 if progress is not None else None)
            elif status == "completed":
                self._row(key, f"✓ render {rid} · completed, downloading…", None)
            elif status == "failed":
                again = " — trying once more with a new render" if not state.ids else ""
                self._row(key, f"✗ render {rid} · failed{again}", None)
            elif status == "cancelled":
                self._row(key, f"✗ render {rid} · cancelled", False, "failed")
            else:
                self._row(key, f"⏳ render {rid} · {status}", None)

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
            self._row(
                key,
                f"⬇ {name} · {transfer_line(received, total, state.meter)}{resumed}",
                received / total if total else None,
            )

        try:
            path = await export_draft(
                self.client,
                session_id,
                draft,
                folder,
                on_status=on_status,
                on_download=on_download,
                poll_interval=self.export_poll_interval,
                store=self.store,
                resume_job=resume_job,
                filename=name_for,
                fmt=fmt,
                width=width,
                height=height,
            )
        except asyncio.CancelledError:
            if state.cancelled_by_user:
                self._after_user_cancel(state)
            raise  # the app is closing: the store keeps the render, picked up next start
        except ApiError as error:
            state.phase = "failed"
            self._row(key, f"✗ export {_short(state.render_id)} · {error.message}", False, "failed")
            self.post_message(m.ApiFailure(error, "exporting"))
            return
        except OSError as error:
            state.phase = "failed"
            self._row(key, f"✗ export {_short(state.render_id)} · {error.strerror or error}", False, "failed")
            self.post_message(m.ChatNote(f"While exporting: cannot write the file ({error.strerror or error}).", "error"))
            return
        state.phase = "done"
        duration = await asyncio.to_thread(mp4_duration, path)
        try:
            size = path.stat().st_size
        except OSError:
            size = None
        facts = ", ".join(x for x in (human_duration(duration) if duration else "", human_bytes(size) if size else "") if x)
        self._row(key, f"✅ {path} · {facts}", False, "done")
        resumed = f"the download resumed at {human_bytes(state.resumed_from)}" if state.resumed_from else ""
        self.post_message(ExportDone(path, facts, resumed))

    def on_export_done(self, message: "ExportDone") -> None:
        path = message.path
        self.last_export_path = path
        self.last_link = str(path)
        self.last_link_what = "the exported file's path"
        copy, folder = self._key_for("copy"), self._key_for("open_folder")
        where = f" ({message.facts})" if message.facts else ""
        text = f"✅ Exported {path.name}{where}: {path}  ({copy} copies the path, {folder} opens the folder)"
        if message.resumed:
            text += f" — {message.resumed}."
        if self.is_web:
            try:
                self.deliver_binary(path, save_filename=path.name, mime_type="video/mp4")
                text += " — also sent to your browser as a download."
            except Exception:
                pass
        self.call_later(self._note_and_record, text)

    async def _note_and_record(self, text: str) -> None:
        await self.chat.add_note(text, "success")
        self._record_line("note", text)

    def _after_user_cancel(self, state: ExportJob) -> None:
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
        if self.store is not None and rid:
            try:
                self.store.update_render(rid, status="cancelled", error="cancelled by the user")
            except Exception:
                pass
        state.phase = "cancelled"
        self._row(state.key, f"✗ export {_short(rid)} · {words}", False, "failed")
        self.post_message(m.ChatNote(f"Export cancelled ({words}).", "warning"))

    @work(group="cancel", exit_on_error=False)
    async def cancel_render_worker(self, render_id: str) -> None:
        from tui.api.errors import ApiError

        try:
            await self.client.cancel_render(render_id)
        except ApiError:
            pass  # it finished or failed meanwhile: nothing more to stop

    def _running_exports(self) -> list[ExportJob]:
        return [
            job for job in self._jobs_state().values()
            if job.worker is not None and job.worker.is_running and not job.cancelled_by_user
        ]

    def action_cancel(self) -> None:
        """Escape: the agent's run first, then the uploads, then the latest export."""
        if self.run_active:
            self.workers.cancel_group(self, "chat")
            return
        if any(w.is_running for w in self.workers if w.group == "upload"):
            self.workers.cancel_group(self, "upload")
            return
        running = self._running_exports()
        if not running:
            return
        job = running[-1]
        job.cancelled_by_user = True
        if job.render_id and job.phase in ("submit", "pending", "processing"):
            self.cancel_render_worker(job.render_id)
        job.worker.cancel()

    # ---- open the folder, the web link -------------------------------------------------
    def action_open_folder(self) -> None:
        folder = self.last_export_path.parent if self.last_export_path else Path(self.settings.download_dir).expanduser()
        opener = _opener()
        if self.is_web or not _display_available() or opener is None or not folder.is_dir():
            self.notify(f"Exports are saved in {folder}", title="Download folder", timeout=8)
            return
        import subprocess

        try:
            subprocess.Popen(
                [*opener, str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )
        except OSError:
            self.notify(f"Exports are saved in {folder}", title="Download folder", timeout=8)
            return
        self.notify(f"Opened {folder}", timeout=3)

    def action_open_web(self) -> None:
        """The session's web link (no token in it): copied, and opened when a browser is here."""
        from tui.ui.clipboard import copy_text

        if not self._need_connection():
            return
        try:
            link = self.client.web_link(self.session.task_id, self.session.session_id)
        except Exception:
            self.notify("This backend has no web page for the project.", severity="warning")
            return
        copy_text(self, link, "the project's web link")
        if _display_available() and not self.is_web:
            import webbrowser

            self.run_worker(asyncio.to_thread(webbrowser.open, link), group="browser", exit_on_error=False)
        self.post_message(m.ChatNote(f"The project on the web: {link}"))

    # ---- resume at start-up ------------------------------------------------------------
    async def ask_resume(self, store: Any, last: Any) -> bool:
        """The "resume or start new" question, only when the last session has a conversation or
        an unfinished export (its notes alone are not worth a question).
        Must run in a worker (it waits for the modal)."""
        from tui.ui.screens.export import ResumeScreen

        try:
            lines = sum(1 for line in store.transcript(last.session_id) if line.role in ("user", "agent"))
            renders = sum(1 for r in store.pending_renders() if r.session_id == last.session_id)
        except Exception:
            return False
        if not lines and not renders:
            return False
        when = time.strftime("%d %b %H:%M", time.localtime(last.updated)) if getattr(last, "updated", None) else ""
        return bool(await self.push_screen_wait(ResumeScreen(last.session_id, lines, renders, when)))


class ExportDone(Message):
    def __init__(self, path: Path, facts: str, resumed: str = "") -> None:
        super().__init__()
        self.path = path
        self.facts = facts
        self.resumed = resumed


def _short(render_id: str | None) -> str:
    from tui.core.files import short_id

    return short_id(render_id) if render_id else "…"
