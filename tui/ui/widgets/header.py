"""The one-line header: app name, short session id, connection state, backend."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

# Every state has a symbol as well as a colour: colour is never the only signal.
CONNECTION_STATES: dict[str, tuple[str, str]] = {
    "connecting": ("◌", "Connecting…"),
    "connected": ("●", "connected · {backend}"),
    "reconnecting": ("◐", "reconnecting…"),
    "offline": ("○", "offline"),
}


def short_session_id(session_id: str | None) -> str:
    """A session id short enough for the header: the last 8 characters."""
    if not session_id:
        return "—"
    return session_id if len(session_id) <= 10 else "…" + session_id[-8:]


class StatusHeader(Widget):
    """``nemo-tui · session …15232 · ● connected · local``."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    session_id: reactive[str | None] = reactive(None)
    connection: reactive[str] = reactive("connecting")
    backend: reactive[str] = reactive("cloud")
    backend_detail: reactive[str] = reactive("")

    def __init__(self, backend: str = "cloud", backend_detail: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_reactive(StatusHeader.backend, backend)
        self.set_reactive(StatusHeader.backend_detail, backend_detail)

    @property
    def connection_text(self) -> str:
        symbol, template = CONNECTION_STATES.get(self.connection, ("?", self.connection))
        return f"{symbol} {template.format(backend=self.backend)}"

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" nemo-tui ", style="bold")
        text.append("│ ", style="dim")
        text.append(f"session {short_session_id(self.session_id)} ")
        text.append("│ ", style="dim")
        style = {
            "connected": "bold $success",
            "connecting": "$warning",
            "reconnecting": "bold $warning",
            "offline": "bold $error",
        }.get(self.connection, "")
        text.append(self.connection_text, style=self._resolve(style))
        backend = self.backend if not self.backend_detail else f"{self.backend} ({self.backend_detail})"
        text.append(" │ ", style="dim")
        text.append(f"backend: {backend}", style="dim")
        return text

    def _resolve(self, style: str) -> str:
        """Turn ``$success`` style variables into real colours from the current theme."""
        if "$" not in style:
            return style
        variables = self.app.theme_variables
        words = []
        for word in style.split():
            if word.startswith("$"):
                word = variables.get(word[1:], "")
                # The ansi theme names the terminal's own colours "ansi_yellow"; Rich calls
                # that colour "yellow".
                word = word.removeprefix("ansi_")
            if word:
                words.append(word)
        return " ".join(words)
