"""Running one ffmpeg render: progress from -progress pipe:1, cancel, the tail of stderr."""

from __future__ import annotations

import collections
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import ffmpeg as _ff
from .errors import RenderCancelled, RenderError


def run_render(
    cmd: list[str],
    total_s: float,
    tmp: Path,
    progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
) -> None:
    """Run ffmpeg to completion writing tmp; progress(percent 0..99.9) throttled to ~2/s.

    Raises RenderCancelled when cancel is set (ffmpeg killed), RenderError with ffmpeg's
    last lines when it fails or writes nothing.
    """
    proc = _ff.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tail: collections.deque[str] = collections.deque(maxlen=40)
    done = threading.Event()
    cancelled = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            tail.append(raw.decode("utf-8", "replace").rstrip())

    def watch_cancel() -> None:
        while not done.is_set():
            if cancel is not None and cancel.wait(0.05):
                cancelled.set()
                proc.kill()
                return
            if cancel is None:
                done.wait(0.5)

    err_thread = threading.Thread(target=read_stderr, name="ffmpeg-stderr", daemon=True)
    err_thread.start()
    watcher = threading.Thread(target=watch_cancel, name="ffmpeg-cancel", daemon=True)
    watcher.start()
    last_pct, last_at = -1.0, 0.0
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("ascii", "replace").strip()
            if progress is None or not line.startswith("out_time_us=") or total_s <= 0:
                continue
            try:
                out_us = int(line.split("=", 1)[1])
            except ValueError:
                continue
            pct = max(0.0, min(99.9, out_us / 1e4 / total_s))
            now = time.monotonic()
            if pct > last_pct and (pct - last_pct >= 5 or now - last_at >= 0.5):
                last_pct, last_at = pct, now
                progress(round(pct, 1))
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        done.set()
        err_thread.join(timeout=5)
        watcher.join(timeout=5)
    if cancelled.is_set():
        raise RenderCancelled("The render was cancelled.")
    if proc.returncode != 0:
        raise RenderError(f"The render failed: {_ff.last_lines(os.linesep.join(tail))}")
    if not tmp.is_file() or tmp.stat().st_size == 0:
        raise RenderError("The render failed: ffmpeg produced no output.")
