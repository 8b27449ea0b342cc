"""Cutting the timeline: trim (keep a span), cut (remove a span), a target length, and the
clips of the video track (remove, move, swap, reverse, trim one clip); also removing a track.

"trim to 0-10 s", "keep the first 10 seconds", "lose the last 4 seconds", "start at 0:07",
"make it 15 seconds long", "cut 5s to 8s", "cut the first half", "remove the second clip",
"put clip 2 first", "swap the two clips", "trim the second clip to 3 s", "删除5到8秒".
A number alone is never a time here: "one", "clip" and "4:5" do not cut anything.
"""

from __future__ import annotations

import re

from tui.engine.nlu.clause import Clause, Intent
from tui.engine.nlu.refs import CLIP_REF_RE, take_clip, take_clips
from tui.engine.nlu.times import TIME, Span, find_range, find_relative, find_times

TRIM_VERB = re.compile(
    r"\b(?:trim|keep|clip|shorten|limit|only|just|crop|cut\s+(?:it\s+|the\s+video\s+|this\s+)?(?:down\s+)?to|"
    r"reduce\s+it\s+to|make\s+it|make\s+the\s+video|should\s+be|needs?\s+to\s+be|under|max|maximum)\b"
    r"|剪辑|剪到|剪成|裁剪|截取|保留|只要|只留|缩短",
    re.I,
)
CUT_VERB = re.compile(
    r"\b(?:cut\s+out|cut|remove|delete|drop|skip|chop(?:\s+off)?|take\s+out|get\s+rid\s+of|lose|"
    r"throw\s+away|trim\s+off|trim\s+away|shave\s+off|erase|kill)\b|删除|删掉|去掉|剪掉|裁掉|不要",
    re.I,
)
_LENGTH_RE = re.compile(
    r"\b(?:make\s+(?:it|the\s+video|this)|shorten\s+(?:it|the\s+video)|trim\s+(?:it|the\s+video)|"
    r"cut\s+(?:it|the\s+video)(?:\s+down)?|(?:it|the\s+video|this)\s+(?:should|must|has\s+to|can)\s+be|"
    r"make\s+the\s+(?:whole\s+(?:thing|video)|entire\s+(?:thing|video)|total)|"
    r"needs?\s+to\s+be|reduce\s+it)\s+"
    r"(?:to\s+|down\s+to\s+|into\s+)?(?:about\s+|exactly\s+|only\s+|just\s+)?"
    + TIME.replace("(?P<", "(?P<l_")
    + r"(?:\s+(?:long|total|in\s+total|max(?:imum)?))?"
    r"|\b(?:under|max(?:imum)?|at\s+most)\s+"
    + TIME.replace("(?P<", "(?P<u_")
    + r"|(?:剪成|缩短到|缩短为|剪到|控制在)\s*"
    + TIME.replace("(?P<", "(?P<z_"),
    re.I,
)
_START_AT_RE = re.compile(
    r"\b(?:start(?:s|ing)?|begin(?:s|ning)?)\s+(?:it\s+|the\s+video\s+)?(?:at|from)\s+"
    + TIME.replace("(?P<", "(?P<a_")
    + r"|从\s*第?\s*"
    + TIME.replace("(?P<", "(?P<b_")
    + r"\s*开始",
    re.I,
)
_END_AT_RE = re.compile(
    r"\b(?:end(?:s|ing)?|stop(?:s|ping)?|finish(?:es)?)\s+(?:it\s+|the\s+video\s+)?(?:at|by)\s+"
    + TIME.replace("(?P<", "(?P<a_")
    + r"|(?:到|在)\s*"
    + TIME.replace("(?P<", "(?P<b_")
    + r"\s*(?:结束|停)",
    re.I,
)
_AFTER_RE = re.compile(
    r"\b(?:everything|anything|all|the\s+rest|whatever(?:\s+comes)?)\s+(?P<w>after|past|before)\s+(?:the\s+)?"
    + TIME.replace("(?P<", "(?P<x_")
    + r"|(?P<cw>之后|以后|之前|以前)",
    re.I,
)
_TO_RE = re.compile(r"\b(?:to|down\s+to)\s+(?:the\s+)?(?:first\s+)?" + TIME.replace("(?P<", "(?P<t_"), re.I)
_REMOVE_CLIP_RE = re.compile(
    r"\b(?:remove|delete|drop|get\s+rid\s+of|take\s+out|lose|cut|skip|ditch)\b|删除|删掉|去掉|不要", re.I
)
_MOVE_RE = re.compile(
    r"\b(?:move|put|place|play|show|make|bring|order|reorder|switch|swap|flip|exchange|reverse)\b|移到|放到|调换|交换|放在|移动",
    re.I,
)
_TO_START_RE = re.compile(
    r"\b(?:first|to\s+the\s+(?:start|beginning|front)|at\s+the\s+(?:start|beginning|front)|"
    r"before\s+(?:the\s+)?(?:first|other|others)|in\s+front|to\s+the\s+top)\b|最前|开头|第一",
    re.I,
)
_TO_END_RE = re.compile(
    r"\b(?:last|to\s+the\s+end|at\s+the\s+end|after\s+(?:the\s+)?(?:last|other|others)|to\s+the\s+back)\b"
    r"|最后|末尾|结尾",
    re.I,
)
_SWAP_RE = re.compile(r"\b(?:swap|switch|exchange|flip)\b|调换|交换|互换", re.I)
_REVERSE_ORDER_RE = re.compile(r"\breverse\s+(?:the\s+)?order\b|\bin\s+reverse\s+order\b|倒序|反过来", re.I)
_BOTH_CLIPS_RE = re.compile(
    r"\b(?:the\s+)?(?:two|2|both)\s+(?:clips|videos|parts|segments|shots)\b|\bthe\s+(?:clips|videos)\b|\bclips\s+around\b|\border\b|(?:两|2)\s*(?:个)?\s*(?:片段|视频|段)",
    re.I,
)
_TRACK_INDEX_RE = re.compile(
    r"(?:\b(?:remove|delete|drop|get\s+rid\s+of)\b|删除|去掉)\s*(?:the\s+)?track\s*(?:#|no\.?|number)?\s*(?P<i>\d+)",
    re.I,
)
_VIDEO_TRACK_RE = re.compile(
    r"(?:\b(?:remove|delete|drop|get\s+rid\s+of)\b|删除|去掉)\s*(?:the\s+)?(?:whole\s+)?video\s+track", re.I
)


