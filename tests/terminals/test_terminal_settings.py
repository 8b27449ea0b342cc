"""What SSH/tmux users configure: a keymap in config.toml rebinds a binding by its id, the
F-key alternatives, the ansi theme, no animations by default, and a screen that sends
nothing while idle."""

from __future__ import annotations

import asyncio
import time

from tests.ui.pilot_helpers import screen_text, wait_until
from tui.config import load_settings


async def ready(app) -> None:
    await wait_until(lambda: app.session is not None and "Ready" in screen_text(app))


def write_config(text: str) -> None:
    settings = load_settings()
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text(text, encoding="utf-8")


async def test_a_keymap_in_the_config_file_rebinds_by_id(make_app):
    from textual.screen import ModalScreen

    write_config('[keymap]\nupload = "f11"\nexport = "ctrl+x"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        # the old key does nothing now
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen)
        # the new one opens the upload box; Escape closes it
        await pilot.press("f11")
        await wait_until(lambda: isinstance(app.screen, ModalScreen))
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, ModalScreen))
        # the footer and the app's own hints show the user's key
        await pilot.press("ctrl+x")
        await wait_until(lambda: "nothing to export yet" in screen_text(app).lower())
        assert "^x Export" in screen_text(app)
        assert app.key_for("upload") == "f11"


async def test_every_binding_has_an_id_and_the_fkey_alternatives_work(make_app):
    from textual.screen import ModalScreen

    from tui.ui.app import NemoApp

    ids = [b.id for b in NemoApp.BINDINGS]
    assert all(ids) and len(set(ids)) == len(ids)
    keys = {b.id: b.key.split(",") for b in NemoApp.BINDINGS}
    assert "f5" in keys["export"] and "f8" in keys["upload"] and "f9" in keys["copy"]
    assert "f12" in keys["refresh"] and "f10" in keys["quit"] and "f1" in keys["command_palette"]

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await pilot.press("f8")
        await wait_until(lambda: isinstance(app.screen, ModalScreen))
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, ModalScreen))
        await pilot.press("f9")  # copy: the project's web link
        await wait_until(lambda: any("Copied" in n.message for n in app._notifications))
        await pilot.press("f1")
        # the palette lists the actions with every key that runs them
        await wait_until(lambda: "Export" in screen_text(app) and "(ctrl+y / f9)" in screen_text(app))
        assert "(ctrl+e / f5)" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("f10")
        await wait_until(lambda: not app.is_running)


async def test_ansi_theme_from_the_config_and_no_animations_by_default(make_app, monkeypatch):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    write_config('theme = "ansi"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        assert app.theme == "ansi-dark" and app.current_theme.ansi
        assert app.animation_level == "none"
        assert app.query_one("#chat-input").cursor_blink is False
        # nor does the input of a dialog
        from textual.widgets import Input

        await pilot.press("ctrl+l")
        await wait_until(lambda: isinstance(app.focused, Input) and app.focused.id != "chat-input")
        await wait_until(lambda: app.focused.cursor_blink is False)


async def test_an_unknown_theme_is_named_and_the_app_still_starts(make_app):
    write_config('theme = "no-such-theme"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(120, 40)):
        await wait_until(lambda: any("Unknown theme 'no-such-theme'" in n.message for n in app._notifications))
        await ready(app)
        assert app.theme == "textual-dark"


async def test_animations_come_back_when_asked_for(make_app, monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")
    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert app.animation_level == "full"


async def test_an_idle_screen_sends_nothing(make_app):
    """After start-up settles, two idle seconds produce no screen update at all: no spinner,
    no cursor blink, no timer repainting."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await wait_until(lambda: "Credits: 25,000 available" in screen_text(app))
        await pilot.pause()
        # every screen update the app would send to the terminal goes through App._display
        writes: list[object] = []
        original = app._display

        def counting_display(screen, renderable) -> None:
            if renderable is not None:
                writes.append(renderable)
            original(screen, renderable)

        app._display = counting_display
        try:
            # start-up settles: within 30 s comes a 2 s window without any update (a late last
            # frame of start-up on a loaded machine only delays it; a timer left repainting,
            # a blinking cursor or a spinner leaves no quiet window)
            deadline = time.monotonic() + 30
            while True:
                writes.clear()
                await asyncio.sleep(2.0)  # the window measured
                if not writes or time.monotonic() > deadline:
                    break
            assert writes == [], f"{len(writes)} screen updates in each 2 s window for 30 s while idle"
            assert app.chat._working_timer is None and app.chat._status_timer is None

            # the same counter sees a run: the screen updates, a "working" timer runs only
            # while the agent works and is gone when it ends
            await pilot.press(*"help")
            await pilot.press("enter")
            await wait_until(lambda: app.run_active or app.chat.transcript()[-1][0] == "agent")
            await wait_until(lambda: not app.run_active and app.chat._working_timer is None)
            assert len(writes) > 3
        finally:
            app._display = original
