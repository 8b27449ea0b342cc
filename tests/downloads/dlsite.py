"""A loopback video site for the download tests, made by ffmpeg at test time.

Serves: an HLS master with 360p/720p/1080p variants (``/city-timelapse/master.m3u8``), a 720p-only HLS
master (``/beach-720/master.m3u8``), a DASH manifest with 480p/1080p video and one audio
(``/mountain-dash/manifest.mpd``), a plain MP4 (``/v/plain.mp4``), a WebM VP9/Opus (``/v/clip.webm``),
an HTML page with a ``<video>`` (``/page/holiday.html``), a live HLS playlist without
``#EXT-X-ENDLIST`` (``/live/index.m3u8``) and a trickling MP4 (``/slow/big.mp4``, a few kB
every 50 ms). Every request path is counted; the trickle records when its client went away.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

MASTER = """#EXTM3U
#EXT-X-VERSION:3
{variants}"""
VARIANT = '#EXT-X-STREAM-INF:BANDWIDTH={bw},RESOLUTION={w}x{h},CODECS="avc1.64001f,mp4a.40.2"\nv{h}/index.m3u8\n'

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>My holiday clip</title></head>
<body><h1>Holiday</h1><video controls src="/v/holiday-source.mp4"></video></body></html>"""


def _run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True, capture_output=True)


def _av(height: int, seconds: float) -> list[str]:
    width = height * 16 // 9 // 2 * 2
    return [
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate=44100:duration={seconds}",
    ]


_X264 = [
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
]


def build_site(root: Path, ffmpeg: str) -> Path:
    """Write the site into ``root`` (2-second media; the trickle file is 6 s)."""
    for folder, heights in (("city-timelapse", (360, 720, 1080)), ("beach-720", (720,))):
        variants = ""
        for h in heights:
            out = root / folder / f"v{h}"
            out.mkdir(parents=True)
            _run(
                ffmpeg,
                *_av(h, 2),
                *_X264,
                "-f",
                "hls",
                "-hls_time",
                "1",
                "-hls_playlist_type",
                "vod",
                "-hls_segment_filename",
                str(out / "seg%d.ts"),
                str(out / "index.m3u8"),
            )
            variants += VARIANT.format(bw=h * 3000, w=h * 16 // 9 // 2 * 2, h=h)
        (root / folder / "master.m3u8").write_text(MASTER.format(variants=variants))
    live = root / "live"
    live.mkdir()
    _run(
        ffmpeg,
        *_av(360, 2),
        *_X264,
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_list_size",
        "0",
        "-hls_segment_filename",
        str(live / "seg%d.ts"),
        str(live / "index.m3u8"),
    )
    text = (live / "index.m3u8").read_text().replace("#EXT-X-ENDLIST\n", "")
    (live / "index.m3u8").write_text(text)
    v = root / "v"
    v.mkdir()
    _run(ffmpeg, *_av(360, 2), *_X264, "-movflags", "+faststart", str(v / "plain.mp4"))
    _run(ffmpeg, *_av(360, 2), *_X264, "-movflags", "+faststart", str(v / "holiday-source.mp4"))
    _run(
        ffmpeg,
        *_av(360, 2),
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
        "-shortest",
        str(v / "clip.webm"),
    )
    slow = root / "slow"
    slow.mkdir()
    _run(ffmpeg, *_av(360, 6), *_X264, "-movflags", "+faststart", str(slow / "big.mp4"))
    dash = root / "mountain-dash"
    dash.mkdir()
    parts = []
    for h in (480, 1080):
        p = root / f"dash-v{h}.mp4"
        _run(
            ffmpeg,
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={h * 16 // 9 // 2 * 2}x{h}:rate=25:duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "25",
            "-aspect",
            "16:9",
            str(p),
        )
        parts.append(p)
    audio = root / "dash-a.m4a"
    _run(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "aac", str(audio))
    _run(
        ffmpeg,
        "-i",
        str(parts[0]),
        "-i",
        str(parts[1]),
        "-i",
        str(audio),
        "-map",
        "0:v",
        "-map",
        "1:v",
        "-map",
        "2:a",
        "-c",
        "copy",
        "-f",
        "dash",
        "-adaptation_sets",
        "id=0,streams=v id=1,streams=a",
        "-seg_duration",
        "1",
        str(dash / "manifest.mpd"),
    )
    (root / "page").mkdir()
    (root / "page" / "holiday.html").write_text(PAGE)
    return root


class Site:
    """The running server: ``url(path)``, ``hits`` (a Counter of request paths), and for the
    trickle ``trickle_closed`` (monotonic time its client went away, or None)."""

    def __init__(self, root: Path, trickle_bytes: int = 4096, trickle_every: float = 0.05):
        self.root = root
        self.hits: Counter[str] = Counter()
        self.trickle_closed: float | None = None
        self.trickle_started = threading.Event()
        self.trickle_every = trickle_every  # seconds between two chunks (a test may slow it down)
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {
                **http.server.SimpleHTTPRequestHandler.extensions_map,
                ".m3u8": "application/vnd.apple.mpegurl",
                ".ts": "video/mp2t",
                ".mp4": "video/mp4",
                ".webm": "video/webm",
                ".mpd": "application/dash+xml",
                ".m4s": "video/iso.segment",
                ".html": "text/html; charset=utf-8",
            }

            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(root), **kw)

            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                site.hits[path] += 1
                if path.startswith("/slow/"):
                    return self._trickle(root / path.lstrip("/"))
                return super().do_GET()

            def _trickle(self, file: Path) -> None:
                data = file.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                site.trickle_started.set()
                try:
                    for i in range(0, len(data), trickle_bytes):
                        self.wfile.write(data[i : i + trickle_bytes])
                        self.wfile.flush()
                        time.sleep(site.trickle_every)
                except OSError:
                    site.trickle_closed = time.monotonic()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def segment_hits(self, prefix: str) -> int:
        return sum(n for p, n in self.hits.items() if p.startswith(prefix) and p.endswith((".ts", ".m4s")))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
