"""A storyboard of an exported file: a few frames spread over it (one in the title's span when
the draft has a title) and the facts a user checks (picture size, duration, codec, file size).

Read from the saved MP4 on disk with PyAV (FFmpeg's libraries in-process: a keyframe seek and
a short decode per frame), so it works for an export from the cloud as well as from the
embedded engine. Blocking: call it in a worker thread. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

FRAMES = 6
FRAME_WIDTH = 320  # pixels: enough for the larger view, small enough to keep in memory


@dataclass
class Storyboard:
    """``frames``: (time in s, RGB picture ~``FRAME_WIDTH`` wide); ``title_index``: the
    frame taken in the title's span (None without a title); sizes in pixels, bytes, seconds."""

    path: Path
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    codec: str = ""
    size_bytes: int = 0
    frames: list[tuple[float, Image]] = field(default_factory=list)
    title_index: int | None = None

    def facts(self) -> str:
        """``1280×720 · 8s · h264 · 1.2 MB``: the parts known."""
        from tui.core.files import human_bytes
        from tui.core.timeline import format_ms

        parts = []
        if self.width and self.height:
            parts.append(f"{self.width}×{self.height}")
        if self.duration_s:
            parts.append(format_ms(self.duration_s * 1000))
        if self.codec:
            parts.append(self.codec)
        if self.size_bytes:
            parts.append(human_bytes(self.size_bytes))
        return " · ".join(parts)


def frame_times(
    duration_s: float, title_spans: Sequence[tuple[float, float]] = (), count: int = FRAMES
) -> tuple[list[float], int | None]:
    """``count`` times spread evenly over ``duration_s`` (the middle of each of ``count``
    equal parts); the one nearest the first title's middle moves there. Returns the times
    (ascending) and the index of the title's frame (None without a title)."""
    if duration_s <= 0 or count <= 0:
        return [], None
    times = [(i + 0.5) * duration_s / count for i in range(count)]
    spans = [(max(0.0, a), min(duration_s, b)) for a, b in title_spans if b > a and a < duration_s]
    if not spans:
        return times, None
    start, end = spans[0]
    middle = (start + end) / 2
    nearest = min(range(count), key=lambda i: abs(times[i] - middle))
    times[nearest] = middle
    return times, nearest


def title_spans(draft: Any) -> list[tuple[float, float]]:
    """(start, end) in seconds of the draft's text segments, in timeline order."""
    spans = []
    for track in getattr(draft, "tracks", None) or []:
        if getattr(track, "kind", "") == "Text":
            spans += [(s.start_ms / 1000, s.end_ms / 1000) for s in track.segments if s.duration_ms > 0]
    return sorted(spans)


def read_storyboard(path: Path, spans: Sequence[tuple[float, float]] = (), count: int = FRAMES) -> Storyboard:
    """The storyboard of the video file at ``path``. Raises OSError when the file cannot be
    read and ImportError without PyAV (``nemo-tui[local]``); a file without a picture stream
    gives a storyboard with facts and no frames."""
    import av

    board = Storyboard(path=path, size_bytes=path.stat().st_size)
    try:
        container = av.open(str(path))
    except av.FFmpegError as exc:
        raise OSError(f"cannot read {path.name}: {exc}") from exc
    with container:
        if container.duration:
            board.duration_s = container.duration / 1_000_000  # av.time_base: microseconds
        if not container.streams.video:
            return board
        stream = container.streams.video[0]
        board.width, board.height = stream.codec_context.width, stream.codec_context.height
        board.codec = stream.codec_context.name
        if stream.duration and stream.time_base:
            board.duration_s = float(stream.duration * stream.time_base)
        times, board.title_index = frame_times(board.duration_s, spans, count)
        for t in times:
            image = _frame_at(container, stream, t)
            if image is not None:
                height = max(2, round(FRAME_WIDTH * image.height / max(1, image.width)))
                board.frames.append((t, image.resize((FRAME_WIDTH, height))))
    return board


def _frame_at(container: Any, stream: Any, t: float) -> Image | None:
    """The frame shown at ``t`` s: seek to the keyframe before it, decode up to it."""
    import av

    try:
        container.seek(int(t / stream.time_base), stream=stream, backward=True, any_frame=False)
        found = None
        for frame in container.decode(stream):
            if found is not None and frame.time is not None and frame.time > t + 1e-3:
                break
            found = frame
    except av.FFmpegError:
        return None
    return found.to_image() if found is not None else None
