"""``nemo-tui ask "…"``: one message to the agent, its reply and the timeline after (issue 17).

The run is the app's: links in the message are added to the session first (as
``tui.ui.chat.driver.drive_run`` does), the ``/run_sse`` stream (``NemoClient.run``) is read
by a pump task into a queue, and every decision — what text is a reply, aggregates replacing
chunks, GUI talk translated, tokens redacted, the 10-minute timeout — is
``tui.core.chat.ChatRun``'s. This module prints its outputs: each finished reply on stdout,
status and notes on stderr; then the timeline (``Draft.summary``) and what changed
(``tui.core.timeline.describe_changes``). The conversation is written to the local record,
so the app shows it when it resumes the session. A run is never re-sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from tui.api.errors import ApiError, StreamCut
from tui.commands.backend import EXIT_FAILED, EXIT_OK, Backend, CommandError, printable, say
from tui.core import chat as C

TICK_S = 1.0


async def _pump(backend: Backend, session_id: str, text: str, queue: asyncio.Queue[tuple[str, Any]]) -> None:
    try:
        async for event in backend.client.run(session_id, text):
            await queue.put(("event", event))
    except StreamCut as error:
        await queue.put(("cut", error))
    except ApiError as error:
        await queue.put(("api_error", error))
    else:
        await queue.put(("end", None))


def _added(result: Any) -> str:
    names = [getattr(f, "filename", "") or "file" for f in getattr(result, "files", None) or []]
    return "Added " + (", ".join(names) if names else "the link") + " to the session."


async def _add_links(backend: Backend, session_id: str, urls: list[str]) -> None:
    say(f"Adding {', '.join(urls)} to the session first…")
    try:
        result = await backend.client.upload_urls(session_id, urls)
    except ApiError as error:
        raise CommandError(
            f"{error.message} {error.next_step} Your message was not sent to the agent, so no credits were used."
        ) from None
    say(_added(result))
    for f in getattr(result, "files", None) or []:
        for note in getattr(f, "notes", None) or []:
            say(f"  · {note}")


class _Printer:
    """ChatRun's outputs: replies on stdout (unless --json), the rest on stderr."""

    def __init__(self, run: C.ChatRun, quiet_stdout: bool) -> None:
        self.run = run
        self.quiet_stdout = quiet_stdout
        self.printed = 0
        self.errors: list[str] = []
        self._status_at = 0.0

    def __call__(self, outputs: list[C.Output]) -> None:
        for out in outputs:
            if isinstance(out, C.FinishMessage):
                self.flush()
            elif isinstance(out, C.Status):
                now = time.monotonic()
                if now - self._status_at >= 1.0:
                    self._status_at = now
                    say(f"… {out.text}")
            elif isinstance(out, (C.Note, C.TimedOut)):
                say(out.text)
            elif isinstance(out, C.Error):
                self.errors.append(out.text)
                say(out.text)

    def flush(self) -> None:
        """Print the replies finished since the last flush."""
        for text in self.run.messages[self.printed :]:
            if not self.quiet_stdout:
                sys.stdout.write(printable(text).rstrip() + "\n")
                sys.stdout.flush()
        self.printed = len(self.run.messages)


async def _drive(backend: Backend, session_id: str, text: str, show: _Printer) -> str:
    """Stream the run into ``show``; its outcome ("finished", "error", "cut", "timeout")."""
    run = show.run
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=2500)
    pump = asyncio.create_task(_pump(backend, session_id, text, queue))
    try:
        while not run.done:
            try:
                kind, item = await asyncio.wait_for(queue.get(), timeout=TICK_S)
            except TimeoutError:
                show(run.tick())
                continue
            if kind == "event":
                show(run.feed(item))
            elif kind == "end":
                show(run.finish())
            elif kind == "cut":
                show(run.cut())
            else:  # the request itself failed: say it plainly
                show(run.finish())
                error: ApiError = item
                show.errors.append(error.message)
                say(f"{error.message}" + (f" {error.next_step}" if error.next_step else "") + " Nothing was re-sent.")
                return "error"
        return run.outcome or "finished"
    except asyncio.CancelledError:
        show(run.cancel())
        raise
    finally:
        show.flush()
        if not pump.done():
            pump.cancel()  # hang up: the run stops on the server; nothing is ever re-sent
            try:
                await pump
            except BaseException:
                pass


async def ask(backend: Backend, args: argparse.Namespace) -> int:
    from tui.core.router import extract_urls
    from tui.core.timeline import describe_changes

    text = args.message.strip()
    session_id = await backend.session(args.session, create=True)
    say(f"Session {session_id}")
    backend.record(session_id, "user", text)
    urls = extract_urls(text)
    if urls:
        await _add_links(backend, session_id, urls)
    before = (await backend.client.state(session_id)).draft
    run = C.ChatRun()
    show = _Printer(run, quiet_stdout=args.json)
    try:
        outcome = await _drive(backend, session_id, text, show)
    finally:
        for reply in run.messages:
            backend.record(session_id, "agent", reply)
        for error in show.errors:
            backend.record(session_id, "error", error)
    after = (await backend.client.state(session_id)).draft
    changes = describe_changes(before, after)
    if args.json:
        obj = {
            "session_id": session_id,
            "reply": "\n\n".join(run.messages),
            "changes": changes,
            "timeline": after.summary(),
            "outcome": outcome,
        }
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        text = "\n" + "".join(line + "\n" for line in changes) + after.summary() + "\n"
        sys.stdout.write(printable(text))
    sys.stdout.flush()
    return EXIT_OK if outcome == "finished" and not show.errors else EXIT_FAILED


__all__ = ["ask"]
