"""Quoted text in a request, taken whole: any quote style, apostrophes inside kept.

"Don't stop" in straight double quotes, 'Don't stop' in straight single quotes (the
apostrophe between two letters is not a closing quote), “curly”, ‘curly’, «guillemets»,
「corner」, 『double corner』 and 《book》 quotes. :func:`extract` replaces each quoted part
by a placeholder ``⟦0⟧``, ``⟦1⟧``… so the rules never read words inside a title as commands.
"""

from __future__ import annotations

import re

_PAIRS = {
    '"': '"',
    "“": "”",
    "„": "“",
    "‘": "’",
    "«": "»",
    "「": "」",
    "『": "』",
    "《": "》",
    "'": "'",
    "`": "`",
    "”": "”",
    "＂": "＂",
}
PLACEHOLDER_RE = re.compile(r"⟦(\d+)⟧")


def _is_apostrophe(text: str, i: int) -> bool:
    """A ' or ’ between two letters/digits (Don't, it’s, 90's) is part of a word."""
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def extract(text: str) -> tuple[str, list[str]]:
    """(text with placeholders, the quoted strings). An opening quote with no closing one
    is left as it is."""
    out: list[str] = []
    found: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        close = _PAIRS.get(ch, "")
        opening_ok = bool(close) and not (ch in "'’" and _is_apostrophe(text, i))
        if ch in "'" and i > 0 and text[i - 1].isalnum():
            opening_ok = False  # "dogs' toys": a trailing apostrophe does not open a quote
        if opening_ok:
            j = i + 1
            depth = 0  # 'Rock ’n’ Roll': a quote after a space opens an inner pair
            while j < n:
                is_close = text[j] == close or (close == "’" and text[j] in "'‘") or (close == "'" and text[j] in "’‘")
                if is_close and text[j] in "’‘" and text[j - 1].isspace() and j + 1 < n and text[j + 1].isalnum():
                    depth += 1
                    j += 1
                    continue
                if is_close and depth and not text[j - 1].isspace():
                    depth -= 1
                    j += 1
                    continue
                if is_close:
                    if close in "'’" and _is_apostrophe(text, j):
                        j += 1
                        continue
                    if close in "'’" and j + 1 < n and text[j + 1].isalnum():
                        j += 1  # a quote closes only before a non-letter
                        continue
                    break
                j += 1
            if j < n and j > i + 1:
                found.append(text[i + 1 : j].strip())
                out.append(f"⟦{len(found) - 1}⟧")
                i = j + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out), found


def restore(text: str, quoted: list[str]) -> str:
    """Put the quoted strings back in place of their placeholders."""
    return PLACEHOLDER_RE.sub(lambda m: quoted[int(m.group(1))], text)
