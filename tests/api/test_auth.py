"""Where the token comes from: NEMO_TOKEN, the 0600 cache keyed by api_url, or an anonymous token."""

from __future__ import annotations

import json
import stat
import uuid

import httpx

from tests.api.apifakes import TOKEN, envelope, token_response
from tui.api.auth import cache_key
from tui.config import load_settings


def credits_ok(api):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json=envelope({"available": 1})))


async def test_anonymous_token_is_cached_0600_and_reused(api, make_client, settings):
    credits_ok(api)
    async with make_client() as c:
        info = await c.connect()
        assert info.user_id == "anon_abc123" and info.credits == 100
        assert c.user_id == "anon_abc123"
    path = settings.token_cache_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cache = json.loads(path.read_text())
    assert cache[cache_key(settings)]["token"] == TOKEN
    # A second client (the next start of the app) uses the cache: no new anonymous token.
    async with make_client() as c2:
        await c2.credits()
        assert c2.user_id == "anon_abc123"
    assert len(api.calls("POST /api/auth/anonymous-token")) == 1
    assert api.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


async def test_cache_is_keyed_by_api_url(api, make_client, settings):
    credits_ok(api)
    cloud = settings.with_overrides(api_url="https://mega-api-prod.nemovideo.ai")
    staging = settings.with_overrides(api_url="https://staging.example")
    api.add(
        "POST /api/auth/anonymous-token", [token_response("nmv_usr_cloud_aaaa"), token_response("nmv_usr_stag_bbbb")]
    )
    async with make_client(cloud) as c:
        await c.connect()
    async with make_client(staging) as c:
        await c.connect()
    cache = json.loads(settings.token_cache_file.read_text())
    assert cache["https://mega-api-prod.nemovideo.ai"]["token"] == "nmv_usr_cloud_aaaa"
    assert cache["https://staging.example"]["token"] == "nmv_usr_stag_bbbb"


async def test_the_local_engine_token_is_keyed_by_its_data_dir_not_its_port(api, make_client, settings, tmp_path):
    """--local starts the engine on a random port each time: one cache entry, reused."""
    credits_ok(api)
    api.add(
        "POST /api/auth/anonymous-token", [token_response("nmv_usr_local_1111"), token_response("nmv_usr_other_2222")]
    )
    from tui.config import write_private

    settings.token_cache_file.parent.mkdir(parents=True, exist_ok=True)
    write_private(
        settings.token_cache_file,
        json.dumps(
            {  # left by an earlier version: one per port
                f"http://127.0.0.1:{port}": {"token": f"nmv_usr_old_{port}", "expires_at": "2099-01-01T00:00:00Z"}
                for port in (40001, 40002)
            }
        ),
    )
    for port in (41234, 45678, 39999):  # three starts of nemo-tui --local
        async with make_client(settings.with_overrides(api_url=f"http://127.0.0.1:{port}")) as c:
            await c.connect()
            assert c._token == "nmv_usr_local_1111"
    async with make_client(settings.with_overrides(api_url="http://localhost:5000")) as c:
        await c.connect()  # the same engine data dir under another loopback name
    other_dir = settings.with_overrides(api_url="http://127.0.0.1:41234", data_dir=tmp_path / "elsewhere")
    async with make_client(other_dir) as c:
        await c.connect()
    cache = json.loads(settings.token_cache_file.read_text())
    assert sorted(cache) == sorted([cache_key(settings), cache_key(other_dir)])
    assert cache[cache_key(settings)]["token"] == "nmv_usr_local_1111"
    assert cache[cache_key(other_dir)]["token"] == "nmv_usr_other_2222"
    assert len(api.calls("POST /api/auth/anonymous-token")) == 2


async def test_expired_cached_token_is_replaced(api, make_client, settings):
    from tui.config import write_private

    write_private(
        settings.token_cache_file,
        json.dumps(
            {
                cache_key(settings): {
                    "token": "nmv_usr_old_cccc",
                    "user_id": "anon_old",
                    "expires_at": "2000-01-01T00:00:00Z",
                }
            }
        ),
    )
    async with make_client() as c:
        info = await c.connect()
    assert info.token == TOKEN
    assert len(api.calls("POST /api/auth/anonymous-token")) == 1


async def test_damaged_cache_is_ignored(api, make_client, settings):
    settings.token_cache_file.parent.mkdir(parents=True, exist_ok=True)
    settings.token_cache_file.write_text("{not json")
    async with make_client() as c:
        assert (await c.connect()).token == TOKEN


async def test_nemo_token_skips_the_anonymous_call(api, make_client, env_settings):
    credits_ok(api)
    async with make_client(env_settings) as c:
        assert await c.connect() is None
        await c.credits()
    assert api.calls("POST /api/auth/anonymous-token") == []
    assert api.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
    assert not env_settings.token_cache_file.exists()


async def test_client_id_is_generated_once_and_persisted(api, make_client, settings):
    async with make_client() as c:
        await c.connect()
    cid = api.calls("POST /api/auth/anonymous-token")[0].headers["x-client-id"]
    assert str(uuid.UUID(cid)) == cid
    assert settings.client_id_file.read_text().strip() == cid
    settings.token_cache_file.unlink()
    async with make_client() as c:
        await c.connect()
    assert api.calls("POST /api/auth/anonymous-token")[1].headers["x-client-id"] == cid


async def test_client_id_from_environment_wins(api, make_client, isolated_dirs):
    s = load_settings(
        {**{k: str(v) for k, v in isolated_dirs.items()}, "NEMO_CLIENT_ID": "cid-from-env"},
        api_url="http://127.0.0.1:9",
    )
    async with make_client(s) as c:
        await c.connect()
    assert api.calls("POST /api/auth/anonymous-token")[0].headers["x-client-id"] == "cid-from-env"
    assert not s.client_id_file.exists()


async def test_token_response_without_token_is_a_bad_response(api, make_client):
    from tui.api import BadResponse

    api.add("POST /api/auth/anonymous-token", httpx.Response(200, json=envelope({"user_id": "x"})))
    async with make_client() as c:
        try:
            await c.connect()
        except BadResponse as exc:
            assert "token" in str(exc)
        else:
            raise AssertionError("expected BadResponse")


async def test_concurrent_requests_share_one_anonymous_token(api, make_client):
    import asyncio

    credits_ok(api)
    async with make_client() as c:
        await asyncio.gather(*(c.credits() for _ in range(5)))
    assert len(api.calls("POST /api/auth/anonymous-token")) == 1
