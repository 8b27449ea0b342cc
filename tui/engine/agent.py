"""The engine's agent: turns a parsed request into tool calls on the session's draft, and
writes the replies (in the request's language). Pure: no I/O. The server runs the calls
(ingest needs the media layer, history needs the storage, edits are applied with
:func:`apply_call`), stores versions and streams the events.

Truthfulness rules the replies follow: a call whose result equals the draft before it is
reported as "nothing changed", never as done; every part of the request that was not done
is named with the reason (and the nearest thing the engine can do); a run that removes
most of the video says how to undo it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.engine import draft as drafts
from tui.engine import draft_edits as edits
from tui.engine import draft_ops as ops
from tui.engine.intents import EDIT_KINDS, HISTORY_KINDS, Intent, Request
from tui.engine.nlu import labels
from tui.engine.nlu.replies import help_text, join, say, unsupported
from tui.engine.nlu.rules_title import DEFAULT_TITLE_MS
from tui.engine.nlu.times import Span

EDIT_TOOL = "edit_multitrack"
INGEST_TOOL = "ingest_media"
HISTORY_OPS = frozenset({"undo", "redo", "revert"})
HELP_TEXT = help_text("en")
__all__ = [
    "EDIT_KINDS",
    "HISTORY_KINDS",
    "ToolCall",
    "Plan",
    "plan",
    "apply_call",
    "changed",
    "final_text",
    "intro_text",
    "HELP_TEXT",
]


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    label: str  # what the agent says it is doing, in the user's language ("trimming to 0-10 s")


@dataclass
class Plan:
    calls: list[ToolCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parts not done, with why, in plain words
    reply: str = ""  # the whole answer for a run without edits (describe / help)
    lang: str = "en"

    @property
    def is_edit(self) -> bool:
        return bool(self.calls)


def _span_args(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "start_ms": span.start_ms,
        "end_ms": span.end_ms,
        "last_ms": span.last_ms,
        "frac": list(span.frac) if span.frac else None,
    }


def _range_args(span: Span | None, *, title: bool = False) -> dict[str, Any]:
    """The wire args for a range: ``start_ms``/``end_ms`` (``duration_ms`` for a title, as the
    cloud's edit_multitrack calls carry) when the span is absolute, else ``span`` (resolved on
    the draft as it is when the call runs: "the last 3 s" after a trim in the same request)."""
    if span is not None and (span.last_ms is not None or span.frac is not None):
        return {"span": _span_args(span)}
    if title:
        start = (span.start_ms if span else None) or 0
        if span is not None and span.end_ms is None:
            return {"start_ms": start, "duration_ms": None}
        return {"start_ms": start, "duration_ms": (span.end_ms - start) if span and span.end_ms else DEFAULT_TITLE_MS}
    if span is None:
        return {}
    return {"start_ms": span.start_ms or 0, "end_ms": span.end_ms}


def _span(args: Mapping[str, Any] | None) -> Span | None:
    if not args:
        return None
    frac = args.get("frac")
    return Span(
        start_ms=args.get("start_ms"),
        end_ms=args.get("end_ms"),
        last_ms=args.get("last_ms"),
        frac=(float(frac[0]), float(frac[1])) if frac else None,
    )


def _pick_music(intent: Intent, uploads: list[Mapping[str, Any]], draft: Mapping[str, Any]) -> Mapping[str, Any] | None:
    audios = [u for u in uploads if u.get("file_type") == "audio"]
    name = (intent.params.get("name") or "").lower()
    if name:
        for u in audios:
            if u.get("filename", "").lower() == name or name in u.get("filename", "").lower():
                return u
    current = {s.get("src") for t in drafts.tracks_of(draft, drafts.AUDIO) for s in t.get("sg", [])}
    for u in audios[::-1]:
        if u.get("upload_id") in current:
            return u
    return audios[-1] if audios else None


_NEEDS_VIDEO = EDIT_KINDS - {"music", "volume", "remove", "fade"}


def _call(
    intent: Intent, draft: Mapping[str, Any], uploads: list[Mapping[str, Any]], lang: str, notes: list[str]
) -> ToolCall | None:
    k, p = intent.kind, intent.params
    label = labels.label(intent, lang)
    args: dict[str, Any]
    if k == "convert":
        if p.get("resolution") is None:
            notes.append(say("already_mp4", lang))
            return None
        args = {"operation": "set_output", "format": "mp4", "resolution": p["resolution"]}
    elif k in ("trim", "cut"):
        args = {"operation": k, "track_type": 0, **_range_args(p["span"])}
        if p.get("clip") is not None:
            args["clip"] = p["clip"]
    elif k == "speed":
        args = {"operation": "speed", "factor": float(p["factor"]), **_range_args(p.get("span"))}
        if p.get("absolute"):
            args["absolute"] = True
        if p.get("clip") is not None:
            args["clip"] = p["clip"]
    elif k == "fade":
        args = {"operation": "fade", "target": p["target"], "which": p["which"], "ms": int(p["ms"])}
    elif k == "title":
        has_title = any(t.get("sg") for t in drafts.tracks_of(draft, drafts.TEXT))
        op = "update_text" if p.get("replace") and has_title else "add_text"
        args = {"operation": op, "track_type": 7, "text": p["text"], **_range_args(p.get("span"), title=True)}
        if op == "update_text" and p.get("span") is None:
            args.pop("start_ms"), args.pop("duration_ms")  # the new words keep the old title's timing
        if p.get("position"):
            args["position"] = p["position"]
    elif k == "title_edit":
        args = {"operation": "edit_title", "position": p.get("position"), **_range_args(p.get("span"))}
    elif k == "music":
        chosen = _pick_music(intent, uploads, draft)
        if chosen is None:
            notes.append(say("no_audio_upload", lang))
            return None
        vol = p.get("volume")
        if vol is None:
            current = [s for t in drafts.tracks_of(draft, drafts.AUDIO) for s in t.get("sg", [])]
            vol = int(current[0].get("vol", 100)) if current else 100
        args = {"operation": "add_audio", "track_type": 1, "source": chosen["upload_id"], "volume": int(vol)}
        label = labels.music_label(str(chosen.get("filename")), int(vol), lang)
    elif k == "volume":
        args = {"operation": "volume", "target": p["target"], "factor": p.get("factor"), "percent": p.get("percent")}
    elif k in ("mute", "unmute"):
        args = {"operation": "set_mute", "mute": k == "mute"}
    elif k == "aspect":
        args = {"operation": "set_aspect", "aspect": p.get("aspect"), "fit": p.get("fit", "pad")}
    elif k == "size":
        args = {"operation": "set_size", "max_mb": p.get("max_mb")}
    elif k == "remove":
        args = {"operation": "remove_track"}
        if p.get("index") is not None:
            args["track_index"] = int(p["index"])
        else:
            args["track_type"] = int(p["track_type"])
    elif k in ("remove_clip", "move_clip"):
        if p.get("clip") is None:
            notes.append(say("which_clip", lang))
            return None
        args = {"operation": k, **{x: p[x] for x in ("clip", "to") if x in p}}
    elif k == "swap_clips":
        args = {"operation": k, "a": p["a"], "b": p["b"]}
    elif k == "reverse_clips":
        args = {"operation": k}
    elif k in HISTORY_KINDS:
        args = {"operation": k, "steps": int(p.get("steps", 1))}
    else:
        return None
    return ToolCall(EDIT_TOOL, args, label)


def plan(request: Request, draft: Mapping[str, Any], uploads: list[Mapping[str, Any]]) -> Plan:
    """The edit calls for a request, given the session's draft and its uploads (newest last).

    ``uploads`` items: {"upload_id", "filename", "file_type", "duration"...} as stored.
    """
    lang = request.lang
    result = Plan(lang=lang)
    has_video = any(t.get("sg") for t in drafts.tracks_of(draft, drafts.VIDEO))
    for intent in request.intents:
        k, p = intent.kind, intent.params
        if k in _NEEDS_VIDEO and not has_video and not request.urls:
            note = say("no_video", lang)
            if note not in result.notes:
                result.notes.append(note)
            continue
        if k == "describe":
            result.reply = drafts.describe(draft) if draft.get("t") else say("empty_timeline", lang)
        elif k == "help":
            prefix = say("unknown_all", lang, text=p["text"]) + "\n\n" if p.get("text") else ""
            result.reply = prefix + help_text(lang)
        elif k == "unsupported":
            result.notes.append(unsupported(p["what"], lang))
        elif k == "unknown":
            result.notes.append(say("unknown", lang, text=p["text"]))
        else:
            call = _call(intent, draft, uploads, lang, result.notes)
            if call is not None:
                result.calls.append(call)
    return result


def _strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether an edit changed anything a render or the user would see (ids aside)."""
    return bool(_strip_ids(dict(before)) != _strip_ids(dict(after)))


