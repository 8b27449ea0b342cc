"""The engine's state shared by the routes: storage, render pool, media threads, locks, ingests.

Blocking work never runs on the event loop: database calls go through :meth:`Engine.db`
(the default thread pool), media work (downloads, probes) through :meth:`Engine.in_media_pool`,
draft updates through :meth:`Engine.db` as well.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from tui.contract import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, LOCAL_AUDIO_EXTENSIONS
from tui.engine import draft as drafts
from tui.engine.envelope import Fail
from tui.engine.fetch_pool import in_fetch_pool
from tui.engine.housekeeping import private_dir, sweep_leftovers
from tui.engine.options import EngineOptions
from tui.engine.renders import RenderPool
from tui.engine.storage import Storage
from tui.engine.uploads import new_upload_id, safe_name

if TYPE_CHECKING:
    from tui.engine.egress import EgressProxy

P = ParamSpec("P")
T = TypeVar("T")
Progress = Callable[[dict[str, Any]], None]


class RealMedia:
    """The media layer, imported on first use (it needs yt-dlp and ffmpeg)."""

    def probe(self, path: Path) -> Any:
        from tui.engine.media.probe import probe

        return probe(path)

    def ingest_url(self, url: str, dest_dir: Path, **kwargs: Any) -> Any:
        from tui.engine.media.fetch import fetch_url  # ingest_url in a killable process group, with caps

        return fetch_url(url, dest_dir, **kwargs)

    def fetch_media(self, url: str, dest_dir: Path, **kwargs: Any) -> Any:
        from tui.engine.media.fetch import fetch_media

        return fetch_media(url, dest_dir, **kwargs)

    def read_link_info(self, url: str, **kwargs: Any) -> dict[str, Any]:
        from tui.engine.media.link_read import read_link_info  # the formats extension (issue 17)

        return read_link_info(url, **kwargs)

    def render_draft(self, draft: dict[str, Any], sources: Mapping[str, Path], out_path: Path, **kwargs: Any) -> Any:
        from tui.engine.media.stored_once import render_draft  # an untouched MP4: a hard link, else render

        return render_draft(draft, sources, out_path, **kwargs)


def infos(uploads: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Upload rows -> the draft functions' ``infos`` (upload id -> kind, duration_ms, size, fps, name)."""
    return {
        u["upload_id"]: {
            "kind": u["file_type"],
            "duration_ms": int(round((u["duration"] or 0) * 1000)),
            "width": u["width"],
            "height": u["height"],
            "fps": u["fps"],
            "name": u["filename"],
        }
        for u in uploads
    }


