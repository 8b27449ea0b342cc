"""Pictures and peaks as terminal cells, computed once and cached by the caller.

A picture becomes rows of cells where each cell shows two vertical pixels: "▀" with the upper
pixel as foreground and the lower one as background (the half-block technique textual-image's
halfcell renderer and Rich use). Without colour (NO_COLOR) a cell is a shade of its two
pixels' mean luminance (" ░▒▓█"), so the picture still reads in a monochrome terminal.
A waveform is one column of block elements per cell ("▁".."█", stacked over ``rows`` rows),
blank where the sound is silent. Everything here is plain data: no Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from PIL.Image import Image

Cell = tuple[str, Style | None]
CellRow = list[Cell]

HALF = "▀"
SHADES = " ░▒▓█"
BLOCKS = " ▁▂▃▄▅▆▇█"
SILENCE = 0.02  # a peak at or under this (about -34 dBFS) draws nothing: silence stays blank


def fit(image: Image, cols: int, rows: int) -> Image:
    """``image`` scaled to exactly ``cols`` x ``2*rows`` pixels (RGB), the pixels of a
    ``cols`` x ``rows`` cell block; the caller chose the size for the aspect it wants."""
    from PIL import Image as PILImage

    return image.convert("RGB").resize((max(1, cols), max(2, 2 * rows)), PILImage.Resampling.BILINEAR)


def halfblock_rows(image: Image, cols: int, rows: int, mono: bool = False) -> list[CellRow]:
    """``rows`` rows of ``cols`` cells showing ``image``: half-blocks in colour, or shades
    when ``mono``. Styles are shared between equal pixel pairs (fewer objects, faster joins)."""
    small = fit(image, cols, rows)
    data = small.tobytes()  # RGB, row after row
    width = small.width
    out: list[CellRow] = []
    styles: dict[bytes, Style] = {}
    for row in range(rows):
        line: CellRow = []
        for col in range(cols):
            a = (2 * row * width + col) * 3
            b = a + width * 3
            top, bottom = data[a : a + 3], data[b : b + 3]
            if mono:
                luma = (_luma(top) + _luma(bottom)) / 2
                line.append((SHADES[min(len(SHADES) - 1, int(luma * len(SHADES)))], None))
                continue
            key = top + bottom
            style = styles.get(key)
            if style is None:
                style = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
                styles[key] = style
            line.append((HALF, style))
        out.append(line)
    return out


def _luma(pixel: bytes) -> float:
    """Relative luminance 0..1 (ITU-R BT.601 weights)."""
    r, g, b = pixel[:3]
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


def resample_peaks(peaks: list[float], start: float, end: float, cells: int) -> list[float]:
    """The loudest peak of each of ``cells`` equal slices of the fraction ``start..end``
    (0..1 of the media) of ``peaks`` (0..1 per equal time bucket of the whole media)."""
    n = len(peaks)
    if n == 0 or cells <= 0:
        return [0.0] * max(0, cells)
    out: list[float] = []
    span = max(0.0, end - start)
    for i in range(cells):
        a = start + span * i / cells
        b = start + span * (i + 1) / cells
        lo = max(0, min(n - 1, int(a * n)))
        hi = max(lo + 1, min(n, int(b * n + 0.999999)))
        out.append(max(0.0, min(1.0, max(peaks[lo:hi]))))
    return out


def waveform_rows(levels: list[float], rows: int, style: Style | None = None) -> list[CellRow]:
    """``rows`` rows of one cell per level: a bar from the bottom row up, in eighths of a
    cell; a level at or under :data:`SILENCE` is blank in every row."""
    eighths = rows * 8
    out: list[CellRow] = [[] for _ in range(rows)]
    for level in levels:
        filled = 0 if level <= SILENCE else max(1, round(level * eighths))
        for row in range(rows):
            # row 0 is the top: it fills last
            below = (rows - 1 - row) * 8
            part = max(0, min(8, filled - below))
            out[row].append((BLOCKS[part], style))
    return out


NULL = Style()


def segments_of(cells: CellRow) -> list[Segment]:
    """Rich Segments for a row of cells, runs of one style joined into one Segment (never a
    None style: Textual's line filters, e.g. NO_COLOR's Monochrome, read every style)."""
    out: list[Segment] = []
    text: list[str] = []
    current: Style | None = None
    for char, style in cells:
        if style is not current and text:
            out.append(Segment("".join(text), current or NULL))
            text = []
        current = style
        text.append(char)
    if text:
        out.append(Segment("".join(text), current or NULL))
    return out
