"""The picture mode, and a widget that shows one picture in it.

Modes: ``halfcell`` (colour half-blocks: every terminal, tmux, SSH, the browser), ``shades``
(NO_COLOR: " ░▒▓█" by luminance), ``kitty`` (the Kitty graphics protocol) and ``sixel``,
drawn by textual-image (PyPI ``textual-image``), and ``off`` (bars only). The setting
``pictures`` (tui.config.Settings) forces one; "auto" decides from the environment alone
(TERM, TERM_PROGRAM, KITTY_WINDOW_ID, TMUX), never by asking the terminal: a query waits for
an answer (textual-image waits up to 0.1 s per protocol) and, once Textual reads stdin, its
answer would arrive as key presses. The timeline's strips are always half-blocks or shades
(cheap, cached cells); the larger pictures (a segment's first frame, the storyboard dialog)
use the mode.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from PIL.Image import Image
    from textual.widget import Widget

PICTURE_MODES = ("kitty", "sixel", "halfcell", "shades", "off")
_SIXEL_TERMS = ("foot", "mlterm", "contour", "yaft")
_IMPORT_LOCK = threading.Lock()


def picture_mode(setting: str, env: Mapping[str, str], no_color: bool = False, web: bool = False) -> str:
    """The mode to draw in: a forced ``setting`` ("kitty", "sixel", "halfcell", "off") wins;
    "auto" is ``shades`` without colour, ``halfcell`` in the browser, inside tmux or screen
    (neither passes graphics through by default) and in unknown terminals, ``kitty`` in Kitty,
    ``sixel`` in WezTerm, foot, mlterm and contour."""
    setting = (setting or "auto").lower()
    if setting == "off":
        return "off"
    if setting in ("kitty", "sixel", "halfcell"):
        return setting
    if no_color:
        return "shades"
    if web or env.get("TMUX") or env.get("STY"):
        return "halfcell"
    term = env.get("TERM", "").lower()
    if "kitty" in term or env.get("KITTY_WINDOW_ID"):
        return "kitty"
    if env.get("TERM_PROGRAM", "") == "WezTerm" or any(name in term for name in _SIXEL_TERMS):
        return "sixel"
    return "halfcell"


class _NotATty:
    """Stands in for ``sys.__stdout__`` while textual-image is imported: its package import
    queries the terminal when stdout is a tty (see the module docs)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def textual_image_widgets() -> Any:
    """``textual_image.widget``, imported without its terminal query. The cell size in pixels
    (which Kitty and Sixel pictures are scaled by) is read with the TIOCGWINSZ ioctl, which
    does not wait for the terminal; textual-image's default (10x20) when that fails."""
    if "textual_image.widget" in sys.modules:
        return sys.modules["textual_image.widget"]
    with _IMPORT_LOCK:
        real = sys.__stdout__
        sys.__stdout__ = _NotATty(real)  # type: ignore[misc,assignment]
        try:
            from textual_image import _terminal

            cell = _cell_size(real)
            if cell is not None and not hasattr(_terminal.get_cell_size, "_result"):
                _terminal.get_cell_size._result = _terminal.CellSize(*cell)  # type: ignore[attr-defined, unused-ignore]
            import textual_image.widget as widgets
        finally:
            sys.__stdout__ = real  # type: ignore[misc]
    return widgets


def _cell_size(stdout: Any) -> tuple[int, int] | None:
    try:
        import fcntl
        import struct
        import termios

        raw = fcntl.ioctl(stdout.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        rows, cols, width, height = struct.unpack("HHHH", raw)
    except (OSError, ValueError, AttributeError, ImportError):
        return None
    if not (rows and cols and width and height):
        return None
    return width // cols, height // rows


def cells_text(image: Image, cols: int, rows: int, mono: bool) -> Text:
    """``image`` as half-blocks (or shades) in a ``cols`` x ``rows`` Text."""
    from tui.ui.timeline.cells import halfblock_rows

    text = Text(no_wrap=True, overflow="crop")
    for index, row in enumerate(halfblock_rows(image, cols, rows, mono)):
        if index:
            text.append("\n")
        for char, style in row:
            text.append(char, style)
    return text


def picture_widget(image: Image, cols: int, rows: int, mode: str, **kwargs: Any) -> Widget:
    """A widget of ``cols`` x ``rows`` cells showing ``image`` in ``mode`` (half-blocks or
    shades as a Static; Kitty or Sixel through textual-image's widgets)."""
    from textual.widgets import Static

    if mode in ("kitty", "sixel"):
        try:
            widgets = textual_image_widgets()
            cls = widgets.TGPImage if mode == "kitty" else widgets.SixelImage
            picture: Widget = cls(image, **kwargs)
            picture.styles.width = cols
            picture.styles.height = rows
            return picture
        except Exception:  # noqa: BLE001 - a picture is never worth a crash: half-blocks then
            mode = "halfcell"
    static = Static(cells_text(image, cols, rows, mode == "shades"), **kwargs)
    static.styles.width = cols
    static.styles.height = rows
    return static


def app_picture_mode(app: Any) -> str:
    """The mode for this app: its settings' ``pictures``, its environment, NO_COLOR, web."""
    import os

    settings = getattr(getattr(app, "conn", None), "settings", None)
    setting = getattr(settings, "pictures", "auto")
    return picture_mode(setting, os.environ, bool(getattr(app, "no_color", False)), bool(getattr(app, "is_web", False)))
