"""The chat pane: user messages, the agent's streamed Markdown replies, system notes,
a live "working…" line and the input line with history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from tui.ui.lazy import redact

if TYPE_CHECKING:
    from tui.ui.chat.reply import AgentMessage

NOTE_KINDS = ("info", "success", "warning", "error")


class UserMessage(Static):
    """What the user typed."""

    DEFAULT_CSS = """
    UserMessage {
        margin: 1 0 0 6;
        padding: 0 1;
        background: $primary 15%;
        border-left: outer $primary;
    }
    """

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.text = text


class SystemNote(Static):
    """A line from the app itself: progress notes, what an edit changed, errors."""

    DEFAULT_CSS = """
    SystemNote {
        margin: 1 2 0 2;
        padding: 0 1;
        color: $text-muted;
    }
    SystemNote.-success { color: $text-success; }
    SystemNote.-warning { color: $text-warning; }
    SystemNote.-error { color: $text-error; background: $error 10%; }
    """

    def __init__(self, text: str, kind: str = "info", **kwargs: Any) -> None:
        kind = kind if kind in NOTE_KINDS else "info"
        super().__init__(_with_symbol(text, kind), markup=False, **kwargs)
        self.text = text
        self.kind = kind
        self.add_class(f"-{self.kind}")


# Colour is never the only signal (NO_COLOR, monochrome terminals): a note that does not
# start with its own symbol gets one for its kind.
NOTE_SYMBOLS = {"success": "✓", "warning": "⚠", "error": "✖"}


def _with_symbol(text: str, kind: str) -> str:
    symbol = NOTE_SYMBOLS.get(kind)
    if not symbol or not text or not (text[0].isalnum() or text[0] in "\"'“(<"):
        return text
    return f"{symbol} {text}"


class ChatLog(VerticalScroll):
    """The conversation; anchored at the bottom while new content arrives."""

    DEFAULT_CSS = """
    ChatLog {
        height: 1fr;
        padding: 0 1 1 1;
    }
    """

    def on_mount(self) -> None:
        self.anchor()

    # Everything shown here goes through redact(): a token never reaches the screen.
    async def add_user(self, text: str) -> UserMessage:
        widget = UserMessage(redact(text))
        await self.mount(widget)
        self.anchor()
        return widget

    async def add_agent(self, text: str = "") -> AgentMessage:
        from tui.ui.chat.reply import AgentMessage

        widget = AgentMessage(redact(text))
        await self.mount(widget)
        self.anchor()
        return widget

    async def add_note(self, text: str, kind: str = "info") -> SystemNote:
        widget = SystemNote(redact(text), kind)
        await self.mount(widget)
        self.anchor()
        return widget

    def transcript(self) -> list[tuple[str, str]]:
        """(role, text) for every message, in order: what the user would read."""
        lines: list[tuple[str, str]] = []
        for child in self.children:
            if isinstance(child, UserMessage):
                lines.append(("user", child.text))
            elif type(child).__name__ == "AgentMessage":  # its module loads with the first reply
                lines.append(("agent", str(getattr(child, "text", ""))))
            elif isinstance(child, SystemNote):
                lines.append(("note", child.text))
        return lines


class WorkingIndicator(Static):
    """``⠿ working… 1m 12s · edit_multitrack`` while a run is active; hidden otherwise."""

    DEFAULT_CSS = """
    WorkingIndicator {
        height: 1;
        padding: 0 1;
        color: $text-warning;
        display: none;
    }
    WorkingIndicator.-active { display: block; }
    """

    def show_text(self, text: str) -> None:
        # tool names and progress come from the server: plain text, never markup
        self.update(Text(f"⏳ {text}  (Esc cancels)"))
        self.add_class("-active")

    def hide(self) -> None:
        self.remove_class("-active")
        self.update("")


class HistoryInput(Input):
    """The input line; up/down walk through what was sent before."""

    BINDINGS = [
        Binding("up", "history_previous", "Previous message", show=False, id="history_previous"),
        Binding("down", "history_next", "Next message", show=False, id="history_next"),
    ]

    def __init__(self, *args: Any, max_history: int = 200, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tui.ui.clipboard import over_ssh

        if over_ssh():  # no animation over SSH: a blinking cursor is a stream of repaints
            self.set_reactive(Input.cursor_blink, False)
        self.history: list[str] = []
        self._max_history = max_history
        self._position: int | None = None  # index into history while browsing
        self._draft = ""

    def remember(self, text: str) -> None:
        text = text.strip()
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
            del self.history[: -self._max_history]
        self._position = None
        self._draft = ""

    def action_history_previous(self) -> None:
        if not self.history:
            return
        if self._position is None:
            self._draft = self.value
            self._position = len(self.history) - 1
        elif self._position > 0:
            self._position -= 1
        self.value = self.history[self._position]
        self.cursor_position = len(self.value)

    def action_history_next(self) -> None:
        if self._position is None:
            return
        if self._position < len(self.history) - 1:
            self._position += 1
            self.value = self.history[self._position]
        else:
            self._position = None
            self.value = self._draft
        self.cursor_position = len(self.value)
