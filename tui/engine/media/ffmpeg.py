"""Finding and running the ffmpeg binary shipped by imageio-ffmpeg (there is no ffprobe).

Nothing here uses a shell: every command is an argument list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import MediaError

FONT_PATH = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"


def ffmpeg_exe() -> str:
    """The absolute path of a runnable ffmpeg (imageio-ffmpeg's binary, or IMAGEIO_FFMPEG_EXE).

    Raises MediaError with a plain explanation when there is none.
    """
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # the 'local' extra is not installed
        raise MediaError(
            "ffmpeg is not available: install the local engine's extras (pip install 'nemo-tui[local]')."
        ) from exc
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise MediaError(
            "ffmpeg was not found: reinstall imageio-ffmpeg or set IMAGEIO_FFMPEG_EXE to an ffmpeg binary."
        ) from exc
    resolved = exe if os.path.isabs(exe) else shutil.which(exe)
    if not resolved or not os.path.isfile(resolved) or not os.access(resolved, os.X_OK):
        raise MediaError(
            f"ffmpeg was not found at {exe}: reinstall imageio-ffmpeg or set IMAGEIO_FFMPEG_EXE to an ffmpeg binary."
        )
    return str(resolved)


def ffmpeg_command(*args: str | os.PathLike[str], exe: str | None = None) -> list[str]:
    """[ffmpeg, -hide_banner, -nostdin, *args] as strings."""
    return [exe or ffmpeg_exe(), "-hide_banner", "-nostdin", *(os.fspath(a) for a in args)]


def popen(cmd: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start ffmpeg (no shell, stdin closed); a missing or broken binary becomes MediaError."""
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    try:
        return subprocess.Popen(list(cmd), **kwargs)
    except (FileNotFoundError, PermissionError, OSError) as exc:
        raise MediaError(f"ffmpeg could not be started ({cmd[0]}): {exc.strerror or exc}") from exc


def run_ffmpeg(
    *args: str | os.PathLike[str], timeout: float | None = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg to completion with captured text output.

    With check=True a non-zero exit raises MediaError carrying ffmpeg's last stderr lines.
    """
    cmd = ffmpeg_command(*args)
    try:
        proc = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"ffmpeg took longer than {timeout:.0f} s and was stopped.") from exc
    except (FileNotFoundError, PermissionError, OSError) as exc:
        raise MediaError(f"ffmpeg could not be started ({cmd[0]}): {exc.strerror or exc}") from exc
    if check and proc.returncode != 0:
        raise MediaError(f"ffmpeg failed: {last_lines(proc.stderr)}")
    return proc


def last_lines(text: str, n: int = 6) -> str:
    """The last n non-empty lines of ffmpeg's stderr, joined for an error message."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-n:]) if lines else "(no output)"
