"""Probing: what the engine reports about an upload, and refusing files that are not media."""

from __future__ import annotations

import subprocess

import pytest

from tui.engine.media import MediaError
from tui.engine.media.ffmpeg import ffmpeg_exe
from tui.engine.media.probe import probe


def test_video_with_sound(make_video):
    info = probe(make_video(seconds=2, width=640, height=360, fps=25))
    assert info.kind == "video"
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert (info.width, info.height, info.fps) == (640, 360, 25.0)
    assert (info.vcodec, info.acodec) == ("h264", "aac")
    assert info.has_video and info.has_audio


def test_video_without_sound(make_video):
    info = probe(make_video(seconds=1, width=320, height=240, fps=30, audio=False))
    assert info.kind == "video"
    assert (info.width, info.height, info.fps) == (320, 240, 30.0)
    assert info.has_video and not info.has_audio and info.acodec is None


def test_audio_file(make_audio):
    info = probe(make_audio(seconds=3, ext="mp3"))
    assert info.kind == "audio"
    assert info.duration_s == pytest.approx(3.0, abs=0.1)
    assert info.acodec == "mp3" and info.has_audio
    assert not info.has_video and info.width is None and info.height is None


def test_still_image(tmp_path, ffmpeg_exe):
    image = tmp_path / "poster.png"
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=200x100", "-frames:v", "1", str(image)],
        check=True,
    )
    info = probe(image)
    assert info.kind == "image"
    assert (info.width, info.height) == (200, 100)
    assert info.duration_s == 0.0 and not info.has_audio


def test_phone_video_rotated_reports_its_displayed_size(tmp_path, make_video, ffmpeg_exe):
    rotated = tmp_path / "portrait.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-display_rotation",
            "90",
            "-i",
            str(make_video(seconds=1, width=640, height=360)),
            "-c",
            "copy",
            str(rotated),
        ],
        check=True,
    )
    info = probe(rotated)
    assert (info.width, info.height) == (360, 640)


@pytest.mark.parametrize("name", ["holiday.mp4", "song.mp3", "cover.png", "clip.webm"])
def test_a_text_file_with_a_media_name_is_refused(tmp_path, name):
    fake = tmp_path / name
    fake.write_text("this is a shopping list, not a video\n" * 30)
    with pytest.raises(MediaError, match=rf"{name} is not a playable video or audio file"):
        probe(fake)


def test_a_truncated_download_is_refused(tmp_path, make_video):
    data = make_video(seconds=2, width=640, height=360).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])  # the index (moov) is at the end: it is gone
    with pytest.raises(MediaError, match="cut.mp4 is not a playable video or audio file"):
        probe(cut)


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="not a playable"):
        probe(empty)
    with pytest.raises(MediaError, match="gone.mp4 does not exist"):
        probe(tmp_path / "gone.mp4")


def test_ffmpeg_missing_is_a_clear_error_and_probing_does_not_need_it(monkeypatch, tmp_path, make_video, copy_media):
    fresh = copy_media(make_video(seconds=1, width=320, height=240), "fresh.mp4")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(MediaError, match="ffmpeg was not found"):
        ffmpeg_exe()
    assert probe(fresh).width == 320  # PyAV carries FFmpeg's libraries: no binary is run


def test_media_modules_import_no_ui_or_web_framework():
    import sys

    code = (
        "import sys\nimport tui.engine.media.probe, tui.engine.media.ingest, tui.engine.media.render\n"
        "print(sorted(m for m in ('textual', 'starlette', 'yt_dlp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # yt-dlp is loaded only when a link is downloaded
