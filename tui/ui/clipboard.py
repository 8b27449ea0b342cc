"""One clipboard helper: OSC 52 through the terminal always (works over SSH and in tmux with
set-clipboard on), plus pyperclip when the app runs locally and a system clipboard exists."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from textual.app import App


def over_ssh(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def copy_text(app: App[Any], text: str, what: str = "text", *, env: Mapping[str, str] | None = None) -> bool:
    """Copy ``text``; returns True when pyperclip also took it. Always notifies the user."""
    app.copy_to_clipboard(text)  # OSC 52
    system = False
    if not over_ssh(env):
        try:
            import pyperclip

            pyperclip.copy(text)
            system = True
        except Exception:  # no clipboard tool on this machine (a bare server, CI): OSC 52 only
            system = False
    where = "clipboard" if system else "clipboard (through the terminal)"
    app.notify(f"Copied {what} to the {where}.", title="Copied", timeout=3)
    return system
