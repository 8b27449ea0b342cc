"""Turn ``/run_sse`` data payloads into :class:`SseEvent` objects.

Understands ADK events (camelCase and snake_case keys), the simplified
``{"type": "text"|"tool_call"|"tool_result"|"heartbeat"}`` shape, heartbeat progress,
error frames and empty ``data:`` lines. Anything else becomes a RAW event: this module
never raises on input, whatever the bytes.

The SSE framing itself is done by httpx-sse (``EventSource.aiter_sse``); :class:`StreamTap`
sits between the response and httpx-sse to note when bytes last arrived (httpx-sse drops
comment lines such as ``: ping`` silently) and whether the stream stopped in the middle of
an event (a cut connection that still closed cleanly).
"""

from __future__ import annotations

import json
import time
from typing import Any, AsyncIterator

from .errors import _secrets, redact
from .events import RAW_LIMIT, EventKind, SseEvent, make_event

_loads = json.loads
_monotonic = time.monotonic
_PARTIAL = EventKind.PARTIAL
_TEXT = EventKind.TEXT
_THOUGHT = EventKind.THOUGHT
_CALL = EventKind.CALL
_RESULT = EventKind.RESULT
_STATE = EventKind.STATE
_HEARTBEAT = EventKind.HEARTBEAT
_ERROR = EventKind.ERROR
_RAW = EventKind.RAW
_TEXT_LIMIT = 1_000_000  # characters of text kept per event (a reply is never that long)
_PENDING_LIMIT = 256 * 1024


def clip_raw(data: str) -> str:
    if len(data) > RAW_LIMIT:
        data = data[:RAW_LIMIT] + f"… ({len(data)} characters)"
    return redact(data)


