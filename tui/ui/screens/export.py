"""Modals of the export workflow: the export options (resolution, format) and the start-up
question "resume the last session or start a new one"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.ui.screens.modals import MODAL_CSS

RESOLUTIONS = ("draft", "highest", "1080p", "720p", "480p")
_HEIGHTS = {"2160p": 2160, "1080p": 1080, "720p": 720, "480p": 480}


@dataclass(frozen=True)
class ExportChoice:
    resolution: str = "draft"  # "draft" (as the project says), "highest", "1080p", "720p", "480p"
    fmt: str = "mp4"


def output_size(meta: dict[str, Any], resolution: str) -> tuple[int | None, int | None]:
    """The render size for a named resolution, keeping the draft's shape (a portrait draft
    at 720p is 720 wide). None, None: let the server decide (draft / highest)."""
    target = _HEIGHTS.get(resolution)
    if target is None:
        return None, None
    try:
        width, height = int(meta.get("width") or 1920), int(meta.get("height") or 1080)
    except (TypeError, ValueError):
        width, height = 1920, 1080
    if width <= 0 or height <= 0:
        width, height = 1920, 1080
    scale = target / min(width, height)

    def even(v: int) -> int:  # encoders want even sizes
        return max(2, int(round(v * scale / 2)) * 2)

    return even(width), even(height)


def describe_draft_size(meta: dict[str, Any]) -> str:
    res = str(meta.get("resolution") or "")
    if meta.get("width") and meta.get("height"):
        return f"{meta['width']}×{meta['height']}" + (f", {res}" if res else "")
    return res or "the project's size"


class ExportOptionsScreen(ModalScreen[ExportChoice | None]):
    """Pick the resolution of this export (MP4). Enter exports, Escape cancels."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    ExportOptionsScreen > Vertical.dialog { width: 64; }
    ExportOptionsScreen OptionList { height: auto; max-height: 8; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export_options_cancel")]

    def __init__(self, meta: dict[str, Any] | None = None) -> None:
        super().__init__(id="export-options")
        self.meta = dict(meta or {})

    def compose(self) -> ComposeResult:
        labels = {
            "draft": f"As the project is set ({describe_draft_size(self.meta)})",
            "highest": "Highest (the largest source's size)",
            "1080p": "1080p",
            "720p": "720p",
            "480p": "480p (smallest file)",
        }
        with Vertical(classes="dialog"):
            yield Label("Export: choose the resolution (MP4)", classes="title")
            yield OptionList(*[Option(labels[r], id=r) for r in RESOLUTIONS], id="export-resolution")
            yield Static("↑↓ choose · enter exports · Esc cancels", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def _choice(self) -> ExportChoice:
        options = self.query_one(OptionList)
        index = options.highlighted or 0
        return ExportChoice(RESOLUTIONS[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(ExportChoice(event.option.id or "draft"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self._choice() if event.button.id == "export-ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeScreen(ModalScreen[bool]):
    """ "Resume session 77…01 (12 messages, 1 render running)?" -> True resumes, False starts new."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    ResumeScreen > Vertical.dialog { width: 70; }
    """
    )
    BINDINGS = [
        Binding("escape", "new", "Start new", id="resume_cancel"),
        Binding("r", "resume", "Resume", id="resume_yes", show=False),
        Binding("n", "new", "Start new", id="resume_no", show=False),
    ]

    def __init__(self, session_id: str, lines: int, renders: int, when: str = "") -> None:
        super().__init__(id="resume-prompt")
        self.session_id = session_id
        self.lines = lines
        self.renders = renders
        self.when = when

    def compose(self) -> ComposeResult:
        details = [f"{self.lines} message{'s' if self.lines != 1 else ''}"]
        if self.renders:
            details.append(f"{self.renders} export{'s' if self.renders != 1 else ''} to finish")
        with Vertical(classes="dialog"):
            yield Label("Resume your last session?", classes="title")
            yield Static(
                f"Session {self.session_id} ({', '.join(details)})"
                + (f", last used {self.when}" if self.when else "")
                + ".",
                markup=False,
            )
            yield Static("r / enter resumes · n starts a new session · Esc starts new", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Resume", variant="primary", id="resume-yes")
                yield Button("Start new", id="resume-no")

    def on_mount(self) -> None:
        self.query_one("#resume-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "resume-yes")

    def action_resume(self) -> None:
        self.dismiss(True)

    def action_new(self) -> None:
        self.dismiss(False)
