"""The export panel against the scripted backend: every render of the session with its
state, a render that fails twice, Escape cancelling a render on the server, a batch of two
uploads each with its own render, and the clipboard (OSC 52 always, pyperclip when local)."""

from __future__ import annotations

import base64
import sys
import types

from tests.media_bytes import mp4_bytes
from tests.ui.pilot_helpers import wait_until
from tests.ui.ui_fakes import VIDEO_ONLY
from tests.workflows.wf_helpers import connected, jobs_rows, notes


async def test_a_render_that_fails_twice_says_so_and_leaves_no_file(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "failed", "error": "encoder crashed"}]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("f5")
        await wait_until(lambda: any("The export failed twice (encoder crashed)" in n for n in notes(app)))
        assert len(fake.submitted) == 2 and fake.submitted[0]["id"] != fake.submitted[1]["id"]
        assert any(r.startswith("✗ export") and "failed twice" in r for r in jobs_rows(app))
        assert [r.status for r in app.store.renders(app.session_id)] == ["failed", "failed"]
    assert list(app.settings.download_dir.glob("*")) == []


async def test_escape_cancels_the_render_on_the_server(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "processing", "progress": 40}]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any("processing 40%" in r for r in jobs_rows(app)))
        await pilot.press("escape")
        await wait_until(lambda: fake.cancelled == [fake.submitted[0]["id"]])
        await wait_until(lambda: any("Export cancelled (render cancelled)" in n for n in notes(app)))
        rid = fake.submitted[0]["id"]
        assert app.store.render(rid).status == "cancelled"
        assert app.store.pending_renders() == []  # not picked up again on the next start


async def test_batch_two_uploads_two_renders_listed(fake_app, fake, tmp_path):
    fake.render_states = [{"status": "completed"}]
    fake.video = mp4_bytes(5000)
    plain_set_draft = fake.set_draft

    def one_segment_per_upload(_draft: dict) -> None:
        """Each upload adds a segment (an unchanged draft would be exported once, not twice)."""
        segments = VIDEO_ONLY["t"][0]["sg"] * max(1, len(fake.uploads))
        plain_set_draft({**VIDEO_ONLY, "t": [{**VIDEO_ONLY["t"][0], "sg": segments}]})

    fake.set_draft = one_segment_per_upload
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        for n in (1, 2):
            clip = tmp_path / f"part{n}.mp4"
            clip.write_bytes(b"\x00" * 2048)
            app.query_one("#chat-input").value = f"upload {clip}"
            await pilot.press("enter")
            await wait_until(lambda: len(fake.uploads) == n)
            await wait_until(
                lambda: app.draft is not None and app.draft.tracks and len(app.draft.tracks[0].segments) == n
            )
            await pilot.press("ctrl+e")
            await wait_until(lambda: sum(x.startswith("✅ Exported") for x in notes(app)) == n)
        finished = [r for r in jobs_rows(app) if r.startswith("✅ ") and ".mp4 · " in r and "uploaded" not in r]
        assert len(finished) == 2 and finished[0] != finished[1]
        assert len(app.store.renders(app.session_id)) == 2
    assert len(list(app.settings.download_dir.glob("*.mp4"))) == 2


async def test_clipboard_sends_osc52_and_uses_pyperclip_when_local(fake_app, fake, monkeypatch):
    from tui.ui import clipboard

    copied: list[str] = []
    monkeypatch.setitem(sys.modules, "pyperclip", types.SimpleNamespace(copy=copied.append))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        written: list[str] = []
        original = app._driver.write
        monkeypatch.setattr(app._driver, "write", lambda data: (written.append(data), original(data)))
        link = app.last_link
        await pilot.press("ctrl+y")
        osc = f"\x1b]52;c;{base64.b64encode(link.encode()).decode()}\a"
        await wait_until(lambda: osc in "".join(written))
        assert copied == [link]
        await wait_until(
            lambda: any("Copied the project's web link to the clipboard." in n.message for n in app._notifications)
        )
        # over SSH: OSC 52 only, the remote machine's clipboard is not the user's
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
        assert clipboard.copy_text(app, "over ssh", "a test") is False
        await wait_until(lambda: base64.b64encode(b"over ssh").decode() in "".join(written))
        assert copied == [link]
        await wait_until(lambda: any("through the terminal" in n.message for n in app._notifications))


async def test_in_the_browser_the_file_is_delivered(fake_app, fake, monkeypatch):
    """Under textual-serve the exported MP4 is also handed to the browser (deliver_binary)."""
    from tui.ui.app import NemoApp

    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "completed"}]
    fake.video = mp4_bytes(3000)
    delivered: list[tuple] = []
    monkeypatch.setattr(NemoApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(NemoApp, "deliver_binary", lambda self, path, **kw: delivered.append((path, kw)))
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any("also sent to your browser" in n for n in notes(app)))
        path, options = delivered[0]
        assert path.exists() and path.stat().st_size == 3000
        assert options["save_filename"] == path.name and path.name.endswith(".mp4")


async def test_open_in_browser_gives_the_web_link_without_the_token(fake_app, fake, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyperclip", types.SimpleNamespace(copy=lambda text: None))
    app = fake_app()
    async with app.run_test(size=(120, 40)):
        await connected(app)
        await app.run_action("jobs.open_web")
        await wait_until(lambda: any(n.startswith("The project on the web: http") for n in notes(app)))
        link = next(n for n in notes(app) if n.startswith("The project on the web:")).split(": ", 1)[1]
        assert app.session_id in link
        from tests.ui.ui_fakes import TOKEN

        assert TOKEN not in link and "nmv_" not in link
        assert app.clipboard == link


async def test_a_reconnect_does_not_follow_a_render_twice(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "processing", "progress": 10}]
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any("processing 10%" in r for r in jobs_rows(app)))
        app.pickup_renders()  # what a reconnect does
        await pilot.pause()
        running = [w for w in app.workers if w.group == "export" and w.is_running]
        assert len(running) == 1
        assert not any("Picking up" in n for n in notes(app))
