"""Response models: tolerant of missing keys, unknown keys, and the documented shape variants.

The draft (tracks, segments, the one-line summary) and the session state are :mod:`draft`;
their names are re-exported here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from .draft import TRACK_KINDS, Draft, Segment, SessionState, Track
from .values import Model, first, int_, num, parse_time, str_


class TokenInfo(Model):
    token: str = Field(default="", repr=False)  # a secret: never in repr
    user_id: str | None = None
    expires_at: datetime | None = None
    credits: float | None = None

    @field_validator("expires_at", mode="before")
    @classmethod
    def _time(cls, v: Any) -> datetime | None:
        return parse_time(v)

    @field_validator("credits", mode="before")
    @classmethod
    def _credits(cls, v: Any) -> float | None:
        return num(v)

    @field_validator("user_id", mode="before")
    @classmethod
    def _uid(cls, v: Any) -> str | None:
        return None if v is None else str_(v)

    def __str__(self) -> str:
        return repr(self)

    def valid_for(self, seconds: float = 60.0) -> bool:
        """True if the token is set and not expiring within ``seconds`` (unknown expiry = valid)."""
        if not self.token:
            return False
        if self.expires_at is None:
            return True
        return (self.expires_at - datetime.now(UTC)).total_seconds() > seconds


class SessionInfo(Model):
    task_id: str = ""
    session_id: str = ""
    user_id: str | None = None

    @field_validator("task_id", "session_id", mode="before")
    @classmethod
    def _s(cls, v: Any) -> str:
        return str_(v)

    @field_validator("user_id", mode="before")
    @classmethod
    def _uid(cls, v: Any) -> str | None:
        return None if v is None else str_(v)


class Credits(Model):
    available: float = 0
    frozen: float = 0
    total: float = 0

    @classmethod
    def parse(cls, data: Any) -> Credits:
        d = data if isinstance(data, dict) else {}
        available = num(first(d, "available", "balance", "credits")) or 0
        frozen = num(d.get("frozen")) or 0
        total = num(d.get("total"))
        return cls(available=available, frozen=frozen, total=available + frozen if total is None else total)


class UploadedFile(Model):
    filename: str = ""
    file_type: str = ""
    cdn_url: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str = ""
    notes: list[str] = Field(default_factory=list)  # the engine's words about this file, to show

    @classmethod
    def parse(cls, d: Any) -> UploadedFile:
        if not isinstance(d, dict):
            return cls()
        return cls(
            filename=str_(first(d, "filename", "file_name", "name")),
            file_type=str_(first(d, "file_type", "fileType", "type")),
            cdn_url=str_(first(d, "cdn_url", "cdnUrl", "url")),
            duration=num(d.get("duration")),
            width=int_(d.get("width")),
            height=int_(d.get("height")),
            fps=num(d.get("fps")),
            hash=str_(d.get("hash")),
            notes=_texts(d.get("notes")),
        )


class UploadResult(Model):
    files: list[UploadedFile] = Field(default_factory=list)
    session_state_applied: bool = False

    @classmethod
    def parse(cls, data: Any) -> UploadResult:
        d = data if isinstance(data, dict) else {}
        files = d.get("files")
        if isinstance(files, dict):
            files = [files]
        applied = first(d, "session_state_applied", "sessionStateApplied")
        return cls(
            files=[UploadedFile.parse(f) for f in files] if isinstance(files, list) else [],
            session_state_applied=bool(applied) if applied is not None else False,
        )


_STATUS_MAP = {
    "queued": "pending",
    "waiting": "pending",
    "created": "pending",
    "submitted": "pending",
    "running": "processing",
    "rendering": "processing",
    "in_progress": "processing",
    "started": "processing",
    "complete": "completed",
    "done": "completed",
    "success": "completed",
    "succeeded": "completed",
    "finished": "completed",
    "error": "failed",
    "failure": "failed",
    "canceled": "cancelled",
}


def _texts(value: Any) -> list[str]:
    """A server's optional ``notes``: a list of non-empty strings (a lone string is one note;
    anything else is ignored)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


class RenderJob(Model):
    """A render's status. ``summary`` ("H.264/AAC MP4 · 1280x720 · 0:12 · 3.4 MB") and
    ``notes`` ("HDR was converted to SDR") are optional engine fields of ``data``, shown with
    the export's final line when present."""

    id: str = ""
    status: str = "pending"  # pending | processing | completed | failed | cancelled
    progress: float = 0
    output_url: str | None = None
    error: str | None = None
    summary: str = ""
    notes: list[str] = Field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")

    @classmethod
    def parse(cls, body: Any, render_id: str = "") -> RenderJob:
        """From ``{"success":true,"data":{...}}``, ``{"code":0,"data":{...}}`` or a bare object;
        ``status`` in data or at the top level; the link as data.outputUrl, output.url or
        data.output.url."""
        top: dict[str, Any] = body if isinstance(body, dict) else {}
        data: dict[str, Any] = inner if isinstance(inner := top.get("data"), dict) else {}
        layers = (data, top)

        def pick(*keys: str) -> Any:
            for layer in layers:
                for key in keys:
                    v = layer.get(key)
                    if v is not None and v != "":
                        return v
            return None

        url = pick("outputUrl", "output_url", "downloadUrl", "download_url", "url")
        if url is None:
            for layer in layers:
                out = layer.get("output")
                if isinstance(out, dict) and out.get("url"):
                    url = out["url"]
                    break
                if isinstance(out, str) and out.startswith(("http://", "https://", "/")):
                    url = out
                    break
        status = str_(pick("status", "state")).strip().lower() or "pending"
        status = _STATUS_MAP.get(status, status)
        progress = num(pick("progress", "percent"))
        progress = 0.0 if progress is None else min(100.0, max(0.0, progress))
        if status == "completed":
            progress = 100.0
        error = pick("error", "errorMessage", "error_message", "failReason", "reason")
        if error is None and status == "failed":
            error = pick("message", "msg")
        if isinstance(error, dict):
            error = error.get("message") or json.dumps(error)[:500]
        return cls(
            id=str_(pick("id", "renderId", "render_id")) or render_id,
            status=status,
            progress=progress,
            output_url=str_(url) if url else None,
            error=str_(error) if error else None,
            summary=summary.strip() if isinstance(summary := data.get("summary"), str) else "",
            notes=_texts(data.get("notes")),
        )


__all__ = [
    "TRACK_KINDS",
    "Credits",
    "Draft",
    "RenderJob",
    "Segment",
    "SessionInfo",
    "SessionState",
    "TokenInfo",
    "Track",
    "UploadResult",
    "UploadedFile",
    "parse_time",
]
