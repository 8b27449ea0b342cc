"""The draft: tracks of segments, read tolerantly, and its one-line summary.

The service's draft uses short keys (``t`` tracks, ``tt`` track type, ``sg`` segments, ``d``
duration in ms, ``m`` metadata: nemovideo-api.md, "State"); long aliases are read too, and a
text segment's words are looked for under every plausible key, nested ones included
(:func:`find_text`). Nothing here raises on odd input.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from pydantic import Field, PrivateAttr

from .values import Model, first, int_, num, str_

TRACK_KINDS = {0: "Video", 1: "Audio", 7: "Text"}
_SUMMARY_LABEL = {"Video": "Video", "Audio": "BGM", "Text": "Title", "Other": "Other"}


# Where a segment's words may be, in order (the service's draft format is only partly documented).
TEXT_KEYS = (
    "text",
    "content",
    "txt",
    "caption",
    "subtitle",
    "title",
    "label",
    "value",
    "words",
    "string",
    "display_text",
    "displayText",
    "body",
    "message",
)
_NAME_KEYS = ("name", "title", "source_name", "sourceName", "filename", "file_name", "fileName")
_SOURCE_KEYS = ("src", "source", "source_id", "sourceId", "media_id", "mediaId")
_DEPTH = 4
# Internal ids are never user content: "seg_a44b7d68", "trk-0f3a9c21", a UUID, a long hex string.
_ID_RE = re.compile(
    r"^(?:[a-z]{2,12}_(?=[a-z0-9]*\d)[a-z0-9]{6,}|[a-z]{2,12}-[0-9a-f]{8,}"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$",
    re.IGNORECASE,
)


def looks_like_id(value: str) -> bool:
    """True for an internal identifier (``seg_a44b7d68``, a UUID...), which is never shown as content."""
    return bool(_ID_RE.match(value.strip()))


def _usable(value: Any, *ids: str) -> str:
    """``value`` as user text, or "" when it is not a string, blank, or an id."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or looks_like_id(text) or text in ids:
        return ""
    return text


def find_text(obj: Any, ids: tuple[str, ...] = (), depth: int = 0) -> str:
    """The words a text segment shows, wherever the draft keeps them: a string under one of
    :data:`TEXT_KEYS`, else nested (``{"text": {"content": ...}}``, ``{"style": {...}, "data":
    {"text": ...}}``, ``{"parts": [{"text": ...}]}``), at most four levels down; "" if none."""
    if depth > _DEPTH:
        return ""
    if isinstance(obj, list):
        found = [
            find_text(item, ids, depth + 1) if not isinstance(item, str) else _usable(item, *ids) for item in obj[:50]
        ]
        return " ".join(t for t in found if t)
    if not isinstance(obj, dict):
        return ""
    for key in TEXT_KEYS:
        text = _usable(obj.get(key), *ids)
        if text:
            return text
    for key in TEXT_KEYS:  # {"text": {"content": "..."}} before unrelated containers
        value = obj.get(key)
        if isinstance(value, (dict, list)):
            text = find_text(value, ids, depth + 1)
            if text:
                return text
    for key, value in obj.items():
        if key not in TEXT_KEYS and isinstance(value, (dict, list)):
            text = find_text(value, ids, depth + 1)
            if text:
                return text
    return ""


class Segment(Model):
    """One item on a track. ``text`` is the words a text segment shows ("" when the draft has
    none: say "a title", never its id); ``name`` a clip's name; times in milliseconds."""

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

    @property
    def title(self) -> str:
        """A text segment for people: ``"Paradise Found"`` (quoted) or ``a title`` (no words known)."""
        words = self.text or self.name
        return f'"{words}"' if words else "a title"

    @property
    def clip_name(self) -> str:
        """A clip for people: its name, else its source, else ``a clip`` (never an internal id)."""
        return self.name or _usable(self.source) or "a clip"

    @classmethod
    def parse(cls, d: Any) -> Segment:
        if not isinstance(d, dict):
            return cls()
        seg_id = str_(d.get("id"))
        source = str_(first(d, *_SOURCE_KEYS))
        ids = (seg_id, source) if source else (seg_id,)
        return cls(
            id=seg_id,
            name=next((n for n in (_usable(d.get(k), *ids) for k in _NAME_KEYS) if n), ""),
            text=find_text(d, ids),
            start_ms=int_(first(d, "s", "start_ms", "start", "startMs")) or 0,
            duration_ms=max(0, int_(first(d, "d", "duration_ms", "duration", "durationMs")) or 0),
            in_ms=int_(first(d, "in", "in_ms", "inMs", "in_point")) or 0,
            volume=num(first(d, "vol", "volume")),
            source=source if not isinstance(first(d, *_SOURCE_KEYS), (dict, list)) else "",
        )


class Track(Model):
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
    def parse(cls, d: Any) -> Track:
        if not isinstance(d, dict):
            return cls()
        segs = first(d, "sg", "segments", "segs")
        return cls(
            id=str_(d.get("id")),
            type_code=int_(first(d, "tt", "type_code", "track_type", "type")),
            name=str_(first(d, "name", "title")),
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


class Draft(Model):
    tracks: list[Track] = Field(default_factory=list)
    duration_ms: int = 0
    meta: dict[str, Any] = Field(default_factory=dict)
    _wire: dict[str, Any] | None = PrivateAttr(default=None)

    @classmethod
    def parse(cls, obj: Any) -> Draft:
        """A Draft from the server's short-key dict (or its JSON text); never raises."""
        try:
            if isinstance(obj, (str, bytes, bytearray)):
                obj = json.loads(obj)
            if isinstance(obj, Draft):
                return obj
            if not isinstance(obj, dict):
                return cls()
            tracks_raw = first(obj, "t", "tracks")
            tracks = [Track.parse(t) for t in tracks_raw if isinstance(t, dict)] if isinstance(tracks_raw, list) else []
            meta = first(obj, "m", "meta", "metadata")
            duration = int_(first(obj, "d", "duration_ms", "duration"))
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
                names = [f'"{_clip(s.text or s.name)}"' if s.text or s.name else "a title" for s in shown]
            else:
                names = [_clip(s.clip_name) for s in shown]
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

    def to_wire(self) -> dict[str, Any]:
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


class SessionState(Model):
    draft: Draft = Field(default_factory=Draft)
    video_infos: list[Any] = Field(default_factory=list)
    canvas_config: dict[str, Any] = Field(default_factory=dict)
    generated_media: list[Any] = Field(default_factory=list)
    version: int | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, data: Any) -> SessionState:
        d = data if isinstance(data, dict) else {}
        state = d.get("state")
        if not isinstance(state, dict):
            state = d if "draft" in d else {}
        version = int_(first(d, "version", "draft_version")) if d else None
        if version is None and isinstance(state, dict):
            version = int_(first(state, "version", "draft_version"))

        def as_list(v: Any) -> list[Any]:
            return v if isinstance(v, list) else []

        return cls(
            draft=Draft.parse(state.get("draft")),
            video_infos=as_list(state.get("video_infos")),
            canvas_config=canvas if isinstance(canvas := state.get("canvas_config"), dict) else {},
            generated_media=as_list(state.get("generated_media")),
            version=version,
            raw=d,
        )


__all__ = ["TRACK_KINDS", "Draft", "Segment", "SessionState", "Track", "find_text", "looks_like_id"]
