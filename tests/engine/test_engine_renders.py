"""Render jobs (submit, poll, cancel, download with Range), the pool, and restart survival."""

from __future__ import annotations

import time

import httpx

from tests.engine.engine_helpers import SKILL, Api, FakeMedia, fake_file


def _project(api: Api, tmp_path) -> tuple[str, dict]:
    sid = api.session()
    api.upload(sid, fake_file(tmp_path, "city.mp4", duration_s=6, width=1280, height=720))
    api.run(sid, "add the title 'Hi'")
    return sid, api.draft(sid)


def test_export_needs_the_skill_headers(api, tmp_path):
    sid, draft = _project(api, tmp_path)
    for missing in SKILL:
        headers = {k: v for k, v in SKILL.items() if k != missing}
        r = api.render(sid, draft, "render_h", headers=headers)
        assert r.status_code == 402 and r.json()["success"] is False and missing in r.json()["error"]
    assert api.render(sid, draft, "render_h").status_code == 200  # the id was never taken


def test_submit_poll_download_with_range(engine, api, tmp_path, fake_media):
    sid, draft = _project(api, tmp_path)
    credits = api.credits()
    r = api.render(sid, draft, "render_abc")
    assert r.json() == {"success": True, "data": {"id": "render_abc", "status": "pending", "progress": 5}}
    done = api.wait_render("render_abc")
    assert done["status"] == "completed" and done["progress"] == 100
    url = done["outputUrl"]
    assert url == f"{engine.base_url}/api/render/proxy/render_abc/download"
    whole = api.http.get(url, headers=api.auth)
    assert whole.status_code == 200 and whole.content.startswith(b"RENDERED")
    assert whole.headers["content-type"] == "video/mp4" and whole.headers["accept-ranges"] == "bytes"
    part = api.http.get(url, headers={**api.auth, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    tail = api.http.get(url, headers={**api.auth, "Range": f"bytes={len(whole.content) - 10}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    assert api.credits() == credits  # export is free
    rendered = fake_media.rendered[-1]
    assert list(rendered["sources"]) == [draft["t"][0]["sg"][0]["src"]]
    assert (rendered["draft"]["m"]["width"], rendered["draft"]["m"]["height"]) == (1280, 720)


def test_duplicate_ids_and_empty_drafts_are_refused(api, tmp_path):
    sid, draft = _project(api, tmp_path)
    assert api.render(sid, draft, "render_dup").json()["success"] is True
    r = api.render(sid, draft, "render_dup")
    assert r.status_code == 409 and r.json()["success"] is False and "already exists" in r.json()["error"]
    r = api.render(sid, {"t": [], "d": 0}, "render_empty")
    assert r.status_code == 400 and "Nothing to export" in r.json()["error"]
    assert api.http.get("/api/render/proxy/lambda/render_none", headers=api.auth).status_code == 404


def test_the_output_size_follows_the_request(api, tmp_path, fake_media):
    sid, draft = _project(api, tmp_path)
    api.render(sid, draft, "render_sz", output={"format": "mp4", "quality": "high", "width": 720, "height": 1280})
    api.wait_render("render_sz")
    m = fake_media.rendered[-1]["draft"]["m"]
    assert (m["width"], m["height"]) == (720, 1280)


def test_cancel_a_running_render(api, tmp_path, fake_media):
    fake_media.render_delay = 5.0
    sid, draft = _project(api, tmp_path)
    api.render(sid, draft, "render_c")
    assert fake_media.render_started.wait(5)
    r = api.http.post("/api/render/proxy/lambda/render_c/cancel", headers=api.auth).json()
    assert r["success"] is True and r["data"]["status"] == "failed"
    data = api.wait_render("render_c", timeout=5)
    assert data["status"] == "failed" and "Cancelled" in data["error"] and "outputUrl" not in data
    assert api.http.get("/api/render/proxy/render_c/download", headers=api.auth).status_code == 404


def test_renders_queue_one_at_a_time_and_the_server_stays_responsive(start_engine, tmp_path, fake_media):
    fake_media.render_delay = 1.5
    api = Api(start_engine(render_workers=1).base_url).login()
    sid, draft = _project(api, tmp_path)
    api.render(sid, draft, "render_1")
    api.render(sid, draft, "render_2")
    assert fake_media.render_started.wait(5)
    t0 = time.monotonic()
    first, second = api.render_status("render_1")["data"], api.render_status("render_2")["data"]
    assert time.monotonic() - t0 < 0.5
    assert first["status"] == "processing" and second["status"] == "pending"
    assert api.wait_render("render_2")["status"] == "completed"


def test_everything_survives_a_restart(start_engine, tmp_path):
    data_dir = tmp_path / "keep"
    slow = FakeMedia()
    slow.render_delay = 30.0
    eng = start_engine(data_dir, media=slow)
    a = Api(eng.base_url, "client-r").login()
    sid, draft = _project(a, tmp_path)
    state_before = a.state(sid)["data"]
    credits_before = a.credits()
    a.render(sid, draft, "render_r")
    assert slow.render_started.wait(5)
    assert a.render_status("render_r")["data"]["status"] == "processing"
    eng.stop()

    fast = FakeMedia()
    eng2 = start_engine(data_dir, media=fast)
    b = Api(eng2.base_url, "client-r")
    b.token = a.token  # the same token still works
    assert b.state(sid)["data"] == {
        **state_before,
        "state": {**state_before["state"], "video_infos": b.state(sid)["data"]["state"]["video_infos"]},
    }
    assert b.draft(sid) == state_before["state"]["draft"]
    assert b.credits() == credits_before
    # the render that was running is queued again and finishes
    assert b.wait_render("render_r")["status"] == "completed"
    assert fast.rendered
    history = b.http.get(f"/api/history/nemo_agent/me/{sid}", headers=b.auth).json()["data"]["messages"]
    assert history[0]["text"] == "add the title 'Hi'"
    assert (
        httpx.post(eng2.base_url + "/api/auth/anonymous-token", headers={"X-Client-Id": "client-r"}).json()["data"][
            "token"
        ]
        == a.token
    )


def test_a_draft_without_a_size_gets_its_media_size(api, tmp_path, fake_media):
    sid, draft = _project(api, tmp_path)
    bare = {"t": draft["t"], "d": draft["d"]}
    assert api.render(sid, bare, "render_bare").json()["success"] is True
    api.wait_render("render_bare")
    m = fake_media.rendered[-1]["draft"]["m"]
    assert (m["width"], m["height"]) == (1280, 720)


def test_the_data_folder_can_move(start_engine, tmp_path):
    first = tmp_path / "one"
    eng = start_engine(first)
    a = Api(eng.base_url, "mover").login()
    sid, draft = _project(a, tmp_path)
    a.render(sid, draft, "render_m")
    a.wait_render("render_m")
    eng.stop()
    moved = tmp_path / "two"
    first.rename(moved)
    eng2 = start_engine(moved)
    b = Api(eng2.base_url, "mover").login()
    assert b.http.get("/api/render/proxy/render_m/download", headers=b.auth).content.startswith(b"RENDERED")
    assert b.render(sid, b.draft(sid), "render_m2").json()["success"] is True
    assert b.wait_render("render_m2")["status"] == "completed"


def test_render_ids_cannot_escape_the_renders_folder(engine, api, tmp_path):
    sid, draft = _project(api, tmp_path)
    for bad in ["../../../evil", "a/b", ".hidden", "", "x" * 200, "render\x00"]:
        r = api.render(sid, draft, bad)
        assert r.status_code == 400 and r.json()["success"] is False, bad
    assert not list(tmp_path.rglob("evil*"))
