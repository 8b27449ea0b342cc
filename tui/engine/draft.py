"""The draft the engine stores, serves and renders (short keys; see contracts.md "The draft").

Pure functions on plain dicts: every edit takes a draft and returns a *new* draft (the input is
never mutated), so the storage can keep every version and tests can compare them. This module
holds the shape (tracks, :func:`normalize`, adding media, the summary); the edits are in
:mod:`tui.engine.draft_edits` (trim, cut, titles, music, mute, aspect, output, tracks) and
:mod:`tui.engine.draft_ops` (speed, fades, volume, size, clips, title position and timing).

``infos`` maps an upload id (a segment's ``src``) to what the probe said about it:
``{"kind": "video"|"audio"|"image", "duration_ms": int, "width": int, "height": int,
"fps": float, "name": str}``.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from tui.contract import ASPECTS as ASPECTS
from tui.contract import DEFAULT_SIZE as DEFAULT_SIZE
from tui.contract import RESOLUTIONS as RESOLUTIONS
from tui.contract import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO
from tui.contract import output_size as output_size

VIDEO, AUDIO, TEXT = TRACK_VIDEO, TRACK_AUDIO, TRACK_TEXT

IMAGE_STILL_MS = 5000
DEFAULT_TITLE_MS = 3000

Infos = Mapping[str, Mapping[str, Any]]


class EditError(ValueError):
    """An edit that cannot be applied; the message is plain words for the user."""


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def new_draft(title: str = "project") -> dict[str, Any]:
    return {
        "t": [],
        "d": 0,
        "m": {
            "title": title,
            "width": DEFAULT_SIZE[0],
            "height": DEFAULT_SIZE[1],
            "fps": 30,
            "aspect": None,
            "resolution": "highest",
            "mute": False,
        },
    }


def tracks_of(draft: Mapping[str, Any], tt: int) -> list[dict[str, Any]]:
    return [t for t in draft.get("t", []) if t.get("tt") == tt]


def _track(draft: dict[str, Any], tt: int, name: str, prefix: str) -> dict[str, Any]:
    found = tracks_of(draft, tt)
    if found:
        return found[0]
    used = {t.get("id") for t in draft["t"]}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    track = {"id": f"{prefix}{n}", "tt": tt, "name": name, "sg": []}
    draft["t"].append(track)
    return track


def source_size(draft: Mapping[str, Any], infos: Infos) -> tuple[int, int] | None:
    """The size of the largest visual source on the video track (what "highest" keeps; the
    media layer's renderer picks the same one)."""
    sizes = []
    for track in tracks_of(draft, VIDEO):
        for seg in track.get("sg", []):
            info = infos.get(seg.get("src", ""), {})
            if info.get("width") and info.get("height"):
                sizes.append((int(info["width"]), int(info["height"])))
    return max(sizes, key=lambda wh: wh[0] * wh[1]) if sizes else None


def source_fps(draft: Mapping[str, Any], infos: Infos) -> float | None:
    for track in tracks_of(draft, VIDEO):
        for seg in track.get("sg", []):
            info = infos.get(seg.get("src", ""), {})
            if info.get("kind") == "video" and info.get("fps"):
                return float(info["fps"])
    return None


def normalize(draft: Mapping[str, Any], infos: Infos) -> dict[str, Any]:
    """Recompute what follows from the segments: back-to-back video starts, the total
    duration, music and titles clamped to it, the output size from resolution and aspect."""
    d = copy.deepcopy(dict(draft))
    d.setdefault("t", [])
    m = {**new_draft()["m"], **(d.get("m") or {})}
    d["m"] = m
    video_end = 0
    for track in tracks_of(d, VIDEO):
        pos = 0
        for seg in track.get("sg", []):
            seg["s"] = pos
            pos += int(seg.get("d", 0))
        video_end = max(video_end, pos)
    total = video_end
    if total == 0:  # no video: the longest other track
        for track in d["t"]:
            for seg in track.get("sg", []):
                total = max(total, int(seg.get("s", 0)) + int(seg.get("d", 0)))
    for track in tracks_of(d, AUDIO):
        for seg in track.get("sg", []):
            info = infos.get(seg.get("src", ""), {})
            full = int(info.get("duration_ms") or seg.get("d", 0)) - int(seg.get("in", 0))
            seg["d"] = max(0, min(full, total - int(seg.get("s", 0))) if video_end else full)
        track["sg"] = [s for s in track.get("sg", []) if s["d"] > 0 or not video_end]
    if video_end:
        for track in tracks_of(d, TEXT):
            keep = []
            for seg in track.get("sg", []):
                s = int(seg.get("s", 0))
                if s >= total:
                    continue
                seg["d"] = min(int(seg.get("d", 0)), total - s)
                keep.append(seg)
            track["sg"] = keep
    d["d"] = total
    w, h = output_size(m.get("resolution"), m.get("aspect"), source_size(d, infos))
    m["width"], m["height"] = w, h
    fps = source_fps(d, infos)
    if fps:
        m["fps"] = int(round(fps)) if abs(fps - round(fps)) < 0.01 else round(fps, 3)
    return d


# --- edits (each returns (new_draft, result dict for the functionResponse)) ---------------


def _append_media(d: dict[str, Any], upload_id: str, infos: Infos) -> tuple[dict[str, Any], str]:
    """Append ``upload_id`` as a segment to ``d`` in place -> (the segment, "video"|"image"|"music")."""
    info = infos[upload_id]
    d.setdefault("t", [])
    kind = info.get("kind")
    seg = {"id": new_id("seg"), "name": info.get("name") or upload_id, "src": upload_id, "s": 0, "in": 0}
    if kind == "audio":
        track = _track(d, AUDIO, "BGM", "trk_a")
        seg.update(d=int(info.get("duration_ms") or 0), vol=100)
        what = "music"
    elif kind == "image":
        track = _track(d, VIDEO, "Video", "trk_v")
        seg.update(d=IMAGE_STILL_MS, vol=0)
        what = "image"
    else:
        track = _track(d, VIDEO, "Video", "trk_v")
        seg.update(d=int(info.get("duration_ms") or 0), vol=0 if (d.get("m") or {}).get("mute") else 100)
        what = "video"
    if kind == "audio":
        track["sg"] = [seg]  # one background track: a new audio file replaces the previous one
    else:
        track["sg"].append(seg)
    return seg, what


def add_media(draft: Mapping[str, Any], upload_id: str, infos: Infos) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy of ``draft`` with ``upload_id`` added -> (the new draft, the tool result)."""
    d = copy.deepcopy(dict(draft))
    seg, what = _append_media(d, upload_id, infos)
    out = normalize(d, infos)
    return out, {
        "status": "success",
        "segment_id": seg["id"],
        "message": f"Added {what} '{seg['name']}'",
        "duration_ms": out["d"],
    }


def add_medias(draft: Mapping[str, Any], upload_ids: Sequence[str], infos: Infos) -> dict[str, Any]:
    """A copy of ``draft`` with every upload added in order: one copy and one normalize for
    them all, so the work grows linearly with the number of uploads (not quadratically)."""
    d = copy.deepcopy(dict(draft))
    for upload_id in upload_ids:
        _append_media(d, upload_id, infos)
    return normalize(d, infos)


# --- describing ----------------------------------------------------------------------------


def _secs(ms: int) -> str:
    return f"{ms / 1000:g}"


def summary(draft: Mapping[str, Any]) -> str:
    """`Timeline (3 tracks): 1. Video: city (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "X" (0-3s)`."""
    tracks = [t for t in draft.get("t", []) if t.get("sg")]
    if not tracks:
        return "Timeline (0 tracks): empty"
    parts = []
    for i, t in enumerate(tracks, 1):
        segs = t["sg"]
        start = min(int(s.get("s", 0)) for s in segs)
        end = max(int(s.get("s", 0)) + int(s.get("d", 0)) for s in segs)
        tt = t.get("tt")
        if tt == TEXT:
            label, name = "Title", f'"{segs[0].get("text", "")}"'
        elif tt == AUDIO:
            label, name = "BGM", segs[0].get("name", "")
        elif tt == VIDEO:
            label, name = "Video", segs[0].get("name", "")
        else:
            label, name = t.get("name") or "Other", segs[0].get("name", "")
        if len(segs) > 1 and tt != TEXT:
            name = f"{name} +{len(segs) - 1} more"
        extra = f", {segs[0].get('vol', 100)}%" if tt == AUDIO else ""
        parts.append(f"{i}. {label}: {name} ({_secs(start)}-{_secs(end)}s{extra})")
    n = len(tracks)
    return f"Timeline ({n} track{'s' if n != 1 else ''}): " + " ".join(parts)


def describe(draft: Mapping[str, Any]) -> str:
    m = draft.get("m") or {}
    lines = [summary(draft)]
    if draft.get("t"):
        lines.append(
            f"Length {_secs(int(draft.get('d', 0)))} s, output {m.get('format', 'mp4').upper()} "
            f"{m.get('width')}x{m.get('height')} ({m.get('resolution', 'highest')}"
            f"{', ' + m['aspect'] if m.get('aspect') else ''}{', muted' if m.get('mute') else ''})."
        )
        fx = []
        speeds = sorted({float(s["spd"]) for t in tracks_of(draft, VIDEO) for s in t.get("sg", []) if s.get("spd")})
        if speeds:
            fx.append("speed " + "/".join(f"{x:g}x" for x in speeds))
        fx += [f"fade {k} {m[f'fade_{k}'] / 1000:g} s" for k in ("in", "out") if m.get(f"fade_{k}")]
        if m.get("fit") == "crop":
            fx.append("cropped to fill")
        if m.get("max_mb"):
            fx.append(f"file under {m['max_mb']:g} MB")
        elif m.get("compact"):
            fx.append("smaller file")
        if fx:
            lines.append("Effects: " + ", ".join(fx) + ".")
    return "\n".join(lines)
