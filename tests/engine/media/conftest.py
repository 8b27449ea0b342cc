"""Fixtures for the media layer: a loopback HTTP server and an HLS site made by ffmpeg."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from pathlib import Path

import pytest

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
v360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
v720/index.m3u8
"""


SPLIT_MASTER = """#EXTM3U
#EXT-X-VERSION:4
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="splitaud/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"
split720/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"
split360/index.m3u8
"""


# The highest variant does not say its RESOLUTION (only BANDWIDTH and CODECS).
UNSIZED_MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
v360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,CODECS="avc1.64001f,mp4a.40.2"
v720/index.m3u8
"""

# A variant without CODECS that points at an audio group: taken as complete, it has no sound.
NO_CODECS_MASTER = """#EXTM3U
#EXT-X-VERSION:4
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="splitaud/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,AUDIO="aud"
split720/index.m3u8
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".m3u8": "application/vnd.apple.mpegurl",
        ".ts": "video/mp2t",
        ".mp4": "video/mp4",
    }

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Loopback requests must never go through a proxy configured on the machine."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def site_root(tmp_path_factory, ffmpeg_exe, make_video) -> Path:
    """A folder with an HLS master playlist (360p and 720p variants), a direct MP4 and a fake one."""
    root = tmp_path_factory.mktemp("site")
    for height in (360, 720):
        width = height * 16 // 9
        variant = root / f"v{height}"
        variant.mkdir()
        subprocess.run(
            [
                ffmpeg_exe,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={width}x{height}:rate=25:duration=2",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=44100:duration=2",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-g",
                "25",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-shortest",
                "-f",
                "hls",
                "-hls_time",
                "1",
                "-hls_playlist_type",
                "vod",
                "-hls_segment_filename",
                str(variant / "seg%d.ts"),
                str(variant / "index.m3u8"),
            ],
            check=True,
            capture_output=True,
        )
    (root / "master.m3u8").write_text(MASTER)
    # A second site where pictures and sound are separate renditions (merged by ffmpeg on ingest).
    for name, source, codec in (
        ("split720", "testsrc2=size=1280x720:rate=25:duration=2", "libx264"),
        ("split360", "testsrc2=size=640x360:rate=25:duration=2", "libx264"),
        ("splitaud", "sine=frequency=440:sample_rate=44100:duration=2", "aac"),
    ):
        folder = root / name
        folder.mkdir()
        encode = (
            ["-c:v", codec, "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
            if codec == "libx264"
            else ["-c:a", codec, "-b:a", "64k"]
        )
        subprocess.run(
            [
                ffmpeg_exe,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                source,
                *encode,
                "-f",
                "hls",
                "-hls_time",
                "1",
                "-hls_playlist_type",
                "vod",
                "-hls_segment_filename",
                str(folder / "seg%d.ts"),
                str(folder / "index.m3u8"),
            ],
            check=True,
            capture_output=True,
        )
    (root / "split.m3u8").write_text(SPLIT_MASTER)
    (root / "unsized.m3u8").write_text(UNSIZED_MASTER)
    (root / "nocodecs.m3u8").write_text(NO_CODECS_MASTER)
    (root / "clip.mp4").write_bytes(make_video(seconds=2, width=640, height=360).read_bytes())
    (root / "notes.mp4").write_text("these are meeting notes, not a video\n" * 40)
    return root


@pytest.fixture(scope="session")
def http_site(site_root) -> str:
    """Base URL of a threaded http.server on 127.0.0.1 serving site_root."""
    handler = functools.partial(_QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="media-http", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _serve(root: Path):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="media-http", daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def zoo_site(zoo) -> str:
    """Base URL of a loopback http.server serving the media zoo's files by name."""
    root = next(iter(zoo.values()))[1].parent
    server = _serve(root)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def gray_frame(ffmpeg_exe):
    """gray_frame(path, t) -> the frame at t seconds as 160x90 8-bit gray pixels."""

    def grab(path: Path, t: float) -> bytes:
        out = subprocess.run(
            [
                ffmpeg_exe,
                "-v",
                "error",
                "-ss",
                str(t),
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-vf",
                "scale=160:90",
                "-pix_fmt",
                "gray",
                "-f",
                "rawvideo",
                "-",
            ],
            check=True,
            capture_output=True,
        )
        assert len(out.stdout) == 160 * 90
        return out.stdout

    return grab


@pytest.fixture(scope="session")
def max_volume(ffmpeg_exe):
    """max_volume(path, start, duration) -> the loudest sample in dB (-91 for digital silence)."""
    import re

    def measure(path: Path, start: float, duration: float) -> float:
        out = subprocess.run(
            [
                ffmpeg_exe,
                "-hide_banner",
                "-ss",
                str(start),
                "-t",
                str(duration),
                "-i",
                str(path),
                "-vn",
                "-af",
                "volumedetect",
                "-f",
                "null",
                "-",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        found = re.search(r"max_volume: (-?[\d.]+|-inf) dB", out.stderr)
        assert found, out.stderr[-500:]
        return -91.0 if found.group(1) == "-inf" else float(found.group(1))

    return measure


def mean_abs_diff(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=False)) / len(a)


@pytest.fixture(scope="session")
def frame_diff():
    """frame_diff(a, b) -> mean absolute difference of two gray frames (0..255)."""
    return mean_abs_diff


@pytest.fixture(scope="session")
def zoo(tmp_path_factory, ffmpeg_exe) -> dict[str, tuple[object, Path]]:
    """The media zoo (tests/engine/media/media_zoo.py), made once per session: name -> (Specimen, path)."""
    from tests.engine.media.media_zoo import make, specimens
    from tui.engine.media.ffmpeg import FONT_PATH

    workdir = tmp_path_factory.mktemp("zoo")
    base = workdir / "base.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000:sample_rate=48000:duration=2,volume=volume=0:enable='not(between(t,0.5,0.6))'",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(base),
        ],
        check=True,
        capture_output=True,
    )
    return {spec.name: (spec, make(ffmpeg_exe, spec, workdir, base)) for spec in specimens(FONT_PATH, workdir)}
