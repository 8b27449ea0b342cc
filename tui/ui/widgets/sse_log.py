"""The live SSE log: one line per event (time, kind tag, summary), filterable, bounded,
throttled (a flood of events is drawn about ten times a second, never line by line)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from tui.ui.lazy import redact

# kind -> (tag shown, style). The tag is text, so the kind is readable without colour.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "partial": ("partial", "cyan"),
    "text": ("text", "bold green"),
    "thought": ("thought", "dim italic"),
    "call": ("call", "bold yellow"),
    "result": ("result", "blue"),
    "state": ("state", "magenta"),
    "heartbeat": ("heartbeat", "dim"),
    "error": ("error", "bold red"),
    "raw": ("raw", "white"),
}
ALL_KINDS: tuple[str, ...] = tuple(KIND_STYLES)
FLUSH_INTERVAL = 0.1  # seconds: at most ~10 redraws a second


class LogEntry:
    """One received event and the wall-clock time it arrived (HH:MM:SS). The summary and
    the raw text are worked out only when someone reads them (a flood stays cheap)."""

    __slots__ = ("number", "time", "kind", "event", "_summary", "_raw")

    def __init__(self, number: int, time: str, event: Any) -> None:
        self.number = number
        self.time = time
        self.kind = str(getattr(event, "kind", "raw"))
        self.event = event
        self._summary: str | None = None
        self._raw: str | None = None

    @property
    def summary(self) -> str:
        if self._summary is None:
            self._summary = _summary(self.event, self.kind)
        return self._summary

    @property
    def raw(self) -> str:
        if self._raw is None:
            self._raw = redact(str(getattr(self.event, "raw", "") or ""))
        return self._raw


def _summary(event: Any, kind: str) -> str:
    try:
        summary = event.summary()
    except Exception:  # a summary must never break the log
        summary = getattr(event, "text", "") or ""
    summary = " ".join(redact(str(summary)).split())
    # The tag already says the kind: "partial: Sure!" reads as "Sure!" after the tag.
    if summary == kind:
        return ""
    for prefix in (f"{kind}: ", f"{kind} "):
        if summary.startswith(prefix):
            return summary[len(prefix) :]
    return summary


def format_entry(entry: LogEntry, width: int | None = None) -> Text:
    tag, style = KIND_STYLES.get(entry.kind, (entry.kind, ""))
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{entry.time} ", style="dim")
    line.append(f"{tag:<9} ", style=style)
    line.append(entry.summary)
    if width:
        line.truncate(width, overflow="ellipsis")
    return line


class SseLogView(Vertical):
    """The log pane. ``add(event, time)``; ``hidden_kinds`` filters; ``entries`` for the raw view."""

    DEFAULT_CSS = """
    SseLogView { height: 1fr; }
    SseLogView > #sse-log-title { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    SseLogView > RichLog { height: 1fr; background: $surface; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, max_lines: int = 500, keep: int = 500, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_lines = max_lines
        self.entries: deque[LogEntry] = deque(maxlen=keep)
        self.hidden_kinds: frozenset[str] = frozenset()
        self.received = 0
        self.skipped = 0  # events kept but not drawn during floods
        self._overflow = 0
        self._pending: deque[LogEntry] = deque(maxlen=max_lines)
        self._flush_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="sse-log-title", markup=False)

    def on_mount(self) -> None:
        # The log starts empty: its RichLog is mounted just after the first paint.
        self.call_after_refresh(self._mount_log)

    async def _mount_log(self) -> None:
        from textual.widgets import RichLog

        if not self.is_attached:  # the app closed before its first paint was over
            return
        await self.mount(RichLog(max_lines=self.max_lines, markup=False, wrap=False, id="sse-log"))
        if self._pending:
            self.flush()

    @property
    def rich_log(self) -> Any:
        """The RichLog with the lines (textual.widgets.RichLog)."""
        return self.query_one("#sse-log")

    def _title(self) -> str:
        shown = "all kinds" if not self.hidden_kinds else "hiding " + ", ".join(sorted(self.hidden_kinds))
        return f"SSE log · {shown} · {self.received} events"

    def add(self, event: Any, time: str) -> LogEntry:
        self.add_many((event,), time)
        return self.entries[-1]

    def add_many(self, events: Iterable[Any], time: str) -> None:
        """Keep the events; they are drawn at the next flush (at most ~10 a second)."""
        hidden = self.hidden_kinds
        for event in events:
            self.received += 1
            entry = LogEntry(self.received, time, event)
            self.entries.append(entry)
            if entry.kind not in hidden:
                if len(self._pending) == self._pending.maxlen:
                    self._overflow += 1  # the oldest waiting line falls out
                self._pending.append(entry)
        if self._flush_timer is None:
            self._flush_timer = self.set_timer(FLUSH_INTERVAL, self.flush)

    def flush(self, limit: bool = True) -> None:
        self._flush_timer = None
        if not self.is_mounted or not self.query("#sse-log"):
            return
        log = self.rich_log
        width = max(20, log.scrollable_content_region.width or 80)
        # In a flood nobody reads hundreds of lines a second: draw the newest screenfuls
        # and say how many were skipped (all of them stay in ``entries`` for the raw view).
        cap = min(self.max_lines - 1, max(40, 2 * (log.size.height or 20))) if limit else self.max_lines
        extra = max(0, len(self._pending) - cap)
        for _ in range(extra):
            self._pending.popleft()
        skipped, self._overflow = extra + self._overflow, 0
        if skipped > 0:
            self.skipped += skipped
            log.write(Text(f"… {skipped} events not drawn (a flood); F6 shows the recent ones", style="dim italic"))
        while self._pending:
            log.write(format_entry(self._pending.popleft(), width), width=width)
        self.query_one("#sse-log-title", Static).update(self._title())

    def on_resize(self) -> None:
        # Lines are drawn at the width they were written at: redraw the kept ones.
        if self.entries and self.is_mounted and self.query("#sse-log"):
            self.set_hidden_kinds(self.hidden_kinds)

    def set_hidden_kinds(self, kinds: Iterable[str]) -> None:
        """Show only the kinds not in ``kinds``; the lines already kept are redrawn."""
        self.hidden_kinds = frozenset(kinds)
        self._pending.clear()
        self._overflow = 0
        if self.query("#sse-log"):
            self.rich_log.clear()
        self._pending.extend(e for e in self.entries if e.kind not in self.hidden_kinds)
        self.flush(limit=False)  # a redraw of what is kept, not a flood

    def visible_lines(self) -> list[str]:
        """The lines as plain text (what the user reads), oldest first."""
        if not self.query("#sse-log"):
            return []
        return [strip.text for strip in self.rich_log.lines]
