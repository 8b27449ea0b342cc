"""One reply of the agent: a Markdown widget that owns its stream (as oterm's ``ChatItem``).

``append_text`` adds streamed text, ``set_text`` replaces the whole text (the aggregate, or a
translated final), ``finish_stream`` stops the stream and shows the whole text once. Every
text is redacted as a whole (a token can be split across chunks) before it is shown; the
Markdown is written about 10 times a second at most (it re-parses its last block on every
write). Its own module: Markdown loads only when a reply comes.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.widgets import Markdown

from tui.ui.lazy import redact

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets._markdown import MarkdownStream

THROTTLE_S = 0.1


class AgentMessage(Markdown):
    """One reply of the agent, streamed as Markdown. ``text`` is what is shown (redacted)."""

    DEFAULT_CSS = """
    AgentMessage {
        margin: 1 4 0 0;
        padding: 0 1;
        background: $boost;
        border-left: outer $success;
    }
    /* No :last-child rule here: an order-dependent rule makes Textual restyle every block
       of the reply each time a streamed paragraph is mounted (quadratic on long replies). */
    """

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        self.text = text
        self._raw = ""  # everything received, before redaction
        self._shown = ""  # what has been handed to the stream
        self._pending = ""  # new text waiting for the next write
        self._timer: Timer | None = None
        self._stream: MarkdownStream | None = None  # started at the first write

    async def append_text(self, chunk: str) -> None:
        """Add streamed text. If redaction rewrote what is already shown, redraw it whole."""
        self._raw += chunk
        shown = redact(self._raw)
        self.text = shown
        if shown.startswith(self._shown):
            self._pending += shown[len(self._shown) :]
            self._shown = shown
            if self._timer is None:
                self._timer = self.set_timer(THROTTLE_S, self._write_pending)
        else:
            self._shown = shown
            self._pending = ""
            stream, self._stream = self._stream, None
            if stream is not None:
                await stop_stream(stream)
            await self.update(shown)

    def set_text(self, text: str) -> None:
        """The whole text of the reply (shown in full by ``finish_stream``)."""
        self._raw = text

    async def _write_pending(self) -> None:
        self._timer = None
        text, self._pending = self._pending, ""
        if not text:
            return
        if self._stream is None:
            self._stream = Markdown.get_stream(self)
        await self._stream.write(text)  # lets the stream's task start before any stop()

    async def finish_stream(self) -> str:
        """Stop the stream and show the whole (redacted) text once; returns that text."""
        full = redact(self._raw)
        stream, self._stream = self._stream, None
        self._pending = ""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        try:
            if stream is not None:
                await stop_stream(stream)
        finally:
            # One full update: a half-streamed code fence can otherwise lose text.
            self.text = full
            await self.update(full)
        return full


async def stop_stream(stream: MarkdownStream) -> None:
    """``stream.stop()``, also when the stream's task was cancelled before it ever ran.

    Textual's ``MarkdownStream.stop()`` cancels its task and awaits it. The first write runs
    in the throttle timer's own task: it creates the stream (its task only scheduled) and
    yields; if the chat pane's task stops the stream in that gap, the stream's task ends
    cancelled without running its own ``except CancelledError``, and the await re-raises that
    CancelledError in the pane's message pump, which then ends quietly: the pane leaves the
    screen and its chat worker (the run being streamed) is cancelled (issue 15). Such an error
    is not the caller's: it is dropped (every stop is followed by a full ``update``, so no
    text is lost). A cancellation of the caller itself goes through.
    """
    try:
        await stream.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
