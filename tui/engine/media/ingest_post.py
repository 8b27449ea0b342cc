"""Turning whatever a link delivered into an MP4 that keeps its picture and sound.

MP4 (ISO/IEC 14496-12/14) carries H.264, HEVC, AV1, VP9 and MPEG-4 Part 2 video, AAC, MP3,
Opus, FLAC, AC-3/E-AC-3 and ALAC sound, and text subtitles only as mov_text (3GPP timed
text). So: the first picture stream and every sound stream go in; streams MP4 cannot carry
are re-encoded (Theora, VP6, FLV1, MPEG-2... -> H.264; Vorbis, MP2, PCM... -> AAC); text
subtitles (SRT, ASS, WebVTT) become mov_text; picture subtitles (DVD, PGS), fonts and data
are left out, with a note. An MP4 that already holds only what MP4 carries is kept as it is.
"""

from __future__ import annotations

from pathlib import Path

from . import ffmpeg as _ff
from .errors import IngestError, MediaError
from .probe import MediaInfo, probe

COPY_VIDEO = {"h264", "hevc", "av1", "vp9", "mpeg4"}
COPY_AUDIO = {"aac", "mp3", "opus", "flac", "ac3", "eac3", "alac"}
TEXT_SUBTITLES = {"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text"}
_MP4_FAMILY = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2"}
# Audio-only downloads keep a container made for their codec.
AUDIO_EXTENSIONS = {"mp3", "m4a", "opus", "ogg", "wav", "flac"}


def _is_mp4(info: MediaInfo) -> bool:
    return bool(set(info.container.split(",")) & _MP4_FAMILY)


def needs_rewrite(info: MediaInfo) -> bool:
    """True unless the file is an MP4 holding only what MP4 carries (nothing to do then)."""
    if info.kind == "audio" and info.path.suffix.lower().lstrip(".") in AUDIO_EXTENSIONS:
        return False
    if not _is_mp4(info) or info.path.suffix.lower() not in (".mp4", ".m4a", ".m4v", ".mov"):
        return True
    for s in info.streams:
        if s.type == "video" and not s.attached_pic and s.codec not in COPY_VIDEO:
            return True
        if s.type == "audio" and s.codec not in COPY_AUDIO:
            return True
    return False


def to_mp4(src: Path, out_dir: Path) -> tuple[Path, list[str]]:
    """Write src as an MP4 (or .m4a for sound only) in out_dir; returns (path, notes).

    notes are plain-words sentences about what was left out. Raises IngestError when ffmpeg
    cannot convert it.
    """
    try:
        info = probe(src)
    except MediaError:
        raise IngestError("The link did not lead to a playable video or audio file.") from None
    if not needs_rewrite(info):
        return src, []
    notes: list[str] = []
    args: list[str] = ["-y", "-v", "error", "-i", str(src)]
    video = next((s for s in info.streams if s.type == "video" and not s.attached_pic), None)
    audio = [s for s in info.streams if s.type == "audio"]
    if video is not None:
        args += ["-map", f"0:{video.index}"]
        if video.codec in COPY_VIDEO:
            args += ["-c:v", "copy"]
        else:
            args += [
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                "-vf",
                "scale=trunc(iw/2)*2:trunc(ih/2)*2",
            ]  # 4:2:0 needs even sides
    for n, s in enumerate(audio):
        args += ["-map", f"0:{s.index}", f"-c:a:{n}", "copy" if s.codec in COPY_AUDIO else "aac"]
        if s.codec not in COPY_AUDIO:
            args += [f"-b:a:{n}", "192k"]
    kept_subs = 0
    dropped: list[str] = []
    if video is not None:
        for s in info.subtitles:
            if s.codec in TEXT_SUBTITLES:
                args += ["-map", f"0:{s.index}", f"-c:s:{kept_subs}", "mov_text"]
                kept_subs += 1
            else:
                dropped.append(s.language or s.codec or "unknown")
    if dropped:
        notes.append(
            f"{len(dropped)} picture subtitle track{'s' if len(dropped) > 1 else ''} "
            f"({', '.join(dropped)}) could not be kept in the MP4 and {'were' if len(dropped) > 1 else 'was'} left out."
        )
    if kept_subs:
        notes.append(f"{kept_subs} subtitle track{'s' if kept_subs > 1 else ''} kept as soft subtitles in the MP4.")
    if any(s.type == "attachment" for s in info.streams):
        notes.append("Fonts attached to the file were left out (MP4 cannot carry them).")
    suffix = ".m4a" if video is None else ".mp4"
    out = out_dir / f"{src.stem}.converted{suffix}"
    args += ["-map_metadata", "0", "-map_chapters", "-1", "-movflags", "+faststart", "-f", "mp4", str(out)]
    try:
        _ff.run_ffmpeg(*args, timeout=None)
    except MediaError as exc:
        out.unlink(missing_ok=True)
        raise IngestError(f"The download could not be converted to MP4: {exc.message}") from None
    final = src.with_suffix(suffix) if src.suffix.lower() != suffix else src
    src.unlink(missing_ok=True)
    out.replace(final)
    return final, notes


def merge_audio(video_file: Path, audio_file: Path, out_dir: Path) -> Path:
    """The picture of video_file with the first sound of audio_file (stream copy, MKV)."""
    out = out_dir / f"{video_file.stem}.merged.mkv"
    try:
        _ff.run_ffmpeg(
            "-y",
            "-v",
            "error",
            "-i",
            str(video_file),
            "-i",
            str(audio_file),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c",
            "copy",
            "-f",
            "matroska",
            str(out),
            timeout=None,
        )
    except MediaError as exc:
        out.unlink(missing_ok=True)
        raise IngestError(f"The sound of the link could not be added: {exc.message}") from None
    video_file.unlink(missing_ok=True)
    final = video_file.with_suffix(".mkv")
    out.replace(final)
    return final
