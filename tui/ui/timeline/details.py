"""``SegmentDetails``: the chosen segment in words (track, source, in/out, place on the
timeline, volume, text) and, for a video segment, its first frame larger, fetched in a
worker from the timeline's ``PictureSource``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.ui.timeline.pictures import PictureSource

PICTURE_ROWS = 6


def details_text(track: Any, segment: Any) -> str:
    """The words of the details pane, e.g. ``Video · city.mp4\\nsource in 2s · out 12s\\n
    on the timeline 0–10s · vol 100%``; user text is kept as is (shown with markup off)."""
    from tui.core.timeline import format_ms, format_span

    kind = getattr(track, "kind", "Other")
    if segment is None:
        return f"{kind}: nothing here"
    if kind == "Text":
        head = f"Text · {segment.title}"
    else:
        head = f"{kind} · {segment.clip_name}"
    lines = [head]
    if kind != "Text":
        lines.append(f"source in {format_ms(segment.in_ms)} · out {format_ms(segment.in_ms + segment.duration_ms)}")
    place = f"on the timeline {format_span(segment.start_ms, segment.end_ms)}"
    if segment.volume is not None:
        place += " · muted" if segment.volume == 0 else f" · vol {segment.volume:g}%"
    lines.append(place)
    return "\n".join(lines)


class SegmentDetails(Horizontal):
    """``show(track, segment, source, mode, aspect)``; hidden until a segment is chosen."""

    DEFAULT_CSS = """
    SegmentDetails { height: auto; max-height: 7; padding: 0 1; display: none; }
    SegmentDetails.-shown { display: block; }
    SegmentDetails > #details-picture { width: auto; height: auto; margin-right: 1; }
    SegmentDetails > #details-text { width: 1fr; height: auto; color: $text-muted; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.segment: Any = None
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="details-picture")
        yield Static("", id="details-text", markup=False)

    def show(self, track: Any, segment: Any, source: PictureSource | None, mode: str, aspect: float) -> None:
        self.segment = segment
        self.text = details_text(track, segment)
        self.add_class("-shown")
        self.query_one("#details-text", Static).update(Text(self.text))
        picture = self.query_one("#details-picture", Static)
        picture.update("")
        picture.display = False
        for graphic in self.query(".details-graphic"):
            graphic.remove()
        if segment is not None and source is not None and getattr(track, "kind", "") == "Video" and segment.source:
            self.first_frame(segment, source, mode, aspect)

    @work(exclusive=True, group="timeline-details", exit_on_error=False)
    async def first_frame(self, segment: Any, source: PictureSource, mode: str, aspect: float) -> None:
        import asyncio

        from tui.ui.timeline.graphics import cells_text
        from tui.ui.timeline.layout import tile_width

        cols = tile_width(PICTURE_ROWS, aspect)
        # Kitty and Sixel pictures are scaled by the terminal: ask for more pixels than cells
        scale = 8 if mode in ("kitty", "sixel") else 1
        image = await source.thumb(segment.source, segment.in_ms / 1000, cols * scale, 2 * PICTURE_ROWS * scale)
        if image is None or segment is not self.segment:
            return
        if mode in ("kitty", "sixel"):
            from tui.ui.timeline.graphics import picture_widget

            await self.mount(picture_widget(image, cols, PICTURE_ROWS, mode, classes="details-graphic"), before=0)
            return
        text = await asyncio.to_thread(cells_text, image, cols, PICTURE_ROWS, mode == "shades")
        picture = self.query_one("#details-picture", Static)
        picture.update(text)
        picture.display = True
