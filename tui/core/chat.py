"""One agent run as a pure state machine: SSE events and clock ticks in, UI outputs out.

The UI creates a :class:`ChatRun` when it sends a message, feeds it every ``SseEvent`` the
stream yields (``feed``), calls ``tick`` about once a second while the run is open, and
``finish`` / ``cut`` / ``cancel`` when the stream ends. Each call returns a list of outputs:

- :class:`AppendChunk` — append text to the agent message being streamed (opens one if none);
- :class:`ReplaceText` — set the whole text of that message (opens one if none);
- :class:`FinishMessage` — that message is complete; the next chunk starts a new one;
- :class:`Status` — a short status line ("working: edit_multitrack"), never raw JSON;
- :class:`Note` — a system note for the chat ("⏳ Still working… (4 min)");
- :class:`Error` — the run failed, in plain words;
- :class:`TimedOut` — 10 minutes with nothing but heartbeats: stop waiting;
- :class:`NeedsStateCheck` — fetch the state and diff the draft (reason "silent",
  "state_delta", "timeout", "cut" or "cancelled").

Each reply is shown once: partial chunks are appended, the aggregate that repeats them
replaces them, a whole reply with no chunks before it is a new message. GUI talk is
translated in every complete text (``translate_gui``). A run never re-sends anything.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.api.errors import redact
from tui.api.events import EventKind, SseEvent
from tui.contract import format_bytes

from .translate import translate_gui

NOTE_EVERY_S = 120.0
TIMEOUT_S = 600.0


@dataclass(frozen=True)
class AppendChunk:
    text: str


@dataclass(frozen=True)
class ReplaceText:
    text: str


@dataclass(frozen=True)
class FinishMessage:
    pass


@dataclass(frozen=True)
class Status:
    text: str


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Error:
    text: str


@dataclass(frozen=True)
class TimedOut:
    text: str


@dataclass(frozen=True)
class NeedsStateCheck:
    reason: str  # "silent" | "state_delta" | "timeout" | "cut" | "cancelled"


Output = AppendChunk | ReplaceText | FinishMessage | Status | Note | Error | TimedOut | NeedsStateCheck


def format_elapsed(seconds: float) -> str:
    """ "12s", "1m 12s", "1h 02m" — for the live "working…" indicator."""
    s = int(max(0.0, seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"


def _tool_words(name: str) -> str:
    """A tool name fit for a status line: printable, one word-ish, short."""
    clean = "".join(ch for ch in (name or "") if ch.isalnum() or ch in "_-.:")
    return (clean or "a tool")[:40]


def _size(n: float | int | None) -> str:
    """A byte count in words (``format_bytes``), or "" when it is missing or negative."""
    if not isinstance(n, (int, float)) or n < 0:
        return ""
    return format_bytes(n)


def progress_words(progress: dict[str, Any]) -> str:
    """A heartbeat's progress object in words: "downloading video.mp4 — 27% · 1.2 MB/s · ETA 3s"."""
    stage = str(progress.get("stage") or "working")
    verb = {"download": "downloading", "probe": "checking", "render": "rendering", "upload": "uploading"}.get(
        stage, stage
    )
    label = str(progress.get("label") or "").strip()
    head = f"{verb} {label}".strip()[:80]
    bits: list[str] = []
    percent = progress.get("percent")
    if isinstance(percent, (int, float)) and 0 <= percent <= 100:
        bits.append(f"{percent:.0f}%")
    elif isinstance(progress.get("bytes"), (int, float)):
        bits.append(_size(progress.get("bytes")))
    speed = progress.get("speed")
    if isinstance(speed, (int, float)) and speed > 0:
        bits.append(f"{_size(speed)}/s")
    eta = progress.get("eta")
    if isinstance(eta, (int, float)) and eta >= 0:
        bits.append(f"ETA {format_elapsed(eta)}")
    bits = [b for b in bits if b]
    return redact(head + (" — " + " · ".join(bits) if bits else ""))


