"""The one place the full render calls the smart render (issue 19), and the only smartcut
module that knows the render's internals (plan.py, graph.py, effects.py, render.py).

render.render_draft calls try_smart_render(plan, tmp, out, progress=, cancel=) after its
remux decision, before its own ffmpeg run, when the export is not a remux. It hands over
the plan.Plan it already made:

- plan.width, plan.height (int, the canvas), plan.fps (float), plan.total_s (float, s),
  plan.mute (bool), plan.meta (the draft's ``m``: fades, fit, size cap — effects.py);
- plan.clips: video-track segments in play order (plan.Clip: .path, .in_s, .dur_s (s),
  .vol (1.0 = 100 %), .name, .speed, .seg, .info: probe.MediaInfo);
- plan.music: background audio (plan.Clip with .start_s; .seg holds its fades);
- plan.titles: plan.Title (text, start_s, end_s, pos), drawn with graph.title_filter — the
  edges use the same drawtext, so the title's pixels are the full render's.

The smart render only runs when it reproduces the full render exactly (graph.py: H.264 High
yuv420p limited range tagged BT.709, AAC-LC 48 kHz stereo, +faststart, every input on its
own time origin). It declines, with the reason as the full re-encode's note, for anything
it does not: a speed change, fades, a size cap or compact export, a crop-to-fill fit, a
title off centre, a source that is not 8-bit H.264 High (or HEVC Main: the export then stays
HEVC, 'hev1' with in-band parameter sets) 4:2:0 tagged BT.709 limited range
(HDR, 10-bit, full range, Main/Baseline, BT.601 or untagged colour), non-square pixels or a rotation, and a source whose sound and
picture do not start at its time origin (the full render pads such starts; the copy
cannot). The sound is encoded with graph.py's own filters (the same AAC packets as the
full render), or copied when it is one untouched AAC-LC 48 kHz stereo track.

It returns render.RenderResult (route "smart") when it wrote `out`, else the note for the
full re-encode ("full re-encode: <reason>"). A failure inside the smart render also
returns such a note ("… the smart render failed (…)"): the full re-encode is the safety
net. RenderCancelled propagates.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import effects as _fx
from .. import graph as _graph
from ..errors import RenderCancelled, RenderError
from ..plan import Clip, Plan
from .planner import Fallback, SmartPlan, plan_smart_render
from .request import ClipSpan, MusicSpan, Overlay, SmartRequest
from .run import run_smart_render

log = logging.getLogger(__name__)

# graph.py's _TAGS as ffmpeg's enums (primaries, transfer, matrix, range): the full render
# converts any other matrix to BT.709 (an untagged source counts as BT.601) and tags the rest.
BT709_TV = (1, 1, 1, 1)
_ORIGIN_EPS_S = 0.001  # a stream starting later than this after the file's origin is padded by the full render


def _clip_reason(clip: Clip) -> str | None:
    """Why one video-track clip cannot be copied as the full render would show it, or None."""
    info, name = clip.info, clip.name
    if info.kind != "video" or not info.has_video:
        return "a clip is a still image or sound only"
    if abs(clip.speed - 1.0) > 1e-6:
        return f"{name} plays at {clip.speed:g}x"
    if info.is_hdr:
        return f"{name} is HDR (the export is SDR)"
    if (info.bit_depth or 8) != 8 or info.pix_fmt != "yuv420p":
        return f"{name} is {info.pix_fmt} {info.bit_depth or 8}-bit (the export is 8-bit yuv420p)"
    if tuple(info.sar) != (1, 1) or info.rotation:
        return f"{name} has non-square pixels or a rotation"
    if abs(info.video_start_s) > _ORIGIN_EPS_S or (info.has_audio and abs(info.av_offset_s) > _ORIGIN_EPS_S):
        return f"{name}'s sound and picture do not start together at its origin"
    if info.vcodec not in ("h264", "hevc"):
        return f"{name} is {info.vcodec or 'not video'}, not H.264 or HEVC"
    if info.color_range == "pc":
        return f"{name} is full range (the export is limited range)"
    if info.color_transfer not in (None, "bt709"):
        return f"{name} has the {info.color_transfer} transfer (the export is BT.709)"
    if info.vcodec == "hevc":  # an HEVC source stays HEVC (Main, 8-bit 4:2:0): planner._hevc_reason
        return None if info.vprofile == "Main" else f"{name} is HEVC {info.vprofile or 'of an unknown profile'}"
    if info.vprofile != "High":
        return f"{name} is H.264 {info.vprofile or 'of an unknown profile'} (the export is High)"
    return None


def _plan_reason(plan: Plan) -> str | None:
    """Why the plan holds something the smart render does not reproduce exactly, or None."""
    if not plan.clips:
        return "nothing to copy"
    for clip in plan.clips:
        reason = _clip_reason(clip)
        if reason:
            return reason
    if _fx.fade_graph(plan.meta, plan.total_s, "[v]", "[a]")[0]:
        return "the export fades in or out"
    if any(_fx.music_fades(m.seg, m.dur_s) for m in plan.music):
        return "the music fades in or out"
    usual = ["-crf", _graph.X264_CRF, "-c:a", "aac", "-b:a", _graph.AUDIO_BITRATE]
    if _fx.rate_args(plan.meta, plan.total_s, _graph.X264_CRF, _graph.AUDIO_BITRATE) != usual:
        return "the export is compressed to a size or a lower quality"
    if _fx.fit_mode(plan.meta) != "pad":
        return "the picture is cropped to fill the frame"
    if any(str(t.pos or "center").lower() != "center" for t in plan.titles):
        return "a title is placed off centre"
    if _fx.needs_encode(plan.meta, (c.speed for c in plan.clips)):
        return "an effect changes every frame"
    return None


def request_from_render_plan(plan: Plan) -> SmartRequest | Fallback:
    """Translate the render's plan into plain data, or why the smart render declines."""
    reason = _plan_reason(plan)
    if reason:
        return Fallback(reason)
    overlays = []
    for title in plan.titles:
        drawn = _graph.title_filter(title, plan.width, plan.height)
        if drawn:  # a title no font can draw is not drawn by the full render either
            overlays.append(Overlay(title.start_s, title.end_s, drawn))
    first = plan.clips[0].info
    return SmartRequest(
        clips=tuple(ClipSpan(Path(c.path), c.in_s, c.dur_s, c.vol, c.name) for c in plan.clips),
        width=plan.width,
        height=plan.height,
        fps=plan.fps,
        total_s=plan.total_s,
        mute=plan.mute,
        music=tuple(
            MusicSpan(Path(m.path), m.in_s, m.dur_s, m.start_s, m.vol, m.info.duration_s, m.info.channels)
            for m in plan.music
        ),
        overlays=tuple(overlays),
        copy_audio=first.aprofile in ("LC", None),
        colour=BT709_TV,
    )


