"""The child process that fetches one link (run by ``tui.engine.media.fetch``; not a public API).

Invoked as ``python -m tui.engine.media.fetch_worker '<json job>'``, or as a warm spare
(``… --wait <parent pid>``: it imports yt-dlp at once, then reads the job as one JSON line on
stdin). It is the leader of its own
process group (the parent starts it with ``start_new_session``), so everything it starts —
yt-dlp's ffmpeg for HLS or merging — is killed with one ``killpg``. It dies with its parent:
``PR_SET_PDEATHSIG`` (Linux, ``prctl(2)``) turns the parent's death into SIGTERM here, and a
watchdog thread notices a changed ``getppid()`` elsewhere; both end the whole group.

The job: ``{"url", "work_dir", "max_height", "max_bytes", "max_duration_s", "parent", "proxy",
"options"}`` (``options``: ``fetch_options.parse_options``'s dict)
(``proxy``: the engine's egress proxy, or None).
Writes one JSON object per line on stdout:

- ``{"progress": {"stage", "label", "bytes", "total", "speed", "eta", "percent"}}``
- ``{"done": {"path", "title", "offered_height", "duration_s", "ready"?}}`` (``ready``: made by
  ``fetch_deliver`` for audio only or subtitles)
- ``{"error": "<plain words>", "kind": "refused" | "failed" | "cancelled"}``

A job with ``"task": "info"`` downloads nothing: its ``done`` is what the link offers
(``link_facts.read_link``; the job adds ``max_entries`` and ``max_page_bytes``).

A plain media link (the server answers ``video/*``/``audio/*``) is saved from the one GET
that looked at it: it is requested once, not twice (yt-dlp's generic extractor would GET it,
drop the body and GET it again).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from tui.engine.media import fetch_deliver
from tui.engine.media.fetch_sections import direct_section  # stdlib and ffmpeg's path only: cheap

_MEDIA_TYPES = ("video/", "audio/")
_MANIFEST_TYPES = ("mpegurl", "dash+xml")
_MEDIA_EXTS = frozenset({"mp4", "m4v", "mov", "webm", "mkv", "avi", "mp3", "m4a", "aac", "wav", "ogg", "opus"})
_CHUNK = 1 << 16
_REPORT_EVERY = 0.1  # seconds between two progress lines

_out_lock = threading.Lock()


class Refused(Exception):
    """The link breaks a limit (live stream, too long, too large): nothing is kept."""


class Stop(Exception):
    """The fetch was told to stop (a limit reached while bytes arrived)."""


def say(obj: dict[str, Any]) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def _die_with_parent(parent: int) -> None:
    """End this process group when the parent (the engine) goes away."""

    def kill_group(*_: Any) -> None:
        try:
            os.killpg(0, signal.SIGKILL)
        finally:
            os._exit(1)

    signal.signal(signal.SIGTERM, kill_group)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the prctl above
        kill_group()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                kill_group()

    threading.Thread(target=watch, daemon=True).start()


def _info(info: Any) -> dict[str, Any] | None:
    """The probe's facts of the fetched file (so the engine need not probe it again)."""
    if info is None:
        return None
    return {
        k: getattr(info, k, None)
        for k in ("kind", "duration_s", "width", "height", "fps", "vcodec", "acodec", "has_audio")
    }


