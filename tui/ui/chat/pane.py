"""The chat pane: what the user types (routed by tui.core.router), the agent's run streamed
into the conversation (tui.ui.chat.driver, deciding nothing: tui.core.chat.ChatRun does), the
state check after a silent or cut run, the no-re-send recovery and the manual retry.

Every message that adds a line to the conversation is handled here, in the order it was
posted: notes, API failures (tui.ui.chat.failures), the reply and the run lifecycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input

from tui.ui import messages as m
from tui.ui.base import allowed, need_connection, nemo_app, side_panes
from tui.ui.chat.log import ChatLog, HistoryInput, SystemNote, WorkingIndicator
from tui.ui.connection import Connection
from tui.ui.jobs.panel import JobsPanel

if TYPE_CHECKING:
    from tui.api.models import Draft
    from tui.core.chat import ChatRun
    from tui.ui.chat.reply import AgentMessage

STATUS_THROTTLE_S = 0.1


class ChatPane(Vertical):
    """The conversation, the live "working…" line, the jobs panel and the input line."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.chat_run: ChatRun | None = None
        self.run_active = False
        self.retry_text: str | None = None
        self._run_started_at = 0.0
        self._run_status = ""
        self._working_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self.reply: AgentMessage | None = None  # the reply being streamed

    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat-log")
        yield WorkingIndicator(id="working")
        yield JobsPanel(id="jobs")  # hidden until it has a row
        yield HistoryInput(placeholder="Paste a video link or say what you want · Enter sends", id="chat-input")

    @property
    def conn(self) -> Connection:
        return nemo_app(self).conn

    @property
    def jobs(self) -> JobsPanel:
        return self.query_one("#jobs", JobsPanel)

    @property
    def log_view(self) -> ChatLog:
        return self.query_one("#chat-log", ChatLog)

    def transcript(self) -> list[tuple[str, str]]:
        """(role, text) for every message, in order: what the user would read."""
        return self.log_view.transcript()

    async def add_note(self, text: str, kind: str = "info") -> SystemNote:
        """A note in the conversation, also kept in the session's transcript on disk."""
        note = await self.log_view.add_note(text, kind)
        self.conn.record_line("error" if kind == "error" else "note", text)
        return note

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self, action)

    # ---- input → route → worker ----------------------------------------------------------
    @on(Input.Submitted, "#chat-input")
    async def send_input(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        box = self.query_one("#chat-input", HistoryInput)
        box.remember(text)
        box.value = ""
        await self.handle_text(text)

    async def handle_text(self, text: str) -> None:
        from tui.core.router import route

        decision = route(text)
        await self.log_view.add_user(text)
        self.conn.record_line("user", text)
        main = side_panes(self)
        action = decision.action
        if action == "export":
            self.jobs.action_export()
        elif action == "credits":
            if self.need_connection():
                main.credits_worker(announce=True)
        elif action == "status":
            if self.need_connection():
                main.state_worker(announce=True)
                if main.compact:
                    main.action_show_tab("timeline")
        elif action == "download":
            from tui.core.download_intent import download_request

            request = download_request(text, list(decision.urls))
            if request is not None and self.need_connection():
                self.jobs.download(request)
        elif action == "formats":  # "what resolutions are available for <link>?"
            from tui.ui.jobs.formats import open_formats

            open_formats(self.jobs, decision.urls[0] if decision.urls else None)
        elif action == "upload":
            paths = list(getattr(decision, "paths", None) or [])
            if paths and self.need_connection():
                self.jobs.upload_named(paths)
            elif not paths:
                self.jobs.action_upload()
        else:
            if not self.need_connection():
                return
            if self.run_active:
                await self.log_view.add_note(
                    "The agent is still working on the last message: wait for it, or press Esc to cancel it.",
                    "warning",
                )
                return
            if decision.urls:
                from tui.core.download_intent import project_way_note

                note = project_way_note(text, list(decision.urls))
                if note:
                    await self.add_note(note)
            self.chat_worker(decision.text or text, list(decision.urls or []))

    def need_connection(self) -> bool:
        """True when connected; otherwise says so in the chat."""
        return need_connection(self)

    @work(exclusive=True, group="chat", exit_on_error=False)
    async def chat_worker(self, text: str, urls: list[str]) -> None:
        from tui.ui.chat.driver import drive_run

        await drive_run(self, self.conn, nemo_app(self).run_timing, text, urls)

    def cancel_run(self) -> bool:
        """Escape: stop the agent's run (the stream is hung up, nothing is re-sent)."""
        if not self.run_active:
            return False
        self.workers.cancel_group(self, "chat")
        return True

    # ---- the run's lifecycle -------------------------------------------------------------
    def on_run_started(self, message: m.RunStarted) -> None:
        clock = nemo_app(self).run_timing.clock
        if not self.run_active:
            self._run_started_at = clock()
        self.chat_run = message.run
        self._run_status = message.status
        self.run_active = True
        self.retry_text = None
        self._update_working()
        if self._working_timer is None:
            # A timer only while a run is active: an idle screen never repaints.
            self._working_timer = self.set_interval(1.0, self._update_working)

    def on_run_status(self, message: m.RunStatus) -> None:
        # A stream of statuses (download progress) repaints at most ~10 times a second.
        if self._status_timer is None:
            self._status_timer = self.set_timer(STATUS_THROTTLE_S, self._status_due)

    def _status_due(self) -> None:
        self._status_timer = None
        self._update_working()

    def _update_working(self) -> None:
        if not self.run_active:
            return
        clock = nemo_app(self).run_timing.clock
        if self.chat_run is not None:
            text = self.chat_run.indicator(clock())
        else:  # the message's links are being added before the agent is asked
            from tui.core.chat import format_elapsed

            text = f"{self._run_status or 'working…'} {format_elapsed(clock() - self._run_started_at)}"
        self.query_one("#working", WorkingIndicator).show_text(text)

    async def on_agent_chunk(self, message: m.AgentChunk) -> None:
        if self.reply is None:
            self.reply = await self.log_view.add_agent("")
        await self.reply.append_text(message.text)

    async def on_agent_text(self, message: m.AgentText) -> None:
        """The whole text of the open message (the aggregate, or a translated final)."""
        if self.reply is None:
            self.reply = await self.log_view.add_agent(message.text)
        self.reply.set_text(message.text)

    async def on_agent_finished(self, message: m.AgentFinished) -> None:
        await self._finish_reply()

    async def _finish_reply(self) -> None:
        reply, self.reply = self.reply, None
        if reply is None:
            return
        full = await reply.finish_stream()
        if full:
            self.conn.record_line("agent", full)

    async def on_run_finished(self, message: m.RunFinished) -> None:
        await self._finish_reply()
        self.run_active = False
        if self._working_timer is not None:
            self._working_timer.stop()
            self._working_timer = None
        self.query_one("#working", WorkingIndicator).hide()
        main = side_panes(self)
        if message.outcome in ("cut", "timeout", "error", "api_error", "cancelled"):
            self.retry_text = message.text
        elif message.outcome == "finished":
            main.clear_credits_hint()
        if not self.conn.ready:
            return
        main.credits_worker()  # credits after every run
        if message.check == "cut":
            self.recovery_worker(message.before, message.text)
        elif message.check is not None:
            self.check_state_worker(message.check, message.before)
        else:
            main.state_worker()

    def on_state_check(self, message: m.StateCheck) -> None:
        if self.conn.ready:
            side_panes(self).state_worker()

    @work(exclusive=True, group="state", exit_on_error=False)
    async def check_state_worker(self, reason: str, before: Draft | None) -> None:
        """After a silent, timed-out or cancelled run: what did the agent change?"""
        from tui.ui.chat.recovery import check_state

        await check_state(self, self.conn, reason, before)

    @work(exclusive=True, group="recovery", exit_on_error=False)
    async def recovery_worker(self, before: Draft | None, text: str) -> None:
        """The stream broke: poll the state (30 s, then every 60 s, up to 5 times); no re-send."""
        from tui.ui.chat.recovery import recover

        app = nemo_app(self)
        await recover(self, self.conn, before, app.recovery_sleep, app.key_for("retry"))

    def action_retry(self) -> None:
        """Send the last failed message again: only ever on the user's request."""
        if not self.retry_text:
            self.notify("Nothing to retry: the last message went through.", timeout=3)
            return
        if self.run_active or not self.need_connection():
            return
        text, self.retry_text = self.retry_text, None
        self.call_later(self._resend, text)

    async def _resend(self, text: str) -> None:
        await self.log_view.add_user(text)
        self.conn.record_line("user", text)
        self.chat_worker(text, [])

    @on(m.ConnectionChanged)
    @on(m.CreditsLoaded)
    @on(m.StateLoaded)
    @on(m.SseReceived)
    def _show_on_main(self, message: m.ConnectionChanged | m.CreditsLoaded | m.StateLoaded | m.SseReceived) -> None:
        """Side-pane news from the chat's or the jobs' workers, shown in the order posted."""
        message.stop()
        side_panes(self).apply(message)

    # ---- lines from everywhere -----------------------------------------------------------
    async def on_chat_note(self, message: m.ChatNote) -> None:
        message.stop()
        if message.record:
            await self.add_note(message.text, message.kind)
        else:
            await self.log_view.add_note(message.text, message.kind)

    async def on_transcript_restored(self, message: m.TranscriptRestored) -> None:
        # "Ready:"/"Resumed:" lines of an older start were once recorded: not shown again.
        lines = [(r, t) for r, t in message.lines if not (r == "note" and t.startswith(("Ready: ", "Resumed: ")))]
        if not lines:
            return
        chat = self.log_view
        await chat.add_note(f"Earlier in this session ({len(lines)} lines):")
        for role, text in lines:
            if role == "user":
                await chat.add_user(text)
            elif role == "agent":
                await chat.add_agent(text)
            else:
                await chat.add_note(text, "error" if role == "error" else "info")

    async def on_api_failure(self, message: m.ApiFailure) -> None:
        """Every API error as plain words with the next step; 2001 and 1002 also act."""
        from tui.ui.chat.failures import show_failure

        message.stop()
        await show_failure(self, message, self.add_note)
