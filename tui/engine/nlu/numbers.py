"""Numbers written as words or Chinese numerals, turned into digits in context.

English number words go through ``text_to_num.alpha2digit`` (the text2num package), which
leaves isolated small words alone ("one of the clips", "no one") so they never turn into
times by themselves; "one"/"two"/"a"/"an" become digits only right before a unit of time
("one second", "a minute"), and "and a half" adds 0.5 to the number before it. Chinese
numerals go through ``cn2an`` (the cn2an package), but only where a numeral is followed by a
unit or preceded by 第/前/后 ("前五秒", "第二个", "一点五倍"), so "看一下" keeps its 一.
Ordinals ("the second clip", "the 3rd one", "第二段") are read by :func:`ordinal`.
"""

from __future__ import annotations

import re

import cn2an
from text_to_num import alpha2digit

_UNIT_AHEAD = r"(?=\s*(?:ms\b|milli|msecs?\b|secs?\b|seconds?\b|s\b|mins?\b|minutes?\b|hours?\b|hrs?\b|x\b|times\b))"
_SMALL = {"one": "1", "two": "2", "a": "1", "an": "1", "zero": "0"}
_SMALL_RE = re.compile(
    r"\b(one|two|a|an|zero)\b(?!\s+second\s+(?:clip|video|title|track|one|part|segment|shot|song|file|text|"
    r"caption|half|time|look))" + _UNIT_AHEAD,
    re.I,
)
_HALF_RE = re.compile(r"(\d+(?:\.\d+)?)\s+and\s+a\s+half\b", re.I)
_HALF_A_RE = re.compile(r"\bhalf\s+(?:a|an)\s+(second|minute|hour)\b", re.I)
_TWO_AND_HALF_RE = re.compile(r"\b(one|two)\s+and\s+a\s+half\b", re.I)
_CN_NUM = "零〇一二两三四五六七八九十百千点半"
_CN_RUN_RE = re.compile(
    rf"(?<=[第前后])[{_CN_NUM}]+|[{_CN_NUM}]+(?=\s*(?:毫秒|秒|分钟|分|小时|倍|个|段|条|帧|%|％|号|兆|MB|mb))"
)

ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "final": -1,
    "opening": 1,
}
_ORD_RE = re.compile(r"^(?:(?P<w>" + "|".join(ORDINAL_WORDS) + r")|(?P<n>\d+)(?:st|nd|rd|th)?)$", re.I)


def _cn_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if run in ("点", "半") or run.startswith("点"):
        return run
    tail = ""
    if run.endswith("半") and len(run) > 1:  # 一分半 is handled by the time reader: keep 半
        run, tail = run[:-1], "半"
    try:
        value = cn2an.cn2an(run, "smart")
    except (ValueError, KeyError):
        return m.group(0)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + tail


def words_to_digits(text: str) -> str:
    """The text with number words written as digits where they are numbers.

    >>> words_to_digits("keep the first five seconds")
    'keep the first 5 seconds'
    >>> words_to_digits("move one of the clips")
    'move one of the clips'
    """
    out = _CN_RUN_RE.sub(_cn_run, text)
    out = _TWO_AND_HALF_RE.sub(lambda m: {"one": "1.5", "two": "2.5"}[m.group(1).lower()], out)
    out = _HALF_A_RE.sub(
        lambda m: {"second": "0.5 seconds", "minute": "30 seconds", "hour": "30 minutes"}[m.group(1).lower()], out
    )
    if re.search(r"[a-z]", out, re.I):
        out = alpha2digit(out, "en")
    out = _SMALL_RE.sub(lambda m: _SMALL[m.group(1).lower()], out)
    out = _HALF_RE.sub(lambda m: f"{float(m.group(1)) + 0.5:g}", out)
    return out


def ordinal(word: str) -> int | None:
    """1-based position for "first"/"2nd"/"3"/"第二"; -1 for "last"; None if not an ordinal."""
    w = word.strip().lower()
    if w.startswith("第"):
        w = w[1:]
        try:
            return int(cn2an.cn2an(w, "smart")) if not w.isdigit() else int(w)
        except (ValueError, KeyError):
            return None
    if w in ("最后", "最后一"):
        return -1
    m = _ORD_RE.match(w)
    if not m:
        return None
    return ORDINAL_WORDS[m.group("w").lower()] if m.group("w") else int(m.group("n"))