def audio_command(plan: Plan, out: Path) -> list[str]:
    """ffmpeg arguments that encode the full render's sound alone into `out` (AAC in MP4).

    graph.encode_command's audio, piece for piece (inputs, per-clip filters, silence, music,
    amix, encoder), so its AAC packets are the full render's. Each clip's stand-in picture
    (2x2, no decoding) lasts as long as the full render's, so concat places every clip's
    sound where the full render does.
    """
    fps = _graph.num(plan.fps)
    args: list[str] = ["-y", "-v", "error"]
    graph: list[str] = []
    index = 0
    pairs = []
    for n, clip in enumerate(plan.clips):
        D = _graph.num(clip.dur_s)
        graph.append(f"nullsrc=s=2x2:r={fps},trim=end={D},setpts=PTS-STARTPTS[v{n}]")
        if clip.info.has_audio and not plan.mute and clip.vol > 0:
            args += _graph.input_args(clip, plan.fps)
            graph.append(_graph.clip_audio_filters(n, index, clip))
            index += 1
        else:
            graph.append(_graph.silence_filters(f"a{n}", clip.dur_s))
        pairs.append(f"[v{n}][a{n}]")
    graph.append(f"{''.join(pairs)}concat=n={len(plan.clips)}:v=1:a=1[vcat][acat]")
    graph.append("[vcat]nullsink")
    aout = "[acat]"
    labels = []
    for k, clip in enumerate(plan.music):
        if clip.start_s >= plan.total_s:
            continue
        args += _graph.input_args(clip, plan.fps, loop_audio=True)
        graph.append(_graph.music_filters(k, index, clip))
        labels.append(f"[m{k}]")
        index += 1
    if labels:
        graph.append(
            f"[acat]{''.join(labels)}amix=inputs={len(labels) + 1}:duration=first:"
            "dropout_transition=0:normalize=0[aout]"
        )
        aout = "[aout]"
    return args + [
        "-filter_complex",
        ";".join(graph),
        "-map",
        aout,
        "-c:a",
        "aac",
        "-b:a",
        _graph.AUDIO_BITRATE,
        "-profile:a",
        "aac_low",
        "-ar",
        str(_graph.SAMPLE_RATE),
        "-ac",
        "2",
        "-t",
        _graph.num(plan.total_s),
        "-f",
        "mp4",
        str(out),
    ]


def try_smart_render(
    plan: Plan,
    tmp: Path,
    out: Path,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Any:
    """render.RenderResult (smart render done, `out` written) or the full re-encode's note (str)."""
    from .. import render  # the render's result (render imports this module lazily)

    request = request_from_render_plan(plan)
    decision = request if isinstance(request, Fallback) else plan_smart_render(request)
    if isinstance(decision, Fallback):
        log.info("full re-encode: %s", decision.reason)
        return decision.note()
    assert isinstance(decision, SmartPlan)
    try:
        note = run_smart_render(
            decision,
            tmp,
            progress=progress,
            cancel=cancel,
            sample_rate=_graph.SAMPLE_RATE,
            audio_command=lambda p: audio_command(plan, p),
        )
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
    return render.finished(plan, out, remuxed=False, route="smart", note=note)
