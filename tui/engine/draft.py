"""The draft the engine stores, serves and renders (short keys; see contracts.md "The draft").

Pure functions on plain dicts: every edit takes a draft and returns a *new* draft (the input is
never mutated), so the storage can keep every version and tests can compare them.

``infos`` maps an upload id (a segment's ``src``) to what the probe said about it:
``{"kind": "video"|"audio"|"image", "duration_ms": int, "width": int, "height": int,
"fps": float, "name": str}``.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
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
        "m": {"title": title, "width": DEFAULT_SIZE[0], "height": DEFAULT_SIZE[1], "fps": 30,
              "aspect": None, "resolution": "highest", "mute": False},
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

def add_media(draft: Mapping[str, Any], upload_id: str, infos: Infos) -> tuple[dict[str, Any], dict[str, Any]]:
    info = infos[upload_id]
    d = copy.deepcopy(dict(draft))
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
    out = normalize(d, infos)
    return out, {"status": "success", "segment_id": seg["id"], "message": f"Added {what} '{seg['name']}'",
                 "duration_ms": out["d"]}


def set_output(draft, infos, *, resolution: str = "highest", fmt: str = "mp4"):
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})
    d["m"]["resolution"] = resolution  # the format is always MP4 (H.264/AAC): nothing to store
    out = normalize(d, infos)
    return out, {"status": "success", "message": f"Output set to {fmt.upper()} at {resolution} "
                 f"({out['m']['width']}x{out['m']['height']})", "width": out["m"]["width"],
                 "height": out["m"]["height"], "duration_ms": out["d"]}


def _require_video(draft) -> None:
    if not any(t.get("sg") for t in tracks_of(draft, VIDEO)):
        raise EditError("There is no video in this project yet: upload a file or paste a video link first.")


def _keep_ranges(draft, infos, keep: list[tuple[int, int]]) -> dict[str, Any]:
    """Keep only the given timeline ranges (sorted, disjoint) of the video track; titles follow."""
    d = copy.deepcopy(dict(draft))
    d = normalize(d, infos)
    for track in tracks_of(d, VIDEO):
        new_sg = []
        for seg in track.get("sg", []):
            s, dur, inp = int(seg["s"]), int(seg["d"]), int(seg.get("in", 0))
            pieces = [(max(s, a), min(s + dur, b)) for a, b in keep if min(s + dur, b) > max(s, a)]
            for i, (a, b) in enumerate(pieces):
                piece = dict(seg)
                if i:
                    piece["id"] = new_id("seg")
                piece["in"] = inp + (a - s)
                piece["d"] = b - a
                new_sg.append(piece)
        track["sg"] = new_sg

    def shift(t: int) -> int | None:  # a timeline position after the cut, None if removed
        removed = 0
        prev = 0
        for a, b in keep:
            removed += a - prev
            if t < a:
                return None
            if t < b:
                return t - removed
            prev = b
        return None

    for track in tracks_of(d, TEXT):
        new_sg = []
        for seg in track.get("sg", []):
            s, e = int(seg["s"]), int(seg["s"]) + int(seg["d"])
            for a, b in keep:
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    seg2 = dict(seg)
                    seg2["s"] = shift(lo)
                    seg2["d"] = hi - lo
                    new_sg.append(seg2)
                    break
        track["sg"] = new_sg
    return normalize(d, infos)


def trim(draft, infos, *, start_ms: int, end_ms: int | None):
    _require_video(draft)
    total = normalize(draft, infos)["d"]
    end = total if end_ms is None else min(int(end_ms), total)
    start = max(0, int(start_ms))
    if end <= start:
        raise EditError(f"That range is empty: the video is {total / 1000:g} s long.")
    out = _keep_ranges(draft, infos, [(start, end)])
    return out, {"status": "success", "message": f"Trimmed to {start / 1000:g}-{end / 1000:g} s",
                 "duration_ms": out["d"]}


def cut(draft, infos, *, start_ms: int, end_ms: int):
    _require_video(draft)
    total = normalize(draft, infos)["d"]
    start, end = max(0, int(start_ms)), min(int(end_ms), total)
    if end <= start:
        raise EditError(f"That range is empty: the video is {total / 1000:g} s long.")
    if start == 0 and end >= total:
        raise EditError("That would cut the whole video.")
    keep = [(a, b) for a, b in ((0, start), (end, total)) if b > a]
    out = _keep_ranges(draft, infos, keep)
    return out, {"status": "success", "message": f"Cut {start / 1000:g}-{end / 1000:g} s",
                 "duration_ms": out["d"]}


def add_text(draft, infos, *, text: str, start_ms: int = 0, duration_ms: int | None = None, replace: bool = False):
    """Add a title; ``replace`` swaps the existing title(s) for it (keeping the first one's
    timing unless a new one is given)."""
    text = text.strip()
    if not text:
        raise EditError("The title is empty.")
    d = normalize(draft, infos)
    old = [s for t in tracks_of(d, TEXT) for s in t.get("sg", [])]
    if replace and old:
        if start_ms is None:
            start_ms = int(old[0].get("s", 0))
        if duration_ms is None:
            duration_ms = int(old[0].get("d", DEFAULT_TITLE_MS))
        for t in tracks_of(d, TEXT):
            t["sg"] = []
    start_ms = start_ms or 0
    total = d["d"]
    start = max(0, int(start_ms))
    if total and start >= total:
        raise EditError(f"The title would start after the end of the video ({total / 1000:g} s).")
    dur = int(duration_ms) if duration_ms else DEFAULT_TITLE_MS
    if total:
        dur = min(dur, total - start)
    track = _track(d, TEXT, "Title", "trk_t")
    seg = {"id": new_id("seg"), "name": "Title", "text": text, "s": start, "d": dur}
    track["sg"].append(seg)
    track["sg"].sort(key=lambda s: s["s"])
    out = normalize(d, infos)
    verb = "Changed the title to" if replace and old else "Added title"
    return out, {"status": "success", "segment_id": seg["id"], "message": f"{verb} '{text}'",
                 "duration_ms": out["d"]}


def set_music(draft, infos, *, src: str, volume: int):
    d = copy.deepcopy(dict(draft))
    d.setdefault("t", [])
    track = _track(d, AUDIO, "BGM", "trk_a")
    vol = max(0, min(200, int(volume)))
    current = [s for s in track["sg"] if s.get("src") == src]
    if current:
        for seg in track["sg"]:
            seg["vol"] = vol
        seg_id = current[0]["id"]
    else:
        info = infos.get(src, {})
        seg_id = new_id("seg")
        track["sg"] = [{"id": seg_id, "name": info.get("name") or src, "src": src, "s": 0,
                        "d": int(info.get("duration_ms") or 0), "in": 0, "vol": vol}]
    out = normalize(d, infos)
    return out, {"status": "success", "segment_id": seg_id,
                 "message": f"Background music '{infos.get(src, {}).get('name', src)}' at {vol}%",
                 "duration_ms": out["d"]}


def set_mute(draft, infos, *, mute: bool):
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})["mute"] = bool(mute)
    for track in tracks_of(d, VIDEO):
        for seg in track.get("sg", []):
            kind = infos.get(seg.get("src", ""), {}).get("kind")
            seg["vol"] = 0 if (mute or kind == "image") else 100
    out = normalize(d, infos)
    return out, {"status": "success", "message": "Original audio muted" if mute else "Original audio restored",
                 "duration_ms": out["d"]}


def set_aspect(draft, infos, *, aspect: str | None):
    if aspect is not None and aspect not in ASPECTS:
        raise EditError(f"Unknown aspect ratio {aspect}; try 16:9, 9:16 or 1:1.")
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})["aspect"] = aspect
    out = normalize(d, infos)
    return out, {"status": "success",
                 "message": f"Aspect set to {aspect or 'the source'} ({out['m']['width']}x{out['m']['height']})",
                 "duration_ms": out["d"]}


def remove_track(draft, infos, *, track_type: int | None = None, index: int | None = None):
    d = copy.deepcopy(dict(draft))
    tracks = d.get("t", [])
    if index is not None:
        if not 1 <= index <= len(tracks):
            raise EditError(f"There is no track {index}: the timeline has {len(tracks)}.")
        removed = [tracks[index - 1]]
    else:
        removed = [t for t in tracks if t.get("tt") == track_type]
        if not removed:
            label = {VIDEO: "video", AUDIO: "music", TEXT: "title"}.get(track_type, "such")
            raise EditError(f"There is no {label} track to remove.")
    ids = {t["id"] for t in removed}
    d["t"] = [t for t in tracks if t["id"] not in ids]
    out = normalize(d, infos)
    names = ", ".join(t.get("name", "track") for t in removed)
    return out, {"status": "success", "message": f"Removed {names} track", "duration_ms": out["d"]}


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
    return "\n".join(lines)
