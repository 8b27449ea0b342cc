"""Keys, palette, compact layout, modals, clipboard, resume, start-up failures, secrets."""

from __future__ import annotations

import httpx

from tests.ui.pilot_helpers import region_text, screen_text, wait_until
from tests.ui.test_app import agent_texts, notes, send, start
from tests.ui.ui_fakes import SESSION_ID, TOKEN, FakeBackend, fixture


async def test_every_binding_has_an_id_and_every_action_is_in_the_palette(make_app):
    from tui.ui.actions import palette
    from tui.ui.app import NemoApp

    assert all(binding.id for binding in NemoApp.BINDINGS)
    app = make_app(connect=False)
    async with app.run_test(size=(120, 40)) as pilot:
        titles = {command.title: command.help for command in app.get_system_commands(app.screen)}
        for action in palette():
            assert action.palette in titles
        assert "ctrl+e / f5" in titles["Export"]
        await pilot.press("ctrl+p")
        await pilot.press(*"export")
        await wait_until(lambda: "Render the current draft" in screen_text(app))


async def test_user_keymap_rebinds_by_id(make_app):
    from tui.config import load_settings

    settings = load_settings().with_overrides(keymap={"export": "f9"})
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await pilot.press("f9")
        await wait_until(lambda: any(n.startswith("Nothing to export yet") for n in notes(app)))
        titles = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert "(f9)" in titles["Export"]


async def test_compact_layout_uses_tabs_at_80x24(make_app, backend: FakeBackend):
    from tests.ui.ui_fakes import THREE_TRACKS

    backend.set_draft(THREE_TRACKS)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        assert app.compact
        text = screen_text(app)
        assert "Chat F2" in text and "Timeline F3" in text and "Log F4" in text
        assert "Urban Dreams" not in text  # the timeline is on its own tab
        await pilot.press("f3")
        await wait_until(lambda: '"Urban Dreams"  0–3s' in screen_text(app))
        assert "Ready" not in screen_text(app)
        await pilot.press("f4")
        await wait_until(lambda: "SSE log · all kinds" in screen_text(app))
        await pilot.press("f2")
        await wait_until(lambda: "Ready" in screen_text(app))
        assert app.focused is app.query_one("#chat-input")


async def test_roomy_layout_shows_every_pane_at_120x40(make_app, backend: FakeBackend):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        assert not app.compact
        await wait_until(lambda: "^e Export" in screen_text(app))
        text = screen_text(app)
        for part in ("Credits: 25,000", "No timeline yet", "SSE log", "Ready", "^e Export"):
            assert part in text
        assert "Chat F2" not in text
        # shrinking the terminal switches to the compact tabs, growing it switches back
        await pilot.resize_terminal(80, 24)
        await wait_until(lambda: "Chat F2" in screen_text(app) and "SSE log" not in screen_text(app))
        await pilot.resize_terminal(120, 40)
        await wait_until(lambda: "Chat F2" not in screen_text(app) and "SSE log" in screen_text(app))


async def test_raw_event_modal_and_log_filter(make_app, backend: FakeBackend):
    from tui.ui.screens.modals import LogFilterScreen, RawEventScreen

    backend.script_run(fixture("edit-with-text.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "add the title Hello World")
        await wait_until(lambda: not app.run_active and len(agent_texts(app)) == 2)
        await pilot.press("f6")
        await wait_until(lambda: isinstance(app.screen, RawEventScreen))
        await wait_until(lambda: '"invocationId": "e-cf0a6b71' in app.screen.query_one("#raw-json").text)
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, RawEventScreen))
        await pilot.press("f7")
        await wait_until(lambda: isinstance(app.screen, LogFilterScreen))
        await pilot.press("space")  # the first kind: partial
        await pilot.press("enter")
        await wait_until(lambda: app.sse_log.hidden_kinds == frozenset({"partial"}))
        lines = app.sse_log.visible_lines()
        assert lines and not any(" partial " in line for line in lines)
        assert "hiding partial" in screen_text(app)


