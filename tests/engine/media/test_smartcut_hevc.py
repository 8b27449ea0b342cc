"""Smart render of HEVC sources: GOPs copied as HEVC, edges re-encoded by libx265, each
stretch's VPS/SPS/PPS in-band ('hev1'). The full re-encode (the reference) makes H.264,
so pictures are compared decoded: same frame count and duration, copied frames bit for bit
the source's, re-encoded ones >= 40 dB, every frame near a cut >= 40 dB of the full
re-encode's, A/V within one AAC frame, clean `-xerror` decodes from 5 seek points
(test_smartcut.check_against_full)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import pytest

from tests.engine.media.test_smartcut import _encode, check_against_full
from tui.engine.media.smartcut import ClipSpan, Fallback, SmartRequest, plan_smart_render

X265 = "scenecut=0:log-level=error"


@pytest.fixture(scope="module")
def hevc(ffmpeg_exe, tmp_path_factory) -> dict[str, Path]:
    """320x240 25 fps HEVC Main/AAC, a keyframe every 25 frames, 2 B-frames: closed GOPs
    (IDR_N_LP keyframes) and open GOPs (one IDR, then CRA keyframes with RASL pictures)."""
    folder = tmp_path_factory.mktemp("smartcut-hevc")
    closed = _encode(ffmpeg_exe, folder / "hevc.mp4", "-x265-params", f"{X265}:open-gop=0", codec="libx265")
    opened = _encode(ffmpeg_exe, folder / "hevc_open.mp4", "-x265-params", f"{X265}:open-gop=1", codec="libx265")
    # IDR_W_RADL keyframes with 2 RADL pictures shown before each (decoded after it)
    radl = _encode(ffmpeg_exe, folder / "hevc_radl.mp4", "-x265-params", f"{X265}:open-gop=0:radl=2", codec="libx265")
    hvc1 = folder / "hevc_hvc1.mp4"  # Apple's sample entry: parameter sets out of band only
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-y", "-i", str(closed), "-c", "copy", "-tag:v", "hvc1", str(hvc1)],
        check=True,
        capture_output=True,
    )
    h264 = _encode(ffmpeg_exe, folder / "h264.mp4")
    return {"hevc": closed, "hevc_open": opened, "hevc_radl": radl, "hevc_hvc1": hvc1, "h264": h264}


def _tag(path: Path) -> str:
    with av.open(str(path)) as container:
        return str(container.streams.video[0].codec_tag)


@pytest.mark.parametrize(
    ("name", "clips", "copied_runs"),
    [
        ("at keyframes", [("hevc", 1.0, 4.0)], 1),
        ("between keyframes", [("hevc", 1.52, 4.2)], 1),
        ("an in-point between two frames", [("hevc", 1.535, 3.0)], 1),
        ("from the very start", [("hevc", 0.0, 3.1)], 1),
        ("to the very end", [("hevc", 5.32, 2.68)], 1),
        ("a middle range cut out", [("hevc", 0.0, 2.6), ("hevc", 5.2, 2.8)], 2),
        ("open GOPs (CRA), from the start", [("hevc_open", 0.0, 3.1)], 1),
        ("IDRs with leading RADL pictures", [("hevc_radl", 0.5, 6.0)], 1),
        ("an hvc1 source (written as hev1)", [("hevc_hvc1", 1.52, 4.2)], 1),
    ],
)
def test_hevc_trims_equal_the_full_re_encode(ffmpeg_exe, tmp_path, hevc, name, clips, copied_runs):
    plan = check_against_full(ffmpeg_exe, tmp_path, hevc, clips, hevc=True)
    assert sum(1 for r in plan.runs if r.copy) == copied_runs, plan.runs
    assert _tag(tmp_path / "smart.mp4") == "hev1"
    assert "hev1" in plan.note()


def test_a_title_over_two_seconds_of_hevc(ffmpeg_exe, tmp_path, hevc):
    plan = check_against_full(ffmpeg_exe, tmp_path, hevc, [("hevc", 0.0, 8.0)], [("Urban Dreams", 3.1, 5.1)], hevc=True)
    assert [(r.out_start, r.count) for r in plan.runs if not r.copy] == [(75, 75)]
    assert plan.note().startswith("smart render: 3 s of 8 re-encoded")


def test_an_open_gop_hevc_trim_past_its_only_idr_falls_back(ffmpeg_exe, tmp_path, hevc):
    """A copy may start only at an IDR: CRA keyframes (with RASL pictures) are not cut points."""
    plan = check_against_full(ffmpeg_exe, tmp_path, hevc, [("hevc_open", 1.52, 3.0)], expect_smart=False)
    assert "no whole GOP" in plan.reason or "no IDR" in plan.reason, plan.reason


def test_hevc_and_h264_clips_are_not_mixed(hevc):
    result = plan_smart_render(
        SmartRequest(
            clips=(ClipSpan(hevc["hevc"], 0.0, 2.0), ClipSpan(hevc["h264"], 0.0, 2.0)),
            width=320,
            height=240,
            fps=25,
            total_s=4.0,
        )
    )
    assert isinstance(result, Fallback) and "different codecs" in result.reason


def test_a_10_bit_hevc_source_is_declined(ffmpeg_exe, tmp_path):
    """Main 10 cannot be copied into the 8-bit export: the full re-encode runs, and says why."""
    src = tmp_path / "main10.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=2",
            "-c:v",
            "libx265",
            "-pix_fmt",
            "yuv420p10le",
            "-x265-params",
            "log-level=error",
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    result = plan_smart_render(
        SmartRequest(clips=(ClipSpan(src, 0.0, 2.0),), width=320, height=240, fps=25, total_s=2.0)
    )
    assert isinstance(result, Fallback) and "HEVC profile 2 (10-bit)" in result.reason, result
