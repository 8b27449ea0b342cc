"""ChatRun: recorded ADK streams and synthetic events with a fake clock."""

from __future__ import annotations

from tui.api.events import EventKind, SseEvent
from tui.core.chat import (
    AppendChunk,
    ChatRun,
    Error,
    FinishMessage,
    NeedsStateCheck,
    Note,
    ReplaceText,
    Status,
    TimedOut,
    format_elapsed,
    progress_words,
)


def render(outputs) -> list[str]:
    """What a user would see in the chat pane after these outputs (messages in order)."""
    messages: list[str] = []
    open_msg = False
    for out in outputs:
        if isinstance(out, AppendChunk):
            if not open_msg:
                messages.append("")
                open_msg = True
            messages[-1] += out.text
        elif isinstance(out, ReplaceText):
            if not open_msg:
                messages.append("")
                open_msg = True
            messages[-1] = out.text
        elif isinstance(out, FinishMessage):
            open_msg = False
        elif isinstance(out, (Note, Error, TimedOut)):
            messages.append(f"[{type(out).__name__}] {out.text}")
            open_msg = False
    return messages


def run_all(run: ChatRun, events, clock, step: float = 0.2, *, end: str = "finish"):
    outputs = []
    for ev in events:
        clock.advance(step)
        outputs += run.feed(ev)
    outputs += getattr(run, end)()
    return outputs


def ev(kind: str, **kw) -> SseEvent:
    return SseEvent(kind=EventKind(kind), **kw)


# --- recorded streams -----------------------------------------------------------------------


def test_edit_with_text_shows_each_reply_once(adk_events, clock):
    run = ChatRun(clock=clock)
    outputs = run_all(run, adk_events("edit-with-text.sse"), clock)
    assert render(outputs) == [
        'Sure! Adding the title "Hello World" to your video.',
        'Done. I added the title "Hello World" at the start of the video.',
    ]
    assert Status("working: edit_multitrack") in outputs
    assert NeedsStateCheck("state_delta") in outputs
    assert NeedsStateCheck("silent") not in outputs
    assert run.tools == ["edit_multitrack"] and run.outcome == "finished"
    # Nothing ever shows raw JSON.
    assert not any("{" in getattr(o, "text", "") for o in outputs)


def test_plain_chat(adk_events, clock):
    outputs = run_all(ChatRun(clock=clock), adk_events("plain-chat.sse"), clock)
    assert render(outputs) == ['Hi! I\'m the NemoVideo test peer. Try "add title Hello" or "trim to 5".']
    assert sum(isinstance(o, FinishMessage) for o in outputs) == 1


def test_heartbeats_then_text(adk_events, clock):
    run = ChatRun(clock=clock)
    outputs = run_all(run, adk_events("heartbeats-then-text.sse"), clock)
    assert render(outputs) == ["Sorry for the wait, the slow step is finished."]


def test_silent_edit_needs_a_state_check(adk_events, clock):
    run = ChatRun(clock=clock)
    outputs = run_all(run, adk_events("silent-edit.sse"), clock)
    assert render(outputs) == []
    assert outputs[-1] == NeedsStateCheck("silent")
    assert run.state_changed


def test_error_event(adk_events, clock):
    outputs = run_all(ChatRun(clock=clock), adk_events("error-event.sse"), clock)
    (error,) = [o for o in outputs if isinstance(o, Error)]
    assert error.text.startswith("The AI model failed to answer: simulated model error.")
    assert "PEER_SIMULATED_ERROR" not in error.text and "{" not in error.text
    assert NeedsStateCheck("silent") not in outputs


def test_agent_crash_keeps_the_partial_and_says_why(adk_events, clock):
    run = ChatRun(clock=clock)
    outputs = run_all(run, adk_events("agent-crash.sse"), clock)
    assert render(outputs) == [
        "Working on it",
        "[Error] The agent stopped with an error: simulated agent crash. Nothing was re-sent; you can try again.",
    ]
    assert run.outcome == "error"


