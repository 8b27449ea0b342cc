"""References to one clip of the video track: "the second clip", "clip 2", "the last video",
"第二个片段". Ordinals come from :func:`tui.engine.nlu.numbers.ordinal`."""

from __future__ import annotations

import re

from tui.engine.nlu.clause import Clause
from tui.engine.nlu.numbers import ordinal

CLIP_NOUN = r"(?:clips?|videos?|parts?|segments?|shots?|scenes?|files?|ones?|pieces?)"
_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|opening|\d+(?:st|nd|rd|th))"
_SMALL_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
CLIP_REF_RE = re.compile(
    rf"\b(?:the\s+)?(?P<o>{_ORD})\s+{CLIP_NOUN}\b"
    rf"|\b(?:clip|segment|part|video|shot|scene)\s*(?:#|no\.?|number)?\s*(?P<n>\d{{1,2}}|one|two|three|four|five|six)\b(?!\s*(?:s|sec|seconds?|秒|%|x|:))"
    r"|第\s*(?P<c>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:个|段|条)?\s*(?:片段|视频|镜头|段落|部分|段|个)"
    r"|最后(?:一|1)?\s*(?:个|段)\s*(?:片段|视频|镜头)?",
    re.I,
)


def clip_number(m: re.Match[str]) -> int | None:
    if m.group("o"):
        return ordinal(m.group("o"))
    if m.group("n"):
        n = m.group("n").lower()
        return _SMALL_WORDS.get(n) or int(n)
    if m.group("c"):
        return ordinal("第" + m.group("c"))
    return -1  # 最后一个片段


def take_clip(c: Clause) -> int | None:
    """The first clip reference in the clause, consumed; None if there is none."""
    m = CLIP_REF_RE.search(c.work)
    if not m:
        return None
    c.consume(m.span())
    return clip_number(m)


def take_clips(c: Clause) -> list[int]:
    """Every clip reference in the clause, consumed, in order ("swap clip 1 and clip 3")."""
    out: list[int] = []
    pair = re.search(
        r"\bclips?\s*(\d{1,2})\s+(?:and|with|&)\s+(?:clip\s*)?(\d{1,2})\b(?!\s*(?:s|sec|seconds?|秒|%|x))", c.work, re.I
    )
    if pair:
        c.consume(pair.span())
        return [int(pair.group(1)), int(pair.group(2))]
    while True:
        n = take_clip(c)
        if n is None:
            break
        out.append(n)
    # "swap clips 1 and 3", "swap clip 1 and 2": the second number is bare
    m = re.search(
        r"\b(?:clips?\s*)?(\d{1,2})\s+(?:and|with|&)\s+(?:clip\s*)?(\d{1,2})\b(?!\s*(?:s|sec|seconds?|秒|%|x))",
        c.work,
        re.I,
    )
    if m and len(out) < 2:
        c.consume(m.span())
        out = [int(m.group(1)), int(m.group(2))] if not out else out + [int(m.group(2))]
    return out
