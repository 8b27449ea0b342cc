"""A loopback site for audio-only and subtitle downloads (issue 17), made by ffmpeg at test time.

Serves (``Site`` of dlsite.py over another folder), every medium 3 s at 320x180:

- ``/v/talk.mp4``: H.264 + AAC (a plain file: m4a by stream copy);
- ``/v/song.webm``: Opus sound only in WebM (a plain file: mp3 by encoding);
- ``/music/master.m3u8``: HLS whose picture (``v/``) and sound (``a/``, an ``EXT-X-MEDIA
  TYPE=AUDIO`` rendition) are separate playlists;
- ``/v/film.mkv``: H.264 + AAC + an SRT track (``eng``) + an ASS track (``fre``);
- ``/lecture/master.m3u8``: HLS H.264/AAC with WebVTT renditions (``EXT-X-MEDIA TYPE=SUBTITLES``)
  in English and German.

The cues: ``CUES`` (start s, end s, text) in every subtitle language; nothing is shown
outside them. The picture is one flat colour, so a drawn cue changes it clearly.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SECONDS = 3
SIZE = "320x180"
CUES = ((0.5, 1.5, "Hello subtitles"), (2.0, 2.6, "Second cue"))
AUDIO_MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Main",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="a/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",AUDIO="aud"
v/index.m3u8
"""
SUBS_MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",LANGUAGE="de",DEFAULT=NO,AUTOSELECT=YES,URI="subs/de.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",SUBTITLES="subs"
v/index.m3u8
"""
SUBS_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:{d}
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MEDIA-SEQUENCE:0
#EXTINF:{d}.0,
{name}
#EXT-X-ENDLIST
"""


def _run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True, capture_output=True)


def _ts(t: float, sep: str) -> str:
    return f"00:00:{int(t):02d}{sep}{int(round((t % 1) * 1000)):03d}"


def srt() -> str:
    return "".join(f"{i}\n{_ts(a, ',')} --> {_ts(b, ',')}\n{text}\n\n" for i, (a, b, text) in enumerate(CUES, 1))


def vtt() -> str:
    return "WEBVTT\n\n" + "".join(f"{_ts(a, '.')} --> {_ts(b, '.')}\n{text}\n\n" for a, b, text in CUES)


def ass() -> str:
    head = (
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 180\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, OutlineColour, BorderStyle, Outline, Alignment\n"
        "Style: Default,Arial,18,&H00FFFFFF,&H00000000,1,2,2\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )

    def t(s: float) -> str:
        return f"0:00:{int(s):02d}.{int(round((s % 1) * 100)):02d}"

    return head + "".join(f"Dialogue: 0,{t(a)},{t(b)},Default,,0,0,0,,{{\\b1}}{text}\n" for a, b, text in CUES)


def _picture() -> list[str]:
    return ["-f", "lavfi", "-i", f"color=c=0x2050a0:size={SIZE}:rate=25:duration={SECONDS}"]


def _tone() -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}"]


_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
_HLS = ["-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod"]


def build_avsite(root: Path, ffmpeg: str) -> Path:
    """Write the site into ``root``; return it."""
    v = root / "v"
    v.mkdir(parents=True)
    _run(ffmpeg, *_picture(), *_tone(), *_H264, "-c:a", "aac", "-b:a", "96k", "-shortest", str(v / "talk.mp4"))
    _run(ffmpeg, *_tone(), "-c:a", "libopus", "-b:a", "64k", str(v / "song.webm"))
    (root / "film.srt").write_text(srt())
    (root / "film.ass").write_text(ass())
    _run(
        ffmpeg,
        *_picture(),
        *_tone(),
        "-i",
        str(root / "film.srt"),
        "-i",
        str(root / "film.ass"),
        "-map",
        "0",
        "-map",
        "1",
        "-map",
        "2",
        "-map",
        "3",
        *_H264,
        "-c:a",
        "aac",
        "-c:s:0",
        "srt",
        "-c:s:1",
        "ass",
        "-metadata:s:s:0",
        "language=eng",
        "-metadata:s:s:1",
        "language=fre",
        "-t",
        str(SECONDS),
        str(v / "film.mkv"),
    )
    music = root / "music"
    (music / "v").mkdir(parents=True)
    (music / "a").mkdir()
    _run(
        ffmpeg,
        *_picture(),
        *_H264,
        *_HLS,
        "-hls_segment_filename",
        str(music / "v" / "seg%d.ts"),
        str(music / "v" / "index.m3u8"),
    )
    _run(
        ffmpeg,
        *_tone(),
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        *_HLS,
        "-hls_segment_filename",
        str(music / "a" / "seg%d.ts"),
        str(music / "a" / "index.m3u8"),
    )
    (music / "master.m3u8").write_text(AUDIO_MASTER)
    lecture = root / "lecture"
    (lecture / "v").mkdir(parents=True)
    (lecture / "subs").mkdir()
    _run(
        ffmpeg,
        *_picture(),
        *_tone(),
        *_H264,
        "-c:a",
        "aac",
        "-shortest",
        *_HLS,
        "-hls_segment_filename",
        str(lecture / "v" / "seg%d.ts"),
        str(lecture / "v" / "index.m3u8"),
    )
    for lang in ("en", "de"):
        (lecture / "subs" / f"{lang}.vtt").write_text(vtt())
        (lecture / "subs" / f"{lang}.m3u8").write_text(SUBS_PLAYLIST.format(d=SECONDS, name=f"{lang}.vtt"))
    (lecture / "master.m3u8").write_text(SUBS_MASTER)
    return root
