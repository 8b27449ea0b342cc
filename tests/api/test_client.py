"""Every endpoint, every error code and every recovery path of NemoClient (MockTransport)."""

from __future__ import annotations

import json

import httpx
import pytest

import tui
from tests.api.apifakes import API, TOKEN, envelope, token_response
from tui.api import (
    ApiError,
    BadResponse,
    ExportBlocked,
    FileTooLarge,
    MissingClientId,
    NetworkError,
    OutOfCredits,
    RateLimited,
    SessionNotFound,
    TokenExpired,
    UnsupportedFileType,
)

STATE_PATH = "GET /api/state/nemo_agent/me/sid1/latest"
DRAFT = {
    "t": [
        {
            "id": "trk_v1",
            "tt": 0,
            "name": "Video",
            "sg": [
                {"id": "seg_1", "name": "city timelapse", "src": "upl_ab12", "s": 0, "d": 10000, "in": 0, "vol": 100}
            ],
        },
        {
            "id": "trk_a1",
            "tt": 1,
            "name": "BGM",
            "sg": [{"id": "seg_2", "name": "Lo-fi", "src": "upl_cd34", "s": 0, "d": 10000, "in": 0, "vol": 35}],
        },
        {
            "id": "trk_t1",
            "tt": 7,
            "name": "Title",
            "sg": [{"id": "seg_3", "name": "Title", "text": "Urban Dreams", "s": 0, "d": 3000}],
        },
    ],
    "d": 10000,
    "m": {"title": "project", "width": 1920, "height": 1080},
}


async def test_headers_on_every_request_and_no_bearer_on_the_token_call(api, make_client, settings):
    api.add(
        "GET /api/credits/balance/simple",
        httpx.Response(200, json=envelope({"available": 25000, "frozen": 40, "total": 25040})),
    )
    async with make_client() as c:
        credits = await c.credits()
    assert (credits.available, credits.frozen, credits.total) == (25000, 40, 25040)
    token_call, credits_call = api.requests
    assert token_call.url.path == "/api/auth/anonymous-token"
    assert "authorization" not in token_call.headers
    assert token_call.headers["x-client-id"]
    assert credits_call.headers["authorization"] == f"Bearer {TOKEN}"
    for req in api.requests:
        assert req.headers["x-skill-source"] == "video-download-online"
        assert req.headers["x-skill-version"] == tui.__version__
        assert req.headers["x-skill-platform"] == settings.platform == "unknown"


async def test_platform_header_follows_settings(api, make_client, settings):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json=envelope({"available": 1})))
    async with make_client(settings.with_overrides(platform="cursor"), version="9.9") as c:
        credits = await c.credits()
    assert credits.total == 1  # total = available + frozen when the server leaves it out
    assert api.requests[-1].headers["x-skill-platform"] == "cursor"
    assert api.requests[-1].headers["x-skill-version"] == "9.9"


async def test_create_session_sends_language_and_remembers_user(api, make_client):
    api.add(
        "POST /api/tasks/me/with-session/nemo_agent",
        httpx.Response(
            200, json=envelope({"task_id": "task_1", "session_id": "5529798706024415232", "user_id": "anon_abc123"})
        ),
    )
    async with make_client() as c:
        info = await c.create_session(language="zh")
        assert (info.task_id, info.session_id, info.user_id) == ("task_1", "5529798706024415232", "anon_abc123")
        assert c.user_id == "anon_abc123"
        assert c.web_link(info.task_id, info.session_id) == (
            "https://web.example/workspace/claim?token=&task=task_1&session=5529798706024415232"
        )
        assert c.bind_url("anon_abc123") == "https://web.example/?bind=anon_abc123"
    body = api.json_of(api.calls("POST /api/tasks/me/with-session/nemo_agent")[0])
    assert body == {"task_name": "project", "language": "zh"}


async def test_create_session_defaults_to_settings_language(api, make_client, settings):
    api.add(
        "POST /api/tasks/me/with-session/nemo_agent",
        httpx.Response(200, json=envelope({"task_id": "t", "session_id": "s"})),
    )
    async with make_client(settings.with_overrides(language="fr")) as c:
        await c.create_session()
    assert api.json_of(api.calls("POST /api/tasks/me/with-session/nemo_agent")[0])["language"] == "fr"


