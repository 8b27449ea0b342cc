"""Audio only (issue 17): a fetched link made into an ``.m4a`` or ``.mp3`` with its title tag.

- **What is fetched**: when the link lists formats, yt-dlp's best sound-only format
  (``ba``; AAC preferred on a tie, so an ``.m4a`` needs no re-encoding), and a format with
  picture only when the link has no separate sound (``ba/b``): a link that offers its sound
  apart never sends picture bytes. A plain media file is fetched as it is (it is one format).
- **m4a**: the first sound stream, **stream copy** when it is AAC (its packets are the
  source's, unchanged), else encoded by FFmpeg's native AAC encoder at 192 kb/s, in an MP4
  audio file (FFmpeg's ``ipod`` muxer for ``.m4a``, ISO/IEC 14496-14).
- **mp3**: encoded by LAME (``libmp3lame``, in the bundled FFmpeg) at VBR quality 2
  (``-q:a 2``, about 190 kb/s, LAME's recommended setting), or copied when the source is an
  MP3 already; with a Xing header (so players know the length) and an ID3v2.3 tag.
- The **title tag** (MP4 ``©nam``, ID3 ``TIT2``) is the video's title (``-metadata title=``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .errors import IngestError, MediaError
from .fetch_convert import ProgressFn, convert
from .probe import probe

AUDIO_BITRATE = "192k"  # AAC when the source is not AAC


def ytdlp_opts(fmt: str) -> dict[str, Any]:
    """yt-dlp options that fetch the sound only: the best sound-only format, else a muxed one.

    yt-dlp ranks sound-only formats by the format sort ingest sets (``acodec:aac`` among the
    tie breaks, then bitrate): an AAC rendition wins, which an ``.m4a`` copies as it is."""
    if fmt not in ("m4a", "mp3"):
        raise ValueError(f"unknown audio format {fmt!r}")
    return {"format": "ba/b"}


def make_audio(
    src: Path,
    fmt: str,
    title: str | None,
    out_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Write ``src``'s first sound stream as ``out_dir/<src stem>.<fmt>`` (``fmt`` "m4a" | "mp3")
    with the title tag set to ``title`` (when given); return the file.

    Raises IngestError when ``src`` has no sound or ffmpeg fails."""
    try:
        info = probe(src)
    except MediaError:
        raise IngestError("The link did not lead to a playable video or audio file.") from None
    sound = next((s for s in info.streams if s.type == "audio"), None)
    if sound is None or not info.has_audio:
        raise IngestError("This video has no sound: there is no audio to save.")
    out = out_dir / f"{src.stem}.{fmt}"
    args = ["-i", str(src), "-map", f"0:{sound.index}", "-vn", "-sn", "-dn", "-map_chapters", "-1"]
    if fmt == "m4a":
        if sound.codec == "aac":
            args += ["-c:a", "copy"]
        else:
            args += ["-c:a", "aac", "-b:a", AUDIO_BITRATE]
        args += ["-movflags", "+faststart", "-f", "ipod"]
    elif fmt == "mp3":
        if sound.codec == "mp3":
            args += ["-c:a", "copy"]  # an MP3 already: not encoded a second time
        else:
            args += ["-c:a", "libmp3lame", "-q:a", "2"]
        args += ["-id3v2_version", "3", "-write_xing", "1", "-f", "mp3"]
    else:
        raise IngestError(f"Audio can be saved as m4a or mp3, not {fmt}.")
    if title:
        args += ["-metadata", f"title={title}"]
    return convert(
        args,
        out,
        info.duration_s,
        what=f"The {fmt} could not be made",
        progress=progress,
        cancel=cancel,
    )


__all__ = ["AUDIO_BITRATE", "make_audio", "ytdlp_opts"]
