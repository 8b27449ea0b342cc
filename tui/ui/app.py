"""The full-screen app, kept thin: theme, keymap, the connection and the session, the command
palette. The screen is tui.ui.screens.main.MainScreen; the features own their state and
workers: the chat in tui.ui.chat (ChatPane), uploads and exports in tui.ui.jobs (JobsPanel).
Every key and palette entry comes from one table, tui.ui.actions.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Input

from tui.config import Settings
from tui.ui import actions
from tui.ui import messages as m
from tui.ui.base import allowed, need_connection
from tui.ui.connection import Connection, plain_error
from tui.ui.keys import legacy_fkey
from tui.ui.main_screen import MainScreen
from tui.ui.timing import RunTiming

if TYPE_CHECKING:
    from tui.api.client import NemoClient
    from tui.api.models import Credits, Draft, SessionInfo
    from tui.core.store import LocalStore, SessionRecord
    from tui.ui.chat.pane import ChatPane
    from tui.ui.jobs.panel import JobsPanel
    from tui.ui.widgets.sse_log import SseLogView
    from tui.ui.widgets.timeline import TimelineView

# "ansi" uses the terminal's own palette (Textual 8.2 calls it "ansi-dark").
THEME_ALIASES = {"ansi": "ansi-dark", "textual-ansi": "ansi-dark", "ansi-dark": "ansi-dark", "ansi-light": "ansi-light"}


def _wall_time() -> str:
    return datetime.now().strftime("%H:%M:%S")


class NemoApp(App[None]):
    """``NemoApp(settings, backend="local"|"cloud")``; tests pass ``transport=`` (an httpx
    transport for NemoClient) or ``client_factory=`` (a callable returning a client), and
    ``clock``/``tick_interval``/``recovery_sleep`` to run the heartbeat rules in seconds."""

    CSS_PATH = "app.tcss"
    TITLE = "nemo-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings()

    def __init__(
        self,
        settings: Settings,
        *,
        backend: str = "cloud",
        resume: bool = False,
        client_factory: Callable[[], NemoClient] | None = None,
        transport: Any = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], str] = _wall_time,
        tick_interval: float = 1.0,
        note_every: float = 120.0,
        run_timeout: float = 600.0,
        recovery_sleep: Callable[[float], Awaitable[object]] | None = None,
        retry_wait: float = 30.0,
        connect: bool = True,
        export_poll_interval: float | None = None,
    ) -> None:
        super().__init__()
        # Actions run on the feature that owns them: "chat.retry", "jobs.export", "main.copy"
        # (Textual resolves a namespace through this set and getattr on the app).
        self._action_targets = {*self._action_targets, "chat", "jobs", "main"}
        self.settings = settings
        self.conn = Connection(settings, backend)
        self.resume = resume
        self._client_factory = client_factory
        self._transport = transport
        self.wall_clock = wall_clock
        self.run_timing = RunTiming(clock, note_every, run_timeout, tick_interval)
        self.recovery_sleep = recovery_sleep
        self.retry_wait = retry_wait
        self._auto_connect = connect
        # Renders on this machine take seconds; the cloud documents polling every 10–30 s.
        self.export_poll_interval = (
            export_poll_interval if export_poll_interval is not None else (1.0 if backend == "local" else 10.0)
        )
        self._theme_error = self._apply_theme(settings.theme) if settings.theme else ""
        if not os.environ.get("TEXTUAL_ANIMATIONS"):
            # No animations unless asked for (TEXTUAL_ANIMATIONS=full): over SSH or tmux every
            # animation frame is traffic, and an idle screen should send nothing.
            self.animation_level = "none"

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    # ---- the features (action namespaces) ------------------------------------------------
    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0] if self.screen_stack else None
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def chat(self) -> ChatPane:
        return self.main.chat

    @property
    def jobs(self) -> JobsPanel:
        from tui.ui.jobs.panel import JobsPanel

        return self.main.query_one("#jobs", JobsPanel)

    # Read-only views kept for tests and tools that look at the app from outside.
    backend = property(lambda self: self.conn.backend)
    client = property(lambda self: self.conn.client)
    session = property(lambda self: self.conn.session)
    store = property(lambda self: self.conn.store)
    connection = property(lambda self: self.conn.state)

    @property
    def session_id(self) -> str | None:
        return self.conn.session_id

    @property
    def draft(self) -> Draft | None:
        return self.conn.draft

    @property
    def credits(self) -> Credits | None:
        return self.conn.credits

    @property
    def run_active(self) -> bool:
        return self.chat.run_active

    @property
    def retry_text(self) -> str | None:
        return self.chat.retry_text

    @property
    def last_link(self) -> str | None:
        return self.main.last_link

    @property
    def sse_log(self) -> SseLogView:
        return self.main.sse_log

    @property
    def timeline(self) -> TimelineView:
        return self.main.timeline

    @property
    def compact(self) -> bool:
        return self.main.compact

    def upload_files_worker(self, paths: list[Any]) -> None:
        """Upload files as ctrl+u does (the jobs panel's worker)."""
        self.jobs.upload_files(paths)

    def pickup_renders(self) -> None:
        self.jobs.pickup_renders()

    # ---- theme, keys, palette --------------------------------------------------------------
    def _apply_theme(self, name: str) -> str:
        """Set the theme by name ("ansi" = the terminal's own 16 colours); returns a warning
        for the user when the name is unknown (the default theme stays)."""
        name = THEME_ALIASES.get(name.strip().lower(), name.strip())
        if name in self.available_themes:
            self.theme = name
            return ""
        known = ", ".join(["ansi", *sorted(self.available_themes)])
        return f"Unknown theme {name!r} (--theme or theme in config.toml); using the default. Known themes: {known}."

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        if self._theme_error:
            self.notify(self._theme_error, severity="warning", timeout=8)

    def on_ready(self) -> None:
        # Textual's Ready comes with the first painted frame: the screen never waits on the network.
        if self._auto_connect:
            self.start_connect()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Animations off (the default): no input anywhere blinks its cursor, dialogs included
        # (a blink is a repaint twice a second, sent over SSH while nothing happens).
        if self.animation_level == "none" and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    async def on_event(self, event: events.Event) -> None:
        # shift+F5 as tmux 3.2, rxvt or the Linux console send it (ESC[31~, ESC[28~) reaches
        # the bindings by its F-key name (tui.ui.keys).
        if isinstance(event, events.Key) and not event.is_forwarded:
            fkey = legacy_fkey(event.key, event.character)
            if fkey is not None:
                event = events.Key(fkey, None)
        await super().on_event(event)

    def key_for(self, binding_id: str, every: bool = False) -> str:
        """The key(s) bound to ``binding_id``, honouring the user's keymap: the first, or with
        ``every`` all of them as "ctrl+e / f5"."""
        keys = self._keymap.get(binding_id) if getattr(self, "_keymap", None) else None
        if not keys:
            action = actions.BY_ID.get(binding_id)
            keys = action.keys if action is not None else ""
        names = [key.strip() for key in keys.split(",") if key.strip()]
        return " / ".join(names) if every else (names[0] if names else "")

    _key_for = key_for

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for action in actions.palette():
            keys = self.key_for(action.id, every=True)
            help_text = f"{action.help} ({keys})" if keys else action.help
            yield SystemCommand(action.palette, help_text, lambda target=action.target: self.run_action(target))
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self, action)

    # ---- the client and the session --------------------------------------------------------
    def _make_client(self) -> NemoClient:
        if self._client_factory is not None:
            client = self._client_factory()
        else:
            from tui.api.client import NemoClient

            client = NemoClient(self.settings, transport=self._transport, retry_wait=self.retry_wait)
        if self.backend == "local":  # the embedded engine also takes recordings as people have them
            from tui.contract import LOCAL_EXTENSIONS

            client.accepted_extensions = LOCAL_EXTENSIONS
        return client

    async def on_unmount(self) -> None:
        self.workers.cancel_all()  # no late answers posted to widgets that are going away
        client, self.conn.client = self.conn.client, None
        if client is not None:
            try:
                await client.aclose()
            except Exception:
                pass
        if self.conn.store is not None:
            try:
                self.conn.store.close()
            except Exception:
                pass

    def start_connect(self) -> None:
        self.connect_worker()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_worker(self) -> None:
        main = self.main
        main.post_message(m.ConnectionChanged("connecting"))
        if self.conn.client is None and self._client_factory is None:
            # httpx and pydantic take a while to import: not on the UI's time.
            import importlib

            try:
                await asyncio.to_thread(importlib.import_module, "tui.api.client")
            except Exception as error:
                main.post_message(m.ConnectionChanged("offline"))
                main.post_message(m.ChatNote(f"Could not load the client: {error}. Reinstall nemo-tui.", "error"))
                return
        from tui.api.errors import ApiError

        try:
            if self.conn.client is None:
                self.conn.client = self._make_client()
            await self.conn.client.connect()
            session, resumed = await self._open_session(self.conn.client)
            self.conn.session = session
            main.post_message(m.SessionOpened(session, resumed=resumed))
            await self._load_credits_and_state(session.session_id)
            main.post_message(m.ConnectionChanged("connected"))
            self.call_later(self.jobs.pickup_renders)  # renders left running last time
            where = "this machine's engine" if self.conn.backend == "local" else "NemoVideo"
            verb = "Resumed" if resumed else "Ready"
            main.post_message(
                m.ChatNote(
                    f"{verb}: connected to {where}, session {session.session_id}. "
                    "Paste a video link or say what you want (ctrl+p lists every action).",
                    "success",
                    record=False,  # news of this start, not of the session: never restored later
                )
            )
        except ApiError as error:
            main.post_message(m.ConnectionChanged("offline"))
            main.post_message(m.ApiFailure(error, "connecting"))
        except Exception as error:  # never crash on start-up: say it, offer the retry
            main.post_message(m.ConnectionChanged("offline"))
            main.post_message(m.ChatNote(f"Could not start: {plain_error(error)}. Press ctrl+r to try again.", "error"))

    async def _open_session(self, client: NemoClient) -> tuple[SessionInfo, bool]:
        from tui.api.errors import SessionNotFound
        from tui.api.models import SessionInfo

        store = self.conn.open_store()
        last = store.last_session(self.conn.store_key) if store is not None else None
        # --resume resumes at once; otherwise a session with something in it is offered.
        if store is not None and last is not None and (self.resume or await self.ask_resume(store, last)):
            try:
                await client.state(last.session_id)
            except SessionNotFound:
                self.main.post_message(
                    m.ChatNote("The last session no longer exists on the server; starting a new one.", "warning")
                )
            else:
                store.touch_session(self.conn.store_key, last.session_id)
                lines = store.transcript(last.session_id, limit=50)
                self.chat.post_message(m.TranscriptRestored([(line.role, line.text) for line in lines]))
                info = SessionInfo(session_id=last.session_id, task_id=last.task_id or "", user_id=last.user_id)
                return info, True
        session = await client.create_session(language=self.settings.language)
        self.conn.record_session(session)
        return session, False

    async def ask_resume(self, store: LocalStore, last: SessionRecord) -> bool:
        """The "resume or start new" question, only when the last session has a conversation or
        an unfinished export (its notes alone are not worth a question).
        Must run in a worker (it waits for the modal)."""
        from tui.ui.screens.export import ResumeScreen

        try:
            transcript = store.transcript(last.session_id)
            lines = sum(1 for line in transcript if line.role in ("user", "agent"))
            renders = sum(1 for r in store.pending_renders() if r.session_id == last.session_id)
        except Exception:
            return False
        if not lines and not renders:
            return False
        # "last used": the session's last activity (its newest line), not when it was opened
        used = max([line.at for line in transcript] + [getattr(last, "updated", 0.0) or 0.0])
        when = time.strftime("%d %b %H:%M", time.localtime(used)) if used else ""
        question = cast("Screen[Any]", ResumeScreen(last.session_id, lines, renders, when))
        return bool(await self.push_screen_wait(question))

    async def _load_credits_and_state(self, session_id: str) -> None:
        from tui.api.errors import ApiError

        client = self.conn.client
        assert client is not None
        credits, state = await asyncio.gather(client.credits(), client.state(session_id), return_exceptions=True)
        for result, doing in ((credits, "loading credits"), (state, "loading the project state")):
            if isinstance(result, ApiError):
                self.main.post_message(m.ApiFailure(result, doing))
            elif isinstance(result, BaseException):
                raise result
        if not isinstance(credits, BaseException):
            self.main.post_message(m.CreditsLoaded(credits))
        if not isinstance(state, BaseException):
            self.main.post_message(m.StateLoaded(state))

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def new_session_worker(self, replaced: bool = False) -> None:
        from tui.api.errors import ApiError

        client = self.conn.client
        if client is None:
            return
        try:
            session = await client.create_session(language=self.settings.language)
        except ApiError as error:
            self.main.post_message(m.ApiFailure(error, "starting a new session"))
            return
        self.conn.record_session(session)
        self.conn.session = session
        self.main.post_message(m.SessionOpened(session, replaced=replaced))
        if replaced:
            note = (
                f"Started a new session ({session.session_id}); the conversation above is kept here. "
                "Nothing was re-sent: send your last message again if you still want it."
            )
        else:
            note = f"New session {session.session_id}: the timeline starts empty."
        self.main.post_message(m.ChatNote(note, "success"))
        await self._load_credits_and_state(session.session_id)

    def action_new_session(self) -> None:
        if need_connection(self.chat):
            self.chat.cancel_run()
            self.new_session_worker()


def run_app(settings: Settings, backend: str = "cloud", resume: bool = False) -> None:
    """Run the full-screen app until the user quits."""
    NemoApp(settings, backend=backend, resume=resume).run()