async def test_state_parses_the_draft(api, make_client):
    api.add(
        STATE_PATH,
        httpx.Response(
            200,
            json=envelope(
                {
                    "state": {
                        "draft": DRAFT,
                        "video_infos": [{"id": "v"}],
                        "canvas_config": {"w": 1},
                        "video_analyses": [],
                        "generated_media": [],
                    },
                    "version": 7,
                }
            ),
        ),
    )
    async with make_client() as c:
        st = await c.state("sid1")
    assert st.version == 7
    assert st.video_infos == [{"id": "v"}]
    assert st.draft.ready_to_export
    assert st.draft.summary() == (
        'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )


async def test_state_of_a_new_session_without_draft(api, make_client):
    api.add(STATE_PATH, httpx.Response(200, json=envelope({"state": {}})))
    async with make_client() as c:
        st = await c.state("sid1")
    assert not st.draft.ready_to_export and st.version is None


async def test_upload_urls_body_and_result(api, make_client):
    api.add(
        "POST /api/upload-video/nemo_agent/me/sid1",
        httpx.Response(
            200,
            json=envelope(
                {
                    "files": [
                        {
                            "filename": "video.mp4",
                            "file_type": "video",
                            "cdn_url": "https://cdn/x",
                            "duration": 30.5,
                            "width": 1920,
                            "height": 1080,
                            "fps": 30,
                            "hash": "abc123",
                            "extra": 1,
                        }
                    ],
                    "session_state_applied": True,
                }
            ),
        ),
    )
    async with make_client() as c:
        res = await c.upload_urls("sid1", ["https://example.com/v.mp4"])
        with pytest.raises(ApiError, match="not a web address"):
            await c.upload_urls("sid1", ["file:///etc/passwd"])
    assert res.session_state_applied
    f = res.files[0]
    assert (f.filename, f.file_type, f.duration, f.width, f.height, f.fps, f.hash) == (
        "video.mp4",
        "video",
        30.5,
        1920,
        1080,
        30,
        "abc123",
    )
    req = api.calls("POST /api/upload-video/nemo_agent/me/sid1")[0]
    assert api.json_of(req) == {"urls": ["https://example.com/v.mp4"], "source_type": "url"}
    assert req.extensions["timeout"]["read"] >= 600  # the server downloads before answering


# --- error codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (
            httpx.Response(200, json={"code": 2001, "message": "insufficient credits"}),
            OutOfCredits,
            "out of NemoVideo credits",
        ),
        (httpx.Response(200, json={"code": 4001, "msg": "bad type"}), UnsupportedFileType, "mp4"),
        (httpx.Response(200, json={"code": 4002}), FileTooLarge, "Compress"),
        (httpx.Response(200, json={"code": 1002, "message": "no session"}), SessionNotFound, "new session"),
        (httpx.Response(404, json={"detail": "Session not found: sid1"}), SessionNotFound, "new session"),
        (httpx.Response(402, json={"code": 402, "message": "payment required"}), ExportBlocked, "subscription"),
        (httpx.Response(402, text="Payment Required"), ExportBlocked, "not credits"),
        (httpx.Response(502, text="<html><body>Bad Gateway</body></html>"), BadResponse, "web page"),
        (httpx.Response(503, content=b""), BadResponse, "empty answer"),
        (httpx.Response(504, json={"message": "upstream timeout"}), BadResponse, "try again"),
        (httpx.Response(200, text="<!doctype html><html></html>"), BadResponse, "web page"),
        (httpx.Response(200, content=b""), BadResponse, "empty"),
        (httpx.Response(200, json={"code": 5555, "message": "something odd"}), ApiError, "something odd"),
        (httpx.Response(200, json={"code": "5555"}), ApiError, "5555"),
        (httpx.Response(500, json={"code": 0}), BadResponse, "HTTP 500"),
        (httpx.Response(418, json={"message": "teapot"}), ApiError, "teapot"),
    ],
)
async def test_error_codes_become_typed_errors(api, make_client, response, error, words):
    api.add(STATE_PATH, response)
    async with make_client() as c:
        with pytest.raises(error) as info:
            await c.state("sid1")
    assert words.lower() in str(info.value).lower()
    assert info.value.next_step
    assert len(api.calls(STATE_PATH)) == 1  # no blind retries for these


