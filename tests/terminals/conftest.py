"""Fixtures for the terminal/browser tests: the real `nemo-tui` started as a process with
its own NEMO_* folders (never the user's), a free loopback port."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_env(tmp_path) -> dict[str, str]:
    """The environment for a `nemo-tui` process: isolated folders, no cloud token, no SSH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEMO_", "SSH_", "TMUX", "NO_COLOR", "TEXTUAL_"))}
    env.update(
        NEMO_CONFIG_DIR=str(tmp_path / "config"),
        NEMO_DATA_DIR=str(tmp_path / "data"),
        NEMO_DOWNLOAD_DIR=str(tmp_path / "downloads"),
        HOME=str(tmp_path / "home"),
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture
def fake_backend():
    from tests.ui.ui_fakes import FakeBackend

    return FakeBackend()


@pytest.fixture
def make_app(fake_backend):
    """make_app(settings=None, **options) -> a NemoApp on the scripted fake backend."""
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    def make(settings=None, **options):
        options.setdefault("wall_clock", lambda: "12:00:00")
        options.setdefault("retry_wait", 0.0)
        return NemoApp(settings or load_settings(), backend="cloud", transport=fake_backend.transport, **options)

    return make


@pytest.fixture(autouse=True)
def plain_terminal_settings(monkeypatch):
    """The user's own NO_COLOR / TEXTUAL_* settings do not leak into these tests."""
    for name in ("NO_COLOR", "TEXTUAL_ANIMATIONS", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_FPS", "TEXTUAL_THEME"):
        monkeypatch.delenv(name, raising=False)
