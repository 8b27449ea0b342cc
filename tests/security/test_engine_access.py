"""The engine: loopback by default, every route but two needs a valid token, one user can
reach nothing of another's (session, state, history, chat, uploads, media, renders), and
download names from anywhere end up as plain names inside the download folder."""

from __future__ import annotations

import inspect
import shutil
import socket
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tui.api.errors import ApiError

OPEN_ROUTES = {"/healthz", "/api/auth/anonymous-token"}


def test_loopback_is_the_default_everywhere(engine):
    from tui import cli
    from tui.engine import server
    from tui.engine.embedded import EmbeddedEngine

    assert inspect.signature(EmbeddedEngine).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(server.serve).parameters["host"].default == "127.0.0.1"
    assert '--host", default="127.0.0.1"' in Path(cli.__file__).read_text()
    assert engine.base_url.startswith("http://127.0.0.1:")
    # nothing answers on the machine's other addresses
    port = int(engine.base_url.rsplit(":", 1)[1])
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP: picks the outward interface, sends nothing
        outward = probe.getsockname()[0]
    except OSError:
        outward = None
    finally:
        probe.close()
    if outward and not outward.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((outward, port), timeout=2).close()


def test_every_route_refuses_a_missing_or_wrong_token(engine):
    from tui.engine.server import create_app

    routes = [r for r in create_app(engine.data_dir.parent / "routes-only").routes if r.path not in OPEN_ROUTES]
    assert len(routes) >= 10
    with httpx.Client(base_url=engine.base_url, timeout=10) as http:
        tok = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "sec-1"}).json()["data"]["token"]
        bad_headers = [
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer nmv_usr_forged0000000000"},
            {"Authorization": f"Basic {tok}"},
            {"Authorization": tok},
            {"Authorization": f"Bearer {tok}x"},
            {"Authorization": f"Bearer {tok[:-1]}"},
        ]
        for route in routes:
            path = route.path.replace("{sid}", "123").replace("{rid}", "render_x").replace("{uid}", "upl_x")
            for method in sorted(route.methods - {"HEAD"}):
                for headers in bad_headers:
                    r = http.request(
                        method,
                        path,
                        headers={
                            **headers,
                            "X-Skill-Source": "s",
                            "X-Skill-Version": "1",
                            "X-Skill-Platform": "unknown",
                        },
                        json={},
                    )
                    body = r.json()
                    assert body.get("code") == 1001, (method, path, headers, r.status_code, body)
                    assert r.status_code in (200, 401)


@pytest.fixture
def video(make_video, tmp_path):
    path = tmp_path / "mine.mp4"
    shutil.copy(make_video(seconds=1, width=320, height=180), path)
    return path


async def test_one_user_cannot_reach_anything_of_another(engine, video, tmp_path):
    from tui.api import NemoClient
    from tui.config import load_settings

    base = load_settings()
    alice_settings = replace(base, api_url=engine.base_url, token=None, config_dir=tmp_path / "alice")
    bob_settings = replace(
        base, api_url=engine.base_url, token=None, config_dir=tmp_path / "bob", client_id="bob-client-id"
    )
    async with NemoClient(alice_settings) as alice, NemoClient(bob_settings) as bob:
        await alice.connect()
        await bob.connect()
        assert alice.user_id != bob.user_id
        mine = await alice.create_session()
        up = await alice.upload_files(mine.session_id, [video])
        state = await alice.state(mine.session_id)
        job = await alice.submit_render(mine.session_id, state.draft)
        for _ in range(200):
            job = await alice.render_status(job.id)
            if job.done:
                break
            import asyncio

            await asyncio.sleep(0.1)
        assert job.status == "completed"
        media_url = up.files[0].cdn_url
        theirs = await bob.create_session()

        refused = []
        for name, call in [
            ("state", lambda: bob.state(mine.session_id)),
            ("upload into the session", lambda: bob.upload_files(mine.session_id, [video])),
            ("render status", lambda: bob.render_status(job.id)),
            ("cancel the render", lambda: bob.cancel_render(job.id)),
            ("render of the session", lambda: bob.submit_render(mine.session_id, state.draft)),
            ("render of the media in their own session", lambda: bob.submit_render(theirs.session_id, state.draft)),
            ("download the render", lambda: bob.download_render(job, tmp_path / "bob-downloads")),
        ]:
            with pytest.raises(ApiError) as info:
                await call()
            refused.append((name, type(info.value).__name__))
        with pytest.raises(ApiError):
            async for _ in bob.run(mine.session_id, "show tracks"):
                pass
        assert not (tmp_path / "bob-downloads").exists() or not list((tmp_path / "bob-downloads").iterdir())
        headers = {"Authorization": f"Bearer {bob._token}"}
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(media_url, headers=headers)).status_code == 404
            history = await http.get(f"{engine.base_url}/api/history/nemo_agent/me/{mine.session_id}", headers=headers)
            assert history.json()["code"] == 1002
        # Alice still has it all
        path = await alice.download_render(job, tmp_path / "alice-downloads")
        assert path.stat().st_size > 1000
        assert len(refused) == 7


HOSTILE_NAMES = [
    "../../../etc/passwd",
    "/etc/passwd",
    "..\\..\\x.mp4",
    "a/../../b.mp4",
    "con.mp4",
    "\x1b[31mred.mp4",
    "x" * 500 + ".mp4",
    ".",
    "",
    "nul",
    "ok\x00.mp4",
    "~/.bashrc",
    "...",
]


async def test_download_names_stay_plain_names_in_the_folder(engine, video, tmp_path):
    import asyncio

    from tui.api import NemoClient
    from tui.api.models import RenderJob
    from tui.config import load_settings

    settings = replace(load_settings(), api_url=engine.base_url, token=None)
    folder = tmp_path / "downloads"
    async with NemoClient(settings) as client:
        await client.connect()
        s = await client.create_session()
        await client.upload_files(s.session_id, [video])
        job = await client.submit_render(s.session_id, (await client.state(s.session_id)).draft)
        while not job.done:
            await asyncio.sleep(0.1)
            job = await client.render_status(job.id)
        paths = []
        for name in HOSTILE_NAMES:
            path = await client.download_render(
                RenderJob(id=job.id, status="completed", output_url=job.output_url), folder, filename=name
            )
            assert path.parent == folder and path.exists(), name
            assert not any(c in path.name for c in "/\\\x00\x1b") and not path.name.startswith("."), path.name
            assert len(path.name.encode()) <= 200
            paths.append(path)
        # a hostile render id from the server cannot steer the default name either
        odd = RenderJob(id="../../../../tmp/evil", status="completed", output_url=job.output_url)
        path = await client.download_render(odd, folder)
        assert path.parent == folder
    outside = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and p.parent != folder and "engine" not in p.parts and p.suffix in (".mp4", ".part")
    ]
    assert [p for p in outside if p.name not in ("mine.mp4",)] == []
