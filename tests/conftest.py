"""Shared fixtures: isolated user dirs (no test touches $HOME) and media made by ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Every test gets its own config, data and download dirs, and no cloud credentials."""
    dirs = {
        "NEMO_CONFIG_DIR": tmp_path / "config",
        "NEMO_DATA_DIR": tmp_path / "data",
        "NEMO_DOWNLOAD_DIR": tmp_path / "downloads",
    }
    for name, path in dirs.items():
        monkeypatch.setenv(name, str(path))
    for name in ("NEMO_TOKEN", "NEMO_API_URL", "NEMO_CLIENT_ID", "NEMO_WEB_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return dirs


@pytest.fixture(scope="session")
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def make_video(ffmpeg_exe, media_cache) -> Callable[..., Path]:
    """make_video(seconds=2, width=640, height=360, fps=25, audio=True, vcodec="libx264",
    ext="mp4", name=None) -> a cached file made by ffmpeg (test pattern + a tone)."""

    def make(
        seconds: float = 2,
        width: int = 640,
        height: int = 360,
        fps: int = 25,
        audio: bool = True,
        vcodec: str = "libx264",
        ext: str = "mp4",
        name: str | None = None,
    ) -> Path:
        name = name or f"v_{seconds}s_{width}x{height}_{fps}_{int(audio)}_{vcodec}.{ext}"
        out = media_cache / name
        if out.exists():
            return out
        cmd = [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
        ]
        if audio:
            cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
        cmd += ["-c:v", vcodec, "-pix_fmt", "yuv420p"]
        if vcodec == "libx264":
            cmd += ["-preset", "ultrafast", "-g", str(fps)]
        if audio:
            cmd += ["-c:a", "aac", "-b:a", "64k"]
        cmd += ["-shortest", str(out)]
        subprocess.run(cmd, check=True, capture_output=True)
        return out

    return make


@pytest.fixture(scope="session")
def make_audio(ffmpeg_exe, media_cache) -> Callable[..., Path]:
    """make_audio(seconds=3, ext="mp3", frequency=330) -> a tone made by ffmpeg."""

    def make(seconds: float = 3, ext: str = "mp3", frequency: int = 330) -> Path:
        out = media_cache / f"a_{seconds}s_{frequency}.{ext}"
        if not out.exists():
            subprocess.run(
                [
                    ffmpeg_exe,
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    f"sine=frequency={frequency}:sample_rate=44100:duration={seconds}",
                    str(out),
                ],
                check=True,
                capture_output=True,
            )
        return out

    return make


@pytest.fixture
def copy_media(tmp_path) -> Callable[[Path, str], Path]:
    """copy_media(path, name) -> a private copy under tmp_path (tests that modify files)."""

    def copy(src: Path, name: str) -> Path:
        dest = tmp_path / name
        shutil.copyfile(src, dest)
        return dest

    return copy
