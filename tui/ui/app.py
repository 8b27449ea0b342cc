"""The full-screen app: chat, live SSE log, credits, timeline.

Network work runs in named exclusive async workers ("connect", "chat", "credits", "state",
"upload", "export") that post typed messages (tui.ui.messages); the handlers own the state
and touch the widgets. NemoApp is the layout, start-up, credits/state and the small actions;
the chat run lives in tui.ui.chat_flow (ChatMixin), uploads and exports in tui.ui.jobs
(JobsMixin). What to do with a message, an SSE event or an error is decided
in tui.core (router, ChatRun, recovery, timeline) and tui.api (errors): this file only shows
and asks.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any, Callable, Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from tui.config import Settings
from tui.ui import messages as m
from tui.ui.clipboard import copy_text
from tui.ui.chat_flow import ChatMixin
from tui.ui.jobs import JobsMixin
from tui.ui.widgets.chat import ChatLog, HistoryInput, WorkingIndicator
from tui.ui.widgets.credits import CreditsWidget
from tui.ui.widgets.header import StatusHeader
from tui.ui.widgets.sse_log import SseLogView
from tui.ui.widgets.timeline import TimelineView

COMPACT_WIDTH = 100
COMPACT_HEIGHT = 30
TABS = ("chat", "timeline", "log")
# "ansi" uses the terminal's own palette (Textual 8.2 calls it "ansi-dark").
THEME_ALIASES = {"ansi": "ansi-dark", "textual-ansi": "ansi-dark", "ansi-dark": "ansi-dark", "ansi-light": "ansi-light"}


def _wall_time() -> str:
    return datetime.now().strftime("%H:%M:%S")


class NemoApp(ChatMixin, JobsMixin, App[None]):
    """``NemoApp(settings, backend="local"|"cloud")``; tests pass ``transport=`` (an httpx
    transport for NemoClient) or ``client_factory=`` (a callable returning a client), and
    ``clock``/``tick_interval``/``recovery_sleep`` to run the heartbeat rules in seconds."""

    CSS_PATH = "app.tcss"
    TITLE = "nemo-tui"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+e,f5", "export", "Export", id="export", priority=True),
        Binding("shift+f5", "export_options", "Export…", id="export_options", priority=True, show=False),
        Binding("ctrl+g,shift+f9", "open_folder", "Open folder", id="open_folder", show=False),
        # F-key alternatives for ctrl-keys a terminal, tmux or ssh may keep for itself
        # (ctrl+y is "delayed suspend" on macOS/BSD ttys, ctrl+q is XON flow control).
        Binding("ctrl+u,f8", "upload", "Upload", id="upload", priority=True),
        Binding("ctrl+l", "add_url", "Add URL", id="add_url", priority=True),
        Binding("ctrl+r,f12", "refresh", "Refresh", id="refresh", priority=True),
        Binding("ctrl+y,f9", "copy", "Copy", id="copy", priority=True),
        Binding("ctrl+n", "new_session", "New session", id="new_session", priority=True, show=False),
        Binding("ctrl+t", "retry", "Retry", id="retry", priority=True, show=False),
        Binding("escape", "cancel", "Cancel", id="cancel", show=False),
        Binding("f2", "show_tab('chat')", "Chat", id="tab_chat", show=False),
        Binding("f3", "show_tab('timeline')", "Timeline", id="tab_timeline", show=False),
        Binding("f4", "show_tab('log')", "Log", id="tab_log", show=False),
        Binding("f6", "raw_events", "Raw events", id="raw_events", show=False),
        Binding("f7", "log_filter", "Log filter", id="log_filter", show=False),
        Binding("ctrl+p,f1", "command_palette", "Palette", id="command_palette", priority=True, show=False),
        Binding("ctrl+q,f10", "quit", "Quit", id="quit", priority=True),
    ]

    # name, help, action, binding id (the command palette lists every action, with its key)
    PALETTE: tuple[tuple[str, str, str, str], ...] = (
        ("Export", "Render the current draft to MP4 and download it", "export", "export"),
        ("Export with options", "Choose the resolution (highest, 1080p, 720p, 480p), then export", "export_options", "export_options"),
        ("Open the download folder", "Open the folder the exports are saved in", "open_folder", "open_folder"),
        ("Open in browser", "Copy the project's web link (no token in it) and open it", "open_web", ""),
        ("Upload files", "Upload video, image or audio files to this session", "upload", "upload"),
        ("Add URL", "Add a video by its link", "add_url", "add_url"),
        ("Refresh", "Reload the project state and credits", "refresh", "refresh"),
        ("Copy", "Copy the last link or the timeline summary", "copy", "copy"),
        ("New session", "Start a new editing session", "new_session", "new_session"),
        ("Cancel", "Cancel the running job; nothing is sent again", "cancel", "cancel"),
        ("Retry", "Send the last failed message again, on purpose", "retry", "retry"),
        ("Show chat", "Show the chat pane", "show_tab('chat')", "tab_chat"),
        ("Show timeline", "Show the timeline and credits", "show_tab('timeline')", "tab_timeline"),
        ("Show SSE log", "Show the live SSE log", "show_tab('log')", "tab_log"),
        ("Raw events", "Read the raw JSON of recent SSE events", "raw_events", "raw_events"),
        ("Filter the log", "Choose which kinds of SSE event the log shows", "log_filter", "log_filter"),
        ("Quit", "Quit nemo-tui", "quit", "quit"),
    )

    def __init__(
        self,
        settings: Settings,
        *,
        backend: str = "cloud",
        resume: bool = False,
        client_factory: Callable[[], Any] | None = None,
        transport: Any = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], str] = _wall_time,
        tick_interval: float = 1.0,
        note_every: float = 120.0,
        run_timeout: float = 600.0,
        recovery_sleep: Callable[[float], Any] | None = None,
        retry_wait: float = 30.0,
        connect: bool = True,
        export_poll_interval: float | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.backend = backend
        self.resume = resume
        self._client_factory = client_factory
        self._transport = transport
        self.clock = clock
        self.wall_clock = wall_clock
        self.tick_interval = tick_interval
        self.note_every = note_every
        self.run_timeout = run_timeout
        self.recovery_sleep = recovery_sleep
        self.retry_wait = retry_wait
        self._auto_connect = connect
        # Renders on this machine take seconds; the cloud documents polling every 10–30 s.
        self.export_poll_interval = export_poll_interval if export_poll_interval is not None else (
            1.0 if backend == "local" else 10.0
        )
        self._theme_error = ""
        if settings.theme:
            self._theme_error = self._apply_theme(settings.theme)
        import os

        if not os.environ.get("TEXTUAL_ANIMATIONS"):
            # No animations unless asked for (TEXTUAL_ANIMATIONS=full): over SSH or tmux every
            # animation frame is traffic, and an idle screen should send nothing.
            self.animation_level = "none"

        self.client: Any = None
        self.session: Any = None
        self.token_info: Any = None
        self.draft: Any = None
        self.credits: Any = None
        self.connection = "connecting"
        self.last_link: str | None = None
        self.last_link_what = "the link"
        self.store: Any = None
        self.chat_run: Any = None
        self._run_started_at = 0.0
        self._run_status = ""
        self.run_active = False
        self.retry_text: str | None = None
        self._working_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self._reply: Any = None  # the AgentMessage being streamed
        self._reply_text = ""
        self._reply_shown = ""
        self._pending_chunk = ""
        self._chunk_timer: Timer | None = None
        self._stream: Any = None
        self.tab = "chat"

    # ---- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        detail = "" if self.backend == "local" else _host(self.settings.api_url)
        yield StatusHeader(self.backend, detail, id="header")
        # The layout classes live on #main from the start (set later, they restyle only it).
        compact = self._is_compact(self.size.width, self.size.height)
        with Vertical(id="main", classes="-tab-chat" + (" -compact" if compact else "")):
            if compact:  # the tabs exist only once the terminal is small (mounted on a resize)
                yield self._make_tabs()
            yield from self._compose_body()
        yield Footer()

    def _make_tabs(self) -> Any:
        from textual.widgets import Tab, Tabs

        tabs = Tabs(
            Tab("Chat F2", id="tab-chat"),
            Tab("Timeline F3", id="tab-timeline"),
            Tab("Log F4", id="tab-log"),
            active=f"tab-{self.tab}",
            id="tabs",
        )
        return tabs

    def _compose_body(self) -> ComposeResult:
        with Horizontal(id="body"):
            with Vertical(id="chat-pane"):
                yield ChatLog(id="chat-log")
                yield WorkingIndicator(id="working")
                # the upload/export panel (tui.ui.widgets.jobs) is mounted here on first use
                yield HistoryInput(
                    placeholder="Paste a video link or say what you want · Enter sends",
                    id="chat-input",
                )
            with Vertical(id="side"):
                yield CreditsWidget(id="credits")
                yield TimelineView(id="timeline")
                yield SseLogView(id="sse-log-view")

    @property
    def chat(self) -> ChatLog:
        return self.query_one("#chat-log", ChatLog)

    @property
    def header(self) -> StatusHeader:
        return self.query_one("#header", StatusHeader)

    @property
    def sse_log(self) -> SseLogView:
        return self.query_one("#sse-log-view", SseLogView)

    @property
    def timeline(self) -> TimelineView:
        return self.query_one("#timeline", TimelineView)

    @property
    def credits_widget(self) -> CreditsWidget:
        return self.query_one("#credits", CreditsWidget)

    @property
    def store_key(self) -> str:
        """Which backend a stored session belongs to. The embedded engine listens on a new
        loopback port each start, so its sessions are keyed "local", not by address."""
        return "local" if self.backend == "local" else self.settings.api_url

    @property
    def session_id(self) -> str | None:
        return getattr(self.session, "session_id", None)

    @property
    def layout_root(self) -> Vertical:
        """#main: it carries the -compact and -tab-* classes the stylesheet switches on."""
        return self.query_one("#main", Vertical)

    def _apply_theme(self, name: str) -> str:
        """Set the theme by name ("ansi" = the terminal's own 16 colours); returns a warning
        for the user when the name is unknown (the default theme stays)."""
        name = THEME_ALIASES.get(name.strip().lower(), name.strip())
        if name in self.available_themes:
            self.theme = name
            return ""
        known = ", ".join(["ansi", *sorted(self.available_themes)])
        return f"Unknown theme {name!r} (--theme or theme in config.toml); using the default. Known themes: {known}."

    @staticmethod
    def _is_compact(width: int, height: int) -> bool:
        return width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    def on_mount(self) -> None:
        self.main_screen = self.screen
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        chat_input = self.query_one("#chat-input", Input)
        if self.animation_level == "none":
            chat_input.cursor_blink = False  # a blinking cursor repaints twice a second
        chat_input.focus()
        if self._theme_error:
            self.notify(self._theme_error, severity="warning", timeout=8)
        if self._auto_connect:
            # After the first paint: the screen never waits on the network.
            self.call_after_refresh(self.start_connect)

    def on_descendant_focus(self, event: Any) -> None:
        # Animations off (the default): no input anywhere blinks its cursor, dialogs included
        # (a blink is a repaint twice a second, sent over SSH while nothing happens).
        if self.animation_level == "none" and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_resize(self, event) -> None:
        if self.query("#main"):
            self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        compact = self._is_compact(width, height)
        root = self.layout_root
        if compact and not root.query("#tabs"):
            root.mount(self._make_tabs(), before="#body")
        root.set_class(compact, "-compact")

    @property
    def compact(self) -> bool:
        return self.layout_root.has_class("-compact")

    def action_show_tab(self, name: str) -> None:
        if name not in TABS:
            return
        self.tab = name
        root = self.layout_root
        for tab in TABS:
            root.set_class(tab == name, f"-tab-{tab}")
        for tabs in self.query("#tabs"):
            if tabs.active != f"tab-{name}":
                tabs.active = f"tab-{name}"
        if name == "chat":
            self.query_one("#chat-input").focus()
        elif name == "timeline" and self.compact:
            tree = self.timeline.tree
            self.call_after_refresh(tree.focus)

    def on_tabs_tab_activated(self, event: Any) -> None:
        if getattr(event.tabs, "id", None) != "tabs" or event.tab is None:
            return
        name = (event.tab.id or "tab-chat").removeprefix("tab-")
        if name != self.tab:
            self.action_show_tab(name)

    # ---- the command palette ---------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for title, help_text, action, binding_id in self.PALETTE:
            keys = self._key_for(binding_id, every=True)
            help_text = f"{help_text} ({keys})" if keys else help_text
            yield SystemCommand(title, help_text, lambda action=action: self.run_action(action))
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The app's ctrl-keys are priority bindings: while a modal is open they must not fire.
        if isinstance(self.screen, ModalScreen) and action in {
            "export", "upload", "add_url", "refresh", "copy", "new_session", "retry", "raw_events", "log_filter",
            "export_options", "open_folder", "open_web",
        }:
            return False
        return True

    # ---- the client ------------------------------------------------------------------
    def _make_client(self) -> Any:
        if self._client_factory is not None:
            return self._client_factory()
        from tui.api.client import NemoClient

        return NemoClient(self.settings, transport=self._transport, retry_wait=self.retry_wait)

    def _open_store(self) -> Any:
        if self.store is None:
            try:
                from tui.core.store import LocalStore

                self.store = LocalStore(self.settings.data_dir)
            except Exception:  # the record on disk is a help, never a reason not to start
                self.store = None
        return self.store

    async def on_unmount(self) -> None:
        self.workers.cancel_all()  # no late answers posted to widgets that are going away
        await self._close_client()
        if self.store is not None:
            try:
                self.store.close()
            except Exception:
                pass

    async def _close_client(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                await client.aclose()
            except Exception:
                pass

    # ---- start-up --------------------------------------------------------------------
    def start_connect(self) -> None:
        self.connect_worker()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_worker(self) -> None:
        self.post_message(m.ConnectionChanged("connecting"))
        if self.client is None and self._client_factory is None:
            # httpx and pydantic take a while to import: not on the UI's time.
            import importlib

            try:
                await asyncio.to_thread(importlib.import_module, "tui.api.client")
            except Exception as error:
                self.post_message(m.ConnectionChanged("offline"))
                self.post_message(m.ChatNote(f"Could not load the client: {error}. Reinstall nemo-tui.", "error"))
                return
        from tui.api.errors import ApiError

        try:
            if self.client is None:
                self.client = self._make_client()
            self.token_info = await self.client.connect()
            session, resumed = await self._open_session()
            self.post_message(m.SessionOpened(session, resumed=resumed))
            await self._load_credits_and_state(session.session_id)
            self.post_message(m.ConnectionChanged("connected"))
            self.call_later(self.pickup_renders)  # renders left running last time
            where = "this machine's engine" if self.backend == "local" else "NemoVideo"
            verb = "Resumed" if resumed else "Ready"
            self.post_message(
                m.ChatNote(
                    f"{verb}: connected to {where}, session {session.session_id}. "
                    "Paste a video link or say what you want (ctrl+p lists every action).",
                    "success",
                )
            )
        except ApiError as error:
            self.post_message(m.ConnectionChanged("offline"))
            self.post_message(m.ApiFailure(error, "connecting"))
        except Exception as error:  # never crash on start-up: say it, offer the retry
            self.post_message(m.ConnectionChanged("offline"))
            self.post_message(m.ChatNote(f"Could not start: {_plain(error)}. Press ctrl+r to try again.", "error"))

    async def _open_session(self) -> tuple[Any, bool]:
        from tui.api.errors import SessionNotFound
        from tui.api.models import SessionInfo

        store = self._open_store()
        last = store.last_session(self.store_key) if store is not None else None
        # --resume resumes at once; otherwise a session with something in it is offered.
        if last is not None and (self.resume or await self.ask_resume(store, last)):
            try:
                await self.client.state(last.session_id)
            except SessionNotFound:
                self.post_message(
                    m.ChatNote("The last session no longer exists on the server; starting a new one.", "warning")
                )
            else:
                store.touch_session(self.store_key, last.session_id)
                lines = store.transcript(last.session_id, limit=50)
                self.post_message(m.TranscriptRestored([(line.role, line.text) for line in lines]))
                info = SessionInfo(session_id=last.session_id, task_id=last.task_id or "", user_id=last.user_id)
                return info, True
        session = await self.client.create_session(language=self.settings.language)
        self._record_session(session)
        return session, False

    def _record_session(self, session: Any) -> None:
        store = self._open_store()
        if store is None:
            return
        try:
            store.save_session(
                self.store_key, session.session_id, task_id=session.task_id, user_id=session.user_id
            )
        except Exception:  # the record is a help; a full disk must not stop the chat
            pass

    async def _load_credits_and_state(self, session_id: str) -> None:
        from tui.api.errors import ApiError

        credits, state = await asyncio.gather(
            self.client.credits(), self.client.state(session_id), return_exceptions=True
        )
        for result, doing in ((credits, "loading credits"), (state, "loading the project state")):
            if isinstance(result, ApiError):
                self.post_message(m.ApiFailure(result, doing))
            elif isinstance(result, BaseException):
                raise result
        if not isinstance(credits, BaseException):
            self.post_message(m.CreditsLoaded(credits))
        if not isinstance(state, BaseException):
            self.post_message(m.StateLoaded(state))

    # ---- message handlers: the only place widgets change -------------------------------
    def on_connection_changed(self, message: m.ConnectionChanged) -> None:
        self.connection = message.state
        self.header.connection = message.state

    def on_session_opened(self, message: m.SessionOpened) -> None:
        self.session = message.session
        self.header.session_id = message.session.session_id
        try:
            self.last_link = self.client.web_link(message.session.task_id, message.session.session_id)
            self.last_link_what = "the project's web link"
        except Exception:
            self.last_link = None

    def on_credits_loaded(self, message: m.CreditsLoaded) -> None:
        self.credits = message.credits
        widget = next(iter(self.query("#credits").results(CreditsWidget)), None)
        if widget is None:  # a late answer while the app closes: nothing left to show it in
            return
        was_low = widget.is_low
        widget.show_credits(message.credits)
        self._back_online()
        if widget.is_low and not was_low:
            self.notify("Credits are low: an edit may not go through.", severity="warning", timeout=6)

    def on_state_loaded(self, message: m.StateLoaded) -> None:
        self.draft = getattr(message.state, "draft", None)
        self._back_online()
        self.timeline.show_draft(self.draft)

    def _back_online(self) -> None:
        """An answer arrived: a header that said the backend was gone says connected again."""
        if self.connection in ("reconnecting", "offline"):
            self.connection = self.header.connection = "connected"

    async def on_chat_note(self, message: m.ChatNote) -> None:
        await self.chat.add_note(message.text, message.kind)
        self._record_line("error" if message.kind == "error" else "note", message.text)

    async def on_transcript_restored(self, message: m.TranscriptRestored) -> None:
        if not message.lines:
            return
        await self.chat.add_note(f"Earlier in this session ({len(message.lines)} lines):")
        for role, text in message.lines:
            if role == "user":
                await self.chat.add_user(text)
            elif role == "agent":
                await self.chat.add_agent(text)
            else:
                await self.chat.add_note(text, "error" if role == "error" else "info")

    async def on_api_failure(self, message: m.ApiFailure) -> None:
        """Every API error as plain words with the next step; 2001 and 1002 also act."""
        from tui.api.errors import NetworkError, OutOfCredits, SessionNotFound
        from tui.core.errors_text import error_note

        error = message.error
        user_id = getattr(self.client, "user_id", None) if self.client is not None else None
        anonymous = None if not user_id else str(user_id).startswith("anon")
        link = None
        if isinstance(error, OutOfCredits):
            link = getattr(error, "bind_url", None)
            if not link and anonymous is not False and self.client is not None:
                try:
                    link = self.client.bind_url(user_id)
                except Exception:
                    link = None
            self.credits_widget.show_out_of_credits(link if anonymous is not False else None)
        text = error_note(error, anonymous=anonymous, bind_url=link)
        if isinstance(error, SessionNotFound) and message.doing != "connecting" and self.client is not None:
            await self.chat.add_note(text, "warning")
            self._record_line("note", text)
            self.new_session_worker(replaced=True)
            return
        if isinstance(error, NetworkError) and message.doing == "connecting":
            text += f" Press {self._key_for('refresh')} to try again."
        elif isinstance(error, NetworkError) and self.connection == "connected":
            # The backend stopped answering: the header says so until an answer arrives again.
            self.connection = self.header.connection = "offline"
            text += f" Press {self._key_for('refresh')} to check again."
        if message.doing:
            text = f"While {message.doing}: {text}"
        await self.chat.add_note(text, "error")
        self._record_line("error", text)

    def on_sse_received(self, message: m.SseReceived) -> None:
        self.sse_log.add_many(message.events, self.wall_clock())

    def _key_for(self, binding_id: str, every: bool = False) -> str:
        """The key(s) bound to ``binding_id``, honouring the user's keymap."""
        keys = self._keymap.get(binding_id) if getattr(self, "_keymap", None) else None
        if not keys:
            keys = next((b.key for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id), "")
        names = [key.strip() for key in keys.split(",") if key.strip()]
        return " / ".join(names) if every else (names[0] if names else "")

    # ---- credits / state workers -------------------------------------------------------
    @work(exclusive=True, group="credits", exit_on_error=False)
    async def credits_worker(self, announce: bool = False) -> None:
        from tui.api.errors import ApiError

        try:
            credits = await self.client.credits()
        except ApiError as error:
            self.post_message(m.ApiFailure(error, "loading credits"))
            return
        self.post_message(m.CreditsLoaded(credits))
        if announce:
            self.post_message(
                m.ChatNote(f"Credits: {credits_line(credits)}.")
            )

    @work(exclusive=True, group="state", exit_on_error=False)
    async def state_worker(self, announce: bool = False) -> None:
        from tui.api.errors import ApiError

        try:
            state = await self.client.state(self.session_id)
        except ApiError as error:
            self.post_message(m.ApiFailure(error, "loading the project state"))
            return
        self.post_message(m.StateLoaded(state))
        if announce:
            draft = state.draft
            summary = draft.summary() if getattr(draft, "tracks", None) else "The timeline is empty: nothing uploaded yet."
            self.post_message(m.ChatNote(summary))

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def new_session_worker(self, replaced: bool = False) -> None:
        from tui.api.errors import ApiError

        try:
            session = await self.client.create_session(language=self.settings.language)
        except ApiError as error:
            self.post_message(m.ApiFailure(error, "starting a new session"))
            return
        self._record_session(session)
        self.post_message(m.SessionOpened(session, replaced=replaced))
        if replaced:
            note = (
                f"Started a new session ({session.session_id}); the conversation above is kept here. "
                "Nothing was re-sent: send your last message again if you still want it."
            )
        else:
            note = f"New session {session.session_id}: the timeline starts empty."
        self.post_message(m.ChatNote(note, "success"))
        await self._load_credits_and_state(session.session_id)

    # ---- actions -----------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.client is None or self.session is None:
            self.start_connect()
            return
        self.credits_worker()
        self.state_worker()
        self.pickup_renders()  # an export whose download was cut off resumes (never followed twice)
        self.notify("Refreshing the project state and credits…", timeout=2)

    def action_new_session(self) -> None:
        if self._need_connection():
            if self.run_active:
                self.workers.cancel_group(self, "chat")
            self.new_session_worker()

    def action_copy(self) -> None:
        text, what = None, ""
        if self.last_link:
            text, what = self.last_link, self.last_link_what
        elif self.timeline.draft is not None and getattr(self.timeline.draft, "tracks", None):
            text, what = self.timeline.summary_text, "the timeline summary"
        if not text:
            self.notify("Nothing to copy yet: no link and an empty timeline.", severity="warning")
            return
        copy_text(self, text, what)

    def action_raw_events(self) -> None:
        from tui.ui.screens.modals import RawEventScreen

        self.push_screen(RawEventScreen(self.sse_log.entries))

    def action_log_filter(self) -> None:
        from tui.ui.screens.modals import LogFilterScreen

        def apply(hidden: frozenset[str] | None) -> None:
            if hidden is not None:
                self.sse_log.set_hidden_kinds(hidden)

        self.push_screen(LogFilterScreen(self.sse_log.hidden_kinds), apply)

    async def _refresh_state_quietly(self) -> Any:
        from tui.api.errors import ApiError

        try:
            state = await self.client.state(self.session_id)
        except ApiError as error:
            self.post_message(m.ApiFailure(error, "loading the project state"))
            return None
        self.post_message(m.StateLoaded(state))
        return state


# ---- helpers ----------------------------------------------------------------------------
def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


def _plain(error: BaseException) -> str:
    from tui.api.errors import redact

    text = str(error) or type(error).__name__
    return redact(text)


def credits_line(credits: Any) -> str:
    from tui.ui.widgets.credits import _number

    return (
        f"{_number(credits.available)} available · {_number(credits.frozen)} frozen · {_number(credits.total)} total"
    )


def uploaded_words(result: Any) -> str:
    files = list(getattr(result, "files", None) or [])
    if not files:
        return "✅ Added to the session."
    parts = []
    for f in files:
        words = f"{getattr(f, 'filename', None) or 'file'}"
        details = []
        if getattr(f, "duration", None):
            details.append(f"{f.duration:.1f}s")
        if getattr(f, "width", None) and getattr(f, "height", None):
            details.append(f"{f.width}×{f.height}")
        if details:
            words += f" ({', '.join(details)})"
        parts.append(words)
    return "✅ Added " + ", ".join(parts) + ". It is in the timeline now."


def run_app(settings: Settings, backend: str = "cloud", resume: bool = False) -> None:
    """Run the full-screen app until the user quits."""
    NemoApp(settings, backend=backend, resume=resume).run()
