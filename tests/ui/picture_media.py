"""Media for the timeline's picture tests, made by ffmpeg, and ``AvPictureSource``: a
``PictureSource`` that decodes them with PyAV (no engine), so the widgets are tested on
real pictures and sound.

- ``bars``: SMPTE colour bars, 4 s; ``redblue``: red for 2 s then blue for 2 s;
- ``sine``: 8 s of a 440 Hz tone, silent from 3 s to 5 s.
"""

from __future__ import annotations

import array
import asyncio
import subprocess
from pathlib import Path

SECONDS = {"bars": 4.0, "redblue": 4.0, "sine": 8.0}
SILENT = (3.0, 5.0)


def make_media(ffmpeg: str, folder: Path) -> dict[str, Path]:
    """The three media files (cached in ``folder``) by media id."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {name: folder / f"{name}.{'m4a' if name == 'sine' else 'mp4'}" for name in SECONDS}
    video = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
    jobs = {
        "bars": ["-f", "lavfi", "-i", "smptebars=size=320x180:rate=25:duration=4", *video],
        "redblue": [
            "-f",
            "lavfi",
            "-i",
            "color=c=red:size=320x180:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "color=c=blue:size=320x180:rate=25:duration=2",
            "-filter_complex",
            "[0:v][1:v]concat=n=2:v=1:a=0[v]",
            "-map",
            "[v]",
            *video,
        ],  # fmt: skip
        "sine": [
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=8",
            "-af",
            f"volume=6,volume=enable='between(t,{SILENT[0]},{SILENT[1]})':volume=0",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
        ],  # fmt: skip
    }
    for name, args in jobs.items():
        if not out[name].exists():
            subprocess.run([ffmpeg, "-v", "error", "-y", *args, str(out[name])], check=True, capture_output=True)
    return out


def picture_draft(title: str = "Urban Dreams") -> dict:
    """A draft (the wire's short keys) on the three media: the bars then the red/blue clip on
    the video track, the half-silent sine under both, a title over the first 3 s."""
    return {
        "d": 8000,
        "m": {"title": "pictures", "width": 320, "height": 180},
        "t": [
            {"id": "trk_v1", "tt": 0, "sg": [
                {"id": "seg_1", "name": "bars.mp4", "src": "bars", "s": 0, "d": 4000, "in": 0, "vol": 100},
                {"id": "seg_2", "name": "redblue.mp4", "src": "redblue", "s": 4000, "d": 4000, "in": 0},
            ]},
            {"id": "trk_a1", "tt": 1, "sg": [
                {"id": "seg_3", "name": "sine.m4a", "src": "sine", "s": 0, "d": 8000, "in": 0, "vol": 80},
            ]},
            {"id": "trk_t1", "tt": 7, "sg": [{"id": "seg_4", "text": title, "s": 0, "d": 3000}]},
        ],
    }  # fmt: skip


class AvPictureSource:
    """Frames and peaks decoded from local files with PyAV, in a thread."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files
        self.thumb_calls = 0

    def duration(self, media_id: str) -> float | None:
        return SECONDS.get(media_id)

    async def thumb(self, media_id: str, t: float, w: int, h: int):
        path = self.files.get(media_id)
        if path is None or path.suffix == ".m4a":
            return None
        self.thumb_calls += 1
        return await asyncio.to_thread(frame_at, path, t, w, h)

    async def peaks(self, media_id: str, n: int) -> list[float] | None:
        path = self.files.get(media_id)
        if path is None:
            return None
        return await asyncio.to_thread(peaks_of, path, n)


def frame_at(path: Path, t: float, w: int | None = None, h: int | None = None):
    """The frame shown at ``t`` seconds (decoded from the keyframe before it), as RGB."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        container.seek(int(t / stream.time_base), stream=stream, backward=True, any_frame=False)
        found = None
        for frame in container.decode(stream):
            if found is not None and frame.time is not None and frame.time > t + 1e-3:
                break
            found = frame
        assert found is not None, path
        image = found.to_image()
    return image.resize((w, h)) if w and h else image


def peaks_of(path: Path, n: int) -> list[float]:
    """``n`` peak levels 0..1 over the whole file (8 kHz mono s16 decode)."""
    import av

    samples = array.array("h")
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
    total = len(samples)
    levels = []
    for i in range(n):
        chunk = samples[i * total // n : max(i * total // n + 1, (i + 1) * total // n)]
        levels.append(max((abs(v) for v in chunk), default=0) / 32768)
    return levels