def error_words(raw: str) -> str:
    """The run's error in plain words (no stack traces, no JSON)."""
    text = " ".join(redact(raw or "").split())
    if not text:
        return "The agent stopped with an error. Nothing was re-sent; you can try again."
    # Drop a leading exception class or ALL_CAPS error code ("RuntimeError: ...", "MODEL_ERROR: ...").
    text = re.sub(r"^(?:[A-Za-z_][\w.]*(?:Error|Exception)|[A-Z][A-Z0-9_]{2,})\s*:\s*", "", text) or text
    lowered = text.lower()
    if "model" in lowered and ("error" in lowered or "fail" in lowered):
        head = "The AI model failed to answer"
    elif "timeout" in lowered or "timed out" in lowered:
        head = "The agent took too long to answer"
    elif "quota" in lowered or "credit" in lowered:
        head = "The agent could not continue (credits or quota)"
    else:
        head = "The agent stopped with an error"
    if len(text) > 160:
        text = text[:159] + "…"
    if "Local allowance:" in text:  # the embedded engine: no sign-up offline
        return redact(f"This machine's credits for today are used up: {text} Nothing was re-sent.")
    if head.endswith("(credits or quota)") or re.match(r"2001\b", text):
        return redact(
            f"The agent could not continue (credits): {text}. Nothing was re-sent; register or top up on "
            "nemovideo.com (ctrl+r shows the balance), then try again. Export stays free."
        )
    return redact(f"{head}: {text}. Nothing was re-sent; you can try again.")


