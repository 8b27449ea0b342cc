"""Typed messages the workers post to the app; the app's handlers own state and widgets."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ConnectionChanged(Message):
    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state  # connecting / connected / reconnecting / offline


class SessionOpened(Message):
    def __init__(self, session: Any, *, resumed: bool = False, replaced: bool = False) -> None:
        super().__init__()
        self.session = session
        self.resumed = resumed
        self.replaced = replaced  # a 1002 made us start a new one


class CreditsLoaded(Message):
    def __init__(self, credits: Any) -> None:
        super().__init__()
        self.credits = credits


class StateLoaded(Message):
    def __init__(self, state: Any) -> None:
        super().__init__()
        self.state = state


class ChatNote(Message):
    """A system note in the chat (info / success / warning / error)."""

    def __init__(self, text: str, kind: str = "info") -> None:
        super().__init__()
        self.text = text
        self.kind = kind


class ApiFailure(Message):
    """An API error to show in plain words (with its next step) and react to (2001, 1002…)."""

    def __init__(self, error: BaseException, doing: str = "") -> None:
        super().__init__()
        self.error = error
        self.doing = doing


class SseReceived(Message):
    """Events of the stream, in order (a batch: one message for many events)."""

    def __init__(self, events: list[Any]) -> None:
        super().__init__()
        self.events = events


class RunStarted(Message):
    def __init__(self, run: Any, text: str, status: str = "") -> None:
        super().__init__()
        self.run = run  # the tui.core.chat.ChatRun (read-only here: the live indicator), or
        self.text = text  # None while the links of the message are added first (``status``)
        self.status = status


class AgentFinished(Message):
    """The agent message being streamed is complete; the next chunk starts a new one."""


class StateCheck(Message):
    """Fetch the state; with ``before`` set, say in the chat what changed."""

    def __init__(self, reason: str, before: Any) -> None:
        super().__init__()
        self.reason = reason
        self.before = before


class RunStatus(Message):
    """A short "working: <tool>" status for the live indicator."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class AgentChunk(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class AgentText(Message):
    """The whole text of the reply being shown (replaces the streamed chunks)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RunFinished(Message):
    def __init__(self, outcome: str, check: str | None, before: Any, text: str) -> None:
        super().__init__()
        self.outcome = outcome  # finished / error / timeout / cut / cancelled / api_error
        self.check = check  # None, or the state check due: silent / timeout / cut / cancelled
        self.before = before  # the draft before the run
        self.text = text  # what the user sent (for a manual retry, never automatic)


class TranscriptRestored(Message):
    """The lines of a resumed session, from the local store: (role, text)."""

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lines = lines
