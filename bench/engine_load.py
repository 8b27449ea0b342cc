"""The engine under load: 100 concurrent clients for 30 s on loopback, vs one client alone.

    python bench/engine_load.py [--clients 100] [--seconds 30]

The engine runs in its own process (fresh data dir, the new-client limit raised for the
test). Each client gets its own anonymous token and session, then loops until the deadline:
GET credits, GET state, and every third turn (the first included) a chat run (POST /run_sse, a text reply
streamed with heartbeats, read to the end). Every request counts; an error is a transport
failure, an HTTP status >= 400 or an envelope code != 0. Reported: requests, errors,
throughput, and latency percentiles per kind, for 1 client (the reference, same run) and
for N clients. Bounded: N clients, a fixed time, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

SERVER = r"""
import sys, uvicorn
from pathlib import Path
from tui.engine.server import create_app
app = create_app(Path(sys.argv[1]), heartbeat_interval=0.5, chunk_delay=0.0, tool_delay=0.0,
                 new_client_limit=100000, silent_ratio=0.0)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def _client(base: str, deadline: float, lat: dict[str, list[float]], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:

        async def call(kind: str, method: str, path: str, **kw) -> dict | None:
            t0 = time.perf_counter()
            try:
                if kind == "run":
                    async with http.stream(method, path, **kw) as r:
                        body = b""
                        async for chunk in r.aiter_bytes():
                            body += chunk
                    ok = r.status_code == 200 and b"data:" in body
                    data = None
                else:
                    r = await http.request(method, path, **kw)
                    data = r.json()
                    ok = r.status_code < 400 and data.get("code") == 0
            except (httpx.HTTPError, ValueError) as exc:
                errors.append(f"{kind}: {type(exc).__name__}")
                return None
            lat.setdefault(kind, []).append(time.perf_counter() - t0)
            if not ok:
                errors.append(f"{kind}: HTTP {r.status_code}")
                return None
            return data

        tok = await call("token", "POST", "/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
        if tok is None:
            return
        http.headers["Authorization"] = f"Bearer {tok['data']['token']}"
        ses = await call("session", "POST", "/api/tasks/me/with-session/nemo_agent", json={"task_name": "load"})
        if ses is None:
            return
        sid = ses["data"]["session_id"]
        turn = 0
        while True:  # at least one full round per client, however slow the start is under load
            turn += 1
            await call("credits", "GET", "/api/credits/balance/simple")
            await call("state", "GET", f"/api/state/nemo_agent/me/{sid}/latest")
            if turn % 3 == 1:
                await call(
                    "run",
                    "POST",
                    "/run_sse",
                    headers={"Accept": "text/event-stream"},
                    json={
                        "app_name": "nemo_agent",
                        "user_id": "me",
                        "session_id": sid,
                        "new_message": {"role": "user", "parts": [{"text": "what can you do?"}]},
                    },
                )
            if time.monotonic() >= deadline:
                break


async def run_load(base: str, clients: int, seconds: float) -> dict:
    """``clients`` concurrent clients for ``seconds`` against ``base``; latencies in ms."""
    lat: dict[str, list[float]] = {}
    errors: list[str] = []
    t0 = time.monotonic()
    deadline = t0 + seconds
    tasks = [asyncio.create_task(_client(base, deadline, lat, errors)) for _ in range(clients)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)  # bounded in time
    wall = time.monotonic() - t0
    total = sum(len(v) for v in lat.values())
    kinds = {
        k: {
            "n": len(v),
            "p50": _percentile(v, 50) * 1000,
            "p95": _percentile(v, 95) * 1000,
            "p99": _percentile(v, 99) * 1000,
            "max": max(v) * 1000,
            "mean": statistics.fmean(v) * 1000,
        }
        for k, v in sorted(lat.items())
    }
    return {
        "clients": clients,
        "seconds": wall,
        "requests": total,
        "errors": errors,
        "rps": total / wall,
        "kinds": kinds,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _print(r: dict) -> None:
    print(
        f"{r['clients']:>3} client(s): {r['requests']} requests in {r['seconds']:.1f} s = {r['rps']:.0f} req/s, "
        f"{len(r['errors'])} errors"
    )
    for kind, k in r["kinds"].items():
        print(
            f"    {kind:8} n={k['n']:6}  p50 {k['p50']:7.1f} ms  p95 {k['p95']:7.1f} ms  "
            f"p99 {k['p99']:7.1f} ms  max {k['max']:7.1f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(Path(tmp) / "engine"), str(port)], cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            single = asyncio.run(run_load(base, 1, min(5.0, args.seconds)))
            many = asyncio.run(run_load(base, args.clients, args.seconds))
        finally:
            proc.terminate()
            proc.wait(10)
    if args.json:
        print(json.dumps({"single": single, "many": many}))
        return
    _print(single)
    _print(many)
    for kind in ("credits", "state", "run"):
        if kind in single["kinds"] and kind in many["kinds"]:
            print(
                f"p50 latency ratio {kind:8} {args.clients} clients / 1 client: "
                f"{many['kinds'][kind]['p50'] / single['kinds'][kind]['p50']:.1f}x"
            )
    print(
        f"errors under load: {len(many['errors'])} (goal: 0: {'met' if not many['errors'] else 'NOT met'})"
        + (f" e.g. {many['errors'][:3]}" if many["errors"] else "")
    )


if __name__ == "__main__":
    main()
