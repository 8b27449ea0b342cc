"""Render jobs: a bounded pool of worker threads calls the media layer's render_draft.

Status lives in the database (pending → processing → completed | failed) so it survives a
restart; renders that were processing when the server stopped are queued again at startup, and
a worker claims a render atomically (pending → processing), so each runs once. Progress is kept
in memory while a job runs and written to the database at most twice a second.

Scheduling is fair between users: each user has a queue and the workers take one render from
each user in turn, so one user's long queue never starves another's export. How many renders
a user may have waiting or running is checked at submit (``EngineOptions.max_renders_per_user``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.engine.envelope import scrub_paths
from tui.engine.housekeeping import private_dir
from tui.engine.storage import Storage

log = logging.getLogger("tui.engine.renders")

CANCELLED = "Cancelled by the user."
_LIVE_OWNERS: set[str] = set()  # the render pools running in this process


def _owner_alive(owner: str | None) -> bool:
    """Whether the engine that claimed a render (``"<pid>:<token>"``) is still running."""
    pid, _, _token = (owner or "").partition(":")
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return owner in _LIVE_OWNERS
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def render_report(result: Any) -> str | None:
    """The render's final facts as stored JSON: ``{"summary": "H.264/AAC MP4 · 1280x720 · 0:12 ·
    3.4 MB", "notes": [...]}`` (what the render changed, or which path it took), or None."""
    summary = getattr(result, "summary", None)
    notes = [str(n) for n in getattr(result, "notes", ()) or ()]
    if not isinstance(summary, str) and not notes:
        return None
    return json.dumps({"summary": summary if isinstance(summary, str) else None, "notes": notes})


def resolve_sources(store: Storage, user_id: str, draft: dict[str, Any]) -> tuple[dict[str, Path], list[str]]:
    """Map every segment's ``src`` (an upload id) to the user's file; also the ids not found."""
    sources: dict[str, Path] = {}
    missing: list[str] = []
    for track in draft.get("t") or []:
        for seg in track.get("sg") or []:
            src = seg.get("src") or seg.get("source")
            if not src or src in sources or src in missing:
                continue
            row = store.upload(str(src), user_id)
            if row is None or not Path(row["path"]).exists():
                missing.append(str(src))
            else:
                sources[str(src)] = Path(row["path"])
    return sources, missing


