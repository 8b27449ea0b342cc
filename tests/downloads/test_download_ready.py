"""Audio only and subtitles end to end (issue 17): the real engine on loopback fetches from the
loopback site of avsite.py, makes the file itself (``ready``), and the client saves it as it
is — through ``/api/local/fetch`` and through ``DownloadJobs`` — with no render."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from tests.downloads.avcheck import audio_packets, changed_pixels, frame_at, stream_kinds
from tests.downloads.avsite import SECONDS
from tui.api.client import NemoClient
from tui.api.ingest import FetchFailed, FetchOptions, fetch_link
from tui.config import load_settings
from tui.core.download_intent import DownloadRequest
from tui.core.download_ready import file_facts, ready_name
from tui.core.downloads import DownloadJobs, JobDone, JobFailed, JobProgress


async def _connect(url: str) -> tuple[NemoClient, str]:
    client = NemoClient(load_settings(api_url=url))
    await client.connect()
    sid = (await client.create_session()).session_id
    return client, sid


async def _run(client: NemoClient, sid: str, request: DownloadRequest, folder: Path, events: list):
    renders: list[str] = []
    submit = client.submit_render

    async def counting_submit(*a, **kw):  # a ready file must never be rendered
        renders.append("render")
        return await submit(*a, **kw)

    client.submit_render = counting_submit  # type: ignore[method-assign]
    results = await DownloadJobs(client, sid, folder, on_event=events.append, poll_interval=0.2).run(request)
    assert renders == []
    return results


async def test_local_fetch_answers_ready_audio(avsite, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    try:
        media = await fetch_link(client, sid, avsite.url("/v/talk.mp4"), options=FetchOptions(audio="m4a"))
        assert media.ready is True
        assert media.filename == "talk.m4a" and media.file_type == "audio"
        assert media.acodec == "aac" and media.vcodec is None
        body = httpx.get(media.cdn_url, headers={"Authorization": f"Bearer {client._token}"}).content
        saved = tmp_path / "talk.m4a"
        saved.write_bytes(body)
        assert audio_packets(saved) == audio_packets(avsite.root / "v" / "talk.mp4")
        plain = await fetch_link(client, sid, avsite.url("/v/talk.mp4"))
        assert plain.ready is False  # without options: the render makes the MP4, as before
    finally:
        await client.aclose()


async def test_local_fetch_names_the_offered_languages(avsite, engine_url):
    client, sid = await _connect(engine_url)
    try:
        with pytest.raises(FetchFailed, match=r"no subtitles in “ja”. It offers: de, en\."):
            await fetch_link(client, sid, avsite.url("/lecture/master.m3u8"), options=FetchOptions(subs="ja"))
        assert avsite.segment_hits("/lecture/") == 0
    finally:
        await client.aclose()


async def test_download_jobs_save_m4a_and_mp3_with_their_names_and_facts(avsite, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    folder = tmp_path / "dl"
    events: list = []
    try:
        results = await _run(client, sid, DownloadRequest([avsite.url("/v/talk.mp4")], audio="m4a"), folder, events)
        done = results[0]
        assert isinstance(done, JobDone), done
        assert done.path == folder / "talk.m4a"
        assert audio_packets(done.path) == audio_packets(avsite.root / "v" / "talk.mp4")
        assert MP4(done.path)["\xa9nam"] == ["talk"]
        assert re.match(r"✅ Saved talk\.m4a: AAC audio, 3\.0 s, \d+\.\d KB", done.line), done.line
        assert "×" not in done.line  # no picture claimed
        results = await _run(
            client, sid, DownloadRequest([avsite.url("/music/master.m3u8")], audio="mp3"), folder, events
        )
        done = results[0]
        assert isinstance(done, JobDone), done
        assert done.path == folder / "music.mp3"
        mp3 = MP3(done.path)
        assert abs(mp3.info.length - SECONDS) <= 0.15 and str(mp3.tags["TIT2"]) == "master"
        assert done.line.startswith("✅ Saved music.mp3: MP3 audio, 3.")
        assert avsite.segment_hits("/music/v/") == 0
        assert sorted(p.name for p in folder.iterdir()) == ["music.mp3", "talk.m4a"]  # no .part left
        stages = {e.stage for e in events if isinstance(e, JobProgress)}
        assert stages == {"fetch", "download"}  # no render stage
    finally:
        await client.aclose()


async def test_download_jobs_save_soft_and_burned_subtitles(avsite, engine_url, tmp_path):
    client, sid = await _connect(engine_url)
    folder = tmp_path / "dl"
    events: list = []
    try:
        url = avsite.url("/lecture/master.m3u8")
        results = await _run(client, sid, DownloadRequest([url], subs="en"), folder, events)
        soft = results[0]
        assert isinstance(soft, JobDone), soft
        assert soft.path == folder / "lecture.mp4"
        assert stream_kinds(soft.path)[2] == ("subtitle", "mov_text", "eng")
        assert soft.line.startswith("✅ Saved lecture.mp4: 320×180 H.264/AAC, 3.0 s")
        results = await _run(
            client, sid, DownloadRequest([avsite.url("/v/film.mkv")], subs="fr", burn_subs=True), folder, events
        )
        burned = results[0]
        assert isinstance(burned, JobDone), burned
        assert burned.path == folder / "film.mp4"
        assert [k[0] for k in stream_kinds(burned.path)] == ["video", "audio"]
        lower = (0, 100, 320, 180)
        assert changed_pixels(frame_at(burned.path, 1.0), frame_at(burned.path, 1.8), lower) > 150
        results = await _run(client, sid, DownloadRequest([url], subs="fr"), folder, events)
        failed = results[0]
        assert isinstance(failed, JobFailed) and "It offers: de, en" in failed.message
        assert sorted(p.name for p in folder.iterdir()) == ["film.mp4", "lecture.mp4"]  # nothing saved for it
    finally:
        await client.aclose()


def test_ready_name_takes_the_file_extension():
    from tui.api.ingest import FetchedMedia

    def media(filename: str, kind: str = "audio", title: str | None = "My song") -> FetchedMedia:
        return FetchedMedia("u", filename, kind, 3.0, None, None, 1, None, "aac", title, None, "/m", ready=True)

    assert ready_name(media("x.m4a"), "https://a.example/v/1") == "My song.m4a"
    assert ready_name(media("x.mp3"), "https://a.example/v/1") == "My song.mp3"
    assert ready_name(media("x.mp4", "video", "Film"), "https://a.example/v/1") == "Film.mp4"
    assert ready_name(media("x.ogg"), "https://a.example/v/1") == "My song.m4a"
    # a title or file name that says nothing ("master", "index") gives way to the link's name
    assert ready_name(media("master.mp3", title="master"), "https://a.example/music/master.m3u8") == "music.mp3"


def test_file_facts_of_an_mp3_and_a_broken_one(make_audio, tmp_path):
    facts = file_facts(make_audio(seconds=2, ext="mp3"))
    assert facts.acodec == "MP3" and facts.vcodec is None and facts.width is None
    assert facts.duration_s == pytest.approx(2.0, abs=0.1)
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not an mp3 at all" * 10)
    facts = file_facts(bad)
    assert facts.acodec is None and facts.duration_s is None and facts.size_bytes == 170


@pytest.mark.parametrize(
    "request_",
    [DownloadRequest(["https://v.example/a"], audio="mp3"), DownloadRequest(["https://v.example/a"], subs="en")],
)
async def test_the_cloud_is_not_asked_for_what_only_the_local_engine_makes(tmp_path, request_):
    from tui.api.errors import ApiError

    class Cloud:  # no local extensions: capabilities fail, as the service answers 404
        async def _request(self, *a, **kw):
            raise ApiError("Not Found")

        async def upload_urls(self, *a, **kw):
            raise AssertionError("the link was fetched")

        async def submit_render(self, *a, **kw):
            raise AssertionError("a video was rendered")

    results = await DownloadJobs(Cloud(), "s1", tmp_path / "dl").run(request_)
    failed = results[0]
    assert isinstance(failed, JobFailed) and "needs the local engine" in failed.message
    assert "nemo-tui --local" in failed.next_step
    assert not (tmp_path / "dl").exists()
