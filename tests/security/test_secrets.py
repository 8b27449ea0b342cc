"""The token never shows: not on screen, in the SSE log, the logs, the stored transcript, an
exception's text, the web link or a committed snapshot -- even when a hostile server echoes
it back in its errors and in the stream."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.faults.proxy import Ctx, FaultProxy
from tests.ui.pilot_helpers import screen_text, wait_until

REPO = Path(__file__).resolve().parents[2]
TOKEN_RE = re.compile(r"nmv_[A-Za-z0-9_\-]{6,}")


def echo_token_stream():
    """/run_sse answered by a server that puts the caller's token in text, tool args and an error."""

    async def act(ctx: Ctx) -> None:
        token = ctx.seen.headers.get("authorization", "").removeprefix("Bearer ")
        events = [
            {"content": {"parts": [{"text": f"Your token is {token} "}], "role": "model"}, "partial": True},
            {"content": {"parts": [{"text": f"and again: Bearer {token}."}], "role": "model"}, "partial": True},
            {"content": {"parts": [{"functionCall": {"name": "edit", "args": {"auth": token}}}], "role": "model"}},
            {"errorCode": "AUTH", "errorMessage": f"header was Authorization: Bearer {token}"},
        ]
        body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
        await ctx.respond(200, body, "text/event-stream")

    return act


def echo_token_error(status: int):
    async def act(ctx: Ctx) -> None:
        token = ctx.seen.headers.get("authorization", "")
        body = json.dumps({"code": 5000, "message": f"rejected {token} (token={token.removeprefix('Bearer ')})"})
        await ctx.respond(status, body.encode(), "application/json")

    return act


async def test_a_server_echoing_the_token_never_gets_it_on_screen(engine, tmp_path, caplog):
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    caplog.set_level(logging.DEBUG)
    proxy = FaultProxy(engine.base_url).start()
    try:
        settings = replace(load_settings(), api_url=proxy.url, token=None)
        app = NemoApp(settings, backend="local", tick_interval=0.05, retry_wait=0.05)
        async with app.run_test(size=(160, 50)) as pilot:
            await wait_until(lambda: app.session is not None and "Ready" in screen_text(app), timeout=20)
            token = app.client._token
            assert token and token.startswith("nmv_")
            proxy.add("POST", "/run_sse", echo_token_stream())
            proxy.add("GET", "/api/credits", echo_token_error(400))
            proxy.add("GET", "/api/state", echo_token_error(500))
            box = app.query_one("#chat-input")
            box.value = "hello"
            await pilot.press("enter")
            await wait_until(
                lambda: (
                    not app.run_active
                    and any("rejected" in t or "5000" in t or "bad response" in t for _r, t in app.chat.transcript())
                ),
                timeout=15,
            )
            await pilot.pause()
            seen = [screen_text(app)]
            for tab in ("f3", "f4"):
                await pilot.press(tab)
                await pilot.pause()
                seen.append(screen_text(app))
            await pilot.press("f6")  # the raw events view
            await pilot.pause()
            seen.append(screen_text(app))
            await pilot.press("escape")
            chat = "\n".join(t for _r, t in app.chat.transcript())
            log_lines = "\n".join(app.sse_log.visible_lines())
            raw = "\n".join(e.raw + e.summary for e in app.sse_log.entries)
            stored = "\n".join(line.text for line in app.store.transcript(app.session_id))
            link = app.client.web_link(app.session.task_id, app.session.session_id)
            assert "Your token is" in chat  # the text arrived, with the token cut out
            for where, text in [
                ("screen", "\n".join(seen)),
                ("chat", chat),
                ("sse log", log_lines),
                ("raw events", raw),
                ("stored transcript", stored),
                ("web link", link),
                ("last link", str(app.last_link)),
                ("logs", caplog.text),
            ]:
                assert token not in text, where
                assert not TOKEN_RE.search(text), where
            assert "token=&" in link
            store_files = b"".join(p.read_bytes() for p in Path(settings.data_dir).glob("*.db*"))
            assert token.encode() not in store_files
    finally:
        proxy.stop()


async def test_exceptions_never_carry_the_token(engine, tmp_path):
    from tui.api import NemoClient
    from tui.api.errors import ApiError
    from tui.config import load_settings

    proxy = FaultProxy(engine.base_url).start()
    try:
        settings = replace(load_settings(), api_url=proxy.url, token=None)
        async with NemoClient(settings, retry_wait=0.0) as client:
            await client.connect()
            session = await client.create_session()
            token = client._token
            errors = []
            for status in (400, 403, 409, 500, 502):
                proxy.add("GET", "/api/credits", echo_token_error(status))
                with pytest.raises(ApiError) as info:
                    await client.credits()
                errors.append(info.value)
            proxy.add("POST", "/run_sse", echo_token_error(400))
            with pytest.raises(ApiError) as info:
                async for _ in client.run(session.session_id, "hi"):
                    pass
            errors.append(info.value)
            for exc in errors:
                for text in (str(exc), repr(exc), exc.message, exc.next_step or "", str(exc.args)):
                    assert token not in text and not TOKEN_RE.search(text), text
            assert token not in repr(client)
    finally:
        proxy.stop()


def test_no_token_in_any_committed_snapshot_screenshot_or_report():
    roots = [REPO / "tests", REPO / "screenshots", REPO / "bench", REPO / "README.md"]
    checked = 0
    for root in roots:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        for path in files:
            if "__pycache__" in path.parts or path.suffix in (".pyc",):
                continue
            if "__snapshots__" in path.parts or path.suffix in (".svg", ".png", ".md", ".txt", ".html"):
                checked += 1
                text = path.read_bytes().decode("utf-8", "replace")
                assert not TOKEN_RE.search(text) or path.suffix == ".py", path
    assert checked >= 8  # the UI snapshots at least
