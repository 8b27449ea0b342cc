"""What a crash leaves behind is swept at the next start, a render queued again after a restart
runs once, renders are shared fairly between users, the engine's data is private and its
errors carry no server paths (issue 13, Low and finding 3's scheduling). Each with a control."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.engine.engine_helpers import FAST, Api, FakeMedia, fake_file
from tui.engine.embedded import EmbeddedEngine
from tui.engine.renders import FairQueue
from tui.engine.storage import Storage

OLD = time.time() - 3600  # a crash an hour ago


def plant(path: Path, data: bytes = b"partial") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (OLD, OLD))
    for folder in (path.parent, path.parent.parent):
        os.utime(folder, (OLD, OLD))
    return path


def test_crash_leftovers_are_swept_at_start_and_kept_files_stay(tmp_path):
    data = tmp_path / "engine"
    with EmbeddedEngine(data, media=FakeMedia(), **FAST) as eng:
        api = Api(eng.base_url).login()
        sid = api.session()
        assert api.upload(sid, fake_file(tmp_path, "keep.mp4"))["code"] == 0
        api.close()
    [kept] = [p for p in (data / "media").rglob("*") if p.is_file()]
    session_dir = kept.parent
    leftovers = [
        plant(session_dir / "upl_0123456789ab.mp4"),  # a half-received upload, no row
        plant(session_dir / "upl_deadbeef0000" / ".ingest-x1y2" / "clip.mp4.part"),  # a killed download
        plant(data / "renders" / "anon_x" / ".render_1.0a1b2c3d.partial.mp4"),  # a killed render
    ]
    fresh = session_dir / ".ingest-live" / "clip.mp4.part"  # another engine writing it right now
    fresh.parent.mkdir()
    fresh.write_bytes(b"live")
    assert all(p.exists() for p in leftovers)  # control: the harness planted them
    with EmbeddedEngine(data, media=FakeMedia(), **FAST):
        pass
    assert [p for p in leftovers if p.exists()] == []
    assert not (session_dir / "upl_deadbeef0000").exists()
    assert kept.exists() and fresh.exists()


class CountingMedia(FakeMedia):
    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.calls = 0

    def render_draft(self, draft: Any, sources: Any, out_path: Path, **kw: Any) -> Any:
        with self.lock:
            self.calls += 1
        time.sleep(0.3)
        return super().render_draft(draft, sources, out_path, **kw)


def leave_a_render_running(data: Path, tmp_path: Path) -> str:
    """A render that was 'processing' when its engine died."""
    with EmbeddedEngine(data, media=FakeMedia(), **FAST) as eng:
        api = Api(eng.base_url).login()
        sid = api.session()
        assert api.upload(sid, fake_file(tmp_path, "a.mp4"))["code"] == 0
        draft = api.draft(sid)
        api.close()
    store = Storage(data)
    user = store.session(sid, api.user_id or "")
    assert user is not None
    assert store.create_render("render_again", api.user_id or "", sid, draft, {})
    store.update_render("render_again", status="processing", progress=40)
    store.close()
    return "render_again"


@pytest.mark.parametrize("atomic", [True, False])  # False: the control, claims that always succeed
def test_a_render_queued_again_after_a_restart_runs_once(tmp_path, monkeypatch, atomic):
    data = tmp_path / "engine"
    render_id = leave_a_render_running(data, tmp_path)
    if not atomic:
        monkeypatch.setattr(Storage, "claim_render", lambda self, rid, owner=None: True)
    media = CountingMedia()
    # two engines on the same data dir both queue it at start
    with EmbeddedEngine(data, media=media, **FAST), EmbeddedEngine(data, media=media, **FAST):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            store = Storage(data)
            row = store.render(render_id)
            store.close()
            if row and row["status"] == "completed" and media.calls >= 1:
                break
            time.sleep(0.05)
        time.sleep(0.8)  # a second run, if any, has started by now
    assert (media.calls == 1) is atomic, media.calls


def test_renders_are_taken_round_robin_between_users():
    q = FairQueue()
    for i in range(5):
        q.put("alice", f"a{i}")
    q.put("bob", "b0")
    q.put("carol", "c0")
    order = [q.get() for _ in range(7)]
    assert order.index("b0") == 1 and order.index("c0") == 2  # not after all of alice's
    assert [r for r in order if r and r.startswith("a")] == [f"a{i}" for i in range(5)]  # each user's in order
    # control: the plain FIFO the pool used before would serve bob 6th
    fifo = [f"a{i}" for i in range(5)] + ["b0", "c0"]
    assert fifo.index("b0") == 5
    q.close()
    assert q.get() is None


def modes(root: Path) -> dict[str, str]:
    """Paths under ``root`` that group or others can reach, with their mode."""
    return {str(p.relative_to(root)): oct(stat.S_IMODE(p.lstat().st_mode))
            for p in [root, *root.rglob("*")] if stat.S_IMODE(p.lstat().st_mode) & 0o077}  # fmt: skip


def test_the_engines_data_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        data = tmp_path / "engine"
        with EmbeddedEngine(data, media=FakeMedia(), **FAST) as eng:
            api = Api(eng.base_url).login()
            sid = api.session()
            assert api.upload(sid, fake_file(tmp_path, "a.mp4"))["code"] == 0
            body = api.http.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=api.auth,
                                 json={"urls": ["https://example.invalid/v.mp4"]}).json()  # fmt: skip
            assert body["code"] == 0, body
            assert api.render(sid, api.draft(sid), "render_private").json()["success"]
            assert api.wait_render("render_private")["status"] == "completed"
            api.close()
        files = [p for p in data.rglob("*") if p.is_file()]
        assert any(p.suffix == ".mp4" and "renders" in p.parts for p in files)
        assert modes(data) == {}
        # control: the same check flags what the umask alone gives
        plain = tmp_path / "plain"
        plain.mkdir()
        (plain / "f").write_bytes(b"x")
        assert set(modes(plain)) == {".", "f"}
    finally:
        os.umask(old)


class PathLeakingMedia(FakeMedia):
    def render_draft(self, draft: Any, sources: Any, out_path: Path, **kw: Any) -> Any:
        src = next(iter(sources.values()))
        raise RuntimeError(f"ffmpeg: {src}: Invalid data found when processing input; output {out_path}")


def test_render_errors_carry_no_server_paths(tmp_path):
    data = tmp_path / "engine"
    with EmbeddedEngine(data, media=PathLeakingMedia(), **FAST) as eng:
        api = Api(eng.base_url).login()
        sid = api.session()
        assert api.upload(sid, fake_file(tmp_path, "a.mp4"))["code"] == 0
        assert api.render(sid, api.draft(sid), "render_err").json()["success"]
        result = api.wait_render("render_err")
        api.close()
    assert result["status"] == "failed"
    error = result["error"]
    assert "Invalid data found" in error and ".mp4" in error  # control: the message is still there
    assert str(data) not in error and str(tmp_path) not in error and "/" not in error.split("processing")[0]
