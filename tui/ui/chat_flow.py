"""The chat in the app: what the user types (routed by tui.core.router), the agent's run
streamed into the chat (driven by tui.core.chat.ChatRun through tui.ui.chat_driver), the
state check after a silent or cut run, the no-re-send recovery and the manual retry.

``ChatMixin`` is mixed into NemoApp (it uses the app's client, session, store and widgets);
the run itself is the exclusive "chat" worker, whose typed messages are handled here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import work
from textual.widgets import Input

from tui.ui import messages as m
from tui.ui.widgets.chat import HistoryInput, WorkingIndicator


class ChatMixin:
    """The chat flow of NemoApp (see the module docstring)."""
    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "chat-input":
            return
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
        await self.chat.add_user(text)
        self._record_line("user", text)
        action = decision.action
        if action == "export":
            self.action_export()
        elif action == "credits":
            if self._need_connection():
                self.credits_worker(announce=True)
        elif action == "status":
            if self._need_connection():
                self.state_worker(announce=True)
                if self.compact:
                    self.action_show_tab("timeline")
        elif action == "upload":
            paths = list(getattr(decision, "paths", None) or [])
            if paths and self._need_connection():
                self._upload_named(paths)
            elif not paths:
                self.action_upload()
        else:
            if not self._need_connection():
                return
            if self.run_active:
                await self.chat.add_note(
                    "The agent is still working on the last message: wait for it, or press Esc to cancel it.",
                    "warning",
                )
                return
            self.chat_worker(decision.text or text, list(decision.urls or []))

    def _need_connection(self) -> bool:
        if self.client is not None and self.session is not None:
            return True
        note = "Not connected yet: wait for \u201cReady\u201d" + (
            ", or press ctrl+r to try again." if self.connection == "offline" else "."
        )
        self.call_later(self.chat.add_note, note, "warning")
        return False

    def _record_line(self, role: str, text: str) -> None:
        store = self.store
        if store is None or self.session_id is None:
            return
        try:
            store.add_line(self.session_id, role, text)
        except Exception:
            pass

    @work(exclusive=True, group="chat", exit_on_error=False)
    async def chat_worker(self, text: str, urls: list[str]) -> None:
        from tui.ui.chat_driver import drive_run

        await drive_run(self, text, urls)

    # run lifecycle (handlers)
    def on_run_started(self, message: m.RunStarted) -> None:
        if not self.run_active:
            self._run_started_at = self.clock()
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
            self._status_timer = self.set_timer(0.1, self._status_due)

    def _status_due(self) -> None:
        self._status_timer = None
        self._update_working()

    def _update_working(self) -> None:
        if not self.run_active:
            return
        if self.chat_run is not None:
            text = self.chat_run.indicator(self.clock())
        else:  # the message's links are being added before the agent is asked
            from tui.core.chat import format_elapsed

            text = f"{self._run_status or 'working…'} {format_elapsed(self.clock() - self._run_started_at)}"
        self.query_one("#working", WorkingIndicator).show_text(text)

    async def on_agent_chunk(self, message: m.AgentChunk) -> None:
        from tui.api.errors import redact

        if self._reply is None:
            self._reply = await self.chat.add_agent("")
            self._reply_text = ""
            self._reply_shown = ""
            self._stream = None  # started at the first write (a stream never written to is not started)
        self._reply_text += message.text
        # Redact the whole text so far (a token can be split across chunks) and stream
        # only what is new; if redaction rewrote what is already shown, redraw it whole.
        shown = redact(self._reply_text)
        self._reply.text = shown
        if shown.startswith(self._reply_shown):
            self._pending_chunk += shown[len(self._reply_shown):]
            self._reply_shown = shown
            # Markdown re-parses its last block on every write: write ~10 times a second.
            if self._chunk_timer is None:
                self._chunk_timer = self.set_timer(0.1, self._write_pending_chunk)
        else:
            self._reply_shown = shown
            self._pending_chunk = ""
            stream, self._stream = self._stream, None
            if stream is not None:
                await stream.stop()
            await self._reply.update(shown)

    async def _write_pending_chunk(self) -> None:
        self._chunk_timer = None
        text, self._pending_chunk = self._pending_chunk, ""
        if not text or self._reply is None:
            return
        if self._stream is None:
            from textual.widgets import Markdown

            self._stream = Markdown.get_stream(self._reply)
        await self._stream.write(text)  # lets the stream's task start before any stop()

    async def on_agent_text(self, message: m.AgentText) -> None:
        """The whole text of the open message (the aggregate, or a translated final)."""
        self._reply_text = message.text
        if self._reply is None:
            self._reply = await self.chat.add_agent(message.text)

    async def on_agent_finished(self, message: m.AgentFinished) -> None:
        await self._finish_reply()

    async def _finish_reply(self) -> None:
        from tui.api.errors import redact

        reply, stream, full = self._reply, self._stream, redact(self._reply_text)
        self._reply, self._stream, self._reply_text, self._reply_shown = None, None, "", ""
        self._pending_chunk = ""
        if self._chunk_timer is not None:
            self._chunk_timer.stop()
            self._chunk_timer = None
        if reply is None:
            return
        try:
            if stream is not None:
                await stream.stop()
        finally:
            # One full update: a half-streamed code fence can otherwise lose text.
            reply.text = full
            await reply.update(full)
        if full:
            self._record_line("agent", full)

    async def on_run_finished(self, message: m.RunFinished) -> None:
        await self._finish_reply()
        self.run_active = False
        if self._working_timer is not None:
            self._working_timer.stop()
            self._working_timer = None
        self.query_one("#working", WorkingIndicator).hide()
        if message.outcome in ("cut", "timeout", "error", "api_error", "cancelled"):
            self.retry_text = message.text
        elif message.outcome == "finished":
            self.credits_widget.clear_hint()
        if self.client is None or self.session is None:
            return
        self.credits_worker()  # credits after every run
        if message.check == "cut":
            self.recovery_worker(message.before, message.text)
        elif message.check is not None:
            self.check_state_worker(message.check, message.before)
        else:
            self.state_worker()

    def on_state_check(self, message: m.StateCheck) -> None:
        if self.client is not None and self.session is not None:
            self.state_worker()

    @work(exclusive=True, group="state", exit_on_error=False)
    async def check_state_worker(self, reason: str, before: Any) -> None:
        """After a silent, timed-out or cancelled run: what did the agent change?"""
        from tui.api.errors import ApiError
        from tui.api.models import Draft
        from tui.core.timeline import describe_changes

        try:
            state = await self.client.state(self.session_id)
        except ApiError as error:
            self.post_message(m.ApiFailure(error, "checking what the agent changed"))
            return
        self.post_message(m.StateLoaded(state))
        lines = describe_changes(before if before is not None else Draft(), state.draft)
        if lines:
            self.post_message(m.ChatNote("\n".join(lines), "success"))
        elif reason == "silent":
            self.post_message(m.ChatNote("The agent finished without a reply, and the timeline did not change."))
        else:
            self.post_message(m.ChatNote("The timeline did not change."))

    @work(exclusive=True, group="recovery", exit_on_error=False)
    async def recovery_worker(self, before: Any, text: str) -> None:
        """The stream broke: poll the state (30 s, then every 60 s, up to 5 times); no re-send."""
        from tui.api.models import Draft
        from tui.core.recovery import recover_after_cut

        self.post_message(m.ConnectionChanged("reconnecting"))
        reachable = [False]

        async def fetch() -> Any:
            state = await self.client.state(self.session_id)
            reachable[0] = True
            self.post_message(m.StateLoaded(state))
            return state

        result = await recover_after_cut(
            before if before is not None else Draft(),
            fetch,
            sleep=self.recovery_sleep or asyncio.sleep,
        )
        self.post_message(m.ConnectionChanged("connected" if reachable[0] else "offline"))
        if result.changed:
            self.post_message(m.ChatNote(result.message, "success"))
        else:
            retry = self._key_for("retry")
            self.post_message(m.ChatNote(f"{result.message} ({retry} sends it again.)", "error"))

    def action_retry(self) -> None:
        """Send the last failed message again: only ever on the user's request."""
        if not self.retry_text:
            self.notify("Nothing to retry: the last message went through.", timeout=3)
            return
        if self.run_active or not self._need_connection():
            return
        text, self.retry_text = self.retry_text, None
        self.call_later(self._resend, text)

    async def _resend(self, text: str) -> None:
        await self.chat.add_user(text)
        self._record_line("user", text)
        self.chat_worker(text, [])
