"""Smart render at NTSC frame rates (30000/1001, 24000/1001): a draft says 29.97 or 23.976,
the source runs at n x 1000/1001 fps; the smart render copies its GOPs and re-encodes the
edges on exact rational timestamps, and equals the full re-encode (same frame count,
duration, pictures, sound timing, seekable), as test_smartcut checks at 25 fps."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from tests.engine.media.test_smartcut import _encode, check_against_full


@pytest.fixture(scope="module")
def ntsc(ffmpeg_exe, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("smartcut-ntsc")
    return {
        "ntsc30": _encode(ffmpeg_exe, folder / "ntsc30.mp4", rate="30000/1001", gop=30),
        "ntsc24": _encode(ffmpeg_exe, folder / "ntsc24.mp4", rate="24000/1001", gop=24),
    }


def _rate(path: Path) -> Fraction:
    with av.open(str(path)) as container:
        return Fraction(container.streams.video[0].average_rate)


@pytest.mark.parametrize(
    ("name", "source", "fps", "clips", "copied_runs"),
    [
        ("at keyframes", "ntsc30", 29.97, [("ntsc30", 30 * 1001 / 30000, 4.0)], 1),
        ("between keyframes", "ntsc30", 29.97, [("ntsc30", 1.52, 4.2)], 1),
        ("from the very start", "ntsc30", 29.97, [("ntsc30", 0.0, 3.1)], 1),
        ("to the very end", "ntsc30", 29.97, [("ntsc30", 5.3, 2.66)], 1),  # frames 159-238, the last
        ("a middle range cut out", "ntsc30", 29.97, [("ntsc30", 0.0, 2.6), ("ntsc30", 5.2, 2.76)], 2),
        ("23.976, between keyframes", "ntsc24", 23.976, [("ntsc24", 1.3, 4.5)], 1),
    ],
)
def test_ntsc_trims_equal_the_full_re_encode(ffmpeg_exe, tmp_path, ntsc, name, source, fps, clips, copied_runs):
    plan = check_against_full(ffmpeg_exe, tmp_path, ntsc, clips, fps=fps)
    assert plan.fps == _rate(ntsc[source])  # 30000/1001 exactly, not 2997/100
    assert sum(1 for r in plan.runs if r.copy) == copied_runs, plan.runs
    # Both exports run at the source's exact rate.
    assert _rate(tmp_path / "smart.mp4") == _rate(tmp_path / "full.mp4") == plan.fps


def test_a_title_at_29_97(ffmpeg_exe, tmp_path, ntsc):
    plan = check_against_full(
        ffmpeg_exe, tmp_path, ntsc, [("ntsc30", 0.0, 7.96)], [("Urban Dreams", 3.1, 5.1)], fps=29.97
    )
    encoded = [(r.out_start, r.count) for r in plan.runs if not r.copy]
    assert encoded == [(90, 90)]  # the GOPs of frames 90-119, 120-149, 150-179 (3.0 s to 6.0 s)
