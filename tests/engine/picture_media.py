"""Small media for the pictures tests, made by the bundled ffmpeg (issue 18), and how to read
a picture the way a user looks at it (its dominant colour, its shape)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50")


def _run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True, capture_output=True)


def red_blue(ffmpeg: str, folder: Path) -> Path:
    """5 s, 320x240, 25 fps: red for the first 2.5 s, blue after (keyframes every 2 s), with a tone."""
    out = folder / "red_blue.mp4"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "color=red:size=320x240:rate=25:duration=2.5",
             "-f", "lavfi", "-i", "color=blue:size=320x240:rate=25:duration=2.5",
             "-f", "lavfi", "-i", "sine=frequency=440:duration=5",
             "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
             *X264, "-c:a", "aac", "-shortest", str(out))  # fmt: skip
    return out


def anamorphic(ffmpeg: str, folder: Path) -> Path:
    """2 s stored 720x576 with SAR 4:3: shown 960x576."""
    out = folder / "anamorphic.mp4"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25:duration=2", "-vf", "setsar=4/3",
             *X264, str(out))  # fmt: skip
    return out


def rotated(ffmpeg: str, folder: Path, degrees: int = 90) -> Path:
    """2 s stored 320x240 (a test pattern, no two corners alike) whose display matrix turns it
    ``degrees`` counterclockwise (ffmpeg's ``-display_rotation``): shown 240x320."""
    base = folder / "rotation_base.mp4"
    if not base.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", *X264, str(base))
    out = folder / f"rotated_{degrees}.mp4"
    if not out.exists():
        _run(ffmpeg, "-display_rotation", str(degrees), "-i", str(base), "-c", "copy", str(out))
    return out


def half_silent_sine(ffmpeg: str, folder: Path) -> Path:
    """6 s of a 440 Hz sine at 0.8 of full scale, silent from 2 s to 4 s (the middle third), WAV."""
    out = folder / "half_silent.wav"
    if not out.exists():
        expr = "if(between(t\\,2\\,4)\\,0\\,0.8*sin(2*PI*440*t))"
        _run(ffmpeg, "-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}':s=48000:d=6", str(out))
    return out


def silent_video(ffmpeg: str, folder: Path) -> Path:
    """2 s of video without an audio stream."""
    out = folder / "no_sound.mp4"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", *X264, str(out))
    return out


def sound_only(ffmpeg: str, folder: Path) -> Path:
    """2 s of a tone, no video (an .m4a)."""
    out = folder / "tone.m4a"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", str(out))
    return out


def image(data: bytes) -> Image.Image:
    """The picture in ``data`` (PNG or JPEG), as RGB."""
    return Image.open(io.BytesIO(data)).convert("RGB")


def dominant(data: bytes) -> str:
    """ "red", "green" or "blue": the channel that dominates the picture's mean colour."""
    r, g, b = np.asarray(image(data), dtype=float).reshape(-1, 3).mean(axis=0)
    return max((r, "red"), (g, "green"), (b, "blue"))[1]


def plain(ffmpeg: str, folder: Path, seconds: int = 6) -> Path:
    """``seconds`` of flat grey 320x240 video with a tone: any mark on it is an overlay's."""
    out = folder / f"grey_{seconds}s.mp4"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", f"color=gray:size=320x240:rate=25:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", *X264, "-c:a", "aac", "-shortest",
             str(out))  # fmt: skip
    return out


def with_b_frames(ffmpeg: str, folder: Path) -> Path:
    """4 s of a moving test pattern, 320x240 at 25 fps, H.264 with B-frames (3 between refs,
    none of them references) and a keyframe every 2 s, as cameras and sites write it."""
    out = folder / "b_frames.mp4"
    if not out.exists():
        _run(ffmpeg, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
             "-preset", "medium", "-bf", "3", "-b_strategy", "0", "-x264-params", "b-pyramid=none",
             "-g", "50", "-pix_fmt", "yuv420p", str(out))  # fmt: skip
    return out


def photo_rotated(folder: Path) -> Path:
    """A JPEG stored 320x240 (left half blue, right half red) whose EXIF orientation 6 says
    "turn 90° clockwise to view": upright it is 240x320, blue on top, red below."""
    out = folder / "photo_rotated.jpg"
    if not out.exists():
        img = Image.new("RGB", (320, 240), (200, 30, 30))
        img.paste((30, 30, 200), (0, 0, 160, 240))
        exif = img.getexif()
        exif[0x0112] = 6
        img.save(out, exif=exif)
    return out


def halves(data: bytes) -> tuple[str, str]:
    """The dominant colours of the top and bottom halves of a picture."""
    img = image(data)
    top = img.crop((0, 0, img.width, img.height // 2))
    bottom = img.crop((0, img.height - img.height // 2, img.width, img.height))
    out = []
    for part in (top, bottom):
        buf = io.BytesIO()
        part.save(buf, "PNG")
        out.append(dominant(buf.getvalue()))
    return out[0], out[1]
