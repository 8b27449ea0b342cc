"""The engine database's tables (SQLite; WAL journal). Columns added later (``renders.owner``,
``renders.report``) are added to old databases by :class:`tui.engine.storage.Storage`."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(user_id),
    ip TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(user_id), client_id TEXT,
    created_at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id, expires_at);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, kind TEXT NOT NULL,
    d_available INTEGER NOT NULL, d_frozen INTEGER NOT NULL, ref TEXT, note TEXT, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_user ON ledger(user_id);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, user_id TEXT NOT NULL, task_name TEXT,
    language TEXT, edit_runs INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (
    session_id TEXT NOT NULL, version INTEGER NOT NULL, draft TEXT NOT NULL, reason TEXT,
    created_at REAL NOT NULL, PRIMARY KEY (session_id, version));
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, user_id TEXT NOT NULL, filename TEXT NOT NULL,
    path TEXT NOT NULL, file_type TEXT NOT NULL, size INTEGER, duration REAL, width INTEGER, height INTEGER,
    fps REAL, vcodec TEXT, acodec TEXT, has_audio INTEGER, hash TEXT, source_url TEXT, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_session ON uploads(session_id);
CREATE TABLE IF NOT EXISTS renders (
    render_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, session_id TEXT, status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0, draft TEXT NOT NULL, output TEXT, path TEXT, error TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
    invocation_id TEXT, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS messages_session ON messages(session_id);
"""