def _first_time(m: re.Match[str]) -> int:
    return find_times(m.group(0))[0].ms


def _clip_ops(c: Clause) -> list[Intent]:
    if not c.search(CLIP_REF_RE) and not c.search(_BOTH_CLIPS_RE) and not c.search(_REVERSE_ORDER_RE):
        return []
    if c.search(_REVERSE_ORDER_RE) and not c.search(CLIP_REF_RE):
        c.take(_REVERSE_ORDER_RE)
        return [Intent("reverse_clips")]
    if c.search(_SWAP_RE):
        c.take(_SWAP_RE)
        clips = take_clips(c)
        if len(clips) >= 2:
            return [Intent("swap_clips", {"a": clips[0], "b": clips[1]})]
        c.take(_BOTH_CLIPS_RE)
        return [Intent("swap_clips", {"a": 1, "b": 2})]
    if not c.search(CLIP_REF_RE):
        return []
    has_time = bool(find_range(c.work) or find_relative(c.work) or find_times(c.work))
    if c.search(_MOVE_RE) and not has_time:
        c.take(_MOVE_RE)
        clip = take_clip(c)
        if c.take(_TO_END_RE):
            return [Intent("move_clip", {"clip": clip, "to": -1})]
        other = take_clip(c)
        if c.take(_TO_START_RE) or other == 1:
            return [Intent("move_clip", {"clip": clip, "to": 1})]
        m = re.search(r"\b(?:to|into)\s+(?:position|place|slot)?\s*(\d{1,2})\b|(?:\bafter\b)", c.work, re.I)
        if other is not None:
            before = re.search(r"\bbefore\b", c.original, re.I)
            return [
                Intent(
                    "move_clip",
                    {
                        "clip": clip,
                        "to": other if before else other + (1 if other > 0 else 0),
                        "after": None if before else other,
                    },
                )
            ]
        if m and m.group(1):
            c.consume(m.span())
            return [Intent("move_clip", {"clip": clip, "to": int(m.group(1))})]
        return [Intent("unknown", {"text": c.shown()})]
    if c.search(_REMOVE_CLIP_RE) and not has_time:
        c.take(_REMOVE_CLIP_RE)
        return [Intent("remove_clip", {"clip": take_clip(c)})]
    if has_time and (c.search(TRIM_VERB) or c.search(CUT_VERB)):
        clip = take_clip(c)
        found = _timeline_cut(c)
        return [Intent(i.kind, {**i.params, "clip": clip}) for i in found]
    return []


