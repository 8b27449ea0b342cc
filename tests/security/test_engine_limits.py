"""Bounded work for every request (issue 13, findings 3, 6, 7 and the X-Forwarded-For one):
files per request, message length, JSON body size, storage per user, renders per user, the
new-client rate limit that forwarding headers cannot dodge. Each test has a control just
under the limit (or with the setting relaxed) that must pass, so the harness can tell."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.engine.engine_helpers import FAST, SKILL, Api, FakeMedia, fake_file
from tui.engine.embedded import EmbeddedEngine


@pytest.fixture
def start(tmp_path) -> Iterator[Any]:
    engines: list[EmbeddedEngine] = []

    def start(name: str = "engine", media: Any = None, **options: Any) -> EmbeddedEngine:
        eng = EmbeddedEngine(tmp_path / name, media=media or FakeMedia(), **{**FAST, **options})
        eng.start()
        engines.append(eng)
        return eng

    yield start
    for eng in engines:
        eng.stop()


def stored_files(eng: EmbeddedEngine) -> list[Path]:
    return [p for p in (eng.data_dir / "media").rglob("*") if p.is_file()]


def test_files_per_request_are_capped(start, tmp_path):
    eng = start(max_files_per_request=3)
    api = Api(eng.base_url).login()
    sid = api.session()
    files = [fake_file(tmp_path, f"clip{i}.mp4") for i in range(4)]
    body = api.upload(sid, *files)
    assert body["code"] == 400 and "at most 3" in body["message"] and body["data"] is None
    assert stored_files(eng) == []
    links = api.http.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=api.auth,
                          json={"urls": [f"https://example.invalid/{i}.mp4" for i in range(4)]}).json()  # fmt: skip
    assert links["code"] == 400 and "at most 3" in links["message"]
    # 10,000 small files in one request (it froze the engine for ~19 minutes): refused, answering
    t0 = time.monotonic()
    assert api.upload(sid, *[files[0]] * 10_000)["code"] == 400
    assert time.monotonic() - t0 < 30 and api.http.get("/healthz", timeout=2).json() == {"ok": True}
    assert stored_files(eng) == []
    # control: at the limit, all accepted
    ok = api.upload(sid, *files[:3])
    assert ok["code"] == 0 and len(ok["data"]["files"]) == 3 and len(stored_files(eng)) == 3


def test_a_huge_chat_message_is_refused_at_once_and_the_engine_stays_responsive(start):
    eng = start(max_message_chars=2000)
    api = Api(eng.base_url).login()
    sid = api.session()

    def send(text: str) -> httpx.Response:
        body = {"app_name": "nemo_agent", "user_id": "me", "session_id": sid,
                "new_message": {"role": "user", "parts": [{"text": text}]}}  # fmt: skip
        return api.http.post("/run_sse", headers=api.auth, json=body)

    t0 = time.monotonic()
    r = send("trim " * 1000)  # 5,000 characters
    assert r.status_code == 400 and r.json()["code"] == 400 and "at most 2000" in r.json()["message"]
    r = send("x" * 10_000_000)  # 10 MB: over the JSON body cap, refused before it is read
    assert r.status_code == 413 and r.json()["code"] == 413
    assert time.monotonic() - t0 < 10
    assert api.http.get("/healthz", timeout=2).json() == {"ok": True}
    # control: under the limit, the agent answers
    assert send("hello " * 300).status_code == 200


def test_json_bodies_are_capped_with_the_documented_shapes(start):
    eng = start(max_json_bytes=64 * 1024)
    api = Api(eng.base_url).login()
    sid = api.session()
    big = {"app_name": "nemo_agent", "session_id": sid, "pad": "x" * 200_000,
           "new_message": {"role": "user", "parts": [{"text": "hi"}]}}  # fmt: skip
    r = api.http.post("/run_sse", headers=api.auth, json=big)
    assert r.status_code == 413 and r.json() == {**r.json(), "code": 413, "data": None}
    # no Content-Length (chunked): the cap holds while reading
    chunks = (json.dumps(big).encode()[i : i + 8192] for i in range(0, 220_000, 8192))
    r = api.http.post("/run_sse", headers={**api.auth, "Content-Type": "application/json"}, content=chunks)
    assert r.status_code == 413
    r = api.http.post("/api/render/proxy/lambda", headers={**api.auth, **SKILL},
                      json={"id": "render_big", "sessionId": sid, "draft": {"pad": "x" * 200_000}})  # fmt: skip
    assert r.status_code == 413 and r.json()["success"] is False and r.json()["code"] == 413
    # control: a body under the cap is read (and judged on its content)
    small = {**big, "pad": "x" * 1000}
    assert api.http.post("/run_sse", headers=api.auth, json=small).status_code == 200


def test_storage_per_user_is_capped(start, tmp_path):
    eng = start(max_storage_bytes=1000)
    api = Api(eng.base_url).login()
    sid = api.session()
    files = [fake_file(tmp_path, f"clip{i}.mp4") for i in range(3)]
    sizes = [p.stat().st_size for p in files]
    assert sum(sizes[:2]) <= 1000 < sum(sizes[:2]) + 900
    for p in files[:2]:  # control: under the quota
        assert api.upload(sid, p)["code"] == 0
    big = tmp_path / "big.mp4"
    big.write_bytes(files[0].read_bytes() + b"y" * 900)
    body = api.upload(sid, big)
    assert body["code"] == 4002 and "storage" in body["message"]
    assert len(stored_files(eng)) == 2  # nothing of the refused file stays
    other = Api(eng.base_url, client_id="someone-else").login()  # the quota is per user
    assert other.upload(other.session(), files[2])["code"] == 0


def test_renders_per_user_are_capped(start, tmp_path):
    media = FakeMedia()
    media.render_delay = 30  # they stay queued or running
    eng = start(media=media, max_renders_per_user=2)
    alice, bob = Api(eng.base_url).login(), Api(eng.base_url, client_id="bob").login()
    sids = {}
    for user in (alice, bob):
        sids[user.client_id] = sid = user.session()
        assert user.upload(sid, fake_file(tmp_path, "a.mp4"))["code"] == 0
    draft = alice.draft(sids[alice.client_id])
    assert alice.render(sids[alice.client_id], draft, "render_a1").json()["success"] is True  # control
    assert alice.render(sids[alice.client_id], draft, "render_a2").json()["success"] is True  # control
    r = alice.render(sids[alice.client_id], draft, "render_a3")
    assert r.status_code == 429 and r.json()["success"] is False and "2 exports" in r.json()["error"]
    bob_draft = bob.draft(sids[bob.client_id])
    assert bob.render(sids[bob.client_id], bob_draft, "render_b1").json()["success"] is True  # another user
    alice.http.post("/api/render/proxy/lambda/render_a2/cancel", headers=alice.auth)
    assert alice.render(sids[alice.client_id], draft, "render_a4").json()["success"] is True


def test_forwarded_for_does_not_dodge_the_new_client_limit(start):
    def new_clients(eng: EmbeddedEngine) -> list[int]:
        with httpx.Client(base_url=eng.base_url, timeout=10) as http:
            return [http.post("/api/auth/anonymous-token",
                              headers={"X-Client-Id": f"c-{i}", "X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(3)]  # fmt: skip

    assert new_clients(start("plain", new_client_limit=2)) == [200, 200, 429]
    # control: when the loopback peer IS a trusted proxy, the header counts (so the harness can tell)
    assert new_clients(start("proxied", new_client_limit=2, trusted_proxies=("127.0.0.1",))) == [200, 200, 200]
