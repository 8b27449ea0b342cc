"""Strings from the user or the server are shown as they are, never read as Rich markup
(issue 13 item 8): through the real widgets, in the app, and again on --resume."""

from __future__ import annotations

import copy

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.test_app import notes, send, start
from tests.ui.ui_fakes import THREE_TRACKS, FakeBackend

CLOSER = "Intro [/] part"
BRACKETS = "Trip [draft].mp4"
CLICK = "[@click=app.quit]Press me[/]"
STYLED = "[b red]Loud[/b red]"


def hostile_draft() -> dict:
    draft = copy.deepcopy(THREE_TRACKS)
    draft["m"]["title"] = CLOSER
    draft["t"][0]["sg"][0]["name"] = BRACKETS
    draft["t"][1]["name"] = CLICK
    draft["t"][2]["sg"][0]["text"] = STYLED
    return draft


async def test_the_timeline_shows_markup_like_titles_whole_and_inert(make_app, backend: FakeBackend):
    backend.set_draft(hostile_draft())
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await start(app, pilot)
        await wait_until(lambda: BRACKETS in screen_text(app))
        text = screen_text(app)
        assert CLOSER in text  # the title with "[/]" shown, no crash
        assert BRACKETS in text  # "[draft]" is not eaten as a style
        assert CLICK in text and STYLED in text  # shown as typed, not turned into a link/style
        tree = app.timeline.tree
        labels = [str(node.label) for node in (tree.root, *tree.root.children)]
        assert any(CLICK in label for label in labels)
        for node in (tree.root, *tree.root.children):
            assert not any(span.style and "@click" in str(span.style) for span in node.label.spans)
        await pilot.click(tree)  # a click on the labels runs nothing (no app.quit)
        await pilot.pause()
        assert app.is_running


async def test_a_markup_title_does_not_crash_the_resumed_app(make_app, backend: FakeBackend):
    backend.set_draft(hostile_draft())
    first = make_app()
    async with first.run_test(size=(160, 50)) as pilot:
        await start(first, pilot)
        await send(pilot, f"call it {CLOSER} {CLICK}")
        await wait_until(lambda: not first.run_active and any(r == "agent" for r, _t in first.chat.transcript()))
    second = make_app(resume=True)
    async with second.run_test(size=(160, 50)) as pilot:
        await wait_until(lambda: any(n.startswith("Resumed") for n in notes(second)))
        await wait_until(lambda: CLOSER in screen_text(second) and BRACKETS in screen_text(second))
        assert f"call it {CLOSER} {CLICK}" in screen_text(second)  # the restored line, whole
        assert second.is_running


async def test_server_text_in_the_working_line_and_the_jobs_panel_is_plain(make_app):
    app = make_app(connect=False)
    async with app.run_test(size=(120, 40)) as pilot:
        working = app.query_one("#working")
        working.show_text(f"downloading {BRACKETS} {CLOSER}")
        app.jobs.set_row("k", f"⬆ {BRACKETS} {STYLED}", 0.5)
        await pilot.pause()
        await wait_until(lambda: f"downloading {BRACKETS} {CLOSER}" in screen_text(app))
        await wait_until(lambda: f"⬆ {BRACKETS} {STYLED}" in screen_text(app))
