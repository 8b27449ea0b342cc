"""Subtitles (issue 17): a fetched video with one subtitle language, soft or burned in.

Where the subtitles come from:

- a link whose page or manifest lists subtitles (yt-dlp's ``subtitles``, and its automatic
  captions when there are no others in that language; an HLS master's ``EXT-X-MEDIA
  TYPE=SUBTITLES`` renditions, RFC 8216 4.3.4.1): yt-dlp fetches the asked language
  (``writesubtitles``/``subtitleslangs``) and embeds it (its ``FFmpegEmbedSubtitle``
  postprocessor). A link that lists subtitles but not in the asked language is refused
  **before any media byte is fetched**, with the languages it does offer;
- a file that carries its subtitles inside (MKV, MP4, WebM): its text subtitle streams,
  matched by their ``language`` tag (read with PyAV through ``probe``).

What is made: an MP4 with H.264 video and AAC sound (each copied when it already is, else
encoded) and either

- **soft**: one ``mov_text`` track (3GPP timed text, the only subtitle format MP4 players
  read, ISO/IEC 14496-17) whose language tag is the ISO 639-2 code of the asked language; or
- **burned in**: the cues drawn into the picture by FFmpeg's ``subtitles`` filter (libass,
  in the bundled FFmpeg) with the shipped DejaVu Sans (``fontsdir``), so no system font is
  needed, or a system font that has the cues' characters when DejaVu lacks some (chosen as
  for titles, ``titles.check_title``); the picture is re-encoded (x264, CRF 18) and no
  subtitle track is kept.

Language codes are compared by their primary subtag with ISO 639-1 and 639-2 codes taken as
one ("en" = "eng" = "en-US"; yt-dlp's ``ISO639Utils`` table); an exact match wins.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import ffmpeg as _ff
from .errors import IngestError, MediaError
from .fetch_convert import ProgressFn, convert
from .ingest_post import TEXT_SUBTITLES
from .probe import MediaInfo, probe
from .streams import StreamInfo
from .titles import check_title

_SHOWN = 20  # languages listed in an error at most
# ISO 639-2/B codes (used by some files) for their 639-2/T equivalents (ISO639Utils knows /T).
_BIBLIOGRAPHIC = {
    "alb": "sqi",
    "arm": "hye",
    "baq": "eus",
    "bur": "mya",
    "chi": "zho",
    "cze": "ces",
    "dut": "nld",
    "fre": "fra",
    "geo": "kat",
    "ger": "deu",
    "gre": "ell",
    "ice": "isl",
    "mac": "mkd",
    "mao": "mri",
    "may": "msa",
    "per": "fas",
    "rum": "ron",
    "slo": "slk",
    "tib": "bod",
    "wel": "cym",
}


def _iso639() -> Any:
    from yt_dlp.utils import ISO639Utils  # the 'local' extra; imported only when subtitles are asked

    return ISO639Utils


def language_key(code: str | None) -> str:
    """The ISO 639-2/T code of a language tag's primary subtag ("en-US" -> "eng", "ger" ->
    "deu"); the lower-cased primary subtag when the table does not know it; "" for none."""
    primary = re.split(r"[-_]", (code or "").strip().lower(), maxsplit=1)[0]
    if not primary or primary in ("und", "unk", "mis", "zxx", "mul"):
        return ""
    if len(primary) == 2:
        return str(_iso639().short2long(primary) or primary)
    return _BIBLIOGRAPHIC.get(primary, primary)


def tag_for(lang: str) -> str:
    """The language tag written on the MP4's subtitle track (ISO 639-2, as MP4's ``mdhd`` holds)."""
    return language_key(lang) or "und"


def _pick(asked: str, offered: list[str]) -> str | None:
    """The offered code for ``asked``: the same code (any case), else the same language."""
    for code in offered:
        if code.lower() == asked.lower():
            return code
    key = language_key(asked)
    return next((code for code in offered if key and language_key(code) == key), None)


def _listed(codes: list[str]) -> str:
    shown = sorted(set(codes), key=str.lower)
    more = f" and {len(shown) - _SHOWN} more" if len(shown) > _SHOWN else ""
    return ", ".join(shown[:_SHOWN]) + more


def ytdlp_opts(lang: str, match_filter: Callable[..., Any] | None) -> dict[str, Any]:
    """yt-dlp options that fetch and embed the subtitles in ``lang`` (see the module doc).

    ``match_filter`` (the fetch's own: caps, live streams) runs first; then a link that lists
    subtitles without ``lang`` raises IngestError naming the languages it has, and of several
    variants of the language ("en-US", "en-GB") only the best is kept."""
    key = language_key(lang)
    primary = re.split(r"[-_]", lang.lower(), maxsplit=1)[0]
    names = {re.escape(primary)}
    if key:
        names.add(re.escape(key))
        short = _iso639().long2short(key)
        if short:
            names.add(re.escape(short))
    pattern = f"(?:{'|'.join(sorted(names))})(?:[-_].+)?"

    def subs_filter(info: dict[str, Any], *, incomplete: bool = False) -> str | None:
        if match_filter is not None:
            refused = match_filter(info, incomplete=incomplete)
            if refused:
                return str(refused)
        if "requested_subtitles" not in info:  # not yet a video's full result (a playlist look)
            return None
        normal = list(info.get("subtitles") or {})
        auto = list(info.get("automatic_captions") or {})
        requested = info.get("requested_subtitles") or {}
        chosen = _pick(lang, [c for c in normal if c in requested]) or _pick(lang, list(requested))
        if chosen is None:
            if normal or auto:
                offered = _listed(normal) if normal else f"automatic captions in {_listed(auto)}"
                raise IngestError(f"This video has no subtitles in “{lang}”. It offers: {offered}.")
            return None  # nothing listed: the file's own subtitle streams decide (deliver)
        for code in list(requested):
            if code != chosen:
                del requested[code]
        return None

    return {
        "writesubtitles": True,
        "writeautomaticsub": True,
        "subtitleslangs": [pattern],
        # Text formats ffmpeg turns into mov_text; yt-dlp's own JSON formats cannot be embedded.
        "subtitlesformat": "srt/ass/vtt/best",
        "postprocessors": [{"key": "FFmpegEmbedSubtitle", "already_have_subtitle": False}],
        "match_filter": subs_filter,
    }


def find_stream(info: MediaInfo, lang: str) -> StreamInfo:
    """The text subtitle stream of ``info`` in ``lang``; IngestError naming what the file has."""
    text = [s for s in info.subtitles if s.codec in TEXT_SUBTITLES]
    for s in text:
        if (s.language or "").lower() == lang.lower():
            return s
    key = language_key(lang)
    for s in text:
        if key and language_key(s.language) == key:
            return s
    if not info.subtitles:
        raise IngestError(f"This video has no subtitles, so none in “{lang}” could be added.")
    langs = [s.language or "unmarked" for s in text]
    pictures = [s.language or "unmarked" for s in info.subtitles if s.codec not in TEXT_SUBTITLES]
    parts = []
    if langs:
        parts.append(f"It offers: {_listed(langs)}")
    if pictures:
        parts.append(f"picture subtitles (which cannot be converted) in: {_listed(pictures)}")
    raise IngestError(f"This video has no subtitles in “{lang}”. " + "; ".join(parts) + ".")


def cue_text(path: Path, stream_index: int) -> str:
    """Every cue's text of one subtitle stream, one per line (ASS override tags removed);
    PyAV decodes the stream's packets into ASS events (``AssSubtitle.dialogue``)."""
    import av

    lines: list[str] = []
    with av.open(str(path)) as container:
        stream = next(s for s in container.streams if s.index == stream_index)
        for packet in container.demux(stream):
            for sub in packet.decode():
                raw = getattr(sub, "dialogue", b"") or bytes(getattr(sub, "ass", b"")).split(b",", 8)[-1]
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                lines.append(re.sub(r"\{[^}]*\}", "", text).replace("\\N", "\n").replace("\\n", "\n"))
    return "\n".join(lines)


def burn_font(text: str) -> tuple[Path, str, str | None]:
    """(font file, family name, note) for drawing ``text``: the shipped DejaVu Sans when it has
    every character, else a font that has them (``titles.check_title``: fontconfig, known CJK
    fonts); the note names the characters no installed font has, else None."""
    from fontTools.ttLib import TTFont

    check = check_title(text)
    family = "DejaVu Sans"
    if check.font != _ff.FONT_PATH:
        try:
            with TTFont(str(check.font), fontNumber=0, lazy=True) as font:
                family = font["name"].getBestFamilyName() or family
        except Exception:  # an unreadable font: libass falls back by itself
            pass
    note = None
    if check.missing:
        shown = " ".join(check.missing[:8]) + (" …" if len(check.missing) > 8 else "")
        note = f"Some characters of the subtitles cannot be drawn (no installed font has them): {shown}"
    return check.font, family, note


def filter_value(text: str) -> str:
    """``text`` as one value of an ffmpeg filter option inside a filter graph: escaped for
    the option parser (``\\ ' :``), then for the graph parser (``\\ ' [ ] , ;``); FFmpeg's
    "Quoting and escaping" (ffmpeg-filters, 4.1 Notes on filtergraph escaping)."""
    value = re.sub(r"([\\':])", r"\\\1", text)
    return re.sub(r"([\\'\[\],;])", r"\\\1", value)


def make_subtitled(
    src: Path,
    lang: str,
    burn: bool,
    title: str | None,
    out_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Path, list[str]]:
    """``out_dir/<src stem>.mp4``: H.264/AAC with the ``lang`` subtitles of ``src`` as a soft
    ``mov_text`` track, or drawn into the picture when ``burn``; returns the file and notes
    (plain-words sentences: characters no font can draw).

    Raises IngestError when ``src`` has no picture, no subtitles in ``lang`` (the message
    lists the languages it has) or ffmpeg fails."""
    try:
        info = probe(src)
    except MediaError:
        raise IngestError("The link did not lead to a playable video or audio file.") from None
    video = next((s for s in info.streams if s.type == "video" and not s.attached_pic), None)
    if video is None or not info.has_video:
        raise IngestError("This link has no picture, so there is nothing to put subtitles on.")
    stream = find_stream(info, lang)
    sound = next((s for s in info.streams if s.type == "audio"), None)
    out = out_dir / f"{src.stem}.mp4"
    notes: list[str] = []
    args = ["-i", str(src), "-map", f"0:{video.index}"]
    if sound is not None:
        args += ["-map", f"0:{sound.index}", "-c:a", "copy" if sound.codec == "aac" else "aac"]
        if sound.codec != "aac":
            args += ["-b:a", "192k"]
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"]
    if burn:
        nth = [s.index for s in info.subtitles].index(stream.index)  # the filter counts subtitle streams
        font, family, note = burn_font(cue_text(src, stream.index))
        if note:
            notes.append(note)
        graph = (
            f"subtitles=filename={filter_value(str(src))}:si={nth}:fontsdir={filter_value(str(font.parent))}"
            f":force_style={filter_value('FontName=' + family)},scale=trunc(iw/2)*2:trunc(ih/2)*2"
        )
        args += ["-vf", graph, *x264, "-sn"]
    else:
        args += ["-map", f"0:{stream.index}", "-c:s", "mov_text", "-metadata:s:s:0", f"language={tag_for(lang)}"]
        if video.codec == "h264":
            args += ["-c:v", "copy"]
        else:
            args += [*x264, "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"]
    if title:
        args += ["-metadata", f"title={title}"]
    args += ["-map_chapters", "-1", "-dn", "-movflags", "+faststart", "-f", "mp4"]
    what = "The subtitles could not be burned in" if burn else "The subtitles could not be added"
    return convert(args, out, info.duration_s, what=what, progress=progress, cancel=cancel), notes


__all__ = [
    "burn_font",
    "cue_text",
    "filter_value",
    "find_stream",
    "language_key",
    "make_subtitled",
    "tag_for",
    "ytdlp_opts",
]
