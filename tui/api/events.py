"""Typed events of a ``/run_sse`` stream (see nemovideo-api.md, "Chat")."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .errors import redact

RAW_LIMIT = 2000  # characters of the original data line kept in SseEvent.raw
_SUMMARY_LIMIT = 100


class EventKind(StrEnum):
    PARTIAL = "partial"  # a streamed chunk of the reply: append
    TEXT = "text"  # a whole reply; with aggregate=True it replaces the streamed chunks
    THOUGHT = "thought"  # model reasoning: log only
    CALL = "call"  # the agent calls a tool
    RESULT = "result"  # a tool returned
    STATE = "state"  # actions.stateDelta / artifactDelta: refresh the state
    HEARTBEAT = "heartbeat"  # keep-alive (maybe with download/probe progress)
    ERROR = "error"  # the run failed
    RAW = "raw"  # not JSON / not understood: log only


@dataclass(frozen=True)
class SseEvent:
    kind: EventKind
    text: str = ""
    aggregate: bool = False
    name: str = ""
    args: dict[str, Any] | None = None
    result: Any = None
    state_delta: dict[str, Any] | None = None
    error: str = ""
    progress: dict[str, Any] | None = None
    raw: str = field(default="", repr=False)
    at: float = field(default_factory=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, EventKind):  # SseEvent(kind="text", ...) is fine too
            try:
                object.__setattr__(self, "kind", EventKind(self.kind))
            except ValueError:
                object.__setattr__(self, "kind", EventKind.RAW)

    def summary(self) -> str:
        """One short line for the SSE log pane (redacted, no newlines)."""
        kind = self.kind
        if kind is EventKind.PARTIAL:
            line = f"partial: {self.text}"
        elif kind is EventKind.TEXT:
            line = f"{'text (whole reply)' if self.aggregate else 'text'}: {self.text}"
        elif kind is EventKind.THOUGHT:
            line = f"thought: {self.text}"
        elif kind is EventKind.CALL:
            args = ", ".join(f"{k}={_short(v)}" for k, v in (self.args or {}).items())
            line = f"call {self.name or '?'}({args})"
        elif kind is EventKind.RESULT:
            line = f"result {self.name or '?'}: {_result_word(self.result)}"
        elif kind is EventKind.STATE:
            delta = ", ".join(f"{k}={_short(v)}" for k, v in (self.state_delta or {}).items())
            line = f"state: {delta or 'changed'}"
        elif kind is EventKind.HEARTBEAT:
            line = "heartbeat"
            if self.progress:
                line += " " + _progress_word(self.progress)
        elif kind is EventKind.ERROR:
            line = f"error: {self.error}"
        else:
            line = f"raw: {self.raw}"
        line = " ".join(redact(line).split())
        if len(line) > _SUMMARY_LIMIT:
            line = line[: _SUMMARY_LIMIT - 1] + "…"
        return line


_FIELD_DEFAULTS = {f.name: f.default for f in fields(SseEvent) if f.name not in ("kind", "at")}
_new_object = object.__new__


def make_event(kind: EventKind, raw: str, at: float, **values: Any) -> SseEvent:
    """Build an SseEvent without the frozen-dataclass ``__init__`` cost (hot path of the parser)."""
    ev = _new_object(SseEvent)
    d = ev.__dict__
    d.update(_FIELD_DEFAULTS)
    d["kind"] = kind
    d["raw"] = raw
    d["at"] = at
    if values:
        d.update(values)
    return ev


def _short(value: Any, limit: int = 30) -> str:
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _result_word(result: Any) -> str:
    if isinstance(result, dict):
        for key in ("message", "status", "error", "result"):
            if isinstance(result.get(key), (str, int, float)):
                return _short(result[key], 60)
    return _short(result, 60)


def _progress_word(progress: dict[str, Any]) -> str:
    stage = progress.get("stage") or ""
    label = progress.get("label") or ""
    percent = progress.get("percent")
    words = [str(stage), str(label)]
    if isinstance(percent, (int, float)):
        words.append(f"{percent:.0f}%")
    return " ".join(w for w in words if w)
