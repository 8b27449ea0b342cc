"""Time expressions in edit requests, read into milliseconds.

Run :func:`tui.engine.nlu.numbers.words_to_digits` first: this module reads digits only.

Forms: clock times ``0:07``, ``1:02.5``, ``00:01:05`` (a clock needs two-digit seconds, so an
aspect ratio such as ``4:5`` or ``16:9`` is never a time); a number with a unit ``2.5 s``,
``500ms``, ``3 secs``, ``2 minutes``, ``1m30s``, ``1 min 30``, ``5秒``, ``1分半``, ``1分30秒``;
ranges ``0-10 s``, ``from 0:02 to 0:06``, ``between 1 and 2 minutes``, ``5到8秒``; spans
relative to the video: "the first 5 s", "the last 3 seconds", "the first half", "the last
third", "前5秒", "最后3秒", "后半段". A bare number is a time only where the caller says so
(``bare=True``), e.g. "trim 5-8" after a trim verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNIT = (
    r"(?:ms|milliseconds?|millisecs?|msecs?|secs?\.?|seconds?|s|mins?\.?|minutes?|m|hrs?|hours?|h"
    r"|毫秒|秒钟|秒|分钟|分|小时)"
)
_UNIT_END = r"(?![a-z])"
# 9:16 is the vertical aspect ratio, never a time (the other ratios have one-digit seconds)
CLOCK = r"(?<![\d:])(?!9:16(?![\d:.]))\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
NUM = r"\d+(?:\.\d+)?"
# minutes then seconds: 1m30s, 1 min 30, 1 minute and 30 seconds, 1分30秒, 1分半
_COMPOUND = (
    rf"(?P<cm>\d+)\s*(?:m|mins?|minutes?|分钟|分){_UNIT_END}\s*(?:and\s+)?"
    rf"(?:(?P<cs>{NUM})\s*(?:s|secs?|seconds?|秒)?{_UNIT_END}|(?P<ch>半))"
)
TIME = rf"(?:(?P<compound>{_COMPOUND})|(?P<clock>{CLOCK})(?!\d)|(?P<num>{NUM})\s*(?P<unit>{UNIT}){_UNIT_END})"
_TIME_RE = re.compile(TIME, re.I)
_SEP = r"\s*(?:-|–|—|~|to|until|till|through|thru|and|到|至)\s*"
_END_WORDS = r"(?:the\s+end|end|结尾|最后)"


def _unit_ms(unit: str | None) -> float:
    u = (unit or "s").lower().rstrip(".")
    if u.startswith("ms") or u.startswith("milli") or u == "毫秒":
        return 1.0
    if u in ("m", "min", "mins", "minute", "minutes", "分钟", "分"):
        return 60000.0
    if u in ("h", "hr", "hrs", "hour", "hours", "小时"):
        return 3600000.0
    return 1000.0


def clock_ms(text: str) -> int:
    secs = 0.0
    for part in text.split(":"):
        secs = secs * 60 + float(part)
    return int(round(secs * 1000))


def _match_ms(m: re.Match[str], prefix: str = "") -> int:
    g = m.groupdict()
    if g.get(prefix + "compound"):
        secs = 30.0 if g.get(prefix + "ch") else float(g.get(prefix + "cs") or 0)
        return int(round(float(g[prefix + "cm"]) * 60000 + secs * 1000))
    if g.get(prefix + "clock"):
        return clock_ms(g[prefix + "clock"])
    return int(round(float(g[prefix + "num"]) * _unit_ms(g.get(prefix + "unit"))))


@dataclass(frozen=True)
class TimeMatch:
    start: int  # character span in the text
    end: int
    ms: int


def find_times(text: str) -> list[TimeMatch]:
    """Every time with a unit or a clock form, in order."""
    return [TimeMatch(m.start(), m.end(), _match_ms(m)) for m in _TIME_RE.finditer(text)]


def parse_time(text: str, *, bare: bool = False) -> int | None:
    """One whole expression ("0:07", "2.5 s", "1分半"); a bare number is seconds if ``bare``."""
    t = text.strip()
    m = _TIME_RE.fullmatch(t)
    if m:
        return _match_ms(m)
    if bare and re.fullmatch(NUM, t):
        return int(round(float(t) * 1000))
    return None


@dataclass(frozen=True)
class Span:
    """A part of the timeline. Absolute (start_ms/end_ms; end None = to the end), the last N
    ms (``last_ms``), or a fraction of the length (``frac`` = (from, to), 0..1)."""

    start_ms: int | None = None
    end_ms: int | None = None
    last_ms: int | None = None
    frac: tuple[float, float] | None = None

    def resolve(self, total_ms: int) -> tuple[int, int]:
        """(start, end) in ms on a timeline of ``total_ms``, clamped to it."""
        if self.frac is not None:
            a, b = self.frac
            return int(round(total_ms * a)), int(round(total_ms * b))
        if self.last_ms is not None:
            return max(0, total_ms - self.last_ms), total_ms
        start = max(0, self.start_ms or 0)
        end = total_ms if self.end_ms is None else min(self.end_ms, total_ms)
        return start, end

    def describe(self) -> str:
        if self.frac is not None:
            return f"{self.frac[0]:.0%}-{self.frac[1]:.0%} of the video"
        if self.last_ms is not None:
            return f"the last {self.last_ms / 1000:g} s"
        end = "the end" if self.end_ms is None else f"{self.end_ms / 1000:g} s"
        return f"{(self.start_ms or 0) / 1000:g} s to {end}"


def _t(name: str) -> str:
    """The TIME pattern with its groups renamed (two in one range)."""
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{name}{m.group(1)}>", TIME)


_BARE = rf"(?P<{{n}}bare>{NUM})(?!\s*(?:%|x\b|×|倍|p\b|fps|mb|k\b|:\d))"
RANGE_RE = re.compile(
    r"(?:\bfrom\s+|\bbetween\s+|从\s*)?"
    rf"(?:{_t('a_')}|{_BARE.format(n='a_')})"
    + _SEP
    + rf"(?:{_t('b_')}|{_BARE.format(n='b_')}|(?P<b_end>{_END_WORDS}))",
    re.I,
)
_FRACS = {"half": 2, "third": 3, "3rd": 3, "quarter": 4, "4th": 4, "半": 2}
_REL_RE = re.compile(
    r"\b(?:the\s+|its\s+)?(?P<w1>first|last|final)\s+(?P<one>second|minute)\b(?!\s+(?:clip|video|part|half|one))|"
    r"(?:\b(?:the\s+|its\s+)?(?P<w>first|last|opening|final|closing|beginning|ending|start|end)(?:ing)?\s+"
    r"(?:(?P<frac>half|third|3rd|quarter|4th)|" + _t("r_") + r")(?:\s+of\s+(?:it|the\s+(?:video|clip)))?)"
    r"|(?P<cw>前|后|最后|开头|结尾|末尾)\s*(?:(?P<cfrac>半)段?|" + _t("c_") + r")",
    re.I,
)


def find_range(text: str, *, bare: bool = False) -> tuple[tuple[int, int], Span] | None:
    """The first range in the text ("0-10 s", "from 0:02 to 0:06", "5到8秒", "from 2 s to the end").

    Bare numbers ("5-8") count only when ``bare`` is set or the other end has a unit; the
    unit of the second end applies to a bare first end ("0-10 s"). Returns the character
    span and the Span, or None. A range whose end is not after its start is skipped.
    """
    for m in RANGE_RE.finditer(text):
        g = m.groupdict()
        b_unit = g.get("b_unit")
        a_has = bool(g.get("a_compound") or g.get("a_clock") or g.get("a_num"))
        b_has = bool(g.get("b_compound") or g.get("b_clock") or g.get("b_num"))
        if not (a_has or b_has or bare):
            continue
        if g.get("a_bare") is not None and not (b_has or bare):
            continue
        a = _match_ms(m, "a_") if a_has else int(round(float(g["a_bare"]) * _unit_ms(b_unit)))
        if g.get("b_end"):
            return m.span(), Span(start_ms=a, end_ms=None)
        if g.get("b_compound") or g.get("b_clock") or g.get("b_num"):
            b = _match_ms(m, "b_")
        else:
            unit = g.get("a_unit") if a_has and g.get("a_num") else None
            b = int(round(float(g["b_bare"]) * _unit_ms(unit)))
            if a_has and g.get("a_clock"):
                continue  # "0:05 - 8": the second end is not a time
        if b > a:
            return m.span(), Span(start_ms=a, end_ms=b)
    return None


def find_relative(text: str) -> tuple[tuple[int, int], bool, Span] | None:
    """ "the first 5 s" / "the last third" / "前5秒": (char span, from_start, Span)."""
    m = _REL_RE.search(text)
    if not m:
        return None
    g = m.groupdict()
    if g.get("one"):  # "trim off the last second": one second (one minute)
        ms = 1000 if g["one"].lower() == "second" else 60000
        first1 = g["w1"].lower() == "first"
        return m.span(), first1, (Span(start_ms=0, end_ms=ms) if first1 else Span(last_ms=ms))
    word = (g.get("w") or g.get("cw") or "").lower()
    first = word in ("first", "opening", "beginning", "start", "前", "开头")
    frac_word = g.get("frac") or g.get("cfrac")
    if frac_word:
        n = _FRACS[frac_word.lower()]
        return m.span(), first, Span(frac=(0.0, 1.0 / n) if first else (1.0 - 1.0 / n, 1.0))
    prefix = "r_" if g.get("w") else "c_"
    ms = _match_ms(m, prefix)
    return m.span(), first, (Span(start_ms=0, end_ms=ms) if first else Span(last_ms=ms))
