"""Faults around an export, through the real app against the real engine (real ffmpeg
renders of a small clip) behind the fault proxy: renders that fail, a download cut half-way,
the server restarting during a render, a full disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.disk_faults import full_disk_open
from tests.faults.fault_helpers import (
    add_video,
    assert_intact,
    has_note,
    no_partial_under_final_names,
    notes,
    ready,
    settle,
    token_of,
    wait_for,
)
from tests.faults.proxy import cut_after
from tui.engine.server import RealMedia

RENDER_SUBMIT = "/api/render/proxy/lambda"


class FlakyMedia(RealMedia):
    """The real media layer, whose first ``fail`` renders fail like a broken ffmpeg run."""

    def __init__(self, fail: int = 0, slow: float = 0.0) -> None:
        self.fail = fail
        self.slow = slow  # the first render takes this much longer (a long render), cancellable
        self.renders = 0

    def render_draft(self, draft, sources, out_path, **kwargs):
        from tui.engine.media.errors import RenderCancelled, RenderError

        self.renders += 1
        if self.renders <= self.fail:
            raise RenderError("ffmpeg exited with status 1: Conversion failed!")
        cancel = kwargs.get("cancel")
        if self.renders == 1 and self.slow and cancel is not None and cancel.wait(self.slow):
            raise RenderCancelled("The render was cancelled.")
        return super().render_draft(draft, sources, out_path, **kwargs)


@pytest.fixture
def video(make_video, tmp_path):
    path = tmp_path / "city.mp4"
    shutil.copy(make_video(seconds=2, width=320, height=180), path)
    return path


def exported(app) -> list[str]:
    return [n for n in notes(app) if n.startswith("✅ Exported")]


def downloads(app) -> Path:
    return Path(app.settings.download_dir)


async def test_render_failing_once_is_retried_with_a_new_id(make_stack, make_app, video):
    media = FlakyMedia(fail=1)
    stack = make_stack(media=media)
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        before = stack.credits(token_of(app))
        await pilot.press("f5")
        await wait_for(app, lambda: exported(app), timeout=60)
        submits = stack.proxy.requests("POST", RENDER_SUBMIT)
        assert len([s for s in submits if s.path == RENDER_SUBMIT]) == 2  # the failed one, then one retry
        assert stack.credits(token_of(app)) == before  # export is free, retried or not
        files = list(downloads(app).glob("*.mp4"))
        assert len(files) == 1 and not list(downloads(app).glob("*.part"))
        no_partial_under_final_names(downloads(app))
        assert_intact(app, [])
        await settle(app)


async def test_render_failing_twice_says_so_and_stops(make_stack, make_app, video):
    stack = make_stack(media=FlakyMedia(fail=2))
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        await pilot.press("f5")
        await wait_for(app, lambda: has_note(app, "While exporting", "failed twice"), timeout=60)
        note = next(n for n in notes(app) if "failed twice" in n)
        assert "press ctrl+e (or F5) to try again" in note and "Conversion failed" in note
        assert len([s for s in stack.proxy.requests("POST", RENDER_SUBMIT) if s.path == RENDER_SUBMIT]) == 2
        assert not list(downloads(app).glob("*.mp4")) if downloads(app).exists() else True
        await pilot.press("f5")  # the user tries again: the third render works
        await wait_for(app, lambda: exported(app), timeout=60)
        no_partial_under_final_names(downloads(app))
        assert app.is_running
        await settle(app)


async def test_download_cut_at_half_then_resumed(stack, make_app, video):
    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        stack.proxy.add("GET", "/api/render/proxy/render_", cut_after(fraction=0.5))
        await pilot.press("f5")
        await wait_for(app, lambda: exported(app) or has_note(app, "While exporting"), timeout=60)
        gets = stack.proxy.requests("GET", "/api/render/proxy/render_")
        assert exported(app), notes(app)
        assert len(gets) == 2 and "range" not in gets[0].headers
        start = int(gets[1].headers["range"].removeprefix("bytes=").rstrip("-"))
        files = list(downloads(app).glob("*.mp4"))
        assert len(files) == 1 and not list(downloads(app).glob("*.part"))
        size = files[0].stat().st_size
        assert 0.4 * size < start <= 0.5 * size + 1  # it went on from where it was cut
        rendered = list((stack.root / "engine" / "renders").rglob("*.mp4"))
        assert files[0].read_bytes() == rendered[0].read_bytes()
        assert len([s for s in stack.proxy.requests("POST", RENDER_SUBMIT) if s.path == RENDER_SUBMIT]) == 1
        await settle(app)


async def test_server_restart_during_a_render(make_stack, make_app, video):
    media = FlakyMedia(
        slow=30.0
    )  # the real renderer, the first run long; counted (the restarted engine gets the same one)
    stack = make_stack(media=media)
    app = make_app(stack.url, export_poll_interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        await pilot.press("f5")
        renders = stack.root / "engine" / "renders"
        await wait_for(app, lambda: media.renders == 1)
        assert not [p for p in renders.rglob("*.mp4") if ".partial." not in p.name]  # still rendering
        stack.kill_engine()  # ffmpeg is killed, the job stays recorded on the server
        stack.start_engine_again()  # it is queued again and renders from the start
        await wait_for(app, lambda: exported(app) or has_note(app, "While exporting"), timeout=90)
        assert exported(app), notes(app)
        assert media.renders == 2  # rendered again after the restart, under the same render id
        assert len([s for s in stack.proxy.requests("POST", RENDER_SUBMIT) if s.path == RENDER_SUBMIT]) == 1
        files = list(downloads(app).glob("*.mp4"))
        assert len(files) == 1 and not list(renders.rglob("*.partial.*"))  # the killed ffmpeg's file is gone
        no_partial_under_final_names(downloads(app))
        await settle(app)


async def test_disk_full_during_the_download(stack, make_app, video, monkeypatch):
    import tui.api.download as download

    app = make_app(stack.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app)
        await add_video(app, video)
        monkeypatch.setattr(download, "open", full_disk_open(20_000), raising=False)
        await pilot.press("f5")
        await wait_for(app, lambda: has_note(app, "While exporting"), timeout=60)
        note = next(n for n in notes(app) if "While exporting" in n)
        assert "disk is full" in note.lower() and "free some space" in note.lower() and "ctrl+r" in note
        assert not list(downloads(app).glob("*.mp4"))  # nothing under the final name
        parts = list(downloads(app).glob("*.part"))
        assert len(parts) == 1 and parts[0].stat().st_size <= 20_000
        monkeypatch.undo()
        assert app.is_running
        # Space is free again: ctrl+r picks the finished export up and its download resumes,
        # the same render (nothing rendered twice), under the name the .part had.
        await pilot.press("ctrl+r")
        final = parts[0].with_name(parts[0].name[: -len(".part")])
        await wait_for(app, lambda: final.exists(), timeout=60)
        assert not parts[0].exists()
        assert final.stat().st_size > 20_000
        assert len([s for s in stack.proxy.requests("POST", RENDER_SUBMIT) if s.path == RENDER_SUBMIT]) == 1
        await settle(app)