async def test_out_of_credits_for_anonymous_user_carries_the_bind_link(api, make_client):
    api.add("POST /api/render/proxy/lambda", httpx.Response(200, json={"code": 2001, "message": "no credits"}))
    async with make_client() as c:
        await c.connect()
        with pytest.raises(OutOfCredits) as info:
            await c.submit_render("sid1", DRAFT)
    assert info.value.bind_url == "https://web.example/?bind=anon_abc123"
    assert "https://web.example/?bind=anon_abc123" in str(info.value)


async def test_out_of_credits_for_registered_user_says_top_up(api, env_settings, make_client):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json={"code": 2001}))
    async with make_client(env_settings) as c:
        with pytest.raises(OutOfCredits) as info:
            await c.credits()
    assert info.value.bind_url is None and "Top up" in str(info.value)


async def test_connection_refused_is_a_network_error(make_client):
    def refuse(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async with make_client(transport=httpx.MockTransport(refuse)) as c:
        with pytest.raises(NetworkError) as info:
            await c.connect()
    assert "Cannot connect to 127.0.0.1" in str(info.value)
    assert "try again" in str(info.value)


async def test_timeout_is_a_network_error(api, make_client):
    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    api.add("GET /api/credits/balance/simple", slow)
    async with make_client() as c:
        with pytest.raises(NetworkError, match="did not answer in time"):
            await c.credits()


async def test_real_loopback_refused_connection(settings, sleeps):
    """A real socket to a closed loopback port: NetworkError, not an httpx exception."""
    import socket

    from tui.api import NemoClient

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    async with NemoClient(settings.with_overrides(api_url=f"http://127.0.0.1:{port}")) as c:
        with pytest.raises(NetworkError):
            await c.connect()


# --- recovery paths --------------------------------------------------------------------------


async def test_1001_gets_a_new_token_with_the_same_client_id_and_retries_once(api, make_client):
    tokens = iter(["nmv_usr_first_token_1", "nmv_usr_second_token_2"])
    api.add("POST /api/auth/anonymous-token", lambda req: token_response(next(tokens)))
    api.add(
        "GET /api/credits/balance/simple",
        [
            httpx.Response(200, json={"code": 1001, "message": "token expired"}),
            httpx.Response(200, json=envelope({"available": 5, "frozen": 0, "total": 5})),
        ],
    )
    async with make_client() as c:
        credits = await c.credits()
    assert credits.available == 5
    token_calls = api.calls("POST /api/auth/anonymous-token")
    assert len(token_calls) == 2
    assert token_calls[0].headers["x-client-id"] == token_calls[1].headers["x-client-id"]
    auths = [r.headers["authorization"] for r in api.calls("GET /api/credits/balance/simple")]
    assert auths == ["Bearer nmv_usr_first_token_1", "Bearer nmv_usr_second_token_2"]


async def test_http_401_with_1001_is_recovered_too(api, make_client):
    api.add(
        "GET /api/credits/balance/simple",
        [
            httpx.Response(401, json={"code": 1001, "message": "unauthorized"}),
            httpx.Response(200, json=envelope({"available": 1})),
        ],
    )
    async with make_client() as c:
        assert (await c.credits()).available == 1
    assert len(api.calls("POST /api/auth/anonymous-token")) == 2


async def test_1001_twice_gives_up_with_token_expired(api, make_client):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json={"code": 1001}))
    async with make_client() as c:
        with pytest.raises(TokenExpired):
            await c.credits()
    assert len(api.calls("GET /api/credits/balance/simple")) == 2


