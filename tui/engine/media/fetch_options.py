"""The options of one local fetch (issue 17), checked once at the edge and carried to the worker.

The fetch body (``tui/engine/routes/downloads.py``) may carry, beside ``url`` and ``max_height``:

- ``"format_id": str`` — one row of ``/api/local/formats``; wins over ``max_height``;
- ``"section": {"start": float, "end": float | null}`` — seconds; only that part is fetched;
- ``"audio": "m4a" | "mp3"`` — an audio file only (m4a by stream copy from AAC, mp3 encoded);
- ``"subs": {"lang": str, "burn": bool}`` — include that subtitle language: a soft ``mov_text``
  track, or drawn into the picture when ``burn``.

``parse_options`` turns a body into a plain dict (JSON-safe: it crosses into the fetch worker
process in the job) or raises ``ValueError`` with words for the user.
"""

from __future__ import annotations

import re
from typing import Any

AUDIO_FORMATS = ("m4a", "mp3")
MAX_SECTION_S = 24 * 3600.0
_FORMAT_ID = re.compile(r"^[A-Za-z0-9_.+\-/]{1,64}$")  # yt-dlp format ids and selectors like 137+140
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")  # BCP 47-ish: en, pt-BR, zh-Hans


def _seconds(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SECTION_S:
        raise ValueError(f"The section's {what} must be a number of seconds from 0 to {MAX_SECTION_S:.0f}.")
    return float(value)


def parse_options(body: dict[str, Any]) -> dict[str, Any]:
    """The checked options of a fetch body: keys ``format_id``, ``section`` ([start, end|None]),
    ``audio``, ``subs`` ({"lang", "burn"}), each present only when asked. Raises ValueError."""
    out: dict[str, Any] = {}
    fid = body.get("format_id")
    if fid is not None:
        if not isinstance(fid, str) or not _FORMAT_ID.match(fid):
            raise ValueError("format_id must be one of the link's format ids (letters, digits, + - _ . /).")
        out["format_id"] = fid
    section = body.get("section")
    if section is not None:
        if not isinstance(section, dict):
            raise ValueError('section must be {"start": seconds, "end": seconds or null}.')
        start = _seconds(section.get("start", 0), "start")
        end = None if section.get("end") is None else _seconds(section.get("end"), "end")
        if end is not None and end <= start:
            raise ValueError("The section ends before it starts.")
        out["section"] = [start, end]
    audio = body.get("audio")
    if audio is not None:
        if audio not in AUDIO_FORMATS:
            raise ValueError('audio must be "m4a" or "mp3".')
        out["audio"] = audio
    subs = body.get("subs")
    if subs is not None:
        if not isinstance(subs, dict) or not isinstance(subs.get("lang"), str) or not _LANG.match(subs["lang"]):
            raise ValueError('subs must be {"lang": a language code like "en", "burn": true|false}.')
        out["subs"] = {"lang": subs["lang"], "burn": subs.get("burn") is True}
    return out


__all__ = ["AUDIO_FORMATS", "MAX_SECTION_S", "parse_options"]
