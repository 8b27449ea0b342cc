"""Smart render: copy the untouched GOPs of an H.264 export, re-encode only the frames that change.

    decision = plan_smart_render(SmartRequest(...))   # SmartPlan, or Fallback(reason)
    if isinstance(decision, SmartPlan):
        note = run_smart_render(decision, tmp_path, audio_command=...)  # "smart render: 6 s of 600 re-encoded"

analysis (PyAV demux: frames, IDR pictures, avcC) -> planner (copy/re-encode runs) ->
encode (edges with the source's profile/level and their own SPS/PPS ids)
-> join (re-timed packets, merged avcC) -> one `-c copy` mux with the audio.
"""

from __future__ import annotations

from .planner import Fallback, Run, SmartPlan, plan_smart_render
from .request import ClipSpan, MusicSpan, Overlay, SmartRequest
from .run import run_smart_render

__all__ = [
    "ClipSpan",
    "Fallback",
    "MusicSpan",
    "Overlay",
    "Run",
    "SmartPlan",
    "SmartRequest",
    "plan_smart_render",
    "run_smart_render",
]
