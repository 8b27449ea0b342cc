"""The app against the scripted fake backend: what the user sees."""

from __future__ import annotations

from tests.ui.pilot_helpers import region_text, screen_text, wait_until
from tests.ui.ui_fakes import THREE_TRACKS, TOKEN, FakeBackend


async def test_start_up_paints_first_then_connects_and_shows_ready(make_app, backend: FakeBackend):
    backend.set_draft(THREE_TRACKS)
    app = make_app(connect=False)
    async with app.run_test(size=(120, 40)):
        # First paint with no network at all.
        assert backend.requests == []
        assert "Connecting…" in screen_text(app)
        app.start_connect()
        await wait_until(lambda: "Ready" in screen_text(app))
        text = screen_text(app)
        assert "connected · cloud" in text
        assert "…06024415232"[-8:] in text  # the short session id
        assert "Credits: 25,000 available · 40 frozen · 25,040 total" in text
        assert "Urban Dreams" in text
        assert TOKEN not in text


async def start(app, pilot) -> None:
    await wait_until(lambda: app.session is not None and "Ready" in screen_text(app))


async def send(pilot, text: str) -> None:
    app = pilot.app
    box = app.query_one("#chat-input")
    box.focus()
    box.value = text
    await pilot.press("enter")


def agent_texts(app) -> list[str]:
    return [text for role, text in app.chat.transcript() if role == "agent"]


def notes(app) -> list[str]:
    return [text for role, text in app.chat.transcript() if role == "note"]


