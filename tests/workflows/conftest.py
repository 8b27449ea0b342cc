"""Fixtures for the upload/export workflow tests: a steady cursor (deterministic snapshots),
a real embedded engine on 127.0.0.1, the UI's scripted fake backend with render endpoints,
and app factories. Helpers live in wf_helpers.py / tests/ui/pilot_helpers.py (a test module
never imports ``conftest``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input, TextArea

from tests.workflows.wf_helpers import RenderingFakeBackend  # noqa: E402


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """No blinking cursor: snapshots and screen text do not depend on timing."""
    for cls in (Input, TextArea):
        original = cls.__init__

        def init(self, *args, __original=original, __cls=cls, **kwargs):
            __original(self, *args, **kwargs)
            self.set_reactive(__cls.cursor_blink, False)

        monkeypatch.setattr(cls, "__init__", init)


@pytest.fixture
def engine_url(tmp_path):
    """A real engine on a loopback port (fast agent replies), stopped after the test."""
    from tui.engine.embedded import EmbeddedEngine

    engine = EmbeddedEngine(
        tmp_path / "engine", heartbeat_interval=0.2, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0
    )
    url = engine.start()
    yield url
    engine.stop()


@pytest.fixture
def engine_app(engine_url):
    """engine_app(**overrides) -> a NemoApp (backend "local") talking to the test's engine."""
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    def make(**overrides):
        settings = replace(load_settings(), api_url=engine_url, token=None)
        options = dict(backend="local", export_poll_interval=0.2, tick_interval=0.05)
        options.update(overrides)
        return NemoApp(settings, **options)

    return make


@pytest.fixture
def fake() -> RenderingFakeBackend:
    return RenderingFakeBackend()


@pytest.fixture
def fake_app(fake):
    """fake_app(**overrides) -> a NemoApp wired to the scripted fake backend."""
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    def make(**overrides):
        options = dict(
            backend="cloud",
            transport=fake.transport,
            wall_clock=lambda: "12:00:00",
            tick_interval=0.02,
            retry_wait=0.0,
            export_poll_interval=0.05,
        )
        options.update(overrides)
        return NemoApp(load_settings(), **options)

    return make
