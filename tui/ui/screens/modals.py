"""Small modals: the raw JSON of an SSE event, the log filter and the URL box (the upload
picker is in upload.py).
Each is a ``ModalScreen[T]`` closed with ``dismiss``; Escape always closes it."""

from __future__ import annotations

import json
from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.ui.widgets.sse_log import ALL_KINDS, KIND_STYLES, LogEntry

MODAL_CSS = """
ModalScreen { align: center middle; }
ModalScreen > Vertical.dialog {
    width: 90%; max-width: 110; height: auto; max-height: 90%;
    border: round $primary; background: $surface; padding: 0 1;
}
ModalScreen Label.title { text-style: bold; margin-bottom: 1; }
ModalScreen Static.hint { color: $text-muted; }
ModalScreen Horizontal.buttons { height: auto; align-horizontal: right; margin-top: 1; }
ModalScreen Horizontal.buttons Button { margin-left: 1; }
"""


def pretty_json(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return raw or "(empty data line)"


class RawEventScreen(ModalScreen[None]):
    """Pick an event from the recent ones and read its raw JSON (already redacted)."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    RawEventScreen > Vertical.dialog { height: 90%; }
    RawEventScreen OptionList { height: 1fr; min-height: 4; }
    RawEventScreen TextArea { height: 2fr; }
    """
    )
    BINDINGS = [Binding("escape", "dismiss_screen", "Close", id="raw_close")]

    def __init__(self, entries: Iterable[LogEntry]) -> None:
        super().__init__()
        self.entries = list(entries)[-200:]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Raw SSE events (newest last) · Esc closes", classes="title")
            options = [
                Option(f"{e.number:>5} {e.time} {KIND_STYLES.get(e.kind, (e.kind,))[0]:<9} {e.summary[:70]}", id=str(i))
                for i, e in enumerate(self.entries)
            ]
            yield OptionList(*options, id="raw-events")
            yield TextArea(
                pretty_json(self.entries[-1].raw) if self.entries else "No events yet.",
                read_only=True,
                language=None,
                id="raw-json",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.entries:
            options.highlighted = len(self.entries) - 1
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = int(event.option.id or 0)
        self.query_one("#raw-json", TextArea).load_text(pretty_json(self.entries[index].raw))

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)


class LogFilterScreen(ModalScreen[frozenset[str] | None]):
    """Tick the kinds of event the log shows."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    LogFilterScreen > Vertical.dialog { width: 50; }
    LogFilterScreen SelectionList { height: auto; max-height: 14; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter_cancel")]

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__()
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Show these kinds in the SSE log", classes="title")
            yield SelectionList[str](*[(kind, kind, kind not in self.hidden) for kind in ALL_KINDS], id="kinds")
            yield Static("space toggles · enter applies · Esc cancels", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def _result(self) -> frozenset[str]:
        shown = set(self.query_one(SelectionList).selected)
        return frozenset(kind for kind in ALL_KINDS if kind not in shown)

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and isinstance(self.focused, SelectionList):
            event.stop()
            self.dismiss(self._result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._result() if event.button.id == "apply" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """A one-line question (the URL box, ctrl+l)."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    PromptScreen > Vertical.dialog { width: 80%; max-width: 90; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(
        self, title: str, placeholder: str = "", hint: str = "", value: str = "", *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.placeholder = placeholder
        self.hint = hint
        self.initial = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield Input(value=self.initial, placeholder=self.placeholder, id="prompt-input")
            if self.hint:
                yield Static(self.hint, classes="hint", markup=False)
            yield Static("", id="prompt-error", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def validate(self, value: str) -> str | None:
        """An error message, or None when the value is acceptable."""
        return None if value.strip() else "Type something, or press Esc to cancel."

    def _submit(self) -> None:
        value = self.query_one(Input).value.strip()
        error = self.validate(value)
        if error:
            self.query_one("#prompt-error", Static).update(error)
            return
        self.dismiss(value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class UrlPromptScreen(PromptScreen):
    def __init__(self) -> None:
        super().__init__(
            "Add a video by its link",
            placeholder="https://…",
            hint="The link is added to this session; then say what you want done with it.",
            id="url-prompt",
        )

    def validate(self, value: str) -> str | None:
        if not value.startswith(("http://", "https://")):
            return "That is not a link: it must start with http:// or https://"
        return None
