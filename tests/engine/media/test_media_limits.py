"""Bounded work: lengths come from real media, and the render and picture caps hold (issue 13, 3)."""

from __future__ import annotations

import os
import struct
import subprocess

import pytest

from tui.engine.media import MediaError, RenderError
from tui.engine.media.errors import IngestError
from tui.engine.media.ingest_formats import Offer, verify
from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft

THOUSAND_HOURS_MS = 1000 * 3600 * 1000


@pytest.fixture(scope="module")
def lying_mkv(tmp_path_factory, ffmpeg_exe):
    """A 2 s MKV of a few dozen KB whose header claims 1,000 hours."""
    path = tmp_path_factory.mktemp("lie") / "lie.mkv"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=10:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            str(path),
        ],
        check=True,
    )
    data = bytearray(path.read_bytes())
    at = data.index(b"\x44\x89\x88")  # Segment Info > Duration (EBML ID 0x4489), an 8-byte float in ms
    data[at + 3 : at + 11] = struct.pack(">d", float(THOUSAND_HOURS_MS))
    path.write_bytes(bytes(data))
    assert path.stat().st_size < 100_000
    return path


def test_a_header_that_claims_1000_hours_is_not_believed(lying_mkv, ffmpeg_exe):
    header = subprocess.run(
        [ffmpeg_exe, "-hide_banner", "-i", str(lying_mkv)], capture_output=True, text=True, check=False
    ).stderr
    assert "Duration: 1000:00:00" in header  # the control: ffmpeg itself believes it
    info = probe(lying_mkv)
    assert info.declared_duration_s == pytest.approx(3_600_000, rel=1e-6)
    assert info.duration_s == pytest.approx(2.0, abs=0.15)


def test_a_render_of_it_is_bounded_by_the_real_media(lying_mkv, tmp_path):
    draft = {
        "t": [{"tt": 0, "sg": [{"src": "upl_lie", "s": 0, "d": THOUSAND_HOURS_MS}]}],
        "m": {"width": 160, "height": 120, "fps": 10},
    }
    result = render_draft(draft, {"upl_lie": lying_mkv}, tmp_path / "out.mp4")
    assert 2.0 <= probe(result.path).duration_s <= 12.5  # 2 s of media, the last frame held 10 s at most


def test_a_huge_picture_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    big = tmp_path / "huge.png"
    Image.new("1", (16000, 16000)).save(big)  # 1 bit per pixel: small in memory and on disk
    assert big.stat().st_size < 2_000_000
    with pytest.raises(MediaError, match=r"huge.png is a 16000x16000 picture.*NEMO_MAX_IMAGE_PIXELS"):
        probe(big)
    draft = {"t": [{"tt": 0, "sg": [{"src": "upl_big", "s": 0, "d": 2000}]}], "m": {"resolution": "highest"}}
    with pytest.raises(RenderError, match="16000x16000"):
        render_draft(draft, {"upl_big": big}, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_the_picture_limit_is_a_setting(tmp_path, ffmpeg_exe, monkeypatch):
    small = tmp_path / "small.png"
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=200x100", "-frames:v", "1", str(small)],
        check=True,
    )
    assert probe(small).width == 200
    monkeypatch.setenv("NEMO_MAX_IMAGE_PIXELS", "10000")
    os.utime(small, ns=(1, 1))  # a new mtime: not answered from the probe cache
    with pytest.raises(MediaError, match="200x100 picture"):
        probe(small)


def test_no_media_at_8k_120fps_for_1000_hours_is_refused_at_once(tmp_path):
    title = {"tt": 7, "sg": [{"text": "long", "s": 0, "d": THOUSAND_HOURS_MS}]}
    draft = {"t": [title], "d": THOUSAND_HOURS_MS, "m": {"width": 8192, "height": 8192, "fps": 120}}
    with pytest.raises(RenderError, match="NEMO_MAX_RENDER_SECONDS"):
        render_draft(draft, {}, tmp_path / "out.mp4")
    short = {
        "t": [{"tt": 7, "sg": [{"text": "short", "s": 0, "d": 1000}]}],
        "d": 1000,
        "m": {"width": 8192, "height": 8192, "fps": 120},
    }
    with pytest.raises(RenderError, match="NEMO_MAX_RENDER_PIXEL_RATE"):
        render_draft(short, {}, tmp_path / "out.mp4")
    assert not list(tmp_path.iterdir())


def test_the_render_length_limit_is_a_setting(tmp_path, make_video, monkeypatch):
    clip = make_video(seconds=2, width=320, height=180)
    draft = {"t": [{"tt": 0, "sg": [{"src": "upl_a", "s": 0, "d": 2000}]}], "m": {"width": 320, "height": 180}}
    monkeypatch.setenv("NEMO_MAX_RENDER_SECONDS", "1.5")
    with pytest.raises(RenderError, match="NEMO_MAX_RENDER_SECONDS"):
        render_draft(draft, {"upl_a": clip}, tmp_path / "out.mp4")
    monkeypatch.setenv("NEMO_MAX_RENDER_SECONDS", "3")
    assert probe(render_draft(draft, {"upl_a": clip}, tmp_path / "out.mp4").path).duration_s == pytest.approx(
        2, abs=0.1
    )


def test_a_download_below_what_the_link_offers_is_not_kept(make_video):
    info = probe(make_video(seconds=1, width=640, height=360))
    offer = Offer(best_height=720, audio=True, audio_only=False, unsized=True, format_sort=["tbr"])
    with pytest.raises(IngestError, match="came out at 360p, but the link offers 720p"):
        verify(info, offer, None)
    verify(info, offer, 360)  # the user asked for 360p at most
    silent = probe(make_video(seconds=1, width=640, height=360, audio=False))
    with pytest.raises(IngestError, match="offers sound"):
        verify(silent, Offer(360, True, True, False, ["res"]), None)
