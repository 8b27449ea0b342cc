"""Helpers for the fault tests: drive the app, and the checks every scenario makes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.ui.pilot_helpers import screen_text, wait_until


async def ready(app) -> None:
    await wait_until(
        lambda: app.session is not None and "Ready" in screen_text(app) and app.connection == "connected", timeout=20
    )


async def send(pilot, text: str) -> None:
    box = pilot.app.query_one("#chat-input")
    box.focus()
    box.value = text
    await pilot.press("enter")


def lines(app, role: str) -> list[str]:
    return [text for r, text in app.chat.transcript() if r == role]


def notes(app) -> list[str]:
    return lines(app, "note")


def has_note(app, *words: str) -> bool:
    return any(all(w in n for w in words) for n in notes(app))


async def add_video(app, path: Path) -> None:
    """Upload a file the way ctrl+u does, and wait until the timeline shows it."""
    app.upload_files_worker([Path(path)])
    await wait_until(lambda: app.draft is not None and app.draft.ready_to_export, timeout=30)


def token_of(app) -> str:
    return app.client._token


def assert_intact(app, sent: list[str]) -> None:
    """The app is up, and what the user typed is in the chat and in the stored transcript once each."""
    assert app.is_running
    assert "nemo-tui" in screen_text(app)
    shown = lines(app, "user")
    stored = [line.text for line in app.store.transcript(app.session_id) if line.role == "user"]
    for text in sent:
        assert shown.count(text) == 1, (text, shown)
        assert stored.count(text) == 1, (text, stored)


def no_partial_under_final_names(folder: Path) -> None:
    """Nothing half-written sits under a final name: every *.mp4 there is whole (a real MP4)."""
    for path in Path(folder).glob("*.mp4"):
        data = path.read_bytes()
        assert data[4:8] == b"ftyp" and b"moov" in data, f"{path.name} is not a whole MP4"


async def wait_for(app, condition, timeout: float = 10.0) -> None:
    """wait_until, and on failure say what the chat showed."""
    try:
        await wait_until(condition, timeout=timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nchat: {app.chat.transcript()!r}\nconnection: {app.connection}") from None


async def settle(app) -> None:
    """Let the work the app started finish (the credits refresh after a run...) before the test
    closes it: a message handled while the screen is being torn down is not what is tested here."""
    await wait_until(lambda: not any(w.is_running for w in app.workers), timeout=15)
    await asyncio.sleep(0.1)
