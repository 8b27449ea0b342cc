"""Probe time: the PyAV probe vs running ffmpeg as the engine did before, over the media zoo.

    python bench/probe.py [--rounds 5]

Generates the media zoo of the tests (tests/engine/media/media_zoo.py: MPEG-2 TS, HEVC, VP9, AV1,
Theora, FLV, MKV with subtitles, anamorphic, rotated, late sound, VFR, 10-bit, HDR, odd sizes,
audio only, photos), then for each file times, best of --rounds:
  * probe(): tui.engine.media.probe (PyAV, headers + first frame + tail packets), cache cleared;
  * the reference: the command the old probe ran, `ffmpeg -i FILE -t 0.1 -f null -`
    (header, then a 0.1 s decode), parsed nothing: the process alone;
  * and, for context, the bare `ffmpeg -i FILE` (header only, exits with an error).
Goal: the probe is >= 10x faster per file than the reference (median of the per-file ratios).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.media.media_zoo import make, specimens  # noqa: E402
from tui.engine.media import probe as probe_module  # noqa: E402
from tui.engine.media.ffmpeg import FONT_PATH, ffmpeg_exe  # noqa: E402


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ffmpeg = ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="nemo-bench-probe-") as tmp:
        folder = Path(tmp)
        base = folder / "base.mp4"
        subprocess.run(
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x240:rate=25:duration=2",
                "-f",
                "lavfi",
                "-i",
                "sine=duration=2",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                str(base),
            ],
            check=True,
        )
        print("generating the media zoo…", flush=True)
        files = [make(ffmpeg, spec, folder, base) for spec in specimens(FONT_PATH, folder)]

        def new(path: Path) -> None:
            probe_module._cache.clear()
            probe_module.probe(path)

        def old(path: Path) -> None:
            subprocess.run(
                [ffmpeg, "-hide_banner", "-nostdin", "-i", str(path), "-t", "0.1", "-f", "null", "-"],
                capture_output=True,
                check=False,
            )

        def header(path: Path) -> None:
            subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, check=False)

        ratios = []
        print(f"{'file':24} {'probe()':>9} {'old probe':>10} {'ffmpeg -i':>10} {'ratio':>7}")
        totals = [0.0, 0.0, 0.0]
        for path in files:
            t_new, t_old, t_hdr = (best(lambda p=path, f=fn: f(p), args.rounds) for fn in (new, old, header))
            totals = [totals[0] + t_new, totals[1] + t_old, totals[2] + t_hdr]
            ratios.append(t_old / t_new)
            print(
                f"{path.name:24} {t_new * 1e3:7.2f} ms {t_old * 1e3:8.2f} ms {t_hdr * 1e3:8.2f} ms {t_old / t_new:6.1f}x"
            )
        n = len(files)
        print(
            f"{'mean per file':24} {totals[0] / n * 1e3:7.2f} ms {totals[1] / n * 1e3:8.2f} ms "
            f"{totals[2] / n * 1e3:8.2f} ms"
        )
        print(
            f"probe speed-up vs the old ffmpeg probe, median per file: {statistics.median(ratios):.1f}x "
            f"(min {min(ratios):.1f}x; goal >= 10x)"
        )
        print(f"probe speed-up vs the old ffmpeg probe, whole zoo: {totals[1] / totals[0]:.1f}x")
        print(f"probe speed-up vs bare `ffmpeg -i`, whole zoo: {totals[2] / totals[0]:.1f}x")


if __name__ == "__main__":
    main()
