"""What outlives the window: sessions, the transcript and every render id (SQLite, WAL).

One file, ``<data_dir>/client.db``. Written as things happen, so a crash or a closed
terminal loses nothing: on the next start the app offers the last session of the same API
address and picks up renders that were still pending, processing, or completed but not yet
downloaded. A token is never stored (there is no column for one, and transcript text is
redacted before it is written).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.api.errors import redact
from tui.config import private_sqlite_file

DB_NAME = "client.db"
ROLES = ("user", "agent", "note", "error")
_ACTIVE = ("pending", "processing")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT NOT NULL,
    api_url    TEXT NOT NULL,
    task_id    TEXT,
    user_id    TEXT,
    title      TEXT,
    created    REAL NOT NULL,
    updated    REAL NOT NULL,
    PRIMARY KEY (api_url, session_id)
);
CREATE INDEX IF NOT EXISTS sessions_recent ON sessions (api_url, updated);
CREATE TABLE IF NOT EXISTS transcript (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    role       TEXT NOT NULL,
    text       TEXT NOT NULL,
    at         REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS transcript_session ON transcript (session_id, id);
CREATE TABLE IF NOT EXISTS renders (
    render_id  TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    api_url    TEXT,
    status     TEXT NOT NULL,
    progress   REAL NOT NULL DEFAULT 0,
    output_url TEXT,
    local_path TEXT,
    error      TEXT,
    created    REAL NOT NULL,
    updated    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS renders_session ON renders (session_id, created);
"""


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    api_url: str
    task_id: str | None
    user_id: str | None
    title: str | None
    created: float
    updated: float


@dataclass(frozen=True)
class TranscriptLine:
    id: int
    session_id: str
    role: str
    text: str
    at: float


@dataclass(frozen=True)
class RenderRecord:
    render_id: str
    session_id: str
    api_url: str | None
    status: str
    progress: float
    output_url: str | None
    local_path: str | None
    error: str | None
    created: float
    updated: float

    @property
    def needs_download(self) -> bool:
        return self.status == "completed" and not self.local_path

    @property
    def active(self) -> bool:
        return self.status in _ACTIVE or self.needs_download


