"""Fixtures for the API client tests: settings on a loopback address and a scripted fake API."""

from __future__ import annotations

import pytest

from tests.api.apifakes import API, TOKEN, FakeApi
from tui.api import NemoClient
from tui.config import load_settings


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def settings(isolated_dirs):
    return load_settings(api_url=API, web_url="https://web.example")


@pytest.fixture
def env_settings(isolated_dirs):
    return load_settings({**{k: str(v) for k, v in isolated_dirs.items()}, "NEMO_TOKEN": TOKEN}, api_url=API)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(api, settings, sleeps):
    clients: list[NemoClient] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(s=None, transport=None, **kw) -> NemoClient:
        c = NemoClient(s or settings, transport=transport or api.transport(), sleep=fake_sleep, **kw)
        clients.append(c)
        return c

    yield make
