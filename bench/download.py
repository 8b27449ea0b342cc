"""Download of a 200 MB render from the loopback engine: NemoClient.download_render vs `curl -o`.

    python bench/download.py [--mb 200] [--rounds 3]

The engine runs as its own process (``python -m tui.engine.server``) on a fresh data dir that
holds one completed 200 MB render. The same file is fetched, through the same engine route
(GET /api/render/proxy/<id>/download with the bearer token), by NemoClient.download_render
(``.part`` file, then renamed) in this process and by `curl -o` in a child; rounds alternate
which goes first, best of N each. Prints the throughput ratio client / curl (goal >= 0.9) and
the peak RSS growth of this process during the client's downloads (goal < 30 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.upload import peak_kb, reset_peak, rss_kb  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: Path, mb: int) -> tuple[str, str]:
    """A user with a token and one completed render of ``mb`` MB; returns (token, render id)."""
    from tui.engine.storage import Storage

    store = Storage(data_dir)
    tok = store.anonymous_token("bench-client", "127.0.0.1")
    rid = "render_bench200"
    folder = store.renders_dir / tok["user_id"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rid}.mp4"
    block = os.urandom(1024 * 1024)
    # A structurally whole MP4 (the client checks the boxes before it keeps a download):
    # ftyp, moov with an mvhd, then an mdat of ``mb`` MB (ISO/IEC 14496-12 box layout).
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    mvhd = struct.pack(">I4sIIIII", 108, b"mvhd", 0, 0, 0, 1000, 2000) + bytes(80)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    with open(path, "wb") as fh:
        fh.write(ftyp + moov + struct.pack(">I4s", 8 + mb * len(block), b"mdat"))
        for _ in range(mb):
            fh.write(block)
    store.create_render(rid, tok["user_id"], None, {"t": []}, {"format": "mp4"})
    store.update_render(rid, status="completed", progress=100.0, path=str(path))
    store.close()
    return tok["token"], rid


def start_engine(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.engine.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the engine did not start")


def curl_once(url: str, token: str, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["curl", "-s", "-S", "-f", "-o", str(out), "-H", f"Authorization: Bearer {token}", url], check=True)
    took = time.perf_counter() - t0
    out.unlink()
    return took


async def client_once(client, job, folder: Path) -> float:
    t0 = time.perf_counter()
    path = await client.download_render(job, folder, filename="bench.mp4")
    took = time.perf_counter() - t0
    path.unlink()
    return took


async def run(base: str, token: str, rid: str, work: Path, rounds: int, size: int) -> dict:
    from tui.api import NemoClient
    from tui.api.models import RenderJob
    from tui.config import load_settings

    settings = load_settings({"NEMO_CONFIG_DIR": str(work / "cfg"), "NEMO_TOKEN": token}, api_url=base)
    url = f"{base}/api/render/proxy/{rid}/download"
    job = RenderJob(id=rid, status="completed", output_url=url)
    t_client, t_curl = [], []
    async with NemoClient(settings) as client:
        await client_once(client, job, work)  # warm-up: page cache, connection
        await asyncio.to_thread(curl_once, url, token, work / "curl.mp4")
        base_rss = rss_kb()
        if not reset_peak():
            print("warning: cannot reset the peak RSS; the growth figure includes start-up")
        for i in range(rounds):
            if i % 2:
                t_curl.append(await asyncio.to_thread(curl_once, url, token, work / "curl.mp4"))
                t_client.append(await client_once(client, job, work))
            else:
                t_client.append(await client_once(client, job, work))
                t_curl.append(await asyncio.to_thread(curl_once, url, token, work / "curl.mp4"))
        growth_mb = (peak_kb() - base_rss) / 1024
    return {"client": min(t_client), "curl": min(t_curl), "growth": growth_mb, "size": size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("curl"):
        raise SystemExit("curl is needed for the reference")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "engine"
        token, rid = prepare(data, args.mb)
        proc, base = start_engine(data)
        try:
            r = asyncio.run(run(base, token, rid, work, args.rounds, args.mb * 1024 * 1024))
        finally:
            proc.terminate()
            proc.wait(10)
    mb = r["size"] / 1e6
    ratio = r["curl"] / r["client"]
    print(f"file: {args.mb} MiB render from the loopback engine, best of {args.rounds}")
    print(f"curl -o                 : {mb / r['curl']:8.1f} MB/s ({r['curl']:.2f} s)")
    print(f"NemoClient.download     : {mb / r['client']:8.1f} MB/s ({r['client']:.2f} s)")
    print(f"throughput ratio client/curl: {ratio:.2f}  (goal >= 0.90: {'met' if ratio >= 0.9 else 'NOT met'})")
    print(
        f"peak RSS growth during download: {r['growth']:.1f} MiB  (goal < 30: {'met' if r['growth'] < 30 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
