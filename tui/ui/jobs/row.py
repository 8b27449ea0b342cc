"""One row of the jobs panel: a line of words and a ProgressBar shown while something moves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class JobRow(Horizontal):
    DEFAULT_CSS = """
    JobRow { height: auto; width: 1fr; }
    JobRow > .job-text { width: 1fr; height: auto; }
    JobRow > ProgressBar { width: 20; height: 1; }
    JobRow > ProgressBar Bar { width: 14; }
    JobRow > ProgressBar.-hidden { visibility: hidden; }
    JobRow.-done > ProgressBar, JobRow.-failed > ProgressBar { display: none; }
    JobRow.-done > .job-text { color: $success; }
    JobRow.-failed > .job-text { color: $error; }
    """

    def __init__(self, key: str, text: str) -> None:  # noqa: D107
        super().__init__(classes="job-row")
        self.key = key
        self.text = text
        self.fraction: float | None | bool = False
        self.state = "active"

    def compose(self) -> ComposeResult:
        yield Static(self.text, classes="job-text", markup=False)
        from textual.widgets import ProgressBar  # with the first row, not before the first paint

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
        from textual.widgets import ProgressBar

        labels = list(self.query(".job-text").results(Static))
        bars = list(self.query(ProgressBar).results(ProgressBar))
        if not labels or not bars:
            return  # removed meanwhile (a dropped row): nothing to show it in
        text, fraction, state = self.text, self.fraction, self.state
        labels[0].update(text)
        bar = bars[0]
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
