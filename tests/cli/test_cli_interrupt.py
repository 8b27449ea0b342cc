"""Ctrl-C while the saved file is being written: `nemo-tui get --api-url` against the real
engine behind a proxy that trickles the finished render's download, so the `.part` in the
download folder exists when SIGINT arrives. Nothing stays: no final name, no `.part`."""

from __future__ import annotations

import asyncio
import json
import signal
import threading

import pytest

from tests.cli.conftest import start, wait_until
from tests.faults.proxy import HOP, Ctx, FaultProxy


def trickle(chunk: int = 2048, every: float = 0.1):
    """Forward the render's download a little at a time; other render paths pass through."""

    async def act(ctx: Ctx) -> None:
        if not ctx.scope["path"].endswith("/download"):
            await ctx.forward()
            return
        resp = await ctx.open_upstream()
        try:
            await ctx.start(resp.status_code, [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in HOP])
            async for data in resp.aiter_raw():
                for i in range(0, len(data), chunk):
                    await ctx.body_part(data[i : i + chunk])
                    await asyncio.sleep(every)
            await ctx.body_part(b"", more=False)
        finally:
            await resp.aclose()

    return act


@pytest.fixture
def slow_download_backend(isolated_dirs):
    from tui.engine.embedded import EmbeddedEngine

    engine = EmbeddedEngine(isolated_dirs["NEMO_DATA_DIR"] / "engine")
    proxy = FaultProxy(engine.start()).start()
    proxy.add("GET", "/api/render/proxy/render_", trickle(), times=100)
    yield proxy
    proxy.stop()
    engine.stop()


def test_ctrl_c_while_the_file_is_written_leaves_no_partial_file(site, isolated_dirs, slow_download_backend):
    downloads = isolated_dirs["NEMO_DOWNLOAD_DIR"]
    proc = start("get", site.url("/clip.mp4"), "--api-url", slow_download_backend.url, "--json")
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any(p.name.endswith(".part") and p.stat().st_size for p in downloads.glob("*")), 120)
        assert not (downloads / "clip.mp4").exists()
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.read()
        assert proc.wait(timeout=60) == 130, "".join(err)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert list(downloads.iterdir()) == []  # no clip.mp4, no clip.mp4.part, no sidecar
    assert [json.loads(line)["cancelled"] for line in out.splitlines()] == [True]
    assert any("downloading" in line for line in err)


def test_ctrl_c_during_an_agent_run_hangs_up_and_exits_130(site, isolated_dirs, monkeypatch):
    """The tool 'works' 30 s (the engine's pacing knob); Ctrl-C ends the command at once, the
    message is in the local record once and nothing was sent again."""
    import time

    from tui.core.store import LocalStore

    monkeypatch.setenv("NEMO_ENGINE_TOOL_DELAY", "30")
    proc = start("ask", "--local", f'add {site.url("/clip.mp4")} and add the title "Never"')
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any("working" in line for line in err), timeout=90)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.read()
        assert proc.wait(timeout=25) == 130, "".join(err)
        assert time.monotonic() - sent < 20  # it did not wait for the tool to finish
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert "Stopped. Nothing was re-sent" in "".join(err)
    assert "Timeline" not in out
    with LocalStore(isolated_dirs["NEMO_DATA_DIR"]) as store:
        (session,) = store.sessions("local")
        users = [line.text for line in store.transcript(session.session_id) if line.role == "user"]
    assert users == [f'add {site.url("/clip.mp4")} and add the title "Never"']
