"""Turn ``/run_sse`` data payloads into :class:`SseEvent` objects.

Understands ADK events (camelCase and snake_case keys), the simplified
``{"type": "text"|"tool_call"|"tool_result"|"heartbeat"}`` shape, heartbeat progress,
error frames and empty ``data:`` lines. Anything else becomes a RAW event: this module
never raises on input, whatever the bytes.

The SSE framing is done here too (:class:`SseDecoder`, the WHATWG rules, on bytes): unlike
httpx-sse 0.4 it reports comment lines (``: ping``) as heartbeats, bounds the memory an
endless line can take, tells whether the body stopped in the middle of an event (a cut
connection that still closed cleanly), and is several times faster.
"""

from __future__ import annotations

import json
import time
from typing import Any

from .errors import _other_secrets, redact
from .events import RAW_LIMIT, EventKind, SseEvent, make_event

_loads = json.loads
_scan_once: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner, without json.loads' Python layers
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
_BOM = b"\xef\xbb\xbf"
_TEXT_LIMIT = 1_000_000  # characters of text kept per event (a reply is never that long)


def clip_raw(data: str) -> str:
    if len(data) > RAW_LIMIT:
        data = data[:RAW_LIMIT] + f"… ({len(data)} characters)"
    return redact(data)


def _get(obj: dict[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value if len(value) <= _TEXT_LIMIT else value[:_TEXT_LIMIT]
    if value is None:
        return ""
    return (
        _as_text(json.dumps(value, ensure_ascii=False, default=str)) if isinstance(value, (dict, list)) else str(value)
    )


def _as_dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


class SseParser:
    """Stateful: remembers partial chunks so the final ADK aggregate is flagged ``aggregate``."""

    __slots__ = ("_partials",)

    def __init__(self) -> None:
        self._partials = 0  # partial text chunks since the last whole text

    def parse(self, data: str, suspect: bool = True, errors: bool = True) -> list[SseEvent]:
        """The events carried by one SSE ``data`` payload (never raises).

        ``suspect=False`` / ``errors=False`` are hints from :class:`SseDecoder`, which already
        knows that the bytes around this payload hold nothing secret-looking / no "rror".
        """
        try:
            return self._parse(data, suspect, errors)
        except Exception:  # noqa: BLE001 - hostile input must never escape as an exception
            return [make_event(_RAW, clip_raw(data if isinstance(data, str) else repr(data)), _monotonic())]

    def _parse(self, data: str, suspect: bool, errors: bool) -> list[SseEvent]:
        at = _monotonic()
        if not data or data.isspace():
            return [make_event(_HEARTBEAT, "", at)]
        try:
            obj, end = _scan_once(data, 0)
            if end != len(data) and not data[end:].isspace():
                raise ValueError("extra data")
        except (StopIteration, ValueError, RecursionError):
            try:  # leading whitespace, or really not JSON: json.loads decides
                obj = _loads(data)
            except (ValueError, RecursionError):
                return [make_event(_RAW, clip_raw(data), at)]
        # The raw line for the log pane, clipped; redacted when anything looks secret
        # (every registered token either starts with nmv_ or is checked for itself).
        raw = data if len(data) <= RAW_LIMIT else data[:RAW_LIMIT] + f"… ({len(data)} characters)"
        if suspect and ("nmv_" in raw or "earer" in raw or (_other_secrets and _has_secret(raw))):
            raw = redact(raw)
        if obj.__class__ is not dict:
            return [make_event(_RAW, raw, at)]

        out: list[SseEvent] = []
        content = obj.get("content")
        kind = obj.get("type")
        if content.__class__ is dict:
            parts = content.get("parts")
            if parts.__class__ is list and parts:
                self._parts(parts, obj.get("partial") is True, raw, at, out)
        elif kind is not None:
            self._simple(obj, kind, content, raw, at, out)

        actions = obj.get("actions")
        if actions:
            if actions.__class__ is dict:
                delta = actions.get("stateDelta") or actions.get("state_delta")
                artifacts = actions.get("artifactDelta") or actions.get("artifact_delta")
                if delta or artifacts:
                    state = dict(delta) if isinstance(delta, dict) else {}
                    if artifacts:
                        state["artifact_delta"] = artifacts
                    out.append(make_event(_STATE, raw, at, state_delta=state))
        elif kind is None:
            delta = obj.get("stateDelta") or obj.get("state_delta")
            if isinstance(delta, dict) and delta:
                out.append(make_event(_STATE, raw, at, state_delta=dict(delta)))

        if errors and "rror" in data:
            err_code = _get(obj, "errorCode", "error_code")
            err_msg = _get(obj, "errorMessage", "error_message")
            err = obj.get("error")
            if err_code is not None or err_msg is not None or (err and kind != "error"):
                out.append(make_event(_ERROR, raw, at, error=_error_text(err_code, err_msg, err)))

        if not out:
            code = obj.get("code")
            if isinstance(code, int) and not isinstance(code, bool) and code != 0:
                # An API envelope inside the stream ({"code":2001,"message":...}): the run failed.
                msg = obj.get("message") or obj.get("msg") or obj.get("detail") or ""
                out.append(make_event(_ERROR, raw, at, error=_error_text(code, msg or None, None)))
            else:
                out.append(make_event(_RAW, raw, at))
        return out

    def _parts(self, parts: list[Any], partial: bool, raw: str, at: float, out: list[SseEvent]) -> None:
        for part in parts:
            if part.__class__ is not dict:
                continue
            text = part.get("text")
            if text is not None:
                if text.__class__ is not str or len(text) > _TEXT_LIMIT:
                    text = _as_text(text)
                if part.get("thought") is True:
                    out.append(make_event(_THOUGHT, raw, at, text=text))
                elif partial:
                    self._partials += 1
                    out.append(make_event(_PARTIAL, raw, at, text=text))
                else:
                    aggregate = self._partials > 0
                    self._partials = 0
                    out.append(make_event(_TEXT, raw, at, text=text, aggregate=aggregate))
                continue
            call = _get(part, "functionCall", "function_call")
            if isinstance(call, dict):
                out.append(make_event(_CALL, raw, at, name=_as_text(call.get("name")), args=_as_dict(call.get("args"))))
                continue
            resp = _get(part, "functionResponse", "function_response")
            if isinstance(resp, dict):
                out.append(make_event(_RESULT, raw, at, name=_as_text(resp.get("name")), result=resp.get("response")))

    def _simple(self, obj: dict[str, Any], kind: Any, content: Any, raw: str, at: float, out: list[SseEvent]) -> None:
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
            out.append(
                make_event(_THOUGHT, raw, at, text=_as_text(content if content is not None else obj.get("text")))
            )
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


def _looks_secret(data: bytes) -> bool:
    if b"nmv_" in data or b"earer" in data:
        return True
    for secret in tuple(_other_secrets):
        if secret.encode("utf-8", "replace") in data:
            return True
    return False


def _has_secret(raw: str) -> bool:
    for secret in tuple(_other_secrets):
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


class SseDecoder:
    """Bytes of an ``text/event-stream`` body in, SseEvents out (WHATWG SSE framing).

    Unlike httpx-sse 0.4 (which silently drops them), comment lines such as ``: ping`` come
    out as HEARTBEAT events, so a keep-alive is visible. An event that grows past
    ``max_event`` bytes is reported once as a truncated RAW event and skipped (memory stays
    bounded). :meth:`close` tells whether the body stopped in the middle of an event.
    """

    __slots__ = (
        "_parser",
        "_pending",
        "_pending_len",
        "_overflow",
        "_cr",
        "_started",
        "_head",
        "max_event",
        "_suspect",
        "_errors",
    )

    def __init__(self, parser: SseParser | None = None, max_event: int = 8 * 1024 * 1024) -> None:
        self._parser = parser or SseParser()
        self._pending: list[bytes] = []
        self._pending_len = 0
        self._overflow = False
        self._cr = False  # the previous chunk ended with a CR (a CRLF may be split)
        self._started = False
        self._head = b""  # the first bytes while they may still be the start of a BOM
        self.max_event = max_event
        self._suspect = True
        self._errors = True

    def feed(self, chunk: bytes) -> list[SseEvent]:
        if not chunk:
            return []
        if not self._started:
            # The stream's start is decided on bytes, not chunks: a UTF-8 BOM (WHATWG: one
            # leading U+FEFF is skipped) may arrive split over the first reads (1+2, 2+1...).
            head = self._head + chunk
            if len(head) < len(_BOM) and _BOM.startswith(head):
                self._head = head
                return []
            self._started = True
            self._head = b""
            chunk = head[len(_BOM) :] if head.startswith(_BOM) else head
            if not chunk:
                return []
        if b"\r" in chunk or self._cr:
            if self._cr and chunk.startswith(b"\n"):
                chunk = chunk[1:]
            self._cr = chunk.endswith(b"\r")
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if not chunk:
                return []
        pending = self._pending
        if self._overflow:
            # Skipping an oversized event: look for its end only.
            joined = (pending[0] if pending else b"") + chunk
            j = joined.find(b"\n\n")
            if j < 0:
                self._pending = [joined[-1:]]
                return []
            self._overflow = False
            pending.clear()
            self._pending_len = 0
            chunk = joined[j + 2 :]
            if not chunk:
                return []
        if b"\n\n" not in chunk and not (pending and pending[-1].endswith(b"\n") and chunk.startswith(b"\n")):
            pending.append(chunk)
            self._pending_len += len(chunk)
            if self._pending_len > self.max_event:
                return self._overflowed()
            return []
        if pending:
            pending.append(chunk)
            data = b"".join(pending)
            pending.clear()
        else:
            data = chunk
        self._suspect = _looks_secret(data)
        self._errors = b"rror" in data
        blocks = data.split(b"\n\n")
        rest = blocks.pop()
        if rest:
            pending.append(rest)
        self._pending_len = len(rest)
        out: list[SseEvent] = []
        for block in blocks:
            if block:
                self._block(block, out)
        if self._pending_len > self.max_event:
            out += self._overflowed()
        return out

    def _overflowed(self) -> list[SseEvent]:
        joined = b"".join(self._pending)
        head = joined[: RAW_LIMIT * 4]
        self._pending = [joined[-1:]]
        self._pending_len = 0
        self._overflow = True
        text = head.decode("utf-8", "replace")
        # The note goes after the clipping, or a long head would cut it off.
        return [
            make_event(_RAW, clip_raw(text) + f"… (an event over {self.max_event} bytes was skipped)", _monotonic())
        ]

    def _block(self, block: bytes, out: list[SseEvent]) -> None:
        if block.startswith(b"data:") and b"\n" not in block:
            data = block[6:] if block.startswith(b"data: ") else block[5:]
        else:
            data_lines = []
            comment = b""
            for line in block.split(b"\n"):
                if not line:
                    continue
                if line.startswith(b":"):
                    comment = comment or line
                    continue
                name, _, value = line.partition(b":")
                if name == b"data":
                    data_lines.append(value[1:] if value.startswith(b" ") else value)
            if not data_lines:
                if comment:
                    out.append(make_event(_HEARTBEAT, clip_raw(comment.decode("utf-8", "replace")), _monotonic()))
                return
            data = b"\n".join(data_lines)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            out.append(make_event(_RAW, clip_raw(data.decode("utf-8", "replace")), _monotonic()))
            return
        out += self._parser.parse(text, self._suspect, self._errors)

    def close(self) -> tuple[list[SseEvent], bool]:
        """At the end of the body: (events of an unfinished last event, was one unfinished?)."""
        self._suspect = self._errors = True
        if self._head:  # the body was only the start of a BOM-like sequence: take it as data
            self._pending.append(self._head)
            self._head = b""
        if self._overflow:
            return [], True
        rest = b"".join(self._pending).strip(b"\n")
        self._pending = []
        self._pending_len = 0
        if not rest:
            return [], False
        if all(line.startswith(b":") for line in rest.split(b"\n") if line):
            return [], False  # a trailing comment is not an event
        out: list[SseEvent] = []
        if any(line.startswith(b"data") for line in rest.split(b"\n")):
            self._block(rest, out)
        return out, True
