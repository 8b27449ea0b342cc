"""The storyboard of a finished export in the jobs panel: its frames in a row (half-blocks or
shades, sized to the panel) over the output's facts; a click or the storyboard key (F11)
opens ``StoryboardScreen``, the frames larger with their times, in the picture mode.

Frames come from the saved file (tui.core.storyboard.read_storyboard, in a thread worker)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.events import Click
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.core.storyboard import Storyboard

GAP = 1


def strip_text(board: Storyboard, width: int, mono: bool) -> Text:
    """The frames side by side in ``width`` cells (one cell between them)."""
    from tui.ui.timeline.cells import halfblock_rows

    count = len(board.frames)
    if not count:
        return Text("")
    cols = max(2, (width - GAP * (count - 1)) // count)
    first = board.frames[0][1]
    rows = max(1, min(3, round(cols * first.height / max(1, first.width) / 2)))
    pictures = [halfblock_rows(image, cols, rows, mono) for _t, image in board.frames]
    text = Text(no_wrap=True, overflow="crop")
    for row in range(rows):
        if row:
            text.append("\n")
        for index, cells in enumerate(pictures):
            if index:
                text.append(" " * GAP)
            for char, style in cells[row]:
                text.append(char, style)
    return text


class StoryboardStrip(Vertical):
    """One export's storyboard under its row: ``board`` (a Storyboard), ``mono`` (shades)."""

    DEFAULT_CSS = """
    StoryboardStrip { height: auto; padding: 0 0 0 2; }
    StoryboardStrip > .storyboard-frames { height: auto; }
    StoryboardStrip > .storyboard-facts { height: 1; color: $text-muted; }
    """

    def __init__(self, board: Storyboard, mono: bool, hint: str, **kwargs: Any) -> None:
        super().__init__(classes="storyboard", **kwargs)
        self.board, self.mono, self.hint = board, mono, hint
        self._drawn_width = 0

    def compose(self) -> ComposeResult:
        yield Static("", classes="storyboard-frames")
        facts = self.board.facts()
        yield Static(Text(f"{facts} · {self.hint}" if facts else self.hint), classes="storyboard-facts")

    def on_resize(self) -> None:
        width = self.content_size.width
        if width and width != self._drawn_width:  # scaled once per width, not per repaint
            self._drawn_width = width
            self.query_one(".storyboard-frames", Static).update(strip_text(self.board, width, self.mono))

    def on_click(self, event: Click) -> None:
        open_storyboard(self.app, self.board)


def start_storyboard(panel: Any, key: str, path: Path) -> None:
    """Read the storyboard of the export saved at ``path`` (row ``key``) in a thread; the
    panel gets a ``StoryboardReady`` (nothing without PyAV or when the file has no picture)."""
    from tui.core.storyboard import read_storyboard, title_spans
    from tui.ui.jobs.host import StoryboardReady

    spans = title_spans(panel.conn.draft)

    def read() -> None:
        try:
            board = read_storyboard(path, spans)
        except (OSError, ImportError):
            return
        if board.frames:
            panel.post_message(StoryboardReady(key, board))

    panel.run_worker(read, thread=True, group="storyboard", exit_on_error=False)


def show_storyboard(panel: Any, key: str, board: Storyboard) -> None:
    """Put ``board`` under the row ``key`` (the latest export's only: the panel stays short)."""
    row = panel.rows.get(key)
    if row is None:
        return
    for old in panel.query(".storyboard"):
        old.remove()
    panel.storyboard = board
    hint = f"{panel.app.key_for('storyboard')}: larger"
    panel.mount(StoryboardStrip(board, panel.app.no_color, hint), after=row)
    panel.call_after_refresh(panel.scroll_end, animate=False)


def open_storyboard(app: Any, board: Storyboard | None) -> None:
    """The storyboard dialog for ``board``, or a note that there is none yet."""
    from tui.ui.timeline.graphics import app_picture_mode

    if board is None or not board.frames:
        app.notify("No storyboard yet: it appears when an export finishes.", severity="warning")
        return
    app.push_screen(StoryboardScreen(board, app_picture_mode(app)))


class StoryboardScreen(ModalScreen[None]):
    """The storyboard larger: the frames in a grid (3 by 2), each with its time; Escape closes."""

    DEFAULT_CSS = """
    StoryboardScreen { align: center middle; }
    StoryboardScreen > #storyboard-box {
        width: 96%; height: auto; max-height: 96%; border: round $primary; padding: 0 1;
        background: $surface;
    }
    StoryboardScreen #storyboard-grid { grid-size: 3; grid-gutter: 0 1; height: auto; }
    StoryboardScreen .storyboard-cell { height: auto; width: 1fr; }
    StoryboardScreen .storyboard-time { height: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "dismiss_box", "Close", id="storyboard_close")]

    def __init__(self, board: Storyboard, mode: str) -> None:
        super().__init__()
        self.board, self.mode = board, mode

    def compose(self) -> ComposeResult:
        from tui.core.timeline import format_ms
        from tui.ui.timeline.graphics import picture_widget

        width = max(30, self.app.size.width * 96 // 100 - 6)
        cols = max(8, (width - 2) // 3)
        first = self.board.frames[0][1] if self.board.frames else None
        rows = max(2, round(cols * first.height / max(1, first.width) / 2)) if first else 2
        rows = min(rows, max(3, (self.app.size.height - 10) // 2 - 1))
        with Vertical(id="storyboard-box") as box:
            box.border_title = Text(self.board.path.name).markup
            box.border_subtitle = "Esc closes"
            yield Static(Text(self.board.facts()), id="storyboard-facts")
            with Grid(id="storyboard-grid"):
                for index, (t, image) in enumerate(self.board.frames):
                    with Vertical(classes="storyboard-cell"):
                        yield picture_widget(image, cols, rows, self.mode)
                        label = f"{format_ms(t * 1000)}" + (" · title" if index == self.board.title_index else "")
                        yield Static(label, classes="storyboard-time", markup=False)

    def action_dismiss_box(self) -> None:
        self.dismiss(None)
