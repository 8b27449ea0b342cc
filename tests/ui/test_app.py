"""The app against the scripted fake backend: what the user sees."""

from __future__ import annotations

from conftest import region_text, screen_text, wait_until
from ui_fakes import SESSION_ID, THREE_TRACKS, TOKEN, FakeBackend


async def test_start_up_paints_first_then_connects_and_shows_ready(make_app, backend: FakeBackend):
    backend.set_draft(THREE_TRACKS)
    app = make_app(connect=False)
    async with app.run_test(size=(120, 40)) as pilot:
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
    from ui_fakes import EMPTY, fixture, with_title

    backend.script_run(("draft", with_title(EMPTY, "Hello World")), fixture("edit-with-text.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add the title Hello World")
        await wait_until(lambda: not app.run_active and len(agent_texts(app)) == 2 and "Hello World" in app.timeline.summary_text)
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
    from ui_fakes import VIDEO_ONLY, fixture, with_title

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
    from ui_fakes import fixture

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
