"""The local store: sessions, transcript, renders; survives a restart; never keeps a token."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from tui.api.errors import register_secret
from tui.core.store import LocalStore

CLOUD = "https://mega-api-prod.nemovideo.ai"
LOCAL = "http://127.0.0.1:8765"


def test_survives_a_restart(tmp_path):
    store = LocalStore(tmp_path)
    store.save_session(CLOUD, "s1", task_id="task_1", user_id="anon_1", title="project", now=100)
    store.add_line("s1", "user", "trim to 0-10 s", at=101)
    store.add_line("s1", "agent", "Done, trimmed.", at=102)
    store.add_line("s1", "note", "✅ Trimmed: city.mp4 now 0–10s", at=103)
    store.record_render("render_a", "s1", status="processing", progress=40)
    store.close()

    again = LocalStore(tmp_path)
    last = again.last_session(CLOUD)
    assert last is not None
    assert (last.session_id, last.task_id, last.user_id, last.title) == ("s1", "task_1", "anon_1", "project")
    assert [(line.role, line.text) for line in again.transcript("s1")] == [
        ("user", "trim to 0-10 s"),
        ("agent", "Done, trimmed."),
        ("note", "✅ Trimmed: city.mp4 now 0–10s"),
    ]
    (pending,) = again.pending_renders(CLOUD)
    assert (pending.render_id, pending.status, pending.progress, pending.api_url) == (
        "render_a",
        "processing",
        40,
        CLOUD,
    )
    assert (tmp_path / "client.db").exists()
    mode = sqlite3.connect(tmp_path / "client.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    again.close()


def test_survives_a_killed_process(tmp_path):
    code = (
        "import os; from tui.core.store import LocalStore;"
        f"s = LocalStore({str(tmp_path)!r});"
        f"s.save_session({CLOUD!r}, 'sx');"
        "s.add_line('sx', 'user', 'hello');"
        "s.record_render('render_x', 'sx');"
        "os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    store = LocalStore(tmp_path)
    assert store.last_session(CLOUD).session_id == "sx"
    assert [line.text for line in store.transcript("sx")] == ["hello"]
    assert [r.render_id for r in store.pending_renders(CLOUD)] == ["render_x"]


def test_last_session_per_api_url(tmp_path):
    store = LocalStore(tmp_path)
    assert store.last_session(CLOUD) is None
    store.save_session(CLOUD, "old", now=1)
    store.save_session(LOCAL, "local1", now=5)
    store.save_session(CLOUD, "new", now=2)
    assert store.last_session(CLOUD).session_id == "new"
    assert store.last_session(LOCAL).session_id == "local1"
    store.touch_session(CLOUD, "old", now=10)
    assert store.last_session(CLOUD).session_id == "old"
    # Updating keeps fields that are not given.
    store.save_session(CLOUD, "new", task_id="t9", now=3)
    store.save_session(CLOUD, "new", title="renamed", now=4)
    rec = store.session(CLOUD, "new")
    assert rec.task_id == "t9" and rec.title == "renamed" and rec.created == 2
    assert [s.session_id for s in store.sessions(CLOUD)] == ["old", "new"]


def test_pending_renders_lifecycle(tmp_path):
    store = LocalStore(tmp_path)
    store.save_session(LOCAL, "s1")
    store.record_render("r1", "s1")  # api_url taken from the session
    store.record_render("r2", "s1", api_url=LOCAL, status="processing", progress=50)
    store.record_render("r3", "s2", api_url=CLOUD)
    assert [r.render_id for r in store.pending_renders(LOCAL)] == ["r1", "r2"]
    assert [r.render_id for r in store.pending_renders()] == ["r1", "r2", "r3"]

    store.update_render("r1", status="failed", error="ffmpeg said no")
    store.update_render("r2", status="completed", progress=100, output_url="http://127.0.0.1/x.mp4")
    (r2,) = store.pending_renders(LOCAL)  # completed but not downloaded yet
    assert r2.render_id == "r2" and r2.needs_download and r2.output_url == "http://127.0.0.1/x.mp4"
    store.update_render("r2", local_path=tmp_path / "r2.mp4")
    assert store.pending_renders(LOCAL) == []
    assert [(r.render_id, r.status) for r in store.renders("s1")] == [("r1", "failed"), ("r2", "completed")]
    assert store.render("r1").error == "ffmpeg said no"
    assert store.update_render("nope", status="failed") is None


def test_record_render_is_idempotent(tmp_path):
    store = LocalStore(tmp_path)
    store.record_render("r1", "s1", api_url=CLOUD, status="pending", now=1)
    store.record_render("r1", "s1", api_url=CLOUD, status="processing", progress=30, now=2)
    (r,) = store.renders("s1")
    assert (r.status, r.progress, r.created, r.updated) == ("processing", 30, 1, 2)


def test_roles_are_checked(tmp_path):
    store = LocalStore(tmp_path)
    with pytest.raises(ValueError):
        store.add_line("s1", "system", "x")


def test_transcript_limit_keeps_the_last_lines(tmp_path):
    store = LocalStore(tmp_path)
    for i in range(10):
        store.add_line("s1", "user", f"line {i}")
    assert [line.text for line in store.transcript("s1", limit=3)] == ["line 7", "line 8", "line 9"]
    assert store.transcript("other") == []


def test_never_stores_a_token(tmp_path):
    secret = "nmv_usr_supersecret123"
    register_secret("plain-secret-value-42")
    store = LocalStore(tmp_path)
    store.save_session(CLOUD, "s1", title=f"Bearer {secret}")
    store.add_line("s1", "user", f"my token is {secret}")
    store.add_line("s1", "error", "header was Authorization: Bearer plain-secret-value-42")
    store.record_render("r1", "s1")
    store.update_render("r1", error=f"failed with {secret}")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret.encode() not in raw
    assert b"plain-secret-value-42" not in raw
    columns = {
        row[1]
        for table in ("sessions", "transcript", "renders")
        for row in sqlite3.connect(tmp_path / "client.db").execute(f"PRAGMA table_info({table})")
    }
    assert not any("token" in c for c in columns)


def test_concurrent_use_from_threads(tmp_path):
    store = LocalStore(tmp_path)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.add_line("s1", "user", f"{n}-{i}")
                store.record_render(f"r{n}-{i}", "s1", api_url=CLOUD)
                store.update_render(f"r{n}-{i}", status="processing", progress=i)
                store.pending_renders(CLOUD)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.transcript("s1")) == 300
    assert len(store.pending_renders(CLOUD)) == 300


def test_two_stores_on_one_file(tmp_path):
    a, b = LocalStore(tmp_path), LocalStore(tmp_path)
    a.add_line("s1", "user", "from a")
    b.add_line("s1", "agent", "from b")
    assert [line.text for line in a.transcript("s1")] == ["from a", "from b"]


def test_closed_store_says_so(tmp_path):
    store = LocalStore(tmp_path)
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.transcript("s1")
