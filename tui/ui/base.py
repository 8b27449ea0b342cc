"""What every feature widget shares: the app's typed connection and the modal rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.screen import ModalScreen

from tui.ui.actions import blocked_under_modal

if TYPE_CHECKING:
    from tui.ui.app import NemoApp

BLOCKED_UNDER_MODAL = blocked_under_modal()


def nemo_app(node: DOMNode) -> NemoApp:
    """The running NemoApp (typed)."""
    return node.app  # type: ignore[return-value]


def allowed(node: DOMNode, action: str) -> bool:
    """False for an action of the table that must not run while a dialog is open (its keys
    are priority bindings, so they would otherwise reach through the dialog)."""
    return not (isinstance(node.app.screen, ModalScreen) and action in BLOCKED_UNDER_MODAL)
