"""Render throughput: render_draft() vs the same ffmpeg command run directly, same machine, same run.

    python bench/render.py [--seconds 30] [--rounds 4]

Generates a 1080p30 H.264/AAC clip and a music track, then renders a draft with the whole
clip, a title (first 3 s) and the music at 35 %. The reference is the plain ffmpeg command
that build_render_command() returns, run with subprocess and nothing else; render_draft()
additionally probes, reads -progress, watches for cancel, writes to a temporary name and
renames. Rounds alternate which goes first; best-vs-best and the median per-round ratio
are printed (other work on the machine makes single runs noisy). Goal: ratio <= 1.1.
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
sys.path.insert(0, str(ROOT))

from tui.engine.media.ffmpeg import ffmpeg_exe  # noqa: E402
from tui.engine.media.probe import probe  # noqa: E402
from tui.engine.media.render import build_render_command, render_draft  # noqa: E402


def make_clip(folder: Path, seconds: int) -> Path:
    out = folder / "clip1080.mp4"
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
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "60",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-shortest",
            str(out),
        ],
        check=True,
    )
    return out


def make_music(folder: Path, seconds: int) -> Path:
    out = folder / "music.mp3"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:sample_rate=44100:duration={seconds}",
            str(out),
        ],
        check=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nemo-bench-render-") as tmp:
        folder = Path(tmp)
        print(f"generating a {args.seconds} s 1080p30 clip and music…", flush=True)
        sources = {"upl_clip": make_clip(folder, args.seconds), "upl_music": make_music(folder, args.seconds)}
        ms = args.seconds * 1000
        draft = {
            "t": [
                {
                    "id": "trk_v1",
                    "tt": 0,
                    "name": "Video",
                    "sg": [
                        {"id": "seg_1", "name": "clip1080.mp4", "src": "upl_clip", "s": 0, "d": ms, "in": 0, "vol": 100}
                    ],
                },
                {
                    "id": "trk_a1",
                    "tt": 1,
                    "name": "BGM",
                    "sg": [
                        {"id": "seg_2", "name": "music.mp3", "src": "upl_music", "s": 0, "d": ms, "in": 0, "vol": 35}
                    ],
                },
                {
                    "id": "trk_t1",
                    "tt": 7,
                    "name": "Title",
                    "sg": [{"id": "seg_3", "name": "Title", "text": "Urban Dreams", "s": 0, "d": 3000}],
                },
            ],
            "d": ms,
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
        probe(sources["upl_clip"])  # warm the probe cache like the engine does at upload time
        probe(sources["upl_music"])
        reference = build_render_command(draft, sources, folder / "plain.mp4")
        frames = args.seconds * 30
        plain_times, ours_times = [], []

        def run_plain() -> None:
            started = time.perf_counter()
            subprocess.run(reference, check=True, stdin=subprocess.DEVNULL, capture_output=True)
            plain_times.append(time.perf_counter() - started)

        def run_ours() -> None:
            updates: list[float] = []
            started = time.perf_counter()
            result = render_draft(draft, sources, folder / "ours.mp4", progress=updates.append)
            ours_times.append(time.perf_counter() - started)
            assert not result.remuxed and abs(result.duration_s - args.seconds) < 0.1

        for round_no in range(1, args.rounds + 1):
            # Alternate who goes first so a change in machine load hits both alike.
            for run in (run_plain, run_ours) if round_no % 2 else (run_ours, run_plain):
                run()
            print(
                f"round {round_no}: plain ffmpeg {plain_times[-1]:.2f} s, render_draft {ours_times[-1]:.2f} s, "
                f"ratio {ours_times[-1] / plain_times[-1]:.3f}",
                flush=True,
            )

        plain, ours = min(plain_times), min(ours_times)
        pair_ratios = sorted(o / p for o, p in zip(ours_times, plain_times, strict=False))
        print(f"plain ffmpeg : best {plain:.2f} s  ({frames / plain:.1f} fps)")
        print(f"render_draft : best {ours:.2f} s  ({frames / ours:.1f} fps)")
        print(
            f"ratio render_draft / plain ffmpeg: best-vs-best {ours / plain:.3f}, "
            f"median of rounds {statistics.median(pair_ratios):.3f}  (goal <= 1.1)"
        )


if __name__ == "__main__":
    main()
