"""Bad input during the workflows: a file that shrinks mid-upload, a full disk while the
MP4 downloads, a download link that 404s (the fallback endpoint serves it). Each is a clear
message, nothing crashes, nothing is left under the final name."""

from __future__ import annotations

import os

from tests.disk_faults import full_disk_open
from tests.media_bytes import mp4_bytes
from tests.ui.pilot_helpers import wait_until
from tests.ui.ui_fakes import VIDEO_ONLY
from tests.workflows.wf_helpers import connected, jobs_rows, notes


async def test_a_file_that_shrinks_mid_upload(fake_app, fake, tmp_path):
    clip = tmp_path / "growing.mp4"
    clip.write_bytes(b"\x00" * (3 * 1024 * 1024))
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        real = app.client.upload_files

        async def shrinking(session_id, paths, progress=None):
            def cut(path, sent, total):
                if sent >= 1024 * 1024:
                    os.truncate(clip, 1024 * 1024)  # another program rewrote it meanwhile
                if progress:
                    progress(path, sent, total)

            return await real(session_id, paths, progress=cut)

        app.client.upload_files = shrinking
        app.query_one("#chat-input").value = f"upload {clip}"
        await pilot.press("enter")
        await wait_until(lambda: any("got shorter while it was being uploaded" in n for n in notes(app)))
        assert any(r == "✗ growing.mp4 · not uploaded" for r in jobs_rows(app))
        assert fake.uploads == [] and "video.mp4" not in app.timeline.summary_text


async def test_a_full_disk_while_downloading_keeps_the_part_and_no_final_file(fake_app, fake, monkeypatch):
    import tui.api.download as download

    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "completed"}]
    fake.video = mp4_bytes(300_000)

    monkeypatch.setattr(download, "open", full_disk_open(100_000), raising=False)
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+e")
        await wait_until(lambda: any("The disk is full" in n for n in notes(app)))
        assert any(r.startswith("✗ export") and "The disk is full" in r for r in jobs_rows(app))
        rid = fake.submitted[0]["id"]
        record = app.store.render(rid)
        assert record.status == "completed" and not record.local_path  # picked up on the next start
    files = sorted(p.name for p in app.settings.download_dir.iterdir())
    # resumable (the .part and its 0600 sidecar with the validator), never under the final name
    assert len(files) == 2 and files[0].endswith(".mp4.part") and files[1] == files[0] + ".json"


async def test_a_dead_link_falls_back_to_the_download_endpoint(fake_app, fake):
    fake.set_draft(VIDEO_ONLY)
    fake.render_states = [{"status": "completed", "outputUrl": "/cdn/expired.mp4"}]
    fake.video = mp4_bytes(4000, fill=2)
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("f5")
        await wait_until(lambda: any(n.startswith("✅ Exported") for n in notes(app)))
        assert fake.count("/cdn/expired.mp4") == 1 and fake.count("/api/render/proxy/") >= 2
    (out,) = list(app.settings.download_dir.iterdir())
    assert out.suffix == ".mp4" and out.read_bytes() == mp4_bytes(4000, fill=2)
