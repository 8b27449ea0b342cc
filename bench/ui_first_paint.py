"""Time to first paint of the app vs a hello-world Textual app (Header + Footer), same run.

    python bench/ui_first_paint.py [--rounds 5]

Each measurement is a fresh interpreter (so imports count, as they do for a user) running
the app headless at 120x40 until its first screen refresh, then exiting. nemo-tui is pointed
at an address where nothing listens: the connection happens after the first paint, so the
network can never delay it. Reported: the median wall time of each and the ratio (goal
<= 1.5x), and each child's peak RSS.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HELLO = r"""
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Footer, Header, Static

class Hello(App):
    def compose(self):
        yield Header()
        yield Static("Hello, world")
        yield Footer()

    def on_ready(self):  # Textual's Ready: the first frame of the first screen is painted
        self.exit(time.perf_counter() - t0)

paint = Hello().run(headless=True, size=(120, 40))
import resource
print(paint, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

NEMO = r"""
import sys, time
t0 = time.perf_counter()
from pathlib import Path
sys.path.insert(0, {root!r})
from tui.config import load_settings
from tui.ui.app import NemoApp

class Timed(NemoApp):
    CSS_PATH = str(Path({root!r}) / "tui" / "ui" / "app.tcss")

    def on_ready(self):  # runs after NemoApp.on_ready (Textual calls each class's handler)
        self.exit(time.perf_counter() - t0)

settings = load_settings(api_url="http://127.0.0.1:9")
paint = Timed(settings, backend="cloud").run(headless=True, size=(120, 40))
import resource
print(paint, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(code: str, env: dict[str, str], folder: str) -> tuple[float, float, float]:
    script = Path(folder) / "first_paint_child.py"  # a file: Textual finds CSS next to the class's source
    script.write_text(code)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"the child failed:\n{proc.stderr[-2000:]}")
    paint, rss_kb = proc.stdout.strip().splitlines()[-1].split()
    return wall, float(paint), float(rss_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NEMO_CONFIG_DIR=f"{tmp}/c", NEMO_DATA_DIR=f"{tmp}/d", NEMO_DOWNLOAD_DIR=f"{tmp}/dl")
        env.pop("NEMO_TOKEN", None)
        hello, nemo = [], []
        for _ in range(args.rounds):
            hello.append(measure(HELLO, env, tmp))
            nemo.append(measure(NEMO.format(root=str(ROOT)), env, tmp))
    h_wall, h_paint, h_rss = (statistics.median(col) for col in zip(*hello, strict=False))
    n_wall, n_paint, n_rss = (statistics.median(col) for col in zip(*nemo, strict=False))
    print(f"hello-world  first paint {h_paint * 1000:7.0f} ms in-process, {h_wall * 1000:7.0f} ms process wall")
    print(f"nemo-tui     first paint {n_paint * 1000:7.0f} ms in-process, {n_wall * 1000:7.0f} ms process wall")
    print(f"ratio (process wall)     {n_wall / h_wall:.2f}x  (goal <= 1.5x)")
    print(f"ratio (in-process paint) {n_paint / h_paint:.2f}x")
    print(f"peak RSS                 hello-world {h_rss:.0f} MB, nemo-tui {n_rss:.0f} MB")


if __name__ == "__main__":
    main()
