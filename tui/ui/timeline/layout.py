"""The timeline's geometry without Textual: rows per track, the time scale, tiles of
thumbnails along a segment, ruler ticks, and which segment is at a time. Times in ms,
positions in cells from time 0 ("absolute" columns; the view shows ``offset`` onwards)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROWS = {"Video": 3, "Audio": 2, "Text": 1}
LABEL_WIDTH = 7  # "›Video " : a selection mark, the track's kind, a space
MIN_MS_PER_CELL = 40.0  # the closest zoom: one cell is one frame at 25 fps
NICE_STEPS_S = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
LABELS = {"Video": "Video", "Audio": "Audio", "Text": "Text"}


@dataclass(frozen=True)
class Tile:
    """One thumbnail along a video segment: its first absolute column, its width in cells,
    and the source time it shows (ms into the media)."""

    col: int
    width: int
    source_ms: int


def track_rows(kind: str, pictures: bool) -> int:
    """How many terminal rows a track takes (a bar's one row without pictures)."""
    return ROWS.get(kind, 1) if pictures else 1


def length_ms(draft: Any) -> int:
    """The draft's duration or its last segment's end, whichever is later (at least 1 ms)."""
    ends = [int(s.end_ms) for t in getattr(draft, "tracks", []) or [] for s in t.segments]
    return max([1, int(getattr(draft, "duration_ms", 0) or 0), *ends])


def tile_width(rows: int, aspect: float) -> int:
    """Cells per thumbnail ``rows`` high: a half-block cell is 1 pixel wide and 2 tall and
    about twice as tall as wide on screen, so a pixel is square and width = 2*rows*aspect."""
    return max(2, round(2 * rows * aspect))


def aspect_of(draft: Any) -> float:
    meta = getattr(draft, "meta", None) or {}
    width, height = meta.get("width"), meta.get("height")
    if isinstance(width, (int, float)) and isinstance(height, (int, float)) and width > 0 and height > 0:
        return max(0.3, min(3.0, width / height))
    return 16 / 9


def col_of(ms: float, ms_per_cell: float) -> int:
    return int(ms // ms_per_cell)


def tiles(segment: Any, ms_per_cell: float, width: int) -> list[Tile]:
    """The thumbnails along ``segment`` at this zoom, anchored at its start (scrolling never
    changes them; a zoom level computes each once). The last one may be cut by the end."""
    first = col_of(segment.start_ms, ms_per_cell)
    last = max(first + 1, col_of(segment.end_ms, ms_per_cell))
    out: list[Tile] = []
    col = first
    while col < last:
        shown = min(width, last - col)
        source_ms = int(segment.in_ms + (col - first) * ms_per_cell)
        out.append(Tile(col, shown, source_ms))
        col += width
    return out


def tick_step_s(ms_per_cell: float, min_cells: int = 9) -> float:
    """The ruler's step: the smallest nice step at least ``min_cells`` apart."""
    for step in NICE_STEPS_S:
        if step * 1000 / ms_per_cell >= min_cells:
            return step
    return NICE_STEPS_S[-1]


def segment_at(track: Any, ms: float) -> int | None:
    """The index of the segment of ``track`` playing at ``ms`` (the last one starting at or
    before it when none covers it), or None for an empty track."""
    segments = list(getattr(track, "segments", []) or [])
    best = None
    for index, seg in enumerate(segments):
        if seg.start_ms <= ms < max(seg.end_ms, seg.start_ms + 1):
            return index
        if seg.start_ms <= ms:
            best = index
    return best if best is not None else (0 if segments else None)
