"""Common misspellings of the words the rules look for ("titel", "verticle", "muisc"),
corrected with rapidfuzz (``rapidfuzz.process.extractOne`` with ``fuzz.ratio``).

Only words of four letters or more that are not ordinary English words are corrected, and
only to a word of the edit vocabulary with the same first letter, a length within one, at a
similarity of 80 or more, so "quite" stays "quite", "move" never becomes "remove" and
"little" never becomes "title". Text in quotes is replaced by placeholders
before this runs and is never touched.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

VOCABULARY = (
    "title", "caption", "subtitle", "heading", "vertical", "horizontal", "landscape", "portrait", "square",
    "music", "background", "soundtrack", "volume", "quieter", "louder", "softer", "lower", "mute", "unmute",
    "remove", "delete", "trim", "shorten", "seconds", "second", "minutes", "minute", "speed", "faster",
    "slower", "slow", "motion", "fade", "fades", "undo", "redo", "revert", "aspect", "ratio", "resolution",
    "bottom", "center", "centre", "middle", "instagram", "tiktok", "youtube", "reels", "smaller", "compress",
    "export", "convert", "clip", "clips", "video", "audio", "sound", "first", "last", "beginning", "ending",
    "replace", "change", "title's", "widescreen", "cinematic", "double", "quality",
)
# Real words that look like vocabulary words: never "corrected".
KEEP = frozenset((
    "quite", "quiet", "little", "tile", "tiles", "spend", "spent", "seed", "sped", "lover", "later", "latter",
    "slot", "slowly", "flow", "glow", "show", "shows", "mutt", "must", "made", "face", "fame", "fate", "fake",
    "fast", "last", "list", "lost", "past", "post", "most", "just", "first", "firsts", "mind", "minor",
    "minus", "mints", "into", "intro", "outro", "clap", "click", "clips", "cliff", "audit", "video",
    "trip", "time", "tim", "trims", "tell", "tidy", "this", "that", "then", "than", "them", "these", "those",
    "their", "there", "where", "here", "were", "want", "what", "when", "with", "without", "make", "take",
    "ratio", "radio", "patio", "sound", "round", "found", "bound", "mound", "middle", "riddle", "settle",
    "bottle", "battle", "button", "bottom", "cotton", "centre", "center", "enter", "later", "water",
    "speech", "speak", "spell", "sweet", "seconds", "second", "secret", "record", "recent", "lower", "power",
    "tower", "mower", "older", "louder", "border", "order", "orders", "ordered", "colder", "bolder", "holder",
    "shorter", "shorten", "smaller", "taller", "faster", "slower", "harder", "change", "chance", "charge",
    "square", "squared", "motion", "notion", "emotion", "potion", "lotion", "caption", "option", "action",
    "double", "doubled", "trouble", "replay", "replace", "reply", "ending", "sending", "bending", "lending",
    "begin", "beginning", "remove", "removed", "remote", "delete", "deleted", "select", "selected",
    "music", "magic", "musical", "export", "expert", "report", "import", "support", "volume", "column",
    "move", "moved", "loud", "soft", "faces", "faded", "paces", "races", "tiles", "titan", "muse", "cute",
    "mine", "mint", "slip", "slope", "loop", "bottles", "sound's", "titled", "spice", "speeds", "squad", "slide", "shot", "shots", "clue", "slim", "trick", "speak", "speaker",
))
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']{3,}")


def correct(text: str) -> str:
    """The text with misspelt vocabulary words replaced (case and surrounding text kept)."""

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in KEEP or low in VOCABULARY or any(low.startswith(v) for v in VOCABULARY if len(v) >= 4):
            return word  # "changes", "titles", "clipped": a vocabulary word with an ending
        # a typo keeps its first letter and its length give or take one ("titel", "secnd"):
        # "move" never becomes "remove", "loud" never "louder"
        choices = [v for v in VOCABULARY if v[0] == low[0] and abs(len(v) - len(low)) <= 1]
        hit = process.extractOne(low, choices, scorer=fuzz.ratio, score_cutoff=80)
        return word if hit is None else hit[0]

    return _WORD_RE.sub(fix, text)
