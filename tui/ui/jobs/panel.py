"""The upload/export panel: one row per file being uploaded and per render of the session,
and the feature behind it: the upload and export actions, their workers (tui.ui.jobs.uploads,
tui.ui.jobs.exports), cancel, the download folder and the project's web link.

A row is a line of words (state, bytes, speed, ETA, or the final path) and a ProgressBar
shown while something moves. Rows are keyed (``up:<n>:<file>``, ``render:<id or n>``) and
updated in place; the panel hides itself when it has no rows.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on
from textual.containers import VerticalScroll

from tui.ui import messages as m
from tui.ui.base import allowed, need_connection, nemo_app, side_panes
from tui.ui.connection import Connection
from tui.ui.jobs.host import ExportDone, ExportJob, JobUpdate, StoryboardReady
from tui.ui.jobs.row import JobRow

if TYPE_CHECKING:
    from tui.core.download_intent import DownloadRequest
    from tui.core.downloads import DownloadJobs
    from tui.ui.screens.export import ExportChoice

UPLOAD_ROW_LINGER_S = 8.0  # a finished upload row stays this long, then leaves the panel


class JobsPanel(VerticalScroll):
    """``set_row(key, text, fraction, state)`` adds or updates a row; ``drop(key)`` removes it."""

    DEFAULT_CSS = """
    JobsPanel {
        height: auto; max-height: 9; display: none;
        border-top: solid $panel-lighten-2; padding: 0 1; scrollbar-size-vertical: 1;
        border-title-align: left; border-title-color: $text-muted;
    }
    JobsPanel.-has-rows { display: block; }
    """

    def __init__(self, hint: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hint = hint
        self.rows: dict[str, JobRow] = {}
        self.exports: dict[str, ExportJob] = {}
        self.last_export_path: Path | None = None
        self.storyboard: Any = None  # the latest export's tui.core.storyboard.Storyboard
        self.downloads: DownloadJobs | None = None  # the running download jobs (Esc cancels them)
        self.last_download_url: str | None = None  # the formats key's link when the input has none
        self._export_seq = 0
        self._upload_seq = 0

    def on_mount(self) -> None:
        if not self.hint:
            app = nemo_app(self)
            self.hint = (
                f"Uploads & exports · Esc cancels · {app.key_for('copy')} copies · "
                f"{app.key_for('open_folder')} opens the folder"
            )
        self.border_title = escape(self.hint)  # keys from the user's keymap: never markup

    def set_hint(self, hint: str) -> None:
        self.hint = hint
        self.border_title = escape(hint)

    def set_row(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None:
        row = self.rows.get(key)
        if row is None:
            row = JobRow(key, text)
            row.show(text, fraction, state)  # kept until mounted
            self.rows[key] = row
            self.mount(row)
            self.add_class("-has-rows")
            self.scroll_end(animate=False)
            return
        row.show(text, fraction, state)

    def rename(self, old: str, new: str) -> None:
        if old in self.rows and new not in self.rows:
            row = self.rows.pop(old)
            row.key = new
            self.rows[new] = row

    def drop(self, key: str) -> None:
        row = self.rows.pop(key, None)
        if row is not None:
            row.remove()
        if not self.rows:
            self.remove_class("-has-rows")

    def texts(self) -> list[str]:
        return [row.text for row in self.rows.values()]

    # ---- the feature ---------------------------------------------------------------------
    @property
    def conn(self) -> Connection:
        return nemo_app(self).conn

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self, action)

    def on_job_update(self, message: JobUpdate) -> None:
        if message.state == "gone":
            self.drop(message.key)
            return
        self.set_row(message.key, message.text, message.fraction, message.state)

    def row(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None:
        """Update a row from a worker (through a message: the handler touches the widgets)."""
        self.post_message(JobUpdate(key, text, fraction, state))

    def drop_later(self, key: str) -> None:
        self.set_timer(UPLOAD_ROW_LINGER_S, lambda: self.drop(key))

    @property
    def export_poll_interval(self) -> float:
        return nemo_app(self).export_poll_interval

    def remember_link(self, link: str, what: str) -> None:
        """What ctrl+y copies from now on (kept by the main screen)."""
        side_panes(self).remember_link(link, what)

    def next_upload_seq(self) -> int:
        self._upload_seq += 1
        return self._upload_seq

    def need_connection(self) -> bool:
        return need_connection(self)

    # ---- upload ------------------------------------------------------------------------
    def action_upload(self) -> None:
        from tui.core.files import last_folder, remember_folder
        from tui.ui.screens.upload import FilePickerScreen, extensions_for

        data_dir = self.conn.settings.data_dir

        def chosen(paths: list[Path] | None) -> None:
            if not paths:
                return
            remember_folder(data_dir, paths[0].parent)
            if self.need_connection():
                self.upload_files(list(paths))

        picker = FilePickerScreen(last_folder(data_dir) or Path.cwd(), extensions_for(self.conn.backend))
        self.app.push_screen(picker, chosen)

    def action_add_url(self) -> None:
        from tui.ui.screens.modals import UrlPromptScreen

        def added(url: str | None) -> None:
            if url and self.need_connection():
                self.upload_urls([url])

        self.app.push_screen(UrlPromptScreen(), added)

    def upload_named(self, paths: list[str]) -> None:
        """ "upload ~/clip.mp4 ./b.mp3" typed in the chat: check each file, then upload them."""
        from tui.ui.screens.upload import check_paths, extensions_for

        checked, error = check_paths((Path(os.path.expanduser(p)) for p in paths), extensions_for(self.conn.backend))
        if error:
            self.post_message(m.ChatNote(f"{error} Nothing was uploaded.", "error"))
            return
        self.upload_files(checked)

    def upload_files(self, paths: list[Path]) -> None:
        from tui.ui.jobs.uploads import upload_files

        self.run_worker(upload_files(self, [Path(p) for p in paths]), group="upload", exit_on_error=False)

    def upload_urls(self, urls: list[str]) -> None:
        from tui.ui.jobs.uploads import upload_urls

        self.run_worker(upload_urls(self, urls), group="upload", exit_on_error=False)

    # ---- download jobs (one MP4 per link) --------------------------------------------------
    def download(self, request: DownloadRequest) -> None:
        from tui.ui.jobs.downloads import download_worker

        self.run_worker(download_worker(self, request), group="download", exit_on_error=False)

    def action_formats(self) -> None:
        """What the pasted link (or the last download's) offers: a dialog; a pick downloads."""
        from tui.ui.jobs.formats import formats_link, open_formats

        open_formats(self, formats_link(self))

    # ---- export ------------------------------------------------------------------------
    def action_export(self) -> None:
        from tui.ui.screens.export import ExportChoice

        self.start_export(ExportChoice())

    def action_export_options(self) -> None:
        from tui.ui.screens.export import ExportOptionsScreen

        if not self._export_ready():
            return

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.start_export(choice)

        self.app.push_screen(ExportOptionsScreen(getattr(self.conn.draft, "meta", None) or {}), chosen)

    def _export_ready(self) -> bool:
        if not self.need_connection():
            return False
        draft = self.conn.draft
        if draft is None or not getattr(draft, "ready_to_export", bool(getattr(draft, "tracks", None))):
            app = nemo_app(self)
            self.post_message(
                m.ChatNote(
                    "Nothing to export yet — upload or generate first "
                    f"({app.key_for('upload')} uploads a file, {app.key_for('add_url')} adds a link).",
                    "warning",
                )
            )
            return False
        return True

    def start_export(self, choice: ExportChoice) -> None:
        from tui.ui.jobs.exports import export_job

        if not self._export_ready():
            return
        self._export_seq += 1
        key = f"render:x{self._export_seq}"
        self.exports[key] = ExportJob(key)
        self.row(key, "⏳ export · submitting the render…", None)
        self.run_worker(export_job(self, key, self.conn.draft, choice, None), group="export", exit_on_error=False)

    def pickup_renders(self) -> None:
        """On start: list this session's renders, and pick up every render of this backend
        left pending, processing or completed-but-not-downloaded."""
        from tui.ui.jobs.exports import pickup_renders

        pickup_renders(self)

    @on(ExportDone)
    def export_done(self, message: ExportDone) -> None:
        app = nemo_app(self)
        path = message.path
        self.last_export_path = path
        self.remember_link(str(path), "the exported file's path")
        copy, folder = app.key_for("copy"), app.key_for("open_folder")
        where = f" ({message.facts})" if message.facts else ""
        text = f"✅ Exported {path.name}{where}: {path}  ({copy} copies the path, {folder} opens the folder)"
        if message.resumed:
            text += f" — {message.resumed}."
        for note in message.notes:
            text += f"\n  · {note}"
        if self.app.is_web:
            try:
                self.app.deliver_binary(path, save_filename=path.name, mime_type="video/mp4")
                text += " — also sent to your browser as a download."
            except Exception:
                pass
        self.post_message(m.ChatNote(text, "success"))
        if message.key:
            from tui.ui.jobs.storyboard import start_storyboard

            start_storyboard(self, message.key, path)

    @on(StoryboardReady)
    def storyboard_ready(self, message: StoryboardReady) -> None:
        from tui.ui.jobs.storyboard import show_storyboard

        show_storyboard(self, message.key, message.board)

    def action_storyboard(self) -> None:
        from tui.ui.jobs.storyboard import open_storyboard

        open_storyboard(self.app, self.storyboard)

    def cancel_latest(self) -> None:
        """Escape (when no run is active): the download jobs first, then the uploads, then the
        latest export."""
        if self.downloads is not None:
            self.downloads.cancel()  # each job says so in its row; the chat says nothing was saved
            self.downloads = None
            return
        if any(w.is_running for w in self.workers if w.group == "upload" and w.node is self):
            self.workers.cancel_group(self, "upload")
            return
        running = [
            job
            for job in self.exports.values()
            if job.worker is not None and job.worker.is_running and not job.cancelled_by_user
        ]
        if not running:
            return
        job = running[-1]
        job.cancelled_by_user = True
        if job.render_id and job.phase in ("submit", "pending", "processing"):
            self.run_worker(self._cancel_render(job.render_id), group="cancel", exit_on_error=False)
        assert job.worker is not None
        job.worker.cancel()

    async def _cancel_render(self, render_id: str) -> None:
        from tui.api.errors import ApiError

        if self.conn.client is None:
            return
        try:
            await self.conn.client.cancel_render(render_id)
        except ApiError:
            pass  # it finished or failed meanwhile: nothing more to stop

    # ---- open the folder, the web link -------------------------------------------------
    def action_open_folder(self) -> None:
        from tui.ui.jobs.system import open_folder

        folder = (
            self.last_export_path.parent
            if self.last_export_path
            else Path(self.conn.settings.download_dir).expanduser()
        )
        open_folder(self.app, folder)

    def action_open_web(self) -> None:
        """The session's web link (no token in it): copied, and opened when a browser is here."""
        from tui.ui.clipboard import copy_text
        from tui.ui.jobs.system import display_available

        session, client = self.conn.session, self.conn.client
        if not self.need_connection() or session is None or client is None:
            return
        try:
            link = client.web_link(session.task_id, session.session_id)
        except Exception:
            self.notify("This backend has no web page for the project.", severity="warning")
            return
        copy_text(self.app, link, "the project's web link")
        if display_available() and not self.app.is_web:
            import webbrowser

            self.run_worker(asyncio.to_thread(webbrowser.open, link), group="browser", exit_on_error=False)
        self.post_message(m.ChatNote(f"The project on the web: {link}"))
