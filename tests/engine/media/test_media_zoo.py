"""The media zoo (media_zoo.py): each file as people have it is probed right, and exports with a
title keep its shape and its sound timing, as H.264/AAC yuv420p that decodes without errors."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.engine.media.media_zoo import specimens
from tui.engine.media.ffmpeg import FONT_PATH
from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft

NAMES = [s.name for s in specimens(FONT_PATH, Path(tempfile.gettempdir()))]


def beep_start(ffmpeg_exe: str, path) -> float | None:
    """When the first beep starts: the end of the first silence (silencedetect, -30 dB), on the
    file's own clock (a sound stream that starts late begins its silence late). None: no beep."""
    out = subprocess.run(
        [
            ffmpeg_exe,
            "-hide_banner",
            "-i",
            str(path),
            "-vn",
            "-af",
            "silencedetect=noise=-30dB:duration=0.05",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", out)]
    return ends[0] if ends else None


@pytest.mark.parametrize("name", NAMES)
def test_probe_reports_what_the_generator_put_in(zoo, name):
    spec, path = zoo[name]
    info = probe(path)
    assert info.kind == spec.kind
    if spec.display is not None:
        assert (info.width, info.height) == spec.display
    else:
        assert info.width is None and not info.has_video
    assert info.duration_s == pytest.approx(spec.duration, abs=0.1)
    assert info.has_audio == spec.audio
    assert info.av_offset_s == pytest.approx(spec.av_offset, abs=0.04)
    for key, value in spec.extra.items():
        assert getattr(info, key) == value, key


@pytest.mark.parametrize("name", NAMES)
def test_export_with_a_title_keeps_shape_sound_timing_and_plays(
    zoo, name, tmp_path, ffmpeg_exe, gray_frame, frame_diff
):
    spec, path = zoo[name]
    seg = {"id": "seg_1", "name": name, "src": "upl_z", "s": 0, "in": 0, "d": int(round((spec.duration or 2.0) * 1000))}
    meta = {"resolution": "highest"} if spec.display else {"width": 320, "height": 180}
    draft = {
        "t": [
            {"id": "trk_v", "tt": 0, "sg": [seg]},
            {"id": "trk_t", "tt": 7, "sg": [{"id": "seg_t", "text": "Zoo day", "s": 0, "d": 1000}]},
        ],
        "m": meta,
    }
    result = render_draft(draft, {"upl_z": path}, tmp_path / "out.mp4")
    out = probe(result.path)
    assert (out.vcodec, out.acodec, out.pix_fmt, out.vprofile, out.aprofile) == ("h264", "aac", "yuv420p", "High", "LC")
    assert out.color_range == "tv" and out.bit_depth == 8 and out.sar == (1, 1)
    assert out.width % 2 == 0 and out.height % 2 == 0
    if spec.display:
        assert out.width / out.height == pytest.approx(spec.display[0] / spec.display[1], rel=0.01)
    assert out.duration_s == pytest.approx(spec.duration or 2.0, abs=0.1)
    assert result.summary.startswith(f"H.264/AAC MP4 · {out.width}x{out.height} · 0:0")
    if spec.beep_at is not None:
        assert beep_start(ffmpeg_exe, result.path) == pytest.approx(spec.beep_at, abs=0.04)
    if spec.av_offset < 0:  # the picture starts late: its first frame waits, it is not pulled early
        still = frame_diff(gray_frame(result.path, 0.1), gray_frame(result.path, -spec.av_offset - 0.1))
        moving = frame_diff(
            gray_frame(result.path, -spec.av_offset + 0.2), gray_frame(result.path, -spec.av_offset + 0.6)
        )
        assert still < 1.0 < moving
    if spec.extra.get("orientation") == 6:  # stored with blue on the left: upright, blue is on top
        gray = gray_frame(result.path, 1.5)
        top, bottom = sum(gray[: 160 * 40]) / (160 * 40), sum(gray[160 * 50 :]) / (160 * 40)
        assert top + 15 < bottom
    decoded = subprocess.run(
        [ffmpeg_exe, "-v", "error", "-i", str(result.path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert decoded.returncode == 0 and decoded.stderr == ""
    hdr = spec.extra.get("color_transfer") == "smpte2084"
    assert any("HDR" in n for n in result.notes) == hdr
    assert any("10-bit" in n for n in result.notes) == (spec.extra.get("bit_depth") == 10 and not hdr)


def beep_starts(ffmpeg_exe: str, path) -> list[float]:
    """Where every sound louder than -30 dB starts (silencedetect's silence ends)."""
    out = subprocess.run(
        [
            ffmpeg_exe,
            "-hide_banner",
            "-i",
            str(path),
            "-vn",
            "-af",
            "silencedetect=noise=-30dB:duration=0.05",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", out)]
    total = float(re.findall(r"time=(\d+):(\d+):([\d.]+)", out)[-1][2]) if "time=" in out else None
    return [e for e in ends if total is None or e < total - 0.05]


def test_offsets_survive_trims_concat_titles_and_music(zoo, tmp_path, ffmpeg_exe, gray_frame, frame_diff):
    sources = {"upl_al": zoo["audio-late.mp4"][1], "upl_vl": zoo["video-late.mp4"][1], "upl_m": zoo["sound.m4a"][1]}
    draft = {
        "t": [
            {
                "id": "trk_v",
                "tt": 0,
                "sg": [
                    {"id": "s1", "src": "upl_al", "s": 0, "d": 2000, "in": 500},  # sound 1.0 s late, trimmed by 0.5 s
                    {"id": "s2", "src": "upl_vl", "s": 2000, "d": 2500, "in": 0},
                ],
            },  # picture 0.5 s late
            {"id": "trk_a", "tt": 1, "sg": [{"id": "m1", "src": "upl_m", "s": 3500, "d": 1000, "in": 0, "vol": 100}]},
            {"id": "trk_t", "tt": 7, "sg": [{"id": "t1", "text": "Offsets", "s": 500, "d": 3000}]},
        ],
        "m": {"width": 320, "height": 240, "fps": 25},
    }
    result = render_draft(draft, sources, tmp_path / "joined.mp4")
    assert probe(result.path).duration_s == pytest.approx(4.5, abs=0.1)
    # beeps: clip 1 at 1.5 - 0.5 = 1.0; clip 2 at 2.0 + 0.5 = 2.5; the music's at 3.5 + 0.5 = 4.0
    assert beep_starts(ffmpeg_exe, result.path) == [pytest.approx(t, abs=0.04) for t in (1.0, 2.5, 4.0)]
    # clip 2's picture waits 0.5 s on its first frame, then moves
    assert frame_diff(gray_frame(result.path, 2.1), gray_frame(result.path, 2.4)) < 1.0
    assert frame_diff(gray_frame(result.path, 2.7), gray_frame(result.path, 3.1)) > 1.0


# H.264 (High/Main/Constrained Baseline) yuv420p 8-bit tv range, square, upright, even, AAC-LC:
COPIED = {"h264.ts", "subtitled.mkv", "audio-late.mp4", "video-late.mp4", "vfr.mp4"}


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith(("photo", "logo", "sound"))])
def test_untouched_clips_are_copied_only_when_they_already_play_everywhere(zoo, name, tmp_path, ffmpeg_exe):
    spec, path = zoo[name]
    draft = {
        "t": [
            {
                "id": "trk_v",
                "tt": 0,
                "sg": [{"id": "s", "src": "upl_z", "s": 0, "in": 0, "d": int(round(spec.duration * 1000))}],
            }
        ],
        "m": {"resolution": "highest"},
    }
    result = render_draft(draft, {"upl_z": path}, tmp_path / "out.mp4")
    out = probe(result.path)
    assert (out.vcodec, out.acodec, out.pix_fmt, out.color_range != "pc") == ("h264", "aac", "yuv420p", True)
    assert result.remuxed == (name in COPIED)
    if spec.display[0] % 2 == 0:
        assert (out.width, out.height) == spec.display
    assert beep_start(ffmpeg_exe, result.path) == pytest.approx(spec.beep_at, abs=0.04)
