"""``POST /api/local/formats``: what a link offers, read by the real engine on loopback from a
loopback site, without downloading its media (issue 17)."""

from __future__ import annotations

import httpx
import pytest

from tests.formats.fmtsite import write_feed
from tui.api.client import NemoClient
from tui.api.errors import ApiError
from tui.api.ingest import capabilities
from tui.api.link_info import link_info
from tui.config import load_settings


async def _connect(url: str) -> tuple[NemoClient, str]:
    client = NemoClient(load_settings(api_url=url))
    await client.connect()
    sid = (await client.create_session()).session_id
    return client, sid


async def test_an_hls_master_lists_its_variants_and_marks_the_default_by_bandwidth(fsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        assert "formats" in await capabilities(client)
        info = await link_info(client, sid, fsite.url("/show/master.m3u8"))
        assert info.kind == "video" and not info.is_playlist
        video = [f for f in info.formats if f.has_video]
        assert len(video) == 3
        by_tbr = sorted(video, key=lambda f: f.tbr or 0)
        # 360p and 720p say their size; the 1080p line has no RESOLUTION: no height is made up
        assert [f.height for f in by_tbr] == [360, 720, None]
        assert [f.width for f in by_tbr[:2]] == [640, 1280]
        assert by_tbr[1].fps == 25.0 and by_tbr[1].vcodec and by_tbr[1].vcodec.startswith("avc1")
        assert all(f.filesize and f.filesize_approx for f in video)  # bitrate x duration
        # the default download takes the best variant, ranked by bandwidth (ingest_formats)
        defaults = [f for f in info.formats if info.is_default(f)]
        assert defaults == [by_tbr[2]]
        assert info.formats[0] == by_tbr[2]  # best first
        assert info.subtitles == ("en",)
        # nothing but the playlists was read: no media segment
        assert fsite.segment_hits("/show/") == 0
    finally:
        await client.aclose()


async def test_a_dash_manifest_lists_video_and_sound_and_the_default_merges_them(fsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        info = await link_info(client, sid, fsite.url("/dash/manifest.mpd"))
        heights = sorted(f.height for f in info.formats if f.has_video and f.height)
        assert heights == [360, 720]
        sound = [f for f in info.formats if f.has_audio and not f.has_video]
        assert len(sound) == 1
        defaults = {f.format_id for f in info.formats if info.is_default(f)}
        best = next(f for f in info.formats if f.height == 720)
        assert defaults == {best.format_id, sound[0].format_id}
        assert fsite.segment_hits("/dash/") == 0
    finally:
        await client.aclose()


async def test_an_rss_feed_and_a_page_of_videos_list_their_entries_in_order(fsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        feed = await link_info(client, sid, write_feed(fsite))
        assert feed.is_playlist and feed.title == "Harbour diaries"
        assert [e.title for e in feed.entries] == ["Morning ferry", "Fish market", "Night lights"]
        assert [e.url for e in feed.entries] == [fsite.url(f"/ep/{n}.mp4") for n in (1, 2, 3)]
        assert [e.index for e in feed.entries] == [1, 2, 3]
        assert [e.duration for e in feed.entries] == [2.0, 2.0, None]
        page = await link_info(client, sid, fsite.url("/clips.html"))
        assert page.is_playlist
        assert [e.url for e in page.entries] == [fsite.url(f"/ep/{n}.mp4") for n in (1, 2, 3)]
        assert all(e.title and e.title.startswith("Harbour clips") for e in page.entries)
        assert sum(n for p, n in fsite.hits.items() if p.startswith("/ep/")) == 0  # no entry was fetched
    finally:
        await client.aclose()


async def test_a_plain_file_gives_one_row_from_its_headers(fsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        info = await link_info(client, sid, fsite.url("/v/plain.mp4"))
        (row,) = info.formats
        assert (row.width, row.height, row.vcodec, row.acodec) == (640, 360, "h264", "aac")
        assert row.filesize == (fsite.root / "v" / "plain.mp4").stat().st_size and not row.filesize_approx
        assert info.is_default(row) and info.duration == pytest.approx(2.0, abs=0.1)
    finally:
        await client.aclose()


async def test_errors_use_the_documented_envelope(fsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        with pytest.raises(ApiError) as missing:
            await link_info(client, sid, fsite.url("/nothing-here.mp4"))
        assert missing.value.code == 4003 and "404" in str(missing.value)
        with pytest.raises(ApiError) as other:
            await link_info(client, "not-my-session", fsite.url("/v/plain.mp4"))
        assert other.value.code == 1002
        token = client._token
        r = httpx.post(
            f"{engine_url}/api/local/formats/{sid}",
            json={"url": "ftp://x"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.json()["code"] == 4001
        r = httpx.post(f"{engine_url}/api/local/formats/{sid}", json={"url": fsite.url("/v/plain.mp4")})
        assert r.json()["code"] == 1001
    finally:
        await client.aclose()
