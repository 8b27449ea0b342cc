"""Fast path: remux of an untouched H.264/AAC clip vs a re-encode of the same clip, same run.

    python bench/remux.py [--seconds 30] [--rounds 3]

Generates a 1080p30 H.264/AAC clip, then renders the draft "this one clip, untouched" with
render_draft() (which takes the stream-copy fast path) and, as the reference, re-encodes
the same draft with render_draft(allow_remux=False) (libx264 veryfast + AAC, what any edit
costs). Goals: the remux takes under 1 s and is at least 20x faster than the re-encode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render import make_clip  # noqa: E402
from tui.engine.media.probe import probe  # noqa: E402
from tui.engine.media.render import render_draft  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nemo-bench-remux-") as tmp:
        folder = Path(tmp)
        print(f"generating a {args.seconds} s 1080p30 H.264/AAC clip…", flush=True)
        sources = {"upl_clip": make_clip(folder, args.seconds)}
        info = probe(sources["upl_clip"])
        draft = {
            "t": [
                {
                    "id": "trk_v1",
                    "tt": 0,
                    "name": "Video",
                    "sg": [
                        {
                            "id": "seg_1",
                            "name": "clip1080.mp4",
                            "src": "upl_clip",
                            "s": 0,
                            "d": int(info.duration_s * 1000),
                            "in": 0,
                            "vol": 100,
                        }
                    ],
                }
            ],
            "d": int(info.duration_s * 1000),
            "m": {
                "title": "bench",
                "width": 1920,
                "height": 1080,
                "fps": 30,
                "aspect": None,
                "resolution": "highest",
                "mute": False,
            },
        }
        remux_times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            result = render_draft(draft, sources, folder / "remux.mp4")
            remux_times.append(time.perf_counter() - started)
            assert result.remuxed, "the fast path was not taken"
        started = time.perf_counter()
        encoded = render_draft(draft, sources, folder / "encode.mp4", allow_remux=False)
        encode = time.perf_counter() - started
        assert not encoded.remuxed
        remux = min(remux_times)
        size_mb = sources["upl_clip"].stat().st_size / 1e6
        print(
            f"clip         : {info.width}x{info.height} {info.vcodec}/{info.acodec}, "
            f"{info.duration_s:.1f} s, {size_mb:.1f} MB"
        )
        print(
            f"remux        : {remux:.3f} s (best of {args.rounds}: "
            + ", ".join(f"{t:.3f}" for t in remux_times)
            + ")  goal < 1 s"
        )
        print(f"re-encode    : {encode:.2f} s  ({info.duration_s * 30 / encode:.1f} fps)")
        print(f"speed-up remux vs re-encode = {encode / remux:.1f}x  (goal >= 20x)")


if __name__ == "__main__":
    main()
