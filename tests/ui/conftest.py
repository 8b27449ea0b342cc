"""Fixtures for the UI tests: a steady cursor (deterministic snapshots), the scripted fake
backend and an app factory. Helpers tests import live in pilot_helpers.py (a test module
must never import ``conftest``: several folders have one)."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, TextArea

from tests.ui.ui_fakes import FakeBackend  # noqa: E402


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """No blinking cursor: snapshots and screen text do not depend on timing."""
    for cls in (Input, TextArea):
        original = cls.__init__

        def init(self, *args, __original=original, __cls=cls, **kwargs):
            __original(self, *args, **kwargs)
            self.set_reactive(__cls.cursor_blink, False)

        monkeypatch.setattr(cls, "__init__", init)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def make_app(backend, clock):
    """make_app(**overrides) -> a NemoApp wired to the fake backend, a fake clock, a fixed
    wall clock and instant recovery sleeps."""
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    def make(**overrides):
        settings = overrides.pop("settings", None) or load_settings()
        options = dict(
            backend="cloud",
            transport=backend.transport,
            clock=clock,
            wall_clock=lambda: "12:00:00",
            tick_interval=0.02,
            recovery_sleep=_no_sleep,
            retry_wait=0.0,
        )
        options.update(overrides)
        return NemoApp(settings, **options)

    return make


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture(scope="session")
def picture_files(ffmpeg_exe, media_cache):
    """The timeline picture tests' media (tests/ui/picture_media.py), made once."""
    from tests.ui.picture_media import make_media

    return make_media(ffmpeg_exe, media_cache / "pictures")
