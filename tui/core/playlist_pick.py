"""Which entries of a playlist or feed to save (issue 17).

A selection is ``"all"`` or a comma list of 1-based entry numbers and ranges: ``"1-5"``,
``"2,4,7"``, ``"1-3,8"`` (what ``DownloadRequest.playlist`` and ``nemo-tui get --playlist``
carry). ``parse_selection`` checks one; ``pick_entries`` applies it to a playlist's entries
(``tui.api.link_info.Entry``) and says what did not fit ("the playlist has 3 entries").
``looks_like_playlist`` guesses from a link alone whether it is worth asking the engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

MAX_ENTRIES = 500  # a selection never names more entries than this


class _Indexed(Protocol):
    @property
    def index(self) -> int: ...


E = TypeVar("E", bound=_Indexed)


def parse_selection(spec: str) -> list[tuple[int, int]] | None:
    """``None`` for "all"; else the ranges (first, last), 1-based and inclusive. Raises
    ValueError with words for the user ("1-5", "2,4,7" and "all" are the forms)."""
    text = (spec or "").strip().lower()
    if text in ("all", "*", ""):
        return None
    ranges = []
    for part in re.split(r"\s*,\s*", text):
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not m:
            raise ValueError(f"“{spec}” is not a choice of entries: use all, a range like 1-5, or a list like 2,4,7.")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if lo < 1 or hi < lo:
            raise ValueError(f"“{part}” is not a range of entries: they count from 1, the first number first.")
        if hi - lo >= MAX_ENTRIES:
            raise ValueError(f"“{part}” names more than {MAX_ENTRIES} entries.")
        ranges.append((lo, hi))
    return ranges


def pick_entries(entries: Sequence[E], spec: str | None) -> tuple[list[E], str]:
    """The entries ``spec`` chooses, in playlist order without repeats, and a note (empty when
    everything asked for exists). Raises ValueError for a bad ``spec``."""
    ranges = parse_selection(spec or "all")
    if ranges is None:
        return list(entries)[:MAX_ENTRIES], (
            f"The playlist has {len(entries)} entries; the first {MAX_ENTRIES} are saved."
            if len(entries) > MAX_ENTRIES
            else ""
        )
    wanted = {n for lo, hi in ranges for n in range(lo, hi + 1)}
    chosen = [e for e in entries if e.index in wanted]
    missing = wanted - {e.index for e in chosen}
    note = ""
    if missing:
        n = len(entries)
        note = f"The playlist has {n} {'entry' if n == 1 else 'entries'}; " + (
            "none of the ones asked for exist." if not chosen else f"{_numbers(sorted(missing))} do not exist."
        )
    return chosen, note


def _numbers(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:5])
    return shown + ("…" if len(values) > 5 else "")


_FEED_PATH = re.compile(
    r"(?i)(?:/feeds?|/rss|/atom|/podcasts?|/playlists?|/channels?|/c/|/user/|/@[^/]+/videos)(?:/|$|\.)|\.(?:rss|atom|xml)$"
)


def looks_like_playlist(url: str) -> bool:
    """True when a link's shape says playlist or feed: ``?list=``, ``/playlist``, ``/feed``,
    ``.rss``/``.atom``/``.xml``, a channel's videos page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    query = parse_qs(parts.query)
    if "list" in query or "playlist" in query:
        return True
    return bool(_FEED_PATH.search(parts.path)) or (parts.hostname or "").startswith(("feeds.", "rss."))


__all__ = ["MAX_ENTRIES", "looks_like_playlist", "parse_selection", "pick_entries"]
