"""Smart render: copy the untouched GOPs of an H.264/HEVC export, re-encode only the frames that change.

    decision = plan_smart_render(SmartRequest(...))   # SmartPlan, or Fallback(reason)
    if isinstance(decision, SmartPlan):
        note = run_smart_render(decision, tmp_path, audio_command=...)  # "smart render: 6 s of 600 re-encoded"

analysis (PyAV demux: frames, IDR pictures, avcC/hvcC) -> planner (copy/re-encode runs) ->
encode (edges with the source's profile/level: libx264 with their own SPS/PPS ids, or libx265)
-> join (re-timed packets; a merged avcC, or HEVC's 'hev1' with each stretch's VPS/SPS/PPS
in-band) -> one `-c copy` mux with the audio. Frame rates are exact fractions (rates.py:
29.97 -> 30000/1001).
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
