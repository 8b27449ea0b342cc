"""The draft in words and in bars: what changed between two drafts, and a bar per track.

``describe_changes`` is what the chat says after a silent edit (the agent answered with tool
calls only) or after a disconnect: one ``✅ ...`` line per change a user would notice.
``track_bars`` draws each track to scale in a fixed number of terminal cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tui.api.models import Draft, Segment, Track

MAX_CHANGE_LINES = 12

FULL = "█"
ALT = "▓"
EMPTY = "·"


# --- time formatting ----------------------------------------------------------------------


def _seconds_text(ms: int | float) -> str:
    """Seconds as a short number: 3000 -> "3", 1500 -> "1.5"."""
    s = max(0.0, float(ms)) / 1000
    if abs(s - round(s)) < 0.05:
        return str(int(round(s)))
    return f"{s:.1f}"


def format_ms(ms: int | float | None) -> str:
    """A duration for people: 0 -> "0s", 3000 -> "3s", 1500 -> "1.5s", 65000 -> "1m05s",
    3723000 -> "1h02m03s". Negative or missing values read as 0s."""
    try:
        value = float(ms or 0)
    except (TypeError, ValueError):
        value = 0.0
    if value != value or value < 0:  # NaN / negative
        value = 0.0
    if value < 60_000:
        return f"{_seconds_text(value)}s"
    total = int(round(value / 1000))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{seconds:02d}s"
    return f"{minutes}m{seconds:02d}s"


def format_span(start_ms: int | float, end_ms: int | float) -> str:
    """A time range: (0, 3000) -> "0–3s"; (60000, 65000) -> "1m00s–1m05s"."""
    start = max(0.0, float(start_ms or 0))
    end = max(start, float(end_ms or 0))
    if end < 60_000:
        return f"{_seconds_text(start)}–{_seconds_text(end)}s"
    return f"{format_ms(start)}–{format_ms(end)}"


# --- labels -------------------------------------------------------------------------------


def _track_label(track: Track) -> str:
    if track.name:
        return track.name
    return {"Video": "Video", "Audio": "BGM", "Text": "Title"}.get(track.kind, "Track")


def _seg_name(seg: Segment) -> str:
    """A clip's name, never an internal id ("a clip" when nothing better is known)."""
    return seg.clip_name


def _quoted(seg: Segment) -> str:
    """A title's words in quotes, or "a title" when the draft holds none (never an id)."""
    return seg.title


def _title_subject(seg: Segment) -> str:
    """ "Title "Hello"" / "A title": the subject of a sentence about a title segment."""
    return f"Title {seg.title}" if seg.text or seg.name else "A title"


def _volume(seg: Segment) -> str:
    return "" if seg.volume is None else f"{seg.volume:.0f}%"


def _added_line(track: Track, seg: Segment) -> str:
    kind = track.kind
    if kind == "Text":
        return f"✅ Title added: {_quoted(seg)} ({format_span(seg.start_ms, seg.end_ms)})"
    if kind == "Audio":
        vol = _volume(seg)
        return f"✅ Music added: {_seg_name(seg)}" + (f" at {vol}" if vol else "")
    if kind == "Video":
        return f"✅ Clip added: {_seg_name(seg)} ({format_span(seg.start_ms, seg.end_ms)})"
    return f"✅ Added to {_track_label(track)}: {_seg_name(seg)} ({format_span(seg.start_ms, seg.end_ms)})"


def _removed_line(track: Track, seg: Segment) -> str:
    if track.kind == "Text":
        return f"✅ Title removed: {_quoted(seg)}"
    if track.kind == "Audio":
        return f"✅ Music removed: {_seg_name(seg)}"
    return f"✅ Clip removed: {_seg_name(seg)}"


