"""ADK-shaped events for /run_sse, field for field like Google ADK 2.x's API server writes them
(camelCase aliases, author "nemo_agent", invocationId, id, timestamp, empty action maps).
See shared/fixtures/adk/ beside the repository for recorded streams."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tui.contract import APP_NAME

AUTHOR = APP_NAME  # ADK writes the agent's (the app's) name as every event's author


def new_invocation_id() -> str:
    return f"e-{uuid.uuid4()}"


def new_call_id() -> str:
    return f"adk-{uuid.uuid4()}"


def _actions(state_delta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "stateDelta": dict(state_delta or {}),
        "artifactDelta": {},
        "requestedAuthConfigs": {},
        "requestedToolConfirmations": {},
    }


def _event(
    invocation_id: str,
    parts: list[dict[str, Any]],
    role: str,
    *,
    partial: bool = False,
    state_delta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {"content": {"parts": parts, "role": role}}
    if partial:
        event["partial"] = True
    event.update(
        invocationId=invocation_id,
        author=AUTHOR,
        actions=_actions(state_delta),
        nodeInfo={"path": ""},
        id=str(uuid.uuid4()),
        timestamp=time.time(),
    )
    return event


def text_event(invocation_id: str, text: str, *, partial: bool = False) -> dict[str, Any]:
    return _event(invocation_id, [{"text": text}], "model", partial=partial)


def call_event(invocation_id: str, call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return _event(invocation_id, [{"functionCall": {"id": call_id, "args": args, "name": name}}], "model")


def response_event(
    invocation_id: str, call_id: str, name: str, response: dict[str, Any], state_delta: dict[str, Any] | None = None
) -> dict[str, Any]:
    return _event(
        invocation_id,
        [{"functionResponse": {"id": call_id, "name": name, "response": response}}],
        "user",
        state_delta=state_delta,
    )


def heartbeat(progress: dict[str, Any] | None = None) -> dict[str, Any]:
    beat: dict[str, Any] = {"type": "heartbeat"}
    if progress is not None:
        beat["progress"] = progress
    return beat


def error_event(invocation_id: str, code: str, message: str) -> dict[str, Any]:
    return {"errorCode": code, "errorMessage": message, "invocationId": invocation_id, "author": AUTHOR}


def chunks(text: str, size: int = 40) -> list[str]:
    """Split a reply into streamed pieces on word boundaries (about ``size`` characters each)."""
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        piece = word if not current else " " + word
        if current and len(current) + len(piece) > size:
            out.append(current + " ")
            current = word
        else:
            current += piece
    if current:
        out.append(current)
    return out or [text]


def sse(data: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"
