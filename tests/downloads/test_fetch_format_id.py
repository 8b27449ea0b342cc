"""A chosen format (issue 17): exactly that one is fetched, with the best sound added when it
has none, and made into an H.264/AAC MP4; an id the link does not list is refused in words."""

from __future__ import annotations

import pytest

from tui.engine.media.errors import IngestError
from tui.engine.media.fetch import fetch_media
from tui.engine.media.fetch_tuning import format_selector
from tui.engine.media.probe import probe


def _formats(url: str) -> list[dict]:
    import yt_dlp

    with yt_dlp.YoutubeDL({"quiet": True, "no_warnings": True, "cachedir": False}) as ydl:
        return ydl.extract_info(url, download=False, process=False)["formats"]


def test_hls_variant_by_id_is_the_only_one_fetched(site, tmp_path):
    url = site.url("/city-timelapse/master.m3u8")
    fid = next(f["format_id"] for f in _formats(url) if f.get("height") == 720)
    result = fetch_media(url, tmp_path / "out", options={"format_id": fid})
    info = probe(result.path)
    assert (info.height, info.vcodec, info.acodec) == (720, "h264", "aac")
    assert site.segment_hits("/city-timelapse/v720/") > 0
    assert site.segment_hits("/city-timelapse/v1080/") == 0 and site.segment_hits("/city-timelapse/v360/") == 0
    assert result.offered_height == 1080  # what the link offers is still said


def test_picture_only_dash_format_gets_the_best_sound(site, tmp_path):
    url = site.url("/mountain-dash/manifest.mpd")
    formats = _formats(url)
    fid = next(f["format_id"] for f in formats if f.get("height") == 480)
    assert format_selector(formats, fid) == (f"{fid}+bestaudio/{fid}", 480)
    result = fetch_media(url, tmp_path / "out", options={"format_id": fid})
    info = probe(result.path)
    assert (info.height, info.has_audio, info.vcodec, info.acodec) == (480, True, "h264", "aac")
    assert info.duration_s == pytest.approx(2.0, abs=0.15)


def test_unknown_format_id_is_refused(site, tmp_path):
    with pytest.raises(IngestError, match="has no format 'hls-9999'"):
        fetch_media(site.url("/city-timelapse/master.m3u8"), tmp_path / "out", options={"format_id": "hls-9999"})
    assert site.segment_hits("/city-timelapse/") == 0
    assert not (tmp_path / "out").exists()


def test_format_and_section_together(site, tmp_path):
    url = site.url("/city-timelapse/master.m3u8")
    fid = next(f["format_id"] for f in _formats(url) if f.get("height") == 360)
    result = fetch_media(url, tmp_path / "out", options={"format_id": fid, "section": [0.5, 1.5]})
    info = probe(result.path)
    assert info.height == 360 and info.has_audio
    assert info.duration_s == pytest.approx(1.0, abs=0.05)
    assert site.segment_hits("/city-timelapse/v720/") == 0 and site.segment_hits("/city-timelapse/v1080/") == 0


async def test_format_id_through_the_local_fetch_endpoint(site, engine_url):
    """The client's FetchOptions(format_id=…) on /api/local/fetch: the 720p variant of a
    360/720/1080 master arrives, and the link's highest is still reported."""
    from tui.api.client import NemoClient
    from tui.api.ingest import FetchOptions, fetch_link
    from tui.config import load_settings

    url = site.url("/city-timelapse/master.m3u8")
    fid = next(f["format_id"] for f in _formats(url) if f.get("height") == 720)
    client = NemoClient(load_settings(api_url=engine_url))
    await client.connect()
    try:
        sid = (await client.create_session()).session_id
        media = await fetch_link(client, sid, url, options=FetchOptions(format_id=fid))
    finally:
        await client.aclose()
    assert (media.height, media.vcodec, media.acodec, media.offered_height) == (720, "h264", "aac", 1080)
    assert site.segment_hits("/city-timelapse/v1080/") == 0
