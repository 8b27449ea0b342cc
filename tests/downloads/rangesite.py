"""A loopback file server for section, resume and speed checks: byte ranges, counted bytes,
a connection cut once, and added latency.

- ``Range: bytes=a-b`` / ``a-`` (RFC 9110 section 14) answered 206 with ``Content-Range``;
  ``ETag`` and ``Last-Modified`` on every file, and ``If-Range`` honoured (a stale validator
  gets the whole file, 200);
- ``sent[path]``: the body bytes the server handed to the socket for each path (what a user
  would pay for), ``total_sent()``;
- ``cut_once(path, at)``: the next GET of ``path`` whose body is longer than ``at`` sends
  ``at`` bytes (of a full ``Content-Length``) and then closes the connection, as a network
  failure would;
- ``delay``: seconds slept before answering each request (a slow link's latency);
- ``rate``: bytes a second each answer's body is held to (0: as fast as it goes).

Also ``make_long_source``: the 10-minute test source (160x90, 10 fps, 2 s GOPs) with the frame
number drawn in the picture and a 100 ms beep at the start of every second, as a faststart MP4
and as a VOD HLS playlist of 2 s segments.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import subprocess
import threading
import time
from collections import Counter
from email.utils import formatdate
from pathlib import Path

FONT = Path(__file__).resolve().parents[2] / "tui" / "engine" / "media" / "fonts" / "DejaVuSans.ttf"
TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".mpd": "application/dash+xml",
}
FPS = 10


def make_long_source(root: Path, ffmpeg: str, seconds: int = 600, height: int = 90) -> Path:
    """``root/long.mp4`` (faststart) and ``root/long-hls/index.m3u8`` (2 s segments); returns root."""
    width = height * 16 // 9 // 2 * 2
    root.mkdir(parents=True, exist_ok=True)
    picture = (
        f"testsrc2=size={width}x{height}:rate={FPS}:duration={seconds},"
        f"drawtext=fontfile={FONT}:text='%{{frame_num}}':fontsize={height * 4 // 9}:fontcolor=white:"
        "box=1:boxcolor=black:x=4:y=4"
    )
    beep = f"aevalsrc='if(lt(mod(t\\,1)\\,0.1)\\,0.5*sin(2*PI*1000*t)\\,0)':s=44100:d={seconds}"
    mp4 = root / "long.mp4"
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", beep,
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(2 * FPS),
            "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", str(mp4),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    hls = root / "long-hls"
    hls.mkdir(exist_ok=True)
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y", "-i", str(mp4), "-c", "copy", "-f", "hls", "-hls_time", "2",
            "-hls_playlist_type", "vod", "-hls_segment_filename", str(hls / "seg%d.ts"), str(hls / "index.m3u8"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return root


class RangeSite:
    """Serves ``root`` on a loopback port; see the module's docstring."""

    def __init__(self, root: Path, delay: float = 0.0, rate: float = 0.0) -> None:
        self.root = root
        self.delay = delay
        self.rate = rate
        self.sent: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.ranges: list[tuple[str, str | None]] = []  # (path, Range header) of each GET
        self._cuts: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except OSError:  # the client went away (ffmpeg closes what it no longer needs)
                    pass

            def do_HEAD(self) -> None:
                self._answer(head=True)

            def do_GET(self) -> None:
                self._answer(head=False)

            def _answer(self, head: bool) -> None:
                if site.delay:
                    time.sleep(site.delay)
                path = self.path.split("?", 1)[0]
                file = (site.root / path.lstrip("/")).resolve()
                if site.root.resolve() not in file.parents or not file.is_file():
                    self.send_error(404)
                    return
                stat = file.stat()
                etag = '"' + hashlib.md5(f"{stat.st_size}-{stat.st_mtime_ns}".encode()).hexdigest()[:16] + '"'
                size = stat.st_size
                start, end, status = 0, size - 1, 200
                wanted = self.headers.get("Range")
                if_range = self.headers.get("If-Range")
                with site._lock:
                    site.requests[path] += 1
                    if not head:
                        site.ranges.append((path, wanted))
                match = re.fullmatch(r"bytes=(\d*)-(\d*)", (wanted or "").strip())
                if match and (if_range is None or if_range == etag):
                    a, b = match.groups()
                    if a:
                        start, end = int(a), min(int(b), size - 1) if b else size - 1
                    elif b:
                        start, end = max(0, size - int(b)), size - 1
                    if start >= size or start > end:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    status = 206
                self.send_response(status)
                self.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(end - start + 1))
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.end_headers()
                if head:
                    return
                with site._lock:
                    cut = site._cuts.get(path)
                    if cut is not None and end - start + 1 > cut:
                        del site._cuts[path]
                    else:
                        cut = None
                left = end - start + 1 if cut is None else min(cut, end - start + 1)
                began, given = time.monotonic(), 0
                try:
                    with open(file, "rb") as fh:
                        fh.seek(start)
                        while left > 0:
                            if site.rate:
                                ahead = given / site.rate - (time.monotonic() - began)
                                if ahead > 0:
                                    time.sleep(ahead)
                            chunk = fh.read(min(left, 1 << 16))
                            if not chunk:
                                break
                            self.wfile.write(chunk)
                            given += len(chunk)
                            with site._lock:
                                site.sent[path] += len(chunk)
                            left -= len(chunk)
                        self.wfile.flush()
                except OSError:
                    pass
                if cut is not None:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(2)
                    except OSError:
                        pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def cut_once(self, path: str, at: int) -> None:
        """The next GET of ``path`` longer than ``at`` stops after ``at`` body bytes and the connection closes."""
        with self._lock:
            self._cuts[path] = at

    def cuts_left(self) -> int:
        """Cuts asked for that have not happened yet."""
        with self._lock:
            return len(self._cuts)

    def total_sent(self, prefix: str = "/") -> int:
        with self._lock:
            return sum(n for p, n in self.sent.items() if p.startswith(prefix))

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.requests.clear()
            self.ranges.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
