"""Probing media with PyAV (FFmpeg's libraries, `av`): structured facts from the headers.

One `av.open` per file reads the container and stream headers (what ffprobe reports:
codec, profile, pixel format, colour, SAR, frame rates, start times, channel layout); the
first frame of the main stream is decoded (it proves the file is media, not a text file
named .mp4, and carries the display matrix as side data); the last few seconds are
demuxed (packets, no decoding) so the duration is measured from real packets, never taken
from a header alone. Photos' EXIF orientation comes from Pillow (lazy: no pixels decoded).

Every fact is in the file's own time origin: the container's start time is 0, and each
stream's ``start_s`` is its offset from there (audio 1.0 s late -> audio start_s 1.0).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import limits as _limits
from .errors import MediaError
from .streams import StreamInfo, read_stream

# Demuxers that read a single picture (or an animated picture the engine treats as a still).
_IMAGE_FORMATS = {"image2", "gif", "apng", "webp", "image2pipe"}
_END_WINDOW_S = 10.0  # the tail demuxed to find where the media really ends
_TAIL_BYTES = 32 * 1024 * 1024  # at most this much is read for that
_SCAN_BYTES = 4 * 1024 * 1024 * 1024  # a full demux (no index, no duration) reads at most this


@dataclass(frozen=True)
class MediaInfo:
    """What the engine knows about a media file.

    kind is "video" | "audio" | "image". duration_s is the measured length in seconds from
    the file's time origin to the end of its last audio/video packet (0.0 for still images).
    width/height are the DISPLAY size: stored size x SAR (square pixels), then rotation (the
    display matrix of a video, the EXIF orientation of a photo) applied; stored_width/
    stored_height are the coded frame. fps is the average frame rate, real_fps the stream's
    base rate (they differ for variable frame rate). video_start_s/audio_start_s are each
    stream's first timestamp from the origin (0.0 when absent); av_offset_s is
    audio_start_s - video_start_s. streams lists every stream (subtitles and attachments
    too). pix_fmt, bit_depth, color_range ("tv" limited / "pc" full), color_transfer
    (e.g. "bt709", "smpte2084" = PQ, "arib-std-b67" = HLG) describe the main video stream.
    """

    path: Path
    kind: str
    duration_s: float
    width: int | None
    height: int | None
    fps: float | None
    vcodec: str | None
    acodec: str | None
    has_video: bool
    has_audio: bool
    pix_fmt: str | None = None
    container: str = ""
    sample_rate: int | None = None
    channels: int | None = None
    size_bytes: int = 0
    stored_width: int | None = None
    stored_height: int | None = None
    sar: tuple[int, int] = (1, 1)
    rotation: int = 0
    orientation: int = 1
    real_fps: float | None = None
    vprofile: str | None = None
    aprofile: str | None = None
    bit_depth: int | None = None
    color_range: str | None = None
    color_transfer: str | None = None
    channel_layout: str | None = None
    start_s: float = 0.0
    video_start_s: float = 0.0
    audio_start_s: float = 0.0
    declared_duration_s: float | None = None
    streams: tuple[StreamInfo, ...] = field(default_factory=tuple)

    @property
    def av_offset_s(self) -> float:
        """How much later the sound starts than the picture (negative: sound first)."""
        if not (self.has_video and self.has_audio) or self.kind == "image":
            return 0.0
        return round(self.audio_start_s - self.video_start_s, 3)

    @property
    def is_hdr(self) -> bool:
        """PQ (SMPTE ST 2084) or HLG transfer: needs tone mapping for SDR players."""
        return self.color_transfer in ("smpte2084", "arib-std-b67")

    @property
    def subtitles(self) -> tuple[StreamInfo, ...]:
        return tuple(s for s in self.streams if s.type == "subtitle")


def _not_playable(path: Path) -> MediaError:
    return MediaError(f"{path.name} is not a playable video or audio file.")


def _photo_orientation(path: Path) -> int:
    """EXIF orientation (1..8) of a photo, 1 when none (Pillow reads the header only)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is in the 'local' extra
        return 1
    try:
        with Image.open(path) as img:
            value = img.getexif().get(0x0112, 1)  # 0x0112 = Orientation (EXIF 2.3, table 4)
    except Exception:
        return 1
    return int(value) if isinstance(value, int) and 1 <= value <= 8 else 1


