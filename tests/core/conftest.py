"""Fixtures for the core tests: recorded ADK streams as SseEvents, a fake clock."""

from __future__ import annotations

import pytest

from tests.fixture_paths import ADK_FIXTURES
from tui.api.events import SseEvent
from tui.api.sse import SseParser


def sse_payloads(body: str) -> list[str]:
    """The data payloads of an SSE body (events separated by blank lines)."""
    payloads: list[str] = []
    data: list[str] | None = None
    for line in body.splitlines() + [""]:
        if line == "":
            if data is not None:
                payloads.append("\n".join(data))
            data = None
        elif line.startswith(":"):
            continue
        elif line.startswith("data:"):
            value = line[5:]
            if value.startswith(" "):
                value = value[1:]
            data = (data or []) + [value]
    return payloads


def fixture_events(name: str) -> list[SseEvent]:
    parser = SseParser()
    body = (ADK_FIXTURES / name).read_text(encoding="utf-8")
    return [ev for payload in sse_payloads(body) for ev in parser.parse(payload)]


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def adk_events():
    """``adk_events("edit-with-text.sse")`` -> the SseEvents the client's parser makes of it."""
    return fixture_events
