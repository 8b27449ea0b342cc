"""Smart render vs the full re-encode and vs a keyframe-only stream copy, same machine, same run.

    python bench/smart_cut.py [--minutes 10] [--trim 60]

A 1080p30 H.264/AAC source (testsrc2, libx264 ultrafast at 1 Mb/s, an IDR every 2 s; High
profile (8x8 transform on) and tagged BT.709 limited range, as cameras, phones and sites write
HD and as the full render writes it: other sources fall back to the full re-encode) is
generated once and kept in bench/cache/ (git-ignored). Measured with render_draft():
- trim `--trim` seconds starting between keyframes: the smart render vs the full re-encode
  (render_draft(allow_smart=False), what every edit cost before; goal >= 10x faster) and
  vs `ffmpeg -ss … -t … -c copy` (not frame-accurate; goal <= 2x its time);
- a 3 s title on the whole source: smart render vs full re-encode (goal >= 20x faster);
- HEVC (`--hevc-minutes`, default 1: a 1-minute 1080p30 HEVC Main source, libx265 ultrafast at
  1 Mb/s, an IDR every 2 s, cached the same way): a `--trim`-second trim (at most a third of
  it) between keyframes, smart render (HEVC copied, libx265 edges) vs the full re-encode
  (which makes H.264). 0 skips it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.engine.media.ffmpeg import ffmpeg_exe  # noqa: E402
from tui.engine.media.probe import probe  # noqa: E402
from tui.engine.media.render import render_draft  # noqa: E402

CACHE = ROOT / "bench" / "cache"


def source(minutes: int, codec: str = "libx264") -> Path:
    CACHE.mkdir(exist_ok=True)
    kind = "hevc_main" if codec == "libx265" else "high"
    out = CACHE / f"smart_src_{minutes}m_1080p30_{kind}_bt709.mp4"
    if out.exists():
        return out
    seconds = minutes * 60
    print(f"generating a {minutes}-minute 1080p30 source once (cached in {out.relative_to(ROOT)})…", flush=True)
    part = out.with_suffix(".partial.mp4")
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-ac",
            "2",
            "-vf",
            "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709",
            "-c:v",
            codec,
            "-preset",
            "ultrafast",
            "-x265-params" if codec == "libx265" else "-x264-params",
            "open-gop=0:scenecut=0:log-level=error" if codec == "libx265" else "8x8dct=1",
            "-b:v",
            "1M",
            "-g",
            "60",
            "-keyint_min",
            "60",
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-shortest",
            str(part),
        ],
        check=True,
    )
    part.rename(out)
    return out


def draft(in_s: float, dur_s: float, title: tuple[float, float] | None = None) -> dict:
    tracks = [
        {
            "id": "trk_v1",
            "tt": 0,
            "name": "Video",
            "sg": [
                {
                    "id": "seg_1",
                    "name": "src.mp4",
                    "src": "upl_src",
                    "s": 0,
                    "d": round(dur_s * 1000),
                    "in": round(in_s * 1000),
                    "vol": 100,
                }
            ],
        }
    ]
    if title:
        tracks.append(
            {
                "id": "trk_t1",
                "tt": 7,
                "name": "Title",
                "sg": [
                    {
                        "id": "seg_t",
                        "name": "Title",
                        "text": "Urban Dreams",
                        "s": round(title[0] * 1000),
                        "d": round((title[1] - title[0]) * 1000),
                    }
                ],
            }
        )
    return {
        "t": tracks,
        "m": {
            "title": "bench",
            "width": 1920,
            "height": 1080,
            "fps": 30,
            "aspect": "16:9",
            "resolution": "1080p",
            "mute": False,
        },
    }


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--trim", type=float, default=60.0)
    parser.add_argument("--hevc-minutes", type=int, default=1)
    args = parser.parse_args()
    src = source(args.minutes)
    info = probe(src)
    sources = {"upl_src": src}
    total = info.duration_s
    in_s = min(120.5, total / 3 + 0.5)  # between two keyframes
    trim = min(args.trim, total - in_s - 1)
    with tempfile.TemporaryDirectory(prefix="nemo-bench-smart-") as tmp:
        folder = Path(tmp)
        cut = draft(in_s, trim)
        t_copy, _ = timed(
            lambda: subprocess.run(
                [
                    ffmpeg_exe(),
                    "-v",
                    "error",
                    "-y",
                    "-ss",
                    str(in_s),
                    "-t",
                    str(trim),
                    "-i",
                    str(src),
                    "-c",
                    "copy",
                    "-movflags",
                    "+faststart",
                    str(folder / "copy.mp4"),
                ],
                check=True,
            )
        )
        t_smart, smart = timed(lambda: render_draft(cut, sources, folder / "smart.mp4"))
        assert smart.route == "smart", smart.note
        t_full, _ = timed(lambda: render_draft(cut, sources, folder / "full.mp4", allow_smart=False))
        print(
            f"source       : {info.width}x{info.height} {info.fps} fps, {total:.0f} s, "
            f"{src.stat().st_size / 1e6:.0f} MB"
        )
        print(
            f"trim {trim:.0f} s from {in_s} s: smart {t_smart:.2f} s ({smart.note}), full re-encode "
            f"{t_full:.2f} s, ffmpeg -ss -c copy {t_copy:.2f} s"
        )
        print(f"speed-up smart vs full re-encode (trim) = {t_full / t_smart:.1f}x  (goal >= 10x)")
        print(f"ratio smart / keyframe-only copy (trim) = {t_smart / t_copy:.2f}x  (goal <= 2x)")

        titled = draft(0.0, total, title=(total / 2, total / 2 + 3))
        t_smart, smart = timed(lambda: render_draft(titled, sources, folder / "smart_title.mp4"))
        assert smart.route == "smart", smart.note
        t_full, _ = timed(lambda: render_draft(titled, sources, folder / "full_title.mp4", allow_smart=False))
        print(f"3 s title on {total:.0f} s: smart {t_smart:.2f} s ({smart.note}), full re-encode {t_full:.2f} s")
        print(f"speed-up smart vs full re-encode (title) = {t_full / t_smart:.1f}x  (goal >= 20x)")
        if args.hevc_minutes > 0:
            hevc_trim(folder, args.hevc_minutes, args.trim)


def hevc_trim(folder: Path, minutes: int, trim: float) -> None:
    """An HEVC source: trim between keyframes, smart render vs the full re-encode."""
    src = source(minutes, codec="libx265")
    info = probe(src)
    sources = {"upl_src": src}
    in_s = min(20.5, info.duration_s / 3 + 0.5)  # between two keyframes
    trim = min(trim, info.duration_s / 3)
    cut = draft(in_s, trim)
    t_smart, smart = timed(lambda: render_draft(cut, sources, folder / "smart_hevc.mp4"))
    assert smart.route == "smart", smart.note
    t_full, _ = timed(lambda: render_draft(cut, sources, folder / "full_hevc.mp4", allow_smart=False))
    print(
        f"HEVC source : {info.width}x{info.height} {info.fps} fps, {info.duration_s:.0f} s; trim {trim:.0f} s "
        f"from {in_s} s: smart {t_smart:.2f} s ({smart.note}), full re-encode {t_full:.2f} s"
    )
    print(f"speed-up smart vs full re-encode (HEVC trim) = {t_full / t_smart:.1f}x")


if __name__ == "__main__":
    main()
