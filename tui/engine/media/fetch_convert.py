"""One ffmpeg run that makes a fetch's deliverable (audio only, subtitles), with progress.

Shared by ``fetch_audio`` and ``fetch_subs``: the command goes through the engine's one
render runner (``run.run_render``: ``-progress pipe:1``, cancel, the tail of stderr); its
errors come back as ``IngestError`` (the fetch's error type) in plain words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import IngestCancelled, IngestError, RenderCancelled, RenderError
from .run import run_render

ProgressFn = Callable[[dict[str, Any]], None]


def stage_progress(progress: ProgressFn | None, stage: str, label: str) -> Callable[[float], None] | None:
    """A ``run_render`` percent callback that reports the fetch's progress dict for ``stage``."""
    if progress is None:
        return None

    def report(percent: float) -> None:
        progress(
            {
                "stage": stage,
                "label": label,
                "bytes": None,
                "total": None,
                "speed": None,
                "eta": None,
                "percent": round(percent, 1),
            }
        )

    return report


def convert(
    args: list[str],
    out: Path,
    duration_s: float,
    *,
    what: str,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Run ``ffmpeg -y -v error <args> -progress pipe:1 -nostats <out>``; return ``out``.

    ``what`` names the step for the error ("The audio could not be made"); ``duration_s``
    scales the progress (percent 0..100, stage "convert"). Raises IngestError (ffmpeg's last
    lines appended) or IngestCancelled; a failed run leaves no ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = _ff.ffmpeg_command("-y", "-v", "error", *args, "-progress", "pipe:1", "-nostats", out)
    report = stage_progress(progress, "convert", out.name)
    try:
        run_render(cmd, duration_s, out, report, cancel)
    except RenderCancelled:
        out.unlink(missing_ok=True)
        raise IngestCancelled("The download was cancelled.") from None
    except RenderError as exc:
        out.unlink(missing_ok=True)
        detail = exc.message.split(":", 1)[-1].strip()
        raise IngestError(f"{what}: {detail}") from None
    if report is not None:
        report(100.0)
    return out


__all__ = ["convert", "stage_progress"]
