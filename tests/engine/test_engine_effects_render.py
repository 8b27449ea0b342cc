"""The agent's new operations on real renders: what a user types -> the draft -> ffmpeg ->
the file, measured (duration after a speed change, fade levels, clip order by colour, title
position by frame region, aspect, file size under the target). Small media (≤ 320x180)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tui.engine import agent
from tui.engine import draft as d
from tui.engine.intents import parse
from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft

W, H = 320, 180


@pytest.fixture(scope="module")
def clips(tmp_path_factory, ffmpeg_exe):
    """Two 2 s clips: red with a 440 Hz tone, blue with a 660 Hz tone; a 4 s noisy clip; music."""
    folder = tmp_path_factory.mktemp("fx")

    def make(name: str, src: str, seconds: float, freq: int) -> Path:
        out = folder / name
        subprocess.run(
            [
                ffmpeg_exe,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"{src}:s={W}x{H}:r=25:d={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={freq}:sample_rate=44100:duration={seconds}",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-shortest",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        return out

    red = make("red.mp4", "color=c=red", 2, 440)
    blue = make("blue.mp4", "color=c=blue", 2, 660)
    noise = folder / "noise.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s={W}x{H}:r=25:d=4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=500:sample_rate=44100:duration=4",
            "-vf",
            "noise=alls=100:allf=t",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "10",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(noise),
        ],
        check=True,
        capture_output=True,
    )
    music = folder / "music.wav"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=44100:duration=8",
            str(music),
        ],
        check=True,
        capture_output=True,
    )
    return {"red": red, "blue": blue, "noise": noise, "music": music}


def _infos(paths: dict[str, Path]) -> dict[str, dict]:
    out = {}
    for key, path in paths.items():
        info = probe(path)
        out[key] = {
            "kind": info.kind,
            "duration_ms": int(info.duration_s * 1000),
            "width": info.width,
            "height": info.height,
            "fps": info.fps,
            "name": path.name,
        }
    return out


def _edit(draft: dict, infos: dict, text: str, uploads: list[dict] | None = None) -> dict:
    p = agent.plan(parse(text), draft, uploads or [])
    assert p.calls and not p.notes, (text, p)
    for call in p.calls:
        draft, _ = agent.apply_call(draft, infos, call)
    return draft


def _render(draft: dict, clips: dict, out: Path) -> Path:
    render_draft(draft, {k: v for k, v in clips.items()}, out)
    return out


def _rgb(ffmpeg_exe: str, path: Path, t: float, w: int = 32, h: int = 18) -> bytes:
    out = subprocess.run(
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
            "-vf",
            f"scale={w}:{h}",
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert len(out) == w * h * 3
    return out


def _mean(px: bytes, channel: int) -> float:
    return sum(px[channel::3]) / (len(px) / 3)


def _peak_db(ffmpeg_exe: str, path: Path, start: float, dur: float) -> float:
    err = subprocess.run(
        [
            ffmpeg_exe,
            "-hide_banner",
            "-ss",
            str(start),
            "-t",
            str(dur),
            "-i",
            str(path),
            "-vn",
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    m = re.search(r"max_volume: (-?[\d.]+|-inf) dB", err)
    assert m, err[-400:]
    return -91.0 if m.group(1) == "-inf" else float(m.group(1))


def _build(infos: dict, *keys: str) -> dict:
    draft = d.new_draft()
    for k in keys:
        draft, _ = d.add_media(draft, k, infos)
    return draft


def test_speed_changes_the_length_and_keeps_the_sound(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    draft = _edit(_build(infos, "red", "blue"), infos, "speed it up 2x")
    assert draft["d"] == 2000
    out = _render(draft, clips, tmp_path / "fast.mp4")
    assert abs(probe(out).duration_s - 2.0) < 0.15
    assert _peak_db(ffmpeg_exe, out, 0.2, 0.6) > -20  # the tone is still there, not silence
    slow = _edit(_build(infos, "red"), infos, "slow motion")
    out = _render(slow, clips, tmp_path / "slow.mp4")
    assert abs(probe(out).duration_s - 4.0) < 0.15


def test_fades_start_and_end_dark_and_quiet(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    draft = _edit(_build(infos, "red", "blue"), infos, "fade in and out")
    out = _render(draft, clips, tmp_path / "fade.mp4")
    first, middle, last = (_rgb(ffmpeg_exe, out, t) for t in (0.0, 1.5, 3.94))
    assert _mean(first, 0) < 40 and _mean(middle, 0) > 150 and _mean(last, 2) < 60
    assert _peak_db(ffmpeg_exe, out, 0.0, 0.05) < _peak_db(ffmpeg_exe, out, 1.2, 0.3) - 12
    assert _peak_db(ffmpeg_exe, out, 3.95, 0.05) < _peak_db(ffmpeg_exe, out, 2.5, 0.3) - 12


def test_the_music_fades_out(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    uploads = [{"upload_id": "music", "filename": "music.wav", "file_type": "audio"}]
    draft = _edit(_build(infos, "red", "blue"), infos, "add music and mute the video", uploads)
    draft = _edit(draft, infos, "fade the music out over 2 seconds")
    out = _render(draft, clips, tmp_path / "musicfade.mp4")
    assert _peak_db(ffmpeg_exe, out, 3.9, 0.1) < _peak_db(ffmpeg_exe, out, 1.0, 0.3) - 12


def test_clip_order_by_colour(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    draft = _edit(_build(infos, "red", "blue"), infos, "put the second clip first")
    out = _render(draft, clips, tmp_path / "order.mp4")
    start, end = _rgb(ffmpeg_exe, out, 0.5), _rgb(ffmpeg_exe, out, 3.0)
    assert _mean(start, 2) > 150 and _mean(start, 0) < 60  # blue first
    assert _mean(end, 0) > 150 and _mean(end, 2) < 60  # then red


def test_title_at_the_bottom_is_drawn_in_the_bottom_band(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    draft = _edit(_build(infos, "blue"), infos, "add the title 'Don't Stop' at the bottom")
    assert [s for t in d.tracks_of(draft, d.TEXT) for s in t["sg"]][0]["text"] == "Don't Stop"
    out = _render(draft, clips, tmp_path / "title.mp4")
    px = _rgb(ffmpeg_exe, out, 1.0, 160, 90)
    # the background is pure blue: the white letters are the pixels with red in them
    lit = [sum(1 for i in range(r * 160 * 3, (r + 1) * 160 * 3, 3) if px[i] > 120) for r in range(90)]
    assert sum(lit[60:]) > 20 and sum(lit[:45]) == 0, lit


def test_aspect_4_5_crop_fills_the_frame(clips, tmp_path, ffmpeg_exe):
    infos = _infos(clips)
    draft = _edit(_build(infos, "red"), infos, "crop it to 4:5")
    out = _render(draft, clips, tmp_path / "45.mp4")
    info = probe(out)
    assert abs(info.width / info.height - 0.8) < 0.02
    px = _rgb(ffmpeg_exe, out, 1.0)
    assert min(px[0::3]) > 150  # red to the edges: cropped, no black bars


def test_file_size_under_the_target(clips, tmp_path):
    infos = _infos(clips)
    plain = _render(_edit(_build(infos, "noise"), infos, "720p"), clips, tmp_path / "plain.mp4")
    draft = _edit(_build(infos, "noise"), infos, "make it under 0.4 MB")
    out = _render(draft, clips, tmp_path / "small.mp4")
    assert plain.stat().st_size > 400_000  # without the cap it would not fit
    assert out.stat().st_size <= 400_000
