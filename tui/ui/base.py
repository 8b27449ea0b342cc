"""What the feature widgets see of the app and of the main screen, as typed faces (Protocols),
so the features import neither (no import cycle inside tui.ui: app → main_screen → chat → jobs
→ base, never back). ``NemoApp`` and ``MainScreen`` are the real objects behind them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen

from tui.ui import messages as m
from tui.ui.actions import blocked_under_modal

if TYPE_CHECKING:
    from tui.ui.connection import Connection
    from tui.ui.timing import RunTiming

BLOCKED_UNDER_MODAL = blocked_under_modal()


class AppFace(Protocol):
    """The parts of NemoApp the features use."""

    conn: Connection
    run_timing: RunTiming
    recovery_sleep: Callable[[float], Awaitable[object]] | None
    export_poll_interval: float
    wall_clock: Callable[[], str]

    def key_for(self, binding_id: str, every: bool = False) -> str: ...

    def start_connect(self) -> None: ...

    def new_session_worker(self, replaced: bool = False) -> object: ...


class SidePanes(Protocol):
    """The parts of MainScreen the chat and the jobs use: the side panes and the header."""

    @property
    def compact(self) -> bool: ...

    def apply(self, message: m.ConnectionChanged | m.CreditsLoaded | m.StateLoaded | m.SseReceived) -> None: ...

    def set_connection(self, state: m.ConnectionState) -> None: ...

    def remember_link(self, link: str, what: str) -> None: ...

    def show_out_of_credits(self, link: str | None, local: bool = False) -> None: ...

    def clear_credits_hint(self) -> None: ...

    def action_show_tab(self, name: str) -> None: ...

    def credits_worker(self, announce: bool = False) -> object: ...

    def state_worker(self, announce: bool = False) -> object: ...


def nemo_app(node: DOMNode) -> AppFace:
    """The running NemoApp, typed by what the features use."""
    return cast(AppFace, node.app)


def side_panes(node: DOMNode) -> SidePanes:
    """The main screen ``node`` lives on."""
    return cast(SidePanes, node.screen)


def allowed(node: DOMNode, action: str) -> bool:
    """False for an action of the table that must not run while a dialog is open (its keys
    are priority bindings, so they would otherwise reach through the dialog)."""
    return not (isinstance(node.app.screen, ModalScreen) and action in BLOCKED_UNDER_MODAL)


def need_connection(node: DOMNode) -> bool:
    """True when connected; otherwise says so in the chat (and False)."""
    conn = nemo_app(node).conn
    if conn.ready:
        return True
    note = "Not connected yet: wait for \u201cReady\u201d" + (
        ", or press ctrl+r to try again." if conn.state == "offline" else "."
    )
    node.post_message(m.ChatNote(note, "warning"))
    return False