class ChatRun:
    """The state of one agent run. Pure: no I/O, no real clock unless you pass none."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        started_at: float | None = None,
        note_every: float = NOTE_EVERY_S,
        timeout: float = TIMEOUT_S,
        translate: Callable[[str], str] = translate_gui,
    ) -> None:
        self._clock = clock
        self.started_at = clock() if started_at is None else started_at
        self.note_every = note_every
        self.timeout = timeout
        self._translate = translate
        self.last_activity = self.started_at  # time of the last non-heartbeat event
        self._notes_in_quiet = 0  # "still working" notes since the last activity
        self._buffer: str | None = None  # the open (streaming) message, raw text
        self._shown = ""  # what the UI shows of the open message (redacted)
        self.messages: list[str] = []  # every finished agent message, translated
        self.tools: list[str] = []
        self.state_changed = False
        self.errors: list[str] = []
        self.status = "working…"
        self.done = False
        self.outcome: str | None = None  # "finished" | "timeout" | "cut" | "cancelled" | "error"
        self._last_progress: tuple[Any, ...] | None = None

    # --- the clock ----------------------------------------------------------------------

    def _now(self, now: float | None) -> float:
        return self._clock() if now is None else now

    def elapsed(self, now: float | None = None) -> float:
        return max(0.0, self._now(now) - self.started_at)

    def quiet_for(self, now: float | None = None) -> float:
        """Seconds since the last event that was not a heartbeat."""
        return max(0.0, self._now(now) - self.last_activity)

    def indicator(self, now: float | None = None) -> str:
        """The live indicator text: "working… 1m 12s" (or "working: <tool>… 1m 12s")."""
        elapsed = format_elapsed(self.elapsed(now))
        if not self.status.startswith("working"):  # a progress line ("downloading x — 27%")
            return f"{self.status} · {elapsed}"
        head = self.status if self.status.endswith("…") else self.status + "…"
        return f"{head} {elapsed}"

    # --- inputs -------------------------------------------------------------------------

    def feed(self, event: SseEvent, now: float | None = None) -> list[Output]:
        """Outputs for one event. ``now`` defaults to the injected clock."""
        if self.done:
            return []
        now = self._now(now)
        out: list[Output] = []
        kind = event.kind
        if kind is EventKind.HEARTBEAT or kind is EventKind.RAW:
            progress = event.progress if isinstance(event.progress, dict) else None
            if progress:
                key = (progress.get("stage"), progress.get("label"), progress.get("bytes"), progress.get("percent"))
                if key != self._last_progress:  # moving bytes are a sign of life
                    self._last_progress = key
                    self._activity(now)
                self.status = progress_words(progress)
                out.append(Status(self.status))
            out.extend(self.tick(now))
            return out
        self._activity(now)
        if kind is EventKind.PARTIAL:
            if event.text:
                self._buffer = (self._buffer or "") + event.text
                # Redact the whole buffer, so a token split across two chunks is caught too.
                shown = redact(self._buffer)
                if shown.startswith(self._shown):
                    if len(shown) > len(self._shown):
                        out.append(AppendChunk(shown[len(self._shown) :]))
                else:
                    out.append(ReplaceText(shown))
                self._shown = shown
        elif kind is EventKind.TEXT:
            out.extend(self._whole_text(event))
        elif kind is EventKind.THOUGHT:
            pass  # model reasoning: the log pane shows it, the chat does not
        elif kind is EventKind.CALL:
            name = _tool_words(event.name)
            self.tools.append(name)
            self.status = f"working: {name}"
            out.append(Status(self.status))
        elif kind is EventKind.RESULT:
            self.status = "working…"
            out.append(Status(self.status))
        elif kind is EventKind.STATE:
            self.state_changed = True
            out.append(NeedsStateCheck("state_delta"))
        elif kind is EventKind.ERROR:
            out.extend(self._close_open())
            text = error_words(event.error or event.text)
            self.errors.append(text)
            out.append(Error(text))
        return out

    def tick(self, now: float | None = None) -> list[Output]:
        """Outputs due at ``now``: a "still working" note every 2 minutes of quiet, and the
        timeout after 10 minutes of nothing but heartbeats."""
        if self.done:
            return []
        now = self._now(now)
        quiet = self.quiet_for(now)
        if quiet >= self.timeout:
            out = self._close_open()
            minutes = int(self.timeout // 60)
            text = (
                f"⌛ No reply from the agent for {minutes} min — stopped waiting. Nothing was re-sent; "
                "checking the project for changes (ctrl+t sends your message again if you want)."
            )
            self.done = True
            self.outcome = "timeout"
            out += [TimedOut(text), NeedsStateCheck("timeout")]
            return out
        out = []
        due = int(quiet // self.note_every) if self.note_every > 0 else 0
        if due > self._notes_in_quiet:
            self._notes_in_quiet = due
            minutes = int(self.elapsed(now) // 60)
            out.append(Note(f"⏳ Still working… ({minutes} min)"))
        return out

    def finish(self, now: float | None = None) -> list[Output]:
        """The server closed the stream normally."""
        if self.done:
            return []
        out = self._close_open()
        self.done = True
        self.outcome = "error" if self.errors else "finished"
        if not self.messages and not self.errors:
            out.append(NeedsStateCheck("silent"))
        return out

    def cut(self, now: float | None = None) -> list[Output]:
        """The stream broke before the server ended it (StreamCut): no re-send, recover."""
        if self.done:
            return []
        out = self._close_open()
        self.done = True
        self.outcome = "cut"
        out.append(
            Note(
                "⚠ The connection to the agent dropped before it finished. Nothing was re-sent; "
                "checking the project in 30 s to see what was done."
            )
        )
        out.append(NeedsStateCheck("cut"))
        return out

    def cancel(self, now: float | None = None) -> list[Output]:
        """The user stopped the run (Escape)."""
        if self.done:
            return []
        out = self._close_open()
        self.done = True
        self.outcome = "cancelled"
        out.append(Note("Stopped. Nothing was re-sent; checking what the agent had already done."))
        out.append(NeedsStateCheck("cancelled"))
        return out

    # --- helpers ------------------------------------------------------------------------

    def _activity(self, now: float) -> None:
        self.last_activity = max(self.last_activity, now)
        self._notes_in_quiet = 0

    def _final(self, text: str) -> str:
        """A complete reply as shown: secrets redacted, GUI talk translated."""
        return self._translate(redact(text))

    def _close_open(self) -> list[Output]:
        """Finish the message being streamed: its final text translated."""
        if self._buffer is None:
            return []
        shown = self._shown
        final = self._final(self._buffer)
        self._buffer, self._shown = None, ""
        self.messages.append(final)
        out: list[Output] = []
        if final != shown:
            out.append(ReplaceText(final))
        out.append(FinishMessage())
        return out

    def _whole_text(self, event: SseEvent) -> list[Output]:
        text = event.text or ""
        out: list[Output] = []
        buffered = self._buffer
        if buffered is not None and (
            event.aggregate or _same(text, buffered) or _same(text[: len(buffered)], buffered)
        ):
            # The aggregate of the chunks streamed so far: replace them, never append.
            shown = self._shown
            self._buffer, self._shown = None, ""
            final = self._final(text)
            self.messages.append(final)
            if final != shown:
                out.append(ReplaceText(final))
            out.append(FinishMessage())
            return out
        if buffered is not None:
            out.extend(self._close_open())  # a different message: close the streamed one first
        if not text.strip():
            return out
        final = self._final(text)
        self.messages.append(final)
        out += [ReplaceText(final), FinishMessage()]
        return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


__all__ = [
    "AppendChunk",
    "ChatRun",
    "Error",
    "FinishMessage",
    "NeedsStateCheck",
    "Note",
    "Output",
    "ReplaceText",
    "Status",
    "TimedOut",
    "error_words",
    "format_elapsed",
    "progress_words",
]
