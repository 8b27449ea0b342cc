"""URL -> MP4 on disk for a 1080p HLS master: nemo-tui's download job vs plain yt-dlp.

    python bench/download_job.py [--seconds 10] [--rounds 3]

A loopback HTTP server (this process) serves an HLS master with 360p/720p/1080p variants made
by the bundled ffmpeg. The engine runs as its own process (``python -m tui.engine.server``,
fresh data dir). Each round times, on the same master:

- nemo-tui: ``DownloadJobs.run`` (fetch on the engine -> render of that media alone -> download
  into a folder), from the call to the MP4 on disk;
- yt-dlp: ``yt-dlp -f "bv*+ba/b" -S res --merge-output-format mp4`` (a child process, the same
  ffmpeg), from its start to its exit.

Rounds alternate which goes first; best of N each. Prints the wall-time ratio nemo-tui / yt-dlp
(goal <= 1.2; the stream copy / hard link fast path keeps it near 1.0).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import http.server
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANT = '#EXT-X-STREAM-INF:BANDWIDTH={bw},RESOLUTION={w}x{h},CODECS="avc1.640028,mp4a.40.2"\nv{h}/index.m3u8\n'


def make_site(root: Path, seconds: float, ffmpeg: str) -> None:
    master = "#EXTM3U\n#EXT-X-VERSION:3\n"
    for h in (360, 720, 1080):
        w = h * 16 // 9
        out = root / f"v{h}"
        out.mkdir(parents=True)
        subprocess.run(
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={w}x{h}:rate=30:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-g",
                "60",
                "-c:a",
                "aac",
                "-shortest",
                "-f",
                "hls",
                "-hls_time",
                "2",
                "-hls_playlist_type",
                "vod",
                "-hls_segment_filename",
                str(out / "seg%d.ts"),
                str(out / "index.m3u8"),
            ],
            check=True,
        )
        master += VARIANT.format(bw=h * 4000, w=w, h=h)
    (root / "master.m3u8").write_text(master)


def serve(root: Path) -> str:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".m3u8": "application/vnd.apple.mpegurl",
            ".ts": "video/mp2t",
        }

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def start_engine(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.engine.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the engine did not start")


def ytdlp_once(url: str, folder: Path, ffmpeg: str) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "yt_dlp",
            "-q",
            "--no-progress",
            "-f",
            "bv*+ba/b",
            "-S",
            "res",
            "--merge-output-format",
            "mp4",
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
    files = list(folder.glob("*.mp4"))
    assert len(files) == 1, files
    shutil.rmtree(folder)
    return took


async def job_once(client: object, sid: str, url: str, folder: Path) -> float:
    from tui.core.download_intent import download_request
    from tui.core.downloads import DownloadJobs, JobDone

    t0 = time.perf_counter()
    results = await DownloadJobs(client, sid, folder).run(download_request(f"save {url}", [url]))
    took = time.perf_counter() - t0
    assert isinstance(results[0], JobDone), results[0]
    shutil.rmtree(folder)
    return took


async def run(api: str, url: str, work: Path, rounds: int, ffmpeg: str) -> tuple[list[float], list[float], str]:
    from tui.api import NemoClient
    from tui.config import load_settings
    from tui.core.mp4_facts import mp4_facts

    settings = load_settings({"NEMO_CONFIG_DIR": str(work / "cfg")}, api_url=api)
    t_job: list[float] = []
    t_ref: list[float] = []
    async with NemoClient(settings) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        # one checked run first: the file is the 1080p variant with sound
        from tui.core.download_intent import download_request
        from tui.core.downloads import DownloadJobs, JobDone

        first = (await DownloadJobs(client, sid, work / "check").run(download_request(f"save {url}", [url])))[0]
        assert isinstance(first, JobDone), first
        facts = mp4_facts(first.path)
        assert facts.height == 1080 and facts.acodec == "AAC", facts
        line = first.line
        for i in range(rounds):
            if i % 2:
                t_ref.append(await asyncio.to_thread(ytdlp_once, url, work / "ref", ffmpeg))
                t_job.append(await job_once(client, sid, url, work / "job"))
            else:
                t_job.append(await job_once(client, sid, url, work / "job"))
                t_ref.append(await asyncio.to_thread(ytdlp_once, url, work / "ref", ffmpeg))
    return t_job, t_ref, line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the video (s)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from tui.engine.media.ffmpeg import ffmpeg_exe

    ffmpeg = ffmpeg_exe()
    work = Path(tempfile.mkdtemp(prefix="nemo-bench-dl-"))
    proc = None
    try:
        print(f"making a {args.seconds:.0f} s HLS master (360p/720p/1080p)…", flush=True)
        make_site(work / "site" / "city-at-night", args.seconds, ffmpeg)
        url = serve(work / "site") + "/city-at-night/master.m3u8"
        proc, api = start_engine(work / "engine")
        t_job, t_ref, line = asyncio.run(run(api, url, work, args.rounds, ffmpeg))
        job, ref = min(t_job), min(t_ref)
        print(f"result       : {line}")
        print(f"nemo-tui job : {job:.2f} s (best of {len(t_job)}: {', '.join(f'{t:.2f}' for t in t_job)})")
        print(f"yt-dlp       : {ref:.2f} s (best of {len(t_ref)}: {', '.join(f'{t:.2f}' for t in t_ref)})")
        print(f"ratio nemo-tui / yt-dlp wall time = {job / ref:.2f}x  (goal <= 1.2x)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
