"""Tokens, sessions, credits and every error code the engine produces, over real HTTP."""

from __future__ import annotations

import re
import threading
import time

import httpx

from tests.engine.engine_helpers import SKILL, Api, fake_file, parts


def test_healthz_and_unknown_routes(engine):
    assert httpx.get(engine.base_url + "/healthz").json() == {"ok": True}
    r = httpx.get(engine.base_url + "/api/nope")
    assert r.status_code == 404 and r.json()["message"] == "Not found."


def test_anonymous_token_shape_and_same_client_same_token(engine):
    a = Api(engine.base_url, "client-a").login()
    assert re.fullmatch(r"nmv_usr_[A-Za-z0-9_\-]{20,}", a.token)
    r = a.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-a"}).json()["data"]
    assert r["token"] == a.token and r["user_id"] == a.user_id and r["credits"] == 1000
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["expires_at"])
    b = Api(engine.base_url, "client-b").login()
    assert b.token != a.token and b.user_id != a.user_id


def test_missing_client_id_is_http_400(engine):
    r = httpx.post(engine.base_url + "/api/auth/anonymous-token")
    assert r.status_code == 400 and "X-Client-Id" in r.json()["message"]


def test_burst_of_new_client_ids_is_429_but_known_clients_still_work(start_engine):
    eng = start_engine(new_client_limit=3, new_client_window=60)
    for i in range(3):
        Api(eng.base_url, f"c{i}").login()
    r = httpx.post(eng.base_url + "/api/auth/anonymous-token", headers={"X-Client-Id": "c-new"})
    assert r.status_code == 429 and r.json()["code"] == 429 and r.headers["retry-after"]
    Api(eng.base_url, "c1").login()  # an existing client gets its token back


def test_bad_token_is_1001_everywhere(engine, api):
    sid = api.session()
    bad = {"Authorization": "Bearer nmv_usr_forged"}
    for method, path in [
        ("POST", "/api/tasks/me/with-session/nemo_agent"),
        ("GET", "/api/credits/balance/simple"),
        ("GET", f"/api/state/nemo_agent/me/{sid}/latest"),
        ("POST", f"/api/upload-video/nemo_agent/me/{sid}"),
    ]:
        for headers in (bad, {}):
            body = api.http.request(method, path, headers=headers).json()
            assert body["code"] == 1001, (path, body)
            assert "nmv_usr_forged" not in str(body)
    r = api.http.post("/run_sse", headers=bad, json={"session_id": sid, "new_message": {"parts": [{"text": "hi"}]}})
    assert r.status_code == 401 and r.json()["code"] == 1001
    for path in ["/api/render/proxy/lambda/render_x", "/api/render/proxy/render_x/download"]:
        r = api.http.get(path, headers=bad)
        assert r.status_code == 401 and r.json()["code"] == 1001
    r = api.http.post("/api/render/proxy/lambda", headers={**bad, **SKILL}, json={"id": "render_x"})
    assert r.status_code == 401 and r.json()["code"] == 1001 and r.json()["success"] is False


def test_expired_token_is_1001_and_the_same_client_gets_a_new_one(start_engine):
    eng = start_engine(token_ttl=1.0)
    a = Api(eng.base_url, "client-exp").login()
    old, user = a.token, a.user_id
    assert a.credits()["available"] == 1000
    time.sleep(1.2)
    assert a.http.get("/api/credits/balance/simple", headers=a.auth).json()["code"] == 1001
    a.login()
    assert a.token != old and a.user_id == user  # same user, same credits, new token
    assert a.credits()["available"] == 1000


def test_session_ids_are_long_digit_strings(api):
    body = api.http.post(
        "/api/tasks/me/with-session/nemo_agent", json={"task_name": "project", "language": "en"}, headers=api.auth
    ).json()["data"]
    assert re.fullmatch(r"\d{19}", body["session_id"]) and body["task_id"].startswith("task_")
    assert body["user_id"] == api.user_id
    assert api.state(body["session_id"])["data"]["user_id"] == api.user_id  # for the registration link


