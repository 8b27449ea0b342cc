"""What a source's video stream allows: frames, IDR keyframes and H.264/HEVC parameter sets (PyAV).

One demux pass over the video packets (no decoding) gives every frame's presentation time,
which packets start an IDR access unit (ITU-T H.264 7.4.1.2: nal_unit_type 5), and the
avcC record (ISO/IEC 14496-15 5.3.3.1) holding the SPS/PPS the copied packets refer to.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..errors import MediaError
from .hvcc import IDR_TYPES, HvcConfig, hevc_nal_types, parse_hvcc


@dataclass(frozen=True)
class AvcConfig:
    """The parsed avcC record: NAL length size (bytes), SPS and PPS NAL units, trailing bytes."""

    profile: int
    compat: int
    level: int
    length_size: int
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]
    tail: bytes  # High-profile extension (chroma format, bit depths, SPS extensions)

    @property
    def sps_ids(self) -> set[int]:
        return {_first_ue(s, 4) for s in self.sps}

    @property
    def pps_ids(self) -> set[int]:
        return {_first_ue(p, 1) for p in self.pps}

    def to_bytes(self) -> bytes:
        out = bytearray([1, self.profile, self.compat, self.level, 0xFC | (self.length_size - 1)])
        out.append(0xE0 | len(self.sps))
        for nal in self.sps:
            out += len(nal).to_bytes(2, "big") + nal
        out.append(len(self.pps))
        for nal in self.pps:
            out += len(nal).to_bytes(2, "big") + nal
        return bytes(out + self.tail)


def parse_avcc(data: bytes) -> AvcConfig:
    """Parse an avcC record; raises ValueError when data is not one (e.g. Annex B extradata)."""
    if len(data) < 7 or data[0] != 1:
        raise ValueError("not an avcC record")
    pos = 6
    sps: list[bytes] = []
    for _ in range(data[5] & 0x1F):
        n = int.from_bytes(data[pos : pos + 2], "big")
        sps.append(bytes(data[pos + 2 : pos + 2 + n]))
        pos += 2 + n
    pps: list[bytes] = []
    count = data[pos]
    pos += 1
    for _ in range(count):
        n = int.from_bytes(data[pos : pos + 2], "big")
        pps.append(bytes(data[pos + 2 : pos + 2 + n]))
        pos += 2 + n
    if pos > len(data) or not sps or not pps:
        raise ValueError("truncated avcC record")
    return AvcConfig(data[1], data[2], data[3], (data[4] & 3) + 1, tuple(sps), tuple(pps), bytes(data[pos:]))


def _first_ue(nal: bytes, skip: int) -> int:
    """The first Exp-Golomb ue(v) value after `skip` bytes of a NAL unit (H.264 9.1)."""
    bits = "".join(f"{b:08b}" for b in nal[skip : skip + 8])
    zeros = len(bits) - len(bits.lstrip("0"))
    return int(bits[zeros : 2 * zeros + 1], 2) - 1


def nal_types(payload: bytes, length_size: int) -> Iterator[int]:
    """The nal_unit_type of each length-prefixed NAL unit in one MP4 sample."""
    pos, end = 0, len(payload)
    while pos + length_size <= end:
        n = int.from_bytes(payload[pos : pos + length_size], "big")
        if n <= 0 or pos + length_size + n > end:
            return
        yield payload[pos + length_size] & 0x1F
        pos += length_size + n


@dataclass(frozen=True)
class VideoFacts:
    """A source's video stream as the planner sees it.

    pts: every displayed frame's presentation time in `time_base` units, ascending; idr:
    indexes into pts of the frames that are IDR pictures (a copy may start there); fps and
    frame_ticks: the constant frame rate (None when frame times are not regular).
    """

    path: Path
    codec: str
    width: int
    height: int
    pix_fmt: str
    sar: Fraction
    time_base: Fraction
    start_ticks: int  # the container's start (ffmpeg's -ss counts from there), in time_base
    pts: tuple[int, ...]
    idr: tuple[int, ...]
    keys: tuple[int, ...]  # frames flagged as keyframes (IDR or recovery points): a decoder may start there
    frame_ticks: int | None
    avcc: AvcConfig | None
    rotation: int
    audio_channels: int | None  # None: no audio stream
    audio_codec: str | None = None
    audio_rate: int | None = None
    reorders: bool = False  # some frame is decoded before one shown earlier (B-frames)
    colour: tuple[int, int, int, int] = (2, 2, 2, 0)  # primaries, transfer, matrix, range (ffmpeg enums)
    # keyframe index -> index of the earliest frame decoded at or after it: a copy that stops
    # before that keyframe's packet holds the frames up to there (open GOPs: its leading B-frames
    # are shown before it and belong to what follows). For an IDR it is the IDR itself.
    cuts: Mapping[int, int] = field(default_factory=dict)
    ends_at_eof: bool = True  # pts runs to the file's last frame
    hvcc: HvcConfig | None = None  # an HEVC source's hvcC (then avcc is None; idr: IDR_W_RADL/IDR_N_LP)

    @property
    def fps(self) -> Fraction | None:
        return None if not self.frame_ticks else 1 / (self.time_base * self.frame_ticks)


def _windows(windows: Sequence[tuple[float, float]]) -> list[tuple[float, float | None]]:
    """Sorted, merged (start_s, end_s) stretches; none: the whole file."""
    merged: list[tuple[float, float | None]] = []
    for a, b in sorted(windows):
        if merged and merged[-1][1] is not None and a <= merged[-1][1] + 10:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged or [(0.0, None)]


def analyse(path: Path, windows: Sequence[tuple[float, float]] = ()) -> VideoFacts:
    """Demux the first video stream's packets (no decode). Raises MediaError if unreadable.

    windows: (start_s, end_s) stretches (seconds from the file's start) the caller needs;
    each is read from the keyframe at or before its start to the second keyframe after its
    end (or the end of the file), so a 60 s trim of an hour reads about 60 s of packets.
    """
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(f"{path.name} cannot be read: {exc}") from exc
    with container:
        if not container.streams.video:
            raise MediaError(f"{path.name} has no video stream.")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if stream.time_base is None:
            raise MediaError(f"{path.name} has no time base.")
        tb = Fraction(stream.time_base.numerator, stream.time_base.denominator)
        extradata = bytes(ctx.extradata or b"")
        avcc: AvcConfig | None = None
        hvcc: HvcConfig | None = None
        if ctx.name == "h264":
            try:
                avcc = parse_avcc(extradata)
            except ValueError:
                avcc = None
        elif ctx.name == "hevc":
            try:
                hvcc = parse_hvcc(extradata)
            except ValueError:
                hvcc = None
        start = container.start_time
        start_ticks = round(Fraction(start, 1_000_000) / tb) if start is not None else 0
        shown: dict[int, tuple[bool, bool]] = {}  # pts -> (IDR, keyframe)
        cut_pts: dict[int, int] = {}  # keyframe pts -> the earliest pts decoded at or after it
        steps: set[int] = set()
        reorders = eof = False
        for first_s, last_s in _windows(windows):
            end_ticks = None if last_s is None else start_ticks + math.ceil(Fraction(last_s) / tb)
            container.seek(
                max(0, start_ticks + math.floor(Fraction(first_s) / tb)), stream=stream, backward=True, any_frame=False
            )
            order: list[tuple[int, bool]] = []  # decode order: (pts, keyframe), shown frames only
            keys_after, eof = 0, True
            for packet in container.demux(stream):
                if packet.pts is None or packet.size == 0:
                    continue
                key = bool(packet.is_keyframe)
                if end_ticks is not None and key and packet.pts >= end_ticks:
                    keys_after += 1
                    if keys_after == 2:
                        eof = False
                        break
                if packet.is_discard:
                    continue
                is_idr = False
                if key and avcc is not None:
                    is_idr = 5 in set(nal_types(bytes(packet), avcc.length_size))
                elif key and hvcc is not None:  # a CRA (open GOP) is a keyframe but not an IDR
                    is_idr = bool(IDR_TYPES & set(hevc_nal_types(bytes(packet), hvcc.length_size)))
                shown[packet.pts] = (is_idr, key)
                order.append((packet.pts, key))
            lowest: int | None = None
            for pts_value, key in reversed(order):
                lowest = pts_value if lowest is None else min(lowest, pts_value)
                if key:
                    cut_pts[pts_value] = lowest
            highest = None
            for pts_value, _ in order:
                reorders = reorders or (highest is not None and pts_value < highest)
                highest = pts_value if highest is None else max(highest, pts_value)
            in_window = sorted(p for p, _ in order)
            steps |= {b - a for a, b in itertools.pairwise(in_window)}
        pts = tuple(sorted(shown))
        index = {p: i for i, p in enumerate(pts)}
        idr = tuple(index[p] for p in pts if shown[p][0])
        keys = tuple(index[p] for p in pts if shown[p][1])
        cuts = {index[k]: index[v] for k, v in cut_pts.items() if k in index and v in index}
        frame_ticks = steps.pop() if len(steps) == 1 else None
        rotation = 0
        try:
            rotation = round(float(stream.metadata.get("rotate", 0) or 0)) % 360
        except ValueError:
            rotation = 0
        for side in getattr(stream, "side_data", {}) or {}:
            if "DISPLAYMATRIX" in str(side).upper():
                rotation = 90  # any display matrix: treat as rotated (the planner falls back)
        sar = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
        audio = container.streams.audio[0] if container.streams.audio else None
        return VideoFacts(
            path=path,
            codec=ctx.name,
            width=ctx.width,
            height=ctx.height,
            pix_fmt=ctx.pix_fmt or "",
            sar=Fraction(sar) if sar else Fraction(1),
            time_base=tb,
            start_ticks=start_ticks,
            pts=pts,
            idr=idr,
            keys=keys,
            frame_ticks=frame_ticks,
            avcc=avcc,
            hvcc=hvcc,
            rotation=rotation,
            audio_channels=audio.codec_context.channels if audio is not None else None,
            reorders=reorders,
            audio_codec=audio.codec_context.name if audio is not None else None,
            audio_rate=audio.codec_context.sample_rate if audio is not None else None,
            colour=(
                int(ctx.color_primaries or 2),
                int(ctx.color_trc or 2),
                int(ctx.colorspace or 2),
                int(ctx.color_range or 0),
            ),
            cuts=cuts,
            ends_at_eof=eof,
        )
