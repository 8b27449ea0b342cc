"""A streamed reply finished at the moment its first throttled write starts (issue 15).

Under load, the tmux test's title edit sometimes never showed: the intro ("Sure! I'm adding
the title …", two chunks 0.05 s apart) ends about when the reply's 0.1 s throttle timer
fires. The timer's callback runs in the timer's own task: it creates the Markdown stream
(whose task is only scheduled) and yields; the chat pane's task then finishes the reply and
stops that stream before its task ever ran. Textual's ``MarkdownStream.stop()`` re-raised
that task's CancelledError into the pane's message pump, which ended quietly: the chat pane
vanished from the screen and its running chat worker (the edit's stream) was cancelled.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical

from tests.ui.pilot_helpers import screen_text, wait_until
from tui.ui.chat.reply import AgentMessage

INTRO = 'Sure! I\'m adding the title "Urban Dreams".'


class Pane(Vertical):
    """Stands for the chat pane: it finishes replies in its own message pump."""

    def __init__(self, reply: AgentMessage) -> None:
        super().__init__()
        self.reply = reply
        self.finished: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.reply

    async def finish(self) -> None:
        """What the pane does on AgentFinished, with the timer's first write racing it."""
        reply = self.reply
        await reply.append_text(INTRO)
        assert reply._timer is not None
        reply._timer.stop()  # the write below is this timer's tick, run in a task of its own
        tick = asyncio.create_task(reply._write_pending())
        await asyncio.sleep(0)  # the tick starts the stream's task and yields; that task has not run yet
        self.finished.append(await reply.finish_stream())
        await tick


class Host(App[None]):
    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


async def test_finishing_a_reply_as_its_first_write_starts_keeps_the_pane():
    reply = AgentMessage()
    pane = Pane(reply)
    async with Host(pane).run_test(size=(80, 12)) as pilot:
        pane.call_later(pane.finish)  # in the pane's own message pump, as AgentFinished is
        await wait_until(lambda: pane.finished or not pane.is_attached, timeout=30)
        assert pane.is_attached, "finishing the reply ended the pane's message pump: the pane is gone"
        assert pane.finished == [INTRO]
        await wait_until(lambda: INTRO in screen_text(pilot.app), timeout=30)
        # and the pane still handles what comes next
        later = AgentMessage()
        await pane.mount(later)
        await later.append_text("Done: Added title 'Urban Dreams'.")
        assert await later.finish_stream() == "Done: Added title 'Urban Dreams'."
        await wait_until(lambda: "Done: Added title" in screen_text(pilot.app), timeout=30)


async def test_a_cancelled_caller_still_stops():
    """The other way round: when the task finishing the reply is itself cancelled while the
    stream winds down (Escape, the app closing), that cancellation goes through."""
    reply = AgentMessage()
    pane = Pane(reply)
    async with Host(pane).run_test(size=(80, 12)):
        appends: list[str] = []
        release = asyncio.Event()
        original = reply.append

        def held_append(markdown: str):
            async def run() -> None:
                appends.append(markdown)
                await release.wait()
                await original(markdown)

            return run()

        reply.append = held_append  # type: ignore[method-assign]
        for text in (INTRO, " More."):
            await reply.append_text(text)
            assert reply._timer is not None
            reply._timer.stop()
            await reply._write_pending()
        # the stream's task holds the first piece; stopping it appends the second
        finishing = asyncio.create_task(reply.finish_stream())
        await wait_until(lambda: len(appends) == 2, timeout=30)
        finishing.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await finishing
