"""One agent run, driven from the chat pane's "chat" worker.

The stream is read by a pump task into a queue so the run can also be ticked while the
stream is quiet (the "still working" notes and the 10-minute timeout come from
tui.core.chat.ChatRun, with the app's injectable clock and tick interval). Every decision
is ChatRun's; this module only turns its outputs into typed messages posted to the pane.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, StreamCut
from tui.core import chat as C
from tui.ui import messages as m
from tui.ui.connection import Connection, fetch_state, uploaded_words
from tui.ui.timing import RunTiming

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from tui.api.client import NemoClient

NOTE_KINDS: dict[type, m.NoteKind] = {C.Note: "info", C.Error: "error", C.TimedOut: "warning"}


def post_outputs(app: MessagePump, outputs: list[Any], checks: list[str]) -> None:
    """ChatRun's outputs as the app's messages; chunks in a row are joined and only the
    last status is kept, so a flood of events becomes a few messages."""
    chunk: list[str] = []
    status: str | None = None

    def flush_chunk() -> None:
        if chunk:
            app.post_message(m.AgentChunk("".join(chunk)))
            chunk.clear()

    for out in outputs:
        if isinstance(out, C.AppendChunk):
            chunk.append(out.text)
            continue
        if isinstance(out, C.Status):
            status = out.text
            continue
        flush_chunk()
        if isinstance(out, C.ReplaceText):
            app.post_message(m.AgentText(out.text))
        elif isinstance(out, C.FinishMessage):
            app.post_message(m.AgentFinished())
        elif isinstance(out, C.NeedsStateCheck):
            if out.reason == "state_delta" and "state_delta" not in checks[-1:]:
                app.post_message(m.StateCheck("state_delta", None))
            checks.append(out.reason)
        elif type(out) in NOTE_KINDS:
            app.post_message(m.ChatNote(out.text, NOTE_KINDS[type(out)]))
    flush_chunk()
    if status is not None:
        app.post_message(m.RunStatus(status))


BATCH = 500  # events handled per turn of the loop at most: the screen stays responsive


async def _pump(client: NemoClient, session_id: str, text: str, queue: asyncio.Queue[tuple[str, Any]]) -> None:
    try:
        async for event in client.run(session_id, text):
            await queue.put(("event", event))
    except StreamCut as error:
        await queue.put(("cut", error))
    except ApiError as error:
        await queue.put(("api_error", error))
    except Exception as error:  # a bug or an unexpected transport failure: report, never crash
        await queue.put(("crash", error))
    else:
        await queue.put(("end", None))


async def drive_run(app: MessagePump, conn: Connection, timing: RunTiming, text: str, urls: list[str]) -> None:
    """Run one message: add its links first (if any), then stream the agent's run, posting
    every message to ``app`` (the chat pane). Cancelled (Escape): hang up, never re-send."""
    client, session_id = conn.client, conn.session_id
    assert client is not None and session_id is not None
    if urls:
        app.post_message(m.ChatNote(f"Adding {', '.join(urls)} to the session first…"))
        app.post_message(m.RunStarted(None, text, "adding the link…"))
        try:
            result = await client.upload_urls(session_id, urls)
        except asyncio.CancelledError:  # Escape while the link is fetched
            app.post_message(
                m.ChatNote("Stopped: the link was not added here and nothing was sent to the agent.", "warning")
            )
            app.post_message(m.RunFinished("cancelled", None, conn.draft, text))
            return
        except ApiError as error:
            app.post_message(m.ApiFailure(error, "adding the link"))
            app.post_message(
                m.ChatNote(
                    "Your message was not sent to the agent, so no credits were used. Fix the link and send it again.",
                    "warning",
                )
            )
            app.post_message(m.RunFinished("api_error", None, conn.draft, text))
            return
        app.post_message(m.ChatNote(uploaded_words(result), "success"))
        await fetch_state(app, conn)

    before = conn.draft
    run = C.ChatRun(clock=timing.clock, note_every=timing.note_every, timeout=timing.run_timeout)
    checks: list[str] = []
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=5 * BATCH)  # backpressure to the network
    app.post_message(m.RunStarted(run, text))
    pump = asyncio.create_task(_pump(client, session_id, text, queue))
    outcome = "finished"
    failure: m.ApiFailure | m.ChatNote | None = None
    try:
        while not run.done:
            if queue.empty():
                try:
                    first = await asyncio.wait_for(queue.get(), timeout=timing.tick_interval)
                except TimeoutError:
                    post_outputs(app, run.tick(), checks)
                    continue
            else:
                first = queue.get_nowait()
            items = [first]
            while len(items) < BATCH and not queue.empty():
                items.append(queue.get_nowait())
            events: list[Any] = []
            outputs: list[Any] = []
            for kind, item in items:
                if run.done:
                    break
                if kind == "event":
                    events.append(item)
                    outputs.extend(run.feed(item))
                elif kind == "end":
                    outputs.extend(run.finish())
                elif kind == "cut":
                    outputs.extend(run.cut())
                else:
                    # The request itself failed (no stream, or an API error code): say it plainly.
                    outputs.extend(o for o in run.finish() if not isinstance(o, C.NeedsStateCheck))
                    outcome = "api_error"
                    if kind == "api_error":
                        failure = m.ApiFailure(item, "talking to the agent")
                    else:
                        failure = m.ChatNote(
                            f"Something went wrong while talking to the agent: {item}. Nothing was re-sent.", "error"
                        )
            if events:
                app.post_message(m.SseReceived(events))
            post_outputs(app, outputs, checks)
            if outcome == "api_error" and failure is not None:
                checks.clear()
                app.post_message(failure)
            # Let the screen breathe between batches.
            await asyncio.sleep(0)
        if outcome != "api_error":
            outcome = run.outcome or "finished"
    except asyncio.CancelledError:
        post_outputs(app, run.cancel(), checks)
        outcome = "cancelled"
    finally:
        if not pump.done():
            pump.cancel()  # hang up: ADK aborts the run; nothing is ever re-sent
            try:
                await pump
            except BaseException:
                pass
        final_check = next((c for c in checks if c != "state_delta"), None)
        app.post_message(m.RunFinished(outcome, final_check, before, text))
