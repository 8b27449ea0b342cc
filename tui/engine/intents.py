"""Understand an edit request (English or Chinese): text in, a list of typed intents out.

Pure and deterministic: no I/O, no draft. ``parse(text) -> Request``. The text is read in
steps: links are set aside, quoted text is replaced by placeholders (taken whole, see
:mod:`tui.engine.nlu.quotes`), typos are corrected and number words become digits
(:mod:`tui.engine.nlu.typos`, :mod:`tui.engine.nlu.numbers`); then the request is split into
clauses ("trim it, make it vertical and add a fade") and each clause is read by the rules of
:mod:`tui.engine.nlu.rules_time`, :mod:`~tui.engine.nlu.rules_media` and
:mod:`~tui.engine.nlu.rules_title`. A clause no rule understands becomes an ``unsupported``
intent (a known thing the engine cannot do, with the nearest thing it can) or an
``unknown`` one: nothing is dropped silently. The agent decides what each intent means for
the session's draft (:mod:`tui.engine.agent`).

Intent kinds and their params (times in ms; ``span`` is a :class:`~tui.engine.nlu.times.Span`;
``clip`` is a 1-based clip number on the video track, -1 for the last):
- ``convert``     resolution ("highest" | "2160p" | "1080p" | ... | None = keep), format "mp4"
- ``trim``        keep a span: span, clip (None = the whole timeline)
- ``cut``         remove a span: span, clip
- ``speed``       factor (0.25..4), span (None = all), clip
- ``fade``        target ("video" | "music"), which ("in" | "out" | "both"), ms
- ``title``       text, span (None = default timing), position (None = centre), replace (bool)
- ``title_edit``  position and/or span of the existing title
- ``music``       volume (int | None), name (a file name the user mentioned)
- ``volume``      target ("music" | "video" | "all"), factor (relative) or percent (absolute)
- ``mute`` / ``unmute``  the video's own sound
- ``aspect``      aspect ("4:5" | "9:16" | ... | None for the source's), fit ("pad" | "crop")
- ``size``        max_mb (float | None = just smaller), reason ("WhatsApp" ...)
- ``remove``      track_type (0 video, 1 music, 7 title) or index (1-based track number)
- ``remove_clip`` clip; ``move_clip`` clip, to (1-based, -1 = the end); ``swap_clips`` a, b;
  ``reverse_clips``
- ``undo`` (steps) / ``redo`` / ``revert``
- ``describe`` / ``help``
- ``unsupported`` what (a key of the replies), text (the clause)
- ``unknown``     text (a clause nothing understood)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.engine.nlu import rules_media, rules_time, rules_title
from tui.engine.nlu.clause import Clause, Intent, split_clauses  # noqa: F401 (Intent is re-exported)
from tui.engine.nlu.numbers import words_to_digits
from tui.engine.nlu.quotes import extract
from tui.engine.nlu.refs import CLIP_REF_RE
from tui.engine.nlu.typos import correct
from tui.engine.nlu.unsupported import unsupported_intent

__all__ = ["Intent", "Request", "parse", "URL_RE", "EDIT_KINDS"]

URL_RE = re.compile(r"https?://[^\s<>\"'`)\]}，。]+", re.I)
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
# Kinds that change the draft and cost credits when they do.
EDIT_KINDS = frozenset(
    {
        "convert",
        "trim",
        "cut",
        "speed",
        "fade",
        "title",
        "title_edit",
        "music",
        "volume",
        "mute",
        "unmute",
        "aspect",
        "size",
        "remove",
        "remove_clip",
        "move_clip",
        "swap_clips",
        "reverse_clips",
    }
)
HISTORY_KINDS = frozenset({"undo", "redo", "revert"})
_FILLER_RE = re.compile(
    r"\b(?:please|pls|plz|thanks?|thank\s+you|thx|ok(?:ay)?|hi|hello|hey|can\s+you|could\s+you|would\s+you|"
    r"i\s+want(?:\s+to)?|i'?d\s+like(?:\s+to)?|i\s+need(?:\s+to)?|for\s+me|the\s+video|this\s+video|my\s+video|"
    r"the\s+clip|it|this|that|and|also|then|just|now|a\s+bit|a\s+little|too|so|yes|no|do|the|a|an|me|us|"
    r"video|clip|some|of|to|with|in|on|at|lets?|let's|go|great|cool|nice|perfect|wow|again)\b"
    r"|请|谢谢|麻烦|帮我|一下|把|视频|吧|呢|啊|好的|好|给我|我想|我要|这个|它",
    re.I,
)


@dataclass(frozen=True)
class Request:
    text: str
    intents: list[Intent]
    urls: list[str]
    lang: str = "en"  # "zh" when the request is written in Chinese: the reply is too

    def kinds(self) -> list[str]:
        return [i.kind for i in self.intents]

    def first(self, kind: str) -> Intent | None:
        return next((i for i in self.intents if i.kind == kind), None)


_GLOBAL_RE = [
    (re.compile(r"\bredo\b|重做|恢复撤销", re.I), "redo"),
    (
        re.compile(
            r"\b(?:revert|reset|start\s+over|start\s+again|from\s+scratch|back\s+to\s+(?:the\s+)?original"
            r"(?!\s+(?:aspect|ratio|shape|size|resolution|quality|sound|audio|speed)))\b|恢复原样|重新开始|还原",
            re.I,
        ),
        "revert",
    ),
    (
        re.compile(
            r"\bundo\b|\bgo\s+back\b|\btake\s+(?:that|it)\s+back\b|\bchanged?\s+my\s+mind\b|撤销|撤回|"
            r"\brevert\s+(?:the\s+)?last\b",
            re.I,
        ),
        "undo",
    ),
]
_DESCRIBE_RE = re.compile(
    r"\b(?:describe|timeline|show\s+(?:me\s+)?(?:the\s+)?tracks?|what'?s\s+in|what\s+is\s+in|summary|summari[sz]e|status|"
    r"overview|how\s+long\s+is)\b|时间线|轨道|状态|概览",
    re.I,
)
_HELP_RE = re.compile(r"\bhelp\b|what\s+can\s+you\s+do|how\s+does\s+this\s+work|帮助|你能做什么", re.I)
_UNDO_STEPS_RE = re.compile(
    r"\b(?:last|past)\s+(\d+)\s+(?:changes?|edits?|steps?)\b|(\d+)\s+(?:steps?|times|changes?)\b", re.I
)
# "is 4:5 better than 9:16?" asks, it does not edit ("can you make it 4:5?" does)
_QUESTION_RE = re.compile(
    r"^\s*(?:is|are|should|which|what|how|does|do|will|was|were|why|where|when|who|isn'?t|"
    r"would\s+(?:it|that|4|9|1)|是不是|哪个|怎么样|为什么|多长)\b.*[?？]\s*$|吗[?？]?\s*$",
    re.I | re.S,
)
_PRONOUN_RE = re.compile(r"\bit\b|\bthem\b|它")
_FOLLOWS_MUSIC_RE = re.compile(
    r"\bfade|\bquieter|\blouder|\bsofter|\bvolume|\bturn\b.*\b(?:down|up|off)\b|\bmute|淡|调", re.I
)


def _history_intent(c: Clause) -> Intent | None:
    for rx, kind in _GLOBAL_RE:
        m = rx.search(c.work)
        if m:
            params: dict[str, Any] = {}
            if kind == "undo":
                steps = _UNDO_STEPS_RE.search(c.work)
                params["steps"] = int(steps.group(1) or steps.group(2)) if steps else 1
            c.consume(m.span())
            c.work = _UNDO_STEPS_RE.sub(" ", c.work)
            return Intent(kind, params)
    return None


def _leftover_is_filler(c: Clause) -> bool:
    rest = _FILLER_RE.sub(" ", c.work)
    return not re.search(r"[A-Za-z]{2,}|[\u3400-\u9fff]", rest)


def _read_clause(c: Clause) -> list[Intent]:
    found: list[Intent] = []
    hist = _history_intent(c)
    if hist:
        return [hist]
    for rule in (rules_title.read, rules_media.read, rules_time.read):
        found.extend(rule(c))
    if not found:
        u = unsupported_intent(c)
        if u is not None:
            return [u]
        if _DESCRIBE_RE.search(c.work):
            return [Intent("describe")]
        if _HELP_RE.search(c.work):
            return [Intent("help")]
        if not _leftover_is_filler(c):
            return [Intent("unknown", {"text": c.shown()})]
        return []
    u = unsupported_intent(c)  # "make it vertical and add my logo": the logo is named, not dropped
    if u is not None:
        found.append(u)
    return found


def parse(text: str) -> Request:
    original = text
    urls: list[str] = []
    for m in URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        if url not in urls:
            urls.append(url)
    work = URL_RE.sub(" ", text).replace("\u00a0", " ")
    work, quoted = extract(work)
    lang = "zh" if _CJK_RE.search(work) else "en"
    work = words_to_digits(correct(work))
    intents: list[Intent] = []
    if _QUESTION_RE.search(work):
        kind = "describe" if _DESCRIBE_RE.search(work) else "help"
        return Request(text=original, intents=[Intent(kind)], urls=urls, lang=lang)
    clauses = split_clauses(work, quoted)
    for i, clause in enumerate(clauses):
        prev = clauses[i - 1].original if i else ""
        if (
            prev
            and rules_media.MUSIC_RE.search(prev)
            and _FOLLOWS_MUSIC_RE.search(clause.work)
            and _PRONOUN_RE.search(clause.work)
            and not re.search(r"\bvideo|视频", clause.work, re.I)
        ):
            clause.work = clause.original = _PRONOUN_RE.sub("the music", clause.work, count=1)  # "...and fade it out"
        if intents and intents[-1].kind == "title" and clause.quotes_in() and not rules_title.has_verb(clause):
            clause.work = clause.original = "add the title " + clause.work  # "... and 'Bye' at the bottom"
        found = _read_clause(clause)
        if i + 1 < len(clauses) and [f.kind for f in found] == ["unknown"]:
            nxt = clauses[i + 1]
            joined = Clause(
                work=clause.work + " " + nxt.work, quoted=quoted, original=clause.original + ", " + nxt.original
            )
            merged = _read_clause(joined)
            if merged and "unknown" not in [f.kind for f in merged]:  # "can u cut the end, last 6 sec"
                nxt.work = nxt.original = " "
                intents.extend(merged)
                continue
        if (
            i + 1 < len(clauses)
            and [f.kind for f in found] == ["unknown"]
            and CLIP_REF_RE.search(clause.original)
            and re.search(r"\bits?\b|\bthat\s+one\b", clauses[i + 1].work, re.I)
        ):
            ref = CLIP_REF_RE.search(clause.original)
            assert ref is not None
            nxt = clauses[i + 1]
            nxt.work = nxt.original = ref.group(0) + " " + nxt.work  # "the second clip is too long, keep its first 5 s"
            continue
        intents.extend(found)
    # "add the title 'X' ... and 9:16": merge repeated kinds that the clauses produced twice
    seen: set[tuple[str, str]] = set()
    unique: list[Intent] = []
    for item in intents:
        key = (item.kind, repr(sorted(item.params.items())))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    intents = unique
    if not intents and not urls and not original.strip():
        intents = [Intent("help", {"unknown": True})]
    if intents and all(i.kind == "unknown" for i in intents) and not urls:
        intents = [Intent("help", {"unknown": True, "text": original.strip()})]
    if [i.kind for i in intents] == ["help", "describe"] or [i.kind for i in intents] == ["describe", "help"]:
        intents = [Intent("help")]
    return Request(text=original, intents=intents, urls=urls, lang=lang)
