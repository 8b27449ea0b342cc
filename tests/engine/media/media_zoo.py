"""The media zoo: files as people have them, made by the bundled ffmpeg at test time.

Each Specimen says how it is made and what the generator put in (display size, duration,
where the sound starts relative to the picture, sound or not). Every clip with sound carries
a 1 kHz beep at BEEP_AT seconds of its audio stream's own clock, so where the beep lands in
an export shows whether picture and sound kept their offset.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BEEP_AT = 0.5
SECONDS = 2


def beep(seconds: float = SECONDS, rate: int = 48000) -> str:
    """lavfi source: silence with a 100 ms 1 kHz beep at BEEP_AT."""
    return (
        f"sine=frequency=1000:sample_rate={rate}:duration={seconds},"
        f"volume=volume=0:enable='not(between(t,{BEEP_AT},{BEEP_AT + 0.1}))'"
    )


def picture(width: int, height: int, rate: int = 25, seconds: float = SECONDS) -> str:
    return f"testsrc2=size={width}x{height}:rate={rate}:duration={seconds}"


X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
AAC = ["-c:a", "aac", "-b:a", "64k"]


@dataclass(frozen=True)
class Specimen:
    """name: file name (any extension); args: ffmpeg arguments after the inputs' -y.
    display: (w, h) on screen; duration: seconds; av_offset: audio start - video start;
    audio/video: streams present; kind: probe kind; extra: more expected probe facts."""

    name: str
    args: tuple[str, ...]
    display: tuple[int, int] | None
    duration: float = SECONDS
    av_offset: float = 0.0
    audio: bool = True
    kind: str = "video"
    extra: dict[str, object] = field(default_factory=dict)
    beep_at: float | None = BEEP_AT  # where the beep lands on the file's own clock


def _v(w: int, h: int, *more: str, rate: int = 25) -> tuple[str, ...]:
    return ("-f", "lavfi", "-i", picture(w, h, rate), "-f", "lavfi", "-i", beep(), *more)


SUBS_SRT = "1\n00:00:00,000 --> 00:00:01,500\nHello\n"
SUBS_ASS = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:01.50,Default,,0,0,0,,Bonjour
"""


