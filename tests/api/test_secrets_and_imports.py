"""The token never shows (exceptions, repr, logs). (Import hygiene: tests/test_architecture.py.)"""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

from tests.api.apifakes import TOKEN, sse_response
from tui.api import ApiError, NetworkError, OutOfCredits, TokenExpired, redact
from tui.api.errors import register_secret


def test_redact_patterns():
    register_secret("opaque-secret-42")
    text = "Authorization: Bearer abc.DEF-123 token nmv_usr_XyZ_9 link ?token=qq&task=1 and opaque-secret-42"
    out = redact(text)
    for secret in ("abc.DEF-123", "nmv_usr_XyZ_9", "qq&", "opaque-secret-42"):
        assert secret not in out
    assert "task=1" in out and "Bearer" in out


def test_error_text_repr_and_pickle_are_redacted():
    register_secret(TOKEN)
    exc = ApiError(f"server said: bad token {TOKEN} (Bearer {TOKEN})", f"retry with {TOKEN}", code=1, status=400)
    for text in (str(exc), repr(exc), exc.message, exc.next_step, str(exc.args)):
        assert TOKEN not in text
    assert "nmv_" not in str(exc)
    clone = pickle.loads(pickle.dumps(exc))
    assert str(clone) == str(exc) and clone.status == 400
    assert OutOfCredits(bind_url="https://w/?bind=anon_1").bind_url == "https://w/?bind=anon_1"
    assert "https://w/?bind=anon_1" in str(OutOfCredits(bind_url="https://w/?bind=anon_1"))


async def test_token_never_in_exceptions_or_logs(api, make_client, caplog, env_settings):
    """Drive many error paths with the token echoed back by the server; look everywhere."""
    caplog.set_level(logging.DEBUG)
    echo = f"invalid header 'Bearer {TOKEN}' for token {TOKEN}"
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json={"code": 5000, "message": echo}))
    api.add("GET /api/state/nemo_agent/me/s/latest", httpx.Response(401, json={"code": 1001, "message": echo}))
    api.add(
        "POST /run_sse",
        sse_response(f'data: {{"error": "{echo}"}}\n\ndata: {{"type":"text","content":"x"}}\n'.encode()),
    )
    api.add("POST /api/render/proxy/lambda", httpx.Response(200, json={"success": False, "message": echo}))
    errors: list[BaseException] = []
    events = []
    async with make_client(env_settings) as c:
        for call in (c.credits(), c.state("s"), c.submit_render("s", {"t": []})):
            try:
                await call
            except ApiError as exc:
                errors.append(exc)
        try:
            async for ev in c.run("s", "hi"):
                events.append(ev)
        except ApiError as exc:
            errors.append(exc)
    assert len(errors) == 4
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [str(e.args) for e in errors]
    texts += (
        [e.raw for e in events] + [e.error for e in events] + [e.summary() for e in events] + [repr(e) for e in events]
    )
    texts += [r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records]
    texts += [repr(c)]
    assert caplog.records  # the client does log
    for text in texts:
        assert TOKEN not in text, text


async def test_anonymous_token_never_logged(api, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    async with make_client() as c:
        info = await c.connect()
    assert info.token == TOKEN
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert any("anon_abc123" in r.getMessage() for r in caplog.records)


async def test_network_error_mentions_no_token(make_client, settings):
    def fail(request):
        raise httpx.ConnectError(f"failed with {request.headers.get('authorization')}", request=request)

    async with make_client(settings.with_overrides(token=TOKEN), transport=httpx.MockTransport(fail)) as c:
        with pytest.raises(NetworkError) as info:
            await c.credits()
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_token_expired_default_words():
    e = TokenExpired()
    assert "expired" in str(e) and e.next_step
