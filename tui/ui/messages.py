"""Typed messages the workers post; the handler that owns a widget is the only code that
changes it. Each is a ``@dataclass`` Textual message, as Textual's own ``Input.Submitted``.

Where they are handled: the chat pane (``tui.ui.chat.pane.ChatPane``) takes every message that
adds a line to the conversation (notes, failures, the reply, the run lifecycle), in the order
they were posted; the main screen (``tui.ui.main_screen.MainScreen``) takes what the side
panes show (state, credits, the SSE log, the header).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from tui.api.events import SseEvent
    from tui.api.models import Credits, Draft, SessionInfo, SessionState
    from tui.core.chat import ChatRun

ConnectionState = Literal["connecting", "connected", "reconnecting", "offline"]
NoteKind = Literal["info", "success", "warning", "error"]


@dataclass
class ConnectionChanged(Message):
    """The header's connection word changed."""

    state: ConnectionState


@dataclass
class SessionOpened(Message):
    """A session is open: ``resumed`` from the local record, or ``replaced`` after a 1002."""

    session: SessionInfo
    resumed: bool = False
    replaced: bool = False


@dataclass
class CreditsLoaded(Message):
    credits: Credits


@dataclass
class StateLoaded(Message):
    state: SessionState


@dataclass
class ChatNote(Message):
    """A system note in the chat; ``record``: also kept in the session's transcript on disk."""

    text: str
    kind: NoteKind = "info"
    record: bool = True


@dataclass
class ApiFailure(Message):
    """An API error to show in plain words (with its next step) and react to (2001, 1002…);
    ``doing`` is what the app was doing ("uploading"), shown as "While uploading: …"."""

    error: BaseException
    doing: str = ""


@dataclass
class SseReceived(Message):
    """Events of the stream, in order (a batch: one message for many events)."""

    events: list[SseEvent]


@dataclass
class RunStarted(Message):
    """A run began. ``run`` is the ChatRun (read-only here: the live indicator), or None while
    the links of the message are added first (``status`` says so)."""

    run: ChatRun | None
    text: str
    status: str = ""


@dataclass
class RunStatus(Message):
    """A short "working: <tool>" status for the live indicator."""

    text: str


@dataclass
class AgentChunk(Message):
    """New text of the reply being streamed."""

    text: str


@dataclass
class AgentText(Message):
    """The whole text of the reply being shown (replaces the streamed chunks)."""

    text: str


@dataclass
class AgentFinished(Message):
    """The agent message being streamed is complete; the next chunk starts a new one."""


@dataclass
class StateCheck(Message):
    """Fetch the state (a ``state_delta`` event said it changed)."""

    reason: str
    before: Draft | None = None


@dataclass
class RunFinished(Message):
    """The run ended. ``check``: None, or the state check due (silent / timeout / cut /
    cancelled); ``before``: the draft before the run; ``text``: what the user sent (offered
    for a manual retry, never re-sent by itself)."""

    outcome: str  # finished / error / timeout / cut / cancelled / api_error
    check: str | None
    before: Draft | None
    text: str


@dataclass
class TranscriptRestored(Message):
    """The lines of a resumed session, from the local store: (role, text)."""

    lines: list[tuple[str, str]] = field(default_factory=list)
