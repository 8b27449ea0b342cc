"""The upload/export panel: one row per file being uploaded and per render of the session.

A row is a line of words (state, bytes, speed, ETA, or the final path) and a ProgressBar
shown while something moves. Rows are keyed (``up:<n>:<file>``, ``render:<id or n>``) and
updated in place; the panel hides itself when it has no rows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ProgressBar, Static


class JobRow(Horizontal):
    DEFAULT_CSS = """
    JobRow { height: 1; width: 1fr; }
    JobRow > .job-text { width: 1fr; height: 1; }
    JobRow > ProgressBar { width: 20; height: 1; }
    JobRow > ProgressBar Bar { width: 14; }
    JobRow > ProgressBar.-hidden { visibility: hidden; }
    JobRow.-done > ProgressBar, JobRow.-failed > ProgressBar { display: none; }
    JobRow.-done > .job-text { color: $success; }
    JobRow.-failed > .job-text { color: $error; }
    """

    def __init__(self, key: str, text: str) -> None:
        super().__init__(classes="job-row")
        self.key = key
        self.text = text
        self.fraction: float | None | bool = False
        self.state = "active"

    def compose(self) -> ComposeResult:
        yield Static(self.text, classes="job-text", markup=False)
        bar = ProgressBar(total=100, show_eta=False, classes="-hidden")
        yield bar

    def show(self, text: str, fraction: float | None | bool, state: str) -> None:
        """``fraction``: 0..1 (a bar), None (an indeterminate bar), False (no bar). Before the
        row is mounted the latest values are kept and applied on mount (never a stale one)."""
        self.text, self.fraction, self.state = text, fraction, state
        if not self.is_mounted or not self.children:
            return
        self._apply()

    def _apply(self) -> None:
        text, fraction, state = self.text, self.fraction, self.state
        self.query_one(".job-text", Static).update(text)
        bar = self.query_one(ProgressBar)
        if fraction is False or state != "active":
            bar.add_class("-hidden")
        else:
            bar.remove_class("-hidden")
            if fraction is None:
                bar.update(total=None)
            else:
                bar.update(total=100, progress=max(0.0, min(1.0, float(fraction))) * 100)
                if not bar.size.width:  # the bar rounds to its width: set it again once laid out
                    self.call_after_refresh(self._apply)
        self.set_class(state == "done", "-done")
        self.set_class(state == "failed", "-failed")

    def on_mount(self) -> None:
        self._apply()


class JobsPanel(VerticalScroll):
    """``set_row(key, text, fraction, state)`` adds or updates a row; ``drop(key)`` removes it."""

    DEFAULT_CSS = """
    JobsPanel {
        height: auto; max-height: 9; display: none;
        border-top: solid $panel-lighten-2; padding: 0 1; scrollbar-size-vertical: 1;
        border-title-align: left; border-title-color: $text-muted;
    }
    JobsPanel.-has-rows { display: block; }
    """

    def __init__(self, hint: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.hint = hint
        self.rows: dict[str, JobRow] = {}
        self.pending: dict[str, tuple[str, float | None | bool, str]] = {}

    def on_mount(self) -> None:
        self.border_title = self.hint

    def set_hint(self, hint: str) -> None:
        self.hint = hint
        self.border_title = hint

    def set_row(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None:
        row = self.rows.get(key)
        if row is None:
            row = JobRow(key, text)
            row.show(text, fraction, state)  # kept until mounted
            self.rows[key] = row
            self.mount(row)
            self.add_class("-has-rows")
            self.scroll_end(animate=False)
            return
        row.show(text, fraction, state)

    def rename(self, old: str, new: str) -> None:
        if old in self.rows and new not in self.rows:
            row = self.rows.pop(old)
            row.key = new
            self.rows[new] = row

    def drop(self, key: str) -> None:
        row = self.rows.pop(key, None)
        if row is not None:
            row.remove()
        if not self.rows:
            self.remove_class("-has-rows")

    def texts(self) -> list[str]:
        return [row.text for row in self.rows.values()]