def specimens(font: Path, workdir: Path) -> list[Specimen]:
    (workdir / "subs.srt").write_text(SUBS_SRT)
    (workdir / "subs.ass").write_text(SUBS_ASS)
    return [
        Specimen(
            "mpeg2-recording.dat",
            _v(320, 240, "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts"),
            (320, 240),
            extra={"vcodec": "mpeg2video", "acodec": "mp2"},
        ),
        Specimen("h264.ts", _v(320, 240, *X264, *AAC, "-f", "mpegts"), (320, 240), extra={"vcodec": "h264"}),
        Specimen(
            "hevc.mp4",
            _v(
                320,
                240,
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "log-level=none",
                "-tag:v",
                "hvc1",
                "-pix_fmt",
                "yuv420p",
                *AAC,
            ),
            (320, 240),
            extra={"vcodec": "hevc"},
        ),
        Specimen(
            "vp9.webm",
            _v(
                320,
                240,
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "300k",
                "-c:a",
                "libopus",
            ),
            (320, 240),
            extra={"vcodec": "vp9", "acodec": "opus"},
        ),
        Specimen(
            "av1.mkv",
            _v(320, 240, "-c:v", "libsvtav1", "-preset", "12", "-pix_fmt", "yuv420p", "-c:a", "libopus"),
            (320, 240),
            extra={"vcodec": "av1"},
        ),
        Specimen(
            "theora.ogv",
            _v(320, 240, "-c:v", "libtheora", "-q:v", "5", "-c:a", "libvorbis"),
            (320, 240),
            extra={"vcodec": "theora", "acodec": "vorbis"},
        ),
        Specimen(
            "flash.flv",
            (
                "-f",
                "lavfi",
                "-i",
                picture(320, 240),
                "-f",
                "lavfi",
                "-i",
                beep(rate=44100),
                "-c:v",
                "flv",
                "-c:a",
                "libmp3lame",
                "-ar",
                "44100",
            ),
            (320, 240),
            extra={"vcodec": "flv1", "acodec": "mp3"},
        ),
        Specimen(
            "subtitled.mkv",
            (
                "-f",
                "lavfi",
                "-i",
                picture(320, 240),
                "-f",
                "lavfi",
                "-i",
                beep(),
                "-i",
                str(workdir / "subs.srt"),
                "-i",
                str(workdir / "subs.ass"),
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-map",
                "2:s",
                "-map",
                "3:s",
                *X264,
                *AAC,
                "-c:s:0",
                "srt",
                "-c:s:1",
                "ass",
                "-attach",
                str(font),
                "-metadata:s:t",
                "mimetype=application/x-truetype-font",
            ),
            (320, 240),
        ),
        Specimen(
            "anamorphic-hd.mp4",
            _v(1440, 1080, "-vf", "setsar=4/3", *X264, *AAC, rate=10),
            (1920, 1080),
            extra={"sar": (4, 3), "stored_width": 1440},
        ),
        Specimen(
            "dvd.vob",
            _v(720, 480, "-vf", "setsar=32/27", "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "dvd", rate=10),
            (854, 480),
            extra={"sar": (32, 27)},
        ),
        Specimen(
            "phone-90.mp4",
            ("-display_rotation", "90", "-i", "{base}", "-c", "copy"),
            (240, 320),
            extra={"rotation": 90},
        ),
        Specimen(
            "phone-270.mp4",
            ("-display_rotation", "-90", "-i", "{base}", "-c", "copy"),
            (240, 320),
            extra={"rotation": 270},
        ),
        Specimen(
            "phone-180.mp4",
            ("-display_rotation", "180", "-i", "{base}", "-c", "copy"),
            (320, 240),
            extra={"rotation": 180},
        ),
        Specimen(
            "audio-late.mp4",
            (
                "-f",
                "lavfi",
                "-i",
                picture(320, 240, seconds=3),
                "-itsoffset",
                "1.0",
                "-f",
                "lavfi",
                "-i",
                beep(),
                *X264,
                *AAC,
            ),
            (320, 240),
            duration=3.0,
            av_offset=1.0,
            beep_at=1.0 + BEEP_AT,
        ),
        Specimen(
            "video-late.mp4",
            (
                "-itsoffset",
                "0.5",
                "-f",
                "lavfi",
                "-i",
                picture(320, 240),
                "-f",
                "lavfi",
                "-i",
                beep(seconds=2.5),
                *X264,
                *AAC,
            ),
            (320, 240),
            duration=2.5,
            av_offset=-0.5,
        ),
        Specimen(
            "vfr.mp4",
            (
                "-f",
                "lavfi",
                "-i",
                picture(320, 240, rate=30),
                "-f",
                "lavfi",
                "-i",
                beep(),
                "-vf",
                "select='if(lt(t,1),1,not(mod(n,3)))'",
                "-fps_mode",
                "vfr",
                *X264,
                *AAC,
            ),
            (320, 240),
            extra={"real_fps": 30.0},
        ),
        Specimen(
            "ten-bit-422.mkv",
            _v(320, 240, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p10le", *AAC),
            (320, 240),
            extra={"bit_depth": 10, "pix_fmt": "yuv422p10le"},
        ),
        Specimen(
            "hdr-pq.mp4",
            _v(
                320,
                240,
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p10le",
                "-x265-params",
                "log-level=none:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc",
                "-color_primaries",
                "bt2020",
                "-color_trc",
                "smpte2084",
                "-colorspace",
                "bt2020nc",
                "-tag:v",
                "hvc1",
                *AAC,
            ),
            (320, 240),
            extra={"color_transfer": "smpte2084", "bit_depth": 10},
        ),
        Specimen(
            "odd.mp4",
            _v(
                320, 240, "-vf", "scale=321:241", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", *AAC
            ),
            (321, 241),
        ),
        Specimen("sound.m4a", ("-f", "lavfi", "-i", beep(), *AAC), None, audio=True, kind="audio"),
        Specimen("sound.opus", ("-f", "lavfi", "-i", beep(), "-c:a", "libopus"), None, kind="audio"),
        Specimen("sound.flac", ("-f", "lavfi", "-i", beep(), "-c:a", "flac"), None, kind="audio"),
        Specimen(
            "photo.jpg",
            ("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"),
            (320, 240),
            duration=0.0,
            audio=False,
            kind="image",
            beep_at=None,
            extra={"color_range": "pc"},
        ),
        Specimen(
            "photo-rotated.jpg",
            (),
            (240, 320),
            duration=0.0,
            audio=False,
            kind="image",
            beep_at=None,
            extra={"orientation": 6},
        ),
        Specimen(
            "logo.png",
            ("-f", "lavfi", "-i", "testsrc2=size=200x100,format=rgba,colorchannelmixer=aa=0.5", "-frames:v", "1"),
            (200, 100),
            duration=0.0,
            audio=False,
            kind="image",
            beep_at=None,
            extra={"pix_fmt": "rgba"},
        ),
    ]


def make(ffmpeg: str, spec: Specimen, workdir: Path, base: Path) -> Path:
    """Generate one specimen into workdir (base: a plain H.264/AAC clip for the rotated ones)."""
    out = workdir / spec.name
    if spec.name == "photo-rotated.jpg":  # stored 320x240, EXIF says "rotate 90 CW to view"
        from PIL import Image

        img = Image.new("RGB", (320, 240), (200, 30, 30))
        img.paste((30, 30, 200), (0, 0, 160, 240))
        exif = img.getexif()
        exif[0x0112] = 6
        img.save(out, exif=exif)
        return out
    args = [a.replace("{base}", str(base)) for a in spec.args]
    cmd = [ffmpeg, "-v", "error", "-y", *args]
    if spec.kind == "video" and "-t" not in args and "{base}" not in spec.args:
        cmd += ["-t", str(spec.duration)]
    subprocess.run([*cmd, str(out)], check=True, capture_output=True, timeout=120)
    return out
