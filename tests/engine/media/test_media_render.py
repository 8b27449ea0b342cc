"""Rendering drafts: trims, concatenation, titles, music, mute, aspect, fast path, cancel, failures."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tui.engine.media import RenderCancelled, RenderError
from tui.engine.media import ffmpeg as media_ffmpeg
from tui.engine.media.probe import probe
from tui.engine.media.render import build_render_command, render_draft

TRICKY_TITLE = 'It\'s 100%: "a,b" [c]; d\\e'


def video_track(*segments):
    return {"id": "trk_v1", "tt": 0, "name": "Video", "sg": list(segments)}


def seg(src, s, d, inp=0, vol=100, name=None):
    return {"id": f"seg_{src}_{s}", "name": name or f"{src}.mp4", "src": src, "s": s, "d": d, "in": inp, "vol": vol}


def meta(width=1280, height=720, fps=30, resolution="720p", aspect="16:9", mute=False):
    return {
        "title": "test",
        "width": width,
        "height": height,
        "fps": fps,
        "aspect": aspect,
        "resolution": resolution,
        "mute": mute,
    }


@pytest.fixture
def two_clips(make_video, make_audio):
    return {
        "upl_city": make_video(seconds=3, width=640, height=360, fps=25),
        "upl_beach": make_video(seconds=3, width=1280, height=720, fps=30),
        "upl_music": make_audio(seconds=3, ext="mp3", frequency=330),
    }


def timeline(title: str | None, mute=False, music_start=500):
    tracks = [
        video_track(seg("upl_city", 0, 1200, inp=500), seg("upl_beach", 1200, 1500, inp=1000, vol=50)),
        {
            "id": "trk_a1",
            "tt": 1,
            "name": "BGM",
            "sg": [
                {"id": "seg_m", "name": "lofi.mp3", "src": "upl_music", "s": music_start, "d": 3000, "in": 0, "vol": 35}
            ],
        },
    ]
    if title is not None:
        tracks.append(
            {
                "id": "trk_t1",
                "tt": 7,
                "name": "Title",
                "sg": [{"id": "seg_t", "name": "Title", "text": title, "s": 0, "d": 1000}],
            }
        )
    return {"t": tracks, "d": 2700, "m": meta(mute=mute)}


def test_two_trimmed_clips_with_a_title_and_music(tmp_path, two_clips, gray_frame, frame_diff):
    seen: list[float] = []
    result = render_draft(timeline(TRICKY_TITLE), two_clips, tmp_path / "out" / "final.mp4", progress=seen.append)
    assert result.path == tmp_path / "out" / "final.mp4" and not result.remuxed
    info = probe(result.path)
    assert info.duration_s == pytest.approx(2.7, abs=0.1)
    assert result.duration_s == pytest.approx(2.7, abs=0.1)
    assert (info.width, info.height, info.fps) == (1280, 720, 30.0)
    assert (info.vcodec, info.acodec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert seen and seen[-1] == 100.0 and seen == sorted(seen)
    assert sorted(os.listdir(result.path.parent)) == ["final.mp4"]  # no temporary file left

    plain = render_draft(timeline(None), two_clips, tmp_path / "plain.mp4")

    # The title is drawn across the middle of the picture during its time range (0-1 s) only.
    def middle_band(path, t):
        return gray_frame(path, t)[160 * 38 : 160 * 52]

    assert frame_diff(middle_band(result.path, 0.5), middle_band(plain.path, 0.5)) > 8.0
    assert frame_diff(middle_band(result.path, 2.0), middle_band(plain.path, 2.0)) < 1.0


def test_mute_drops_the_clips_sound_but_the_music_plays(tmp_path, two_clips, max_volume):
    result = render_draft(timeline(None, mute=True, music_start=1500), two_clips, tmp_path / "m.mp4")
    assert max_volume(result.path, 0.1, 1.2) < -60  # clip sound muted, music not started yet
    assert max_volume(result.path, 1.7, 0.8) > -40  # the music (at 35 %)


def test_sources_without_sound_images_and_portrait_aspect(tmp_path, make_video, ffmpeg_exe, gray_frame):
    import subprocess

    poster = tmp_path / "poster.png"
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-f", "lavfi", "-i", "color=c=white:size=400x300", "-frames:v", "1", str(poster)],
        check=True,
    )
    sources = {"upl_silent": make_video(seconds=1, width=640, height=360, audio=False), "upl_img": poster}
    draft = {
        "t": [video_track(seg("upl_silent", 0, 1000), seg("upl_img", 1000, 1000, name="poster.png"))],
        "d": 2000,
        "m": meta(width=None, height=None, resolution="highest", aspect="9:16"),
    }
    result = render_draft(draft, sources, tmp_path / "story.mp4")
    info = probe(result.path)
    assert (info.width, info.height) == (360, 640)  # the source's short side, portrait canvas
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    assert info.has_audio  # silence, so players and later edits see a normal audio track
    frame = gray_frame(result.path, 1.5)  # the white still, letterboxed in black
    top, middle = frame[: 160 * 10], frame[160 * 40 : 160 * 50]
    assert max(top) < 40 and min(middle) > 200


def test_fast_path_remuxes_an_untouched_clip(tmp_path, make_video, ffmpeg_exe):
    import subprocess

    source = make_video(seconds=3, width=640, height=360, fps=25)
    draft = {
        "t": [video_track(seg("upl_a", 0, 3000))],
        "d": 3000,
        "m": meta(width=1920, height=1080, resolution="highest", aspect=None),
    }
    started = time.perf_counter()
    fast = render_draft(draft, {"upl_a": source}, tmp_path / "fast.mp4")
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    slow = render_draft(draft, {"upl_a": source}, tmp_path / "slow.mp4", allow_remux=False)
    slow_s = time.perf_counter() - started

    assert fast.remuxed and not slow.remuxed
    src, out = probe(source), probe(fast.path)
    assert (out.vcodec, out.acodec, out.width, out.height) == (src.vcodec, src.acodec, src.width, src.height)
    assert out.duration_s == pytest.approx(src.duration_s, abs=0.05)

    def stream_md5(path: Path, stream: str) -> str:
        return subprocess.run(
            [ffmpeg_exe, "-v", "error", "-i", str(path), "-map", stream, "-c", "copy", "-f", "md5", "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    assert stream_md5(fast.path, "0:v:0") == stream_md5(source, "0:v:0")  # the very same pictures
    assert stream_md5(fast.path, "0:a:0") == stream_md5(source, "0:a:0")
    assert fast_s < slow_s


@pytest.mark.parametrize("change", ["trim", "title", "volume", "size", "mute", "aspect"])
def test_any_edit_means_a_real_render(make_video, tmp_path, change):
    source = make_video(seconds=3, width=640, height=360, fps=25)
    segment = seg("upl_a", 0, 3000)
    draft = {"t": [video_track(segment)], "d": 3000, "m": meta(resolution="highest", aspect=None)}
    if change == "trim":
        segment["in"], segment["d"] = 1000, 2000
    elif change == "title":
        draft["t"].append({"tt": 7, "sg": [{"text": "Hi", "s": 0, "d": 1000}]})
    elif change == "volume":
        segment["vol"] = 40
    elif change == "size":
        draft["m"] = meta(width=1280, height=720, resolution="720p")
    elif change == "mute":
        draft["m"]["mute"] = True
    elif change == "aspect":
        draft["m"]["aspect"] = "1:1"
    untouched = {"t": [video_track(seg("upl_a", 0, 3000))], "d": 3000, "m": meta(resolution="highest", aspect=None)}
    assert "copy" in build_render_command(untouched, {"upl_a": source}, tmp_path / "o.mp4")
    command = build_render_command(draft, {"upl_a": source}, tmp_path / "o.mp4")
    assert "libx264" in command and "copy" not in command


def test_cancel_mid_render_removes_the_partial_file(tmp_path, make_video):
    source = make_video(seconds=3, width=1280, height=720, fps=30)
    draft = {
        "t": [video_track(*(seg("upl_a", i * 3000, 3000) for i in range(8)))],
        "d": 24000,
        "m": meta(width=1280, height=720, resolution="720p"),
    }
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(percent: float) -> None:
        seen.append(percent)
        cancel.set()

    started = time.perf_counter()
    with pytest.raises(RenderCancelled):
        render_draft(draft, {"upl_a": source}, tmp_path / "out.mp4", progress=on_progress, cancel=cancel)
    assert time.perf_counter() - started < 15
    assert seen and seen[0] < 100
    assert os.listdir(tmp_path) == []


def test_a_corrupt_source_is_a_clear_error(tmp_path, make_video):
    broken = tmp_path / "broken.mp4"
    broken.write_text("not really a video")
    draft = {"t": [video_track(seg("upl_a", 0, 1000, name="broken.mp4"))], "d": 1000, "m": meta()}
    with pytest.raises(RenderError, match="broken.mp4 is not a playable video or audio file"):
        render_draft(draft, {"upl_a": broken}, tmp_path / "out.mp4")
    with pytest.raises(RenderError, match="not available: missing.mp4"):
        render_draft(
            {"t": [video_track(seg("upl_x", 0, 1000, name="missing.mp4"))], "m": meta()}, {}, tmp_path / "out.mp4"
        )
    with pytest.raises(RenderError, match="nothing to render"):
        render_draft({"t": [], "d": 0, "m": meta()}, {}, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_ffmpeg_missing_is_a_clear_error(monkeypatch, tmp_path, make_video):
    source = make_video(seconds=1, width=320, height=240)
    probe(source)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))
    draft = {"t": [video_track(seg("upl_a", 0, 500))], "d": 500, "m": meta()}
    with pytest.raises(RenderError, match="ffmpeg was not found"):
        render_draft(draft, {"upl_a": source}, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_ffmpeg_failing_reports_its_last_lines(monkeypatch, tmp_path, make_video):
    source = make_video(seconds=1, width=320, height=240)
    probe(source)  # probed with the real ffmpeg; the render then meets a broken one
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Conversion failed: the encoder exploded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(media_ffmpeg, "ffmpeg_exe", lambda: str(fake))
    draft = {"t": [video_track(seg("upl_a", 0, 500))], "d": 500, "m": meta()}
    with pytest.raises(RenderError, match="the encoder exploded"):
        render_draft(draft, {"upl_a": source}, tmp_path / "renders" / "out.mp4")
    assert os.listdir(tmp_path / "renders") == []


def test_segments_reaching_past_their_source_keep_the_timeline_length(tmp_path, make_video, make_audio):
    sources = {"upl_a": make_video(seconds=2, width=320, height=180), "upl_m": make_audio(seconds=3)}
    draft = {
        "t": [
            video_track(
                seg("upl_a", 0, 1000, inp=5000),  # in-point past the end
                seg("upl_a", 1000, 2500, inp=1000),  # runs 1.5 s past the end
                seg("upl_m", 3500, 1000, name="voice.mp3"),
            )
        ],  # a sound on the video track
        "d": 4500,
        "m": meta(width=320, height=180, resolution="180p"),
    }
    info = probe(render_draft(draft, sources, tmp_path / "long.mp4").path)
    assert info.duration_s == pytest.approx(4.5, abs=0.1)
    assert (info.width, info.height) == (320, 180)