def _get(obj: dict, camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value if len(value) <= _TEXT_LIMIT else value[:_TEXT_LIMIT]
    if value is None:
        return ""
    return _as_text(json.dumps(value, ensure_ascii=False, default=str)) if isinstance(value, (dict, list)) else str(value)


def _as_dict(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


class SseParser:
    """Stateful: remembers partial chunks so the final ADK aggregate is flagged ``aggregate``."""

    __slots__ = ("_partials",)

    def __init__(self) -> None:
        self._partials = 0  # partial text chunks since the last whole text

    def parse(self, data: str) -> list[SseEvent]:
        """The events carried by one SSE ``data`` payload (never raises)."""
        try:
            return self._parse(data)
        except Exception:  # noqa: BLE001 - hostile input must never escape as an exception
            return [make_event(_RAW, clip_raw(data if isinstance(data, str) else repr(data)), _monotonic())]

    def _parse(self, data: str) -> list[SseEvent]:
        at = _monotonic()
        if not data or data.isspace():
            return [make_event(_HEARTBEAT, "", at)]
        try:
            obj = _loads(data)
        except (ValueError, RecursionError):
            return [make_event(_RAW, clip_raw(data), at)]
        # The raw line for the log pane, clipped; redaction only when something looks secret.
        raw = data if len(data) <= RAW_LIMIT else data[:RAW_LIMIT] + f"… ({len(data)} characters)"
        if "nmv_" in raw or "earer" in raw or "oken=" in raw or (_secrets and _has_secret(raw)):
            raw = redact(raw)
        if not isinstance(obj, dict):
            return [make_event(_RAW, raw, at)]

        out: list[SseEvent] = []
        content = obj.get("content")
        if isinstance(content, dict):
            parts = content.get("parts")
            if isinstance(parts, list) and parts:
                self._parts(parts, obj.get("partial") is True, raw, at, out)
            kind = obj.get("type")
        else:
            kind = obj.get("type")
            if kind is not None:
                self._simple(obj, kind, content, raw, at, out)

        actions = obj.get("actions")
        if isinstance(actions, dict) and actions:
            delta = _get(actions, "stateDelta", "state_delta")
            artifacts = _get(actions, "artifactDelta", "artifact_delta")
            if delta or artifacts:
                state = dict(delta) if isinstance(delta, dict) else {}
                if artifacts:
                    state["artifact_delta"] = artifacts
                out.append(make_event(_STATE, raw, at, state_delta=state))
        elif kind is None:
            delta = _get(obj, "stateDelta", "state_delta")
            if isinstance(delta, dict) and delta:
                out.append(make_event(_STATE, raw, at, state_delta=dict(delta)))

        err_code = _get(obj, "errorCode", "error_code")
        err_msg = _get(obj, "errorMessage", "error_message")
        err = obj.get("error")
        if err_code is not None or err_msg is not None or (err and kind != "error"):
            out.append(make_event(_ERROR, raw, at, error=_error_text(err_code, err_msg, err)))

        if not out:
            out.append(make_event(_RAW, raw, at))
        return out

    def _parts(self, parts: list, partial: bool, raw: str, at: float, out: list) -> None:
        for part in parts:
            if not isinstance(part, dict):
                continue
            text = part.get("text")
            if text is not None:
                if part.get("thought") is True:
                    out.append(make_event(_THOUGHT, raw, at, text=_as_text(text)))
                elif partial:
                    self._partials += 1
                    out.append(make_event(_PARTIAL, raw, at, text=_as_text(text)))
                else:
                    aggregate = self._partials > 0
                    self._partials = 0
                    out.append(make_event(_TEXT, raw, at, text=_as_text(text), aggregate=aggregate))
                continue
            call = _get(part, "functionCall", "function_call")
            if isinstance(call, dict):
                out.append(make_event(_CALL, raw, at, name=_as_text(call.get("name")), args=_as_dict(call.get("args"))))
                continue
            resp = _get(part, "functionResponse", "function_response")
            if isinstance(resp, dict):
                out.append(make_event(_RESULT, raw, at, name=_as_text(resp.get("name")), result=resp.get("response")))

    def _simple(self, obj: dict, kind: Any, content: Any, raw: str, at: float, out: list) -> None:
        if kind == "heartbeat":
            out.append(make_event(_HEARTBEAT, raw, at, progress=_as_dict(obj.get("progress"))))
        elif kind == "text":
            text = _as_text(content if content is not None else obj.get("text"))
            if obj.get("partial") is True:
                self._partials += 1
                out.append(make_event(_PARTIAL, raw, at, text=text))
            else:
                aggregate = self._partials > 0
                self._partials = 0
                out.append(make_event(_TEXT, raw, at, text=text, aggregate=aggregate))
        elif kind == "thought":
            out.append(make_event(_THOUGHT, raw, at, text=_as_text(content if content is not None else obj.get("text"))))
        elif kind in ("tool_call", "function_call", "functionCall"):
            args = obj.get("args", obj.get("arguments"))
            out.append(make_event(_CALL, raw, at, name=_as_text(obj.get("name")), args=_as_dict(args)))
        elif kind in ("tool_result", "function_response", "functionResponse"):
            result = obj.get("result", obj.get("response"))
            out.append(make_event(_RESULT, raw, at, name=_as_text(obj.get("name")), result=result))
        elif kind == "error":
            msg = obj.get("error") or obj.get("message") or content or "the agent reported an error"
            out.append(make_event(_ERROR, raw, at, error=redact(_as_text(msg))))
        elif kind == "state":
            delta = _get(obj, "stateDelta", "state_delta")
            out.append(make_event(_STATE, raw, at, state_delta=dict(delta) if isinstance(delta, dict) else {}))


def _has_secret(raw: str) -> bool:
    for secret in tuple(_secrets):
        if secret in raw:
            return True
    return False


def _error_text(code: Any, message: Any, err: Any) -> str:
    words = []
    if code is not None:
        words.append(_as_text(code))
    if message is not None:
        words.append(_as_text(message))
    if err:
        if isinstance(err, dict):
            err = err.get("message") or err.get("error") or err
        words.append(_as_text(err))
    text = ": ".join(w for w in words if w) or "the agent reported an error"
    return redact(text[:2000])


class StreamTap:
    """Response stand-in for ``httpx_sse.EventSource``: passes the text through, noting
    the time of the last bytes and whatever follows the last blank line (an unfinished event)."""

    __slots__ = ("_response", "headers", "last_bytes_at", "_tail", "_overflow", "received")

    def __init__(self, response: Any) -> None:
        self._response = response
        self.headers = response.headers
        self.last_bytes_at = _monotonic()
        self._tail = ""
        self._overflow = False
        self.received = 0

    async def aiter_text(self) -> AsyncIterator[str]:
        async for text in self._response.aiter_text():
            self.last_bytes_at = _monotonic()
            self.received += len(text)
            if "\r" in text:
                text_n = text.replace("\r\n", "\n").replace("\r", "\n")
            else:
                text_n = text
            combined = self._tail[-1:] + text_n
            i = combined.rfind("\n\n")
            if i >= 0:
                self._tail = combined[i + 2 :]
                self._overflow = False
            elif not self._overflow:
                tail = self._tail + text_n
                if len(tail) > _PENDING_LIMIT:
                    self._overflow = True
                    tail = "x"  # only the last character matters while overflowing
                self._tail = tail
            else:
                self._tail = text_n[-1:]
            yield text

    def unfinished_event(self) -> tuple[bool, str | None]:
        """(was the stream left in the middle of an event?, that event's data if readable)."""
        if self._overflow:
            return True, None
        data_lines = []
        seen_field = False
        for line in self._tail.split("\n"):
            if not line or line.startswith(":"):
                continue
            seen_field = True
            name, _, value = line.partition(":")
            if name == "data":
                data_lines.append(value[1:] if value.startswith(" ") else value)
        if not seen_field:
            return False, None
        return True, ("\n".join(data_lines) if data_lines else None)