def _add_all(
    draft: dict[str, Any], rows: Sequence[Mapping[str, Any]], known: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    return drafts.add_medias(draft, [row["upload_id"] for row in rows], known)


class Engine:
    """One engine: ``Engine(data_dir, options)``; the routes reach it as ``request.app.state.engine``."""

    def __init__(self, data_dir: Path, options: EngineOptions) -> None:
        self.options = options
        self.store = Storage(Path(data_dir), token_ttl=options.token_ttl)
        self._media = options.media
        self.renders = RenderPool(
            self.store, lambda: self.media, options.render_workers, per_user=options.max_renders_per_user
        )
        self._new_clients: dict[str, deque[float]] = defaultdict(deque)
        self._rate_lock = threading.Lock()
        # URL downloads in progress, per session: shown by the state endpoint while they run
        self.ingests: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._session_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.active_ingests: set[threading.Event] = set()  # set at shutdown: downloads stop
        self.local_fetches = 0  # fetches of the local extension running now (tui.engine.routes.downloads)
        self.egress: EgressProxy | None = None  # started when options.public_fetch_only
        self.media_pool = ThreadPoolExecutor(max_workers=options.media_workers, thread_name_prefix="nemo-media")

    # the options the agent run reads as attributes
    @property
    def heartbeat_interval(self) -> float:
        return self.options.heartbeat_interval

    @property
    def silent_ratio(self) -> float:
        return self.options.silent_ratio

    @property
    def edit_cost(self) -> int:
        return self.options.edit_cost

    @property
    def chunk_delay(self) -> float:
        return self.options.chunk_delay

    @property
    def tool_delay(self) -> float:
        return self.options.tool_delay

    @property
    def media(self) -> Any:
        if self._media is None:
            self._media = RealMedia()
        return self._media

    infos = staticmethod(infos)

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a short blocking call (the database, a draft update) in a worker thread."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def in_media_pool(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Slow media work (downloads, probes) in its own threads, so that many downloads at
        once never starve the short database calls of the default pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.media_pool, functools.partial(fn, *args, **kwargs))

    # --- access -----------------------------------------------------------------------------
    async def owned_session(self, user_id: str, session_id: str, *, status: int = 200) -> dict[str, Any]:
        """The user's session; Fail(1002) when it does not exist or is someone else's."""
        row = await self.db(self.store.session, session_id, user_id)
        if row is None:
            raise Fail(1002, f"Session not found: {session_id}", status)
        return row

    def allow_new_client(self, ip: str) -> bool:
        """Count a new client id from ``ip``; False once the window's limit is reached."""
        now = time.monotonic()
        with self._rate_lock:
            q = self._new_clients[ip]
            while q and now - q[0] > self.options.new_client_window:
                q.popleft()
            if len(q) >= self.options.new_client_limit:
                return False
            q.append(now)
            return True

    async def check_storage(self, user_id: str, incoming: int = 0) -> int:
        """Bytes the user may still store; Fail(4002) when ``incoming`` more would pass the quota."""
        used = await self.db(self.store.storage_used, user_id)
        left = self.options.max_storage_bytes - used
        if left <= 0 or incoming > left:
            raise Fail(4002, "Your storage on this engine is full: delete old sessions' media, then try again.")
        return left

    # --- media into a session ---------------------------------------------------------------
    def probe_row(self, path: Path, *, upload_id: str, filename: str, ext: str) -> dict[str, Any]:
        """Probe a stored file (blocking) into an upload row; Fail(4001) when it is not playable media.
        The message names the file by its display name, never by its path on the server."""
        try:
            info = self.media.probe(path)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or "not a playable video/audio file"
            message = message.replace(str(path), filename).replace(path.name, filename)  # no server paths
            raise Fail(4001, message if filename in message else f"{filename}: {message}") from None
        kind = getattr(info, "kind", None)
        if kind not in ("video", "audio", "image"):
            kind = (
                "audio"
                if ext in AUDIO_EXTENSIONS | LOCAL_AUDIO_EXTENSIONS
                else "image"
                if ext in IMAGE_EXTENSIONS
                else "video"
            )
        duration = float(getattr(info, "duration_s", 0) or 0)
        if kind == "image":
            duration = drafts.IMAGE_STILL_MS / 1000
        return {
            "upload_id": upload_id,
            "filename": filename,
            "path": str(path),
            "file_type": kind,
            "size": path.stat().st_size,
            "duration": round(duration, 3),
            "width": getattr(info, "width", None) or None,
            "height": getattr(info, "height", None) or None,
            "fps": getattr(info, "fps", None) or None,
            "vcodec": getattr(info, "vcodec", None),
            "acodec": getattr(info, "acodec", None),
            "has_audio": int(bool(getattr(info, "has_audio", False))),
        }

    def session_lock(self, session_id: str) -> asyncio.Lock:
        """Held while a draft is read, changed and saved, so two changes never overwrite each other."""
        return self._session_locks[session_id]

    async def add_to_draft(self, session_id: str, rows: Sequence[Mapping[str, Any]], reason: str) -> int:
        """Add uploads as segments (one new draft version for them all, computed in a thread);
        returns the version."""
        async with self.session_lock(session_id):
            draft, _ = await self.db(self.store.latest_draft, session_id)
            known = infos(await self.db(self.store.uploads, session_id))
            draft = await self.db(_add_all, draft, rows, known)
            return await self.db(self.store.save_draft, session_id, draft, reason)

    async def ingest(
        self,
        user_id: str,
        session_id: str,
        url: str,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[dict[str, Any], int]:
        """Download a URL into the session (blocking parts in a thread), probe it, add it to the
        draft. Returns (upload row, draft version)."""
        loop = asyncio.get_running_loop()
        upload_id = new_upload_id()
        dest = private_dir(self.store.media_folder(user_id, session_id) / upload_id)
        entry: dict[str, Any] = {"url": url, "stage": "download", "bytes": 0, "total": None, "percent": None,
                                 "speed": None, "eta": None, "label": url}  # fmt: skip
        self.ingests[session_id][url] = entry
        last: dict[str, Any] = {"at": 0.0, "stage": None}

        def on_progress(p: dict[str, Any]) -> None:
            entry.update({k: v for k, v in p.items() if k in entry or k in ("stage", "label")})
            now = time.monotonic()
            # at most ~8 events a second on the stream, but never drop a stage change or the end
            if progress is not None and (
                now - last["at"] >= 0.12 or p.get("stage") != last["stage"] or (p.get("percent") or 0) >= 100
            ):
                last.update(at=now, stage=p.get("stage"))
                loop.call_soon_threadsafe(progress, dict(p))

        cancel = cancel or threading.Event()
        self.active_ingests.add(cancel)
        try:
            await self.check_link(url)
            await self.check_storage(user_id)
            fetch = getattr(self.media, "fetch_media", None)  # the file and what the ingest noted
            got = await in_fetch_pool(
                fetch or self.media.ingest_url, url, dest, progress=on_progress, cancel=cancel, **self.fetch_options()
            )
            path = Path(getattr(got, "path", got))
            notes = [str(n) for n in getattr(got, "notes", ())]
            if progress is not None:
                progress({"stage": "probe", "label": path.name, "bytes": None, "total": None, "speed": None,
                          "eta": None, "percent": None})  # fmt: skip
            await self.check_storage(user_id, path.stat().st_size)
            path.chmod(0o600)  # the engine's data is private
            name = safe_name(path.name)
            ext = path.suffix.lstrip(".").lower()
            row = await self.in_media_pool(self.probe_row, path, upload_id=upload_id, filename=name, ext=ext)
            row.update(session_id=session_id, user_id=user_id, source_url=url)
            await self.db(self.store.add_upload, row)
            version = await self.add_to_draft(session_id, [row], "ingest")
            return ({**row, "notes": notes} if notes else row), version
        except BaseException:
            cancel.set()  # a cancelled handler (the client hung up) stops the fetch too
            if not await self.db(self.store.upload, upload_id, user_id):  # nothing half-done stays behind
                await asyncio.shield(asyncio.to_thread(shutil.rmtree, dest, True))
            raise
        finally:
            self.active_ingests.discard(cancel)
            self.ingests[session_id].pop(url, None)

    async def start(self) -> None:
        """At startup: release what crashed runs froze, sweep crash leftovers, start the renders."""
        await asyncio.to_thread(self.store.release_stale_freezes)
        store = self.store
        in_use = await asyncio.to_thread(store.paths_in_use)
        await asyncio.to_thread(sweep_leftovers, store.data_dir, (store.media_dir, store.renders_dir), in_use)
        self.renders.start()
        if self.options.public_fetch_only and self.egress is None:
            from tui.engine.egress import EgressProxy

            self.egress = EgressProxy()
            self.egress.start()

    async def check_link(self, url: str) -> None:
        """Fail(4003) when links must reach public addresses only and ``url``'s does not."""
        if self.egress is None:
            return
        from tui.engine.egress import REFUSED_LINK, DestinationRefused, check_link

        try:
            await check_link(url)
        except DestinationRefused:
            raise Fail(4003, REFUSED_LINK) from None

    def fetch_options(self) -> dict[str, Any]:
        """Extra keywords for the media layer's fetches: the egress proxy when links may reach
        public addresses only (none otherwise, so media layers without the keyword still work)."""
        return {"proxy": self.egress.url} if self.egress is not None else {}

    async def stop(self) -> None:
        """At shutdown: stop downloads, stop the render workers, close the database."""
        for ev in list(self.active_ingests):
            ev.set()
        if self.egress is not None:
            self.egress.stop()
        await asyncio.to_thread(self.renders.stop)
        self.media_pool.shutdown(wait=False, cancel_futures=True)
        self.store.close()
