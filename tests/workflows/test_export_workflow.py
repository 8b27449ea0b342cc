"""Export as a user does it: the MP4 on disk (probed duration and size, a friendly name, no
.part left), the resolution choice, the pre-check, renders that outlive the window (quit
mid-render, restart, the file arrives) and a cut download resumed."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.workflows.wf_helpers import connected, jobs_rows, notes
from tui.core.files import mp4_duration, short_id
from tui.core.store import LocalStore


async def upload(app, pilot, path: Path) -> None:
    app.query_one("#chat-input").value = f'upload "{path}"'
    await pilot.press("enter")
    await wait_until(lambda: path.name in app.timeline.summary_text, timeout=30)


def probe(ffmpeg_exe: str, path: Path) -> str:
    return subprocess.run([ffmpeg_exe, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


async def test_export_with_options_lands_an_mp4_on_disk(engine_app, make_video, ffmpeg_exe, tmp_path):
    from tui.ui.screens.export import ExportOptionsScreen

    clip = tmp_path / "Harbour Walk.mp4"
    shutil.copy(make_video(seconds=2), clip)
    app = engine_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await upload(app, pilot, clip)
        # shift+F5: the options; 480p
        await pilot.press("shift+f5")
        await wait_until(lambda: isinstance(app.screen, ExportOptionsScreen))
        assert "As the project is set (640×360" in screen_text(app)
        await pilot.press("down", "down", "down", "down", "enter")
        await wait_until(lambda: not isinstance(app.screen, ExportOptionsScreen))
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)), timeout=60)
        files = list(app.settings.download_dir.glob("*"))
        assert len(files) == 1 and not files[0].name.endswith(".part")
        out = files[0]
        # a friendly name: the first clip's name and the render's short id
        rid = app.store.renders(app.session_id)[0].render_id
        assert out.name == f"Harbour-Walk-{short_id(rid)}.mp4"
        size = out.stat().st_size
        duration = mp4_duration(out)
        assert duration is not None and abs(duration - 2.0) < 0.2
        text = probe(ffmpeg_exe, out)
        assert "Duration: 00:00:02" in text and "854x480" in text
        # the final line: path, duration and size, in the panel and the chat
        # the engine's summary of the output names codec, size and duration (issue 14)
        final = f"✅ {out} · H.264/AAC MP4 · 854x480 · 0:02 · {size / 1e6:.1f} MB"
        await wait_until(lambda: any(row.startswith(final) for row in jobs_rows(app)))
        assert any(str(out) in n and "(H.264/AAC MP4 · 854x480 · 0:02 · " in n for n in notes(app))
        assert app.last_link == str(out)
        # the store knows the file was downloaded
        assert app.store.renders(app.session_id)[0].local_path == str(out)


async def test_nothing_to_export_yet(fake_app, fake):
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any("Nothing to export yet — upload or generate first" in n for n in notes(app)))
        app.query_one("#chat-input").value = "导出"
        await pilot.press("enter")
        await wait_until(lambda: sum("Nothing to export yet" in n for n in notes(app)) == 2)
        assert fake.submitted == []


async def test_quit_mid_render_then_restart_downloads_it(engine_app, make_video, tmp_path):
    clip = tmp_path / "city.mp4"
    shutil.copy(make_video(seconds=2), clip)
    # the first run polls slowly: it is closed while the render is still pending here
    first = engine_app(export_poll_interval=60.0)
    async with first.run_test(size=(120, 40)) as pilot:
        await connected(first)
        await upload(first, pilot, clip)
        await pilot.press("ctrl+e")
        await wait_until(lambda: first.store.renders(first.session_id))
        session_id = first.session_id
        data_dir = first.settings.data_dir
    record = LocalStore(data_dir).renders(session_id)[0]
    assert record.status == "pending" and not record.local_path
    assert list(first.settings.download_dir.glob("*.mp4")) == []
    # the next start asks, the user resumes, and the render is picked up and downloaded
    from tui.ui.screens.export import ResumeScreen

    second = engine_app()
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: isinstance(second.screen, ResumeScreen), timeout=20)
        await wait_until(lambda: f"Session {session_id} (1 message, 1 export to finish)" in screen_text(second))
        await pilot.press("r")
        await wait_until(lambda: any("Picking up 1 export left unfinished" in n for n in notes(second)), timeout=20)
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(second)), timeout=60)
        assert second.session_id == session_id
        assert ("user", f'upload "{clip}"') in second.chat.transcript()  # the transcript came back
    # a third start (--resume): the finished export is listed, and ctrl+y copies its path
    third = engine_app(resume=True)
    async with third.run_test(size=(120, 40)) as pilot:
        await connected(third)
        await wait_until(lambda: any(r.startswith("✅ ") and ".mp4 · 2.0 s, " in r for r in jobs_rows(third)))
        await pilot.press("ctrl+y")
        await wait_until(lambda: third.clipboard.endswith(".mp4"))
        assert Path(third.clipboard).parent == third.settings.download_dir
    files = list(second.settings.download_dir.glob("*"))
    assert [f.name for f in files] == [f"city-{short_id(record.render_id)}.mp4"]
    assert abs(mp4_duration(files[0]) - 2.0) < 0.2
    assert LocalStore(data_dir).render(record.render_id).local_path == str(files[0])


async def test_a_cut_download_resumes_from_its_part(engine_url, engine_app, make_video, tmp_path):
    """A .part from a download cut last time: on --resume the download continues from it."""
    from tui.api.client import NemoClient
    from tui.config import load_settings
    from tui.core.files import human_bytes

    settings = replace(load_settings(), api_url=engine_url, token=None)
    clip = tmp_path / "city.mp4"
    shutil.copy(make_video(seconds=2), clip)
    async with NemoClient(settings) as client:
        await client.connect()
        session = await client.create_session()
        await client.upload_files(session.session_id, [clip])
        draft = (await client.state(session.session_id)).draft
        job = await client.submit_render(session.session_id, draft)
        while not job.done:
            await asyncio.sleep(0.1)
            job = await client.render_status(job.id)
        assert job.status == "completed"
        whole = (await client.download_render(job, tmp_path / "reference")).read_bytes()
        async with client._http.stream("GET", job.output_url, headers=client._headers(client._token)) as resp:
            etag = resp.headers["etag"]  # what a cut download keeps beside its .part
    name = f"city-{short_id(job.id)}.mp4"
    settings.download_dir.mkdir(parents=True, exist_ok=True)
    (settings.download_dir / (name + ".part")).write_bytes(whole[: len(whole) // 2])
    (settings.download_dir / (name + ".part.json")).write_text(
        json.dumps({"etag": etag, "last_modified": None, "total": len(whole)})
    )
    with LocalStore(settings.data_dir) as store:
        store.save_session("local", session.session_id, task_id=session.task_id, user_id=session.user_id)
        store.add_line(session.session_id, "user", "export")
        store.record_render(
            job.id, session.session_id, api_url=engine_url, status="completed", output_url=job.output_url
        )
    app = engine_app(resume=True)
    async with app.run_test(size=(120, 40)):
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)), timeout=30)
        assert app.session_id == session.session_id
        assert any("Picking up 1 export left unfinished" in n for n in notes(app))
        half = human_bytes(len(whole) // 2)
        assert any(f"the download resumed at {half}" in n for n in notes(app))
    final = settings.download_dir / name
    assert final.read_bytes() == whole
    assert not (settings.download_dir / (name + ".part")).exists()
    assert not (settings.download_dir / (name + ".part.json")).exists()
