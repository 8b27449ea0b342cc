"""Engine fixtures: a real server on 127.0.0.1 (EmbeddedEngine) with a fresh data dir."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine.engine_helpers import FAST, Api, FakeMedia
from tui.engine.embedded import EmbeddedEngine


@pytest.fixture
def fake_media() -> FakeMedia:
    return FakeMedia()


@pytest.fixture
def start_engine(tmp_path, fake_media) -> Iterator[Callable[..., EmbeddedEngine]]:
    """start_engine(data_dir=None, **create_app options) -> a started EmbeddedEngine (fake media
    unless media= is given); all are stopped at the end of the test."""
    engines: list[EmbeddedEngine] = []

    def start(data_dir: Path | None = None, **options: Any) -> EmbeddedEngine:
        opts = {**FAST, "media": fake_media, **options}
        eng = EmbeddedEngine(data_dir or tmp_path / "engine", **opts)
        eng.start()
        engines.append(eng)
        return eng

    yield start
    for eng in engines:
        eng.stop()


@pytest.fixture
def engine(start_engine) -> EmbeddedEngine:
    return start_engine()


@pytest.fixture
def api(engine) -> Iterator[Api]:
    a = Api(engine.base_url).login()
    yield a
    a.close()


@pytest.fixture
def engine_url(tmp_path) -> Iterator[str]:
    """A running engine on 127.0.0.1 with the real media layer and a fresh data dir
    (fast pacing: tiny heartbeat interval, no silent runs)."""
    eng = EmbeddedEngine(tmp_path / "engine-real", **FAST)
    url = eng.start()
    yield url
    eng.stop()