def _changed_lines(track: Track, old: Segment, new: Segment) -> list[str]:
    lines: list[str] = []
    name = _seg_name(new)
    if track.kind == "Text" and (old.text or old.name) != (new.text or new.name):
        lines.append(f"✅ Title changed: {_quoted(old)} → {_quoted(new)}")
    elif track.kind != "Text" and old.source != new.source and old.source and new.source:
        lines.append(f"✅ Replaced: {_seg_name(old)} → {name}")
    span = format_span(new.start_ms, new.end_ms)
    if old.duration_ms != new.duration_ms or old.in_ms != new.in_ms:
        what = _title_subject(new) if track.kind == "Text" else name
        lines.append(f"✅ Trimmed: {what} now {span}")
    elif old.start_ms != new.start_ms and track.kind != "Video":
        # Video segments play back to back: a move there only follows another clip's trim.
        what = _title_subject(new) if track.kind == "Text" else name
        lines.append(f"✅ Moved: {what} now {span}")
    if old.volume != new.volume and new.volume is not None:
        if new.volume <= 0:
            lines.append(f"✅ Muted: {name}")
        else:
            lines.append(f"✅ Volume: {name} now {_volume(new)}")
    return lines


# --- matching -----------------------------------------------------------------------------


def _match(
    old: list[Any], new: list[Any], key: Callable[[Any], str]
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair items by id (in order among equal ids), the id-less ones by position."""
    pairs: list[tuple[Any, Any]] = []
    unmatched_old = list(range(len(old)))
    by_id: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        if key(item):
            by_id.setdefault(key(item), []).append(i)
    anon_old = [i for i, item in enumerate(old) if not key(item)]
    added: list[Any] = []
    for item in new:
        k = key(item)
        if k and by_id.get(k):
            i = by_id[k].pop(0)
        elif not k and anon_old:
            i = anon_old.pop(0)
        else:
            added.append(item)
            continue
        unmatched_old.remove(i)
        pairs.append((old[i], item))
    return pairs, [old[i] for i in unmatched_old], added


def _meta(draft: Draft, key: str) -> Any:
    meta = draft.meta if isinstance(draft.meta, dict) else {}
    return meta.get(key)


def _meta_lines(before: Draft, after: Draft) -> list[str]:
    lines: list[str] = []
    mute_old, mute_new = bool(_meta(before, "mute")), bool(_meta(after, "mute"))
    if mute_old != mute_new:
        lines.append("✅ Audio muted" if mute_new else "✅ Audio unmuted")
    res_old, res_new = _meta(before, "resolution"), _meta(after, "resolution")
    size_old = (_meta(before, "width"), _meta(before, "height"))
    size_new = (_meta(after, "width"), _meta(after, "height"))
    if res_old != res_new and res_new:
        if str(res_new).lower() in ("highest", "source", "original"):
            lines.append("✅ Output set to the highest available resolution")
        else:
            lines.append(f"✅ Output set to {res_new}")
    elif (
        size_old != size_new
        and _meta(before, "aspect") == _meta(after, "aspect")
        and all(isinstance(v, (int, float)) and v > 0 for v in size_new)
    ):
        lines.append(f"✅ Output size set to {int(size_new[0])}×{int(size_new[1])}")
    aspect_old, aspect_new = _meta(before, "aspect"), _meta(after, "aspect")
    if aspect_old != aspect_new:
        lines.append(f"✅ Aspect ratio set to {aspect_new}" if aspect_new else "✅ Aspect ratio set to the source's")
    title_old, title_new = _meta(before, "title"), _meta(after, "title")
    if title_old != title_new and title_new:
        lines.append(f'✅ Project renamed: "{title_new}"')
    fps_old, fps_new = _meta(before, "fps"), _meta(after, "fps")
    if fps_old != fps_new and fps_new:
        lines.append(f"✅ Frame rate set to {fps_new} fps")
    return lines


def describe_changes(before: Draft | Any, after: Draft | Any) -> list[str]:
    """One ``✅`` line per change a user would notice between two drafts; [] if none.

    Accepts Draft objects or anything ``Draft.parse`` accepts (the raw short-key dict)."""
    before = Draft.parse(before) if not isinstance(before, Draft) else before
    after = Draft.parse(after) if not isinstance(after, Draft) else after
    lines: list[str] = []
    track_pairs, removed_tracks, added_tracks = _match(before.tracks, after.tracks, lambda t: t.id)
    for track in added_tracks:
        if track.segments:
            lines.extend(_added_line(track, seg) for seg in track.segments)
        else:
            lines.append(f"✅ Track added: {_track_label(track)}")
    for track in removed_tracks:
        lines.append(f"✅ Track removed: {_track_label(track)}")
    for old_track, new_track in track_pairs:
        if old_track.name != new_track.name and old_track.name and new_track.name:
            lines.append(f"✅ Track renamed: {old_track.name} → {new_track.name}")
        seg_pairs, removed, added = _match(old_track.segments, new_track.segments, lambda s: s.id)
        for seg in added:
            lines.append(_added_line(new_track, seg))
        for seg in removed:
            lines.append(_removed_line(new_track, seg))
        for old_seg, new_seg in seg_pairs:
            lines.extend(_changed_lines(new_track, old_seg, new_seg))
    lines.extend(_meta_lines(before, after))
    if before.duration_ms != after.duration_ms:
        lines.append(f"✅ Duration: {format_ms(before.duration_ms)} → {format_ms(after.duration_ms)}")
    if len(lines) > MAX_CHANGE_LINES:
        extra = len(lines) - (MAX_CHANGE_LINES - 1)
        lines = lines[: MAX_CHANGE_LINES - 1] + [f"✅ …and {extra} more changes (see the timeline pane)"]
    return lines


def drafts_differ(before: Draft, after: Draft) -> bool:
    """True if anything at all differs (also fields describe_changes does not put in words)."""
    return bool(describe_changes(before, after)) or before.to_wire() != after.to_wire()


# --- bars ---------------------------------------------------------------------------------


def timeline_length_ms(draft: Draft) -> int:
    """The length the bars are drawn against: the draft's duration or its last segment end."""
    ends: Iterable[int] = (seg.end_ms for t in draft.tracks for seg in t.segments)
    return max([draft.duration_ms or 0, *ends])


def track_bars(draft: Draft | Any, width: int) -> list[tuple[str, str]]:
    """One (label, bar) per track; each bar is exactly ``width`` cells (0 if width <= 0).

    Segments are drawn to scale against the draft's length; consecutive segments alternate
    between "█" and "▓" so a cut between two clips shows; "·" is time with nothing on it.
    A segment shorter than one cell still gets one cell."""
    draft = Draft.parse(draft) if not isinstance(draft, Draft) else draft
    width = max(0, int(width))
    total = timeline_length_ms(draft)
    rows: list[tuple[str, str]] = []
    for track in draft.tracks:
        cells = [EMPTY] * width
        if total > 0 and width:
            segments = sorted(track.segments, key=lambda s: (s.start_ms, s.end_ms))
            for index, seg in enumerate(segments):
                start = min(total, max(0, seg.start_ms))
                end = min(total, max(start, seg.end_ms))
                if seg.duration_ms <= 0 or end <= start:
                    continue
                c0 = min(width - 1, int(start * width / total))
                c1 = max(c0 + 1, min(width, -(-end * width // total)))  # ceil
                glyph = FULL if index % 2 == 0 else ALT
                for c in range(c0, c1):
                    cells[c] = glyph
        rows.append((_track_label(track), "".join(cells)))
    return rows


def ruler(draft: Draft | Any, width: int) -> str:
    """A scale line of ``width`` cells: "0s" at the left, the length at the right."""
    draft = Draft.parse(draft) if not isinstance(draft, Draft) else draft
    width = max(0, int(width))
    left, right = "0s", format_ms(timeline_length_ms(draft))
    if width < len(left) + len(right) + 1:
        return (right if len(right) <= width else "")[:width].rjust(width)
    return left + " " * (width - len(left) - len(right)) + right


__all__ = [
    "describe_changes",
    "drafts_differ",
    "format_ms",
    "format_span",
    "ruler",
    "timeline_length_ms",
    "track_bars",
]
