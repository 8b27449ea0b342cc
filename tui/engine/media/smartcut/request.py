"""The plain facts a smart render is asked for: no draft parsing, nothing from render.py.

Times are seconds. Clips play back to back on the output timeline (as the full render
plays video-track segments); music starts at start_s on that timeline; an overlay is an
ffmpeg video filter whose expressions use t = output-timeline seconds (a title's
`drawtext=...:enable=between(t,s,e)`), applied only to the frames of [start_s, end_s].
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ClipSpan:
    """in_s..in_s+dur_s of a source file (seconds from the file's start), at volume (1.0 = 100 %)."""

    path: Path
    in_s: float
    dur_s: float
    volume: float = 1.0
    name: str = ""


@dataclass(frozen=True)
class MusicSpan:
    """Background audio: in_s..in_s+dur_s of path, heard from start_s on the output timeline.

    source_s is the file's duration (the full render loops music that runs out); channels
    its channel count (a mono source is sent to both speakers).
    """

    path: Path
    in_s: float
    dur_s: float
    start_s: float
    volume: float
    source_s: float
    channels: int | None = None


@dataclass(frozen=True)
class Overlay:
    """A pixel change over start_s..end_s (inclusive, output seconds): `filter` is an ffmpeg filter chain."""

    start_s: float
    end_s: float
    filter: str


@dataclass(frozen=True)
class SmartRequest:
    """One export as plain data.

    width/height/fps: the output canvas and frame rate the full render would produce;
    total_s: the output duration; whole_picture_filters: anything applied to every frame
    (a colour grade, a speed change, a crop) — any makes the smart render decline;
    copy_audio: whether one untouched clip's AAC track may be copied as the export's sound
    (the caller knows it is AAC-LC; run.audio_copy checks the rest); colour: the colour
    description the export carries (primaries, transfer, matrix, range as ffmpeg's enums,
    e.g. (1, 1, 1, 1) = BT.709 limited range): a source whose stream says anything else is
    declined (the full render would convert or re-tag its pictures). None: not checked.
    """

    clips: tuple[ClipSpan, ...]
    width: int
    height: int
    fps: float
    total_s: float
    mute: bool = False
    music: tuple[MusicSpan, ...] = ()
    overlays: tuple[Overlay, ...] = ()
    whole_picture_filters: tuple[str, ...] = ()
    copy_audio: bool = True
    colour: tuple[int, int, int, int] | None = None
