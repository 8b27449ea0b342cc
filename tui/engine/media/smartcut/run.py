"""Running a smart plan: audio and edges encoded (two ffmpeg processes at once), then joined.

Everything is written inside a temporary folder beside the output; the output appears only
when every step succeeded. Any failure raises RenderError (the render then runs the full
re-encode), a set cancel event raises RenderCancelled.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .. import ffmpeg as _ff
from ..errors import MediaError, RenderCancelled, RenderError
from .encode import audio_command, edge_command
from .join import write_video
from .planner import SmartPlan


class _Proc:
    """One ffmpeg process whose stderr (short: -v error) is kept for the error message."""

    def __init__(self, args: list[str]) -> None:
        self.proc = _ff.popen(_ff.ffmpeg_command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self, cancel: threading.Event | None) -> None:
        while True:
            try:
                _, err = self.proc.communicate(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    self.kill()
                    raise RenderCancelled("The render was cancelled.") from None
        if self.proc.returncode != 0:
            text = err.decode("utf-8", "replace") if err else ""
            raise RenderError(f"The smart render failed: {_ff.last_lines(text)}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def run_smart_render(
    plan: SmartPlan, out: Path, *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    sample_rate: int = 48000,
    audio_bitrate: str = "192k",
) -> str:
    """Write the plan's export to `out` (MP4, +faststart) and return its final line.

    progress(percent) follows the re-encoded frames (the copy and the join are quick).
    """
    sources = plan.facts[0].avcc
    assert sources is not None
    sps_id = max(sources.sps_ids | sources.pps_ids) + 1
    if sps_id > 31:
        raise RenderError("The source uses every SPS id: nothing left for the re-encoded edges.")
    total = max(1, plan.reencoded_frames)
    done = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".smart-", dir=out.parent) as tmp:
        folder = Path(tmp)
        audio_path = folder / "audio.m4a"
        audio = _Proc(audio_command(plan, audio_path, sample_rate=sample_rate, bitrate=audio_bitrate))
        try:
            edges: dict[int, Path] = {}
            for index, run in enumerate(plan.runs):
                if run.copy:
                    continue
                edges[index] = folder / f"edge{index}.mp4"
                _Proc(edge_command(plan, run, sps_id, edges[index])).wait(cancel)
                done += run.count
                if progress is not None:
                    progress(round(90.0 * done / total, 1))
            video_path = folder / "video.mp4"
            write_video(plan, edges, video_path)
            audio.wait(cancel)
        except BaseException:
            audio.kill()
            raise
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("The render was cancelled.")
        try:
            _ff.run_ffmpeg("-y", "-v", "error", "-i", video_path, "-i", audio_path,
                           "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
                           "-movflags", "+faststart", "-f", "mp4", out)
        except MediaError as exc:
            raise RenderError(exc.message) from exc
    if progress is not None:
        progress(99.0)
    return plan.note()
