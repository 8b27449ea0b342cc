"""Response models: tolerant of missing keys, unknown keys, and the documented shape variants."""

from __future__ import annotations

import copy
import json
import math
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _num(value: Any) -> float | None:
    """A finite number from an int/float/numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def _int(value: Any) -> int | None:
    f = _num(value)
    if f is None or abs(f) > 1e15:
        return None
    return int(round(f))


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _first(d: dict, *keys: str) -> Any:
    for key in keys:
        value = d.get(key)
        if value is not None:
            return value
    return None


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 text or epoch seconds -> aware datetime; anything else -> None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    f = _num(value) if not isinstance(value, str) else None
    if f is not None:
        try:
            return datetime.fromtimestamp(f / 1000 if f > 1e11 else f, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            f = _num(text)
            return parse_time(f) if f is not None else None
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    return None


class TokenInfo(_Model):
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
        return _num(v)

    @field_validator("user_id", mode="before")
    @classmethod
    def _uid(cls, v: Any) -> str | None:
        return None if v is None else _str(v)

    def __str__(self) -> str:
        return repr(self)

    def valid_for(self, seconds: float = 60.0) -> bool:
        """True if the token is set and not expiring within ``seconds`` (unknown expiry = valid)."""
        if not self.token:
            return False
        if self.expires_at is None:
            return True
        return (self.expires_at - datetime.now(timezone.utc)).total_seconds() > seconds


class SessionInfo(_Model):
    task_id: str = ""
    session_id: str = ""
    user_id: str | None = None

    @field_validator("task_id", "session_id", mode="before")
    @classmethod
    def _s(cls, v: Any) -> str:
        return _str(v)

    @field_validator("user_id", mode="before")
    @classmethod
    def _uid(cls, v: Any) -> str | None:
        return None if v is None else _str(v)


class Credits(_Model):
    available: float = 0
    frozen: float = 0
    total: float = 0

    @classmethod
    def parse(cls, data: Any) -> "Credits":
        d = data if isinstance(data, dict) else {}
        available = _num(_first(d, "available", "balance", "credits")) or 0
        frozen = _num(d.get("frozen")) or 0
        total = _num(d.get("total"))
        return cls(available=available, frozen=frozen, total=available + frozen if total is None else total)


class UploadedFile(_Model):
    filename: str = ""
    file_type: str = ""
    cdn_url: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str = ""

    @classmethod
    def parse(cls, d: Any) -> "UploadedFile":
        if not isinstance(d, dict):
            return cls()
        return cls(
            filename=_str(_first(d, "filename", "file_name", "name")),
            file_type=_str(_first(d, "file_type", "fileType", "type")),
            cdn_url=_str(_first(d, "cdn_url", "cdnUrl", "url")),
            duration=_num(d.get("duration")),
            width=_int(d.get("width")),
            height=_int(d.get("height")),
            fps=_num(d.get("fps")),
            hash=_str(d.get("hash")),
        )


class UploadResult(_Model):
    files: list[UploadedFile] = Field(default_factory=list)
    session_state_applied: bool = False

    @classmethod
    def parse(cls, data: Any) -> "UploadResult":
        d = data if isinstance(data, dict) else {}
        files = d.get("files")
        if isinstance(files, dict):
            files = [files]
        applied = _first(d, "session_state_applied", "sessionStateApplied")
        return cls(
            files=[UploadedFile.parse(f) for f in files] if isinstance(files, list) else [],
            session_state_applied=bool(applied) if applied is not None else False,
        )


# --- the draft -------------------------------------------------------------------------------

TRACK_KINDS = {0: "Video", 1: "Audio", 7: "Text"}
_SUMMARY_LABEL = {"Video": "Video", "Audio": "BGM", "Text": "Title", "Other": "Other"}


class Segment(_Model):
    id: str = ""
    name: str = ""
    text: str = ""
    start_ms: int = 0
    duration_ms: int = 0
    in_ms: int = 0
    volume: float | None = None
    source: str = ""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @classmethod
    def parse(cls, d: Any) -> "Segment":
        if not isinstance(d, dict):
            return cls()
        return cls(
            id=_str(d.get("id")),
            name=_str(_first(d, "name", "title", "source_name", "filename")),
            text=_str(_first(d, "text", "content")) if not isinstance(_first(d, "text", "content"), (dict, list)) else "",
            start_ms=_int(_first(d, "s", "start_ms", "start", "startMs")) or 0,
            duration_ms=max(0, _int(_first(d, "d", "duration_ms", "duration", "durationMs")) or 0),
            in_ms=_int(_first(d, "in", "in_ms", "inMs", "in_point")) or 0,
            volume=_num(_first(d, "vol", "volume")),
            source=_str(_first(d, "src", "source", "source_id")),
        )


class Track(_Model):
    id: str = ""
    type_code: int | None = None
    name: str = ""
    segments: list[Segment] = Field(default_factory=list)

    @property
    def kind(self) -> str:
        return TRACK_KINDS.get(self.type_code, "Other") if self.type_code is not None else "Other"

    @property
    def start_ms(self) -> int:
        return min((s.start_ms for s in self.segments), default=0)

    @property
    def end_ms(self) -> int:
        return max((s.end_ms for s in self.segments), default=0)

    @classmethod
    def parse(cls, d: Any) -> "Track":
        if not isinstance(d, dict):
            return cls()
        segs = _first(d, "sg", "segments", "segs")
        return cls(
            id=_str(d.get("id")),
            type_code=_int(_first(d, "tt", "type_code", "track_type", "type")),
            name=_str(_first(d, "name", "title")),
            segments=[Segment.parse(s) for s in segs if isinstance(s, dict)] if isinstance(segs, list) else [],
        )


# The one-line summary stays one line, whatever the draft holds.
_SUMMARY_TRACKS = 20
_SUMMARY_SEGMENTS = 12
_SUMMARY_NAME = 80


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_NAME else text[: _SUMMARY_NAME - 1] + "…"


def _secs(ms: int) -> str:
    s = ms / 1000
    return f"{s:.0f}" if abs(s - round(s)) < 0.05 else f"{s:.1f}"


class Draft(_Model):
    tracks: list[Track] = Field(default_factory=list)
    duration_ms: int = 0
    meta: dict = Field(default_factory=dict)
    _wire: dict | None = PrivateAttr(default=None)

    @classmethod
    def parse(cls, obj: Any) -> "Draft":
        """A Draft from the server's short-key dict (or its JSON text); never raises."""
        try:
            if isinstance(obj, (str, bytes, bytearray)):
                obj = json.loads(obj)
            if isinstance(obj, Draft):
                return obj
            if not isinstance(obj, dict):
                return cls()
            tracks_raw = _first(obj, "t", "tracks")
            tracks = [Track.parse(t) for t in tracks_raw if isinstance(t, dict)] if isinstance(tracks_raw, list) else []
            meta = _first(obj, "m", "meta", "metadata")
            duration = _int(_first(obj, "d", "duration_ms", "duration"))
            if duration is None or duration < 0:
                duration = max((t.end_ms for t in tracks), default=0)
            draft = cls(tracks=tracks, duration_ms=duration, meta=dict(meta) if isinstance(meta, dict) else {})
            draft._wire = copy.deepcopy(obj)
            return draft
        except Exception:  # noqa: BLE001 - garbage in, empty draft out
            return cls()

    @property
    def ready_to_export(self) -> bool:
        return any(t.segments for t in self.tracks)

    def summary(self) -> str:
        """``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) ...``"""
        n = len(self.tracks)
        if not n:
            return "Timeline (0 tracks): empty"
        items = []
        for i, track in enumerate(self.tracks[:_SUMMARY_TRACKS], 1):
            label = _SUMMARY_LABEL[track.kind]
            if not track.segments:
                items.append(f"{i}. {label}: (empty)")
                continue
            span = f"{_secs(track.start_ms)}-{_secs(track.end_ms)}s"
            shown = track.segments[:_SUMMARY_SEGMENTS]
            if track.kind == "Text":
                names = [f'"{_clip(s.text or s.name)}"' for s in shown]
            else:
                names = [_clip(s.name or s.source or s.id or "clip") for s in shown]
            if len(track.segments) > len(shown):  # a hostile or huge draft: the line stays short
                names.append(f"{len(track.segments) - len(shown)} more")
            words = " + ".join(names)
            if track.kind == "Audio":
                vol = track.segments[0].volume
                if vol is not None:
                    span += f", {vol:.0f}%"
            items.append(f"{i}. {label}: {words} ({span})")
        if n > _SUMMARY_TRACKS:
            items.append(f"(+{n - _SUMMARY_TRACKS} more tracks)")
        return f"Timeline ({n} track{'s' if n != 1 else ''}): " + " ".join(items)

    def to_wire(self) -> dict:
        """The draft as the server wants it back in a render request (short keys)."""
        if self._wire is not None:
            return copy.deepcopy(self._wire)
        tracks = []
        for t in self.tracks:
            segs = []
            for s in t.segments:
                seg: dict[str, Any] = {"id": s.id, "name": s.name, "s": s.start_ms, "d": s.duration_ms, "in": s.in_ms}
                if s.source:
                    seg["src"] = s.source
                if s.text:
                    seg["text"] = s.text
                if s.volume is not None:
                    seg["vol"] = s.volume
                segs.append(seg)
            tracks.append({"id": t.id, "tt": t.type_code if t.type_code is not None else 0, "name": t.name, "sg": segs})
        return {"t": tracks, "d": self.duration_ms, "m": dict(self.meta)}


