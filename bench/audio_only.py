"""Audio only (issue 17): URL -> .m4a / .mp3 on disk for an HLS master whose sound is a separate
rendition: nemo-tui's download job vs plain yt-dlp, and the bytes fetched vs the whole video.

    python bench/audio_only.py [--seconds 20] [--rounds 3]

A loopback HTTP server (this process, counting the bytes it sends per request) serves an HLS
master with a 1080p picture-only variant and an AAC ``EXT-X-MEDIA TYPE=AUDIO`` rendition, made
by the bundled ffmpeg. The engine runs as its own process (``python -m tui.engine.server``).
Each round times, on the same master:

- nemo-tui: ``DownloadJobs.run`` of ``DownloadRequest([url], audio=fmt)`` (fetch of the sound
  rendition on the engine -> m4a stream copy / mp3 encode -> download into a folder);
- yt-dlp: ``yt-dlp -f ba -x --audio-format m4a`` (copy) / ``--audio-format mp3
  --audio-quality 2`` (LAME VBR 2, nemo-tui's setting), a child process with the same ffmpeg.

Rounds alternate which goes first; best of N each. Prints the wall-time ratio nemo-tui / yt-dlp
per format, and the bytes the site sent for nemo-tui's m4a as a share of the whole video
(picture + sound).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.download_job import start_engine  # noqa: E402  (the same engine start as the download job bench)

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Main",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="a/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=6000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"
v/index.m3u8
"""


def make_site(root: Path, seconds: float, ffmpeg: str) -> None:
    hls = ["-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod"]
    for name, source, codec in (
        (
            "v",
            ["-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}"],
            ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60"],
        ),
        (
            "a",
            ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"],
            ["-c:a", "aac", "-b:a", "128k"],
        ),
    ):
        out = root / name
        out.mkdir(parents=True)
        subprocess.run(
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                *source,
                *codec,
                *hls,
                "-hls_segment_filename",
                str(out / "seg%d.ts"),
                str(out / "index.m3u8"),
            ],
            check=True,
        )
    (root / "master.m3u8").write_text(MASTER)


class Counter:
    """Bytes sent per request path (body sizes of the files served)."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}
        self.lock = threading.Lock()

    def total(self) -> int:
        with self.lock:
            return sum(self.sent.values())

    def reset(self) -> None:
        with self.lock:
            self.sent.clear()


def serve(root: Path, counter: Counter) -> str:
    class Counting(http.server.SimpleHTTPRequestHandler):
        extensions_map = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".m3u8": "application/vnd.apple.mpegurl",
            ".ts": "video/mp2t",
        }

        def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
            before = source.tell()
            super().copyfile(source, outputfile)
            with counter.lock:
                counter.sent[self.path] = counter.sent.get(self.path, 0) + source.tell() - before

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def ytdlp_once(url: str, folder: Path, ffmpeg: str, fmt: str) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    quality = ["--audio-quality", "2"] if fmt == "mp3" else []
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "yt_dlp",
            "-q",
            "--no-progress",
            "-f",
            "ba",
            "-x",
            "--audio-format",
            fmt,
            *quality,
            "--ffmpeg-location",
            ffmpeg,
            "--no-cache-dir",
            "-o",
            str(folder / "%(title)s.%(ext)s"),
            url,
        ],
        check=True,
    )
    took = time.perf_counter() - t0
    files = list(folder.glob(f"*.{fmt}"))
    assert len(files) == 1, files
    shutil.rmtree(folder)
    return took


async def job_once(client: object, sid: str, url: str, folder: Path, fmt: str) -> tuple[float, str]:
    from tui.core.download_intent import DownloadRequest
    from tui.core.downloads import DownloadJobs, JobDone

    t0 = time.perf_counter()
    results = await DownloadJobs(client, sid, folder).run(DownloadRequest([url], audio=fmt))
    took = time.perf_counter() - t0
    done = results[0]
    assert isinstance(done, JobDone), done
    assert done.path.suffix == f".{fmt}", done.path
    line = done.line
    shutil.rmtree(folder)
    return took, line


async def run(api: str, url: str, work: Path, rounds: int, ffmpeg: str, counter: Counter) -> dict[str, object]:
    from tui.api import NemoClient
    from tui.config import load_settings

    settings = load_settings({"NEMO_CONFIG_DIR": str(work / "cfg")}, api_url=api)
    out: dict[str, object] = {}
    async with NemoClient(settings) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        counter.reset()
        _, out["line"] = await job_once(client, sid, url, work / "check", "m4a")
        out["sent"] = counter.total()
        for fmt in ("m4a", "mp3"):
            t_job: list[float] = []
            t_ref: list[float] = []
            for i in range(rounds):
                if i % 2:
                    t_ref.append(await asyncio.to_thread(ytdlp_once, url, work / "ref", ffmpeg, fmt))
                    t_job.append((await job_once(client, sid, url, work / "job", fmt))[0])
                else:
                    t_job.append((await job_once(client, sid, url, work / "job", fmt))[0])
                    t_ref.append(await asyncio.to_thread(ytdlp_once, url, work / "ref", ffmpeg, fmt))
            out[fmt] = (t_job, t_ref)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the video (s)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from tui.engine.media.ffmpeg import ffmpeg_exe

    ffmpeg = ffmpeg_exe()
    work = Path(tempfile.mkdtemp(prefix="nemo-bench-audio-"))
    proc = None
    try:
        print(f"making a {args.seconds:.0f} s HLS master (1080p picture, separate AAC sound)…", flush=True)
        site = work / "site" / "concert"
        make_site(site, args.seconds, ffmpeg)
        whole = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        counter = Counter()
        url = serve(work / "site", counter) + "/concert/master.m3u8"
        proc, api = start_engine(work / "engine")
        res = asyncio.run(run(api, url, work, args.rounds, ffmpeg, counter))
        print(f"result       : {res['line']}")
        sent = int(res["sent"])  # type: ignore[call-overload]
        print(f"bytes sent for the m4a: {sent / 1e6:.2f} MB of {whole / 1e6:.2f} MB (picture + sound)")
        print(f"ratio bytes fetched audio only / whole video = {sent / whole:.3f}")
        for fmt in ("m4a", "mp3"):
            t_job, t_ref = res[fmt]  # type: ignore[misc]
            job, ref = min(t_job), min(t_ref)
            print(f"{fmt} nemo-tui job : {job:.2f} s (best of {len(t_job)}: {', '.join(f'{t:.2f}' for t in t_job)})")
            print(f"{fmt} yt-dlp -x    : {ref:.2f} s (best of {len(t_ref)}: {', '.join(f'{t:.2f}' for t in t_ref)})")
            print(f"ratio {fmt} nemo-tui / yt-dlp wall time = {job / ref:.2f}x")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
