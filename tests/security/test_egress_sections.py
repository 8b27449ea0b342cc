"""A section of a plain link is fetched by ffmpeg (issue 17): its requests go through the engine's
egress proxy like every other request of a fetch, and a refusal there stops it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.downloads.rangesite import RangeSite, make_long_source
from tui.engine.egress import EgressProxy
from tui.engine.media.errors import IngestError
from tui.engine.media.fetch import fetch_media


@pytest.fixture(scope="module")
def root(tmp_path_factory, ffmpeg_exe) -> Path:
    return make_long_source(tmp_path_factory.mktemp("egress-section"), ffmpeg_exe, seconds=20)


@pytest.fixture
def rsite(root):
    s = RangeSite(root)
    yield s
    s.close()


class _Policy:
    """Allows the site's port for the first ``allowed`` connections, then refuses (counts both)."""

    def __init__(self, port: int, allowed: int) -> None:
        self.port, self.allowed, self.asked = port, allowed, 0
        self._lock = threading.Lock()

    def __call__(self, address: str, port: int) -> bool:
        with self._lock:
            self.asked += 1
            return address == "127.0.0.1" and port == self.port and self.asked <= self.allowed


def _proxy(policy: _Policy) -> EgressProxy:
    proxy = EgressProxy(policy)
    proxy.start()
    return proxy


def test_section_requests_go_through_the_proxy(rsite, tmp_path):
    policy = _Policy(int(rsite.base.rsplit(":", 1)[1]), allowed=1000)
    proxy = _proxy(policy)
    try:
        result = fetch_media(rsite.url("/long.mp4"), tmp_path / "out", proxy=proxy.url, options={"section": [5, 10]})
    finally:
        proxy.stop()
    assert result.path.name == "long (0m05s-0m10s).mp4"
    served = sum(rsite.requests.values())
    assert served >= 2 and policy.asked >= served  # the peek and ffmpeg's ranges, each through the proxy


def test_a_refusal_at_the_proxy_stops_the_section(rsite, tmp_path):
    """Only the worker's first request (its peek) is let through: ffmpeg's are refused, and
    none of them reaches the site by another way."""
    policy = _Policy(int(rsite.base.rsplit(":", 1)[1]), allowed=1)
    proxy = _proxy(policy)
    try:
        with pytest.raises(IngestError):
            fetch_media(rsite.url("/long.mp4"), tmp_path / "out", proxy=proxy.url, options={"section": [5, 10]})
    finally:
        proxy.stop()
    assert sum(rsite.requests.values()) == 1 and policy.asked >= 2
    assert not (tmp_path / "out").exists()
