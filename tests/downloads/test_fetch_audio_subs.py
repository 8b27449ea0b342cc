"""Audio only and subtitles in the controlled fetch (issue 17): the engine's deliverable.

Sources come from the loopback site of avsite.py (media made by ffmpeg at test time)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from tests.downloads.avcheck import audio_packets, changed_pixels, difference, frame_at, stream_kinds
from tests.downloads.avsite import CUES, SECONDS
from tui.engine.media.errors import IngestError
from tui.engine.media.fetch import fetch_media
from tui.engine.media.fetch_subs import filter_value, language_key


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_m4a_from_an_aac_source_copies_the_sound_packets(avsite, tmp_path):
    src = avsite.root / "v" / "talk.mp4"
    result = fetch_media(avsite.url("/v/talk.mp4"), tmp_path / "out", options={"audio": "m4a"})
    assert result.ready is True
    assert result.path.name == "talk.m4a"
    assert stream_kinds(result.path) == [("audio", "aac", "und")]  # no picture in the file
    got, want = audio_packets(result.path), audio_packets(src)
    assert len(got) == len(want) > 50
    assert got == want  # stream copy: the AAC bytes are the source's, packet for packet
    assert MP4(result.path)["\xa9nam"] == ["talk"]  # the title tag
    assert result.info and result.info["kind"] == "audio" and result.info["vcodec"] is None
    assert _leftovers(tmp_path / "out") == ["talk.m4a"]


def test_mp3_from_an_opus_source(avsite, tmp_path):
    result = fetch_media(avsite.url("/v/song.webm"), tmp_path / "out", options={"audio": "mp3"})
    assert result.ready is True and result.path.name == "song.mp3"
    assert stream_kinds(result.path) == [("audio", "mp3", None)]
    mp3 = MP3(result.path)
    assert abs(mp3.info.length - SECONDS) <= 0.1
    assert str(mp3.tags["TIT2"]) == "song"
    assert _leftovers(tmp_path / "out") == ["song.mp3"]


def test_audio_of_an_hls_link_with_separate_sound_fetches_no_picture(avsite, tmp_path):
    result = fetch_media(avsite.url("/music/master.m3u8"), tmp_path / "out", options={"audio": "mp3"})
    assert result.ready and result.path.suffix == ".mp3"
    assert abs(MP3(result.path).info.length - SECONDS) <= 0.15
    assert avsite.segment_hits("/music/v/") == 0  # not one picture segment was requested
    assert avsite.segment_hits("/music/a/") > 0


def test_m4a_of_an_hls_link_keeps_its_aac(avsite, tmp_path):
    result = fetch_media(avsite.url("/music/master.m3u8"), tmp_path / "out", options={"audio": "m4a"})
    assert stream_kinds(result.path) == [("audio", "aac", "und")]
    assert avsite.segment_hits("/music/v/") == 0


@pytest.mark.parametrize(("lang", "tag"), [("en", "eng"), ("fr", "fra")])
def test_mkv_subtitle_tracks_become_one_mov_text_track(avsite, tmp_path, lang, tag):
    """SRT (eng) and ASS (fre) tracks of an MKV: the asked one, as mov_text, beside H.264/AAC."""
    result = fetch_media(avsite.url("/v/film.mkv"), tmp_path / "out", options={"subs": {"lang": lang, "burn": False}})
    assert result.ready and result.path.name == "film.mp4"
    assert stream_kinds(result.path) == [
        ("video", "h264", "und"),
        ("audio", "aac", "und"),
        ("subtitle", "mov_text", tag),
    ]


def test_hls_webvtt_rendition_becomes_a_mov_text_track(avsite, tmp_path):
    result = fetch_media(
        avsite.url("/lecture/master.m3u8"), tmp_path / "out", options={"subs": {"lang": "en", "burn": False}}
    )
    assert result.ready
    assert stream_kinds(result.path) == [
        ("video", "h264", "und"),
        ("audio", "aac", "und"),
        ("subtitle", "mov_text", "eng"),
    ]
    assert avsite.hits["/lecture/subs/en.vtt"] == 1 and avsite.hits["/lecture/subs/de.vtt"] == 0


def test_a_language_the_link_does_not_list_is_refused_before_any_media_byte(avsite, tmp_path):
    with pytest.raises(IngestError, match=r"no subtitles in “fr”. It offers: de, en\."):
        fetch_media(avsite.url("/lecture/master.m3u8"), tmp_path / "out", options={"subs": {"lang": "fr"}})
    assert avsite.segment_hits("/lecture/") == 0
    assert not (tmp_path / "out").exists()


def test_a_language_the_file_does_not_carry_is_refused_and_nothing_kept(avsite, tmp_path):
    with pytest.raises(IngestError, match=r"no subtitles in “de”. It offers: eng, fre\."):
        fetch_media(avsite.url("/v/film.mkv"), tmp_path / "out", options={"subs": {"lang": "de"}})
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("path", "lang"), [("/v/film.mkv", "en"), ("/v/film.mkv", "fr"), ("/lecture/master.m3u8", "de")]
)
def test_burned_in_subtitles_are_visible_only_during_their_cues(avsite, tmp_path, path, lang):
    result = fetch_media(avsite.url(path), tmp_path / "out", options={"subs": {"lang": lang, "burn": True}})
    assert result.ready
    kinds = stream_kinds(result.path)
    assert [k[:2] for k in kinds] == [("video", "h264"), ("audio", "aac")]  # drawn in: no subtitle track
    (a, b, _), (c, d, _) = CUES
    lower = (0, 100, 320, 180)  # the lower part of the 320x180 picture, where the cues are drawn
    during, between, second = (
        frame_at(result.path, (a + b) / 2),
        frame_at(result.path, 1.8),
        frame_at(result.path, (c + d) / 2),
    )
    assert changed_pixels(during, between, lower) > 150  # letters drawn: many pixels far off the flat blue
    assert changed_pixels(second, between, lower) > 150
    assert changed_pixels(during, between, (0, 0, 320, 100)) == 0  # and only where the cues go
    source = frame_at(avsite.root / "v" / "film.mkv", 1.8)  # the same flat picture in every source
    for t in (0.2, 1.8, 2.9):  # outside the cues the picture is the source's (x264 at CRF 18: within noise)
        outside = frame_at(result.path, t)
        assert changed_pixels(outside, source) == 0 and difference(outside, source) < 1.0


def test_filter_values_are_escaped_for_option_and_graph():
    assert filter_value("/a b/c") == "/a b/c"
    assert filter_value("it's:x,[y];z\\") == "it\\\\\\'s\\\\:x\\,\\[y\\]\\;z\\\\\\\\"


def test_language_codes_compare_by_language():
    assert language_key("en") == language_key("eng") == language_key("en-US") == "eng"
    assert language_key("ger") == language_key("de") == "deu"
    assert language_key("und") == "" and language_key(None) == ""


def test_mp3_of_an_mp3_is_not_encoded_again(avsite, make_audio, tmp_path):
    src = make_audio(seconds=2, ext="mp3")
    (avsite.root / "v" / "tone.mp3").write_bytes(src.read_bytes())
    result = fetch_media(avsite.url("/v/tone.mp3"), tmp_path / "out", options={"audio": "mp3"})
    assert audio_packets(result.path) == audio_packets(src)
    assert str(MP3(result.path).tags["TIT2"]) == "tone"


def test_cue_text_reads_every_cue_of_the_stream(av_files):
    from tui.engine.media.fetch_subs import cue_text

    film = av_files / "v" / "film.mkv"
    for index in (2, 3):  # the SRT and the ASS track
        assert cue_text(film, index).splitlines() == [text for _, _, text in CUES]


def test_burn_font_is_the_shipped_one_and_names_what_no_font_draws():
    from tui.engine.media import ffmpeg as ff
    from tui.engine.media.fetch_subs import burn_font

    assert burn_font("Hello, world: ça va?") == (ff.FONT_PATH, "DejaVu Sans", None)
    font, family, note = burn_font("Hi \U0010fffd")  # a private-use character: no font has it
    assert note is not None and "\U0010fffd" in note and font.is_file() and family
