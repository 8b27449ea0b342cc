"""Thumbnail of a 1080p H.264 source at an arbitrary time: the engine vs ffmpeg as a process.

    python bench/thumbnail.py [--seconds 60] [--rounds 8] [--width 320]

A 1080p30 H.264/AAC source (testsrc2, libx264 ultrafast, an IDR every 2 s) is generated once
and kept in bench/cache/ (git-ignored). Each round takes a new time between keyframes (seeded,
the same every run) and measures, interleaved so that load hits all alike:
  * the reference of issue 18: ``ffmpeg -ss T -i SRC -frames:v 1 out.png`` as a subprocess
    (a full-size PNG), and the same with ``-vf scale=W:-2`` (the picture we make);
  * ``tui.engine.media.thumbs.thumbnail(SRC, T, W)``: exact, decoded forward from the keyframe
    before T to the frame at T (what ffmpeg's accurate seek answers);
  * the same with ``exact=False``: the keyframe before T (what a timeline strip asks for);
  * ``tui.engine.pictures.thumbnail``: the engine's path (exact + writing the disk cache), then
    the same question again (served from the disk cache).
Medians are compared, of wall time (the goal) and of CPU time (this process with its threads,
and the ffmpeg child: steadier when other work shares the machine). Goal of issue 18: the
engine's thumbnail <= 0.5x ffmpeg's time. The first round checks that the exact picture is
ffmpeg's picture scaled alike (mean difference per channel: the scalers differ slightly).
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from tui.engine import pictures  # noqa: E402
from tui.engine.media import thumbs  # noqa: E402
from tui.engine.media.ffmpeg import ffmpeg_exe  # noqa: E402

CACHE = ROOT / "bench" / "cache"
GOP_S = 2.0


def source(seconds: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    out = CACHE / f"thumb_src_{seconds}s_1080p30_gop2.mp4"
    if out.exists():
        return out
    print(f"generating a {seconds} s 1080p30 source once (cached in {out.relative_to(ROOT)})…", flush=True)
    part = out.with_suffix(".partial.mp4")
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-shortest", str(part)],
        check=True,
    )  # fmt: skip
    part.rename(out)
    return out


def cpu_now() -> float:
    """CPU seconds used so far by this process (all its threads) and its waited-for children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of ``fn()``."""
    cpu, started = cpu_now(), time.perf_counter()
    result = fn()
    return time.perf_counter() - started, cpu_now() - cpu, result


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms median ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--width", type=int, default=320)
    args = parser.parse_args()
    src = source(args.seconds)
    ffmpeg = ffmpeg_exe()
    rng = random.Random(18)
    gops = int(args.seconds / GOP_S) - 1
    # arbitrary times: anywhere in a GOP but its first 0.1 s (so never the keyframe itself)
    times = [round(rng.randrange(gops) * GOP_S + rng.uniform(0.1, GOP_S - 0.05), 3) for _ in range(args.rounds)]
    names = ("ffmpeg", "ffmpeg_scaled", "exact", "keyframe", "engine", "cached")
    results: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    w = args.width
    with tempfile.TemporaryDirectory(prefix="nemo-bench-thumb-") as tmp:
        folder = Path(tmp)
        out, scaled = folder / "out.png", folder / "scaled.png"
        cache = pictures.cache_dir(folder, "bench", "src", src)
        for i, t in enumerate(times):

            def run_ffmpeg(t: float = t) -> object:
                cmd = [ffmpeg, "-v", "error", "-y", "-ss", f"{t}", "-i", str(src), "-frames:v", "1", str(out)]
                return subprocess.run(cmd, check=True)

            def run_ffmpeg_scaled(t: float = t) -> object:
                cmd = [ffmpeg, "-v", "error", "-y", "-ss", f"{t}", "-i", str(src), "-frames:v", "1",
                       "-vf", f"scale={w}:-2", str(scaled)]  # fmt: skip
                return subprocess.run(cmd, check=True)

            order: list[tuple[str, Callable[[], object]]] = [
                ("ffmpeg", run_ffmpeg),
                ("exact", lambda t=t: thumbs.thumbnail(src, t, w)),
                ("ffmpeg_scaled", run_ffmpeg_scaled),
                ("keyframe", lambda t=t: thumbs.thumbnail(src, t, w, exact=False)),
                ("engine", lambda t=t: pictures.thumbnail(cache, t, w, None, exact=True, fmt="png")),
                ("cached", lambda t=t: pictures.thumbnail(cache, t, w, None, exact=True, fmt="png")),
            ]
            if i % 2:
                order = order[2:4] + order[:2] + order[4:]
            got: dict[str, object] = {}
            for name, fn in order:
                took, used, got[name] = timed(fn)
                results[name].append(took)
                cpu[name].append(used)
            if i == 0:
                ours = np.asarray(Image.open(io.BytesIO(got["exact"].data)).convert("RGB"), dtype=float)  # type: ignore[attr-defined]
                theirs = np.asarray(Image.open(scaled).convert("RGB"), dtype=float)
                same = ours.shape == theirs.shape
                diff = float(np.abs(ours - theirs).mean()) if same else float("nan")
                print(f"check at {t:.3f} s: exact picture {ours.shape[1]}x{ours.shape[0]}, ffmpeg's "
                      f"{theirs.shape[1]}x{theirs.shape[0]}, mean difference {diff:.2f}/255 per channel")  # fmt: skip

    print(f"source: {src.name} ({src.stat().st_size / 1e6:.0f} MB), {len(times)} times, width {w} px")
    print(f"ffmpeg -ss T -i … -frames:v 1 out.png   {ms(results['ffmpeg'])}")
    print(f"  same, -vf scale={w}:-2               {ms(results['ffmpeg_scaled'])}")
    print(f"thumbs.thumbnail exact                  {ms(results['exact'])}")
    print(f"thumbs.thumbnail keyframe (exact=False) {ms(results['keyframe'])}")
    print(f"engine path (exact + disk cache write)  {ms(results['engine'])}")
    print(f"engine path, asked again (cache hit)    {ms(results['cached'])}")
    ref = statistics.median(results["ffmpeg"])
    ref_scaled = statistics.median(results["ffmpeg_scaled"])
    for label, key in (("exact", "exact"), ("keyframe", "keyframe"), ("engine path", "engine")):
        r = statistics.median(results[key]) / ref
        verdict = "met" if r <= 0.5 else "NOT met"
        print(f"ratio {label} / ffmpeg: {r:.2f}  (goal <= 0.50: {verdict}); "
              f"vs the scaled ffmpeg command: {statistics.median(results[key]) / ref_scaled:.2f}")  # fmt: skip
    print(f"ratio cache hit / ffmpeg: {statistics.median(results['cached']) / ref:.3f}")
    # CPU time moves less than wall time when other work shares the machine
    ref_cpu = statistics.median(cpu["ffmpeg"])
    print("CPU time (median): " + ", ".join(f"{k} {statistics.median(v) * 1000:.0f} ms" for k, v in cpu.items()))
    print(f"ratio CPU exact / ffmpeg: {statistics.median(cpu['exact']) / ref_cpu:.2f}; "
          f"keyframe / ffmpeg: {statistics.median(cpu['keyframe']) / ref_cpu:.2f}; "
          f"exact / scaled ffmpeg: {statistics.median(cpu['exact']) / statistics.median(cpu['ffmpeg_scaled']):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
