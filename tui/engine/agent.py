"""The engine's agent: turns a parsed request into tool calls on the session's draft, and
writes the replies. Pure: no I/O. The server runs the calls (ingest needs the media layer,
edits are applied with :func:`apply_call`), stores versions and streams the events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.engine import draft as drafts
from tui.engine.intents import Intent, Request

EDIT_TOOL = "edit_multitrack"
INGEST_TOOL = "ingest_media"
EDIT_KINDS = frozenset({"convert", "trim", "cut", "title", "music", "mute", "unmute", "aspect", "remove"})

HELP_TEXT = (
    "Here is what I can do with this project:\n"
    "- fetch a video from a link you paste, in MP4 at the highest available resolution\n"
    "- convert to MP4 at the highest resolution or a named one (\"1080p\", \"720p\", \"4k\")\n"
    "- trim or cut (\"trim to 0-10 s\", \"cut from 5s to 8s\", \"keep the first 10 seconds\")\n"
    "- add a title (\"add the title 'Urban Dreams' from 0s to 3s\")\n"
    "- add background music from an uploaded audio file (\"add music at 35%\")\n"
    "- mute the original audio (\"mute\", \"remove the audio\") or bring it back (\"unmute\")\n"
    "- change the aspect ratio (16:9, 9:16 vertical, 1:1 square)\n"
    "- remove a track (\"remove the title\", \"remove the music\", \"remove track 2\")\n"
    "- describe the timeline (\"show the timeline\")\n"
    "\n"
    "When you are happy with it, export the video."
)


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    label: str  # what the agent says it is doing ("trimming to 0-10 s")


@dataclass
class Plan:
    calls: list[ToolCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things it cannot do, in plain words
    reply: str = ""  # the whole answer for a run without edits (describe / help)

    @property
    def is_edit(self) -> bool:
        return bool(self.calls)


def _s(ms: int | None) -> str:
    return f"{(ms or 0) / 1000:g}"


def _audio_uploads(uploads: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [u for u in uploads if u.get("file_type") == "audio"]


def _pick_music(intent: Intent, uploads: list[Mapping[str, Any]], draft: Mapping[str, Any]) -> Mapping[str, Any] | None:
    audios = _audio_uploads(uploads)
    name = (intent.params.get("name") or "").lower()
    if name:
        for u in audios:
            if u.get("filename", "").lower() == name or name in u.get("filename", "").lower():
                return u
    current = {s.get("src") for t in drafts.tracks_of(draft, drafts.AUDIO) for s in t.get("sg", [])}
    for u in reversed(audios):
        if u.get("upload_id") in current:
            return u
    return audios[-1] if audios else None


def plan(request: Request, draft: Mapping[str, Any], uploads: list[Mapping[str, Any]]) -> Plan:
    """The edit calls for a request, given the session's draft and its uploads (newest last).

    ``uploads`` items: {"upload_id", "filename", "file_type", "duration"...} as stored.
    """
    result = Plan()
    has_video = any(t.get("sg") for t in drafts.tracks_of(draft, drafts.VIDEO))
    total = int(draft.get("d", 0))
    for intent in request.intents:
        k, p = intent.kind, intent.params
        if k in ("trim", "cut", "title", "convert", "aspect", "mute", "unmute") and not has_video:
            note = ("There is no video in this project yet: upload a file or paste a video link, "
                    "then ask again.")
            if note not in result.notes:
                result.notes.append(note)
            continue
        if k == "convert":
            res = p.get("resolution") or "highest"
            label = "the highest available resolution" if res == "highest" else res
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "set_output", "format": "mp4", "resolution": res},
                                         f"setting the output to MP4 at {label}"))
        elif k == "trim":
            if "last_ms" in p:
                start, end = max(0, total - int(p["last_ms"])), total
            else:
                start, end = int(p.get("start_ms") or 0), p.get("end_ms")
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "trim", "track_type": 0, "start_ms": start,
                                                     "end_ms": end},
                                         f"trimming to {_s(start)}-{_s(end if end is not None else total)} s"))
        elif k == "cut":
            if "first_ms" in p:
                start, end = 0, int(p["first_ms"])
            elif "last_ms" in p:
                start, end = max(0, total - int(p["last_ms"])), total
            else:
                start, end = int(p["start_ms"]), int(p["end_ms"])
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "cut", "track_type": 0, "start_ms": start,
                                                     "end_ms": end}, f"cutting out {_s(start)}-{_s(end)} s"))
        elif k == "title":
            existing = [s for t in drafts.tracks_of(draft, drafts.TEXT) for s in t.get("sg", [])]
            if p.get("replace") and existing:
                args = {"operation": "update_text", "track_type": 7, "text": p["text"]}
                if p.get("start_ms") is not None:
                    args["start_ms"] = int(p["start_ms"])
                if p.get("duration_ms") is not None:
                    args["duration_ms"] = int(p["duration_ms"])
                result.calls.append(ToolCall(EDIT_TOOL, args, f"changing the title to \"{p['text']}\""))
                continue
            start = int(p.get("start_ms") or 0)
            dur = int(p.get("duration_ms") or drafts.DEFAULT_TITLE_MS)
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "add_text", "track_type": 7, "text": p["text"],
                                                     "start_ms": start, "duration_ms": dur},
                                         f"adding the title \"{p['text']}\" ({_s(start)}-{_s(start + dur)} s)"))
        elif k == "music":
            chosen = _pick_music(intent, uploads, draft)
            if chosen is None:
                result.notes.append("To add background music, upload an audio file first (mp3, wav, m4a or aac), "
                                    "then ask again.")
                continue
            vol = p.get("volume")
            if vol is None:
                current = [s for t in drafts.tracks_of(draft, drafts.AUDIO) for s in t.get("sg", [])]
                vol = int(current[0].get("vol", 100)) if current else 100
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "add_audio", "track_type": 1,
                                                     "source": chosen["upload_id"], "volume": int(vol)},
                                         f"adding \"{chosen.get('filename')}\" as background music at {int(vol)}%"))
        elif k in ("mute", "unmute"):
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "set_mute", "mute": k == "mute"},
                                         "muting the original audio" if k == "mute" else "restoring the original audio"))
        elif k == "aspect":
            a = p.get("aspect")
            result.calls.append(ToolCall(EDIT_TOOL, {"operation": "set_aspect", "aspect": a},
                                         f"changing the aspect ratio to {a or 'the source'}"))
        elif k == "remove":
            args: dict[str, Any] = {"operation": "remove_track"}
            if p.get("index") is not None:
                args["track_index"] = int(p["index"])
                label = f"removing track {p['index']}"
            else:
                args["track_type"] = int(p["track_type"])
                label = "removing the " + {0: "video", 1: "music", 7: "title"}.get(int(p["track_type"]), "") + " track"
            result.calls.append(ToolCall(EDIT_TOOL, args, label))
        elif k == "describe":
            result.reply = drafts.describe(draft) if draft.get("t") else (
                "The timeline is empty. Upload a file or paste a video link to start.")
        elif k == "help":
            prefix = "I'm not sure what you mean. " if p.get("unknown") else ""
            result.reply = prefix + HELP_TEXT
    return result


def apply_call(draft: Mapping[str, Any], infos: drafts.Infos, call: ToolCall) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one edit call on a draft. Raises ``drafts.EditError`` with plain words."""
    a = call.args
    op = a.get("operation")
    if op == "set_output":
        return drafts.set_output(draft, infos, resolution=a.get("resolution", "highest"), fmt=a.get("format", "mp4"))
    if op == "trim":
        return drafts.trim(draft, infos, start_ms=a["start_ms"], end_ms=a.get("end_ms"))
    if op == "cut":
        return drafts.cut(draft, infos, start_ms=a["start_ms"], end_ms=a["end_ms"])
    if op == "add_text":
        return drafts.add_text(draft, infos, text=a["text"], start_ms=a.get("start_ms", 0),
                               duration_ms=a.get("duration_ms"))
    if op == "update_text":
        return drafts.add_text(draft, infos, text=a["text"], start_ms=a.get("start_ms"),
                               duration_ms=a.get("duration_ms"), replace=True)
    if op == "add_audio":
        return drafts.set_music(draft, infos, src=a["source"], volume=a.get("volume", 100))
    if op == "set_mute":
        return drafts.set_mute(draft, infos, mute=bool(a.get("mute")))
    if op == "set_aspect":
        return drafts.set_aspect(draft, infos, aspect=a.get("aspect"))
    if op == "remove_track":
        return drafts.remove_track(draft, infos, track_type=a.get("track_type"), index=a.get("track_index"))
    raise drafts.EditError(f"Unknown operation {op!r}.")


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def intro_text(calls: list[ToolCall], urls: list[str]) -> str:
    labels = [f"fetching {u} in MP4 at the highest available resolution" for u in urls]
    labels += [c.label for c in calls]
    return f"Sure! I'm {_join(labels)}." if labels else ""


def final_text(done: list[str], failed: list[str], notes: list[str], draft: Mapping[str, Any]) -> str:
    lines = []
    if done:
        lines.append("Done: " + "; ".join(done) + ".")
    for f in failed:
        lines.append(f"I couldn't do that: {f}")
    lines.extend(notes)
    if done:
        lines.append(drafts.summary(draft))
        lines.append("When you are happy with it, export the video.")
    return "\n\n".join(lines)  # Markdown paragraphs: a single newline would run them together
