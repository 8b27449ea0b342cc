"""Fetching a 60 s 1080p HLS link over a slow link: the engine's fetch vs plain yt-dlp.

    python bench/fetch_speed.py [--seconds 60] [--rounds 3] [--delay 0.04] [--fragments 1 4 8 16]

A 1080p HLS VOD (testsrc2, libx264 ultrafast at 2 Mb/s, 2 s segments, an IDR every 2 s, AAC)
is made once by the bundled ffmpeg and cached in bench/cache/. A loopback server
(``tests/downloads/rangesite.RangeSite``) serves it and sleeps ``--delay`` seconds (40 ms)
before answering every request, as a distant server (or a proxy in front of it) would.
Each round times, link to MP4 on disk:

- the engine: ``tui.engine.media.fetch.fetch_media`` (the fetch worker the local engine's
  ``/api/local/fetch`` runs), with each ``NEMO_FETCH_FRAGMENTS`` of ``--fragments`` (HLS
  fragments in flight at once) and with the default (``fetch_tuning.DEFAULT_FRAGMENTS``);
- the reference: ``python -m yt_dlp URL`` with its defaults (one fragment at a time), only
  ``--ffmpeg-location`` added (the bundled ffmpeg is not on PATH) and ``-o`` into a folder.

Rounds alternate which goes first; best of N each. Prints the wall-time ratio engine / yt-dlp
for each fragment count (goal: <= 0.5 with the default).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.downloads.rangesite import RangeSite  # noqa: E402
from tui.engine.media.ffmpeg import ffmpeg_exe  # noqa: E402

CACHE = ROOT / "bench" / "cache"


def source(seconds: int) -> Path:
    """The cached HLS folder (index.m3u8 + seg*.ts)."""
    out = CACHE / f"fetch_speed_{seconds}s_1080p_hls"
    if (out / "index.m3u8").exists():
        return out
    print(f"generating a {seconds} s 1080p HLS source once (cached in {out.relative_to(ROOT)})…", flush=True)
    part = out.with_name(out.name + ".partial")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    subprocess.run(
        [
            ffmpeg_exe(), "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "2M", "-pix_fmt", "yuv420p", "-g", "60",
            "-c:a", "aac", "-b:a", "128k", "-shortest",
            "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
            "-hls_segment_filename", str(part / "seg%d.ts"), str(part / "index.m3u8"),
        ],
        check=True,
    )  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    part.rename(out)
    return out


def wait_idle(pid: int, quiet_s: float = 0.5, limit_s: float = 30.0) -> None:
    """Wait until process ``pid`` has used no CPU for ``quiet_s`` (Linux /proc; else a fixed wait)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(5)
        return

    def cpu() -> int:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime (clock ticks), proc(5)

    deadline = time.monotonic() + limit_s
    last, since = cpu(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


def engine_once(url: str, folder: Path, fragments: int | None) -> float:
    from tui.engine.media import fetch

    if fragments is None:
        os.environ.pop("NEMO_FETCH_FRAGMENTS", None)
    else:
        os.environ["NEMO_FETCH_FRAGMENTS"] = str(fragments)
    fetch.stop_spare()  # the next worker starts with this setting
    warm = fetch._spawn(["--wait", str(os.getpid())])  # a warm spare, as the engine keeps one
    with fetch._spare_lock:
        fetch._spare = warm
    wait_idle(warm.pid)  # its imports and warm-up are done before the clock starts (the engine's steady state)
    t0 = time.perf_counter()
    result = fetch.fetch_media(url, folder)
    took = time.perf_counter() - t0
    assert result.path.stat().st_size > 1_000_000, result
    shutil.rmtree(folder)
    return took


def ytdlp_once(url: str, folder: Path) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "--ffmpeg-location", ffmpeg_exe(),
         "-o", str(folder / "%(title)s.%(ext)s"), url],
        check=True,
    )  # fmt: skip
    took = time.perf_counter() - t0
    files = [p for p in folder.iterdir() if p.suffix in (".mp4", ".mkv", ".ts")]
    assert len(files) == 1 and files[0].stat().st_size > 1_000_000, files
    shutil.rmtree(folder)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--delay", type=float, default=0.04, help="seconds added to every request")
    ap.add_argument("--fragments", type=int, nargs="*", default=[1, 4, 8, 16])
    args = ap.parse_args()
    from tui.engine.media.fetch_tuning import DEFAULT_FRAGMENTS

    folder = source(args.seconds)
    site = RangeSite(folder.parent, delay=args.delay)
    url = site.url(f"/{folder.name}/index.m3u8")
    work = Path(tempfile.mkdtemp(prefix="nemo-bench-fetch-"))
    counts: list[int | None] = [*args.fragments, None]
    engine: dict[int | None, list[float]] = {n: [] for n in counts}
    ref: list[float] = []
    try:
        for i in range(args.rounds):
            if i % 2:
                ref.append(ytdlp_once(url, work / "ref"))
            for n in counts:
                engine[n].append(engine_once(url, work / "engine", n))
            if not i % 2:
                ref.append(ytdlp_once(url, work / "ref"))
    finally:
        site.close()
        shutil.rmtree(work, ignore_errors=True)
    size = sum(p.stat().st_size for p in folder.iterdir())
    best_ref = min(ref)
    print(
        f"source: {args.seconds} s 1080p HLS, {len(list(folder.glob('*.ts')))} segments of 2 s, "
        f"{size / 1e6:.1f} MB; {args.delay * 1000:.0f} ms added to every request; best of {args.rounds}"
    )
    print(f"yt-dlp (defaults)          : {best_ref:6.2f} s ({', '.join(f'{t:.2f}' for t in ref)})")
    for n in counts:
        name = f"default = {DEFAULT_FRAGMENTS}" if n is None else str(n)
        best = min(engine[n])
        print(
            f"engine, {name:>11} in flight: {best:6.2f} s ({', '.join(f'{t:.2f}' for t in engine[n])})"
            f"  ratio {best / best_ref:.2f}"
        )
    ratio = min(engine[None]) / best_ref
    print(f"ratio engine / yt-dlp wall time = {ratio:.2f}x  (goal <= 0.5: {'met' if ratio <= 0.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
