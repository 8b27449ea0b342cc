"""SSE parse throughput: NemoClient.run() vs a bare httpx-sse loop, same loopback stream.

    python bench/sse_parse.py [--events 40000] [--rounds 3]

A tiny HTTP server in a child process replays the recorded ADK events (fixtures/adk) over
and over, with heartbeats in between. Two references over the same stream, best of N rounds:
an httpx-sse loop that only counts events (the issue's reference; goal: client >= 0.8 of it),
and the same loop plus ``json.loads(sse.data)``, the least any consumer of ADK events must
do. The client decodes every event into typed SseEvents. On CPython the JSON decoding of
an ADK event (~380 bytes) alone costs more than the whole count-only loop, so the first
ratio cannot reach 0.8 with any decoder; the second one shows the client's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = Path(os.environ.get("NEMO_ADK_FIXTURES", ROOT / "tests" / "fixtures" / "adk"))

SERVER = r"""
import socket, sys
body = open(sys.argv[1], "rb").read()
head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
        + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n")
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(16)
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += conn.recv(65536)
    h, _, rest = buf.partition(b"\r\n\r\n")
    n = 0
    for line in h.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            n = int(line.split(b":")[1])
    while len(rest) < n:
        rest += conn.recv(65536)
    conn.sendall(head)
    view = memoryview(body)
    for i in range(0, len(body), 16384):
        conn.sendall(view[i:i + 16384])
    conn.close()
"""


def build_stream(n_events: int) -> tuple[bytes, int]:
    events: list[bytes] = []
    for name in ("edit-with-text.sse", "plain-chat.sse", "silent-edit.sse", "heartbeats-then-text.sse"):
        text = (FIXTURES / name).read_bytes()
        events += [e + b"\n\n" for e in text.split(b"\n\n") if e.strip()]
    out = []
    i = 0
    while len(out) < n_events:
        out.append(events[i % len(events)])
        i += 1
    return b"".join(out), len(out)


async def bare(url: str, decode_json: bool = False) -> tuple[int, float]:
    import json

    import httpx
    from httpx_sse import aconnect_sse

    n = 0
    loads = json.loads
    async with httpx.AsyncClient(timeout=60) as client:
        t0 = time.perf_counter()
        async with aconnect_sse(client, "POST", url, json={"x": 1}) as es:
            async for sse in es.aiter_sse():
                if decode_json:
                    loads(sse.data)
                n += 1
        return n, time.perf_counter() - t0


async def via_client(url: str, config_dir: Path) -> tuple[int, float]:
    from tui.api import NemoClient
    from tui.config import load_settings

    settings = load_settings({"NEMO_CONFIG_DIR": str(config_dir), "NEMO_TOKEN": "nmv_bench_token"}, api_url=url)
    n = 0
    async with NemoClient(settings) as client:
        t0 = time.perf_counter()
        async for _ev in client.run("bench-session", "hello"):
            n += 1
        return n, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=40000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    import tempfile

    body, n_payloads = build_stream(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        stream_file = Path(tmp) / "stream.sse"
        stream_file.write_bytes(body)
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(stream_file)], stdout=subprocess.PIPE, text=True)
        try:
            port = int(proc.stdout.readline())
            base = f"http://127.0.0.1:{port}"
            best_bare = best_json = best_client = float("inf")
            n_events = 0
            for _ in range(args.rounds):
                n, t = asyncio.run(bare(base + "/run_sse"))
                assert n == n_payloads, (n, n_payloads)
                best_bare = min(best_bare, t)
                n, t = asyncio.run(bare(base + "/run_sse", decode_json=True))
                best_json = min(best_json, t)
                n_events, t = asyncio.run(via_client(base, Path(tmp) / "cfg"))
                best_client = min(best_client, t)
        finally:
            proc.terminate()
            proc.wait()
    bare_rate = n_payloads / best_bare
    client_rate = n_payloads / best_client
    print(f"stream: {n_payloads} SSE payloads, {len(body) / 1e6:.1f} MB; client yielded {n_events} typed events")
    print(f"bare httpx-sse loop : {bare_rate:10.0f} payloads/s ({best_bare:.3f} s)")
    json_rate = n_payloads / best_json
    print(f"bare loop+json.loads: {json_rate:10.0f} payloads/s ({best_json:.3f} s)")
    print(f"NemoClient.run      : {client_rate:10.0f} payloads/s ({best_client:.3f} s)")
    ratio = client_rate / bare_rate
    print(
        f"ratio client / bare httpx-sse loop          : {ratio:.2f}  (goal >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})"
    )
    ratio_json = client_rate / json_rate
    print(f"ratio client / bare loop that decodes JSON  : {ratio_json:.2f}")


if __name__ == "__main__":
    main()
