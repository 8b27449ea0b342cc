"""The formats dialog (issue 17): what a link offers, read without downloading, and a pick.

``FormatsScreen(url, load)`` shows "Reading what the link offers…", awaits ``load()`` (a
``LinkInfo``; None when the backend has no ``formats`` extension, i.e. the cloud, where the
service picks the format) and lists:

- **one video**: a row per format (resolution, fps, video and audio codec, bitrate, approximate
  size, container), best first; ★ marks what a plain download (the highest) takes. Enter on a
  row dismisses with ``DownloadRequest(urls=[url], format_id=…, max_height=<its height>)``;
- **a playlist or feed**: a row per entry (number, title, duration); space marks the row, ``a``
  marks all (or none), Enter downloads the marked entries (the row under the cursor when none
  is marked), and the range box takes "all", "1-5", "2,4,7" (Enter downloads those). It
  dismisses with ``DownloadRequest(urls=<the entries' links>)``.

Escape closes it with None. Every string from the link is shown as plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from tui.ui.screens.modals import MODAL_CSS

if TYPE_CHECKING:
    from tui.api.link_info import FormatRow, LinkInfo
    from tui.core.download_intent import DownloadRequest

CLOUD_WORDS = (
    "On the cloud service the service picks the format (the highest the link offers): "
    "there is nothing to choose here. Send the link to download it."
)


def _codec(name: str | None) -> str:
    if not name:
        return "?"
    return "—" if name == "none" else name.split(".", 1)[0]


def _size(row: FormatRow) -> str:
    from tui.core.files import human_bytes

    if not row.filesize:
        return ""
    return ("~" if row.filesize_approx else "") + human_bytes(row.filesize)


def resolution(row: FormatRow) -> str:
    """ "1280×720", "720p", "audio only", or "not stated" (an HLS variant without RESOLUTION)."""
    if not row.has_video and row.vcodec == "none":
        return "audio only"
    if row.width and row.height:
        return f"{row.width}×{row.height}"
    return f"{row.height}p" if row.height else "not stated"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(round(seconds))
    return (
        f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else f"{whole // 60}:{whole % 60:02d}"
    )


class FormatsScreen(ModalScreen["DownloadRequest | None"]):
    """What ``url`` offers; a pick dismisses with the download request (see the module doc)."""

    SCOPED_CSS = False
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    FormatsScreen > Vertical.dialog { height: 90%; }
    FormatsScreen DataTable { height: 1fr; min-height: 4; }
    FormatsScreen #formats-range { display: none; }
    FormatsScreen.-playlist #formats-range { display: block; }
    FormatsScreen #formats-status.-error { color: $error; }
    """
    )
    BINDINGS = [
        Binding("escape", "close", "Close", id="formats_close"),
        Binding("space", "mark", "Mark", id="formats_mark"),
        Binding("a", "mark_all", "All", id="formats_all"),
    ]

    def __init__(self, url: str, load: Callable[[], Awaitable[LinkInfo | None]]) -> None:
        super().__init__()
        self.url = url
        self.load = load
        self.info: LinkInfo | None = None
        self.marked: set[int] = set()  # entry indexes (1-based) marked with space

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Formats of {escape(self.url)}", id="formats-title", classes="title")
            yield Static("Reading what the link offers…", id="formats-status", markup=False)
            yield DataTable(id="formats-table", cursor_type="row", zebra_stripes=True)
            yield Input(placeholder="entries to download: all, 1-5 or 2,4,7 (Enter)", id="formats-range")
            yield Static("Esc closes", id="formats-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.read_link()

    @work(exclusive=True, group="formats", exit_on_error=False)
    async def read_link(self) -> None:
        status = self.query_one("#formats-status", Static)
        try:
            info = await self.load()
        except Exception as exc:  # ApiError, NetworkError: their words, shown as they are
            status.update(f"Could not read this link: {getattr(exc, 'message', None) or exc}")
            status.add_class("-error")
            return
        if info is None:
            status.update(CLOUD_WORDS)
            return
        self.info = info
        if info.is_playlist:
            self._show_entries(info)
        else:
            self._show_formats(info)
        self.query_one("#formats-table", DataTable).focus()

    def _show_formats(self, info: LinkInfo) -> None:
        table = self.query_one("#formats-table", DataTable)
        table.add_columns("", "Resolution", "FPS", "Video", "Audio", "Bitrate", "Size", "Type")
        for row in info.formats:
            table.add_row(
                "★" if info.is_default(row) else "",
                resolution(row),
                f"{row.fps:g}" if row.fps else "",
                _codec(row.vcodec),
                _codec(row.acodec),
                f"{row.tbr:.0f} kb/s" if row.tbr else "",
                _size(row),
                Text(" ".join(x for x in (row.ext, row.note) if x)),
                key=row.format_id,
            )
        title = f" — {info.title}" if info.title else ""
        self.query_one("#formats-title", Label).update(escape(f"Formats of {self.url}{title}"))
        count = len(info.formats)
        subs = f" Subtitles: {', '.join(info.subtitles)}." if info.subtitles else ""
        self.query_one("#formats-status", Static).update(
            (
                f"{count} format{'s' if count != 1 else ''}; ★ is what a plain download takes (the highest)."
                if count
                else "The link lists no formats: a plain download takes what it serves."
            )
            + subs
        )
        self.query_one("#formats-hint", Static).update("↑↓ choose · Enter downloads that format · Esc closes")

    def _show_entries(self, info: LinkInfo) -> None:
        self.add_class("-playlist")
        table = self.query_one("#formats-table", DataTable)
        table.add_columns("✓", "#", "Title", "Duration")
        for entry in info.entries:
            table.add_row(
                "", str(entry.index), Text(entry.title or entry.url), _duration(entry.duration), key=str(entry.index)
            )
        name = info.title or self.url
        self.query_one("#formats-title", Label).update(escape(f"Entries of {name}"))
        more = " (the list stops there: the playlist has more)" if info.truncated else ""
        count = len(info.entries)
        self.query_one("#formats-status", Static).update(f"{count} entr{'ies' if count != 1 else 'y'}{more}.")
        self.query_one("#formats-hint", Static).update(
            "Space marks · a marks all · Enter downloads the marked (or the row) · Esc closes"
        )

    # ---- picking ---------------------------------------------------------------------------
    def _request(self, urls: list[str], row: FormatRow | None = None) -> DownloadRequest:
        from tui.core.download_intent import DownloadRequest

        if row is None:
            return DownloadRequest(urls=urls)
        return DownloadRequest(urls=urls, format_id=row.format_id, max_height=row.height if row.has_video else None)

    @on(DataTable.RowSelected, "#formats-table")
    def picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        info, key = self.info, event.row_key.value
        if info is None or key is None:
            return
        if not info.is_playlist:
            row = next((f for f in info.formats if f.format_id == key), None)
            if row is not None:
                self.dismiss(self._request([self.url], row))
            return
        chosen = sorted(self.marked) or [int(key)]
        self.dismiss(self._request([e.url for e in info.entries if e.index in chosen]))

    @on(Input.Submitted, "#formats-range")
    def range_given(self, event: Input.Submitted) -> None:
        from tui.core.formats_intent import parse_range

        event.stop()
        info = self.info
        if info is None or not info.entries:
            return
        status = self.query_one("#formats-status", Static)
        try:
            numbers = parse_range(event.value, max(e.index for e in info.entries))
        except ValueError as exc:
            status.update(str(exc))
            status.add_class("-error")
            return
        by_index = {e.index: e.url for e in info.entries}
        urls = [by_index[i] for i in numbers if i in by_index]
        if urls:
            self.dismiss(self._request(urls))

    def action_mark(self) -> None:
        info = self.info
        table = self.query_one("#formats-table", DataTable)
        if info is None or not info.is_playlist or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self._set_marks({int(str(key.value))} ^ self.marked if key.value else self.marked)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_mark_all(self) -> None:
        info = self.info
        if info is None or not info.is_playlist:
            return
        every = {e.index for e in info.entries}
        self._set_marks(set() if self.marked == every else every)

    def _set_marks(self, marked: set[int]) -> None:
        table = self.query_one("#formats-table", DataTable)
        first = table.ordered_columns[0].key
        for entry in self.info.entries if self.info else ():
            table.update_cell(str(entry.index), first, "✓" if entry.index in marked else "")
        self.marked = marked

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["CLOUD_WORDS", "FormatsScreen", "resolution"]
