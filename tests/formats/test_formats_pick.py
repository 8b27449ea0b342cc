"""Picking a row of the formats table gives that format, end to end through the real engine
(fetch with ``format_id``, render, save) from a loopback site (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.api.client import NemoClient
from tui.api.link_info import link_info
from tui.config import load_settings
from tui.core.download_intent import DownloadRequest
from tui.core.downloads import DownloadJobs, JobDone
from tui.core.mp4_facts import mp4_facts


async def _pick(engine_url: str, url: str, height: int, folder: Path) -> Path:
    client = NemoClient(load_settings(api_url=engine_url))
    await client.connect()
    try:
        sid = (await client.create_session()).session_id
        info = await link_info(client, sid, url)
        row = next(f for f in info.formats if f.height == height and f.has_video)
        assert not info.is_default(row)  # a lower one than a plain download would take
        request = DownloadRequest(urls=[url], format_id=row.format_id, max_height=row.height)
        (result,) = await DownloadJobs(client, sid, folder, poll_interval=0.2).run(request)
        assert isinstance(result, JobDone), result
        return result.path
    finally:
        await client.aclose()


async def test_picking_720_of_an_hls_master_saves_a_720p_file(fsite, engine_url, tmp_path):
    path = await _pick(engine_url, fsite.url("/show/master.m3u8"), 720, tmp_path / "dl")
    facts = mp4_facts(path)
    assert (facts.width, facts.height) == (1280, 720)
    assert facts.acodec == "AAC" and facts.duration_s == pytest.approx(2.0, abs=0.15)
    assert fsite.segment_hits("/show/v1080/") == 0 and fsite.segment_hits("/show/v720/") > 0


async def test_picking_360_of_a_dash_manifest_saves_360p_with_its_sound(fsite, engine_url, tmp_path):
    path = await _pick(engine_url, fsite.url("/dash/manifest.mpd"), 360, tmp_path / "dl")
    facts = mp4_facts(path)
    assert facts.height == 360 and facts.acodec == "AAC"  # the video-only row got the sound merged