async def test_streamed_reply_is_shown_once_and_tools_only_as_status(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import EMPTY, fixture, with_title

    backend.script_run(("draft", with_title(EMPTY, "Hello World")), fixture("edit-with-text.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add the title Hello World")
        await wait_until(
            lambda: not app.run_active and len(agent_texts(app)) == 2 and "Hello World" in app.timeline.summary_text
        )
        assert agent_texts(app) == [
            'Sure! Adding the title "Hello World" to your video.',
            'Done. I added the title "Hello World" at the start of the video.',
        ]
        await wait_until(lambda: "Done. I added the title" in screen_text(app))
        text = region_text(app, app.chat)
        assert text.count("Sure! Adding the title") == 1
        assert "functionCall" not in text and '"args"' not in text
        # the SSE log has one line per event, with the tool call by name
        await wait_until(lambda: any("edit_multitrack" in line for line in app.sse_log.visible_lines()))
        kinds = [e.kind for e in app.sse_log.entries]
        assert kinds.count("partial") == 4 and "call" in kinds and "result" in kinds and "state" in kinds
        assert backend.count("/run_sse") == 1
        assert backend.run_bodies[0]["new_message"]["parts"][0]["text"] == "add the title Hello World"
        # credits are refreshed after the run
        await wait_until(lambda: backend.count("/api/credits/balance/simple") >= 2)


async def test_silent_edit_says_what_changed(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import VIDEO_ONLY, fixture, with_title

    backend.set_draft(VIDEO_ONLY)
    backend.script_run(("draft", with_title(VIDEO_ONLY, "Quiet")), fixture("silent-edit.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add a title Quiet")
        await wait_until(lambda: any("Quiet" in n and "✅" in n for n in notes(app)))
        assert agent_texts(app) == []
        assert "Quiet" in app.timeline.summary_text


async def test_error_event_and_agent_crash_are_plain_words(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import fixture

    backend.script_run(fixture("error-event.sse"))
    backend.script_run(fixture("agent-crash.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "make it pop")
        await wait_until(lambda: not app.run_active and any("simulated model error" in n for n in notes(app)))
        await send(pilot, "try again please")
        await wait_until(lambda: not app.run_active and any("simulated agent crash" in n for n in notes(app)))
        text = screen_text(app)
        assert "errorCode" not in text and "error_details" not in text
        assert agent_texts(app) == ["Working on it"]
        assert backend.count("/run_sse") == 2


HEARTBEAT = b'data: {"type":"heartbeat"}\n\n'


async def test_heartbeats_show_working_notes_then_time_out_without_resending(make_app, backend: FakeBackend, clock):
    import asyncio

    gate = asyncio.Event()
    backend.script_run(HEARTBEAT, ("wait", gate))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "generate a clip of a sunset")
        await wait_until(lambda: app.run_active and "working… 0s" in screen_text(app))
        clock.advance(72)
        await wait_until(lambda: "working… 1m 12s" in screen_text(app))
        clock.advance(50)  # 2 min 2 s of heartbeats only
        await wait_until(lambda: "⏳ Still working… (2 min)" in notes(app))
        clock.advance(120)
        await wait_until(lambda: "⏳ Still working… (4 min)" in notes(app))
        clock.advance(370)  # past 10 minutes
        await wait_until(lambda: not app.run_active)
        await wait_until(lambda: any("stopped waiting" in n for n in notes(app)))
        await wait_until(lambda: "The timeline did not change." in notes(app))
        assert backend.streams_closed == 1  # the app hung up
        assert backend.count("/run_sse") == 1  # and never sent it again
        assert not app.query_one("#working").display or "Esc cancels" not in screen_text(app)


async def test_escape_cancels_the_run_and_nothing_is_resent(make_app, backend: FakeBackend):
    import asyncio

    from tests.ui.ui_fakes import fixture

    gate = asyncio.Event()
    first_partial = fixture("cut-after-two-events.sse").split(b"\n\n")[0] + b"\n\n"
    backend.script_run(first_partial, ("wait", gate))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add a title Cut Short")
        await wait_until(lambda: "Sure! Adding the title" in region_text(app, app.chat))
        await pilot.press("escape")
        await wait_until(lambda: not app.run_active)
        await wait_until(lambda: any(n.startswith("Stopped. Nothing was re-sent") for n in notes(app)))
        assert agent_texts(app) == ["Sure! Adding the title "]
        assert backend.count("/run_sse") == 1
        assert backend.streams_closed == 1


async def test_cut_stream_polls_the_state_and_reports_the_change(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import VIDEO_ONLY, fixture, with_title

    backend.set_draft(VIDEO_ONLY)
    backend.script_run(fixture("cut-after-two-events.sse"), ("draft", with_title(VIDEO_ONLY, "Cut Short")))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add a title Cut Short")
        await wait_until(lambda: any("connection dropped" in n for n in notes(app)))
        await wait_until(lambda: any("Cut Short" in n and "✅" in n for n in notes(app)))
        assert backend.count("/run_sse") == 1
        assert "connected · cloud" in screen_text(app)


async def test_cut_stream_with_no_change_reports_failure_and_retry_is_manual(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import fixture

    backend.script_run(fixture("cut-after-two-events.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        states_before = backend.count("/api/state/")
        await send(pilot, "add a title Cut Short")
        await wait_until(lambda: any(n.startswith("❌") and "ctrl+t sends it again" in n for n in notes(app)))
        assert backend.count("/api/state/") - states_before == 5  # five unchanged polls
        assert backend.count("/run_sse") == 1  # never automatic
        await pilot.press("ctrl+t")
        await wait_until(lambda: backend.count("/run_sse") == 2 and not app.run_active)
        assert backend.run_bodies[1]["new_message"]["parts"][0]["text"] == "add a title Cut Short"


async def test_session_not_found_starts_a_new_session_and_keeps_the_transcript(make_app, backend: FakeBackend):
    backend.fail_once("/run_sse", 404, {"detail": "Session not found: 5529798706024415232"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "hello there")
        await wait_until(lambda: app.session_id == "7700000000000000001")
        await wait_until(lambda: any("Started a new session (7700000000000000001)" in n for n in notes(app)))
        assert ("user", "hello there") in app.chat.transcript()
        assert any("1002" in n for n in notes(app))
        assert "…00000001" in screen_text(app)
        assert backend.count("/run_sse") == 1


async def test_out_of_credits_shows_the_registration_link(make_app, backend: FakeBackend):
    backend.fail_once("/run_sse", 200, {"code": 2001, "message": "insufficient credits"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add a title Money")
        link = "https://nemovideo.com/?bind=anon_abc123"
        await wait_until(lambda: any("Out of credits" in n and link in n for n in notes(app)))
        assert link in app.main.credits_view.text


async def test_local_commands_never_reach_the_agent(make_app, backend: FakeBackend):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "credits")
        await wait_until(lambda: any(n.startswith("Credits: 25,000 available") for n in notes(app)))
        await send(pilot, "状态")
        await wait_until(lambda: any("timeline is empty" in n for n in notes(app)))
        await send(pilot, "export")
        await wait_until(lambda: any(n.startswith("Nothing to export yet") for n in notes(app)))
        assert backend.count("/run_sse") == 0


async def test_a_message_with_a_url_uploads_the_url_then_asks_the_agent(make_app, backend: FakeBackend):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "trim https://example.com/v/clip to the first 5 seconds")
        await wait_until(lambda: backend.count("/run_sse") == 1 and not app.run_active)
        paths = [r.url.path for r in backend.requests]
        assert paths.index("/api/upload-video/nemo_agent/me/5529798706024415232") < paths.index("/run_sse")
        assert b"https://example.com/v/clip" in backend.uploads[0]
        await wait_until(lambda: "video.mp4" in screen_text(app))
        assert any("Added video.mp4" in n for n in notes(app))


def _event(payload: dict) -> bytes:
    import json

    return f"data: {json.dumps(payload)}\n\n".encode()


async def test_download_progress_shows_in_the_working_line(make_app, backend: FakeBackend):
    import asyncio

    gate = asyncio.Event()
    progress = {
        "type": "heartbeat",
        "progress": {
            "stage": "download",
            "label": "video.mp4",
            "bytes": 123,
            "total": 456,
            "speed": 2_000_000.0,
            "eta": 3.2,
            "percent": 27.0,
        },
    }
    backend.script_run(
        _event({"content": {"parts": [{"functionCall": {"name": "fetch_url", "args": {}}}], "role": "model"}}),
        _event(progress),
        ("wait", gate),
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "cut https://example.com/v to 10 seconds")
        await wait_until(lambda: "downloading video.mp4 — 27%" in screen_text(app))
        assert "ETA 3s" in screen_text(app)
        gate.set()
        await wait_until(lambda: not app.run_active)


async def test_the_agents_gui_talk_is_translated_to_keys_and_panes(make_app, backend: FakeBackend):
    backend.script_run(
        _event(
            {
                "content": {
                    "parts": [{"text": "Done! Click the Export button to download your video."}],
                    "role": "model",
                },
                "author": "nemo_agent",
            }
        )
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add a title")
        await wait_until(lambda: not app.run_active and agent_texts(app))
        assert agent_texts(app) == ["Done! Press ctrl+e (or F5) to export your video."]
        assert "Export button" not in region_text(app, app.chat)


async def test_escape_while_a_link_is_added_stops_before_the_agent_is_asked(make_app, backend: FakeBackend):
    import asyncio

    backend.upload_gate = asyncio.Event()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "trim https://example.com/v/slow to 5 seconds")
        await wait_until(lambda: "adding the link… 0s" in screen_text(app))
        await pilot.press("escape")
        await wait_until(lambda: any(n.startswith("Stopped: the link was not added") for n in notes(app)))
        await wait_until(lambda: not app.run_active and "Esc cancels" not in screen_text(app))
        backend.upload_gate.set()
        await pilot.pause(0.2)
        assert backend.count("/run_sse") == 0


async def test_a_late_credits_answer_while_closing_does_not_crash(make_app, backend: FakeBackend):
    """A credits refresh that lands after its widget is gone (the app closing) is dropped."""
    from tui.api.models import Credits
    from tui.ui import messages as m

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await app.query_one("#credits").remove()
        app.main.post_message(m.CreditsLoaded(Credits(available=1, frozen=0, total=1)))
        await pilot.pause()
        assert app.is_running
        assert app.credits.available == 1
    assert app.return_code in (0, None)
