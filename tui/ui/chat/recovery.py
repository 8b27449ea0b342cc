"""After a run that did not end with a reply: say what the agent changed (``check_state``), or,
when the stream broke, poll the state until the edit shows up (``recover``); never re-send.
The rules are tui.core.timeline.describe_changes and tui.core.recovery.recover_after_cut."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tui.ui import messages as m
from tui.ui.connection import Connection, fetch_state

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from tui.api.models import Draft, SessionState


async def check_state(target: MessagePump, conn: Connection, reason: str, before: Draft | None) -> None:
    """After a silent, timed-out or cancelled run: fetch the state and say what changed."""
    from tui.api.models import Draft
    from tui.core.timeline import describe_changes

    state = await fetch_state(target, conn, "checking what the agent changed")
    if state is None:
        return
    lines = describe_changes(before if before is not None else Draft(), state.draft)
    if lines:
        target.post_message(m.ChatNote("\n".join(lines), "success"))
    elif reason == "silent":
        target.post_message(m.ChatNote("The agent finished without a reply, and the timeline did not change."))
    else:
        target.post_message(m.ChatNote("The timeline did not change."))


async def recover(
    target: MessagePump,
    conn: Connection,
    before: Draft | None,
    sleep: Callable[[float], Awaitable[object]] | None,
    retry_key: str,
) -> None:
    """The stream broke: poll the state (30 s, then every 60 s, up to 5 times); no re-send.
    The header says "reconnecting" meanwhile; ``retry_key`` is named in the final note."""
    from tui.api.models import Draft
    from tui.core.recovery import recover_after_cut

    client, session_id = conn.client, conn.session_id
    if client is None or session_id is None:
        return
    target.post_message(m.ConnectionChanged("reconnecting"))
    reachable = [False]

    async def fetch() -> SessionState:
        state = await client.state(session_id)
        reachable[0] = True
        target.post_message(m.StateLoaded(state))
        return state

    result = await recover_after_cut(before if before is not None else Draft(), fetch, sleep=sleep or asyncio.sleep)
    target.post_message(m.ConnectionChanged("connected" if reachable[0] else "offline"))
    if result.changed:
        target.post_message(m.ChatNote(result.message, "success"))
    else:
        target.post_message(m.ChatNote(f"{result.message} ({retry_key} sends it again.)", "error"))
