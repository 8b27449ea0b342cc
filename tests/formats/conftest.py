"""Fixtures for the formats tests: the loopback site (built once per run), the real engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.formats.fmtsite import Site, build_formats_site


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def formats_site_files(tmp_path_factory, ffmpeg_exe) -> Path:
    return build_formats_site(tmp_path_factory.mktemp("formats-site"), ffmpeg_exe)


@pytest.fixture
def fsite(formats_site_files) -> Iterator[Site]:
    s = Site(formats_site_files)
    yield s
    s.close()


@pytest.fixture
def engine_url(tmp_path) -> Iterator[str]:
    """The real engine (real media layer) on a loopback port."""
    from tui.engine.embedded import EmbeddedEngine

    eng = EmbeddedEngine(tmp_path / "engine", heartbeat_interval=0.2, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0)
    url = eng.start()
    yield url
    eng.stop()