def _measure_end(
    container: Any, streams: list[Any], declared_end_s: float | None, size: int, reopen: Any
) -> float | None:
    """The end (seconds, the container's timestamps) of the last packet of `streams`.

    Seeks near the declared end and demuxes from there; when there is no declared end, or
    the packets found near it are far from it (a header that claims 1,000 h for a 44 KB
    file), the whole file is demuxed instead from a fresh reopen() (packets only, no
    decoding). None: no packets.
    """

    def scan(budget: int) -> tuple[float | None, bool]:
        ends: dict[int, int] = {}  # stream index -> largest pts + duration, in its time base
        read = 0
        complete = True
        try:
            for packet in container.demux(streams):
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts is None:
                    continue
                ts += packet.duration or 0
                index = packet.stream_index
                if ts > ends.get(index, ts - 1):
                    ends[index] = ts
                read += packet.size
                if read > budget:
                    complete = False
                    break
        except Exception:  # a damaged tail ends the scan: what was read still counts
            pass
        by_index = {s.index: s for s in streams}
        times = [float(ts * by_index[i].time_base) for i, ts in ends.items() if i in by_index]
        return (max(times) if times else None), complete

    if declared_end_s is not None and declared_end_s > 0:
        target = max(0.0, declared_end_s - _END_WINDOW_S)
        try:
            container.seek(int(target * 1_000_000), backward=True, any_frame=False)
            end, complete = scan(_TAIL_BYTES)
            if end is not None and (not complete or end >= declared_end_s - 2 * _END_WINDOW_S):
                return end if complete else max(end, declared_end_s)
        except Exception:
            pass
    fresh = reopen()  # a file that cannot seek (FLV without an index) is read again from the start
    try:
        container = fresh
        streams = [fresh.streams[s.index] for s in streams]
        end, _ = scan(min(_SCAN_BYTES, max(size * 2, 1 << 20)))
    finally:
        fresh.close()
    return end


def _first_frame(container: Any, stream: Any) -> Any:
    """Decode the first frame of `stream` (None when nothing decodes)."""
    try:
        # One thread: frame threads would have to start (and fill) before the first frame.
        stream.thread_type = "NONE"
        stream.codec_context.thread_count = 1
    except Exception:
        pass
    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                return frame
        for frame in stream.decode(None):  # flush: a single-frame file
            return frame
    except Exception:
        return None
    return None


def _open(path: Path) -> Any:
    try:
        import av
    except ImportError as exc:  # the 'local' extra is not installed
        raise MediaError("Probing media needs PyAV: install nemo-tui[local].") from exc
    try:
        return av.open(str(path), mode="r", metadata_errors="replace")
    except Exception:
        raise _not_playable(path) from None


