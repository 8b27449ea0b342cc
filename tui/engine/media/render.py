"""Rendering a draft to an MP4 that plays everywhere, with one ffmpeg run.

plan.py reads the draft (clips, music, titles, canvas, bounds), graph.py builds the ffmpeg
command (one filter chain per kind of segment), run.py runs it. A draft that is one
untouched clip that already plays everywhere (H.264 High/Main, yuv420p 8-bit limited range,
AAC-LC) at the requested size is remuxed with stream copy instead of re-encoded.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import MediaError, RenderCancelled, RenderError
from .graph import encode_command, escape_filter_value, remux_command
from .plan import Plan, plan_draft
from .probe import MediaInfo, probe
from .run import run_render
from .titles import check_title, font_for

__all__ = ["RenderResult", "build_render_command", "escape_filter_value", "font_for", "render_draft", "render_notes"]


@dataclass(frozen=True)
class RenderResult:
    """A finished render.

    duration_s, width, height, vcodec, acodec are measured on the output file. notes are
    plain-words sentences for the user about what the render changed or could not do
    (HDR converted to SDR, a title character no font draws). summary is the final line,
    e.g. "H.264/AAC MP4 · 1280x720 · 0:12 · 3.4 MB".
    """

    path: Path
    remuxed: bool
    duration_s: float
    width: int | None = None
    height: int | None = None
    vcodec: str | None = None
    acodec: str | None = None
    size_bytes: int = 0
    notes: tuple[str, ...] = ()
    # Which way the export was made (issue 19): "remux", "smart" or "full"; note is that
    # line ("smart render: 6 s of 600 re-encoded", "full re-encode: <why not smart>"). It is
    # one of the notes when the smart render ran, or failed and the full re-encode took over.
    route: str = "full"
    note: str = ""

    @property
    def summary(self) -> str:
        codecs = {"h264": "H.264", "aac": "AAC"}
        codec = "/".join(codecs.get(c, c.upper()) for c in (self.vcodec, self.acodec) if c) or "MP4"
        minutes, seconds = divmod(int(round(self.duration_s)), 60)
        hours, minutes = divmod(minutes, 60)
        length = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
        size = f"{self.size_bytes / 1e6:.1f} MB" if self.size_bytes >= 100_000 else f"{self.size_bytes / 1e3:.0f} KB"
        parts = [f"{codec} MP4"]
        if self.width and self.height:
            parts.append(f"{self.width}x{self.height}")
        return " · ".join(parts + [length, size])


def _notes(plan: Plan) -> list[str]:
    notes = [] if plan.remux else list(plan.notes)
    for title in plan.titles:
        note = check_title(title.text).note
        if note and note not in notes:
            notes.append(note)
    return notes


def render_notes(draft: Mapping[str, Any], sources: Mapping[str, Path | str]) -> list[str]:
    """The notes a render of this draft would give (no rendering): for a reply before export.

    Raises RenderError like render_draft when the draft cannot be planned.
    """
    return _notes(plan_draft(draft, sources))


def build_render_command(
    draft: Mapping[str, Any],
    sources: Mapping[str, Path | str],
    out_path: Path | str,
    *,
    allow_remux: bool = True,
) -> list[str]:
    """The ffmpeg command render_draft runs for this draft (without its progress flags).

    With allow_remux=False the fast path is never taken (benches use it for a reference).
    """
    plan = plan_draft(draft, sources)
    out = Path(out_path)
    body = remux_command(plan, out) if (plan.remux and allow_remux) else encode_command(plan, out)
    return _ff.ffmpeg_command(*body)


def render_draft(
    draft: Mapping[str, Any],
    sources: Mapping[str, Path | str],
    out_path: Path | str,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    allow_remux: bool = True,
    allow_smart: bool = True,
) -> RenderResult:
    """Render the draft to an H.264/AAC MP4 at out_path (blocking).

    progress(percent) is called (throttled, 0..100) while ffmpeg runs; setting cancel kills
    ffmpeg, removes the partial file and raises RenderCancelled. Failures (and drafts over
    the limits of limits.py) raise RenderError. The output is written to a temporary name
    next to out_path and renamed when complete. Unless allow_smart is False, an export the
    smart render can make (issue 19: smartcut/hook.py) copies its untouched GOPs instead.
    """
    out = Path(out_path)
    try:
        plan = plan_draft(draft, sources)
        remux = plan.remux and allow_remux
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("The render was cancelled.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"Cannot write the render to {out.parent}: {exc.strerror or exc}.") from exc
        tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.partial.mp4")
        body = remux_command(plan, tmp) if remux else encode_command(plan, tmp)
        cmd = _ff.ffmpeg_command(*body[:-1], "-progress", "pipe:1", "-nostats", body[-1])
    except (RenderError, RenderCancelled):
        raise
    except MediaError as exc:
        raise RenderError(exc.message) from exc
    # ---- smart render hook (issue 19; tui/engine/media/smartcut/hook.py documents its input)
    note = ""
    if not remux and allow_smart:
        from .smartcut.hook import try_smart_render

        smart = try_smart_render(plan, tmp, out, progress=progress, cancel=cancel)
        if isinstance(smart, RenderResult):
            return smart
        note = smart
    # ---- end of the smart render hook
    try:
        run_render(cmd, plan.clips[0].info.duration_s if remux else plan.total_s, tmp, progress, cancel)
        os.replace(tmp, out)
    except MediaError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, (RenderError, RenderCancelled)):
            raise
        raise RenderError(exc.message) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(100.0)
    return finished(
        plan,
        out,
        remuxed=remux,
        route="remux" if remux else "full",
        note=note or ("remux: stream copy" if remux else "full re-encode"),
    )


def finished(plan: Plan, out: Path, *, remuxed: bool, route: str, note: str) -> RenderResult:
    """The result for a render of plan written at out, measured on the file (probe).

    note (the route's line) joins the notes when the smart render ran or failed.
    """
    info: MediaInfo | None
    try:
        info = probe(out)
    except MediaError:
        info = None
    notes = _notes(plan)
    if route == "smart" or "smart render failed" in note:
        notes.append(note)
    return RenderResult(
        path=out,
        remuxed=remuxed,
        duration_s=info.duration_s if info else plan.total_s,
        width=info.width if info else plan.width,
        height=info.height if info else plan.height,
        vcodec=info.vcodec if info else None,
        acodec=info.acodec if info else None,
        size_bytes=out.stat().st_size,
        notes=tuple(notes),
        route=route,
        note=note,
    )
