"""More edits of the draft: speed, fades, relative volume, a target file size, the clips of
the video track (remove, move, swap, reverse, trim or cut inside one clip) and a title's
position and timing. Pure functions on plain dicts, like :mod:`tui.engine.draft_edits`;
each returns (new_draft, result dict) and raises ``EditError`` with plain words.

Keys they write (read by the renderer through :mod:`tui.engine.media.effects`):
video segment ``spd`` (source ms per timeline ms: 2.0 plays twice as fast; the segment's
``d`` is its timeline length, so it uses ``d * spd`` ms of its source from ``in``); ``m.fade_in``
/ ``m.fade_out`` (ms, picture and sound); music segment ``fi`` / ``fo`` (ms); text segment
``pos``; ``m.max_mb`` (a file-size cap in MB) or ``m.compact`` (a smaller file, no target).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from tui.engine.draft import AUDIO, TEXT, VIDEO, EditError, Infos, new_id, normalize, tracks_of
from tui.engine.draft_edits import _keep_ranges, _require_video

Result = tuple[dict[str, Any], dict[str, Any]]
MIN_SPEED, MAX_SPEED = 0.25, 4.0
AUDIO_KBPS_SMALL = 96  # the sound's bitrate when a size cap is set
MIN_VIDEO_KBPS = 150  # below this the picture is mush: a target that small is refused


def _ok(out: dict[str, Any], message: str, **extra: Any) -> Result:
    return out, {"status": "success", "message": message, "duration_ms": out["d"], **extra}


def _video_segments(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for t in tracks_of(d, VIDEO) for s in t.get("sg", [])]


def clip_bounds(draft: dict[str, Any], clip: int) -> tuple[int, int]:
    """Timeline (start, end) ms of clip ``clip`` (1-based, -1 = last)."""
    segs = _video_segments(draft)
    if not segs:
        raise EditError("There is no video in this project yet: upload a file or paste a video link first.")
    i = len(segs) - 1 if clip == -1 else clip - 1
    if not 0 <= i < len(segs):
        raise EditError(
            f"There is no clip {clip}: the video track has {len(segs)} clip{'s' if len(segs) != 1 else ''}."
        )
    return int(segs[i]["s"]), int(segs[i]["s"]) + int(segs[i]["d"])


def set_speed(
    draft: Mapping[str, Any],
    infos: Infos,
    *,
    factor: float,
    start_ms: int | None = None,
    end_ms: int | None = None,
    absolute: bool = False,
) -> Result:
    """Play the timeline range [start, end) (default: all) ``factor`` times as fast (with
    ``absolute``: at ``factor`` times the source's own speed, e.g. 1.0 = back to normal)."""
    _require_video(draft)
    d = normalize(draft, infos)
    total = d["d"]
    a = max(0, int(start_ms or 0))
    b = total if end_ms is None else min(int(end_ms), total)
    if b <= a:
        raise EditError(f"That range is empty: the video is {total / 1000:g} s long.")
    if not MIN_SPEED <= factor <= MAX_SPEED:
        raise EditError(f"I can change the speed from {MIN_SPEED:g}x to {MAX_SPEED:g}x, not {factor:g}x.")
    for track in tracks_of(d, VIDEO):
        new_sg = []
        for seg in track.get("sg", []):
            s, dur, inp = int(seg["s"]), int(seg["d"]), int(seg.get("in", 0))
            spd = float(seg.get("spd") or 1.0)
            cuts = sorted({s, s + dur, *[x for x in (a, b) if s < x < s + dur]})
            for lo, hi in zip(cuts, cuts[1:], strict=False):
                piece = dict(seg)
                if lo != s:
                    piece["id"] = new_id("seg")
                piece["in"] = inp + int(round((lo - s) * spd))
                piece["d"] = hi - lo
                if a <= lo and hi <= b:
                    new = round(factor if absolute else spd * factor, 4)
                    if not MIN_SPEED <= new <= MAX_SPEED:
                        raise EditError(f"That would play at {new:g}x; I can go from {MIN_SPEED:g}x to {MAX_SPEED:g}x.")
                    piece["d"] = max(1, int(round((hi - lo) * spd / new)))
                    if abs(new - 1.0) < 1e-6:
                        piece.pop("spd", None)
                    else:
                        piece["spd"] = new
                new_sg.append(piece)
        track["sg"] = new_sg
    delta = int(round((b - a) / factor)) - (b - a) if not absolute else 0
    for track in tracks_of(d, TEXT):
        for seg in track.get("sg", []):
            if int(seg["s"]) >= b:
                seg["s"] = int(seg["s"]) + delta
    out = normalize(d, infos)
    where = "" if (a == 0 and b == total) else f" for {a / 1000:g}-{b / 1000:g} s"
    return _ok(out, f"Speed {factor:g}x{where} (now {out['d'] / 1000:g} s long)")


def set_fade(draft: Mapping[str, Any], infos: Infos, *, target: str, which: str, ms: int) -> Result:
    """Fade ``which`` ("in", "out", "both") over ``ms``: the picture and sound ("video") or the music."""
    d = normalize(draft, infos)
    if target == "music":
        segs = [s for t in tracks_of(d, AUDIO) for s in t.get("sg", [])]
        if not segs:
            raise EditError("There is no background music to fade: add music first.")
        keys = {"in": ("fi",), "out": ("fo",), "both": ("fi", "fo")}[which]
        for seg in segs:
            length = int(seg.get("d", 0))
            for k in keys:
                seg[k] = max(0, min(int(ms), length // 2))
    else:
        _require_video(d)
        keys = {"in": ("fade_in",), "out": ("fade_out",), "both": ("fade_in", "fade_out")}[which]
        for k in keys:
            d["m"][k] = max(0, min(int(ms), d["d"] // 2))
    out = normalize(d, infos)
    what = "music" if target == "music" else "video"
    return _ok(out, f"Fade {which} of the {what} over {ms / 1000:g} s")


def set_volume(
    draft: Mapping[str, Any], infos: Infos, *, target: str, factor: float | None = None, percent: int | None = None
) -> Result:
    """Set the music's or the video's own sound ("video", "music" or "all") to ``percent``
    or scale it by ``factor``; 0..200 %."""
    d = normalize(draft, infos)
    music = [s for t in tracks_of(d, AUDIO) for s in t.get("sg", [])]
    own = [s for s in _video_segments(d) if infos.get(s.get("src", ""), {}).get("kind") == "video"]
    if target == "music" and not music:
        raise EditError("There is no background music in this project yet: add music first.")
    if target == "video" and not own:
        raise EditError("There is no video with its own sound in this project yet.")
    segs = music if target == "music" else own if target == "video" else music + own
    if target in ("video", "all") and d["m"].get("mute") and (percent or (factor or 0) > 1):
        d["m"]["mute"] = False  # "make the voices louder" on a muted video brings the sound back
        for seg in own:
            seg["vol"] = max(int(seg.get("vol") or 0), 100)
    for seg in segs:
        old = int(seg.get("vol", 100))
        new = int(percent) if percent is not None else int(round(old * float(factor or 1.0)))
        seg["vol"] = max(0, min(200, new))
    out = normalize(d, infos)
    vols = sorted(
        {
            int(s.get("vol", 100))
            for s in (tracks_of(out, AUDIO)[0]["sg"] if target == "music" else _video_segments(out))
        }
    )
    what = {"music": "Music", "video": "Original sound", "all": "Volume"}[target]
    return _ok(out, f"{what} at {'/'.join(str(v) for v in vols)}%", volume=vols[0] if vols else None)


def set_size(draft: Mapping[str, Any], infos: Infos, *, max_mb: float | None) -> Result:
    """Cap the file size at ``max_mb`` MB (the renderer picks the bitrate from the length),
    or, with None, ask for a smaller file with no target."""
    _require_video(draft)
    d = normalize(draft, infos)
    secs = max(0.001, d["d"] / 1000)
    if max_mb is not None:
        kbps = max_mb * 8 * 1000 * 0.95 / secs - AUDIO_KBPS_SMALL  # 1 MB = 10^6 bytes here
        if kbps < MIN_VIDEO_KBPS:
            longest = max_mb * 8 * 1000 * 0.95 / (MIN_VIDEO_KBPS + AUDIO_KBPS_SMALL)
            raise EditError(
                f"{max_mb:g} MB is too small for {secs:g} s of video: it fits about {longest:.0f} s. "
                "Trim it first, or pick a larger size."
            )
        d["m"]["max_mb"] = float(max_mb)
        d["m"].pop("compact", None)
        out = normalize(d, infos)
        return _ok(out, f"File size capped at {max_mb:g} MB (about {kbps:.0f} kb/s video)", video_kbps=int(kbps))
    d["m"]["compact"] = True
    d["m"].pop("max_mb", None)
    return _ok(normalize(d, infos), "Smaller file: stronger compression")


def _clip_index(segs: list[dict[str, Any]], clip: int) -> int:
    i = len(segs) - 1 if clip == -1 else clip - 1
    if not 0 <= i < len(segs):
        raise EditError(
            f"There is no clip {clip}: the video track has {len(segs)} clip{'s' if len(segs) != 1 else ''}."
        )
    return i


def _reorder(
    draft: Mapping[str, Any], infos: Infos, fn: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> dict[str, Any]:
    _require_video(draft)
    d = normalize(draft, infos)
    track = tracks_of(d, VIDEO)[0]
    track["sg"] = fn(list(track["sg"]))
    return normalize(d, infos)


def remove_clip(draft: Mapping[str, Any], infos: Infos, *, clip: int) -> Result:
    segs = _video_segments(normalize(draft, infos))
    i = _clip_index(segs, clip)
    if len(segs) == 1:
        raise EditError('That is the only clip in the video; to remove the whole video say "remove the video track".')
    name = segs[i].get("name", f"clip {clip}")
    out = _reorder(draft, infos, lambda sg: sg[:i] + sg[i + 1 :])
    return _ok(out, f"Removed clip {i + 1} ({name})")


def move_clip(draft: Mapping[str, Any], infos: Infos, *, clip: int, to: int) -> Result:
    segs = _video_segments(normalize(draft, infos))
    i = _clip_index(segs, clip)
    j = _clip_index(segs, to)
    if len(segs) < 2:
        raise EditError("There is only one clip: nothing to reorder.")

    def fn(sg: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seg = sg.pop(i)
        sg.insert(j, seg)
        return sg

    out = _reorder(draft, infos, fn)
    return _ok(out, f"Moved clip {i + 1} to position {j + 1}")


def swap_clips(draft: Mapping[str, Any], infos: Infos, *, a: int, b: int) -> Result:
    segs = _video_segments(normalize(draft, infos))
    i, j = _clip_index(segs, a), _clip_index(segs, b)
    if i == j:
        raise EditError("Those are the same clip.")

    def fn(sg: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sg[i], sg[j] = sg[j], sg[i]
        return sg

    return _ok(_reorder(draft, infos, fn), f"Swapped clips {i + 1} and {j + 1}")


def reverse_clips(draft: Mapping[str, Any], infos: Infos) -> Result:
    if len(_video_segments(normalize(draft, infos))) < 2:
        raise EditError("There is only one clip: nothing to reorder.")
    return _ok(_reorder(draft, infos, lambda sg: sg[::-1]), "Reversed the order of the clips")


def trim_clip(
    draft: Mapping[str, Any], infos: Infos, *, clip: int, start_ms: int, end_ms: int | None, keep: bool
) -> Result:
    """Inside one clip (times relative to its start): keep [start, end) (``keep``) or cut it."""
    _require_video(draft)
    d = normalize(draft, infos)
    cs, ce = clip_bounds(d, clip)
    a = cs + max(0, int(start_ms))
    b = ce if end_ms is None else min(ce, cs + int(end_ms))
    if b <= a:
        raise EditError(f"That range is empty: clip {clip} is {(ce - cs) / 1000:g} s long.")
    if keep:
        ranges = [(0, cs), (a, b), (ce, d["d"])]
    else:
        if a <= cs and b >= ce:
            raise EditError(f'That would cut the whole clip; to remove it say "remove clip {clip}".')
        ranges = [(0, a), (b, d["d"])]
    ranges = [(x, y) for x, y in ranges if y > x]
    out = _keep_ranges(d, infos, ranges)
    verb = "Kept" if keep else "Cut"
    return _ok(out, f"{verb} {(a - cs) / 1000:g}-{(b - cs) / 1000:g} s of clip {clip}")


def edit_title(
    draft: Mapping[str, Any],
    infos: Infos,
    *,
    position: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
) -> Result:
    """Move or retime the existing title(s)."""
    d = normalize(draft, infos)
    segs = [s for t in tracks_of(d, TEXT) for s in t.get("sg", [])]
    if not segs:
        raise EditError("There is no title yet: add one first, e.g. add the title 'Summer trip'.")
    for seg in segs:
        if position is not None:
            if position == "center":
                seg.pop("pos", None)
            else:
                seg["pos"] = position
        if start_ms is not None:
            seg["s"] = max(0, int(start_ms))
            if end_ms is not None:
                seg["d"] = max(1, int(end_ms) - int(start_ms))
            if d["d"] and seg["s"] >= d["d"]:
                raise EditError(f"The title would start after the end of the video ({d['d'] / 1000:g} s).")
    out = normalize(copy.deepcopy(d), infos)
    first = [s for t in tracks_of(out, TEXT) for s in t.get("sg", [])][0]
    return _ok(
        out, f"Title at {first.get('pos', 'center')}, {first['s'] / 1000:g}-{(first['s'] + first['d']) / 1000:g} s"
    )
