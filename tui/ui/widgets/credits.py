"""The credits widget: available · frozen · total, a low-credit warning, the 2001 hint."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

LOW_CREDITS = 50  # below this an edit may not go through (about 50 per editing session)


def _number(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—"


class CreditsWidget(Static):
    """One or two lines; warning-coloured when low, with a symbol so colour is not the only signal."""

    DEFAULT_CSS = """
    CreditsWidget {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    CreditsWidget.-low { color: $text-warning; }
    CreditsWidget.-out { color: $text-error; }
    """

    def __init__(self, low_threshold: int = LOW_CREDITS, *, local: bool = False, **kwargs: Any) -> None:
        """``local``: the embedded engine's ledger (a daily allowance on this machine): the
        box says "local" and never shows a registration link."""
        self.label = "Credits (local)" if local else "Credits"
        super().__init__(f"{self.label}: loading…", markup=False, **kwargs)
        self.local = local
        self.low_threshold = low_threshold
        self.available: int | None = None
        self.frozen: int | None = None
        self.total: int | None = None
        self.hint = ""
        self._text = f"{self.label}: loading…"

    @property
    def is_low(self) -> bool:
        return self.available is not None and self.available < self.low_threshold

    def show_credits(self, credits: Any) -> None:
        """``credits`` has available/frozen/total (tui.api.models.Credits or anything alike)."""
        self.available = getattr(credits, "available", None)
        self.frozen = getattr(credits, "frozen", None)
        self.total = getattr(credits, "total", None)
        if self.total is None and self.available is not None:
            self.total = (self.available or 0) + (self.frozen or 0)
        self._draw()

    def clear_hint(self) -> None:
        """The out-of-credits hint stays until a run goes through again."""
        if self.hint:
            self.hint = ""
            self._draw()

    def show_out_of_credits(self, link: str | None, local: bool = False) -> None:
        """Code 2001: the registration link for anonymous users, else a top-up hint; on the
        local engine the allowance renews tomorrow (never a link)."""
        if local or self.local:
            self.hint = "Today's local allowance is used up; it renews tomorrow. Downloads and exports stay free."
        elif link:
            self.hint = f"Out of credits. Register to get more: {link}"
        else:
            self.hint = "Out of credits. Top up your NemoVideo account to keep editing."
        self.add_class("-out")
        self._draw()

    def show_unavailable(self, reason: str = "unavailable") -> None:
        self._set(f"{self.label}: {reason} (ctrl+r refreshes)")

    def _draw(self) -> None:
        line = (
            f"{self.label}: {_number(self.available)} available · {_number(self.frozen)} frozen"
            f" · {_number(self.total)} total"
        )
        self.set_class(self.is_low, "-low")
        if not self.hint:
            self.remove_class("-out")
        if self.is_low:
            line = "⚠ " + line + " — low"
        if self.hint:
            line += "\n" + self.hint
        self._set(line)

    def _set(self, text: str) -> None:
        self._text = text
        self.update(text)

    @property
    def text(self) -> str:
        return self._text