async def test_clipboard_uses_osc52_always_and_pyperclip_only_locally(make_app, monkeypatch):
    import pyperclip

    from tui.ui import clipboard

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        monkeypatch.delenv("SSH_CONNECTION", raising=False)
        monkeypatch.delenv("SSH_TTY", raising=False)
        await pilot.press("ctrl+y")
        link = f"https://nemovideo.com/workspace/claim?token=&task=task_ab12cd&session={SESSION_ID}"
        await wait_until(lambda: len(copied) == 1)
        assert copied == [link]
        assert app.clipboard == link  # what App.copy_to_clipboard sent as OSC 52
        await wait_until(lambda: any("Copied the project's web link" in n.message for n in app._notifications))
        monkeypatch.setenv("SSH_TTY", "/dev/pts/3")
        assert clipboard.copy_text(app, "over ssh", "a test") is False
        assert copied == [link] and app.clipboard == "over ssh"


async def test_resume_restores_the_last_session_and_its_transcript(make_app, backend: FakeBackend):
    first = make_app()
    async with first.run_test(size=(120, 40)) as pilot:
        await start(first, pilot)
        await send(pilot, "hello there")
        await wait_until(lambda: not first.run_active and len(agent_texts(first)) == 1)
    assert backend.session_counter == 1
    second = make_app(resume=True)
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: any(n.startswith("Resumed") for n in notes(second)))
        assert second.session_id == SESSION_ID
        assert backend.session_counter == 1  # no new session
        transcript = second.chat.transcript()
        assert ("user", "hello there") in transcript
        assert any(role == "agent" and "NemoVideo test peer" in text for role, text in transcript)


async def test_offline_start_says_so_and_ctrl_r_retries(make_app, backend: FakeBackend):
    down = {"on": True}

    async def handler(request: httpx.Request) -> httpx.Response:
        if down["on"]:
            raise httpx.ConnectError("connection refused", request=request)
        return await backend.handle(request)

    app = make_app(transport=httpx.MockTransport(handler))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "○ offline" in screen_text(app))
        await wait_until(lambda: any("Cannot reach NemoVideo" in n and "ctrl+r" in n for n in notes(app)))
        await send(pilot, "hello")
        await wait_until(lambda: any(n.startswith("Not connected yet") for n in notes(app)))
        down["on"] = False
        await pilot.press("ctrl+r")
        await wait_until(lambda: "connected · cloud" in screen_text(app) and app.session is not None)


async def test_the_token_never_appears_on_screen_in_the_log_or_the_raw_view(make_app, backend: FakeBackend, tmp_path):
    leak = (
        'data: {"content":{"parts":[{"text":"Your token is ' + TOKEN + " and Bearer " + TOKEN + '"}],'
        '"role":"model"},"author":"nemo_agent"}\n\n'
        'data: {"error": "auth failed for ' + TOKEN + '"}\n\n'
    ).encode()
    backend.script_run(leak)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "what is my token?")
        await wait_until(lambda: not app.run_active and app.sse_log.received >= 2)
        await wait_until(lambda: len(app.sse_log.visible_lines()) >= 2)
        svg = app.export_screenshot()
        assert TOKEN not in screen_text(app) and TOKEN not in svg
        assert "[redacted]" in region_text(app, app.chat)
        assert all(TOKEN not in line for line in app.sse_log.visible_lines())
        assert all(TOKEN not in e.raw and TOKEN not in e.summary for e in app.sse_log.entries)
        await pilot.press("f6")
        await wait_until(lambda: app.screen.query("#raw-json"))
        assert TOKEN not in app.screen.query_one("#raw-json").text
        assert TOKEN not in screen_text(app)
    db = tmp_path / "data" / "client.db"
    assert db.exists() and TOKEN.encode() not in db.read_bytes()