def _timeline_cut(c: Clause) -> list[Intent]:
    has_trim, has_cut = c.search(TRIM_VERB), c.search(CUT_VERB)
    cut_means_trim = bool(
        re.search(r"\bcut\s+(?:it\s+|the\s+video\s+|this\s+)?(?:down\s+)?to\b|\bcut\s+(?:it\s+)?down\b", c.work, re.I)
    )
    is_cut = has_cut is not None and not cut_means_trim and not (has_trim and has_trim.start() < has_cut.start())
    m = c.search(_START_AT_RE)
    if m:
        c.consume(m.span())
        e = c.search(_END_AT_RE)
        end = _first_time(e) if e else None
        if e:
            c.consume(e.span())
        return [Intent("trim", {"span": Span(start_ms=_first_time(m), end_ms=end)})]
    m = c.search(_END_AT_RE)
    if m:
        c.consume(m.span())
        return [Intent("trim", {"span": Span(start_ms=0, end_ms=_first_time(m))})]
    m = c.search(_AFTER_RE)
    if m and m.group("w") and (has_cut or has_trim):
        c.consume(m.span())
        c.take(CUT_VERB)
        t = _first_time(m)
        after = m.group("w").lower() in ("after", "past")
        return [
            Intent(
                "cut" if is_cut else "trim",
                {"span": Span(start_ms=t, end_ms=None) if after == is_cut else Span(start_ms=0, end_ms=t)},
            )
        ]
    r = find_range(c.work, bare=bool(has_trim or has_cut))
    if r and (has_trim or has_cut or re.search(r"\bonly\b|\bfrom\b|只", c.work, re.I)):
        c.consume(r[0])
        c.take(CUT_VERB if is_cut else TRIM_VERB)
        return [Intent("cut" if is_cut else "trim", {"span": r[1]})]
    rel = find_relative(c.work)
    if rel:
        (span_chars, first, span) = rel
        if has_trim or has_cut or re.fullmatch(r"\s*(?:just|only)?\s*", c.work[: span_chars[0]], re.I):
            c.consume(span_chars)
            c.take(CUT_VERB if is_cut else TRIM_VERB)
            return [Intent("cut" if is_cut else "trim", {"span": span})]
    m = c.search(_LENGTH_RE)
    if m:
        c.consume(m.span())
        return [Intent("trim", {"span": Span(start_ms=0, end_ms=_first_time(m))})]
    if has_trim and not is_cut:
        m = c.search(_TO_RE)
        if m:
            c.consume(m.span())
            c.take(TRIM_VERB)
            return [Intent("trim", {"span": Span(start_ms=0, end_ms=_first_time(m))})]
        times = find_times(c.work)
        if len(times) == 1 and re.search(r"\b(?:only|just|long|total|so\s+it)\b|只", c.work, re.I):
            c.consume((times[0].start, times[0].end))  # "trim it so it's only 12 seconds"
            c.take(TRIM_VERB)
            return [Intent("trim", {"span": Span(start_ms=0, end_ms=times[0].ms)})]
    return []


def read(c: Clause) -> list[Intent]:
    m = c.take(_TRACK_INDEX_RE)
    if m:
        return [Intent("remove", {"index": int(m.group("i"))})]
    if c.take(_VIDEO_TRACK_RE):
        return [Intent("remove", {"track_type": 0})]
    found = _clip_ops(c)
    if found:
        return found
    return _timeline_cut(c)
