"""Links to media as sites serve it: containers MP4 cannot hold, HLS masters that hide their best
variant's size or keep the sound apart. Each arrives as an MP4 with its picture and sound."""

from __future__ import annotations

import pytest

from tui.engine.media.ingest import ingest_url
from tui.engine.media.probe import probe


@pytest.mark.parametrize(
    "name, vcodecs",
    [
        ("subtitled.mkv", {"h264"}),
        ("theora.ogv", {"h264"}),
        ("flash.flv", {"h264"}),
        ("mpeg2-recording.dat", {"h264"}),
    ],
)
def test_links_to_files_mp4_cannot_hold_arrive_as_mp4_with_sound(zoo_site, zoo, tmp_path, name, vcodecs):
    spec, _ = zoo[name]
    notes: list[str] = []
    path = ingest_url(f"{zoo_site}/{name}", tmp_path / "dl", notes=notes)
    assert path.suffix == ".mp4" and path.parent == tmp_path / "dl"
    info = probe(path)
    assert info.container.startswith("mov,mp4")
    assert info.vcodec in vcodecs and info.has_audio and info.acodec in ("aac", "mp3", "opus")
    assert (info.width, info.height) == spec.display
    assert info.duration_s == pytest.approx(spec.duration, abs=0.15)
    assert [p.name for p in (tmp_path / "dl").iterdir()] == [path.name]  # nothing else left behind
    if name == "subtitled.mkv":
        subs = [s.codec for s in info.subtitles]
        assert subs == ["mov_text", "mov_text"]
        assert any("subtitle" in n for n in notes) and any("Fonts" in n for n in notes)


def test_hls_variant_without_resolution_is_ranked_by_bandwidth(http_site, tmp_path):
    path = ingest_url(f"{http_site}/unsized.m3u8", tmp_path)
    info = probe(path)
    assert (info.width, info.height) == (1280, 720) and info.has_audio


def test_sound_offered_as_a_rendition_is_fetched_when_the_variant_has_none(http_site, tmp_path):
    notes: list[str] = []
    path = ingest_url(f"{http_site}/nocodecs.m3u8", tmp_path, notes=notes)
    info = probe(path)
    assert (info.width, info.height) == (1280, 720)
    assert info.has_audio and info.duration_s == pytest.approx(2.0, abs=0.15)
    assert path.suffix == ".mp4"
    assert notes == ["The sound was offered separately: it was fetched and added."], notes


def test_the_offer_ranks_by_bandwidth_only_for_hls_variants_without_a_size():
    from tui.engine.media.ingest_formats import read_offer

    hls = {
        "formats": [
            {"format_id": "a", "protocol": "m3u8_native", "vcodec": "none", "acodec": None, "tbr": 128},
            {"format_id": "360", "protocol": "m3u8_native", "height": 360, "vcodec": "avc1", "tbr": 800},
            {"format_id": "hi", "protocol": "m3u8_native", "vcodec": "avc1", "tbr": 2500},
            {"format_id": "drm", "protocol": "m3u8_native", "height": 2160, "vcodec": "avc1", "has_drm": True},
        ]
    }
    offer = read_offer(hls, None)
    assert offer.format_sort[0] == "tbr" and offer.unsized and offer.best_height == 360
    assert offer.audio and offer.audio_only
    page = {
        "formats": [
            {"format_id": "thumb", "protocol": "https", "vcodec": None},
            {"format_id": "720", "protocol": "https", "height": 720, "vcodec": "h264", "acodec": "aac"},
        ]
    }
    offer = read_offer(page, None)
    assert offer.format_sort[0] == "res" and not offer.unsized and offer.best_height == 720
    assert read_offer(page, 480).format_sort[0] == "res:480" and read_offer(page, 480).best_height is None
