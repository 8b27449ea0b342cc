"""Fixtures for download jobs: the loopback video site (built once per run) and no proxies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from dlsite import Site, build_site  # noqa: E402  (this folder's dlsite.py)


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
