"""The main screen (as posting's ``MainScreen``): the layout, the compact tabs, the side panes
(credits, timeline, SSE log) and the header, with the actions that work on them.

Roomy (120x40 and up) shows every pane; compact (below 100x30) shows one pane at a time,
switched by tabs (F2 F3 F4). The layout classes live on #main (the stylesheet switches on
them). Messages that change the side panes (state, credits, events, connection) land here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from tui.ui import messages as m
from tui.ui.base import allowed, nemo_app
from tui.ui.chat.pane import ChatPane
from tui.ui.connection import Connection, credits_line, fetch_state
from tui.ui.widgets.credits import CreditsWidget
from tui.ui.widgets.header import StatusHeader
from tui.ui.widgets.sse_log import SseLogView
from tui.ui.widgets.timeline import TimelineView

if TYPE_CHECKING:
    from textual.widgets import Tabs

COMPACT_WIDTH = 100
COMPACT_HEIGHT = 30
TABS = ("chat", "timeline", "log")


def is_compact(width: int, height: int) -> bool:
    return width < COMPACT_WIDTH or height < COMPACT_HEIGHT


class MainScreen(Screen[None]):
    """Header, body (chat pane | side panes) and footer."""

    def __init__(self) -> None:
        super().__init__()
        self.tab = "chat"
        self.last_link: str | None = None  # what ctrl+y copies
        self.last_link_what = "the link"

    def compose(self) -> ComposeResult:
        app = nemo_app(self)
        detail = "" if app.conn.backend == "local" else _host(app.conn.settings.api_url)
        yield StatusHeader(app.conn.backend, detail, id="header")
        compact = is_compact(self.app.size.width, self.app.size.height)
        with Vertical(id="main", classes="-tab-chat" + (" -compact" if compact else "")):
            if compact:  # the tabs exist only once the terminal is small (mounted on a resize)
                yield self._make_tabs()
            with Horizontal(id="body"):
                yield ChatPane(id="chat-pane")
                with Vertical(id="side"):
                    yield CreditsWidget(local=app.conn.backend == "local", id="credits")
                    yield TimelineView(id="timeline")
                    yield SseLogView(id="sse-log-view")
        yield Footer()

    def _make_tabs(self) -> Tabs:
        from textual.widgets import Tab, Tabs

        return Tabs(
            Tab("Chat F2", id="tab-chat"),
            Tab("Timeline F3", id="tab-timeline"),
            Tab("Log F4", id="tab-log"),
            active=f"tab-{self.tab}",
            id="tabs",
        )

    def on_mount(self) -> None:
        chat_input = self.query_one("#chat-input", Input)
        if self.app.animation_level == "none":
            chat_input.cursor_blink = False  # a blinking cursor repaints twice a second
        chat_input.focus()

    # ---- the parts -----------------------------------------------------------------------
    @property
    def conn(self) -> Connection:
        return nemo_app(self).conn

    @property
    def chat(self) -> ChatPane:
        return self.query_one("#chat-pane", ChatPane)

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
    def credits_view(self) -> CreditsWidget:
        return self.query_one("#credits", CreditsWidget)

    @property
    def layout_root(self) -> Vertical:
        """#main: it carries the -compact and -tab-* classes the stylesheet switches on."""
        return self.query_one("#main", Vertical)

    @property
    def compact(self) -> bool:
        return self.layout_root.has_class("-compact")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(self, action)

    # ---- layout --------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        if not self.query("#main"):
            return
        compact = is_compact(event.size.width, event.size.height)
        root = self.layout_root
        if compact and not root.query("#tabs"):
            root.mount(self._make_tabs(), before="#body")
        root.set_class(compact, "-compact")

    def action_show_tab(self, name: str) -> None:
        if name not in TABS:
            return
        self.tab = name
        root = self.layout_root
        for tab in TABS:
            root.set_class(tab == name, f"-tab-{tab}")
        for tabs in self.query("#tabs").results():
            if getattr(tabs, "active", None) != f"tab-{name}":
                tabs.active = f"tab-{name}"  # type: ignore[attr-defined]
        if name == "chat":
            self.query_one("#chat-input").focus()
        elif name == "timeline" and self.compact:
            tree = self.timeline.tree
            self.call_after_refresh(tree.focus)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if getattr(event.tabs, "id", None) != "tabs" or event.tab is None:
            return
        name = (event.tab.id or "tab-chat").removeprefix("tab-")
        if name != self.tab:
            self.action_show_tab(name)

    # ---- what the side panes show ------------------------------------------------------------
    def set_connection(self, state: m.ConnectionState) -> None:
        self.conn.state = state
        self.header.connection = state

    def apply(self, message: m.ConnectionChanged | m.CreditsLoaded | m.StateLoaded | m.SseReceived) -> None:
        """Show what a message says. Messages posted inside the chat pane are applied by it
        (through here) so that they keep their order with the lines of the conversation."""
        if isinstance(message, m.ConnectionChanged):
            self.set_connection(message.state)
        elif isinstance(message, m.CreditsLoaded):
            self._show_credits(message)
        elif isinstance(message, m.StateLoaded):
            self.conn.draft = message.state.draft
            self._back_online()
            if hasattr(self.timeline.pictures, "set_infos"):  # media durations, for waveforms
                self.timeline.pictures.set_infos(message.state.video_infos)
            self.timeline.show_draft(self.conn.draft)
        else:
            self.sse_log.add_many(message.events, nemo_app(self).wall_clock())

    def on_connection_changed(self, message: m.ConnectionChanged) -> None:
        self.apply(message)

    def on_session_opened(self, message: m.SessionOpened) -> None:
        self.conn.session = message.session
        self.header.session_id = message.session.session_id
        self.pictures_worker()
        client = self.conn.client
        if self.conn.backend == "local":  # no web page for this machine's engine: nothing to link to
            self.last_link = None
            return
        try:
            assert client is not None
            self.last_link = client.web_link(message.session.task_id, message.session.session_id)
            self.last_link_what = "the project's web link"
        except Exception:
            self.last_link = None

    def show_out_of_credits(self, link: str | None, local: bool = False) -> None:
        self.credits_view.show_out_of_credits(link, local=local)

    def clear_credits_hint(self) -> None:
        self.credits_view.clear_hint()

    def remember_link(self, link: str, what: str) -> None:
        """What ctrl+y copies from now on."""
        self.last_link, self.last_link_what = link, what

    def on_credits_loaded(self, message: m.CreditsLoaded) -> None:
        self.apply(message)

    def _show_credits(self, message: m.CreditsLoaded) -> None:
        self.conn.credits = message.credits
        widget = next(iter(self.query("#credits").results(CreditsWidget)), None)
        if widget is None:  # a late answer while the app closes: nothing left to show it in
            return
        was_low = widget.is_low
        widget.show_credits(message.credits)
        self._back_online()
        if widget.is_low and not was_low:
            self.notify("Credits are low: an edit may not go through.", severity="warning", timeout=6)

    def on_state_loaded(self, message: m.StateLoaded) -> None:
        self.apply(message)

    def _back_online(self) -> None:
        """An answer arrived: a header that said the backend was gone says connected again."""
        if self.conn.state in ("reconnecting", "offline"):
            self.set_connection("connected")

    def on_sse_received(self, message: m.SseReceived) -> None:
        self.apply(message)

    # ---- credits / state workers -----------------------------------------------------------
    @work(exclusive=True, group="credits", exit_on_error=False)
    async def credits_worker(self, announce: bool = False) -> None:
        from tui.api.errors import ApiError

        client = self.conn.client
        if client is None:
            return
        try:
            credits = await client.credits()
        except ApiError as error:
            self.chat.post_message(m.ApiFailure(error, "loading credits"))
            return
        self.post_message(m.CreditsLoaded(credits))
        if announce:
            self.chat.post_message(m.ChatNote(f"Credits: {credits_line(credits)}."))

    @work(exclusive=True, group="pictures", exit_on_error=False)
    async def pictures_worker(self) -> None:
        """Pictures in the timeline when the backend serves them (the embedded engine lists
        the "pictures" capability); the cloud keeps the bars, with a one-line hint."""
        from tui.ui.timeline.graphics import app_picture_mode
        from tui.ui.timeline.pictures import pictures_source

        mode = app_picture_mode(self.app)
        client = self.conn.client
        if mode == "off" or client is None:
            return
        source = await pictures_source(client) if self.conn.backend == "local" else None
        if source is None:  # (an engine without the extension: bars, nothing to say)
            if self.conn.backend != "local":
                self.timeline.set_hint("Thumbnails and waveforms show with the local engine (nemo-tui --local).")
            return
        self.timeline.set_pictures(source, mode)
        self.state_worker()  # the media durations (video_infos) for the waveforms

    @work(exclusive=True, group="state", exit_on_error=False)
    async def state_worker(self, announce: bool = False) -> None:
        state = await fetch_state(self, self.conn)
        if state is not None and announce:
            draft = state.draft
            summary = (
                draft.summary() if getattr(draft, "tracks", None) else "The timeline is empty: nothing uploaded yet."
            )
            self.chat.post_message(m.ChatNote(summary))

    def on_api_failure(self, message: m.ApiFailure) -> None:
        """A failure posted to the screen (by its workers) is shown in the chat, in order."""
        message.stop()
        self.chat.post_message(m.ApiFailure(message.error, message.doing))

    def on_chat_note(self, message: m.ChatNote) -> None:
        message.stop()
        self.chat.post_message(m.ChatNote(message.text, message.kind, message.record))

    # ---- actions ---------------------------------------------------------------------------
    def action_refresh(self) -> None:
        app = nemo_app(self)
        if not self.conn.ready:
            app.start_connect()
            return
        self.credits_worker()
        self.state_worker()
        self.chat.jobs.pickup_renders()  # an export whose download was cut off resumes (never followed twice)
        self.notify("Refreshing the project state and credits…", timeout=2)

    def action_copy(self) -> None:
        from tui.ui.clipboard import copy_text

        text, what = None, ""
        if self.last_link:
            text, what = self.last_link, self.last_link_what
        elif self.timeline.draft is not None and getattr(self.timeline.draft, "tracks", None):
            text, what = self.timeline.summary_text, "the timeline summary"
        if not text:
            self.notify("Nothing to copy yet: no link and an empty timeline.", severity="warning")
            return
        copy_text(self.app, text, what)

    def action_cancel(self) -> None:
        """Escape: the agent's run first, then the uploads, then the latest export."""
        if not self.chat.cancel_run():
            self.chat.jobs.cancel_latest()

    def action_raw_events(self) -> None:
        from tui.ui.screens.modals import RawEventScreen

        self.app.push_screen(RawEventScreen(self.sse_log.entries))

    def action_log_filter(self) -> None:
        from tui.ui.screens.modals import LogFilterScreen

        def apply(hidden: frozenset[str] | None) -> None:
            if hidden is not None:
                self.sse_log.set_hidden_kinds(hidden)

        self.app.push_screen(LogFilterScreen(self.sse_log.hidden_kinds), apply)


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]
