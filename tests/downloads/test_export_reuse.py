"""Export of an unchanged draft reuses the last file: one render, one file (real engine)."""

from __future__ import annotations

from tui.api.client import NemoClient
from tui.config import load_settings
from tui.core.export import export_draft
from tui.core.store import LocalStore


async def test_export_twice_without_a_change_is_one_render_and_one_file(engine_url, tmp_path, make_video):
    store = LocalStore(tmp_path / "client")
    client = NemoClient(load_settings(api_url=engine_url))
    try:
        await client.connect()
        sid = (await client.create_session()).session_id
        store.save_session(engine_url, sid)
        await client.upload_files(sid, [make_video(seconds=2, width=320, height=180)])
        draft = (await client.state(sid)).draft
        out = tmp_path / "out"
        reused: list = []
        first = await export_draft(client, sid, draft, out, store=store, poll_interval=0.2, on_reuse=reused.append)
        assert reused == []
        draft_again = (await client.state(sid)).draft  # fetched anew, unchanged
        second = await export_draft(
            client, sid, draft_again, out, store=store, poll_interval=0.2, on_reuse=reused.append
        )
        assert second == first and reused == [first]
        assert [p.name for p in out.iterdir()] == [first.name]
        assert len(store.renders(sid)) == 1
        # the file changed on disk (the user edited or replaced it): render again
        first.write_bytes(first.read_bytes() + b"\0")
        third = await export_draft(client, sid, draft_again, out, store=store, poll_interval=0.2)
        assert third != first and len(store.renders(sid)) == 2
    finally:
        await client.aclose()
        store.close()


async def test_a_render_of_an_untouched_h264_aac_mp4_is_the_same_file(site, engine_url, tmp_path):
    """Stored once: the engine keeps one copy of a fetched video; its render is a hard link."""
    import os

    from tui.core.download_intent import download_request
    from tui.core.downloads import DownloadJobs, JobDone

    client = NemoClient(load_settings(api_url=engine_url))
    try:
        await client.connect()
        sid = (await client.create_session()).session_id
        url = site.url("/v/plain.mp4")
        results = await DownloadJobs(client, sid, tmp_path / "dl", poll_interval=0.2).run(
            download_request(f"save {url}", [url])
        )
        assert isinstance(results[0], JobDone)
    finally:
        await client.aclose()
    engine_dir = tmp_path / "engine"
    fetched = [p for p in (engine_dir / "media").rglob("*.mp4")]
    rendered = [p for p in (engine_dir / "renders").rglob("*.mp4")] if (engine_dir / "renders").exists() else []
    assert len(fetched) == 1 and len(rendered) == 1
    assert os.path.samefile(fetched[0], rendered[0])  # one copy on the engine
    assert results[0].path.read_bytes() == (site.root / "v" / "plain.mp4").read_bytes()
