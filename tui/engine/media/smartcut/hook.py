"""The one place the full render calls the smart render (issue 19).

The render hands over what it already computed for its full re-encode — nothing else:

- plan.width, plan.height (int, the canvas), plan.fps (float), plan.total_s (float, s),
  plan.mute (bool);
- plan.clips: video-track segments in play order, each with .path, .in_s, .dur_s (s),
  .vol (1.0 = 100 %) and .info (.kind "video"/"audio"/"image", .has_video);
- plan.music: background audio with .path, .in_s, .dur_s, .start_s, .vol and .info
  (.duration_s, .channels);
- plan.titles: (text, start_s, end_s) drawn by the full render with its own drawtext
  (render._title_filter(text, start, end, width, height) — reused here so pixels match);
- tmp: the temporary output name, out: the final name, progress/cancel as render_draft's.

It returns a RenderResult when the smart render wrote the export (route "smart"), or the
note for the full re-encode's final line ("full re-encode: <reason>") when the render must
run its own path unchanged. A failure inside the smart render also returns such a note:
the full re-encode is always the safety net.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import RenderCancelled, RenderError
from .planner import Fallback, SmartPlan, plan_smart_render
from .request import ClipSpan, MusicSpan, Overlay, SmartRequest
from .run import run_smart_render

log = logging.getLogger(__name__)


def request_from_render_plan(plan: Any, title_filter: Callable[..., str]) -> SmartRequest | Fallback:
    """Translate the render's plan into plain data (see the module docstring for the fields)."""
    if any(c.info.kind != "video" or not c.info.has_video for c in plan.clips):
        return Fallback("a clip is a still image or sound only")
    return SmartRequest(
        clips=tuple(ClipSpan(Path(c.path), c.in_s, c.dur_s, c.vol, c.name) for c in plan.clips),
        width=plan.width, height=plan.height, fps=plan.fps, total_s=plan.total_s, mute=plan.mute,
        music=tuple(MusicSpan(Path(m.path), m.in_s, m.dur_s, m.start_s, m.vol, m.info.duration_s,
                              m.info.channels) for m in plan.music),
        overlays=tuple(Overlay(s, e, title_filter(t, s, e, plan.width, plan.height)) for t, s, e in plan.titles),
    )


def try_smart_render(
    plan: Any, tmp: Path, out: Path, *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Any:
    """RenderResult (smart render done, `out` written) or the full re-encode's note (str)."""
    from .. import render  # the render's own drawtext and result type

    request = request_from_render_plan(plan, render._title_filter)
    decision = request if isinstance(request, Fallback) else plan_smart_render(request)
    if isinstance(decision, Fallback):
        return decision.note()
    assert isinstance(decision, SmartPlan)
    try:
        note = run_smart_render(decision, tmp, progress=progress, cancel=cancel,
                                sample_rate=render.SAMPLE_RATE, audio_bitrate=render.AUDIO_BITRATE)
        os.replace(tmp, out)
    except RenderCancelled:
        tmp.unlink(missing_ok=True)
        raise
    except (RenderError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        log.warning("smart render failed, running the full re-encode: %s", exc)
        return f"full re-encode: the smart render failed ({getattr(exc, 'message', exc)})"
    if progress is not None:
        progress(100.0)
    frames = decision.frames
    return render.RenderResult(path=out, remuxed=False, duration_s=float(frames / decision.fps),
                               route="smart", note=note)