class LocalStore:
    """The client's own small database. Thread-safe within one process (one connection
    guarded by a lock); several processes may open the same file (WAL, busy timeout)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        private_sqlite_file(self.path)  # the transcript and session ids: this user's only
        self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(_SCHEMA)
        private_sqlite_file(self.path)  # the WAL files exist now

    # --- plumbing ---------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None  # type: ignore[assignment]

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            if self._db is None:
                raise RuntimeError("the local store is closed")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = self._db.execute(sql, args)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return cur

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            if self._db is None:
                raise RuntimeError("the local store is closed")
            return self._db.execute(sql, args).fetchall()

    # --- sessions ---------------------------------------------------------------------

    def save_session(
        self,
        api_url: str,
        session_id: str,
        *,
        task_id: str | None = None,
        user_id: str | None = None,
        title: str | None = None,
        now: float | None = None,
    ) -> SessionRecord:
        """Insert or update a session (fields given as None keep their stored value)."""
        now = time.time() if now is None else now
        self._write(
            """INSERT INTO sessions (session_id, api_url, task_id, user_id, title, created, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (api_url, session_id) DO UPDATE SET
                 task_id = COALESCE(excluded.task_id, sessions.task_id),
                 user_id = COALESCE(excluded.user_id, sessions.user_id),
                 title = COALESCE(excluded.title, sessions.title),
                 updated = excluded.updated""",
            (session_id, api_url, task_id, user_id, redact(title) if title else title, now, now),
        )
        record = self.session(api_url, session_id)
        assert record is not None
        return record

    def touch_session(self, api_url: str, session_id: str, now: float | None = None) -> None:
        self._write(
            "UPDATE sessions SET updated = ? WHERE api_url = ? AND session_id = ?",
            (time.time() if now is None else now, api_url, session_id),
        )

    def session(self, api_url: str, session_id: str) -> SessionRecord | None:
        rows = self._read("SELECT * FROM sessions WHERE api_url = ? AND session_id = ?", (api_url, session_id))
        return _session(rows[0]) if rows else None

    def last_session(self, api_url: str) -> SessionRecord | None:
        """The most recently used session for this API address (cloud and local never mix)."""
        rows = self._read(
            "SELECT * FROM sessions WHERE api_url = ? ORDER BY updated DESC, rowid DESC LIMIT 1", (api_url,)
        )
        return _session(rows[0]) if rows else None

    def sessions(self, api_url: str | None = None, limit: int = 50) -> list[SessionRecord]:
        if api_url is None:
            rows = self._read("SELECT * FROM sessions ORDER BY updated DESC LIMIT ?", (limit,))
        else:
            rows = self._read(
                "SELECT * FROM sessions WHERE api_url = ? ORDER BY updated DESC LIMIT ?", (api_url, limit)
            )
        return [_session(r) for r in rows]

    # --- transcript -------------------------------------------------------------------

    def add_line(self, session_id: str, role: str, text: str, *, at: float | None = None) -> int:
        """Append one transcript line (role: user, agent, note or error); returns its id."""
        if role not in ROLES:
            raise ValueError(f"unknown transcript role {role!r}; expected one of {', '.join(ROLES)}")
        cur = self._write(
            "INSERT INTO transcript (session_id, role, text, at) VALUES (?, ?, ?, ?)",
            (session_id, role, redact(text or ""), time.time() if at is None else at),
        )
        return int(cur.lastrowid or 0)

    def transcript(self, session_id: str, limit: int | None = None) -> list[TranscriptLine]:
        """The session's lines in the order they were written (the last ``limit`` if given)."""
        if limit is None:
            rows = self._read("SELECT * FROM transcript WHERE session_id = ? ORDER BY id", (session_id,))
        else:
            rows = self._read(
                "SELECT * FROM (SELECT * FROM transcript WHERE session_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                (session_id, limit),
            )
        return [TranscriptLine(r["id"], r["session_id"], r["role"], r["text"], r["at"]) for r in rows]

    # --- renders ----------------------------------------------------------------------

    def record_render(
        self,
        render_id: str,
        session_id: str,
        *,
        api_url: str | None = None,
        status: str = "pending",
        progress: float = 0.0,
        output_url: str | None = None,
        now: float | None = None,
    ) -> RenderRecord:
        """Remember a submitted render (idempotent: a second call updates status/progress)."""
        now = time.time() if now is None else now
        if api_url is None:
            rows = self._read(
                "SELECT api_url FROM sessions WHERE session_id = ? ORDER BY updated DESC LIMIT 1", (session_id,)
            )
            api_url = rows[0]["api_url"] if rows else None
        self._write(
            """INSERT INTO renders (render_id, session_id, api_url, status, progress, output_url, created, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (render_id) DO UPDATE SET
                 status = excluded.status, progress = excluded.progress,
                 api_url = COALESCE(renders.api_url, excluded.api_url),
                 output_url = COALESCE(excluded.output_url, renders.output_url),
                 updated = excluded.updated""",
            (render_id, session_id, api_url, status, float(progress or 0), output_url, now, now),
        )
        record = self.render(render_id)
        assert record is not None
        return record

    def update_render(
        self,
        render_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        output_url: str | None = None,
        local_path: str | Path | None = None,
        error: str | None = None,
        now: float | None = None,
    ) -> RenderRecord | None:
        """Change the given fields of a recorded render; returns the new record (None if unknown)."""
        sets: list[str] = ["updated = ?"]
        args: list[Any] = [time.time() if now is None else now]
        for column, value in (
            ("status", status),
            ("progress", None if progress is None else float(progress)),
            ("output_url", output_url),
            ("local_path", None if local_path is None else str(local_path)),
            ("error", None if error is None else redact(error)),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                args.append(value)
        args.append(render_id)
        self._write(f"UPDATE renders SET {', '.join(sets)} WHERE render_id = ?", tuple(args))
        return self.render(render_id)

    def render(self, render_id: str) -> RenderRecord | None:
        rows = self._read("SELECT * FROM renders WHERE render_id = ?", (render_id,))
        return _render(rows[0]) if rows else None

    def renders(self, session_id: str) -> list[RenderRecord]:
        """Every render of a session, oldest first (the export panel's list)."""
        rows = self._read("SELECT * FROM renders WHERE session_id = ? ORDER BY created, rowid", (session_id,))
        return [_render(r) for r in rows]

    def pending_renders(self, api_url: str | None = None) -> list[RenderRecord]:
        """Renders to pick up on start: pending, processing, or completed but not downloaded
        (for this API address when given), oldest first."""
        sql = (
            "SELECT * FROM renders WHERE (status IN ('pending', 'processing')"
            " OR (status = 'completed' AND (local_path IS NULL OR local_path = '')))"
        )
        args: tuple[Any, ...] = ()
        if api_url is not None:
            sql += " AND api_url = ?"
            args = (api_url,)
        rows = self._read(sql + " ORDER BY created, rowid", args)
        return [_render(r) for r in rows]


def _session(r: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        r["session_id"], r["api_url"], r["task_id"], r["user_id"], r["title"], r["created"], r["updated"]
    )


def _render(r: sqlite3.Row) -> RenderRecord:
    return RenderRecord(
        r["render_id"],
        r["session_id"],
        r["api_url"],
        r["status"],
        r["progress"],
        r["output_url"],
        r["local_path"],
        r["error"],
        r["created"],
        r["updated"],
    )


__all__ = ["LocalStore", "RenderRecord", "SessionRecord", "TranscriptLine"]
