"""Small pure helpers for the upload and export workflows (no Textual, no ffprobe).

- ``mp4_duration(path)``: the duration of an MP4/MOV from its ``moov/mvhd`` box (pure Python);
- ``export_filename(...)``: a friendly, safe output name "<title or first clip>-<short id>.mp4";
- ``RateMeter``: bytes/s and ETA over a short sliding window, for progress lines;
- ``human_bytes`` / ``human_duration``;
- ``last_folder`` / ``remember_folder``: the picker's last folder, kept in the data dir.
"""

from __future__ import annotations

import json
import os
import re
import struct
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tui.api.download import safe_filename
from tui.contract import format_bytes

UI_STATE_FILE = "ui-state.json"
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts"}


# ---- MP4 duration ------------------------------------------------------------------------
def _boxes(fh: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload_start, box_end) for the boxes in [start, end)."""
    pos = start
    while pos + 8 <= end:
        fh.seek(pos)
        head = fh.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        payload = pos + 8
        if size == 1:  # 64-bit size follows
            big = fh.read(8)
            if len(big) < 8:
                return
            size = struct.unpack(">Q", big)[0]
            payload = pos + 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < payload - pos:
            return  # a corrupt box: stop rather than loop
        yield kind, payload, min(pos + size, end)
        pos += size


def mp4_duration(path: Path | str) -> float | None:
    """Seconds, read from the movie header (``moov/mvhd``); None when the file has none
    (not an MP4/MOV, or cut short). Reads a few hundred bytes, wherever moov sits."""
    try:
        with open(path, "rb") as fh:
            end = os.fstat(fh.fileno()).st_size
            for kind, payload, box_end in _boxes(fh, 0, end):
                if kind != b"moov":
                    continue
                for inner, inner_payload, _inner_end in _boxes(fh, payload, box_end):
                    if inner != b"mvhd":
                        continue
                    fh.seek(inner_payload)
                    version = fh.read(4)[:1]
                    if version == b"\x01":
                        data = fh.read(28)
                        if len(data) < 28:
                            return None
                        _created, _modified, scale, duration = struct.unpack(">QQIQ", data)
                    else:
                        data = fh.read(16)
                        if len(data) < 16:
                            return None
                        _created, _modified, scale, duration = struct.unpack(">IIII", data)
                    if not scale:
                        return None
                    return float(duration) / float(scale)
    except OSError:
        return None
    return None


# ---- names -------------------------------------------------------------------------------
def short_id(render_id: str | None) -> str:
    """The last 8 meaningful characters of a render id ("render_3fa9…" -> "…")."""
    text = re.sub(r"[^A-Za-z0-9]", "", (render_id or "").removeprefix("render_"))
    return text[-8:] if text else "video"


def draft_title(draft: Any) -> str:
    """The project's title, else the first clip's name without its extension, else "nemo-video"."""
    meta = getattr(draft, "meta", None) or {}
    title = str(meta.get("title") or "").strip()
    if title and title.lower() not in ("project", "untitled", "draft"):
        return title
    tracks = list(getattr(draft, "tracks", None) or [])
    for kind in ("Video", "Audio"):  # the first clip of the picture, else of the sound
        for track in tracks:
            if getattr(track, "kind", "") != kind:
                continue
            for segment in getattr(track, "segments", None) or []:
                name = (getattr(segment, "name", "") or "").strip()
                if name:
                    return name.rsplit(".", 1)[0] if "." in name else name
    return "nemo-video"


def export_filename(title: str, render_id: str | None, fmt: str = "mp4") -> str:
    """ "<title>-<short id>.<fmt>", safe on every file system (no separators, no control
    characters, a sane length; spaces become dashes)."""
    stem = re.sub(r"\s+", "-", title.strip())[:60].strip("-.") or "nemo-video"
    return safe_filename(f"{stem}-{short_id(render_id)}.{fmt}", f"nemo-video-{short_id(render_id)}.{fmt}")


def existing_part_name(folder: Path, render_id: str | None) -> str | None:
    """The name of a ``.part`` already started for this render (so a resumed download keeps
    its name even if the project's title changed since)."""
    sid = short_id(render_id)
    try:
        for part in sorted(Path(folder).glob(f"*-{sid}.*.part")):
            return part.name[: -len(".part")]
    except OSError:
        return None
    return None


# ---- progress ------------------------------------------------------------------------------
class RateMeter:
    """Speed and ETA from (time, bytes) samples over the last few seconds."""

    def __init__(self, window: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self.samples: deque[tuple[float, int]] = deque()
        self.first: int | None = None

    def add(self, done: int) -> None:
        now = self.clock()
        if self.first is None:
            self.first = done
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.popleft()

    @property
    def speed(self) -> float | None:
        if len(self.samples) < 2:
            return None
        (t0, b0), (t1, b1) = self.samples[0], self.samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else None

    def eta(self, total: int | None) -> float | None:
        speed = self.speed
        if not total or not speed or speed <= 0 or not self.samples:
            return None
        return max(0.0, (total - self.samples[-1][1]) / speed)


def human_bytes(n: float | int | None) -> str:
    """A byte count in decimal units (``tui.contract.format_bytes``); "?" when unknown."""
    return "?" if n is None else format_bytes(n)


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def transfer_line(done: int, total: int | None, meter: RateMeter) -> str:
    """ "3.1/9.8 MB · 2.4 MB/s · 3s left" (short: it shares a line with a name and a bar)."""
    have, whole = human_bytes(done), human_bytes(total) if total else ""
    if whole and have.split()[-1] == whole.split()[-1]:
        words = f"{have.split()[0]}/{whole}"
    else:
        words = have + (f"/{whole}" if whole else "")
    if meter.speed:
        words += f" · {human_bytes(meter.speed)}/s"
    eta = meter.eta(total)
    if eta is not None and total and done < total:
        words += f" · {eta:.0f}s left"
    return words


# ---- the picker's last folder --------------------------------------------------------------
def _state_path(data_dir: Path) -> Path:
    return Path(data_dir) / UI_STATE_FILE


def last_folder(data_dir: Path) -> Path | None:
    try:
        data = json.loads(_state_path(data_dir).read_text("utf-8"))
        folder = Path(data.get("last_upload_folder") or "")
    except (OSError, ValueError, AttributeError, TypeError):
        return None
    return folder if str(folder) not in ("", ".") and folder.is_dir() else None


def remember_folder(data_dir: Path, folder: Path) -> None:
    path = _state_path(data_dir)
    try:
        try:
            data = json.loads(path.read_text("utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data["last_upload_folder"] = str(Path(folder).resolve())
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data dir: the picker just starts at home next time


__all__ = [
    "RateMeter",
    "draft_title",
    "existing_part_name",
    "export_filename",
    "human_bytes",
    "human_duration",
    "last_folder",
    "mp4_duration",
    "remember_folder",
    "short_id",
    "transfer_line",
]
