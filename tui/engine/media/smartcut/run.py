"""Running a smart plan: audio and edges encoded (two ffmpeg processes at once), then joined.

The audio is copied rather than re-encoded when the export's sound is one clip's AAC
track untouched and already in the output's format (48 kHz stereo): the AAC encoder costs
more than everything else here (~25x real time on one core).

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
from ..errors import RenderCancelled, RenderError
from .encode import edge_command
from .join import AudioCopy, write_export
from .planner import SmartPlan

EDGES_AT_ONCE = 2  # edges are short: two at a time keeps both cores busy through decode and startup


class _Proc:
    """One ffmpeg process whose stderr (short: -v error) is kept for the error message."""

    def __init__(self, args: list[str]) -> None:
        self.proc = _ff.popen(_ff.ffmpeg_command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self, cancel: threading.Event | None, timeout: float | None = None) -> bool:
        """Wait until it ends (True), or `timeout` s pass (False); RenderError if it failed."""
        waited = 0.0
        while True:
            try:
                _, err = self.proc.communicate(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    self.kill()
                    raise RenderCancelled("The render was cancelled.") from None
                waited += 0.1
                if timeout is not None and waited >= timeout:
                    return False
        if self.proc.returncode != 0:
            text = err.decode("utf-8", "replace") if err else ""
            raise RenderError(f"The smart render failed: {_ff.last_lines(text)}")
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def audio_copy(plan: SmartPlan, sample_rate: int) -> AudioCopy | None:
    """The source stretch whose AAC packets can be the export's audio as they are, if any."""
    req = plan.request
    if len(req.clips) != 1 or req.music or req.mute or not req.copy_audio:
        return None
    clip, facts = req.clips[0], plan.facts[0]
    if abs(clip.volume - 1.0) > 1e-6 or facts.audio_codec != "aac":
        return None
    if facts.audio_rate != sample_rate or facts.audio_channels != 2:
        return None
    return AudioCopy(clip.path, clip.in_s, clip.dur_s)


def run_smart_render(
    plan: SmartPlan,
    out: Path,
    *,
    audio_command: Callable[[Path], list[str]],
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    sample_rate: int = 48000,
) -> str:
    """Write the plan's export to `out` (MP4, +faststart) and return its final line.

    audio_command(path) gives the ffmpeg arguments (after the binary) that encode the
    export's sound into path (an MP4 with one AAC track), unless the sound is copied.

    progress(percent) follows the re-encoded frames (the copy and the join are quick).
    """
    sources = plan.facts[0].avcc
    sps_id = 0  # HEVC: the edges' parameter sets replace the source's in-band at each stretch (join.py)
    if sources is not None:
        sps_id = max(sources.sps_ids | sources.pps_ids) + 1
        if sps_id > 31:
            raise RenderError("The source uses every SPS id: nothing left for the re-encoded edges.")
    total = max(1, plan.reencoded_frames)
    done = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".smart-", dir=out.parent) as tmp:
        folder = Path(tmp)
        copy = audio_copy(plan, sample_rate)
        audio_path = folder / "audio.m4a"
        audio = None if copy else _Proc(audio_command(audio_path))
        running: list[tuple[_Proc, int]] = []
        try:
            edges: dict[int, Path] = {}
            pending = [(i, r) for i, r in enumerate(plan.runs) if not r.copy]
            while pending or running:
                while pending and len(running) < EDGES_AT_ONCE:
                    index, run = pending.pop(0)
                    edges[index] = folder / f"edge{index}.mp4"
                    running.append((_Proc(edge_command(plan, run, sps_id, edges[index])), run.count))
                proc, frames = running[0]
                if not proc.wait(cancel, timeout=0.2):
                    running.append(running.pop(0))
                    continue
                running.pop(0)
                done += frames
                if progress is not None:
                    progress(round(90.0 * done / total, 1))
            if audio is not None:
                audio.wait(cancel)
            if progress is not None:
                progress(90.0 if plan.reencoded_frames else 5.0)
            if cancel is not None and cancel.is_set():
                raise RenderCancelled("The render was cancelled.")
            import av

            start = 90.0 if plan.reencoded_frames else 5.0

            def joined(fraction: float) -> None:
                if progress is not None:
                    progress(round(start + (99.0 - start) * fraction, 1))

            try:
                write_export(plan, edges, copy or audio_path, out, progress=joined, cancel=cancel)
            except (OSError, ValueError, av.error.FFmpegError) as exc:
                raise RenderError(f"The smart render could not write the export: {exc}") from exc
        except BaseException:
            for proc, _ in running:
                proc.kill()
            if audio is not None:
                audio.kill()
            raise
    if progress is not None:
        progress(99.0)
    if cancel is not None and cancel.is_set():
        out.unlink(missing_ok=True)
        raise RenderCancelled("The render was cancelled.")
    return plan.note()