class FairQueue:
    """Render ids queued per user, taken round-robin between users (thread-safe, blocking get)."""

    def __init__(self) -> None:
        self._users: dict[str, deque[str]] = {}
        self._turn: deque[str] = deque()  # users with work, in the order they are served
        self._cond = threading.Condition()
        self._closed = False

    def put(self, user_id: str, render_id: str) -> None:
        with self._cond:
            if user_id not in self._users:
                self._users[user_id] = deque()
                self._turn.append(user_id)
            self._users[user_id].append(render_id)
            self._cond.notify()

    def get(self) -> str | None:
        """The next render id (the next user's oldest), or None once closed."""
        with self._cond:
            while not self._turn and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            user_id = self._turn.popleft()
            queue = self._users[user_id]
            render_id = queue.popleft()
            if queue:
                self._turn.append(user_id)  # more from this user: after everyone else
            else:
                del self._users[user_id]
            return render_id

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class RenderPool:
    def __init__(self, store: Storage, media_getter: Callable[[], Any], workers: int = 1, *, per_user: int = 3):
        self.store = store
        self._media = media_getter
        self.workers = max(1, int(workers))
        self.per_user = per_user
        self._queue = FairQueue()
        self.owner = f"{os.getpid()}:{secrets.token_hex(4)}"  # marks the renders this pool runs
        self._cancel: dict[str, threading.Event] = {}
        self._progress: dict[str, float] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        _LIVE_OWNERS.add(self.owner)
        # a render cannot survive a restart: whatever its dead engine was running starts again
        # from scratch (not what a live engine on the same data dir is running)
        for row in self.store.renders_with_status("processing"):
            if not _owner_alive(row.get("owner")):
                self.store.update_render(row["render_id"], status="pending", progress=5)
        for row in self.store.renders_with_status("pending"):
            self._queue.put(row["user_id"], row["render_id"])
        for i in range(self.workers):
            t = threading.Thread(target=self._worker, name=f"nemo-render-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the workers; a running ffmpeg is killed and its job stays 'processing' so the
        next start queues it again."""
        self._stopping.set()
        _LIVE_OWNERS.discard(self.owner)
        with self._lock:
            for ev in self._cancel.values():
                ev.set()
        self._queue.close()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()

    # --- API ----------------------------------------------------------------------------
    def submit(self, render_id: str, user_id: str) -> None:
        """Queue a render (its row exists, pending) behind the user's earlier ones."""
        self._queue.put(user_id, render_id)

    def progress(self, render_id: str) -> float | None:
        return self._progress.get(render_id)

    def cancel(self, render_id: str) -> str:
        """Cancel a job; returns its status afterwards."""
        row = self.store.render(render_id)
        if row is None:
            return "unknown"
        if row["status"] == "pending":
            self.store.update_render(render_id, status="failed", error=CANCELLED)
            return "failed"
        if row["status"] == "processing":
            with self._lock:
                ev = self._cancel.get(render_id)
            if ev is not None:
                ev.set()
            self.store.update_render(render_id, status="failed", error=CANCELLED)
            return "failed"
        return str(row["status"])

    # --- the worker ---------------------------------------------------------------------
    def _worker(self) -> None:
        while True:
            render_id = self._queue.get()
            if render_id is None or self._stopping.is_set():
                return
            try:
                self._run(render_id)
            except Exception:  # never let a worker die
                log.exception("render %s crashed", render_id)
                self.store.update_render(render_id, status="failed", error="The render crashed.")

    def _run(self, render_id: str) -> None:
        row = self.store.render(render_id)
        if row is None or not self.store.claim_render(render_id, self.owner):
            return  # gone, cancelled, or already run by another worker: each render runs once
        cancel = threading.Event()
        with self._lock:
            self._cancel[render_id] = cancel
        self._progress[render_id] = 5.0
        draft = json.loads(row["draft"])
        sources, missing = resolve_sources(self.store, row["user_id"], draft)
        if missing:
            self.store.update_render(render_id, status="failed", error=f"Media not found: {', '.join(missing)}")
            return
        safe = re.sub(r"[^A-Za-z0-9_\-]", "_", render_id)[:128]  # ids are checked at submit; belt and braces
        out_path = self.store.renders_dir / row["user_id"] / f"{safe}.mp4"
        private_dir(out_path.parent)
        last_write = [0.0]

        def on_progress(pct: float) -> None:
            value = max(5.0, min(99.0, float(pct)))
            self._progress[render_id] = value
            now = time.monotonic()
            if now - last_write[0] > 0.5:
                last_write[0] = now
                if not cancel.is_set():
                    self.store.update_render(render_id, progress=value)

        try:
            result = self._media().render_draft(draft, sources, out_path, progress=on_progress, cancel=cancel)
        except Exception as exc:
            out_path.unlink(missing_ok=True)
            if self._stopping.is_set():
                return  # left 'processing': queued again at the next start
            if cancel.is_set():
                self.store.update_render(render_id, status="failed", error=CANCELLED)
            else:
                message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                self.store.update_render(render_id, status="failed", error=scrub_paths(message)[-2000:])
            return
        finally:
            with self._lock:
                self._cancel.pop(render_id, None)
            self._progress.pop(render_id, None)
        if cancel.is_set():
            out_path.unlink(missing_ok=True)
            if not self._stopping.is_set():
                self.store.update_render(render_id, status="failed", error=CANCELLED)
            return
        os.chmod(out_path, 0o600)  # the engine's data is private
        self.store.update_render(
            render_id, status="completed", progress=100, path=str(out_path), report=render_report(result)
        )