def test_two_users_cannot_see_each_others_sessions_media_or_renders(engine, api, tmp_path, fake_media):
    sid = api.session()
    up = api.upload(sid, fake_file(tmp_path, "a.mp4"))
    assert up["code"] == 0
    media_url = up["data"]["files"][0]["cdn_url"]
    draft = api.draft(sid)
    assert api.render(sid, draft, "render_mine").json()["success"] is True
    api.wait_render("render_mine")

    other = Api(engine.base_url, "someone-else").login()
    assert other.state(sid)["code"] == 1002
    assert other.upload(sid, fake_file(tmp_path, "b.mp4"))["code"] == 1002
    r = other.http.post(
        "/run_sse", headers=other.auth, json={"session_id": sid, "new_message": {"parts": [{"text": "show tracks"}]}}
    )
    assert r.status_code == 404 and r.json()["code"] == 1002 and "Session not found" in r.json()["detail"]
    # their own render of my session, or of my media with a session of theirs
    assert other.render(sid, draft, "render_theirs").json()["code"] == 1002
    r = other.render(other.session(), draft, "render_theirs2")
    assert r.status_code == 400 and "not found" in r.json()["error"]
    # my render and my media are invisible to them
    assert other.http.get("/api/render/proxy/lambda/render_mine", headers=other.auth).status_code == 404
    assert other.http.get("/api/render/proxy/render_mine/download", headers=other.auth).status_code == 404
    assert other.http.get(media_url, headers=other.auth).status_code == 404
    assert api.http.get(media_url, headers=api.auth).status_code == 200
    assert other.http.get(f"/api/history/nemo_agent/me/{sid}", headers=other.auth).json()["code"] == 1002


def test_edit_run_charges_credits_and_text_runs_are_free(start_engine, tmp_path):
    eng = start_engine(edit_cost=10)
    a = Api(eng.base_url).login()
    sid = a.session()
    a.upload(sid, fake_file(tmp_path, "a.mp4"))
    a.run(sid, "show the timeline")
    assert a.credits() == {"available": 1000, "frozen": 0, "total": 1000}
    a.run(sid, "trim to 0-5 s")
    assert a.credits() == {"available": 990, "frozen": 0, "total": 990}
    a.run(sid, "remove the title")  # nothing to remove: the edit failed, nothing charged
    assert a.credits()["available"] == 990


def test_credits_are_frozen_while_an_edit_runs(start_engine, tmp_path):
    eng = start_engine(edit_cost=10, tool_delay=1.0)
    a = Api(eng.base_url).login()
    sid = a.session()
    a.upload(sid, fake_file(tmp_path, "a.mp4"))
    seen = []
    running = threading.Event()
    running.set()

    def watch():
        while running.is_set():
            seen.append(Api.credits(watcher))
            time.sleep(0.05)

    watcher = Api(eng.base_url)
    watcher.token = a.token
    t = threading.Thread(target=watch)
    t.start()
    a.run(sid, "trim to 0-5 s")
    running.clear()
    t.join()
    assert {"available": 990, "frozen": 10, "total": 1000} in seen
    assert a.credits() == {"available": 990, "frozen": 0, "total": 990}


def test_hanging_up_aborts_the_run_and_releases_the_credits(start_engine, tmp_path):
    eng = start_engine(edit_cost=10, tool_delay=5.0)
    a = Api(eng.base_url).login()
    sid = a.session()
    a.upload(sid, fake_file(tmp_path, "a.mp4"))
    version = a.state(sid)["data"]["version"]
    with a.http.stream(
        "POST",
        "/run_sse",
        headers=a.auth,
        json={"session_id": sid, "new_message": {"parts": [{"text": "trim to 0-5 s"}]}},
    ) as resp:
        for line in resp.iter_lines():
            if "functionCall" in line:
                break  # hang up while the tool works
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and a.credits()["frozen"]:
        time.sleep(0.05)
    assert a.credits() == {"available": 1000, "frozen": 0, "total": 1000}
    time.sleep(0.3)
    assert a.state(sid)["data"]["version"] == version  # the edit never happened


def test_out_of_credits_is_2001_with_a_message(start_engine, tmp_path):
    eng = start_engine(edit_cost=600)  # the daily allowance is 1,000
    a = Api(eng.base_url).login()
    sid = a.session()
    a.upload(sid, fake_file(tmp_path, "a.mp4"))
    assert parts(a.run(sid, "trim to 0-5 s"), "functionResponse")
    r = a.http.post(
        "/run_sse", headers=a.auth, json={"session_id": sid, "new_message": {"parts": [{"text": "trim to 0-2 s"}]}}
    )
    body = r.json()
    assert body["code"] == 2001 and "credits" in body["message"] and "400" in body["message"]
    assert a.credits() == {"available": 400, "frozen": 0, "total": 400}
    assert a.run(sid, "show the timeline")  # text-only runs still work
