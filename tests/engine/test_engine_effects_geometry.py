"""The agent's effects on top of the media layer's geometry and timing (the h-agent x h-media
merge): crop-to-fill works on the DISPLAY picture (non-square pixels squared first), and a
speed change scales a late picture's offset instead of dropping it. Small media (≤ 320x180)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tui.engine import draft as d
from tui.engine import draft_edits, draft_ops
from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft


def _info(path: Path) -> dict:
    info = probe(path)
    return {
        "kind": info.kind,
        "duration_ms": int(info.duration_s * 1000),
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "name": path.name,
    }


def _columns(ffmpeg_exe: str, path: Path, t: float, width: int, height: int) -> list[tuple[int, int, int]]:
    """The mean colour of each pixel column of the frame at t (the middle row band)."""
    raw = subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-ss",
            str(t),
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert len(raw) == width * height * 3
    row = height // 2
    line = raw[row * width * 3 : (row + 1) * width * 3]
    return [(line[i], line[i + 1], line[i + 2]) for i in range(0, len(line), 3)]


@pytest.fixture(scope="module")
def anamorphic(tmp_path_factory, ffmpeg_exe) -> Path:
    """Stored 160x180 with SAR 2:1 (displayed 320x180): red | green | blue bands of 25/50/25 %
    of the DISPLAY width."""
    out = tmp_path_factory.mktemp("geo") / "anamorphic.mp4"
    bands = (
        "color=c=red:s=40x180:r=25:d=2[r];color=c=lime:s=80x180:r=25:d=2[g];"
        "color=c=blue:s=40x180:r=25:d=2[b];[r][g][b]hstack=inputs=3,setsar=2/1"
    )
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-filter_complex",
            bands,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def late_picture(tmp_path_factory, ffmpeg_exe) -> Path:
    """3.5 s of sound from 0; the picture starts 0.5 s late: red for its first second, then blue
    (blue from 1.5 s on the file's clock)."""
    folder = tmp_path_factory.mktemp("late")
    pic = folder / "pic.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-filter_complex",
            "color=c=red:s=320x180:r=25:d=1[a];color=c=blue:s=320x180:r=25:d=2[b];[a][b]concat=n=2:v=1:a=0",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(pic),
        ],
        check=True,
        capture_output=True,
    )
    out = folder / "late.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-itsoffset",
            "0.5",
            "-i",
            str(pic),
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=3.5",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "copy",
            "-c:a",
            "aac",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_crop_to_fill_crops_the_display_picture_of_a_non_square_pixel_source(anamorphic, tmp_path, ffmpeg_exe):
    infos = {"ana": _info(anamorphic)}
    assert (infos["ana"]["width"], infos["ana"]["height"]) == (320, 180)
    draft, _ = d.add_media(d.new_draft(), "ana", infos)
    draft, _ = draft_edits.set_aspect(draft, infos, aspect="1:1", fit="crop")
    out = tmp_path / "square.mp4"
    result = render_draft(draft, {"ana": anamorphic}, out)
    assert (result.width, result.height) == (180, 180)
    cols = _columns(ffmpeg_exe, out, 1.0, 180, 180)
    assert all(max(c) > 100 for c in cols[:3] + cols[-3:])  # filled to the edges: no black bars
    green = sum(1 for r, g, b in cols if g > 150 and r < 100 and b < 100)
    # the middle 180 of 320 display columns: 160 green (89 %); with the stored 160 columns
    # taken as square pixels the bands would be 25/50/25 % of the crop instead
    assert green / 180 > 0.8


def test_padding_stays_the_default_fit(anamorphic, tmp_path, ffmpeg_exe):
    infos = {"ana": _info(anamorphic)}
    draft, _ = d.add_media(d.new_draft(), "ana", infos)
    draft, _ = draft_edits.set_aspect(draft, infos, aspect="1:1")
    out = tmp_path / "padded.mp4"
    render_draft(draft, {"ana": anamorphic}, out)
    cols = _columns(ffmpeg_exe, out, 1.0, 180, 180)
    assert max(cols[90]) > 100  # the picture in the middle
    top = subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-ss",
            "1",
            "-i",
            str(out),
            "-frames:v",
            "1",
            "-vf",
            "crop=180:20:0:0",
            "-pix_fmt",
            "gray",
            "-f",
            "rawvideo",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert max(top) < 40  # black bars above (320x180 fitted into 180x180 is 180x102)


def test_speed_scales_a_late_pictures_offset(late_picture, tmp_path, ffmpeg_exe):
    infos = {"late": _info(late_picture)}
    draft, _ = d.add_media(d.new_draft(), "late", infos)
    draft, _ = draft_ops.set_speed(draft, infos, factor=2.0)
    out = tmp_path / "fast.mp4"
    result = render_draft(draft, {"late": late_picture}, out)
    assert abs(result.duration_s - infos["late"]["duration_ms"] / 2000) < 0.15
    # blue starts at 1.5 s of the source: 0.75 s of the output at 2x. Rebasing the picture on
    # its own first frame would bring it forward to 0.5 s (and out of step with the sound).
    before, after = (_columns(ffmpeg_exe, out, t, 320, 180)[160] for t in (0.6, 0.95))
    assert before[0] > 150 and before[2] < 100, before
    assert after[2] > 150 and after[0] < 100, after
