"""Upload of a 200 MB file to a loopback server: memory and throughput vs `curl -F`.

    python bench/upload.py [--mb 200] [--rounds 3]

A tiny HTTP server in a child process reads and discards request bodies. The same file is
sent by NemoClient.upload_files (streamed multipart) and by `curl -F files=@...`. Prints
the peak RSS growth of this process during the client's uploads (goal < 30 MB) and the
throughput ratio client / curl (goal >= 0.8).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVER = r"""
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(16)
print(srv.getsockname()[1], flush=True)
buf = bytearray(1 << 20)
reply = b'{"code":0,"data":{"files":[{"filename":"bench.mp4","file_type":"video"}],"session_state_applied":true}}'
while True:
    conn, _ = srv.accept()
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    expect = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        if name.strip().lower() == b"expect" and b"100" in value:
            expect = True
    if expect:
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    got = len(rest)
    view = memoryview(buf)
    while got < length:
        n = conn.recv_into(view)
        if not n:
            break
        got += n
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(len(reply)).encode() + b"\r\nConnection: close\r\n\r\n" + reply)
    conn.close()
"""


def rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


async def client_upload(base: str, path: Path, cfg: Path, rounds: int) -> tuple[float, int]:
    from tui.api import NemoClient
    from tui.config import load_settings

    settings = load_settings({"NEMO_CONFIG_DIR": str(cfg), "NEMO_TOKEN": "nmv_bench_token"}, api_url=base)
    best = float("inf")
    async with NemoClient(settings) as client:
        # Memory is measured from before the first upload (imports and first-time set-up included).
        base_rss = rss_kb()
        if not reset_peak():
            print("warning: cannot reset the peak RSS; the growth figure includes start-up")
        await client.upload_files("sid", [path])  # warm-up (page cache, connection set-up)
        for _ in range(rounds):
            t0 = time.perf_counter()
            res = await client.upload_files("sid", [path])
            best = min(best, time.perf_counter() - t0)
            assert res.files and res.files[0].filename == "bench.mp4"
        growth = peak_kb() - base_rss
    return best, growth


def curl_upload(url: str, path: Path, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(
            [
                "curl",
                "-s",
                "-S",
                "-o",
                os.devnull,
                "-H",
                "Authorization: Bearer x",
                "-F",
                f"files=@{path};type=video/mp4",
                url,
            ],
            check=True,
        )
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("curl"):
        sys.exit("curl is needed for the reference measurement")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mp4"
        block = os.urandom(1 << 20)
        with open(path, "wb") as fh:
            for i in range(args.mb):
                fh.write(block[i % 7 :] + block[: i % 7])
        size = path.stat().st_size
        proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
        try:
            port = int(proc.stdout.readline())
            base = f"http://127.0.0.1:{port}"
            url = base + "/api/upload-video/nemo_agent/me/sid"
            curl_upload(url, path, 1)  # warm the page cache
            t_curl = curl_upload(url, path, args.rounds)
            t_client, growth_kb = asyncio.run(client_upload(base, path, Path(tmp) / "cfg", args.rounds))
        finally:
            proc.terminate()
            proc.wait()
    mb = size / 1e6
    print(f"file: {size / 1024 / 1024:.0f} MiB, best of {args.rounds}")
    print(f"curl -F            : {mb / t_curl:8.1f} MB/s ({t_curl:.2f} s)")
    print(f"NemoClient.upload  : {mb / t_client:8.1f} MB/s ({t_client:.2f} s)")
    ratio = t_curl / t_client
    print(f"throughput ratio client/curl: {ratio:.2f}  (goal >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})")
    growth = growth_kb / 1024
    print(f"peak RSS growth during upload: {growth:.1f} MiB  (goal < 30: {'met' if growth < 30 else 'NOT met'})")


if __name__ == "__main__":
    main()
