"""Fault-injection fixtures: the real engine on 127.0.0.1 (fresh data dir, fast pacing), the
fault proxy in front of it, and the real app (Pilot) pointed at the proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).parent

from tests.faults.proxy import FaultProxy  # noqa: E402
from tui.engine.embedded import EmbeddedEngine  # noqa: E402

FAST = dict(heartbeat_interval=0.1, chunk_delay=0.02, tool_delay=0.05, silent_ratio=0.0)


class Stack:
    """The engine, the proxy in front of it, and helpers to look at the engine directly."""

    def __init__(self, root: Path, **engine_options: Any) -> None:
        self.root = root
        self.engine_options = {**FAST, **engine_options}
        self.engine = EmbeddedEngine(root / "engine", **self.engine_options)
        self.engine_url = self.engine.start()
        self.proxy = FaultProxy(self.engine_url).start()
        self.url = self.proxy.url

    def kill_engine(self) -> None:
        self.engine.stop()

    def start_engine_again(self) -> None:
        """The same data dir on the same port (the app and the proxy keep their address)."""
        port = int(self.engine_url.rsplit(":", 1)[1])
        self.engine = EmbeddedEngine(self.root / "engine", port=port, **self.engine_options)
        self.engine.start()

    def credits(self, token: str) -> dict[str, int]:
        """The credits endpoint, asked directly (not through the proxy or the app)."""
        r = httpx.get(f"{self.engine_url}/api/credits/balance/simple", headers={"Authorization": f"Bearer {token}"})
        return r.json()["data"]

    def close(self) -> None:
        self.proxy.stop()
        self.engine.stop()


@pytest.fixture
def make_stack(tmp_path) -> Iterator[Any]:
    stacks: list[Stack] = []

    def make(**engine_options: Any) -> Stack:
        stack = Stack(tmp_path, **engine_options)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture
def stack(make_stack) -> Stack:
    return make_stack()


async def short_sleep(seconds: float) -> None:
    """The recovery policy's 30 s / 60 s waits, scaled down to 0.05 s."""
    await asyncio.sleep(0.05)


@pytest.fixture
def make_app():
    """make_app(url, **NemoApp options) -> the real app against ``url``, fast timings."""
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    def make(url: str, **overrides: Any):
        settings = overrides.pop("settings", None) or replace(load_settings(), api_url=url, token=None)
        options = dict(
            backend="local",
            tick_interval=0.05,
            export_poll_interval=0.2,
            retry_wait=0.1,
            recovery_sleep=short_sleep,
            wall_clock=lambda: "12:00:00",
        )
        options.update(overrides)
        return NemoApp(settings, **options)

    return make
