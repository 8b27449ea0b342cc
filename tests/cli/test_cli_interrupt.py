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
