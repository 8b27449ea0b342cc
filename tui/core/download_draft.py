"""The draft a download job renders: the fetched media alone (issue 12).

``single_media_draft(media)``: a draft holding only one fetched media (the engine's short keys);
``only_this_media(draft, keys)``: the cloud's draft cut down to the segments of the new media.
"""

from __future__ import annotations

from typing import Any

from tui.api.ingest import FetchedMedia


def only_this_media(draft: dict[str, Any] | None, keys: set[str]) -> dict[str, Any] | None:
    """The tracks of ``draft`` cut down to the segments that name one of ``keys`` (the new
    media's id, link, name or hash, in any field); None when no segment does."""
    if not isinstance(draft, dict):
        return None
    tracks = []
    for track in draft.get("t") or []:
        if not isinstance(track, dict):
            continue
        segs = [
            s
            for s in track.get("sg") or []
            if isinstance(s, dict) and any(isinstance(v, str) and v in keys for v in s.values())
        ]
        if segs:
            tracks.append({**track, "sg": [{**s, "s": 0} for s in segs[:1]]})
    if not tracks:
        return None
    d = max(int(s.get("d") or 0) for t in tracks for s in t["sg"])
    return {"t": tracks, "d": d, "m": {k: v for k, v in (draft.get("m") or {}).items() if k in ("title",)}}


def single_media_draft(media: FetchedMedia) -> dict[str, Any]:
    """A draft holding only ``media`` (the engine's short keys; ``src`` is the upload id)."""
    ms = int(round((media.duration_s or 0) * 1000))
    tt = 1 if media.file_type == "audio" else 0
    seg = {
        "id": f"seg_{media.upload_id}",
        "name": media.filename,
        "src": media.upload_id,
        "s": 0,
        "in": 0,
        "d": ms,
        "vol": 100,
    }
    return {
        "t": [{"id": "trk_dl", "tt": tt, "name": "Video" if tt == 0 else "Audio", "sg": [seg]}],
        "d": ms,
        "m": {"title": media.title or media.filename, "resolution": "highest"},
    }


__all__ = ["only_this_media", "single_media_draft"]