def _clip_range(draft: Mapping[str, Any], infos: drafts.Infos, clip: int, span: Span | None) -> tuple[int, int]:
    d = drafts.normalize(draft, infos)
    cs, ce = ops.clip_bounds(d, clip)
    if span is None:
        return cs, ce
    a, b = span.resolve(ce - cs)
    return cs + a, cs + b


def apply_call(draft: Mapping[str, Any], infos: drafts.Infos, call: ToolCall) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one edit call on a draft. Raises ``drafts.EditError`` with plain words."""
    a = call.args
    op = a.get("operation")
    total = int(drafts.normalize(draft, infos)["d"]) if draft.get("t") else 0
    span = _span(a.get("span"))
    if span is None and ("start_ms" in a or "end_ms" in a or "duration_ms" in a):
        start = a.get("start_ms")
        end = a.get("end_ms")
        if end is None and a.get("duration_ms") is not None:
            end = int(start or 0) + int(a["duration_ms"])
        span = Span(start_ms=start, end_ms=end)
    if op == "set_output":
        return edits.set_output(draft, infos, resolution=a.get("resolution", "highest"), fmt=a.get("format", "mp4"))
    if op in ("trim", "cut"):
        if a.get("clip") is not None:
            d = drafts.normalize(draft, infos)
            cs, ce = ops.clip_bounds(d, int(a["clip"]))
            s, e = (span or Span()).resolve(ce - cs)
            return ops.trim_clip(draft, infos, clip=int(a["clip"]), start_ms=s, end_ms=e, keep=op == "trim")
        s, e = (span or Span()).resolve(total)
        if op == "trim":
            return edits.trim(draft, infos, start_ms=s, end_ms=e)
        return edits.cut(draft, infos, start_ms=s, end_ms=e)
    if op == "speed":
        if a.get("clip") is not None:
            s, e = _clip_range(draft, infos, int(a["clip"]), span)
        else:
            s, e = (span or Span()).resolve(total)
        return ops.set_speed(
            draft, infos, factor=float(a["factor"]), start_ms=s, end_ms=e, absolute=bool(a.get("absolute"))
        )
    if op == "fade":
        return ops.set_fade(draft, infos, target=a["target"], which=a["which"], ms=int(a["ms"]))
    if op in ("add_text", "update_text"):
        start = dur = None
        if span is not None:
            start, end = span.resolve(total) if total else (span.start_ms or 0, span.end_ms)
            dur = max(1, end - start) if end is not None else None
        return edits.add_text(
            draft,
            infos,
            text=a["text"],
            start_ms=start if op == "update_text" else (start or 0),
            duration_ms=dur,
            replace=op == "update_text",
            position=a.get("position"),
        )
    if op == "edit_title":
        title_at: tuple[int, int] | None = span.resolve(total) if span is not None else None
        return ops.edit_title(
            draft,
            infos,
            position=a.get("position"),
            start_ms=title_at[0] if title_at else None,
            end_ms=title_at[1] if title_at else None,
        )
    if op == "add_audio":
        return edits.set_music(draft, infos, src=a["source"], volume=a.get("volume", 100))
    if op == "volume":
        return ops.set_volume(draft, infos, target=a["target"], factor=a.get("factor"), percent=a.get("percent"))
    if op == "set_mute":
        return edits.set_mute(draft, infos, mute=bool(a.get("mute")))
    if op == "set_aspect":
        return edits.set_aspect(draft, infos, aspect=a.get("aspect"), fit=a.get("fit", "pad"))
    if op == "set_size":
        return ops.set_size(draft, infos, max_mb=a.get("max_mb"))
    if op == "remove_track":
        return edits.remove_track(draft, infos, track_type=a.get("track_type"), index=a.get("track_index"))
    if op == "remove_clip":
        return ops.remove_clip(draft, infos, clip=int(a["clip"]))
    if op == "move_clip":
        n = len([s for t in drafts.tracks_of(draft, drafts.VIDEO) for s in t.get("sg", [])])
        to = int(a["to"])
        return ops.move_clip(draft, infos, clip=int(a["clip"]), to=-1 if to == -1 or to > n else to)
    if op == "swap_clips":
        return ops.swap_clips(draft, infos, a=int(a["a"]), b=int(a["b"]))
    if op == "reverse_clips":
        return ops.reverse_clips(draft, infos)
    raise drafts.EditError(f"Unknown operation {op!r}.")


def intro_text(calls: list[ToolCall], urls: list[str], lang: str = "en") -> str:
    what = [labels.fetch_label(u, lang) for u in urls] + [c.label for c in calls]
    if not what:
        return ""
    return say("intro", lang, what=join(what, lang) if lang == "zh" else labels.and_join(what))


def final_text(
    done: list[str],
    unchanged: list[str],
    failed: list[str],
    notes: list[str],
    draft: Mapping[str, Any],
    lang: str = "en",
    *,
    before_ms: int | None = None,
    net_zero: bool = False,
) -> str:
    """The closing reply: what was done (with values), what did not change and why, what
    failed and why, what was not understood or cannot be done; then the timeline."""
    lines = []
    if done and net_zero:
        lines.append(say("net_zero", lang, what=join(done, lang)))
        done = []
    if done:
        lines.append(say("done", lang, what=join(done, lang)))
    lines.extend(unchanged)
    lines.extend(failed)
    lines.extend(notes)
    if done:
        after = int(draft.get("d", 0))
        if before_ms and after < before_ms / 2:
            lines.append(say("big_cut", lang, before=f"{before_ms / 1000:g}", after=f"{after / 1000:g}"))
        lines.append(drafts.summary(draft))
        lines.append(say("export_hint", lang))
    return "\n\n".join(lines)  # Markdown paragraphs: a single newline would run them together