def _size_text(n: float) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def _media_name(url: str, resp: Any) -> str:
    disposition = resp.headers.get("content-disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
    raw = urllib.parse.unquote(match.group(1)) if match else ""
    if not raw:
        raw = urllib.parse.unquote(urllib.parse.urlsplit(str(resp.url)).path.rsplit("/", 1)[-1])
    raw = re.sub(r"[\x00-\x1f/\\<>:\"|?*]", "_", raw).strip().lstrip(".")
    stem, dot, ext = raw.rpartition(".")
    if not dot or ext.lower() not in _MEDIA_EXTS:
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        guess = {
            "video/mp4": "mp4",
            "video/webm": "webm",
            "video/quicktime": "mov",
            "video/x-matroska": "mkv",
            "audio/mpeg": "mp3",
            "audio/mp4": "m4a",
            "audio/wav": "wav",
            "audio/ogg": "ogg",
        }.get(ctype, "mp4")
        stem, ext = raw or "video", guess
    return f"{stem[:80] or 'video'}.{ext.lower()}"


def _hls_check(client: Any, url: str, text: str, job: dict[str, Any], depth: int = 0) -> None:
    """Refuse a live HLS playlist (no #EXT-X-ENDLIST) or one longer than the duration cap."""
    if "#EXT-X-STREAM-INF" in text and depth == 0:
        lines = [ln.strip() for ln in text.splitlines()]
        for i, line in enumerate(lines):
            if line.startswith("#EXT-X-STREAM-INF"):
                variant = next((ln for ln in lines[i + 1 :] if ln and not ln.startswith("#")), None)
                if variant:
                    sub = client.get(urllib.parse.urljoin(url, variant))
                    _hls_check(client, str(sub.url), sub.text, job, depth + 1)
                return
        return
    if "#EXTINF" not in text:
        return
    if "#EXT-X-ENDLIST" not in text and "VOD" not in text.upper().split("PLAYLIST-TYPE:")[-1][:4]:
        raise Refused("This link is a live stream: only finished videos can be saved.")
    total = sum(float(m) for m in re.findall(r"#EXTINF:\s*([0-9.]+)", text))
    job["playlist_duration_s"] = total  # a section's start is checked against it (fetch_tuning)
    cap = job.get("max_duration_s")
    if cap and total > cap:
        raise Refused(
            f"This video is {total / 60:.0f} min long, over the {cap / 60:.0f} min limit (NEMO_FETCH_MAX_MINUTES)."
        )


def _direct(job: dict[str, Any], cancel: threading.Event) -> dict[str, Any] | None:
    """Save a plain media link from the one GET that inspects it; None: not plain media."""
    import httpx

    url = job["url"]
    section = (job.get("options") or {}).get("section")
    # For a section only the answer's head is wanted: its body would fill the socket buffers.
    peek = {"Range": "bytes=0-1023"} if section else {}
    with httpx.Client(
        follow_redirects=True, timeout=20.0, headers={"Accept-Encoding": "identity"}, proxy=job.get("proxy")
    ) as client:
        with client.stream("GET", url, headers=peek) as resp:
            if resp.status_code >= 400:
                return None  # yt-dlp gives the plain-words error (404, 403, ...)
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            ext = urllib.parse.urlsplit(str(resp.url)).path.rpartition(".")[2].lower()
            is_media = ctype.startswith(_MEDIA_TYPES) or (ctype == "application/octet-stream" and ext in _MEDIA_EXTS)
            if any(t in ctype for t in _MANIFEST_TYPES) or ext in ("m3u8", "mpd"):
                resp.read()
                if resp.status_code == 206:  # the peek's part of a playlist: read it whole
                    resp = client.get(url)
                if "mpegurl" in ctype or ext == "m3u8":
                    _hls_check(client, str(resp.url), resp.text, job)
                return None
            if not is_media:
                return None
            total = int(resp.headers["content-length"]) if resp.headers.get("content-length", "").isdigit() else None
            cap = job.get("max_bytes")
            if cap and total and total > cap:
                raise Refused(
                    f"This file is {_size_text(total)}, over the {_size_text(cap)} limit (NEMO_FETCH_MAX_MB)."
                )
            name = _media_name(url, resp)
            if section and resp.status_code == 206:  # only that part, by ffmpeg's seeking over HTTP ranges
                return direct_section(job, str(resp.url), name, cancel, say)
            path = Path(job["work_dir"]) / name
            started, last = time.monotonic(), [0.0]

            def on_chunk(done: int) -> None:
                if cancel.is_set():
                    raise Stop("The download was cancelled.")
                if cap and done > cap:
                    raise Refused(f"This file is over the {_size_text(cap)} limit (NEMO_FETCH_MAX_MB).")
                now = time.monotonic()
                if now - last[0] >= _REPORT_EVERY:
                    last[0] = now
                    speed = done / max(now - started, 1e-6)
                    say(
                        {
                            "progress": {
                                "stage": "download",
                                "label": name,
                                "bytes": done,
                                "total": total,
                                "speed": speed,
                                "eta": (total - done) / speed if total and speed else None,
                                "percent": round(100.0 * done / total, 1) if total else None,
                            }
                        }
                    )

            from tui.engine.media.fetch_resume import save_body

            done = save_body(client, resp, path, total, on_chunk)  # a cut connection resumes (Range)
            if total is not None and done != total:
                raise Stop(f"The site sent {done} of {total} bytes: the download was cut off.")
            say(
                {
                    "progress": {
                        "stage": "download",
                        "label": name,
                        "bytes": done,
                        "total": done,
                        "speed": None,
                        "eta": 0.0,
                        "percent": 100.0,
                    }
                }
            )
    from tui.engine.media.probe import probe

    say(
        {
            "progress": {
                "stage": "probe",
                "label": name,
                "bytes": None,
                "total": None,
                "speed": None,
                "eta": None,
                "percent": None,
            }
        }
    )
    try:
        info = probe(path)
    except Exception:  # MediaError: not media at all (a page, a text file served as video/mp4)
        raise Stop("The link did not lead to a playable video or audio file.") from None
    if info.kind == "image":
        raise Stop("The link leads to a picture, not a video or audio file.")
    cap_s = job.get("max_duration_s")
    if cap_s and info.duration_s > cap_s:
        raise Refused(
            f"This video is {info.duration_s / 60:.0f} min long, over the {cap_s / 60:.0f} min limit "
            "(NEMO_FETCH_MAX_MINUTES)."
        )
    if section:  # the server sends whole files only (no byte ranges): the part is cut from this copy
        part = direct_section(job, str(path), name, cancel, say)
        path.unlink(missing_ok=True)
        return part
    return {
        "path": str(path),
        "title": Path(name).stem,
        "offered_height": info.height,
        "duration_s": info.duration_s,
        "info": _info(info),
    }


def _with_ytdlp(job: dict[str, Any], cancel: threading.Event) -> dict[str, Any]:
    from tui.engine.media import ingest
    from tui.engine.media.fetch_tuning import tuned, ytdlp_extra

    facts: dict[str, Any] = {}
    probed: dict[str, Any] = {}
    real_probe = ingest.probe  # type: ignore[attr-defined]

    def recording_probe(path: Path | str) -> Any:  # ingest_url's own check, kept for the engine
        probed["info"] = real_probe(path)
        return probed["info"]

    ingest.probe = recording_probe  # type: ignore[attr-defined]  # this child process only
    options = job.get("options") or {}
    ingest_url = tuned(ingest.ingest_url, options, job.get("playlist_duration_s"))  # format, section
    refusal: list[str] = []

    def match_filter(info: dict[str, Any], *, incomplete: bool = False) -> str | None:
        live = info.get("is_live") or info.get("live_status") in ("is_live", "is_upcoming")
        heights = [f.get("height") for f in info.get("formats") or [] if f.get("vcodec") != "none"]
        heights = [h for h in heights if isinstance(h, int)] or ([info["height"]] if info.get("height") else [])
        facts.update(
            title=info.get("title"), offered_height=max(heights) if heights else None, duration_s=info.get("duration")
        )
        if live:
            refusal.append("This link is a live stream: only finished videos can be saved.")
        cap = job.get("max_duration_s")
        duration = info.get("duration")
        if cap and isinstance(duration, (int, float)) and duration > cap:
            refusal.append(
                f"This video is {duration / 60:.0f} min long, over the {cap / 60:.0f} min limit "
                "(NEMO_FETCH_MAX_MINUTES)."
            )
        return refusal[-1] if refusal else None

    cap_bytes = job.get("max_bytes")

    def progress(p: dict[str, Any]) -> None:
        if cap_bytes and isinstance(p.get("bytes"), int) and p["bytes"] > cap_bytes:
            refusal.append(f"This video is over the {_size_text(cap_bytes)} limit (NEMO_FETCH_MAX_MB).")
            cancel.set()
        say({"progress": p})

    extra: dict[str, Any] = {**ytdlp_extra(options), "match_filter": match_filter}
    if job.get("proxy"):
        extra["proxy"] = job["proxy"]  # every request of yt-dlp (and the ffmpeg it runs) through the egress check
    notes: list[str] = []
    if cap_bytes:
        extra["max_filesize"] = cap_bytes
    extra = fetch_deliver.ytdlp_opts(job.get("options") or {}, extra)  # audio only, subtitles
    try:
        path = ingest_url(
            job["url"],
            Path(job["work_dir"]),
            progress=progress,
            cancel=cancel,
            max_height=job.get("max_height"),
            extra_opts=extra,
            notes=notes,
        )
    except Exception:
        if refusal:
            raise Refused(refusal[-1]) from None
        raise
    info = probed.get("info")
    return {
        "path": str(path),
        "title": facts.get("title"),
        "offered_height": facts.get("offered_height"),
        "duration_s": facts.get("duration_s"),
        "info": _info(info) if info is not None else None,
        "notes": notes,
    }


def main(argv: list[str]) -> int:
    if argv[1] == "--wait":  # a warm spare: imports done, the job comes on stdin
        _die_with_parent(int(argv[2]))
        from tui.engine.media import ingest, probe  # noqa: F401 - the slow imports, before the job arrives
        from tui.engine.media.fetch_tuning import warm_up

        warm_up()  # yt-dlp, httpx, PyAV and yt-dlp's first-link work, done while nothing is asked

        line = sys.stdin.readline()
        if not line.strip():
            return 0  # not needed after all
        job = json.loads(line)
    else:
        job = json.loads(argv[1])
        _die_with_parent(int(job["parent"]))
    cancel = threading.Event()
    try:
        if job.get("task") == "info":  # what the link offers, nothing downloaded (link_facts.py)
            from tui.engine.media.link_facts import read_link

            say({"done": read_link(job)})
            return 0
        done = _direct(job, cancel)  # a plain file has one format: no height choice to make
        if done is None:
            done = _with_ytdlp(job, cancel)
        done = fetch_deliver.deliver(job, done, lambda p: say({"progress": p}))  # audio only, subtitles
        say({"done": done})
        return 0
    except Refused as exc:
        say({"error": str(exc), "kind": "refused"})
    except Stop as exc:
        say({"error": str(exc), "kind": "failed"})
    except Exception as exc:  # IngestError and friends carry plain words in .message
        message = getattr(exc, "message", None)
        if not message:
            from tui.engine.media.ingest import plain_error

            message = plain_error(str(exc))
        say({"error": message, "kind": "cancelled" if type(exc).__name__ == "IngestCancelled" else "failed"})
    return 1


if __name__ == "__main__":  # pragma: no cover - run by fetch.py in a child process
    code = main(sys.argv)
    sys.stdout.flush()
    os._exit(code)  # no interpreter teardown (yt-dlp's thousands of modules): the engine waits for our exit
