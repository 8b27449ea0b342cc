"""Audio peaks of a media: the loudest sample of its mono mix in equal time buckets.

Blocking (the routes run it in the engine's media pool). The first audio stream is decoded
and resampled by FFmpeg's swresample (PyAV ``AudioResampler``) to :data:`RATE` Hz mono
float samples (the channels mixed down by swresample's default matrix); only the audio
packets are decoded. Bucket ``i`` of ``n`` covers ``[i*D/n, (i+1)*D/n)`` seconds of the
media's duration ``D`` and holds ``max |sample|`` (1.0 = full scale), so a waveform drawn
from it shows silence where the sound is silent, at the time it is. Sound that starts late
(an audio stream that begins after the container's start) lands in the right buckets.

A media without an audio stream has no sound: all zeros, ``has_audio`` False.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .errors import MediaError

RATE = 8000
"""Hz of the mono decode: a waveform needs loudness per bucket, not the high frequencies."""
MAX_BUCKETS = 10_000
MAX_BAD_PACKETS = 50
TIME_LIMIT_S = 120.0
"""A decode taking longer fails (MediaError) instead of holding a media thread."""


@dataclass(frozen=True)
class Peaks:
    """``values``: one peak in 0.0–1.0 per bucket; ``duration`` in s; ``has_audio``: False when
    the media has no audio stream (then every value is 0.0)."""

    values: tuple[float, ...]
    duration: float
    has_audio: bool


def clamp_count(n: int) -> int:
    """A bucket count clamped to [1, MAX_BUCKETS]."""
    return max(1, min(MAX_BUCKETS, int(n)))


def peaks(path: Path | str, count: int, duration: float | None = None, *, time_limit: float = TIME_LIMIT_S) -> Peaks:
    """``count`` (clamped to 1–10000) peaks of the media at ``path`` over ``duration`` seconds
    (the measured duration, e.g. the probe's; None: the container's declared one).

    Raises MediaError when the file cannot be read or takes longer than ``time_limit`` s."""
    import av
    import numpy as np

    n = clamp_count(count)
    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except Exception:
        raise MediaError(f"{Path(path).name} is not a playable media file.") from None
    try:
        total = duration if duration and duration > 0 else (container.duration or 0) / 1e6
        stream = next(iter(container.streams.audio), None)
        if stream is None or total <= 0:
            return Peaks((0.0,) * n, float(total), False)
        origin = float(container.start_time) / 1e6 if container.start_time is not None else 0.0
        total_samples = max(1, int(round(total * RATE)))
        out = np.zeros(n, dtype=np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        deadline = time.monotonic() + time_limit
        pos: int | None = None  # the next sample's index from the media's start

        def add(samples: np.ndarray) -> None:
            nonlocal pos
            assert pos is not None
            start = pos
            pos += samples.size
            if pos <= 0 or start >= total_samples:
                return
            lo, hi = max(0, -start), min(samples.size, total_samples - start)
            values = np.abs(samples[lo:hi])
            buckets = (np.arange(start + lo, start + hi, dtype=np.int64) * n) // total_samples
            cuts = np.flatnonzero(np.diff(buckets)) + 1  # where a new bucket begins
            firsts = np.concatenate(([0], cuts))
            np.maximum.at(out, buckets[firsts], np.maximum.reduceat(values, firsts))

        def consume(frames: list[av.AudioFrame]) -> None:
            for f in frames:
                add(f.to_ndarray().reshape(-1))

        bad = 0
        for packet in container.demux(stream):
            try:
                decoded = packet.decode()
            except av.FFmpegError:
                bad += 1  # a damaged packet is skipped, as ffmpeg does; many of them: not sound
                if bad > MAX_BAD_PACKETS:
                    raise MediaError(f"The sound of {Path(path).name} is damaged beyond reading.") from None
                continue
            for frame in decoded:
                if pos is None:
                    first = frame.time
                    pos = int(round(((first - origin) if first is not None else 0.0) * RATE))
                consume(resampler.resample(frame))
            if time.monotonic() > deadline:
                raise MediaError(f"Reading the sound of {Path(path).name} took longer than {time_limit:.0f} s.")
        if pos is None:
            raise MediaError(f"No sound could be decoded from {Path(path).name}.")
        consume(resampler.resample(None))  # what the resampler still holds
        np.clip(out, 0.0, 1.0, out=out)
        return Peaks(tuple(round(float(v), 4) for v in out), float(total), True)
    finally:
        container.close()


__all__ = ["MAX_BUCKETS", "RATE", "Peaks", "clamp_count", "peaks"]
