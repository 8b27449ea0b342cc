"""One agent run, driven from the app's "chat" worker.

The stream is read by a pump task into a queue so the run can also be ticked while the
stream is quiet (the "still working" notes and the 10-minute timeout come from
tui.core.chat.ChatRun, with the app's injectable clock and tick interval). Every decision
is ChatRun's; this module only turns its outputs into the app's typed messages.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, StreamCut
from tui.core import chat as C
from tui.ui import messages as m

if TYPE_CHECKING:
    from tui.ui.app import NemoApp

NOTE_KINDS = {C.Note: "info", C.Error: "error", C.TimedOut: "warning"}


def post_outputs(app: "NemoApp", outputs: list[Any], checks: list[str]) -> None:
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


async def _pump(client: Any, session_id: str, text: str, queue: asyncio.Queue) -> None:
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


async def drive_run(app: "NemoApp", text: str, urls: list[str]) -> None:
    client, session_id = app.client, app.session_id
    if urls:
        app.post_message(m.ChatNote(f"Adding {', '.join(urls)} to the session first…"))
        app.post_message(m.RunStarted(None, text, "adding the link…"))
        try:
            result = await client.upload_urls(session_id, urls)
        except asyncio.CancelledError:  # Escape while the link is fetched
            app.post_message(
                m.ChatNote("Stopped: the link was not added here and nothing was sent to the agent.", "warning")
            )
            app.post_message(m.RunFinished("cancelled", None, app.draft, text))
            return
        except ApiError as error:
            app.post_message(m.ApiFailure(error, "adding the link"))
            app.post_message(
                m.ChatNote("Your message was not sent to the agent, so no credits were used. Fix the link and send it again.", "warning")
            )
            app.post_message(m.RunFinished("api_error", None, app.draft, text))
            return
        from tui.ui.app import uploaded_words

        app.post_message(m.ChatNote(uploaded_words(result), "success"))
        try:
            app.post_message(m.StateLoaded(await client.state(session_id)))
        except ApiError as error:
            app.post_message(m.ApiFailure(error, "loading the project state"))

    before = app.draft
    run = C.ChatRun(clock=app.clock, note_every=app.note_every, timeout=app.run_timeout)
    checks: list[str] = []
    queue: asyncio.Queue = asyncio.Queue(maxsize=5 * BATCH)  # backpressure to the network
    app.post_message(m.RunStarted(run, text))
    pump = asyncio.create_task(_pump(client, session_id, text, queue))
    outcome = "finished"
    try:
        while not run.done:
            if queue.empty():
                try:
                    first = await asyncio.wait_for(queue.get(), timeout=app.tick_interval)
                except asyncio.TimeoutError:
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
            if outcome == "api_error":
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
