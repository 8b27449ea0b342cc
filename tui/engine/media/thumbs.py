"""Pictures of a video at a time: one frame decoded with PyAV, scaled, encoded with Pillow.

Blocking (the routes run it in the engine's media pool). One frame costs a keyframe seek
(``container.seek(..., backward=True, any_frame=False)``: FFmpeg's ``avformat_seek_file`` to
the keyframe at or before the time), then either that keyframe (``exact=False``) or decoding
forward to the frame nearest the time (the first whose time is at least the asked time minus
half a frame), the work ``ffmpeg -ss T -i FILE -frames:v 1`` does (its accurate seek, which
answers the first frame at or after T). No process starts, the frames before the time that
no other frame refers to (most B-frames) are skipped (``skip_frame`` NONREF: the picture is
the same, bit for bit), and the scaling and the pixel format conversion are one swscale pass
at the small size.

The picture keeps the display aspect: the stored size times the sample aspect ratio (SAR,
anamorphic video: 720x576 at 16:15 shows as 768x576), then the display matrix's rotation
(a phone's portrait video stored landscape). Sources: FFmpeg ``av_guess_sample_aspect_ratio``
(the stream's SAR, else the codec's) and ``av_display_rotation_get`` (degrees counterclockwise),
which PyAV exposes as ``VideoFrame.rotation``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import MediaError

MIN_SIDE, MAX_SIDE = 16, 1920
"""Sizes a picture may be asked at, in px (larger asks are clamped)."""
TIME_LIMIT_S = 10.0
"""Decoding forward stops after this long (a pathological GOP): the last decoded frame is answered."""
MAX_FRAMES_FORWARD = 1500
"""At most this many frames are decoded after a seek (a minute of 25 fps between keyframes)."""
FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg"), "jpg": ("JPEG", "image/jpeg")}


class NoVideo(MediaError):
    """The media has no video stream (an audio file): there is no picture to take."""


@dataclass(frozen=True)
class Picture:
    """An encoded picture: ``data`` bytes of ``mime`` ("image/png" | "image/jpeg"), ``width`` x
    ``height`` px, ``t`` the frame's time in seconds from the media's start (where it was found,
    which for ``exact=False`` is the keyframe's)."""

    data: bytes
    mime: str
    width: int
    height: int
    t: float


def clamp_side(value: int | None) -> int | None:
    """A side in px clamped to [MIN_SIDE, MAX_SIDE] (None stays None)."""
    return None if value is None else max(MIN_SIDE, min(MAX_SIDE, int(value)))


def fit(display: tuple[int, int], width: int, height: int | None) -> tuple[int, int]:
    """The size of a picture of a ``display`` (w, h) video ``width`` px wide, or fitted inside
    ``width`` x ``height`` (aspect kept, each side at least 1 px); without ``height``, a very
    tall picture is still at most :data:`MAX_SIDE` px high."""
    dw, dh = max(1, display[0]), max(1, display[1])
    w = float(width)
    h = w * dh / dw
    bound = MAX_SIDE if height is None else height
    if h > bound:
        h = float(bound)
        w = h * dw / dh
    return max(1, round(w)), max(1, round(h))


def _sar(stream: Any, frame: Any) -> Fraction:
    for owner in (stream, stream.codec_context, frame):
        try:
            value = owner.sample_aspect_ratio
        except AttributeError:
            continue
        if value is not None and value > 0:
            return Fraction(value)
    return Fraction(1)


def _rotation(frame: Any) -> int:
    """The display matrix's rotation, in degrees counterclockwise, one of 0/90/180/270."""
    try:
        return int(round(float(frame.rotation) / 90.0)) * 90 % 360
    except Exception:
        return 0


def open_video(path: Path | str, *, threads: bool = True) -> tuple[Any, Any]:
    """``(container, video stream)``; raises NoVideo without a video stream, MediaError when
    the file cannot be opened. The caller closes the container.

    ``threads``: frame threads for decoding forward through a GOP (faster per frame); without,
    one thread (a frame-threaded decoder holds its first picture back until several packets
    went in: slower when one keyframe is all that is wanted; bench/thumbnail.py measures it)."""
    import av

    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except Exception:
        raise MediaError(f"{Path(path).name} is not a playable video file.") from None
    stream = next(
        (s for s in container.streams.video if s.codec_context is not None and not _attached_pic(s)),
        None,
    )
    if stream is None:
        container.close()
        raise NoVideo(f"{Path(path).name} has no picture: it has no video stream.")
    if threads:
        stream.thread_type = "AUTO"
    else:
        stream.thread_type = "NONE"
        stream.codec_context.thread_count = 1
    return container, stream


def _attached_pic(stream: Any) -> bool:
    try:
        return bool(stream.disposition & 0x400)  # AV_DISPOSITION_ATTACHED_PIC: cover art, not video
    except Exception:
        return False


def origin_s(container: Any) -> float:
    """The container's start time in seconds (media times count from it)."""
    return float(container.start_time) / 1e6 if container.start_time is not None else 0.0


def duration_s(container: Any, stream: Any) -> float | None:
    """The declared duration in seconds (the container's, else the stream's), None when unknown."""
    if container.duration:
        return float(container.duration) / 1e6
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def decode_at(container: Any, stream: Any, t: float, *, exact: bool = True, time_limit: float = TIME_LIMIT_S) -> Any:
    """The video frame nearest ``t`` seconds from the media's start (``exact``), or the
    keyframe at or before it. Raises MediaError when nothing decodes."""
    origin = origin_s(container)
    target = origin + max(0.0, t)
    rate = stream.average_rate or stream.guessed_rate
    half = 0.5 / float(rate) if rate else 0.02
    time_base = stream.time_base or Fraction(1, 1000)
    try:
        container.seek(int(target / time_base), stream=stream, backward=True, any_frame=False)
    except Exception:
        try:  # a file without an index: from the start
            container.seek(0, stream=stream)
        except Exception:
            pass  # not seekable at all: read on from where the file is
    deadline = time.monotonic() + time_limit
    last = None
    count = 0
    context = stream.codec_context
    try:
        for packet in container.demux(stream):
            if exact and packet.pts is not None:
                # A frame no other frame refers to (most B-frames), shown before the time asked,
                # need not be decoded: FFmpeg's skip_frame=NONREF, per packet (its own pts).
                early = packet.pts * time_base < target - half
                context.skip_frame = "NONREF" if early else "DEFAULT"
            for frame in packet.decode():
                last = frame
                count += 1
                when = frame.time
                if not exact or when is None or when >= target - half:
                    return frame
                if count >= MAX_FRAMES_FORWARD or time.monotonic() > deadline:
                    return frame
    except Exception as exc:
        if last is not None:
            return last
        raise MediaError(f"Could not decode a picture: {type(exc).__name__}.") from None
    if last is None:
        raise MediaError("No picture could be decoded at this time.")
    return last  # the end of the file: the last frame


def render(frame: Any, stream: Any, width: int, height: int | None, fmt: str = "png") -> tuple[bytes, int, int]:
    """``frame`` scaled to ``width`` (or inside ``width`` x ``height``) with its display aspect
    and rotation, encoded as ``fmt``; returns (bytes, width, height)."""
    from PIL import Image

    pil_format = FORMATS.get(fmt, FORMATS["png"])[0]
    sar = _sar(stream, frame)
    rotation = _rotation(frame)
    display = (max(1, round(frame.width * sar)), frame.height)
    if rotation in (90, 270):
        display = (display[1], display[0])
    w, h = fit(display, width, height)
    sw, sh = (h, w) if rotation in (90, 270) else (w, h)  # the stored orientation, before turning
    small = frame.reformat(width=sw, height=sh, format="rgb24", interpolation="AREA")
    image = small.to_image()
    if rotation:
        turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
        image = image.transpose(turn[rotation])  # counterclockwise, as the display matrix says
    out = io.BytesIO()
    if pil_format == "JPEG":
        image.save(out, "JPEG", quality=88)
    else:
        image.save(out, "PNG", compress_level=1)  # small pictures: speed over a few bytes
    return out.getvalue(), image.width, image.height


def still(path: Path | str, width: int, height: int | None = None, *, fmt: str = "png") -> Picture:
    """A photo ``width`` px wide or inside ``width`` x ``height`` (clamped to 16–1920 px), turned
    upright by its EXIF orientation (Pillow ``ImageOps.exif_transpose``); ``t`` is 0.

    Raises MediaError when Pillow cannot read it (the engine's probe admitted it)."""
    from PIL import Image, ImageOps

    width = clamp_side(width) or MIN_SIDE
    height = clamp_side(height)
    pil_format, mime = FORMATS.get(fmt, FORMATS["png"])
    try:
        with Image.open(path) as opened:
            side = 2 * max(width, height or 0)
            opened.draft("RGB", (side, side))  # a JPEG decodes at a reduced scale, still >= 2x the size
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except Exception:
        raise MediaError(f"{Path(path).name} is not a picture that can be read.") from None
    image = image.resize(fit(image.size, width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if pil_format == "JPEG":
        image.save(out, "JPEG", quality=88)
    else:
        image.save(out, "PNG", compress_level=1)
    return Picture(out.getvalue(), mime, image.width, image.height, 0.0)


def thumbnail(
    path: Path | str, t: float, width: int, height: int | None = None, *, exact: bool = True, fmt: str = "png"
) -> Picture:
    """The picture of the video ``path`` at ``t`` seconds from its start (clamped to its span),
    ``width`` px wide or inside ``width`` x ``height`` (clamped to 16–1920 px).

    Raises NoVideo (no video stream), MediaError (not readable, nothing decodes)."""
    return frames(path, [t], width, height, exact=exact, fmt=fmt)[0]


def frames(
    path: Path | str,
    times: Sequence[float],
    width: int,
    height: int | None = None,
    *,
    exact: bool = True,
    fmt: str = "png",
) -> list[Picture]:
    """:func:`thumbnail` at each of ``times`` (one open file, one seek each)."""
    width = clamp_side(width) or MIN_SIDE
    height = clamp_side(height)
    mime = FORMATS.get(fmt, FORMATS["png"])[1]
    container, stream = open_video(path, threads=exact)
    try:
        total = duration_s(container, stream)
        origin = origin_s(container)
        out = []
        for t in times:
            at = max(0.0, float(t))
            if total is not None:
                at = min(at, max(0.0, total - 0.001))
            frame = decode_at(container, stream, at, exact=exact)
            data, w, h = render(frame, stream, width, height, fmt)
            found = frame.time - origin if frame.time is not None else at
            out.append(Picture(data, mime, w, h, round(max(0.0, found), 3)))
        return out
    finally:
        container.close()


__all__ = [
    "MAX_SIDE", "MIN_SIDE", "NoVideo", "Picture", "clamp_side", "decode_at", "fit", "frames", "still", "thumbnail",
]  # fmt: skip
