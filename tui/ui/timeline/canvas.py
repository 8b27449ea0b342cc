"""``TimelineCanvas``: the draft drawn to one time scale. A ruler with the playhead (▼),
then per track: thumbnails along video segments, a waveform along audio, a text segment's
words inside its span. Keys when it has focus: ``+``/``-`` zoom around the playhead,
``←``/``→`` move the playhead a cell (``shift`` a screen; the view scrolls along),
``↑``/``↓`` choose the track, ``home``/``end``. The segment under the playhead on the chosen
track is posted as ``TimelineCanvas.Picked``.

Drawing is cheap: every line is cut from cells computed once per zoom level (thumbnails in a
``CellCache``, waveforms per segment) and pictures are fetched and turned into cells in a
worker, never while drawing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.ui.timeline import layout as lay
from tui.ui.timeline.cells import NULL, CellRow, halfblock_rows, resample_peaks, waveform_rows
from tui.ui.timeline.pictures import CellCache, PictureSource

Row = list[RichSegment]  # one Segment per cell: lines are cut and joined without splitting
BLANK = RichSegment(" ", NULL)
PLAYHEAD = Style(bold=True, color="bright_white", bgcolor="red")
PLAYHEAD_MONO = Style(bold=True, reverse=True)
PENDING = Style(color="grey50")
WAVE = Style(color="magenta")
TEXT_SPAN = Style(color="black", bgcolor="yellow")
LABEL = Style(bold=True)
SELECTED = Style(bold=True, reverse=True)
RULER = Style(color="grey62")


def as_segments(rows: list[CellRow]) -> list[Row]:
    """Cells as one Rich Segment each (built once, when a picture or waveform is cached)."""
    return [[RichSegment(char, style or NULL) for char, style in row] for row in rows]


class TimelineCanvas(Widget, can_focus=True):
    """``show(draft, source, mono)``; the view: ``ms_per_cell``, ``first_col`` (first shown
    column), ``playhead_ms``, ``track_index``."""

    DEFAULT_CSS = """
    TimelineCanvas { height: auto; width: 1fr; padding: 0 1; }
    TimelineCanvas:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", id="timeline_zoom_in"),
        Binding("minus", "zoom(-1)", "Zoom out", id="timeline_zoom_out"),
        Binding("left", "move(-1)", "Back", show=False, id="timeline_back"),
        Binding("right", "move(1)", "Forward", show=False, id="timeline_forward"),
        Binding("shift+left", "page(-1)", "Page back", show=False, id="timeline_page_back"),
        Binding("shift+right", "page(1)", "Page forward", show=False, id="timeline_page_forward"),
        Binding("up", "track(-1)", "Track up", show=False, id="timeline_track_up"),
        Binding("down", "track(1)", "Track down", show=False, id="timeline_track_down"),
        Binding("home", "jump(0)", "Start", show=False, id="timeline_start"),
        Binding("end", "jump(1)", "End", show=False, id="timeline_end"),
    ]

    @dataclass
    class Picked(Message):
        """The segment under the playhead on the chosen track changed: ``track`` and
        ``segment`` are the draft's objects (``segment`` None on an empty track)."""

        track: Any
        segment: Any

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft: Any = None
        self.source: PictureSource | None = None
        self.mono = False
        self.ms_per_cell = 100.0
        self.fit = True  # the whole draft fits the width (until the user zooms)
        self.first_col = 0
        self.playhead_ms = 0.0
        self.track_index = 0
        self.thumbs = CellCache(limit=1024)
        self.peaks: dict[str, list[float]] = {}
        self._waves: dict[tuple[Any, ...], list[Row]] = {}
        self._failed: set[Any] = set()
        self._picked: tuple[int, int | None] | None = None

    # ---- data in ------------------------------------------------------------------------
    def show(self, draft: Any, source: PictureSource | None, mono: bool = False) -> None:
        """Draw ``draft`` with pictures from ``source`` (None: no pictures yet, placeholders)."""
        if mono != self.mono or source is not self.source:
            self.thumbs = CellCache(limit=1024)
            self._waves.clear()
            self._failed.clear()
        self.draft, self.source, self.mono = draft, source, mono
        tracks = self.tracks
        self.track_index = max(0, min(self.track_index, len(tracks) - 1))
        self.styles.height = 1 + sum(lay.track_rows(t.kind, True) for t in tracks)
        self._fit_if_needed()
        self._view_changed()

    @property
    def tracks(self) -> list[Any]:
        return list(getattr(self.draft, "tracks", None) or []) if self.draft is not None else []

    @property
    def view_cols(self) -> int:
        return max(4, self.content_size.width - lay.LABEL_WIDTH) if self.content_size.width else 40

    def on_resize(self) -> None:
        self._fit_if_needed()
        self._view_changed()

    def _fit_if_needed(self) -> None:
        if self.fit and self.draft is not None:
            self.ms_per_cell = max(lay.MIN_MS_PER_CELL, lay.length_ms(self.draft) / self.view_cols)
            self.first_col = 0

    # ---- keys ---------------------------------------------------------------------------
    def action_zoom(self, step: int) -> None:
        if self.draft is None:
            return
        fit = max(lay.MIN_MS_PER_CELL, lay.length_ms(self.draft) / self.view_cols)
        wanted = self.ms_per_cell / 2 if step > 0 else self.ms_per_cell * 2
        self.ms_per_cell = max(lay.MIN_MS_PER_CELL, min(fit, wanted))
        self.fit = self.ms_per_cell >= fit
        # keep the playhead where it was on screen
        self.first_col = max(0, lay.col_of(self.playhead_ms, self.ms_per_cell) - self.view_cols // 2)
        self._clamp_offset()
        self._view_changed()

    def action_move(self, cells: int) -> None:
        self._set_playhead(self.playhead_ms + cells * self.ms_per_cell)

    def action_page(self, direction: int) -> None:
        self._set_playhead(self.playhead_ms + direction * self.view_cols * self.ms_per_cell)

    def action_jump(self, end: int) -> None:
        self._set_playhead(lay.length_ms(self.draft) - self.ms_per_cell if end and self.draft else 0)

    def action_track(self, step: int) -> None:
        if self.tracks:
            self.track_index = max(0, min(len(self.tracks) - 1, self.track_index + step))
            self._view_changed()

    def on_click(self, event: Click) -> None:
        col = event.x - self.styles.padding.left - lay.LABEL_WIDTH
        if col >= 0 and self.draft is not None:
            row = event.y - 1
            for index, track in enumerate(self.tracks):
                height = lay.track_rows(track.kind, True)
                if 0 <= row < height:
                    self.track_index = index
                    break
                row -= height
            self._set_playhead((self.first_col + col) * self.ms_per_cell)

    def select(self, track_index: int, ms: float) -> None:
        """Put the playhead at ``ms`` on track ``track_index`` (the tree's cursor moved)."""
        self.track_index = max(0, min(len(self.tracks) - 1, track_index))
        self._set_playhead(ms)

    def _set_playhead(self, ms: float) -> None:
        if self.draft is None:
            return
        self.playhead_ms = max(0.0, min(float(lay.length_ms(self.draft)) - 1, ms))
        col = lay.col_of(self.playhead_ms, self.ms_per_cell)
        if col < self.first_col:
            self.first_col = col
        elif col >= self.first_col + self.view_cols:
            self.first_col = col - self.view_cols + 1
        self._clamp_offset()
        self._view_changed()

    def _clamp_offset(self) -> None:
        total = lay.col_of(lay.length_ms(self.draft), self.ms_per_cell) + 1 if self.draft is not None else 0
        self.first_col = max(0, min(self.first_col, max(0, total - self.view_cols)))

    def _view_changed(self) -> None:
        self.refresh()
        self._post_picked()
        if self.source is not None and self.is_mounted:
            self.fetch_pictures()

    def _post_picked(self) -> None:
        tracks = self.tracks
        if not tracks:
            return
        track = tracks[self.track_index]
        index = lay.segment_at(track, self.playhead_ms)
        if (self.track_index, index) != self._picked:
            self._picked = (self.track_index, index)
            self.post_message(self.Picked(track, track.segments[index] if index is not None else None))

    # ---- pictures (a worker: never on the UI thread while drawing) ------------------------------
    def _thumb_key(self, media: str, tile: lay.Tile, width: int, rows: int) -> tuple[Any, ...]:
        return (media, tile.source_ms, width, rows, self.mono)

    def wanted(self) -> list[tuple[tuple[Any, ...], str, int, int, int]]:
        """Thumbnails the view shows (and a screen either side) not yet in the cache."""
        out = []
        first, last = self.first_col - self.view_cols, self.first_col + 2 * self.view_cols
        rows = lay.ROWS["Video"]
        width = lay.tile_width(rows, lay.aspect_of(self.draft))
        for track in self.tracks:
            if track.kind != "Video":
                continue
            for seg in track.segments:
                if not seg.source:
                    continue
                for tile in lay.tiles(seg, self.ms_per_cell, width):
                    key = self._thumb_key(seg.source, tile, width, rows)
                    if first <= tile.col < last and key not in self.thumbs and key not in self._failed:
                        out.append((key, seg.source, tile.source_ms, width, rows))
        # what is on screen first
        out.sort(key=lambda w: not (self.first_col <= w[2] / self.ms_per_cell < self.first_col + self.view_cols))
        return out

    @work(exclusive=True, group="timeline-pictures", exit_on_error=False)
    async def fetch_pictures(self) -> None:
        source = self.source
        if source is None:
            return
        for track in self.tracks:
            if track.kind == "Audio":
                for seg in track.segments:
                    if seg.source and seg.source not in self.peaks and ("peaks", seg.source) not in self._failed:
                        found = await source.peaks(seg.source, 2000)
                        if found:
                            self.peaks[seg.source] = found
                            self._waves.clear()
                            self.refresh()
                        else:
                            self._failed.add(("peaks", seg.source))
        for key, media, source_ms, width, rows in self.wanted():
            if key in self.thumbs:
                continue
            image = await source.thumb(media, source_ms / 1000, width, 2 * rows)
            if image is None:
                self._failed.add(key)
                continue
            cells = await asyncio.to_thread(lambda: as_segments(halfblock_rows(image, width, rows, self.mono)))
            self.thumbs.put(key, cells)
            self.refresh()

    # ---- drawing ----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        cols = self.view_cols
        if self.draft is None:
            return Strip.blank(self.content_size.width)
        if y == 0:
            return self._strip(" " * lay.LABEL_WIDTH, None, self._ruler(cols))
        row = y - 1
        for index, track in enumerate(self.tracks):
            height = lay.track_rows(track.kind, True)
            if row < height:
                label = lay.LABELS.get(track.kind, "Other") if row == 0 else ""
                mark = "›" if index == self.track_index and row == 0 else " "
                style = SELECTED if index == self.track_index and row == 0 and self.has_focus else LABEL
                text = f"{mark}{label:<{lay.LABEL_WIDTH - 2}} "
                return self._strip(text, style, self._track_cells(track, row, cols))
            row -= height
        return Strip.blank(self.content_size.width)

    def _strip(self, label: str, style: Style | None, cells: Row) -> Strip:
        return Strip([RichSegment(label, style or NULL), *cells], lay.LABEL_WIDTH + len(cells))

    def _playhead_col(self, cols: int) -> int | None:
        col = lay.col_of(self.playhead_ms, self.ms_per_cell) - self.first_col
        return col if 0 <= col < cols else None

    def _ruler(self, cols: int) -> Row:
        cells: Row = [BLANK] * cols
        from tui.core.timeline import format_ms

        step_ms = lay.tick_step_s(self.ms_per_cell) * 1000
        tick = (self.first_col * self.ms_per_cell // step_ms) * step_ms
        while True:
            col = lay.col_of(tick, self.ms_per_cell) - self.first_col
            if col >= cols:
                break
            if col >= 0:
                for i, char in enumerate("╷" + format_ms(tick)):
                    if col + i < cols:
                        cells[col + i] = RichSegment(char, RULER)
            tick += step_ms
        head = self._playhead_col(cols)
        if head is not None:
            cells[head] = RichSegment("▼", PLAYHEAD_MONO if self.mono else PLAYHEAD)
        return cells

    def _track_cells(self, track: Any, row: int, cols: int) -> Row:
        cells: Row = [BLANK] * cols
        first, last = self.first_col, self.first_col + cols
        for seg in track.segments:
            start = lay.col_of(seg.start_ms, self.ms_per_cell)
            end = max(start + 1, lay.col_of(seg.end_ms, self.ms_per_cell))
            if end <= first or start >= last:
                continue
            if track.kind == "Video":
                self._video(seg, row, cells)
            elif track.kind == "Audio":
                wave = self._wave(seg, end - start)
                pending: Row = [RichSegment("▒", PENDING)] * (end - start)
                self._paste(cells, start, wave[row] if wave else pending)
            else:
                self._paste(cells, start, self._words(seg, end - start))
        head = self._playhead_col(cols)
        if head is not None:
            cells[head] = RichSegment("┃", PLAYHEAD_MONO if self.mono else PLAYHEAD)
        return cells

    def _paste(self, cells: Row, col: int, row: Row) -> None:
        """Put ``row`` (starting at absolute column ``col``) into the visible ``cells``."""
        start = col - self.first_col
        a, b = max(0, start), min(len(cells), start + len(row))
        if a < b:
            cells[a:b] = row[a - start : b - start]

    def _video(self, seg: Any, row: int, cells: Row) -> None:
        rows = lay.ROWS["Video"]
        width = lay.tile_width(rows, lay.aspect_of(self.draft))
        for tile in lay.tiles(seg, self.ms_per_cell, width):
            if tile.col + tile.width <= self.first_col or tile.col >= self.first_col + len(cells):
                continue
            found = self.thumbs.get(self._thumb_key(seg.source, tile, width, rows)) if seg.source else None
            if found is not None:
                self._paste(cells, tile.col, found[row][: tile.width])
            else:
                mark = "▏" if row == 0 else " "
                placeholder: Row = [RichSegment(mark, PENDING)] + [RichSegment("░", PENDING)] * (tile.width - 1)
                self._paste(cells, tile.col, placeholder)

    def _wave(self, seg: Any, width: int) -> list[Row] | None:
        peaks = self.peaks.get(seg.source)
        if not peaks:
            return None
        key = (seg.source, seg.in_ms, seg.duration_ms, width, self.mono)
        found = self._waves.get(key)
        if found is None:
            duration = (self.source.duration(seg.source) if self.source else None) or (
                (seg.in_ms + seg.duration_ms) / 1000
            )
            total = max(1.0, duration * 1000)
            levels = resample_peaks(peaks, seg.in_ms / total, (seg.in_ms + seg.duration_ms) / total, width)
            found = as_segments(waveform_rows(levels, lay.ROWS["Audio"], None if self.mono else WAVE))
            self._waves[key] = found
        return found

    def _words(self, seg: Any, width: int) -> Row:
        words = " ".join((seg.text or seg.name or "title").split())
        style = NULL if self.mono else TEXT_SPAN
        if width < 3:
            return [RichSegment("▌", style)] * width
        inner = words[: width - 2].ljust(width - 2)
        return [RichSegment("[", style), *(RichSegment(c, style) for c in inner), RichSegment("]", style)]
