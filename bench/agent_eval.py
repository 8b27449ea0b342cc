#!/usr/bin/env python3
"""How well the local agent understands edit requests, and whether it ever lies about them.

    python bench/agent_eval.py [--only CATEGORY] [--verbose]

Runs every request of bench/agent_requests/ (English and Chinese, typos, several steps
in one message, relative times, per-clip edits, refusals, things that must not be edits)
against the real engine on loopback (EmbeddedEngine with the real media layer, small clips
made by ffmpeg), one fresh user and session per request, and checks by code what happened
to the draft, to the credits and in the reply:

- correct:  the expected edit happened (or, for a request that must not edit, nothing
            changed, nothing was charged and the reply did not say "Done");
- refused:  an edit was expected, nothing changed, nothing was charged and the reply did not
            claim anything (a miss, but an honest one);
- HARMFUL:  a wrong edit, "Done" with nothing changed, or credits charged for nothing.

Prints the score per category, the overall ratio of correct (and correct-or-clearly-refused)
answers to all requests, and lists every harmful and refused one. Goal: >= 95 % correct or
clearly refused, 0 harmful.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.agent_requests import CASES, HELD_OUT, HELD_OUT_2, REFUSE  # noqa: E402
from tui.engine.agent import changed  # noqa: E402
from tui.engine.embedded import EmbeddedEngine  # noqa: E402


def make_media(folder: Path) -> dict[str, Path]:
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    out = {}
    for name, colour, secs in (("a_red.mp4", "red", 20), ("b_blue.mp4", "blue", 15)):
        path = folder / name
        subprocess.run(
            [
                exe,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"color=c={colour}:s=160x90:r=10:d={secs}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=22050:duration={secs}",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-shortest",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        out[name[0]] = path
    music = folder / "music.m4a"
    subprocess.run(
        [
            exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=22050:duration=40",
            "-c:a",
            "aac",
            str(music),
        ],
        check=True,
        capture_output=True,
    )
    out["m"] = music
    return out


class Client:
    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base, timeout=120)
        r = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())}).json()
        self.auth = {"Authorization": f"Bearer {r['data']['token']}"}
        self.sid = self.http.post(
            "/api/tasks/me/with-session/nemo_agent", json={"task_name": "project"}, headers=self.auth
        ).json()["data"]["session_id"]

    def upload(self, *paths: Path) -> None:
        for p in paths:  # one at a time: the clips join the timeline in this order
            body = self.http.post(
                f"/api/upload-video/nemo_agent/me/{self.sid}",
                headers=self.auth,
                files=[("files", (p.name, p.read_bytes(), "application/octet-stream"))],
            ).json()
            assert body["code"] == 0, body

    def draft(self) -> dict[str, Any]:
        return self.http.get(f"/api/state/nemo_agent/me/{self.sid}/latest", headers=self.auth).json()["data"]["state"][
            "draft"
        ]

    def credits(self) -> int:
        return int(self.http.get("/api/credits/balance/simple", headers=self.auth).json()["data"]["available"])

    def run(self, text: str) -> str:
        replies = []
        with self.http.stream(
            "POST",
            "/run_sse",
            headers={**self.auth, "Accept": "text/event-stream"},
            json={
                "app_name": "nemo_agent",
                "user_id": "me",
                "session_id": self.sid,
                "new_message": {"role": "user", "parts": [{"text": text}]},
            },
        ) as resp:
            for line in resp.iter_lines():
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                for part in (event.get("content") or {}).get("parts", []):
                    if "text" in part and not event.get("partial"):
                        replies.append(part["text"])
                if "error" in event or "errorMessage" in event:
                    replies.append(str(event.get("error") or event.get("errorMessage")))
        return "\n".join(replies)

    def close(self) -> None:
        self.http.close()


def says_done(reply: str) -> bool:
    return "Done" in reply or "已完成" in reply


def judge(expect: Any, before: dict, after: dict, reply: str, charged: int) -> str:
    moved = changed(before, after)
    if expect == REFUSE:
        if moved:
            return "HARMFUL: edited"
        if says_done(reply):
            return "HARMFUL: false Done"
        if charged:
            return "HARMFUL: charged for nothing"
        return "correct"
    if moved and expect(before, after):
        return "correct"
    if moved:
        return "HARMFUL: wrong edit"
    if says_done(reply):
        return "HARMFUL: false Done"
    if charged:
        return "HARMFUL: charged for nothing"
    return "refused"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one category")
    parser.add_argument(
        "--set",
        choices=("main", "held-out", "held-out-2", "all"),
        default="all",
        help="the first set, one of the held-out ones, or all (default)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every reply")
    args = parser.parse_args()
    chosen = {"main": CASES, "held-out": HELD_OUT, "held-out-2": HELD_OUT_2, "all": CASES + HELD_OUT + HELD_OUT_2}[
        args.set
    ]
    cases = [c for c in chosen if not args.only or c[0] == args.only]
    with tempfile.TemporaryDirectory(prefix="nemo-agent-eval-") as tmp:
        folder = Path(tmp)
        media = make_media(folder)
        setups = {
            "two": [media["a"], media["b"]],
            "twom": [media["a"], media["b"], media["m"]],
            "one": [media["a"]],
            "empty": [],
        }
        engine = EmbeddedEngine(folder / "engine", heartbeat_interval=1.0, new_client_limit=100000, edit_cost=1)
        base = engine.start()
        started = time.perf_counter()
        results: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        try:
            for category, text, setup, pre, expect in cases:
                client = Client(base)
                try:
                    client.upload(*setups[setup])
                    for step in pre:
                        client.run(step)
                    before, credits = client.draft(), client.credits()
                    reply = client.run(text)
                    after = client.draft()
                    charged = credits - client.credits()
                finally:
                    client.close()
                verdict = judge(expect, before, after, reply, charged)
                results[category].append((verdict, text, reply))
                if args.verbose:
                    print(f"[{verdict}] {text!r}\n    {reply[:300]!r}")
        finally:
            engine.stop()
        elapsed = time.perf_counter() - started

    total = sum(len(v) for v in results.values())
    n_correct = sum(1 for v in results.values() for r in v if r[0] == "correct")
    n_refused = sum(1 for v in results.values() for r in v if r[0] == "refused")
    harmful = [(c, r) for c, v in results.items() for r in v if r[0].startswith("HARMFUL")]
    print(f"{'category':<10} {'requests':>8} {'correct':>8} {'refused':>8} {'harmful':>8}")
    for category, rows in results.items():
        c = sum(1 for r in rows if r[0] == "correct")
        f = sum(1 for r in rows if r[0] == "refused")
        h = sum(1 for r in rows if r[0].startswith("HARMFUL"))
        print(f"{category:<10} {len(rows):>8} {c:>8} {f:>8} {h:>8}")
    print(f"\n{total} requests in {elapsed:.0f} s")
    print(f"ratio correct / all: {n_correct / total:.3f}")
    print(
        f"ratio correct or clearly refused / all: {(n_correct + n_refused) / total:.3f}  (goal >= 0.95: "
        f"{'met' if (n_correct + n_refused) / total >= 0.95 else 'NOT met'})"
    )
    print(f"ratio harmful / all (wrong edit, false Done, charged for nothing): {len(harmful)}/{total}  (goal 0)")
    for category, (verdict, text, reply) in harmful:
        print(f"  {verdict} [{category}] {text!r}\n      reply: {reply[:200]!r}")
    misses = [(c, r) for c, v in results.items() for r in v if r[0] == "refused"]
    if misses:
        print("refused (an edit was expected; nothing changed, nothing claimed):")
        for category, (_verdict, text, reply) in misses:
            print(f"  [{category}] {text!r}\n      reply: {reply[:160]!r}")


if __name__ == "__main__":
    main()
