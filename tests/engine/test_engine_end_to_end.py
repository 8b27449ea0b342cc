"""The whole product path through the project's own client (NemoClient) against the engine:
real upload, real probe, chat edit, state, credits, real render with ffmpeg, download, decode.
And the engine's error codes as the client sees them."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from tests.engine.engine_helpers import fake_file
from tui.api.client import NemoClient
from tui.api.errors import OutOfCredits, RateLimited, SessionNotFound, UnsupportedFileType
from tui.api.events import EventKind
from tui.config import load_settings
from tui.engine.media.probe import probe


async def _run(client: NemoClient, sid: str, text: str) -> list:
    return [ev async for ev in client.run(sid, text)]


async def _wait(client: NemoClient, render_id: str, timeout: float = 90):
    deadline = asyncio.get_running_loop().time() + timeout
    seen = []
    while True:
        job = await client.render_status(render_id)
        seen.append((job.status, job.progress))
        if job.status in ("completed", "failed") or asyncio.get_running_loop().time() > deadline:
            return job, seen
        await asyncio.sleep(0.1)


async def test_token_session_upload_edit_state_credits_render_download(
    engine_url, make_video, make_audio, tmp_path, ffmpeg_exe
):
    video = make_video(seconds=4, width=640, height=360, fps=25)
    music = make_audio(seconds=6)
    settings = load_settings(api_url=engine_url)
    async with NemoClient(settings) as client:
        token = await client.connect()
        assert token is not None and token.credits == 1000
        session = await client.create_session(language="en")
        assert session.session_id.isdigit() and len(session.session_id) >= 16

        uploaded = await client.upload_files(session.session_id, [video, music])
        v, a = uploaded.files
        assert (v.file_type, v.width, v.height, round(v.duration, 1), round(v.fps)) == ("video", 640, 360, 4.0, 25)
        assert a.file_type == "audio" and round(a.duration, 1) == 6.0

        events = await _run(
            client, session.session_id, "trim to 0-3 s, add music at 35% and add the title 'Urban Dreams'"
        )
        kinds = [e.kind for e in events]
        assert EventKind.CALL in kinds and EventKind.STATE in kinds
        final = [e.text for e in events if e.kind == EventKind.TEXT][-1]
        assert "Urban Dreams" in final

        state = await client.state(session.session_id)
        draft = state.draft
        assert draft.duration_ms == 3000
        assert draft.summary() == (
            f"Timeline (3 tracks): 1. Video: {video.name} (0-3s) "
            f'2. BGM: {music.name} (0-3s, 35%) 3. Title: "Urban Dreams" (0-3s)'
        )
        credits = await client.credits()
        assert (credits.available, credits.frozen, credits.total) == (990, 0, 990)

        job = await client.submit_render(session.session_id, draft)
        assert job.status == "pending"
        job, seen = await _wait(client, job.id)
        assert job.status == "completed", job.error
        assert job.output_url.startswith(engine_url)
        out = await client.download_render(job, tmp_path / "downloads")
        info = probe(out)
        assert (info.width, info.height, info.has_audio) == (640, 360, True)
        assert abs(info.duration_s - 3.0) < 0.2
        decoded = subprocess.run(
            [ffmpeg_exe, "-v", "error", "-i", str(out), "-f", "null", "-"], capture_output=True, text=True
        )
        assert decoded.returncode == 0 and decoded.stderr == ""
        assert (await client.credits()).available == 990  # export is free


async def test_vertical_720p_muted_export(engine_url, make_video, tmp_path, ffmpeg_exe):
    video = make_video(seconds=2, width=640, height=360, fps=25)
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        await client.upload_files(sid, [video])
        await _run(client, sid, "make it vertical 720p and mute it")
        state = await client.state(sid)
        job = await client.submit_render(sid, state.draft)
        job, _ = await _wait(client, job.id)
        assert job.status == "completed", job.error
        out = await client.download_render(job, tmp_path)
        info = probe(out)
        assert (info.width, info.height) == (720, 1280)
        loudness = subprocess.run(
            [ffmpeg_exe, "-i", str(out), "-af", "volumedetect", "-f", "null", "-"], capture_output=True, text=True
        ).stderr
        assert "max_volume: -91" in loudness or not info.has_audio  # silence


async def test_the_engine_errors_as_the_client_sees_them(start_engine, tmp_path):
    eng = start_engine(edit_cost=600)  # the daily allowance is 1,000
    async with NemoClient(load_settings(api_url=eng.base_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        with pytest.raises(SessionNotFound):
            await client.state("1234567890123456789")
        bogus = tmp_path / "notes.mp4"
        bogus.write_text("not a video")
        with pytest.raises(UnsupportedFileType) as exc:
            await client.upload_files(sid, [bogus])
        assert exc.value.code == 4001
        await client.upload_files(sid, [fake_file(tmp_path, "ok.mp4")])
        await _run(client, sid, "trim to 0-5 s")
        with pytest.raises(OutOfCredits) as exc:
            await _run(client, sid, "trim to 0-2 s")
        assert exc.value.code == 2001
        # the local engine never sends an offline user to a registration page
        from tui.core.errors_text import error_note

        note = error_note(exc.value, anonymous=True, bind_url=None)
        assert exc.value.bind_url is None and "bind=" not in note and "register" not in note.lower()
        assert "tomorrow" in note


async def test_an_expired_token_is_renewed_by_the_client(start_engine, tmp_path):
    eng = start_engine(token_ttl=0.4)
    async with NemoClient(load_settings(api_url=eng.base_url)) as client:
        first = await client.connect()
        await asyncio.sleep(0.6)
        credits = await client.credits()  # 1001, new token with the same client id, retried once
        assert credits.available == 1000
        assert client._token != first.token


async def test_rate_limit_reaches_the_client(start_engine):
    eng = start_engine(new_client_limit=0)
    async with NemoClient(load_settings(api_url=eng.base_url), retry_wait=0.01) as client:
        with pytest.raises(RateLimited):
            await client.connect()


@pytest.fixture
def local_site(tmp_path):
    """A plain HTTP server on 127.0.0.1 serving tmp_path/site (for URL ingest)."""
    import functools
    import http.server
    import threading

    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_download_a_link_in_mp4_at_the_highest_resolution(engine_url, make_video, local_site, tmp_path):
    """The mission's main job, in local mode: a URL in the message is really fetched."""
    root, site = local_site
    (root / "clip.mp4").write_bytes(make_video(seconds=2, width=1280, height=720, fps=25).read_bytes())
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        events = await _run(client, sid, f"download {site}/clip.mp4 in MP4 at the highest available resolution")
        calls = [e.name for e in events if e.kind == EventKind.CALL]
        assert calls == ["ingest_media", "edit_multitrack"], [e.summary() for e in events]
        state = await client.state(sid)
        assert state.draft.duration_ms == 2000
        assert (state.draft.meta["width"], state.draft.meta["height"]) == (1280, 720)
        job, _ = await _wait(client, (await client.submit_render(sid, state.draft)).id)
        assert job.status == "completed", job.error
        info = probe(await client.download_render(job, tmp_path / "out"))
        assert (info.width, info.height, info.vcodec) == (1280, 720, "h264")


