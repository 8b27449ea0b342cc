"""Undo, redo and revert over the draft versions the storage keeps (every change is a new
version row; nothing is overwritten, so an undo is itself a new version).

Pure: works on ``Storage.draft_history`` rows ``{"version", "reason"}``. Reasons written by
the agent: an edit's operation ("trim"); a later call of the same run starts with "+"
("+set_aspect"), so one request is undone as one step; "undo N", "redo", "revert".
Media added ("created", "upload", "ingest") is where undo stops: "undo" right after an upload
says there is nothing to undo rather than removing the upload.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_MEDIA = {"created", "upload", "ingest"}


def _replay(history: Iterable[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """(undo stack of versions, redo stack): the top of the undo stack is the current state."""
    stack: list[int] = []
    redo: list[int] = []
    for row in history:
        v, reason = int(row["version"]), str(row.get("reason") or "")
        word = reason.split()[0] if reason.split() else ""
        if word == "undo":
            steps = int(reason.split()[1]) if len(reason.split()) > 1 and reason.split()[1].isdigit() else 1
            for _ in range(steps):
                if len(stack) > 1:
                    redo.append(stack.pop())
        elif word == "redo":
            if redo:
                stack.append(redo.pop())
        elif reason.startswith("+") and stack:
            stack[-1] = v
            redo = []
        elif word in _MEDIA:  # media added outside the chat: undo stops there
            stack, redo = [v], []
        else:
            stack.append(v)
            redo = []
    return stack, redo


def undo_target(history: list[dict[str, Any]], steps: int = 1) -> tuple[int | None, int]:
    """The version an undo of ``steps`` restores, and how many steps it really undoes
    (fewer when the history is shorter); (None, 0) when there is nothing to undo."""
    stack, _ = _replay(history)
    n = min(max(1, steps), len(stack) - 1)
    if n <= 0:
        return None, 0
    return stack[-1 - n], n


def redo_target(history: list[dict[str, Any]]) -> int | None:
    _, redo = _replay(history)
    return redo[-1] if redo else None


def original_target(history: list[dict[str, Any]]) -> int | None:
    """The version "revert"/"start over" restores: the last one that added media (an upload
    or a fetch), before the edits after it; None when there is none."""
    edits = {"undo", "redo", "revert"}
    media = [
        int(r["version"])
        for r in history
        if str(r.get("reason") or "")
        and str(r["reason"]).split()[0] not in edits
        and not str(r["reason"]).startswith("+")
        and str(r["reason"]) != "created"
        and str(r["reason"]).split()[0] in ("upload", "ingest", "add_media", "fetch", "url")
    ]
    return media[-1] if media else None
