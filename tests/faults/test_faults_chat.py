"""Faults around the chat, through the real app against the real engine behind a fault proxy.

Every scenario checks: the app stays up, the user reads a plain message with a next step,
the message reached the engine once (counted at the proxy), credits were charged at most
once (asked from the engine directly), and the transcript (screen and LocalStore) is intact."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import time

import pytest

from tests.faults.fault_helpers import (
    add_video,
    assert_intact,
    has_note,
    lines,
    notes,
    ready,
    send,
    settle,
    token_of,
    wait_for,
)
from tests.faults.proxy import cut_after, end_with, heartbeats_forever, html_502, inject, respond
from tests.ui.pilot_helpers import screen_text

EDIT_COST = 10


@pytest.fixture
def video(make_video, tmp_path):
    path = tmp_path / "city.mp4"
    shutil.copy(make_video(seconds=2, width=320, height=180), path)
    return path


async def test_sse_stream_cut_mid_reply(stack, make_app, video):
    stack.proxy.add("POST", "/run_sse", cut_after(700))  # inside the first events of the reply
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        before = stack.credits(token_of(app))["available"]
        await send(pilot, 'add the title "Cut Short"')
        await wait_for(app, lambda: has_note(app, "connection to the agent dropped", "Nothing was re-sent"))
        await wait_for(
            app,
            lambda: (
                has_note(app, "The agent finished after the connection dropped")
                or has_note(app, "the request failed", "sends it again")
            ),
            timeout=15,
        )
        await wait_for(app, lambda: app.connection == "connected")
        changed = has_note(app, "The agent finished after the connection dropped")
        await wait_for(app, lambda: stack.credits(token_of(app))["frozen"] == 0)
        spent = before - stack.credits(token_of(app))["available"]
        assert spent == (EDIT_COST if changed else 0)
        assert stack.proxy.forwarded("POST", "/run_sse") == 1
        assert app.retry_text == 'add the title "Cut Short"'  # offered, never done by itself
        assert_intact(app, ['add the title "Cut Short"'])
        await settle(app)


async def test_heartbeats_only_past_the_timeout(stack, make_app):
    stack.proxy.add("POST", "/run_sse", heartbeats_forever(0.05))
    app = make_app(stack.url, run_timeout=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await send(pilot, "what can you do?")
        await wait_for(app, lambda: not app.run_active and has_note(app, "stopped waiting", "Nothing was re-sent"))
        await wait_for(app, lambda: has_note(app, "stopped waiting", "ctrl+t sends your message again"))
        await wait_for(app, lambda: has_note(app, "did not change"))
        # the app hung up: the proxy's stream saw the client go
        await wait_for(app, lambda: stack.proxy.requests("POST", "/run_sse")[0].fault.endswith("hung up)"))
        assert stack.proxy.count("POST", "/run_sse") == 1
        assert app.retry_text == "what can you do?"
        assert any(" heartbeat " in line for line in app.sse_log.visible_lines())
        assert_intact(app, ["what can you do?"])
        await settle(app)


async def test_token_expiring_mid_session_is_renewed_and_the_message_sent_once(stack, make_app):
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        first_token = token_of(app)
        stack.proxy.add("POST", "/run_sse", respond(401, json.dumps({"code": 1001, "message": "token expired"})))
        await send(pilot, "hello")
        await wait_for(app, lambda: not app.run_active and lines(app, "agent"))
        assert stack.proxy.count("POST", "/api/auth/anonymous-token") == 2  # renewed with the same client id
        tokens = stack.proxy.requests("POST", "/api/auth/anonymous-token")
        assert tokens[0].headers["x-client-id"] == tokens[1].headers["x-client-id"]
        assert stack.proxy.forwarded("POST", "/run_sse") == 1  # the refused try never reached the engine
        assert token_of(app) == first_token  # the engine gives the same client the same live token
        assert not any("error" in n.lower() for n in notes(app))
        assert_intact(app, ["hello"])
        await settle(app)


async def test_session_deleted_server_side_starts_a_new_one_and_keeps_the_transcript(stack, make_app):
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await send(pilot, "hello")
        await wait_for(app, lambda: not app.run_active and lines(app, "agent"))
        old = app.session_id
        db = sqlite3.connect(stack.root / "engine" / "engine.db")
        with db:
            db.execute("DELETE FROM sessions WHERE session_id = ?", (old,))
        db.close()
        await send(pilot, "what can you do?")
        await wait_for(
            app, lambda: app.session_id != old and has_note(app, "Started a new session", "Nothing was re-sent")
        )
        assert stack.proxy.forwarded("POST", "/run_sse") == 2  # the refused one reached the engine once, no re-send
        assert app.retry_text == "what can you do?"
        assert lines(app, "user") == ["hello", "what can you do?"]
        stored = [line.text for line in app.store.transcript(old) if line.role == "user"]
        assert stored == ["hello", "what can you do?"]
        assert app.is_running
        await settle(app)


async def test_429_on_the_token_call(stack, make_app):
    limited = respond(
        429, json.dumps({"code": 429, "message": "Too many new clients"}), headers=[("retry-after", "30")]
    )
    stack.proxy.add("POST", "/api/auth/anonymous-token", limited, times=2)
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(app, lambda: app.connection == "offline")
        await wait_for(app, lambda: any("While connecting" in n for n in notes(app)))
        note = next(n for n in notes(app) if "While connecting" in n)
        assert "wait" in note.lower() and "{" not in note
        assert stack.proxy.count("POST", "/api/auth/anonymous-token") == 2  # one wait, one retry, no hammering
        await pilot.press("ctrl+r")
        await ready(app)
        assert stack.proxy.count("POST", "/api/auth/anonymous-token") == 3
        assert stack.proxy.count("POST", "/run_sse") == 0
        assert app.is_running
        await settle(app)


async def test_out_of_credits_mid_session(make_stack, make_app, video):
    stack = make_stack(edit_cost=600)  # 1,000 a day: the first edit goes through, the second cannot
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        await send(pilot, 'add the title "One"')
        await wait_for(app, lambda: not app.run_active and '"One"' in app.timeline.summary_text)
        await wait_for(app, lambda: stack.credits(token_of(app))["available"] == 400)
        await send(pilot, 'add the title "Two"')
        await wait_for(app, lambda: has_note(app, "used up"))
        note = next(n for n in notes(app) if "used up" in n)
        # the local engine: the allowance renews tomorrow, never a registration link offline
        assert "tomorrow" in note and "?bind=" not in note and "register" not in note.lower()
        await wait_for(app, lambda: not app.run_active)
        assert stack.credits(token_of(app)) == {"available": 400, "frozen": 0, "total": 400}
        assert stack.proxy.forwarded("POST", "/run_sse") == 2
        assert '"Two"' not in app.timeline.summary_text
        assert_intact(app, ['add the title "One"', 'add the title "Two"'])
        await settle(app)


async def test_out_of_credits_in_the_middle_of_a_run(stack, make_app, video):
    frame = b'data: {"errorCode":"2001","errorMessage":"Not enough credits to continue"}\n\n'
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        before = stack.credits(token_of(app))["available"]
        stack.proxy.add("POST", "/run_sse", end_with(frame, after=900))
        await send(pilot, 'add the title "Midway"')
        await wait_for(app, lambda: not app.run_active and has_note(app, "credits"))
        note = next(n for n in notes(app) if "credits" in n and "Nothing was re-sent" in n)
        assert "top up" in note and "Not enough credits" in note
        await wait_for(app, lambda: stack.credits(token_of(app))["frozen"] == 0)
        spent = before - stack.credits(token_of(app))["available"]
        assert spent in (0, EDIT_COST)  # the run was stopped; never charged twice
        assert stack.proxy.forwarded("POST", "/run_sse") == 1
        assert_intact(app, ['add the title "Midway"'])
        await settle(app)


async def test_proxy_answering_html_502(stack, make_app):
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        stack.proxy.add("POST", "/run_sse", html_502())
        stack.proxy.add("GET", "/api/credits", html_502())
        await send(pilot, "hello")
        await wait_for(app, lambda: not app.run_active and has_note(app, "While talking to the agent", "bad response"))
        note = next(n for n in notes(app) if "While talking to the agent" in n)
        assert "wait a moment, then try again" in note and "<html" not in screen_text(app)
        assert stack.proxy.forwarded("POST", "/run_sse") == 0
        assert app.retry_text == "hello"
        await pilot.press("ctrl+t")  # the user retries, on purpose: now it goes through once
        await wait_for(app, lambda: not app.run_active and lines(app, "agent"))
        assert stack.proxy.forwarded("POST", "/run_sse") == 1
        assert app.is_running
        await settle(app)


async def test_a_10_mb_event_and_garbage_in_the_stream(stack, make_app):
    huge = (
        b"data: "
        + json.dumps(
            {"content": {"parts": [{"text": "x" * (10 * 1024 * 1024)}], "role": "model"}, "partial": True}
        ).encode()
        + b"\n\n"
    )
    garbage = (
        b"data: \xff\xfe\xc3(broken utf-8 \xed\xa0\x80\n\n"
        b'data: {"content": {"parts": [{"text": "unterminated\n\n'
        b"data: {{{not json at all}\n\n"
        b": a comment\n\n"
    )
    stack.proxy.add("POST", "/run_sse", inject(huge + garbage))
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await send(pilot, "hello")
        await wait_for(app, lambda: not app.run_active, timeout=30)
        # the real reply behind the garbage arrived and is shown whole
        assert lines(app, "agent"), app.chat.transcript()
        assert not any("x" * 1000 in text for text in lines(app, "agent"))  # the 10 MB event was skipped
        assert any("was skipped" in e.raw for e in app.sse_log.entries)
        assert any(" raw " in line for line in app.sse_log.visible_lines())
        assert stack.proxy.forwarded("POST", "/run_sse") == 1
        longest = max(len(e.raw) for e in app.sse_log.entries)
        assert longest < 100_000  # the log keeps a bounded copy, not 10 MB
        box = app.query_one("#chat-input")
        box.focus()
        await pilot.press("o", "k")
        assert box.value == "ok"
        assert_intact(app, ["hello"])
        await settle(app)


async def test_a_reply_5_s_late_keeps_the_screen_responsive(stack, make_app):
    from tests.faults.proxy import delay

    stack.proxy.add("POST", "/run_sse", delay(5.0))
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await send(pilot, "hello")
        await wait_for(app, lambda: app.run_active)
        box = app.query_one("#chat-input")
        box.focus()
        worst = 0.0
        for key in "waiting":
            t0 = time.monotonic()
            await pilot.press(key)
            await wait_for(app, lambda k=key: box.value.endswith(k), timeout=2)
            worst = max(worst, time.monotonic() - t0)
            await asyncio.sleep(0.3)
        assert box.value == "waiting" and app.run_active  # typed during the wait, the reply not there yet
        assert worst < 1.0  # keys answered while the reply is 5 s late (shared machine: generous bound)
        assert "working" in screen_text(app).lower()
        await wait_for(app, lambda: not app.run_active and lines(app, "agent"), timeout=15)
        assert stack.proxy.count("POST", "/run_sse") == 1
        assert_intact(app, ["hello"])
        await settle(app)


async def test_an_answer_later_than_the_client_timeout(stack, make_app, monkeypatch):
    import httpx

    from tests.faults.proxy import delay
    from tui.api import client as client_module

    monkeypatch.setattr(client_module, "TIMEOUT", httpx.Timeout(connect=2.0, read=0.5, write=2.0, pool=2.0))
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        stack.proxy.add("GET", "/api/credits", delay(1.5))
        await pilot.press("ctrl+r")
        await wait_for(app, lambda: has_note(app, "While loading credits", "Cannot reach NemoVideo"))
        note = next(n for n in notes(app) if "While loading credits" in n)
        assert "try again" in note.lower()
        await pilot.press("ctrl+r")  # the next try is on time
        await wait_for(
            app,
            lambda: (
                stack.proxy.count("GET", "/api/credits") >= 3
                and stack.proxy.requests("GET", "/api/credits")[-1].status == 200
            ),
        )
        assert app.is_running
        await settle(app)


async def test_engine_killed_while_the_app_runs_then_restarted(stack, make_app):
    app = make_app(stack.engine_url)  # straight at the engine: no proxy to answer for it
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        stack.kill_engine()
        await send(pilot, "hello")
        await wait_for(app, lambda: not app.run_active and has_note(app, "While talking to the agent", "Cannot reach"))
        note = next(n for n in notes(app) if "While talking to the agent" in n)
        assert "try again" in note.lower() and "ctrl+r" in note
        await wait_for(app, lambda: app.connection == "offline")
        assert "offline" in screen_text(app)
        stack.start_engine_again()
        await pilot.press("ctrl+r")
        await wait_for(app, lambda: app.connection == "connected" and "connected · local" in screen_text(app))
        await pilot.press("ctrl+t")  # the user sends it again, on purpose
        await wait_for(app, lambda: not app.run_active and lines(app, "agent"), timeout=15)
        assert lines(app, "user") == ["hello", "hello"]
        assert app.is_running
        await settle(app)
