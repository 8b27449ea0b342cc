"""Fetching a link under control: progress, cancellation, caps, and no process left behind.

``fetch_url`` has the signature of ``ingest.ingest_url`` (so the engine can use either) but
runs the download in a child process (``fetch_worker``) that leads its own process group:

- **cancel** (a ``threading.Event``) kills the whole group — yt-dlp and the ffmpeg it runs for
  HLS or merging — with SIGTERM, then SIGKILL 0.5 s later; ``fetch_url`` returns within about
  a second and nothing of the fetch stays on disk (the child works in a private folder that
  is removed in every case, a kill included);
- **children die with the engine**: the worker asks Linux for ``PR_SET_PDEATHSIG`` and watches
  ``getppid()``; either way it kills its group when the engine goes;
- **caps**: ``FetchLimits`` (size in bytes, duration in seconds; env ``NEMO_FETCH_MAX_MB``,
  default 2000, and ``NEMO_FETCH_MAX_MINUTES``, default 240; 0 turns a cap off). Live streams
  are always refused. A refusal raises ``FetchRefused`` (an ``IngestError``) in plain words;
- **a warm spare**: after a fetch, one idle worker waits with yt-dlp already imported, so the
  next link starts at once (``NEMO_FETCH_SPARE=0`` turns it off; it dies with the engine);
- **progress**: the same dicts as ``ingest_url`` (``stage`` download/merge/remux/probe,
  ``label``, ``bytes``, ``total``, ``speed`` in bytes/s, ``eta`` in s, ``percent``), about ten
  a second.

The result also carries what the link offered: see ``FetchResult`` (``fetch_media``).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.engine.egress import strip_credentials

from .errors import IngestCancelled, IngestError
from .ingest import unique_path

ProgressFn = Callable[[dict[str, Any]], None]

KILL_GRACE_S = 0.5  # SIGTERM, then SIGKILL after this long
SPARE = os.environ.get("NEMO_FETCH_SPARE", "1") != "0"  # keep one warm worker after the first fetch


class FetchRefused(IngestError):
    """The link breaks a limit: a live stream, longer or larger than the caps."""


@dataclass(frozen=True)
class FetchLimits:
    """Caps on one fetch. ``max_bytes``/``max_duration_s`` of 0 or None: no cap."""

    max_bytes: int | None = 2000 * 1_000_000
    max_duration_s: float | None = 240 * 60.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> FetchLimits:
        """From ``NEMO_FETCH_MAX_MB`` (megabytes, 10^6) and ``NEMO_FETCH_MAX_MINUTES``."""
        env = dict(os.environ) if env is None else env

        def number(name: str, default: float) -> float:
            try:
                return float(env.get(name, default))
            except ValueError:
                return default

        mb = number("NEMO_FETCH_MAX_MB", 2000)
        minutes = number("NEMO_FETCH_MAX_MINUTES", 240)
        return cls(int(mb * 1_000_000) or None, minutes * 60.0 or None)


@dataclass(frozen=True)
class FetchResult:
    """A fetched file and what the link offered.

    ``title``: the site's title (page ``<title>`` or the extractor's), or None;
    ``offered_height``: the tallest video variant the link lists (pixels), or None;
    ``duration_s``: as the site states it, or None; ``info``: the fetched file's probe
    (``kind``, ``duration_s``, ``width``, ``height``, ``fps``, ``vcodec``, ``acodec``, ``has_audio``)."""

    path: Path
    title: str | None
    offered_height: int | None
    duration_s: float | None
    info: dict[str, Any] | None = None  # the probe's facts of the file (kind, duration_s, width, …)
    notes: tuple[str, ...] = ()  # plain-words sentences: what the ingest changed or left out
    ready: bool = False  # the file is the deliverable as it is (audio only, subtitles): no render


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the worker's process group, then SIGKILL to whatever is left of it."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the worker's handler kills its group at once
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # members of the group (ffmpeg) that outlived it
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(2.0)
    except subprocess.TimeoutExpired:
        pass


_spare: subprocess.Popen[bytes] | None = None
_spare_lock = threading.Lock()


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui.engine.media.fetch_worker", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: one killpg ends yt-dlp and its ffmpeg
    )


def _worker(job: dict[str, Any]) -> subprocess.Popen[bytes]:
    """A worker running ``job``: the warm spare when one is ready (its interpreter started and
    yt-dlp imported while nothing was asked), else a new one. Each fetch leaves a new spare
    behind, so the next link starts without that delay."""
    global _spare
    with _spare_lock:
        proc, _spare = _spare, None
        if proc is not None and proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps(job).encode() + b"\n")
                proc.stdin.close()
            except OSError:
                proc = None
        else:
            proc = None
        if proc is None:
            proc = _spawn([json.dumps(job)])
            assert proc.stdin is not None
            proc.stdin.close()
        if SPARE:
            _spare = _spawn(["--wait", str(os.getpid())])
    return proc


def stop_spare() -> None:
    """End the warm spare (it also ends by itself when this process goes)."""
    global _spare
    with _spare_lock:
        proc, _spare = _spare, None
    if proc is not None and proc.poll() is None:
        _kill_group(proc)


atexit.register(stop_spare)


def read_worker(
    proc: subprocess.Popen[bytes],
    outcome: dict[str, Any],
    on_progress: Callable[[dict[str, Any]], None] | None,
    name: str,
) -> threading.Thread:
    """A started daemon thread reading the worker's JSON lines (``fetch_worker`` documents them):
    each ``progress`` object goes to ``on_progress`` (a listener's failure never breaks the
    job), every other object is merged into ``outcome``. The thread ends with the stdout."""

    def read() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            if "progress" not in msg:
                outcome.update(msg)
            elif on_progress is not None:
                try:
                    on_progress(msg["progress"])
                except Exception:  # a listener's failure never breaks the job
                    pass

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    return reader


def worker_failure(outcome: dict[str, Any], default: str) -> IngestError:
    """The exception for a worker that ended without ``done``: its ``kind`` "refused" is a
    FetchRefused, "cancelled" an IngestCancelled, anything else an IngestError; the message
    is the worker's plain words, else ``default``."""
    message = str(outcome.get("error") or default)
    kind = outcome.get("kind")
    if kind == "refused":
        return FetchRefused(message)
    if kind == "cancelled":
        return IngestCancelled(message)
    return IngestError(message)


