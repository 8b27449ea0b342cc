"""What a link offers, how its formats are ranked, and whether the download got the best of it.

yt-dlp lists a link's formats (for an HLS master, one per EXT-X-STREAM-INF variant and one per
EXT-X-MEDIA rendition, RFC 8216 section 4.3.4). A variant without RESOLUTION has no height,
and yt-dlp's "res" ranking puts it below every variant that has one; when a link has such
variants they are ranked by bandwidth (BANDWIDTH/AVERAGE-BANDWIDTH -> tbr) instead, and the
downloaded file is probed to learn what it really is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import IngestError
from .probe import MediaInfo

_TIE_BREAKS = ["fps", "vcodec:h264", "acodec:aac"]


@dataclass(frozen=True)
class Offer:
    """What the link offers: best_height (the tallest known variant within max_height, None
    when no variant says), audio (some format carries sound), audio_only (a separate sound
    rendition exists), unsized (some video variants have no resolution), format_sort (the
    yt-dlp ranking to use)."""

    best_height: int | None
    audio: bool
    audio_only: bool
    unsized: bool
    format_sort: list[str]


def _has(value: Any) -> bool:
    return value not in (None, "none")


def read_offer(ie_result: Mapping[str, Any] | None, max_height: int | None) -> Offer:
    """The offer of an unprocessed yt-dlp result (extract_info(process=False))."""
    formats = [
        f for f in (ie_result or {}).get("formats") or [] if isinstance(f, Mapping) and not f.get("has_drm")
    ]  # yt-dlp never picks DRM formats
    video = [f for f in formats if f.get("vcodec") != "none"]
    heights = [int(f["height"]) for f in video if isinstance(f.get("height"), int) and f["height"] > 0]
    if max_height:
        heights = [h for h in heights if h <= max_height] or heights[:0]
    # Only HLS variants are ranked by bandwidth: elsewhere a format without a height is more
    # often sound-only or a thumbnail than the best picture.
    unsized = bool(heights) and any(
        not f.get("height") and str(f.get("protocol", "")).startswith("m3u8") for f in video
    )
    if max_height:
        sort = [f"res:{int(max_height)}", "tbr", *_TIE_BREAKS]
    elif unsized:
        sort = ["tbr", "res", *_TIE_BREAKS]
    else:
        sort = ["res", *_TIE_BREAKS]
    # An EXT-X-MEDIA audio rendition is listed with vcodec "none" and often no codec at all.
    audio_only = any(f.get("vcodec") == "none" and f.get("acodec") != "none" for f in formats)
    audio = audio_only or any(_has(f.get("acodec")) for f in formats)
    return Offer(max(heights) if heights else None, audio, audio_only, unsized, sort)


def verify(media: MediaInfo, offer: Offer, max_height: int | None) -> None:
    """Refuse a download that is not what the link offered (IngestError in plain words).

    The height compared is the larger of the stored and the displayed frame's (sites describe
    one or the other: HLS RESOLUTION the stored one, many pages the upright one).
    """
    if media.kind == "image":
        raise IngestError("The link leads to a picture, not a video or audio file.")
    if media.has_video and offer.best_height:
        got = max(media.stored_height or 0, media.height or 0)
        if got < offer.best_height and not (max_height and got >= max_height):
            raise IngestError(
                f"The download came out at {got}p, but the link offers {offer.best_height}p: "
                "it was not kept. Try again, or ask for a lower resolution."
            )
    if offer.audio and not media.has_audio and media.has_video:
        raise IngestError("The link offers sound, but the download has none: it was not kept.")
