"""The engine's storage: one SQLite file (WAL) in the data dir, media files beside it.

Tables: clients, users, tokens (7-day expiry), ledger (credits: every grant, freeze, release
and charge is a row; balances are sums), sessions, drafts (every change is a new version row),
uploads (metadata; files under ``media/<user>/<session>/``), renders (files under ``renders/``),
messages (the chat history per session).

One connection shared by the server's threads behind a lock: every method is short, and the
server calls the slow ones from a worker thread so the event loop never waits on the disk.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tui.config import private_sqlite_file
from tui.engine import draft as drafts
from tui.engine.housekeeping import private_dir
from tui.engine.options import TOKEN_TTL
from tui.engine.storage_schema import SCHEMA

T = TypeVar("T")

NEW_USER_CREDITS = 100
DAILY_CREDITS = 1000  # local engine: available credits are topped up to this once a day (no sign-up offline)


def _digits(n: int) -> str:
    first = str(secrets.randbelow(9) + 1)
    return first + "".join(str(secrets.randbelow(10)) for _ in range(n - 1))


class Storage:
    def __init__(self, data_dir: Path, *, token_ttl: float = TOKEN_TTL, clock: Callable[[], float] = time.time):
        self.data_dir = private_dir(Path(data_dir))
        self.media_dir = private_dir(self.data_dir / "media")
        self.renders_dir = private_dir(self.data_dir / "renders")
        self.token_ttl = token_ttl
        self.clock = clock
        self._lock = threading.RLock()
        private_sqlite_file(self.data_dir / "engine.db")  # it holds every user's token
        self._db = sqlite3.connect(self.data_dir / "engine.db", check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(renders)")}
        for column in ("owner", "report"):  # a database from before renders had an owner / a report
            if column not in columns:
                with contextlib.suppress(sqlite3.OperationalError):  # another engine just added it
                    self._db.execute(f"ALTER TABLE renders ADD COLUMN {column} TEXT")
        private_sqlite_file(self.data_dir / "engine.db")  # the WAL files exist now

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- low level ----------------------------------------------------------------------
    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return dict(row) if row else None

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                out = fn(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return out

    # --- auth -----------------------------------------------------------------------------
    def client_exists(self, client_id: str) -> bool:
        return self._one("SELECT 1 AS x FROM clients WHERE client_id=?", (client_id,)) is not None

    def anonymous_token(self, client_id: str, ip: str | None) -> dict[str, Any]:
        """The client's valid token (the same one within its 7 days), else a new one.
        A new client id gets a new anonymous user with the starting credits."""
        now = self.clock()

        def run(db: sqlite3.Connection) -> dict[str, Any]:
            client = db.execute("SELECT user_id FROM clients WHERE client_id=?", (client_id,)).fetchone()
            if client is None:
                user_id = "anon_" + secrets.token_hex(6)
                db.execute("INSERT INTO users VALUES (?,?,?)", (user_id, "anonymous", now))
                db.execute("INSERT INTO clients VALUES (?,?,?,?)", (client_id, user_id, ip, now))
                db.execute(
                    "INSERT INTO ledger (user_id, kind, d_available, d_frozen, ref, note, created_at) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (user_id, "grant", NEW_USER_CREDITS, 0, None, "welcome credits", now),
                )
            else:
                user_id = client["user_id"]
            tok = db.execute(
                "SELECT token, expires_at FROM tokens WHERE client_id=? AND expires_at>? "
                "ORDER BY expires_at DESC LIMIT 1",
                (client_id, now),
            ).fetchone()
            if tok is None:
                token = "nmv_usr_" + secrets.token_urlsafe(24)
                expires = now + self.token_ttl
                db.execute("INSERT INTO tokens VALUES (?,?,?,?,?)", (token, user_id, client_id, now, expires))
            else:
                token, expires = tok["token"], tok["expires_at"]
            return {"token": token, "user_id": user_id, "expires_at": expires}

        return self._tx(run)

    def user_for_token(self, token: str) -> str | None:
        row = self._one("SELECT user_id, expires_at FROM tokens WHERE token=?", (token,))
        if row is None or row["expires_at"] <= self.clock():
            return None
        return str(row["user_id"])

    # --- credits ----------------------------------------------------------------------------
    def _daily_top_up(self, db: sqlite3.Connection, user_id: str) -> None:
        """The local allowance: the first call of a (UTC) day tops available up to DAILY_CREDITS."""
        day = time.strftime("%Y-%m-%d", time.gmtime(self.clock()))
        if db.execute("SELECT 1 FROM ledger WHERE user_id=? AND kind='daily' AND note=?", (user_id, day)).fetchone():
            return
        a = db.execute("SELECT COALESCE(SUM(d_available),0) FROM ledger WHERE user_id=?", (user_id,)).fetchone()[0]
        db.execute(
            "INSERT INTO ledger (user_id, kind, d_available, d_frozen, ref, note, created_at) VALUES (?,?,?,?,?,?,?)",
            (user_id, "daily", max(0, DAILY_CREDITS - a), 0, None, day, self.clock()),
        )

    def balance(self, user_id: str) -> dict[str, int]:
        self._tx(lambda db: self._daily_top_up(db, user_id))
        row = self._one(
            "SELECT COALESCE(SUM(d_available),0) AS a, COALESCE(SUM(d_frozen),0) AS f FROM ledger WHERE user_id=?",
            (user_id,),
        ) or {"a": 0, "f": 0}
        a, f = int(row["a"]), int(row["f"])
        return {"available": a, "frozen": f, "total": a + f}

    def freeze(self, user_id: str, amount: int, ref: str) -> bool:
        """Reserve credits for a run; False when the user has too few."""
        now = self.clock()

        def run(db: sqlite3.Connection) -> bool:
            self._daily_top_up(db, user_id)
            a = db.execute("SELECT COALESCE(SUM(d_available),0) FROM ledger WHERE user_id=?", (user_id,)).fetchone()[0]
            if a < amount:
                return False
            db.execute(
                "INSERT INTO ledger (user_id, kind, d_available, d_frozen, ref, note, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (user_id, "freeze", -amount, amount, ref, "edit run", now),
            )
            return True

        return self._tx(run)

    def _settle(self, user_id: str, ref: str, kind: str) -> int:
        now = self.clock()

        def run(db: sqlite3.Connection) -> int:
            rows = db.execute("SELECT kind, d_frozen FROM ledger WHERE user_id=? AND ref=?", (user_id, ref)).fetchall()
            frozen = sum(r["d_frozen"] for r in rows)
            if frozen <= 0:
                return 0
            d_avail = frozen if kind == "release" else 0
            db.execute(
                "INSERT INTO ledger (user_id, kind, d_available, d_frozen, ref, note, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (user_id, kind, d_avail, -frozen, ref, None, now),
            )
            return int(frozen)

        return self._tx(run)

    def charge(self, user_id: str, ref: str) -> int:
        return self._settle(user_id, ref, "charge")

    def release(self, user_id: str, ref: str) -> int:
        return self._settle(user_id, ref, "release")

    def ledger(self, user_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM ledger WHERE user_id=? ORDER BY id", (user_id,))

    def release_stale_freezes(self) -> int:
        """At startup: a run cannot survive a restart, so whatever it froze goes back."""
        rows = self._all(
            "SELECT user_id, ref, SUM(d_frozen) AS f FROM ledger WHERE ref IS NOT NULL "
            "GROUP BY user_id, ref HAVING f > 0"
        )
        for r in rows:
            self.release(r["user_id"], r["ref"])
        return len(rows)

    # --- sessions and drafts -------------------------------------------------------------
    def create_session(self, user_id: str, task_name: str = "project", language: str | None = None) -> dict[str, Any]:
        now = self.clock()

        def run(db: sqlite3.Connection) -> dict[str, Any]:
            while True:
                sid = _digits(19)
                if db.execute("SELECT 1 FROM sessions WHERE session_id=?", (sid,)).fetchone() is None:
                    break
            task_id = "task_" + secrets.token_hex(8)
            db.execute(
                "INSERT INTO sessions (session_id, task_id, user_id, task_name, language, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (sid, task_id, user_id, task_name, language, now),
            )
            db.execute(
                "INSERT INTO drafts VALUES (?,?,?,?,?)",
                (sid, 1, json.dumps(drafts.new_draft(task_name or "project")), "created", now),
            )
            return {"task_id": task_id, "session_id": sid, "user_id": user_id}

        return self._tx(run)

    def session(self, session_id: str, user_id: str) -> dict[str, Any] | None:
        """The session if it exists AND belongs to the user (else None: never visible)."""
        return self._one("SELECT * FROM sessions WHERE session_id=? AND user_id=?", (session_id, user_id))

    def next_edit_run(self, session_id: str) -> int:
        """Count an edit run on the session; returns its 0-based number."""

        def run(db: sqlite3.Connection) -> int:
            n = db.execute("SELECT edit_runs FROM sessions WHERE session_id=?", (session_id,)).fetchone()[0]
            db.execute("UPDATE sessions SET edit_runs=edit_runs+1 WHERE session_id=?", (session_id,))
            return int(n)

        return self._tx(run)

    def latest_draft(self, session_id: str) -> tuple[dict[str, Any], int]:
        row = self._one(
            "SELECT draft, version FROM drafts WHERE session_id=? ORDER BY version DESC LIMIT 1", (session_id,)
        )
        if row is None:
            return drafts.new_draft(), 0
        return json.loads(row["draft"]), int(row["version"])

    def draft_version(self, session_id: str, version: int) -> dict[str, Any] | None:
        row = self._one("SELECT draft FROM drafts WHERE session_id=? AND version=?", (session_id, version))
        return json.loads(row["draft"]) if row else None

    def draft_history(self, session_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT version, reason, created_at FROM drafts WHERE session_id=? ORDER BY version", (session_id,)
        )

    def save_draft(self, session_id: str, draft: dict[str, Any], reason: str) -> int:
        """Store a new version (never overwrite); returns its number."""
        now = self.clock()

        def run(db: sqlite3.Connection) -> int:
            v = db.execute("SELECT COALESCE(MAX(version),0) FROM drafts WHERE session_id=?", (session_id,)).fetchone()[
                0
            ]
            db.execute("INSERT INTO drafts VALUES (?,?,?,?,?)", (session_id, v + 1, json.dumps(draft), reason, now))
            return int(v) + 1

        return self._tx(run)

    # --- uploads ----------------------------------------------------------------------------
    def media_folder(self, user_id: str, session_id: str) -> Path:
        return private_dir(self.media_dir / user_id / session_id)

    def _rel(self, path: str | Path) -> str:
        """Paths inside the data dir are stored relative to it, so the folder can move."""
        p = Path(path)
        try:
            return str(p.resolve().relative_to(self.data_dir.resolve()))
        except ValueError:
            return str(p)

    def _abs_row(self, row: dict[str, Any]) -> dict[str, Any]:
        if row.get("path"):
            row["path"] = str(self.data_dir / row["path"])  # an absolute path stays as it is
        return row

    def _abs(self, row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is not None and row.get("path"):
            row["path"] = str(self.data_dir / row["path"])  # an absolute path stays as it is
        return row

    def add_upload(self, row: dict[str, Any]) -> None:
        row = {**row, "path": self._rel(row["path"]), "created_at": self.clock()}
        cols = ",".join(row)
        with self._lock:
            self._db.execute(f"INSERT INTO uploads ({cols}) VALUES ({','.join('?' * len(row))})", tuple(row.values()))

    def uploads(self, session_id: str) -> list[dict[str, Any]]:
        return [
            self._abs_row(r)
            for r in self._all("SELECT * FROM uploads WHERE session_id=? ORDER BY created_at, rowid", (session_id,))
        ]

    def upload(self, upload_id: str, user_id: str) -> dict[str, Any] | None:
        return self._abs(self._one("SELECT * FROM uploads WHERE upload_id=? AND user_id=?", (upload_id, user_id)))

    # --- renders ----------------------------------------------------------------------------
    def render(self, render_id: str) -> dict[str, Any] | None:
        return self._abs(self._one("SELECT * FROM renders WHERE render_id=?", (render_id,)))

    def create_render(
        self, render_id: str, user_id: str, session_id: str | None, draft: dict[str, Any], output: dict[str, Any]
    ) -> bool:
        now = self.clock()
        try:
            with self._lock:
                self._db.execute(
                    "INSERT INTO renders (render_id, user_id, session_id, status, progress, draft, output,"
                    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (render_id, user_id, session_id, "pending", 5, json.dumps(draft), json.dumps(output), now, now),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def update_render(self, render_id: str, **fields: Any) -> None:
        if fields.get("path"):
            fields["path"] = self._rel(fields["path"])
        fields["updated_at"] = self.clock()
        sets = ",".join(f"{k}=?" for k in fields)
        with self._lock:
            self._db.execute(f"UPDATE renders SET {sets} WHERE render_id=?", (*fields.values(), render_id))

    def active_renders(self, user_id: str) -> int:
        """The user's renders pending or processing."""
        row = self._one(
            "SELECT COUNT(*) AS n FROM renders WHERE user_id=? AND status IN ('pending','processing')", (user_id,)
        )
        return int(row["n"]) if row else 0

    def storage_used(self, user_id: str) -> int:
        """Bytes of media stored for the user (uploads and fetched links)."""
        row = self._one("SELECT COALESCE(SUM(size),0) AS n FROM uploads WHERE user_id=?", (user_id,))
        return int(row["n"]) if row else 0

    def claim_render(self, render_id: str, owner: str | None = None) -> bool:
        """Mark a pending render processing by ``owner``; False if it is not pending (another
        worker, or another engine on the same data dir, has it): so a render runs once."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE renders SET status='processing', progress=5, owner=?, updated_at=? "
                "WHERE render_id=? AND status='pending'",
                (owner, self.clock(), render_id),
            )
            return cur.rowcount == 1

    def paths_in_use(self) -> list[Path]:
        """Absolute paths of every upload and every completed render (what a sweep keeps)."""
        rows = self._all("SELECT path FROM uploads UNION ALL SELECT path FROM renders WHERE status='completed'")
        return [self.data_dir / r["path"] for r in rows if r["path"]]

    def renders_with_status(self, *statuses: str) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(statuses))
        return self._all(f"SELECT * FROM renders WHERE status IN ({marks}) ORDER BY created_at", statuses)

    # --- chat history -----------------------------------------------------------------------
    def add_message(self, session_id: str, role: str, text: str, invocation_id: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO messages (session_id, role, text, invocation_id, created_at) VALUES (?,?,?,?,?)",
                (session_id, role, text, invocation_id, self.clock()),
            )

    def messages(self, session_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT role, text, invocation_id, created_at FROM messages WHERE session_id=? ORDER BY id", (session_id,)
        )