def fetch_media(
    url: str,
    dest_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    max_height: int | None = None,
    limits: FetchLimits | None = None,
    proxy: str | None = None,
    options: dict[str, Any] | None = None,
) -> FetchResult:
    """Download ``url`` into ``dest_dir`` (highest resolution, or the tallest variant not above
    ``max_height``); ``options``: ``fetch_options.parse_options``'s dict (format, section,
    audio, subtitles), passed to the worker as the job's ``options``. Return the file and the
    link's facts.

    Raises IngestCancelled when ``cancel`` is set (within about a second), FetchRefused for a
    live stream or a cap, IngestError for every other failure; in each case nothing is left
    in ``dest_dir``."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        raise IngestError("That is not a valid link: only http:// and https:// links can be downloaded.")
    limits = limits or FetchLimits.from_env()
    dest_dir = Path(dest_dir)
    created = not dest_dir.exists()
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".fetch-", dir=dest_dir))
    except OSError as exc:
        raise IngestError(f"Cannot save the download: {exc.strerror or exc}.") from None
    job = {
        "url": strip_credentials(url.strip()),
        "work_dir": str(work),
        "max_height": max_height,
        "max_bytes": limits.max_bytes,
        "max_duration_s": limits.max_duration_s,
        "parent": os.getpid(),
        "proxy": proxy,
        "options": options or {},
    }
    finished = False
    proc = _worker(job)
    outcome: dict[str, Any] = {}

    def listen(p: dict[str, Any]) -> None:
        if progress is not None and not (cancel is not None and cancel.is_set()):
            progress(p)

    reader = read_worker(proc, outcome, listen, "nemo-fetch-reader")
    try:
        while reader.is_alive():
            if cancel is not None and cancel.wait(0.1):
                _kill_group(proc)
                raise IngestCancelled("The download was cancelled.")
            elif cancel is None:
                reader.join(0.1)
        proc.wait()
        if cancel is not None and cancel.is_set():
            raise IngestCancelled("The download was cancelled.")
        if "done" not in outcome:
            raise worker_failure(outcome, "The download failed.")
        done = outcome["done"]
        produced = Path(done["path"])
        if not produced.is_file() or work not in produced.parents:
            raise IngestError("The download finished but produced no file.")
        target = unique_path(dest_dir, produced.name.lstrip(".") or f"video{produced.suffix}")
        produced.replace(target)
        finished = True
        height = done.get("offered_height")
        duration = done.get("duration_s")
        info = done.get("info") if isinstance(done.get("info"), dict) else None
        notes = tuple(str(n) for n in done.get("notes") or ())
        return FetchResult(
            target,
            done.get("title") or None,
            int(height) if isinstance(height, int) else None,
            float(duration) if isinstance(duration, (int, float)) else None,
            info,
            notes,
            done.get("ready") is True,
        )
    finally:
        if proc.poll() is None:
            _kill_group(proc)
        shutil.rmtree(work, ignore_errors=True)
        if created and not finished:
            try:
                dest_dir.rmdir()
            except OSError:
                pass


def fetch_url(
    url: str,
    dest_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    max_height: int | None = None,
    proxy: str | None = None,
) -> Path:
    """``ingest.ingest_url``'s contract (returns the file's path), run under ``fetch_media``'s
    control: the drop-in the engine's media layer uses."""
    return fetch_media(url, dest_dir, progress=progress, cancel=cancel, max_height=max_height, proxy=proxy).path


__all__ = ["FetchLimits", "FetchRefused", "FetchResult", "fetch_media", "fetch_url"]
