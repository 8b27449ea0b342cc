"""Fixtures for download jobs: the loopback video site (built once per run) and no proxies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.downloads.dlsite import Site, build_site  # noqa: E402  (this folder's dlsite.py)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def site_files(tmp_path_factory, ffmpeg_exe) -> Path:
    return build_site(tmp_path_factory.mktemp("dl-site"), ffmpeg_exe)


@pytest.fixture
def site(site_files) -> Iterator[Site]:
    s = Site(site_files)
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


@pytest.fixture(scope="session")
def av_files(tmp_path_factory, ffmpeg_exe) -> Path:
    """The audio/subtitle site's files (avsite.py), built once per run."""
    from tests.downloads.avsite import build_avsite

    return build_avsite(tmp_path_factory.mktemp("av-site"), ffmpeg_exe)


@pytest.fixture
def avsite(av_files) -> Iterator[Site]:
    s = Site(av_files)
    yield s
    s.close()
