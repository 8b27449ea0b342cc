"""A playlist download in the app (issue 17): the chat says what is being saved, the
playlist's entries and the summary; each entry has its own row. The engine side (capabilities,
formats, fetch, render) is the fake of tests/downloads/test_download_batch.py."""

from __future__ import annotations

from tests.downloads.test_download_batch import FEED, LOCAL
from tests.downloads.test_download_batch import FakeBackend as FakeEngine
from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.test_app import notes, send, start
from tests.ui.ui_fakes import FakeBackend


async def test_a_feed_in_the_chat_saves_each_entry_and_ends_with_the_summary(
    make_app, backend: FakeBackend, make_video, monkeypatch
):
    engine = FakeEngine(make_video, LOCAL, entries=4, missing=(2,))
    engine.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, f"download all videos of {FEED}")
        await wait_until(lambda: any("3 of 4 saved" in n for n in notes(app)), timeout=30)
        said = notes(app)
        assert any(n.startswith("Saving every video of the link as MP4, one file per entry") for n in said)
        assert "“Weekly show”: saving all 4 entries." in said
        assert any(n.startswith("3 of 4 saved; 1 failed: Episode 2: The link answered HTTP Error 404") for n in said)
        await wait_until(lambda: "Episode 4.mp4" in screen_text(app))
        assert engine.max_in_flight == 2  # the setting's default


async def test_a_feed_without_a_choice_opens_the_entries_dialog(
    make_app, backend: FakeBackend, make_video, monkeypatch
):
    from tui.ui.screens.formats import FormatsScreen

    engine = FakeEngine(make_video, LOCAL, entries=3)
    engine.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, FEED)
        await wait_until(lambda: isinstance(app.screen, FormatsScreen) and "Episode 3" in screen_text(app))
        await pilot.press("down", "space")  # mark the second entry only
        await pilot.press("enter")
        await wait_until(lambda: "“Weekly show”: saving 1 of its 3 entries." in notes(app))
        await wait_until(lambda: "Episode 2.mp4" in screen_text(app), timeout=30)
        assert "Episode 1.mp4" not in screen_text(app) and "Episode 3.mp4" not in screen_text(app)


async def test_closing_the_entries_dialog_saves_nothing(make_app, backend: FakeBackend, make_video, monkeypatch):
    from tui.ui.screens.formats import FormatsScreen

    engine = FakeEngine(make_video, LOCAL, entries=3)
    engine.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        await send(pilot, FEED)
        await wait_until(lambda: isinstance(app.screen, FormatsScreen) and "Episode 3" in screen_text(app))
        await pilot.press("escape")
        await wait_until(lambda: any("Nothing of the playlist was saved" in n for n in notes(app)))
        await pilot.pause()
        assert not any(".mp4" in n for n in notes(app))
