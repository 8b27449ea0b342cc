"""One /run_sse run: the agent's plan executed on the session, streamed as ADK events.

``AgentRun.produce(emit)`` is the producer: it emits event dicts; the server's stream sends
them, adds heartbeats while nothing else is sent, and cancels the run if the client hangs up
(frozen credits are then released).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from tui.engine import adk, agent, history
from tui.engine import draft as drafts
from tui.engine.envelope import scrub_paths
from tui.engine.intents import EDIT_KINDS, HISTORY_KINDS, parse
from tui.engine.nlu.replies import error_text, help_text, say

if TYPE_CHECKING:
    from tui.engine.service import Engine

P = ParamSpec("P")
T = TypeVar("T")
Emit = Callable[[dict[str, Any]], None]
SILENT_PREFIX = "\x00silent:"


class AgentRun:
    def __init__(self, engine: Engine, user_id: str, session_id: str, text: str) -> None:
        self.engine = engine
        self.store = engine.store
        self.user_id = user_id
        self.session_id = session_id
        self.text = text
        self.request = parse(text)
        self.invocation_id = adk.new_invocation_id()
        self.cancel = threading.Event()
        self.frozen = False
        self.cost = 0
        self.is_edit = False
        self.new_urls: list[str] = []

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def prepare(self) -> tuple[bool, int]:
        """Decide whether this is an edit run and whether the user can pay for it.
        Returns (ok, cost). Nothing is frozen yet: the stream freezes when it starts, so a
        client that is gone before the first byte never leaves credits frozen."""
        uploads = await self.db(self.store.uploads, self.session_id)
        known = {u["source_url"] for u in uploads if u.get("source_url")}
        self.new_urls = [u for u in self.request.urls if u not in known]
        kinds = set(self.request.kinds())
        self.is_edit = bool(self.new_urls) or bool(kinds & (EDIT_KINDS | HISTORY_KINDS))
        # undo/redo/revert are free; an edit costs credits only if it changes something
        # (frozen now, charged or released when the run ends)
        self.cost = self.engine.edit_cost if (self.new_urls or kinds & EDIT_KINDS) else 0
        if self.cost:
            balance = await self.db(self.store.balance, self.user_id)
            return balance["available"] >= self.cost, self.cost
        return True, 0

    async def say(self, emit: Emit, text: str) -> None:
        for piece in adk.chunks(text):
            emit(adk.text_event(self.invocation_id, piece, partial=True))
            await asyncio.sleep(self.engine.chunk_delay)
        emit(adk.text_event(self.invocation_id, text))

    async def produce(self, emit: Emit) -> None:
        try:
            if self.cost:
                # the credits are frozen while the run works (another run may have spent them
                # since prepare(): then the run stops here with the 2001 error frame)
                self.frozen = await self.db(self.store.freeze, self.user_id, self.cost, self.invocation_id)
                if not self.frozen:
                    emit(
                        adk.error_event(
                            self.invocation_id,
                            "2001",
                            "Local allowance: not enough credits left today for this edit. They renew tomorrow.",
                        )
                    )
                    return
            await self.db(self.store.add_message, self.session_id, "user", self.text, self.invocation_id)
            role, reply = "agent", await self._produce(emit)
        except asyncio.CancelledError:  # the client hung up
            self.cancel.set()
            if self.cost:  # unconditionally: the freeze may have landed just as we were cancelled
                await asyncio.shield(self.db(self.store.release, self.user_id, self.invocation_id))
                self.frozen = False
            raise
        except Exception as exc:  # the agent itself failed: ADK's error frame
            if self.cost:
                await self.db(self.store.release, self.user_id, self.invocation_id)
                self.frozen = False
            words = scrub_paths(str(exc))
            emit(
                {
                    "error": f"{type(exc).__name__}: {words}",
                    "error_details": {"error_type": type(exc).__name__, "error_message": words},
                }
            )
            return
        if reply.startswith(SILENT_PREFIX):  # nothing was said: keep what the tools did
            role, reply = "tool", reply[len(SILENT_PREFIX) :]
        await self.db(self.store.add_message, self.session_id, role, reply, self.invocation_id)

    async def _produce(self, emit: Emit) -> str:
        req = self.request
        draft, _version = await self.db(self.store.latest_draft, self.session_id)
        uploads = await self.db(self.store.uploads, self.session_id)
        lang = req.lang
        if not self.is_edit:
            p = agent.plan(req, draft, [*uploads])
            if req.urls and not req.intents:
                text = say("link_known", lang) + "\n" + drafts.describe(draft)
            else:
                text = "\n\n".join([x for x in (p.reply, *p.notes) if x]) or help_text(lang)
            await self.say(emit, text)
            return text

        run_no = await self.db(self.store.next_edit_run, self.session_id)
        ratio = self.engine.silent_ratio
        silent = int((run_no + 1) * ratio) > int(run_no * ratio)

        first_plan = agent.plan(req, draft, [*uploads])
        if not silent:
            intro = agent.intro_text(first_plan.calls, self.new_urls, lang)
            if intro:
                await self.say(emit, intro)

        done: list[str] = []
        failed: list[str] = []
        # 1. links not in the session yet: fetch them (progress as heartbeats)
        for url in self.new_urls:
            call_id = adk.new_call_id()
            emit(
                adk.call_event(
                    self.invocation_id,
                    call_id,
                    agent.INGEST_TOOL,
                    {"url": url, "format": "mp4", "resolution": "highest"},
                )
            )
            try:
                row, version = await self.engine.ingest(
                    self.user_id, self.session_id, url, progress=lambda p: emit(adk.heartbeat(p)), cancel=self.cancel
                )
            except Exception as exc:  # IngestError and friends: plain words
                message = scrub_paths(getattr(exc, "message", None) or str(exc))
                emit(
                    adk.response_event(
                        self.invocation_id, call_id, agent.INGEST_TOOL, {"status": "error", "message": message}
                    )
                )
                failed.append(message)
                continue
            emit(
                adk.response_event(
                    self.invocation_id,
                    call_id,
                    agent.INGEST_TOOL,
                    {
                        "status": "success",
                        "upload_id": row["upload_id"],
                        "message": f"Fetched {row['filename']}",
                        "duration": row["duration"],
                        "width": row["width"],
                        "height": row["height"],
                    },
                    state_delta={"draft_version": version},
                )
            )
            size = f" ({row['width']}x{row['height']})" if row.get("width") else ""
            done.append(f"已获取 {row['filename']}{size}" if lang == "zh" else f"fetched {row['filename']}{size}")
        # 2. the edits, planned on the draft as it is now (one run edits a session at a time)
        before_ms = int(draft.get("d", 0)) or None
        start_draft = draft
        async with self.engine.session_lock(self.session_id):
            the_plan, draft, done_edits, unchanged, failed_edits = await self._edit(emit)
        done += done_edits
        failed += failed_edits

        # 3. credits: charged when something was done and the project changed, else released
        net_zero = bool(done) and not agent.changed(start_draft, draft)  # "trim it ... then undo"
        if self.frozen:
            if done and not net_zero:
                await self.db(self.store.charge, self.user_id, self.invocation_id)
            else:
                await self.db(self.store.release, self.user_id, self.invocation_id)
            self.frozen = False

        notes = [*the_plan.notes, *_title_notes(start_draft, draft)]  # characters no font can draw
        final = agent.final_text(done, unchanged, failed, notes, draft, lang, before_ms=before_ms, net_zero=net_zero)
        if silent and not failed and not unchanged and not notes and done:
            return SILENT_PREFIX + "; ".join(done)
        if final:
            await self.say(emit, final)
        return final

    async def _history(self, call: agent.ToolCall) -> tuple[dict[str, Any] | None, str, str]:
        """The draft an undo/redo/revert restores, its reason and the result message; None
        and the reply when there is nothing to go back to."""
        op = call.args["operation"]
        rows = await self.db(self.store.draft_history, self.session_id)
        lang = self.request.lang
        if op == "undo":
            target, steps = history.undo_target(rows, int(call.args.get("steps", 1)))
            reason, empty = f"undo {steps}", say("nothing_to_undo", lang)
        elif op == "redo":
            target, reason, empty = history.redo_target(rows), "redo", say("nothing_to_redo", lang)
        else:
            target, reason, empty = history.original_target(rows), "revert", say("nothing_to_revert", lang)
        if target is None:
            return None, reason, empty
        restored = await self.db(self.store.draft_version, self.session_id, target)
        return restored, reason, f"Back to version {target}"

    async def _edit(self, emit: Emit) -> tuple[agent.Plan, dict[str, Any], list[str], list[str], list[str]]:
        """Plan the request on the current draft and apply each call (a new version for each
        call that changed something; the first of the run is the undo step's start)."""
        done: list[str] = []
        unchanged: list[str] = []
        failed: list[str] = []
        lang = self.request.lang
        draft, _version = await self.db(self.store.latest_draft, self.session_id)
        uploads = await self.db(self.store.uploads, self.session_id)
        infos = self.engine.infos(uploads)
        the_plan = agent.plan(self.request, draft, [*uploads])
        saved_in_run = False
        for call in the_plan.calls:
            call_id = adk.new_call_id()
            emit(adk.call_event(self.invocation_id, call_id, call.name, call.args))
            if self.engine.tool_delay:
                await asyncio.sleep(self.engine.tool_delay)  # the tool "works": heartbeats go out meanwhile
            op = str(call.args.get("operation", ""))
            try:
                if op in agent.HISTORY_OPS:
                    restored, reason, message = await self._history(call)
                    if restored is None:
                        emit(
                            adk.response_event(
                                self.invocation_id, call_id, call.name, {"status": "error", "message": message}
                            )
                        )
                        unchanged.append(message)
                        continue
                    new_draft, result = (
                        restored,
                        {"status": "success", "message": message, "duration_ms": int(restored.get("d", 0))},
                    )
                    saved_in_run = False  # what follows an undo is a step of its own
                else:
                    new_draft, result = agent.apply_call(draft, infos, call)
                    reason = ("+" if saved_in_run else "") + op
            except drafts.EditError as exc:
                emit(
                    adk.response_event(self.invocation_id, call_id, call.name, {"status": "error", "message": str(exc)})
                )
                failed.append(say("failed", lang, what=call.label, why=error_text(str(exc), lang)))
                continue
            if not agent.changed(draft, new_draft):
                if op == "set_output" and self.new_urls:
                    continue  # "download <link> in MP4 at the highest resolution": the fetch did it
                emit(
                    adk.response_event(
                        self.invocation_id, call_id, call.name, {"status": "unchanged", "message": "Nothing changed"}
                    )
                )
                unchanged.append(
                    say(
                        "unchanged",
                        lang,
                        what=call.label,
                        why="已经是这样了。" if lang == "zh" else "it already was like that.",
                    )
                )
                continue
            version = await self.db(self.store.save_draft, self.session_id, new_draft, reason)
            saved_in_run = op not in agent.HISTORY_OPS
            draft = new_draft
            emit(
                adk.response_event(
                    self.invocation_id, call_id, call.name, result, state_delta={"draft_version": version}
                )
            )
            done.append(call.label if lang == "zh" else str(result.get("message", call.label)))
        return the_plan, draft, done, unchanged, failed


def _title_notes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """For each title text that is new in ``after``: the sentence saying which characters no
    font can draw (tui.engine.media.titles.check_title), so the chat tells the user before
    the export does."""
    from tui.engine.media.titles import check_title

    def texts(draft: dict[str, Any]) -> list[str]:
        return [
            seg["text"]
            for track in drafts.tracks_of(draft, drafts.TEXT)
            for seg in track.get("sg", [])
            if isinstance(seg.get("text"), str)
        ]

    old = set(texts(before))
    notes: list[str] = []
    for text in texts(after):
        note = check_title(text).note if text not in old else None
        if note and note not in notes:
            notes.append(note)
    return notes
