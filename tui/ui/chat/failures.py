"""An API error in the chat: plain words with the next step (tui.core.errors_text), and the
reactions: out of credits (2001) shows the credits hint, a vanished session (1002) starts a
new one, a network error marks the header offline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.dom import DOMNode

from tui.ui import messages as m
from tui.ui.base import nemo_app, side_panes


async def show_failure(pane: DOMNode, message: m.ApiFailure, add_note: Callable[[str, str], Awaitable[object]]) -> None:
    """Say ``message`` in the chat (through ``add_note(text, kind)``) and react to it."""
    from tui.api.errors import LOCAL_ALLOWANCE_STEP, LinkFailed, NetworkError, NotMedia, OutOfCredits, SessionNotFound
    from tui.core.errors_text import error_note

    app = nemo_app(pane)
    conn = app.conn
    error = message.error
    client = conn.client
    user_id = getattr(client, "user_id", None) if client is not None else None
    anonymous = None if not user_id else str(user_id).startswith("anon")
    link = None
    local_allowance = isinstance(error, OutOfCredits) and error.next_step == LOCAL_ALLOWANCE_STEP
    if local_allowance:  # the engine on this machine: its allowance renews, no registration
        side_panes(pane).show_out_of_credits(None, local=True)
    elif isinstance(error, OutOfCredits):
        link = getattr(error, "bind_url", None)
        if not link and anonymous is not False and client is not None:
            try:
                link = client.bind_url(user_id)
            except Exception:
                link = None
        side_panes(pane).show_out_of_credits(link if anonymous is not False else None)
    text = error_note(error, anonymous=anonymous, bind_url=link)
    if isinstance(error, SessionNotFound) and message.doing != "connecting" and client is not None:
        await add_note(text, "warning")
        app.new_session_worker(replaced=True)
        return
    if isinstance(error, NetworkError) and message.doing == "connecting":
        text += f" Press {app.key_for('refresh')} to try again."
    elif isinstance(error, NetworkError) and conn.state == "connected":
        # The backend stopped answering: the header says so until an answer arrives again.
        side_panes(pane).set_connection("offline")
        text += f" Press {app.key_for('refresh')} to check again."
    if message.doing and not isinstance(error, (LinkFailed, NotMedia)):
        # a link or file refusal is already one plain sentence naming what failed
        text = f"While {message.doing}: {text}"
    await add_note(text, "error")
