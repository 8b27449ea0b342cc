"""Download jobs end to end: the real engine on loopback fetches from a loopback video site,
renders each link alone and the client saves one MP4 per link (issue 12)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tui.api.client import NemoClient
from tui.config import load_settings
from tui.core.download_intent import download_request
from tui.core.downloads import DownloadJobs, JobDone, JobFailed, JobProgress, summary
from tui.core.mp4_facts import mp4_facts
from tui.core.router import route


async def _connect(url: str) -> tuple[NemoClient, str]:
    client = NemoClient(load_settings(api_url=url))
    await client.connect()
    sid = (await client.create_session()).session_id
    return client, sid


async def _save(client: NemoClient, sid: str, text: str, folder: Path, events: list | None = None):
    r = route(text)
    assert r.action == "download", r
    req = download_request(text, r.urls)
    jobs = DownloadJobs(
        client, sid, folder, on_event=(events.append if events is not None else None), poll_interval=0.2
    )
    return await jobs.run(req)


async def test_two_links_in_one_message_two_files_timeline_and_credits_unchanged(site, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    try:
        before_state = await client.state(sid)
        before_credits = await client.credits()
        events: list = []
        text = f"download these two videos {site.url('/city-timelapse/master.m3u8')} and {site.url('/beach-720/master.m3u8')}"
        results = await _save(client, sid, text, tmp_path / "dl", events)
        assert all(isinstance(r, JobDone) for r in results), results
        names = sorted(p.name for p in (tmp_path / "dl").iterdir())
        assert names == ["beach-720.mp4", "city-timelapse.mp4"]
        heights = {r.path.name: mp4_facts(r.path).height for r in results}
        assert heights == {"city-timelapse.mp4": 1080, "beach-720.mp4": 720}
        for r in results:
            facts = mp4_facts(r.path)
            assert facts.duration_s == pytest.approx(2.0, abs=0.15)
            assert (facts.vcodec, facts.acodec) == ("H.264", "AAC")
            assert "the highest this link offers" in r.line
        # a second message in the same session: a third file
        more = await _save(client, sid, f"save {site.url('/v/plain.mp4')}", tmp_path / "dl")
        assert isinstance(more[0], JobDone) and more[0].path.name == "plain.mp4"
        after_state = await client.state(sid)
        assert after_state.draft.to_wire() == before_state.draft.to_wire()  # the timeline is untouched
        after_credits = await client.credits()
        assert after_credits.available == before_credits.available  # no edit credits
        stages = {e.stage for e in events if isinstance(e, JobProgress)}
        assert stages == {"fetch", "render", "download"}
        assert any(isinstance(e, JobProgress) and e.stage == "fetch" and e.bytes for e in events)
        import httpx

        hist = httpx.get(
            f"{engine_url}/api/history/nemo_agent/me/{sid}", headers={"Authorization": f"Bearer {client._token}"}
        ).json()["data"]
        assert hist["messages"] == []  # no agent run
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("path", "name", "height"),
    [
        ("/mountain-dash/manifest.mpd", "mountain-dash.mp4", 1080),
        ("/v/clip.webm", "clip.mp4", 360),
        ("/page/holiday.html", "My holiday clip.mp4", 360),
    ],
)
async def test_each_kind_of_link_gives_its_file(site, engine_url, tmp_path, path, name, height):
    client, sid = await _connect(engine_url)
    try:
        results = await _save(client, sid, f"grab {site.url(path)}", tmp_path / "dl")
        done = results[0]
        assert isinstance(done, JobDone), done
        assert done.path.name == name
        facts = mp4_facts(done.path)
        assert facts.height == height and (facts.vcodec, facts.acodec) == ("H.264", "AAC")
    finally:
        await client.aclose()


async def test_720p_fetches_the_variant_that_fits_and_1080p_of_720_is_not_upscaled(site, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    try:
        results = await _save(
            client, sid, f"download {site.url('/city-timelapse/master.m3u8')} as a 720p MP4", tmp_path / "dl"
        )
        assert isinstance(results[0], JobDone) and mp4_facts(results[0].path).height == 720
        assert site.segment_hits("/city-timelapse/v1080/") == 0
        assert "up to 1080p" in results[0].line
        results = await _save(client, sid, f"convert {site.url('/beach-720/master.m3u8')} at 1080p", tmp_path / "dl")
        done = results[0]
        assert isinstance(done, JobDone) and mp4_facts(done.path).height == 720
        assert "at most 720p" in done.note and "upscale" in done.note
    finally:
        await client.aclose()


async def test_cancel_mid_fetch_stops_the_engine_and_leaves_nothing(site, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    folder = tmp_path / "dl"
    try:
        req = download_request(f"save {site.url('/slow/big.mp4')}", [site.url("/slow/big.mp4")])
        events: list = []
        jobs = DownloadJobs(client, sid, folder, on_event=events.append, poll_interval=0.2)
        task = asyncio.ensure_future(jobs.run(req))
        deadline = time.monotonic() + 30
        while not any(isinstance(e, JobProgress) and e.bytes for e in events):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        cancelled_at = time.monotonic()
        jobs.cancel()
        results = await task
        assert isinstance(results[0], JobFailed) and results[0].cancelled
        while site.trickle_closed is None and time.monotonic() - cancelled_at < 3:
            await asyncio.sleep(0.05)
        assert site.trickle_closed is not None and site.trickle_closed - cancelled_at < 2.0
        await asyncio.sleep(1.0)  # had the fetch gone on, its media would land now
        state = await client.state(sid)
        assert state.video_infos == [] and not state.draft.tracks
        engine_media = list((tmp_path / "engine" / "media").rglob("*"))
        assert [p for p in engine_media if p.is_file()] == []
        assert not folder.exists() or list(folder.iterdir()) == []
    finally:
        await client.aclose()


def test_summary_line():
    req = download_request(
        "download https://a.example/x and https://b.example/y", ["https://a.example/x", "https://b.example/y"]
    )
    assert summary(req).startswith("Saving 2 videos as MP4")


async def test_small_uploads_do_not_wait_behind_long_fetches(site, engine_url, tmp_path, make_video):
    """Four slow fetches through the documented URL upload do not hold up another user's upload
    (its probe has its own threads), and hanging up on them stops them."""
    import httpx

    site.trickle_every = 0.3  # each slow fetch would take half a minute
    client, sid = await _connect(engine_url)
    other, other_sid = await _connect(engine_url)
    headers = {"Authorization": f"Bearer {client._token}", "X-Skill-Source": "video-download-online"}
    async with httpx.AsyncClient(base_url=engine_url, timeout=30) as http:
        slow = [
            asyncio.ensure_future(
                http.post(
                    f"/api/upload-video/nemo_agent/me/{sid}",
                    headers=headers,
                    json={"urls": [site.url("/slow/big.mp4")], "source_type": "url"},
                )
            )
            for _ in range(4)
        ]
        try:
            assert await asyncio.to_thread(site.trickle_started.wait, 30)
            t0 = time.monotonic()
            result = await other.upload_files(other_sid, [make_video(seconds=1, width=160, height=90)])
            assert result.files and time.monotonic() - t0 < 8
        finally:
            for task in slow:
                task.cancel()
            await asyncio.gather(*slow, return_exceptions=True)
            await client.aclose()
            await other.aclose()
    deadline = time.monotonic() + 5
    while site.trickle_closed is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert site.trickle_closed is not None  # the client hung up: the engine stopped fetching