def _probe(path: Path, size: int) -> MediaInfo:
    lim = _limits.current()
    container = _open(path)
    try:
        fmt = container.format.name or ""
        streams = [read_stream(s) for s in container.streams]
        raw_v = next(
            (
                s
                for s, i in zip(container.streams, streams, strict=False)
                if i.type == "video" and not i.attached_pic and i.width and i.height
            ),
            None,
        )
        raw_a = next((s for s in container.streams.audio), None)
        video = next((i for i in streams if raw_v is not None and i.index == raw_v.index), None)
        audio = next((i for i in streams if raw_a is not None and i.index == raw_a.index), None)
        if video is None and audio is None:
            raise _not_playable(path)
        first_format = fmt.split(",")[0]
        is_image_format = first_format in _IMAGE_FORMATS or first_format.endswith("_pipe")
        kind = (
            "image"
            if video is not None and audio is None and is_image_format
            else ("video" if video is not None else "audio")
        )
        if kind == "image" and video is not None and video.width * video.height > lim.max_image_pixels:
            raise MediaError(
                f"{path.name} is a {video.width}x{video.height} picture: more than the "
                f"{lim.max_image_pixels / 1e6:.0f} megapixels allowed (NEMO_MAX_IMAGE_PIXELS)."
            )
        main = raw_v if raw_v is not None else raw_a
        frame = _first_frame(container, main)
        if frame is None:
            raise _not_playable(path)
        rotation = 0
        if raw_v is not None and kind != "image":
            try:
                rotation = int(round(float(frame.rotation))) % 360
            except Exception:
                rotation = 0
        origin = float(container.start_time) / 1e6 if container.start_time is not None else 0.0
        declared = float(container.duration) / 1e6 if container.duration else None
        duration = 0.0
        if kind != "image":
            av_streams = [s for s in (raw_v, raw_a) if s is not None]
            end = _measure_end(
                container, av_streams, origin + declared if declared else None, size, lambda: _open(path)
            )
            if end is None or end - origin <= 0:
                raise _not_playable(path)
            duration = end - origin
            if duration > lim.max_media_seconds:
                raise MediaError(
                    f"{path.name} lasts {duration / 3600:.1f} h: more than the "
                    f"{lim.max_media_seconds / 3600:.0f} h allowed (NEMO_MAX_MEDIA_SECONDS)."
                )
    finally:
        container.close()

    orientation = _photo_orientation(path) if kind == "image" else 1
    width = height = None
    sar = (1, 1)
    if video is not None:
        sar = video.sar or (1, 1)
        width = max(1, int(round(video.width * Fraction(*sar))))
        height = video.height
        if width % 2 and video.width % 2 == 0 and sar != (1, 1):
            width += 1  # 719.9 -> 720: anamorphic frames stay on even display sizes
        if rotation in (90, 270) or orientation in (5, 6, 7, 8):
            width, height = height, width

    def rel(info: StreamInfo | None) -> float:
        return round(max(0.0, info.start_s - origin), 3) if info is not None and info.start_s is not None else 0.0

    return MediaInfo(
        path=path,
        kind=kind,
        duration_s=round(duration, 3),
        width=width,
        height=height,
        fps=video.avg_fps if video is not None and kind == "video" else None,
        vcodec=video.codec if video is not None else None,
        acodec=audio.codec if audio is not None else None,
        has_video=video is not None,
        has_audio=audio is not None,
        pix_fmt=video.pix_fmt if video is not None else None,
        container=fmt,
        sample_rate=audio.sample_rate if audio is not None else None,
        channels=audio.channels if audio is not None else None,
        size_bytes=size,
        stored_width=video.width if video is not None else None,
        stored_height=video.height if video is not None else None,
        sar=sar,
        rotation=rotation,
        orientation=orientation,
        real_fps=video.real_fps if video is not None and kind == "video" else None,
        vprofile=video.profile if video is not None else None,
        aprofile=audio.profile if audio is not None else None,
        bit_depth=video.bit_depth if video is not None else None,
        color_range=video.color_range if video is not None else None,
        color_transfer=video.color_transfer if video is not None else None,
        channel_layout=audio.layout if audio is not None else None,
        start_s=round(origin, 6),
        video_start_s=rel(video),
        audio_start_s=rel(audio),
        declared_duration_s=round(declared, 3) if declared else None,
        streams=tuple(streams),
    )


_cache: dict[tuple[str, int, int], MediaInfo] = {}
_cache_lock = threading.Lock()


def probe(path: Path | str) -> MediaInfo:
    """Probe a media file: kind, measured duration, display size, codecs, streams, offsets.

    Raises MediaError("<name> is not a playable video or audio file.") for anything FFmpeg
    cannot open and decode; MediaError when the file is missing, a picture is larger than
    NEMO_MAX_IMAGE_PIXELS, or the media is longer than NEMO_MAX_MEDIA_SECONDS (limits.py).
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MediaError(f"{path.name} does not exist.") from None
    except OSError as exc:
        raise MediaError(f"{path.name} cannot be read: {exc.strerror or exc}.") from None
    if not path.is_file():
        raise MediaError(f"{path.name} is not a file.")
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    if st.st_size == 0:
        raise _not_playable(path)
    info = _probe(path, st.st_size)
    with _cache_lock:
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = info
    return info
