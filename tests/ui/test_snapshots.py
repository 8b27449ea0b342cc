"""Snapshots of the main screen at 80x24 (compact, tabs) and 120x40 (roomy): idle, streaming,
a timeline with three tracks, an error. Deterministic: the fake backend's fixed session id,
a fixed wall clock in the log, a clock that does not move, and no cursor blink."""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.pilot_helpers import region_text, screen_text, wait_until
from tests.ui.test_app import notes, send
from tests.ui.ui_fakes import THREE_TRACKS, FakeBackend, fixture

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def ready(pilot) -> None:
    app = pilot.app
    await wait_until(lambda: app.session is not None and "Ready" in screen_text(app))
    await wait_until(lambda: "^e Export" in screen_text(app) or "Export" in screen_text(app))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_idle(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_streaming(snap_compare, make_app, backend: FakeBackend, size):
    gate = asyncio.Event()
    backend.script_run(fixture("cut-after-two-events.sse").split(b"\n\n")[0] + b"\n\n", ("wait", gate))

    async def streaming(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await send(pilot, "add the title Cut Short")
        await wait_until(lambda: "Sure! Adding the title" in region_text(app, app.chat))
        await wait_until(lambda: "working… 0s" in screen_text(app))
        await wait_until(lambda: app.sse_log.received == 1 and app.sse_log._flush_timer is None)
        await pilot.pause()

    try:
        assert snap_compare(make_app(), terminal_size=size, run_before=streaming)
    finally:
        gate.set()


@pytest.mark.parametrize("size", SIZES)
def test_timeline_with_three_tracks(snap_compare, make_app, backend: FakeBackend, size):
    backend.set_draft(THREE_TRACKS)

    async def timeline(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await pilot.press("f3")
        await wait_until(lambda: '"Urban Dreams"  0–3s' in screen_text(app))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=timeline)


@pytest.mark.parametrize("size", SIZES)
def test_error(snap_compare, make_app, backend: FakeBackend, size):
    backend.script_run(fixture("error-event.sse"))

    async def error(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await send(pilot, "make it pop")
        await wait_until(lambda: not app.run_active and any("simulated model error" in n for n in notes(app)))
        await wait_until(lambda: app.sse_log.received == 1 and app.sse_log._flush_timer is None)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=error)