class SessionState(_Model):
    draft: Draft = Field(default_factory=Draft)
    video_infos: list = Field(default_factory=list)
    canvas_config: dict = Field(default_factory=dict)
    generated_media: list = Field(default_factory=list)
    version: int | None = None
    raw: dict = Field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, data: Any) -> "SessionState":
        d = data if isinstance(data, dict) else {}
        state = d.get("state")
        if not isinstance(state, dict):
            state = d if "draft" in d else {}
        version = _int(_first(d, "version", "draft_version")) if d else None
        if version is None and isinstance(state, dict):
            version = _int(_first(state, "version", "draft_version"))

        def as_list(v: Any) -> list:
            return v if isinstance(v, list) else []

        return cls(
            draft=Draft.parse(state.get("draft")),
            video_infos=as_list(state.get("video_infos")),
            canvas_config=state.get("canvas_config") if isinstance(state.get("canvas_config"), dict) else {},
            generated_media=as_list(state.get("generated_media")),
            version=version,
            raw=d,
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


class RenderJob(_Model):
    id: str = ""
    status: str = "pending"  # pending | processing | completed | failed | cancelled
    progress: float = 0
    output_url: str | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")

    @classmethod
    def parse(cls, body: Any, render_id: str = "") -> "RenderJob":
        """From ``{"success":true,"data":{...}}``, ``{"code":0,"data":{...}}`` or a bare object;
        ``status`` in data or at the top level; the link as data.outputUrl, output.url or
        data.output.url."""
        top = body if isinstance(body, dict) else {}
        data = top.get("data") if isinstance(top.get("data"), dict) else {}
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
        status = _str(pick("status", "state")).strip().lower() or "pending"
        status = _STATUS_MAP.get(status, status)
        progress = _num(pick("progress", "percent"))
        progress = 0.0 if progress is None else min(100.0, max(0.0, progress))
        if status == "completed":
            progress = 100.0
        error = pick("error", "errorMessage", "error_message", "failReason", "reason")
        if error is None and status == "failed":
            error = pick("message", "msg")
        if isinstance(error, dict):
            error = error.get("message") or json.dumps(error)[:500]
        return cls(
            id=_str(pick("id", "renderId", "render_id")) or render_id,
            status=status,
            progress=progress,
            output_url=_str(url) if url else None,
            error=_str(error) if error else None,
        )
