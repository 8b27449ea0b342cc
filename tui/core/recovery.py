"""After the agent's stream broke: find out what the run did, without re-sending anything.

Policy (nemovideo-api.md, "Disconnects"): wait 30 s, fetch the state, then fetch it every
60 s; as soon as the draft differs from the one before the run, report what changed; after
5 polls with no change, report the failure and offer a manual retry (a re-send may charge
credits twice, so only the user decides).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.api.errors import ApiError, redact
from tui.api.models import Draft, SessionState

from .timeline import describe_changes

FIRST_WAIT_S = 30.0
INTERVAL_S = 60.0
MAX_POLLS = 5


@dataclass(frozen=True)
class RecoveryResult:
    changed: bool
    lines: list[str]  # describe_changes lines ("✅ ...") when changed
    message: str  # the chat note: "changed: ..." or the failure with the retry offer
    polls: int
    draft: Draft | None = None  # the last draft fetched (None if every poll failed)
    errors: list[str] = field(default_factory=list)  # plain-words poll errors, if any

    @property
    def outcome(self) -> str:
        return "changed" if self.changed else "failed"


def _as_draft(value: Any) -> tuple[Draft, int | None]:
    if isinstance(value, SessionState):
        return value.draft, value.version
    if isinstance(value, Draft):
        return value, None
    if isinstance(value, dict) and "draft" in value:
        state = SessionState.parse(value)
        return state.draft, state.version
    return Draft.parse(value), None


async def recover_after_cut(
    before: Draft | Any,
    fetch_state: Callable[[], Awaitable[Any]],
    *,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    first_wait: float = FIRST_WAIT_S,
    interval: float = INTERVAL_S,
    max_polls: int = MAX_POLLS,
    before_version: int | None = None,
    on_poll: Callable[[int, bool], Any] | None = None,
) -> RecoveryResult:
    """Poll the state until the draft changes or ``max_polls`` unchanged polls have passed.

    ``fetch_state`` returns a SessionState, a Draft, or the raw state dict. A poll that
    raises an ApiError/OSError counts as unchanged (the network may still be down).
    ``on_poll(number, changed)`` is called after each poll (sync or async)."""
    before_draft, _ = _as_draft(before)
    before_wire = before_draft.to_wire()
    polls = 0
    last: Draft | None = None
    errors: list[str] = []
    while polls < max_polls:
        await sleep(first_wait if polls == 0 else interval)
        polls += 1
        changed = False
        lines: list[str] = []
        try:
            after, version = _as_draft(await fetch_state())
        except (TimeoutError, ApiError, OSError) as exc:
            errors.append(redact(str(exc)))
        else:
            last = after
            lines = describe_changes(before_draft, after)
            version_moved = before_version is not None and version is not None and version != before_version
            if lines or after.to_wire() != before_wire or version_moved:
                changed = True
                if not lines:
                    lines = ["✅ The project changed (see the timeline pane)."]
        if on_poll is not None:
            result = on_poll(polls, changed)
            if inspect.isawaitable(result):
                await result
        if changed:
            message = "The agent finished after the connection dropped — changed:\n" + "\n".join(lines)
            return RecoveryResult(True, lines, message, polls, last, errors)
    minutes = (first_wait + interval * (max_polls - 1)) / 60
    message = (
        f"❌ The connection dropped and the project did not change in {minutes:.0f} min "
        f"({polls} checks) — the request failed. Nothing was re-sent: send your message again "
        "to retry (it may use credits again)."
    )
    return RecoveryResult(False, [], message, polls, last, errors)


__all__ = ["RecoveryResult", "recover_after_cut"]
