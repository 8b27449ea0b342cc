"""Fixtures for the terminal/browser tests: the real `nemo-tui` started as a process with
its own NEMO_* folders (never the user's), a free loopback port."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

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
