"""A flood of SSE events into the full-screen app: all processed, the log bounded, keys answered.

    python bench/ui_flood.py [--events 20000] [--seconds 10]

The app runs headless (``run_test``) against an httpx.MockTransport that streams ``--events``
events spread evenly over ``--seconds`` (heartbeats with download progress, and every 10th
a reply chunk; the reply has a paragraph break every 20 chunks), then one short reply. While the
flood runs, a key is typed into the input line every 0.5 s and the time until the input
shows it is measured. Reported: events processed, log lines kept (bounded by max_lines),
the worst and median key latency (goal < 100 ms), and the growth of the process's RSS
(goal < 30 MB). The reference for the key latency is the same measurement with no flood,
in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

TOKEN = "nmv_usr_bench_token_0123456789"
SESSION = "7000000000000000001"


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def ok(data: dict) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "data": data})


class Flood(httpx.AsyncByteStream):
    def __init__(self, events: int, seconds: float, partial_every: int = 10) -> None:
        self.events = events
        self.seconds = seconds
        self.partial_every = partial_every

    async def __aiter__(self):
        batch = 50
        pause = self.seconds / max(1, self.events / batch)
        sent = 0
        start = time.perf_counter()
        while sent < self.events:
            chunk = []
            for i in range(min(batch, self.events - sent)):
                n = sent + i
                if self.partial_every and n % self.partial_every == 0:
                    # a reply of ordinary paragraphs (a blank line every 20 chunks)
                    text = f"chunk {n} " + ("\n\n" if (n // self.partial_every) % 20 == 19 else "")
                    event = {"content": {"parts": [{"text": text}], "role": "model"}, "partial": True}
                else:
                    event = {
                        "type": "heartbeat",
                        "progress": {"stage": "download", "label": "v.mp4", "percent": n % 100},
                    }
                chunk.append(f"data: {json.dumps(event)}\n\n")
            sent += len(chunk)
            yield "".join(chunk).encode()
            target = start + pause * (sent / batch)
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
        final = {"content": {"parts": [{"text": "All done."}], "role": "model"}}
        yield f"data: {json.dumps(final)}\n\n".encode()


def transport(events: int, seconds: float, partial_every: int) -> httpx.MockTransport:
    async def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/auth/anonymous-token":
            return ok({"token": TOKEN, "user_id": "anon_bench", "credits": 100})
        if path.startswith("/api/tasks/"):
            return ok({"task_id": "task_b", "session_id": SESSION, "user_id": "anon_bench"})
        if path.startswith("/api/credits/"):
            return ok({"available": 1000, "frozen": 0, "total": 1000})
        if path.startswith("/api/state/"):
            return ok({"state": {"draft": {"t": [], "d": 0, "m": {}}}, "version": 1})
        if path == "/run_sse":
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=Flood(events, seconds, partial_every)
            )
        return httpx.Response(404, json={"detail": "Not Found"})

    return httpx.MockTransport(handle)


async def until(condition, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.005)


async def key_latency(pilot, box, letter: str) -> float:
    """Send one key the way the terminal driver does and time until the input shows it.
    (Pilot.press also waits for the whole process to go idle, which a flood never does.)"""
    from textual import events

    app = pilot.app
    before = box.value
    key = events.Key(letter, letter)
    key.set_sender(app)
    t0 = time.perf_counter()
    app._driver.send_message(key)
    await until(lambda: box.value != before, timeout=10)
    return time.perf_counter() - t0


async def run(events: int, seconds: float, partial_every: int) -> dict:
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            env={"NEMO_CONFIG_DIR": f"{tmp}/c", "NEMO_DATA_DIR": f"{tmp}/d", "NEMO_DOWNLOAD_DIR": f"{tmp}/dl"}
        )
        app = NemoApp(settings, transport=transport(events, seconds, partial_every))
        async with app.run_test(size=(120, 40)) as pilot:
            await until(lambda: app.session is not None)
            box = app.query_one("#chat-input")
            box.focus()
            idle = [await key_latency(pilot, box, "abcdefghij"[i]) for i in range(10)]
            box.value = ""
            rss_before = rss_mb()
            box.value = "flood me"
            await pilot.press("enter")
            await until(lambda: app.run_active)
            started = time.perf_counter()
            busy: list[float] = []
            letters = iter("klmnopqrstuvwxyz" * 20)
            while app.run_active:
                busy.append(await key_latency(pilot, box, next(letters)))
                await asyncio.sleep(0.5)
            elapsed = time.perf_counter() - started
            await until(lambda: app.sse_log.received >= events + 1)
            await pilot.pause(0.3)
            rss_after = rss_mb()
            return {
                "events": app.sse_log.received,
                "seconds": elapsed,
                "log_lines": len(app.sse_log.rich_log.lines),
                "max_lines": app.sse_log.max_lines,
                "idle_ms": statistics.median(idle) * 1000,
                "busy_median_ms": statistics.median(busy) * 1000 if busy else 0.0,
                "busy_worst_ms": max(busy) * 1000 if busy else 0.0,
                "busy_p90_ms": sorted(busy)[int(0.9 * (len(busy) - 1))] * 1000 if busy else 0.0,
                "rss_growth_mb": rss_after - rss_before,
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--partial-every", type=int, default=10, help="every Nth event is a reply chunk (0: none)")
    args = parser.parse_args()
    r = asyncio.run(run(args.events, args.seconds, args.partial_every))
    print(f"events processed     {r['events']} of {args.events + 1} in {r['seconds']:.1f} s")
    print(f"log lines kept       {r['log_lines']} (max_lines {r['max_lines']})")
    print(f"key latency, idle    {r['idle_ms']:.1f} ms (median, reference)")
    print(
        f"key latency, flood   {r['busy_median_ms']:.1f} ms median, {r['busy_p90_ms']:.1f} ms p90,"
        f" {r['busy_worst_ms']:.1f} ms worst"
        f"  (goal < 100 ms; {r['busy_median_ms'] / max(r['idle_ms'], 0.001):.1f}x idle)"
    )
    print(f"RSS growth           {r['rss_growth_mb']:.1f} MB (goal < 30 MB)")


if __name__ == "__main__":
    main()