async def test_1001_with_nemo_token_tells_the_user_to_set_a_new_one(api, env_settings, make_client):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json={"code": 1001}))
    async with make_client(env_settings) as c:
        assert await c.connect() is None
        with pytest.raises(TokenExpired) as info:
            await c.credits()
    assert "NEMO_TOKEN" in str(info.value)
    assert api.calls("POST /api/auth/anonymous-token") == []
    assert len(api.calls("GET /api/credits/balance/simple")) == 1


async def test_http_400_missing_client_id_generates_persists_and_retries(api, make_client, settings):
    api.add(
        "POST /api/auth/anonymous-token",
        [
            httpx.Response(400, json={"code": 400, "message": "X-Client-Id header is required"}),
            token_response(),
        ],
    )
    settings.client_id_file.parent.mkdir(parents=True, exist_ok=True)
    settings.client_id_file.write_text("old-id\n")
    async with make_client() as c:
        info = await c.connect()
    assert info.user_id == "anon_abc123"
    first, second = api.calls("POST /api/auth/anonymous-token")
    assert first.headers["x-client-id"] == "old-id"
    new_id = second.headers["x-client-id"]
    assert new_id != "old-id" and len(new_id) == 36
    assert settings.client_id_file.read_text().strip() == new_id


async def test_http_400_twice_raises_missing_client_id(api, make_client):
    api.add("POST /api/auth/anonymous-token", httpx.Response(400, text="missing client id"))
    async with make_client() as c:
        with pytest.raises(MissingClientId):
            await c.connect()
    assert len(api.calls("POST /api/auth/anonymous-token")) == 2


async def test_429_waits_then_retries_once(api, make_client, sleeps):
    api.add(
        "GET /api/credits/balance/simple",
        [
            httpx.Response(429, json={"message": "slow down"}),
            httpx.Response(200, json=envelope({"available": 3})),
        ],
    )
    async with make_client() as c:
        assert (await c.credits()).available == 3
    assert sleeps == [30.0]


async def test_429_twice_raises_rate_limited(api, make_client, sleeps):
    api.add("GET /api/credits/balance/simple", httpx.Response(429, text="Too Many Requests"))
    async with make_client(retry_wait=1.5) as c:
        with pytest.raises(RateLimited) as info:
            await c.credits()
    assert sleeps == [1.5]
    assert info.value.status == 429
    assert len(api.calls("GET /api/credits/balance/simple")) == 2


async def test_default_retry_wait_is_real_sleep_injectable(api, settings):
    """retry_wait=0 with the real asyncio.sleep: the 429 retry still happens."""
    from tui.api import NemoClient

    api.add(
        "GET /api/credits/balance/simple", [httpx.Response(429), httpx.Response(200, json=envelope({"available": 2}))]
    )
    async with NemoClient(settings, transport=api.transport(), retry_wait=0) as c:
        assert (await c.credits()).available == 2


async def test_session_not_found_is_raised_for_the_app_to_create_a_new_session(api, make_client):
    api.add(STATE_PATH, httpx.Response(200, json={"code": 1002, "message": "session not found"}))
    api.add(
        "POST /api/tasks/me/with-session/nemo_agent",
        httpx.Response(200, json=envelope({"task_id": "t2", "session_id": "s2"})),
    )
    async with make_client() as c:
        with pytest.raises(SessionNotFound) as info:
            await c.state("sid1")
        assert info.value.code == 1002
        new = await c.create_session()
    assert new.session_id == "s2"


async def test_json_list_or_garbage_data_does_not_crash(api, make_client):
    api.add("GET /api/credits/balance/simple", httpx.Response(200, json={"code": 0, "data": ["x"]}))
    api.add(
        STATE_PATH, httpx.Response(200, json={"code": 0, "data": {"state": {"draft": "garbage", "video_infos": 3}}})
    )
    async with make_client() as c:
        assert (await c.credits()).total == 0
        st = await c.state("sid1")
    assert st.draft.tracks == [] and st.video_infos == []


async def test_repr_of_client_has_no_token(api, make_client):
    async with make_client() as c:
        info = await c.connect()
        assert TOKEN not in repr(c)
        assert TOKEN not in repr(info) and TOKEN not in str(info)
        assert json.dumps(info.model_dump(mode="json"))  # the model still holds it for the cache
    assert API in repr(c)
