"""The client of the pictures extension (tui.api.pictures) against the real embedded engine on
loopback, and against a backend without it (the cloud): the UI then draws bars."""

from __future__ import annotations

import httpx
import pytest

from tests.engine import picture_media as pm
from tui.api import pictures
from tui.api.client import NemoClient
from tui.api.errors import ApiError
from tui.config import load_settings
from tui.engine.embedded import EmbeddedEngine


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("pictures-client")


@pytest.fixture
def engine_url(tmp_path):
    eng = EmbeddedEngine(tmp_path / "engine", heartbeat_interval=0.05, chunk_delay=0.0, tool_delay=0.0,
                         silent_ratio=0.0)  # fmt: skip
    yield eng.start()
    eng.stop()


async def _client_with(engine_url: str, *files):
    client = NemoClient(load_settings(api_url=engine_url))
    await client.connect()
    session = await client.create_session(language="en")
    await client.upload_files(session.session_id, list(files))
    draft = (await client.state(session.session_id)).draft  # a segment's source is its upload id
    sources = {seg.name: seg.source for track in draft.tracks for seg in track.segments}
    return client, [sources[f.name] for f in files]


async def test_thumbnails_peaks_and_storyboard_through_the_client(engine_url, ffmpeg_exe, folder):
    client, (video, sound) = await _client_with(
        engine_url, pm.red_blue(ffmpeg_exe, folder), pm.half_silent_sine(ffmpeg_exe, folder)
    )
    async with client:
        assert await pictures.available(client) is True
        red = await pictures.thumbnail(client, video, 1.0, 120)
        blue = await pictures.thumbnail(client, video, 4.0, 120, 60, fmt="jpeg")
        assert pm.dominant(red) == "red" and pm.image(red).size == (120, 90) and red[:4] == b"\x89PNG"
        assert pm.dominant(blue) == "blue" and pm.image(blue).size == (80, 60) and blue[:2] == b"\xff\xd8"
        keyframe = await pictures.thumbnail(client, video, 2.9, 64, exact=False)  # the keyframe at 2 s
        assert pm.dominant(keyframe) == "red"

        values = await pictures.peaks(client, sound, 12)  # 0.5 s buckets; silent 2–4 s
        assert len(values) == 12 and all(0.0 <= v <= 1.0 for v in values)
        assert max(values[5:8]) < 0.02 and min(values[:4] + values[8:]) > 0.3

        wave = await pictures.waveform(client, sound, 3)
        assert wave.has_audio and wave.duration == pytest.approx(6.0, abs=0.01) and wave.peaks[1] < 0.05
        assert (await pictures.waveform(client, video, 3)).has_audio  # the red/blue clip has a tone

        frames = await pictures.storyboard(client, video, count=4, width=64)
        assert [t for t, _ in frames] == pytest.approx([0.625, 1.875, 3.125, 4.375], abs=0.021)  # 4 spans' middles
        assert [pm.dominant(img) for _, img in frames] == ["red", "red", "blue", "blue"]
        sheet = await pictures.storyboard_sheet(client, video, times=[4.5], width=32)
        assert (sheet.kind, sheet.width, sheet.height, sheet.vcodec) == ("upload", 320, 240, "h264")
        assert sheet.duration == pytest.approx(5.0, abs=0.05) and sheet.size and sheet.size > 0
        assert [pm.dominant(f.image) for f in sheet.frames] == ["blue"]
        assert sheet.frames[0].t == pytest.approx(4.5, abs=0.021)  # the nearest frame of 25 fps


async def test_the_engines_refusals_are_typed_errors(engine_url, ffmpeg_exe, folder, tmp_path):
    client, (video, sound, mute) = await _client_with(
        engine_url,
        pm.red_blue(ffmpeg_exe, folder),
        pm.sound_only(ffmpeg_exe, folder),
        pm.silent_video(ffmpeg_exe, folder),
    )
    async with client:
        no_sound = await pictures.waveform(client, mute, 4)  # a video without an audio stream
        assert no_sound.peaks == (0.0,) * 4 and no_sound.has_audio is False
        assert await pictures.peaks(client, mute, 4) == [0.0] * 4
        with pytest.raises(pictures.NoPicture) as no_picture:
            await pictures.thumbnail(client, sound, 0.5, 64)
        assert no_picture.value.code == 4006 and isinstance(no_picture.value, pictures.PicturesUnavailable)
        assert "no picture" in str(no_picture.value)
        with pytest.raises(pictures.MediaNotFound) as missing:
            await pictures.peaks(client, "upl_unknown", 10)
        assert missing.value.status == 404
        with pytest.raises(pictures.MediaNotFound):
            await pictures.storyboard(client, "render_unknown")
        settings = load_settings(api_url=engine_url, client_id="stranger", config_dir=tmp_path / "c2",
                                 data_dir=tmp_path / "d2")  # fmt: skip
        stranger = NemoClient(settings)  # another user on the same engine
        async with stranger:
            await stranger.connect()
            assert stranger.user_id != client.user_id
            with pytest.raises(pictures.MediaNotFound):
                await pictures.thumbnail(stranger, video, 1.0, 64)


async def test_a_backend_without_pictures_answers_unavailable(tmp_path):
    """The cloud has no such routes: 404 (or a web page) for them, and no capabilities."""

    def cloud(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(200, json={"code": 0, "data": {"token": "nmv_cloudtoken", "user_id": "anon_1"}})
        if request.url.path.endswith("/upl_1") and "peaks" in request.url.path:
            return httpx.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"})
        return httpx.Response(404, json={"detail": "Not Found"})

    client = NemoClient(load_settings(api_url="http://cloud.invalid"), transport=httpx.MockTransport(cloud))
    async with client:
        assert await pictures.available(client) is False
        with pytest.raises(pictures.PicturesUnavailable) as exc:
            await pictures.thumbnail(client, "upl_1", 1.0, 64)
        assert "bars" in str(exc.value) and isinstance(exc.value, ApiError)
        with pytest.raises(pictures.PicturesUnavailable):
            await pictures.peaks(client, "upl_1", 10)
        with pytest.raises(pictures.PicturesUnavailable):
            await pictures.storyboard(client, "render_1")
