"""Files that hold a token, the client id or the conversation are readable by their owner only
(0600): the client's token cache and client id, the app's LocalStore database (with its WAL
and shared-memory files), and the engine's database, which holds every user's token."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

from tests.ui.pilot_helpers import screen_text, wait_until


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private(paths: list[Path]) -> dict[str, str]:
    """The files among ``paths`` that group or others can read or write, with their mode."""
    return {p.name: oct(mode(p)) for p in paths if mode(p) & 0o077}


async def test_token_cache_client_id_and_databases_are_0600(engine, monkeypatch):
    import os

    from tui.config import load_settings
    from tui.ui.app import NemoApp

    os.umask(0o022)  # the usual umask: files are 0644 unless created otherwise
    settings = replace(load_settings(), api_url=engine.base_url, token=None)
    app = NemoApp(settings, backend="local", tick_interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.session is not None and "Ready" in screen_text(app), timeout=20)
        box = app.query_one("#chat-input")
        box.value = "hello"
        await pilot.press("enter")
        await wait_until(
            lambda: not app.run_active and any(r == "agent" for r, _t in app.chat.transcript()), timeout=15
        )
        client_files = [settings.token_cache_file, settings.client_id_file]
        assert all(p.exists() for p in client_files)
        store_files = sorted(Path(settings.data_dir).glob("*.db*"))
        engine_files = sorted(engine.data_dir.glob("engine.db*"))
        assert len(store_files) >= 2 and len(engine_files) >= 2  # the database and its WAL at least
        assert private(client_files) == {}
        assert private(store_files) == {}
        assert private(engine_files) == {}
