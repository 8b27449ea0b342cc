"""NO_COLOR: the main screen in monochrome still tells every state apart by text or symbol
(header connection state, SSE log kinds, the low-credits warning, error and success notes)."""

from __future__ import annotations

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.ui_fakes import THREE_TRACKS, FakeBackend, fixture


def test_main_screen_without_colour(snap_compare, make_app, fake_backend: FakeBackend, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by the App when it is made
    fake_backend.credits = (20, 5)  # low: the warning must read without its colour
    fake_backend.set_draft(THREE_TRACKS)
    fake_backend.script_run(fixture("edit-with-text.sse"))
    fake_backend.script_run(fixture("error-event.sse"))
    app = make_app()
    assert app.no_color

    async def states(pilot) -> None:
        await wait_until(lambda: app.session is not None and "Ready" in screen_text(app))
        for text in ("add the title Urban Dreams", "make it pop"):
            box = app.query_one("#chat-input")
            box.value = text
            await pilot.press("enter")
            await wait_until(lambda: not app.run_active and app.chat._working_timer is None)
        await wait_until(lambda: "simulated model error" in screen_text(app))
        await wait_until(lambda: app.sse_log._flush_timer is None and app.sse_log.received > 3)
        text = screen_text(app)
        # what a user without colour reads
        assert "● connected · cloud" in text
        assert "⚠ Credits: 20 available" in text and "— low" in text
        assert "✖ " in text and "✓ Ready" in text
        for tag in ("text", "call", "result", "error"):
            assert any(line.split()[1:2] == [tag] for line in app.sse_log.visible_lines()), tag
        # the low-credits toast times out after a few seconds: not part of the picture
        assert any("Credits are low" in n.message for n in app._notifications)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=states)
