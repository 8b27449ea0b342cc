"""Edits of the draft's timeline and output (each returns (new_draft, result dict for the
functionResponse)); pure functions on plain dicts, the input is never mutated. The draft's
shape and :func:`~tui.engine.draft.normalize` are in :mod:`tui.engine.draft`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from tui.engine.draft import (
    ASPECTS,
    AUDIO,
    DEFAULT_TITLE_MS,
    TEXT,
    VIDEO,
    EditError,
    Infos,
    _track,
    new_id,
    normalize,
    tracks_of,
)

Result = tuple[dict[str, Any], dict[str, Any]]


def set_output(draft: Mapping[str, Any], infos: Infos, *, resolution: str = "highest", fmt: str = "mp4") -> Result:
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})
    d["m"]["resolution"] = resolution  # the format is always MP4 (H.264/AAC): nothing to store
    out = normalize(d, infos)
    return out, {
        "status": "success",
        "message": f"Output set to {fmt.upper()} at {resolution} ({out['m']['width']}x{out['m']['height']})",
        "width": out["m"]["width"],
        "height": out["m"]["height"],
        "duration_ms": out["d"],
    }


def _require_video(draft: Mapping[str, Any]) -> None:
    if not any(t.get("sg") for t in tracks_of(draft, VIDEO)):
        raise EditError("There is no video in this project yet: upload a file or paste a video link first.")


def _keep_ranges(draft: Mapping[str, Any], infos: Infos, keep: list[tuple[int, int]]) -> dict[str, Any]:
    """Keep only the given timeline ranges (sorted, disjoint) of the video track; titles follow."""
    d = copy.deepcopy(dict(draft))
    d = normalize(d, infos)
    for track in tracks_of(d, VIDEO):
        new_sg = []
        for seg in track.get("sg", []):
            s, dur, inp = int(seg["s"]), int(seg["d"]), int(seg.get("in", 0))
            spd = float(seg.get("spd") or 1.0)  # source ms per timeline ms
            pieces = [(max(s, a), min(s + dur, b)) for a, b in keep if min(s + dur, b) > max(s, a)]
            for i, (a, b) in enumerate(pieces):
                piece = dict(seg)
                if i:
                    piece["id"] = new_id("seg")
                piece["in"] = inp + int(round((a - s) * spd))
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


def trim(draft: Mapping[str, Any], infos: Infos, *, start_ms: int, end_ms: int | None) -> Result:
    _require_video(draft)
    total = normalize(draft, infos)["d"]
    end = total if end_ms is None else min(int(end_ms), total)
    start = max(0, int(start_ms))
    if end <= start:
        raise EditError(f"That range is empty: the video is {total / 1000:g} s long.")
    out = _keep_ranges(draft, infos, [(start, end)])
    return out, {
        "status": "success",
        "message": f"Trimmed to {start / 1000:g}-{end / 1000:g} s",
        "duration_ms": out["d"],
    }


def cut(draft: Mapping[str, Any], infos: Infos, *, start_ms: int, end_ms: int) -> Result:
    _require_video(draft)
    total = normalize(draft, infos)["d"]
    start, end = max(0, int(start_ms)), min(int(end_ms), total)
    if end <= start:
        raise EditError(f"That range is empty: the video is {total / 1000:g} s long.")
    if start == 0 and end >= total:
        raise EditError("That would cut the whole video.")
    keep = [(a, b) for a, b in ((0, start), (end, total)) if b > a]
    out = _keep_ranges(draft, infos, keep)
    return out, {"status": "success", "message": f"Cut {start / 1000:g}-{end / 1000:g} s", "duration_ms": out["d"]}


def add_text(
    draft: Mapping[str, Any],
    infos: Infos,
    *,
    text: str,
    start_ms: int | None = 0,
    duration_ms: int | None = None,
    replace: bool = False,
    position: str | None = None,
) -> Result:
    """Add a title; ``replace`` swaps the existing title(s) for it (keeping the first one's
    timing and position unless new ones are given). ``position``: "top", "bottom",
    "center", "top-left", ... (stored as the segment's ``pos``; None = centre)."""
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
        if position is None:
            position = old[0].get("pos")
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
    if position and position != "center":
        seg["pos"] = position
    track["sg"].append(seg)
    track["sg"].sort(key=lambda s: s["s"])
    out = normalize(d, infos)
    verb = "Changed the title to" if replace and old else "Added title"
    return out, {"status": "success", "segment_id": seg["id"], "message": f"{verb} '{text}'", "duration_ms": out["d"]}


def set_music(draft: Mapping[str, Any], infos: Infos, *, src: str, volume: int) -> Result:
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
        track["sg"] = [
            {
                "id": seg_id,
                "name": info.get("name") or src,
                "src": src,
                "s": 0,
                "d": int(info.get("duration_ms") or 0),
                "in": 0,
                "vol": vol,
            }
        ]
    out = normalize(d, infos)
    return out, {
        "status": "success",
        "segment_id": seg_id,
        "message": f"Background music '{infos.get(src, {}).get('name', src)}' at {vol}%",
        "duration_ms": out["d"],
    }


def set_mute(draft: Mapping[str, Any], infos: Infos, *, mute: bool) -> Result:
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})["mute"] = bool(mute)
    for track in tracks_of(d, VIDEO):
        for seg in track.get("sg", []):
            kind = infos.get(seg.get("src", ""), {}).get("kind")
            seg["vol"] = 0 if (mute or kind == "image") else 100
    out = normalize(d, infos)
    return out, {
        "status": "success",
        "message": "Original audio muted" if mute else "Original audio restored",
        "duration_ms": out["d"],
    }


def set_aspect(draft: Mapping[str, Any], infos: Infos, *, aspect: str | None, fit: str = "pad") -> Result:
    """``fit``: "pad" keeps the whole picture with bars, "crop" fills the frame."""
    if aspect is not None and aspect not in ASPECTS:
        raise EditError(f"Unknown aspect ratio {aspect}; try {', '.join(ASPECTS)}.")
    d = copy.deepcopy(dict(draft))
    d.setdefault("m", {})["aspect"] = aspect
    if fit == "crop" and aspect is not None:
        d["m"]["fit"] = "crop"
    else:
        d["m"].pop("fit", None)
    out = normalize(d, infos)
    return out, {
        "status": "success",
        "message": f"Aspect set to {aspect or 'the source'} ({out['m']['width']}x{out['m']['height']})",
        "duration_ms": out["d"],
    }


def remove_track(
    draft: Mapping[str, Any], infos: Infos, *, track_type: int | None = None, index: int | None = None
) -> Result:
    d = copy.deepcopy(dict(draft))
    tracks = d.get("t", [])
    if index is not None:
        if not 1 <= index <= len(tracks):
            raise EditError(f"There is no track {index}: the timeline has {len(tracks)}.")
        removed = [tracks[index - 1]]
    else:
        removed = [t for t in tracks if t.get("tt") == track_type]
        if not removed:
            label = {VIDEO: "video", AUDIO: "music", TEXT: "title"}.get(track_type or 0, "such")
            raise EditError(f"There is no {label} track to remove.")
    ids = {t["id"] for t in removed}
    d["t"] = [t for t in tracks if t["id"] not in ids]
    out = normalize(d, infos)
    names = ", ".join(t.get("name", "track") for t in removed)
    return out, {"status": "success", "message": f"Removed {names} track", "duration_ms": out["d"]}