async def test_a_flood_of_events_is_processed_and_the_log_stays_bounded(make_app, backend: FakeBackend):
    heartbeats = b'data: {"type":"heartbeat"}\n\n' * 3000
    backend.script_run(heartbeats, fixture("plain-chat.sse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "hi")
        await wait_until(lambda: not app.run_active and app.sse_log.received == 3003, timeout=30)
        await wait_until(lambda: "3003 events" in screen_text(app))
        assert len(app.sse_log.rich_log.lines) <= app.sse_log.max_lines
        assert agent_texts(app) == ['Hi! I\'m the NemoVideo test peer. Try "add title Hello" or "trim to 5".']


async def test_a_token_split_across_streamed_chunks_never_shows(make_app, backend: FakeBackend):
    import asyncio
    import json

    gate = asyncio.Event()

    def partial(text: str) -> bytes:
        event = {"content": {"parts": [{"text": text}], "role": "model"}, "partial": True, "author": "nemo_agent"}
        return f"data: {json.dumps(event)}\n\n".encode()

    half = len(TOKEN) // 2
    backend.script_run(partial("Here: " + TOKEN[:half]), ("wait", gate), partial(TOKEN[half:] + " done"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, "show me")
        await wait_until(lambda: "Here:" in region_text(app, app.chat))
        assert TOKEN[:half] not in screen_text(app)
        gate.set()
        await wait_until(lambda: not app.run_active and "done" in region_text(app, app.chat))
        assert TOKEN[half:] not in screen_text(app) and TOKEN not in screen_text(app)
        assert agent_texts(app) == ["Here: [redacted] done"]


async def test_url_box_upload_box_refresh_and_new_session(make_app, backend: FakeBackend, tmp_path):
    from tui.ui.screens.modals import UrlPromptScreen
    from tui.ui.screens.upload import FilePickerScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        # ctrl+l: a URL box that refuses what is not a link
        await pilot.press("ctrl+l")
        await wait_until(lambda: isinstance(app.screen, UrlPromptScreen))
        app.screen.query_one("#prompt-input").value = "not a link"
        await pilot.press("enter")
        await wait_until(lambda: "must start with http" in screen_text(app))
        app.screen.query_one("#prompt-input").value = "https://example.com/watch?v=1"
        await pilot.press("enter")
        await wait_until(lambda: backend.uploads and "city.mp4" in app.timeline.summary_text)
        assert backend.count("/run_sse") == 0
        # ctrl+u: the picker's path box checks type and existence before sending anything
        notes_file = tmp_path / "notes.txt"
        notes_file.write_text("hello")
        await pilot.press("ctrl+u")
        await wait_until(lambda: isinstance(app.screen, FilePickerScreen))
        app.screen.query_one("#picker-path").value = str(notes_file)
        app.screen.query_one("#picker-path").focus()
        await pilot.press("enter")
        await wait_until(lambda: "is not a supported file type" in screen_text(app))
        app.screen.query_one("#picker-path").value = str(tmp_path / "missing.mp4")
        await pilot.press("enter")
        await wait_until(lambda: "does not exist" in screen_text(app))
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, FilePickerScreen))
        assert len(backend.uploads) == 1
        # ctrl+r refreshes state and credits
        credits_before = backend.count("/api/credits/balance/simple")
        await pilot.press("ctrl+r")
        await wait_until(lambda: backend.count("/api/credits/balance/simple") == credits_before + 1)
        # ctrl+n: a new session, the timeline starts empty, the transcript stays
        await pilot.press("ctrl+n")
        await wait_until(lambda: app.session_id == "7700000000000000001")
        await wait_until(lambda: any(n.startswith("New session 7700000000000000001") for n in notes(app)))
        assert any("Added video.mp4" in n for n in notes(app))


async def test_upload_command_with_paths_checks_then_uploads(make_app, backend: FakeBackend, tmp_path):
    clip = tmp_path / "my clip.mp4"
    clip.write_bytes(b"\x00" * 2048)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, f'upload "{tmp_path / "nope.mp4"}"')
        await wait_until(lambda: any("does not exist" in n and "Nothing was uploaded" in n for n in notes(app)))
        await send(pilot, f'upload "{clip}"')
        await wait_until(lambda: backend.uploads == [b"files"] and "city.mp4" in app.timeline.summary_text)
        assert backend.count("/run_sse") == 0
