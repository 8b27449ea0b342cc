"""Security fixtures: the real engine on 127.0.0.1 with a fresh data dir (fast pacing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent

from tui.engine.embedded import EmbeddedEngine  # noqa: E402


@pytest.fixture
def engine(tmp_path) -> Iterator[EmbeddedEngine]:
    eng = EmbeddedEngine(tmp_path / "engine", heartbeat_interval=0.1, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0)
    eng.start()
    yield eng
    eng.stop()
