"""Asking what a link offers, and choosing entries of a playlist (issue 17). No Textual.

- :func:`asks_formats`: "what resolutions are available for <link>?", "list the formats of
  <link>", "formats <link>", "what episodes are in <feed>", "这个链接有哪些分辨率" → the ``formats`` route (the dialog), while
  "download <link> in 720p resolution" stays a download: a formats word alone is not enough,
  the line must ask (what/which/list/show/available…) or be only that word and links;
- :func:`parse_range`: "1-5", "2,4,7", "3-", "all" → the 1-based entry numbers, in order.
"""

from __future__ import annotations

import re

_FORMAT_WORDS = frozenset(
    """resolution resolutions format formats quality qualities variant variants rendition
    renditions stream streams options entries episodes videos""".split()
)
_ASK_WORDS = frozenset(
    """what what's whats which list show available offer offers offered options choices choose
    pick there""".split()
)
_ZH_FORMAT = ("分辨率", "清晰度", "格式", "画质", "畫質", "解析度")
_ZH_ASK = ("哪些", "什么", "什麼", "有没有", "有沒有", "列出", "可用", "可选", "可選", "多少")
_QUESTION_WORDS = frozenset("what what's whats which list show".split())
MAX_WORDS = 14
MAX_CHARS = 2000
MAX_LINKS = 5
_EDIT_WORDS = frozenset(
    "add put cut trim crop title titles music merge join combine edit remove replace insert overlay".split()
)
_SAVE_WORDS = frozenset("download save grab get fetch keep rip".split())


def asks_formats(text: str, urls: list[str]) -> bool:
    """True when ``text`` (which holds ``urls``) asks what the links offer."""
    if len(text or "") > MAX_CHARS or len(urls) > MAX_LINKS:
        return False  # a question about formats is short; a long line is for the agent or a download
    rest = text or ""
    for url in urls:
        rest = rest.replace(url, " ")
        rest = rest.replace(url.split("://", 1)[-1], " ")  # typed without its scheme
    low = rest.lower()
    if any(w in low for w in _ZH_FORMAT) and any(w in low for w in _ZH_ASK):
        return True
    words = re.findall(r"[a-z']+", low)
    if len(words) > MAX_WORDS or set(words) & _EDIT_WORDS:  # an edit request: the agent's
        return False
    if not any(w in _FORMAT_WORDS for w in words):
        return False
    asked = {w for w in words if w in _ASK_WORDS}
    if asked and (asked & _QUESTION_WORDS or not set(words) & _SAVE_WORDS):
        return True  # "download … at the highest available resolution" is a download
    # "formats <link>", "resolutions?": nothing but the formats word (and no save word)
    return not (set(words) - _FORMAT_WORDS - {"the", "of", "for", "a", "this", "link"}) and not (
        set(words) & _SAVE_WORDS
    )


def parse_range(spec: str, count: int) -> list[int]:
    """The entry numbers ``spec`` names among ``count`` entries: "all", "1-5", "2,4,7",
    "3-" (to the end), "-3" (the first three), mixed with commas or spaces; in order, once
    each. Raises ValueError in plain words for anything else or a number past ``count``."""
    text = (spec or "").strip().lower()
    if text in ("all", "*", "everything"):
        return list(range(1, count + 1))
    chosen: list[int] = []
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not parts:
        raise ValueError('Type entry numbers: "all", "1-5" or "2,4,7".')
    for part in parts:
        m = re.fullmatch(r"(\d*)\s*[-–]\s*(\d*)|(\d+)", part)
        if m is None or part in ("-", "–"):
            raise ValueError(f'"{part}" is not an entry number or range (like 1-5).')
        if m.group(3):
            first = last = int(m.group(3))
        else:
            first = int(m.group(1)) if m.group(1) else 1
            last = int(m.group(2)) if m.group(2) else count
        if first < 1 or last < first:
            raise ValueError(f'"{part}" is not a range from a lower to a higher number.')
        if last > count:
            raise ValueError(f"There are {count} entries: {last} is past the end.")
        chosen.extend(i for i in range(first, last + 1) if i not in chosen)
    return chosen


__all__ = ["asks_formats", "parse_range"]