async def test_clips_and_a_still_render_at_the_size_the_draft_announces(engine_url, make_video, ffmpeg_exe, tmp_path):
    small = make_video(seconds=2, width=640, height=360, fps=25)
    big = make_video(seconds=2, width=960, height=540, fps=25)
    still = tmp_path / "still.png"
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(still)],
        check=True,
    )
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        await client.upload_files(sid, [small, big, still])
        state = await client.state(sid)
        assert state.draft.duration_ms == 9000  # 2 s + 2 s + a 5 s still
        assert (state.draft.meta["width"], state.draft.meta["height"]) == (960, 540)  # the largest source
        job, _ = await _wait(client, (await client.submit_render(sid, state.draft)).id)
        assert job.status == "completed", job.error
        info = probe(await client.download_render(job, tmp_path / "out"))
        assert (info.width, info.height) == (960, 540) and abs(info.duration_s - 9.0) < 0.2
        # an explicit size in the request wins
        job, _ = await _wait(client, (await client.submit_render(sid, state.draft, width=640, height=360)).id)
        info = probe(await client.download_render(job, tmp_path / "out2"))
        assert (info.width, info.height) == (640, 360)


async def test_a_renamed_text_file_is_refused_by_the_real_probe(engine_url, tmp_path):
    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("just some notes, not a video\n" * 50)
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        with pytest.raises(UnsupportedFileType) as exc:
            await client.upload_files(sid, [bogus])
        assert "holiday.mp4" in str(exc.value) and "upl_" not in str(exc.value)
        assert str(tmp_path) not in str(exc.value)
        assert (await client.state(sid)).draft.tracks == []
