"""Which font draws a title, and which of its characters no font can draw.

Glyph coverage is read from each font's character map with fontTools (the `cmap` table,
OpenType spec). The shipped DejaVu Sans is used when it has every glyph; otherwise a
system font that has them all is asked of fontconfig (`fc-match :charset=...`, when
installed) and a few well-known CJK font paths are tried; what no font can draw is left
out of the drawn text and reported in plain words (TitleCheck.note), so the user hears
"the emoji 😀 cannot be drawn in the video; the rest of the title is there" instead of
seeing empty boxes.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import ffmpeg as _ff

_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
# Characters that draw nothing by themselves: joiners, variation selectors, skin tones, tags.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x20E3}
_INVISIBLE_RANGES = ((0xFE00, 0xFE0F), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F), (0xE0100, 0xE01EF))


@dataclass(frozen=True)
class TitleCheck:
    """The outcome for one title text.

    font: the font file that draws it; text: what is drawn (the title minus the characters
    no font has; "" when none is left); missing: those characters, in order, each once;
    note: a plain-words sentence for the chat when something is missing, else None.
    """

    font: Path
    text: str
    missing: tuple[str, ...]
    note: str | None


def _invisible(cp: int) -> bool:
    return cp in _INVISIBLE or any(a <= cp <= b for a, b in _INVISIBLE_RANGES)


@functools.lru_cache(maxsize=64)
def font_chars(path: str) -> frozenset[int]:
    """The code points a font file maps to glyphs (empty when it cannot be read)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fonttools is in the 'local' extra
        return frozenset()
    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:
        return frozenset()
    return frozenset(cmap)


def _needed(text: str) -> list[int]:
    return [
        ord(ch)
        for ch in text
        if not ch.isspace() and not _invisible(ord(ch)) and unicodedata.category(ch) not in ("Cc", "Cf")
    ]


@functools.lru_cache(maxsize=256)
def _fc_match(charset: str) -> str | None:
    """fontconfig's best font file for these code points (hex, space-separated), if installed."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}", f":charset={charset}"],
            capture_output=True,
            text=True,
            timeout=5,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return path if out.returncode == 0 and path and os.path.isfile(path) else None


def _describe(missing: list[str]) -> str:
    def kind(ch: str) -> str:
        cp = ord(ch)
        if cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or unicodedata.category(ch) == "So":
            return "emoji"
        if unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")):
            return "Chinese, Japanese or Korean character"
        return "character"

    kinds = {kind(ch) for ch in missing}
    noun = kinds.pop() if len(kinds) == 1 else "character"
    shown = missing[:8]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    plural = "s" if len(missing) > 1 and noun != "emoji" else ""
    more = f" (and {len(missing) - len(shown)} more)" if len(missing) > len(shown) else ""
    return f"the {noun}{plural} {listed}{more}"


def check_title(text: str) -> TitleCheck:
    """Pick the font for a title and find what no font can draw (see TitleCheck).

    Order: the shipped DejaVu Sans if it has every glyph; a system font fontconfig names for
    the missing code points; the known CJK fonts; else the font with the most glyphs, and
    the rest of the characters are left out and named in the note.
    """
    shipped = str(_ff.FONT_PATH)
    needed = _needed(text)
    if not needed or set(needed) <= font_chars(shipped):
        return TitleCheck(Path(shipped), text, (), None)
    lacking = sorted(set(needed) - font_chars(shipped))
    candidates: list[str] = []
    found = _fc_match(" ".join(f"{cp:x}" for cp in lacking))
    if found:
        candidates.append(found)
    candidates += [p for p in _CJK_FONTS if os.path.isfile(p)]
    best, best_cover = shipped, font_chars(shipped) & set(needed)
    for path in candidates:
        cover = font_chars(path) & set(needed)
        if cover == set(needed):
            return TitleCheck(Path(path), text, (), None)
        if len(cover) > len(best_cover):
            best, best_cover = path, cover
    # Characters the chosen font lacks are removed together with their joiners/selectors.
    missing: list[str] = []
    kept: list[str] = []
    dropping = False
    for ch in text:
        cp = ord(ch)
        if _invisible(cp):
            if not dropping:
                kept.append(ch)
            continue
        dropping = not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") and cp not in best_cover
        if dropping:
            if ch not in missing:
                missing.append(ch)
        else:
            kept.append(ch)
    drawn = "\n".join(" ".join(line.split()) for line in "".join(kept).splitlines()).strip()
    if not drawn:
        note = f"The title “{text.strip()}” cannot be drawn in the video: no installed font has its characters."
    else:
        note = f"{_describe(missing)} cannot be drawn in the video; the rest of the title is there."
        note = note[0].upper() + note[1:]
    return TitleCheck(Path(best), drawn, tuple(missing), note)


def font_for(text: str) -> Path:
    """The font file used to draw this title."""
    return check_title(text).font