def test_cut_stream_keeps_partials_and_asks_for_recovery(adk_events, clock):
    run = ChatRun(clock=clock)
    outputs = run_all(run, adk_events("cut-after-two-events.sse"), clock, end="cut")
    shown = render(outputs)
    assert shown[0] == 'Sure! Adding the title "Cut Short" to your video.'
    assert "Nothing was re-sent" in shown[1]
    assert outputs[-1] == NeedsStateCheck("cut")
    assert run.done and run.feed(ev("partial", text="late")) == []


# --- synthetic streams and the fake clock ------------------------------------------------


def test_a_whole_reply_without_partials_is_a_new_message(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("text", text="First."))
    out += run.feed(ev("text", text="Second."))
    out += run.finish()
    assert render(out) == ["First.", "Second."]


def test_a_different_non_partial_text_closes_the_stream_first(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Part one"))
    out += run.feed(ev("text", text="Something else entirely."))
    out += run.finish()
    assert render(out) == ["Part one", "Something else entirely."]


def test_aggregate_is_detected_without_the_flag(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Hello "))
    out += run.feed(ev("partial", text="there."))
    out += run.feed(ev("text", text="Hello there."))
    out += run.finish()
    assert render(out) == ["Hello there."]
    assert not any(isinstance(o, ReplaceText) for o in out)  # same text: nothing to replace


def test_gui_talk_is_translated_in_final_text(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Done! Click the Export "))
    out += run.feed(ev("partial", text="button to download it."))
    out += run.feed(ev("text", text="Done! Click the Export button to download it.", aggregate=True))
    out += run.finish()
    assert render(out) == ["Done! Press ctrl+e (or F5) to export it."]
    assert run.messages == ["Done! Press ctrl+e (or F5) to export it."]


def test_gui_talk_is_translated_when_the_stream_ends_without_aggregate(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Open the timeline panel to check."))
    out += run.finish()
    assert render(out) == ["See the timeline pane to check."]


def test_thoughts_are_hidden_and_tool_names_sanitised(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("thought", text="I should call a tool"))
    out += run.feed(ev("call", name='edit{"x":1}', args={"a": 1}))
    assert out == [Status("working: editx:1")]
    assert run.indicator(clock.now + 72) == "working: editx:1… 1m 12s"


def test_working_indicator(clock):
    run = ChatRun(clock=clock)
    assert run.indicator() == "working… 0s"
    clock.advance(72)
    assert run.indicator() == "working… 1m 12s"
    assert format_elapsed(3725) == "1h 02m"


def test_still_working_notes_every_two_minutes_then_timeout(clock):
    run = ChatRun(clock=clock)
    notes: list[str] = []
    timed_out = []
    checks = []
    for _ in range(700):  # one heartbeat a second, 700 s of fake time
        clock.advance(1)
        for out in run.feed(ev("heartbeat")) + run.tick():
            if isinstance(out, Note):
                notes.append((clock.now - 1000, out.text))
            elif isinstance(out, TimedOut):
                timed_out.append(clock.now - 1000)
            elif isinstance(out, NeedsStateCheck):
                checks.append(out.reason)
    assert notes == [
        (120, "⏳ Still working… (2 min)"),
        (240, "⏳ Still working… (4 min)"),
        (360, "⏳ Still working… (6 min)"),
        (480, "⏳ Still working… (8 min)"),
    ]
    assert timed_out == [600]
    assert checks == ["timeout"]
    assert run.outcome == "timeout" and run.done


def test_activity_resets_the_quiet_time(clock):
    run = ChatRun(clock=clock)
    clock.advance(100)
    run.feed(ev("call", name="generate"))
    clock.advance(100)
    assert run.tick() == []  # 100 s of quiet only
    clock.advance(20)
    (note,) = run.tick()
    assert note == Note("⏳ Still working… (3 min)")  # minutes since the run started
    clock.advance(500)
    assert any(isinstance(o, TimedOut) for o in run.tick())  # 620 s since the last event


def test_heartbeats_alone_never_count_as_liveness(clock):
    run = ChatRun(clock=clock)
    shown = run.feed(ev("partial", text="Starting…"))
    for _ in range(599):
        clock.advance(1)
        shown += run.feed(ev("heartbeat"))
    assert not run.done
    clock.advance(1)
    out = run.feed(ev("heartbeat"))
    assert out[-2:] == [TimedOut(out[-2].text), NeedsStateCheck("timeout")]
    assert FinishMessage() in out
    assert render(shown + out)[0] == "Starting…"  # the open message is closed, not lost


def test_download_progress_is_a_status_and_a_sign_of_life(clock):
    run = ChatRun(clock=clock)
    progress = {
        "stage": "download",
        "label": "video.mp4",
        "bytes": 1,
        "total": 10,
        "speed": 1_200_000.0,
        "eta": 3.2,
        "percent": 27.0,
    }
    clock.advance(590)
    out = run.feed(ev("heartbeat", progress=progress))
    assert out[0] == Status("downloading video.mp4 — 27% · 1.2 MB/s · ETA 3s")
    assert run.indicator() == "downloading video.mp4 — 27% · 1.2 MB/s · ETA 3s · 9m 50s"
    clock.advance(30)
    assert not any(isinstance(o, TimedOut) for o in run.tick())
    clock.advance(600)
    assert any(isinstance(o, TimedOut) for o in run.tick())


def test_progress_words_with_missing_fields():
    assert progress_words({"stage": "probe", "label": "a.mp4"}) == "checking a.mp4"
    assert (
        progress_words({"stage": "download", "bytes": 2048, "total": None, "percent": None}) == "downloading — 2.0 KB"
    )
    assert progress_words({}) == "working"


def test_no_events_at_all_is_a_silent_completion(clock):
    run = ChatRun(clock=clock)
    assert run.finish() == [NeedsStateCheck("silent")]
    assert run.finish() == []


def test_cancel(clock):
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Half"))
    out += run.cancel()
    assert render(out)[0] == "Half"
    assert out[-1] == NeedsStateCheck("cancelled")
    assert run.outcome == "cancelled"


def test_run_never_resends(clock):
    """ChatRun has no way to send: its outputs are display-only instructions."""
    run = ChatRun(clock=clock)
    outs = run.feed(ev("error", error="boom")) + run.cut() + run.tick(clock.now + 10_000)
    kinds = {type(o).__name__ for o in outs}
    assert kinds <= {
        "AppendChunk",
        "ReplaceText",
        "FinishMessage",
        "Status",
        "Note",
        "Error",
        "TimedOut",
        "NeedsStateCheck",
    }


def test_secrets_never_reach_the_chat(clock):
    from tui.api.errors import register_secret

    register_secret("plainsecret-abcdef-123")
    token = "nmv_usr_SECRETtoken1234567890"
    run = ChatRun(clock=clock)
    out = run.feed(ev("partial", text="Your token is nmv_usr_SEC"))  # split across two chunks
    out += run.feed(ev("partial", text="RETtoken1234567890 and plainsecret-abcdef-123."))
    out += run.feed(ev("text", text=f"Your token is {token} and plainsecret-abcdef-123.", aggregate=True))
    out += run.feed(ev("text", text=f"Again: Bearer {token}"))
    out += run.feed(ev("error", error=f"auth failed for {token}"))
    out += run.feed(ev("heartbeat", progress={"stage": "download", "label": token}))
    out += run.finish()
    texts = [getattr(o, "text", "") for o in out]
    shown = render(out)
    assert not any(token in t or "plainsecret-abcdef-123" in t for t in texts + shown)
    assert not any("RETtoken" in t for t in shown)
    assert shown[0] == "Your token is [redacted] and [redacted]."
    assert all(token not in m for m in run.messages)
