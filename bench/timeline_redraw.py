"""Timeline redraw while scrolling: 20 video segments with half-block thumbnails (issue 18).

    python bench/timeline_redraw.py [--steps 200]

A headless app at 120x40 shows the timeline canvas with 20 segments whose thumbnails are
already in the cache (as after the first visit of a zoom level); each step moves the playhead
a screen-width to the right or left (the view scrolls) and times the canvas drawing all its
lines (``render_lines``: the cells cut from the cache, joined into strips, styled). The
reference, measured in the same run, is a Static of the same size holding plain text redrawn
the same way. Reported: p50/p95 wall ms per frame (goal p95 <= 16 ms), the UI thread's CPU
time per frame (what the frame costs, without the waits for a CPU on a busy machine) and the
ratio to the reference.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _Source:
    """Thumbnails made with Pillow (a colour per segment, a gradient inside): no decoding."""

    def duration(self, media_id: str) -> float | None:
        return 10.0

    async def thumb(self, media_id: str, t: float, w: int, h: int):
        from PIL import Image

        index = int(media_id[1:])
        image = Image.new("RGB", (w, h))
        image.putdata(
            [((index * 40 + x * 9) % 256, (y * 30) % 256, int(t * 25) % 256) for y in range(h) for x in range(w)]
        )
        return image

    async def peaks(self, media_id: str, n: int) -> list[float] | None:
        return [abs(((i * 7) % 100) - 50) / 50 for i in range(n)]


def _draft():
    from tui.api.models import Draft

    video = [
        {"id": f"s{i}", "name": f"clip{i}.mp4", "src": f"m{i}", "s": i * 10_000, "d": 10_000, "in": 0}
        for i in range(20)
    ]
    audio = [{"id": "a1", "name": "music.mp3", "src": "a1", "s": 0, "d": 200_000, "in": 0}]
    text = [{"id": "t1", "text": "Urban Dreams", "s": 0, "d": 5000}]
    return Draft.parse({"d": 200_000, "m": {"width": 1920, "height": 1080},
                        "t": [{"id": "v", "tt": 0, "sg": video}, {"id": "a", "tt": 1, "sg": audio},
                              {"id": "t", "tt": 7, "sg": text}]})  # fmt: skip


async def run(steps: int) -> tuple[list[float], list[float], list[float]]:
    from textual.app import App
    from textual.geometry import Region
    from textual.widgets import Static

    from tui.ui.timeline.canvas import TimelineCanvas

    class Bench(App[None]):
        def compose(self):
            yield TimelineCanvas(id="canvas")
            yield Static("x" * 118 + "\n" * 8, id="plain")

    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        canvas = app.query_one(TimelineCanvas)
        plain = app.query_one("#plain", Static)
        canvas.show(_draft(), _Source())
        for _ in range(3):  # zoom in: 20 segments, several screens wide
            canvas.action_zoom(1)
        # warm the cache over the whole timeline (as a first visit of this zoom level does)
        while True:
            await pilot.pause()
            canvas.fetch_pictures()
            await app.workers.wait_for_complete()
            if not canvas.wanted():
                if canvas.playhead_ms >= 199_000 - canvas.ms_per_cell:
                    break
                canvas.action_page(1)
        canvas.action_jump(0)
        region = Region(0, 0, canvas.size.width, canvas.size.height)
        plain_region = Region(0, 0, plain.size.width, canvas.size.height)
        times, reference, cpu = [], [], []
        direction = 1
        for step in range(steps):
            if canvas.playhead_ms >= 199_000 - canvas.view_cols * canvas.ms_per_cell:
                direction = -1
            elif canvas.playhead_ms <= 0:
                direction = 1
            canvas.action_page(direction)
            canvas._styles_cache.clear()  # a new frame: nothing left from the last one
            t0, c0 = time.perf_counter(), time.thread_time()
            lines = canvas.render_lines(region)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            assert len(lines) == canvas.size.height and "▀" in "".join(s.text for s in lines)
            plain._styles_cache.clear()
            plain.update("x" * 118 + f"{step}\n" * 8)  # new content: rendered again, not cached
            t0 = time.perf_counter()
            plain.render_lines(plain_region)
            reference.append((time.perf_counter() - t0) * 1000)
        app.exit()
    return times, reference, cpu


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    times, reference, cpu = asyncio.run(run(args.steps))
    print(
        f"timeline (20 segments, thumbnails)  p50 {statistics.median(times):.2f} ms  p95 {p95(times):.2f} ms per frame"
    )
    print(
        f"plain Static of the same size        p50 {statistics.median(reference):.2f} ms  p95 {p95(reference):.2f} ms"
    )
    print(f"CPU time of the UI thread per frame  p50 {statistics.median(cpu):.2f} ms  p95 {p95(cpu):.2f} ms")
    print(f"p95 per frame {p95(times):.2f} ms (goal <= 16 ms): {'met' if p95(times) <= 16 else 'NOT met'}")
    print(f"ratio (p95, timeline / plain text) {p95(times) / max(1e-6, p95(reference)):.1f}x")


if __name__ == "__main__":
    main()
