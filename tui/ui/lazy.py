"""Late imports for the first paint: tui.api and tui.core (httpx, pydantic) load only once
something needs them, after the screen is up (``nemo-tui`` paints before any of that)."""

from __future__ import annotations


def redact(text: str) -> str:
    """tui.api.errors.redact, imported on first use."""
    from tui.api.errors import redact as _redact

    return _redact(text)
