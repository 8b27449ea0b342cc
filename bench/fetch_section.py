"""A 90 s section of a 10-minute link: the engine's section fetch vs fetching the whole and cutting.

    python bench/fetch_section.py [--minutes 10] [--height 360] [--rounds 2] [--delay 0.04] [--mbps 100]

The source (testsrc2 with the frame number drawn, a beep every second, libx264 ultrafast,
10 fps, an IDR every 2 s, AAC) is made once by the bundled ffmpeg and cached in bench/cache/,
as a faststart MP4 and as HLS with 2 s segments. A loopback server
(``tests/downloads/rangesite.RangeSite``: byte ranges, counts the bytes it sends) serves both
as a distant server on a 100 Mb/s link would: ``--delay`` (40 ms) before every answer, each
answer held to ``--mbps`` (0: loopback speed). For each, best of N rounds:

- section: ``fetch_media(url, options={"section": [60, 150]})`` (ffmpeg input seeking over
  HTTP ranges / over the HLS segments, frame-accurate re-encode of the 90 s);
- reference: ``fetch_media(url)`` of the whole link, then the same frame-accurate cut of the
  local file by ffmpeg (``-ss 60 -t 90``, the same encoder settings).

Prints bytes sent and wall time, and the ratios section / reference (goal: bytes < 0.3).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.downloads.rangesite import RangeSite, make_long_source  # noqa: E402
from tui.engine.media.fetch import fetch_media  # noqa: E402
from tui.engine.media.fetch_sections import ENCODE_ARGS  # noqa: E402
from tui.engine.media.ffmpeg import ffmpeg_exe  # noqa: E402
from tui.engine.media.probe import probe  # noqa: E402

CACHE = ROOT / "bench" / "cache"
SECTION = (60.0, 150.0)


def source(minutes: int, height: int) -> Path:
    out = CACHE / f"fetch_section_{minutes}m_{height}p"
    if (out / "long-hls" / "index.m3u8").exists():
        return out
    print(f"generating a {minutes}-minute {height}p source once (cached in {out.relative_to(ROOT)})…", flush=True)
    part = out.with_name(out.name + ".partial")
    shutil.rmtree(part, ignore_errors=True)
    make_long_source(part, ffmpeg_exe(), seconds=minutes * 60, height=height)
    shutil.rmtree(out, ignore_errors=True)
    part.rename(out)
    return out


def section_once(site: RangeSite, url: str, work: Path) -> tuple[float, int]:
    site.reset()
    t0 = time.perf_counter()
    result = fetch_media(url, work, options={"section": list(SECTION)})
    took = time.perf_counter() - t0
    assert abs(probe(result.path).duration_s - (SECTION[1] - SECTION[0])) < 0.15, result
    shutil.rmtree(work)
    return took, site.total_sent()


def whole_then_cut_once(site: RangeSite, url: str, work: Path) -> tuple[float, int]:
    site.reset()
    t0 = time.perf_counter()
    whole = fetch_media(url, work).path
    out = work / "cut.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-ss", str(SECTION[0]), "-t", str(SECTION[1] - SECTION[0]),
         "-i", str(whole), *ENCODE_ARGS, "-movflags", "+faststart", str(out)],
        check=True,
    )  # fmt: skip
    took = time.perf_counter() - t0
    assert abs(probe(out).duration_s - (SECTION[1] - SECTION[0])) < 0.15
    shutil.rmtree(work)
    return took, site.total_sent()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=int, default=10)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--delay", type=float, default=0.04, help="seconds added to every request")
    ap.add_argument("--mbps", type=float, default=100.0, help="each answer's speed, megabits a second (0: no cap)")
    args = ap.parse_args()
    root = source(args.minutes, args.height)
    site = RangeSite(root, delay=args.delay, rate=args.mbps * 1e6 / 8)
    work = Path(tempfile.mkdtemp(prefix="nemo-bench-section-"))
    sizes = {
        "MP4": (root / "long.mp4").stat().st_size,
        "HLS": sum(p.stat().st_size for p in (root / "long-hls").iterdir()),
    }
    print(
        f"source: {args.minutes} min {args.height}p; section {SECTION[0]:.0f}-{SECTION[1]:.0f} s; "
        f"{args.delay * 1000:.0f} ms added to every request, {args.mbps:.0f} Mb/s per answer; best of {args.rounds}"
    )
    try:
        for kind, path in (("MP4", "/long.mp4"), ("HLS", "/long-hls/index.m3u8")):
            url = site.url(path)
            sec: list[tuple[float, int]] = []
            ref: list[tuple[float, int]] = []
            for i in range(args.rounds):
                if i % 2:
                    ref.append(whole_then_cut_once(site, url, work / "ref"))
                    sec.append(section_once(site, url, work / "sec"))
                else:
                    sec.append(section_once(site, url, work / "sec"))
                    ref.append(whole_then_cut_once(site, url, work / "ref"))
            s_time, s_bytes = min(t for t, _ in sec), max(b for _, b in sec)
            r_time, r_bytes = min(t for t, _ in ref), max(b for _, b in ref)
            print(f"{kind} ({sizes[kind] / 1e6:.1f} MB whole)")
            print(f"  section fetch      : {s_time:6.2f} s, {s_bytes / 1e6:7.2f} MB sent")
            print(f"  whole, then cut    : {r_time:6.2f} s, {r_bytes / 1e6:7.2f} MB sent")
            print(
                f"  {kind} ratio section / whole-then-cut: bytes {s_bytes / r_bytes:.2f} "
                f"(goal < 0.3: {'met' if s_bytes / r_bytes < 0.3 else 'NOT met'}), time {s_time / r_time:.2f}"
            )
    finally:
        site.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
