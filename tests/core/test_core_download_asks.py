"""What a download message asks for (issue 17): sections, audio, subtitles, playlist entries —
and the messages with the same words that are edits (the project way), not downloads."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.download_asks import clock, read_asks, resolve_section, seconds, span_words
from tui.core.download_intent import download_request, project_way_note
from tui.core.languages import language_code, language_name
from tui.core.router import route

L = "https://v.example/watch?v=abc"

# (message, section, audio, subs, burn_subs, playlist)
DOWNLOADS = [
    (f"download 1:00 to 2:30 of {L}", (60.0, 150.0), None, None, False, None),
    (f"download from 0:45 to 1:10 of {L}", (45.0, 70.0), None, None, False, None),
    (f"{L} from 0:45 to 1:10", (45.0, 70.0), None, None, False, None),
    (f"just the first 30 seconds of {L}", (0.0, 30.0), None, None, False, None),
    (f"just the first thirty seconds of {L}", (0.0, 30.0), None, None, False, None),
    (f"save the first minute of {L}", (0.0, 60.0), None, None, False, None),
    (f"grab the first 90 secs of {L}", (0.0, 90.0), None, None, False, None),
    (f"save the first 1.5 minutes of {L}", (0.0, 90.0), None, None, False, None),
    (f"download the first minute and a half of {L}", (0.0, 90.0), None, None, False, None),
    (f"download the first half a minute of {L}", (0.0, 30.0), None, None, False, None),
    (f"download the last 2 minutes of {L}", (-120.0, None), None, None, False, None),
    (f"the last two minutes of {L}", (-120.0, None), None, None, False, None),
    (f"{L} the last 45s", (-45.0, None), None, None, False, None),
    (f"download {L} 1:00-2:30", (60.0, 150.0), None, None, False, None),
    (f"{L} 1:00–2:30", (60.0, 150.0), None, None, False, None),
    (f"download {L} 0:01:00-0:02:30", (60.0, 150.0), None, None, False, None),
    (f"download {L} 1:02:03 to 1:05:00", (3723.0, 3900.0), None, None, False, None),
    (f"download {L} from 45 to 70 seconds", (45.0, 70.0), None, None, False, None),
    (f"download from one to two minutes of {L}", (60.0, 120.0), None, None, False, None),
    (f"download {L} between 10 s and 20 s", (10.0, 20.0), None, None, False, None),
    (f"download {L} from 1m30s to 2m", (90.0, 120.0), None, None, False, None),
    (f"save {L} from 1:00 on", (60.0, None), None, None, False, None),
    (f"save {L} starting at 2:00", (120.0, None), None, None, False, None),
    (f"下载 {L} 从1分到2分30秒", (60.0, 150.0), None, None, False, None),
    (f"{L} 从一分钟到两分半", (60.0, 150.0), None, None, False, None),
    (f"下载{L}的前30秒", (0.0, 30.0), None, None, False, None),
    (f"{L} 前三十秒", (0.0, 30.0), None, None, False, None),
    (f"{L} 前一分半", (0.0, 90.0), None, None, False, None),
    (f"下载 {L} 最后两分钟", (-120.0, None), None, None, False, None),
    (f"下载 {L} 1:00到2:30", (60.0, 150.0), None, None, False, None),
    (f"保存 {L} 从1分30秒开始", (90.0, None), None, None, False, None),
    # audio
    (f"save the audio of {L} as mp3", None, "mp3", None, False, None),
    (f"save the audio as mp3 {L}", None, "mp3", None, False, None),
    (f"just the audio of {L}", None, "m4a", None, False, None),
    (f"{L} audio only", None, "m4a", None, False, None),
    (f"download {L} as m4a", None, "m4a", None, False, None),
    (f"download {L} as an MP3", None, "mp3", None, False, None),
    (f"only the sound of {L}", None, "m4a", None, False, None),
    (f"extract the audio from {L}", None, "m4a", None, False, None),
    (f"{L} mp3", None, "mp3", None, False, None),
    (f"convert {L} to mp3", None, "mp3", None, False, None),
    (f"rip the soundtrack of {L} as m4a", None, "m4a", None, False, None),
    (f"提取音频 {L}", None, "m4a", None, False, None),
    (f"下载{L}的音频", None, "m4a", None, False, None),
    (f"把{L}转成mp3", None, "mp3", None, False, None),
    (f"{L} 只要声音", None, "m4a", None, False, None),
    # subtitles
    (f"download {L} with English subtitles", None, None, "en", False, None),
    (f"save {L} with subtitles", None, None, "en", False, None),
    (f"save {L} with its subtitles", None, None, "en", False, None),
    (f"download {L} with Spanish subs", None, None, "es", False, None),
    (f"download {L} with subtitles in French", None, None, "fr", False, None),
    (f"download {L} with German captions", None, None, "de", False, None),
    (f"download {L} with Japanese subtitles", None, None, "ja", False, None),
    (f"download {L} with simplified chinese subtitles", None, None, "zh-Hans", False, None),
    (f"download {L} with traditional chinese subtitles", None, None, "zh-Hant", False, None),
    (f"download {L} with Brazilian Portuguese subtitles", None, None, "pt-BR", False, None),
    (f"download {L} and burn in the subtitles", None, None, "en", True, None),
    (f"download {L} with the Korean subtitles burned in", None, None, "ko", True, None),
    (f"download {L} with hardcoded English subs", None, None, "en", True, None),
    (f"下载 {L} 带英文字幕", None, None, "en", False, None),
    (f"下载 {L} 中文字幕", None, None, "zh-Hans", False, None),
    (f"下载 {L} 带字幕", None, None, "zh-Hans", False, None),
    (f"下载 {L} 硬字幕", None, None, "zh-Hans", True, None),
    (f"{L} 带中文字幕，烧录进画面", None, None, "zh-Hans", True, None),
    (f"{L} 烧录英文字幕", None, None, "en", True, None),
    # playlists
    (f"download all of {L}", None, None, None, False, "all"),
    (f"download all videos in {L}", None, None, None, False, "all"),
    (f"save the whole playlist {L}", None, None, None, False, "all"),
    (f"download entries 1-5 of {L}", None, None, None, False, "1-5"),
    (f"download items 3 to 6 of {L}", None, None, None, False, "3-6"),
    (f"download the first 3 videos of {L}", None, None, None, False, "1-3"),
    (f"download the first three videos of {L}", None, None, None, False, "1-3"),
    (f"download videos 2, 4 and 7 of {L}", None, None, None, False, "2,4,7"),
    (f"download videos two, four and seven of {L}", None, None, None, False, "2,4,7"),
    (f"download episodes 1-3, 8 of {L}", None, None, None, False, "1-3,8"),
    (f"download the second video of {L}", None, None, None, False, "2"),
    (f"download the 4th episode of {L}", None, None, None, False, "4"),
    (f"下载 {L} 全部视频", None, None, None, False, "all"),
    (f"下载 {L} 前3个视频", None, None, None, False, "1-3"),
    (f"下载 {L} 前三个视频", None, None, None, False, "1-3"),
    (f"下载 {L} 第2、4、7个", None, None, None, False, "2,4,7"),
    (f"下载 {L} 第1到5集", None, None, None, False, "1-5"),
    # together
    (f"save the audio of the first 3 videos of {L} as mp3", None, "mp3", None, False, "1-3"),
    (f"download the first 30 seconds of {L} with English subtitles", (0.0, 30.0), None, "en", False, None),
    (f"download {L} 1:00-2:30 as 720p", (60.0, 150.0), None, None, False, None),
    # plain downloads stay plain
    (f"download {L}", None, None, None, False, None),
    (f"{L}", None, None, None, False, None),
    (f"download {L} as a 720p MP4", None, None, None, False, None),
    (f"download {L} at 1080", None, None, None, False, None),
]

# messages with the same words that are edits or questions: never a download
NOT_DOWNLOADS = [
    f"cut the first 30 seconds of {L} and add music",
    f"download {L} and cut the first 10 s",
    f"trim {L} to the first 30 seconds",
    f"add English subtitles to {L}",
    f"download {L} and generate subtitles",
    f"download {L} and translate the subtitles to French",
    f"下载 {L} 然后加字幕",
    f"下载 {L} 加英文字幕",
    f"mute the audio of {L}",
    f"download {L} and remove the audio",
    f"speed up the last 2 minutes of {L}",
    f"add a title to the first 5 seconds of {L}",
    f"what is in the first minute of {L}?",
    f"make {L} vertical and keep the first 30 seconds",
    f"剪掉 {L} 的前30秒",
    f"把 {L} 的前30秒加速",
    f"export {L} from 1:00 to 2:00",
    f"下载 {L} 然后30秒后加个标题",
]


@pytest.mark.parametrize(("text", "section", "audio", "subs", "burn", "playlist"), DOWNLOADS)
def test_download_messages_carry_what_they_ask(text, section, audio, subs, burn, playlist):
    r = route(text)
    assert r.action == "download", r
    req = download_request(text, r.urls)
    assert req is not None and req.urls == [L]
    assert (req.section, req.audio, req.subs, req.burn_subs, req.playlist) == (section, audio, subs, burn, playlist)
    assert project_way_note(text, r.urls) is None


@pytest.mark.parametrize("text", NOT_DOWNLOADS)
def test_edits_with_the_same_words_go_the_project_way(text):
    r = route(text)
    assert r.action == "agent", r
    assert download_request(text, r.urls) is None


def test_a_section_does_not_read_as_a_height():
    req = download_request(f"download the first 360 seconds of {L}", [L])
    assert req is not None and req.section == (0.0, 360.0) and req.max_height is None
    req = download_request(f"download {L} 1:00-2:30 as 720p", [L])
    assert req is not None and req.max_height == 720


def test_all_with_several_links_means_the_links_not_a_playlist():
    a, b = "https://a.example/x", "https://b.example/y"
    req = download_request(f"download all videos {a} {b}", [a, b])
    assert req is not None and req.playlist is None
    req = download_request(f"download the whole playlists {a} {b}", [a, b])
    assert req is not None and req.playlist == "all"


def test_entry_numbers_are_not_sizes_or_times():
    assert read_asks("video 720p").playlist is None
    assert read_asks("video 1:00").playlist is None
    assert read_asks("entries 1-5").section is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1:02:03", 3723.0),
        ("2:30", 150.0),
        ("0:45.5", 45.5),
        ("90", 90.0),
        ("1m30s", 90.0),
        ("1 minute 30 seconds", 90.0),
        ("2 min", 120.0),
        ("1h", 3600.0),
        ("1分30秒", 90.0),
        ("1分半", 90.0),
        ("2分钟", 120.0),
        ("1分30", 90.0),
        ("30秒", 30.0),
        ("1小时", 3600.0),
        ("soon", None),
        ("", None),
    ],
)
def test_seconds(text, value):
    assert seconds(text) == value


def test_the_last_minutes_need_the_length():
    assert resolve_section((-120.0, None), 600.0) == (480.0, None)
    assert resolve_section((-120.0, None), 60.0) == (0.0, None)
    assert resolve_section((10.0, 20.0), None) == (10.0, 20.0)
    with pytest.raises(ValueError, match="the last 2:00.*length"):
        resolve_section((-120.0, None), None)


def test_words_for_a_section():
    assert span_words((60.0, 150.0)) == "1:00–2:30"
    assert span_words((-120.0, None)) == "the last 2:00"
    assert span_words((3723.0, None)) == "1:02:03 to the end"
    assert clock(45.5) == "0:45.5"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("English", "en"),
        ("english", "en"),
        ("英文", "en"),
        ("中文", "zh-Hans"),
        ("Chinese", "zh-Hans"),
        ("繁體中文", "zh-Hant"),
        ("Spanish", "es"),
        ("español", "es"),
        ("French", "fr"),
        ("德语", "de"),
        ("Japanese", "ja"),
        ("韩语", "ko"),
        ("Portuguese", "pt"),
        ("pt-br", "pt-BR"),
        ("en-gb", "en-GB"),
        ("EN", "en"),
        ("the", None),
        ("new", None),
        ("", None),
    ],
)
def test_language_codes(name, code):
    assert language_code(name) == code


def test_language_names():
    assert language_name("en") == "English"
    assert language_name("zh-Hans") == "Chinese"
    assert language_name("xx") == "xx"


_clock_times = st.integers(min_value=0, max_value=3 * 3600 - 2)


@settings(max_examples=150, deadline=None)
@given(a=_clock_times, length=st.integers(min_value=1, max_value=3600), sep=st.sampled_from(["-", " to ", "–", " - "]))
def test_any_clock_range_reads_back(a, length, sep):
    b = a + length
    text = f"download {clock(a)}{sep}{clock(b)} of {L}"
    req = download_request(text, [L])
    assert req is not None and req.section == (float(a), float(b))


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=600), unit=st.sampled_from(["seconds", "s", "secs", "minutes", "min"]))
def test_first_n_units(n, unit):
    factor = 60 if unit.startswith("min") else 1
    req = download_request(f"save the first {n} {unit} of {L}", [L])
    assert req is not None and req.section == (0.0, float(n * factor))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_reading_never_raises(text):
    asks = read_asks(text)
    if asks.section is not None:
        start, end = asks.section
        assert end is None or end > start
    assert asks.audio in (None, "mp3", "m4a")
    download_request(text + " " + L, [L])


@pytest.mark.parametrize(
    ("value", "section"),
    [
        ("1:00-2:30", (60.0, 150.0)),
        ("90-150", (90.0, 150.0)),
        ("1:00-", (60.0, None)),
        ("1m-2m30s", (60.0, 150.0)),
        ("1:00 - 2:30", (60.0, 150.0)),
        ("first 30 seconds", (0.0, 30.0)),
        ("last 2 minutes", (-120.0, None)),
    ],
)
def test_section_on_the_command_line(value, section):
    from tui.core.download_asks import parse_section_arg

    assert parse_section_arg(value) == section


@pytest.mark.parametrize(
    ("value", "words"), [("2:30-1:00", "ends before it starts"), ("abc", "START-END"), ("", "START-END")]
)
def test_a_bad_section_on_the_command_line_says_why(value, words):
    from tui.core.download_asks import parse_section_arg

    with pytest.raises(ValueError, match=words):
        parse_section_arg(value)


@pytest.mark.parametrize(
    ("spec", "chosen", "note"),
    [
        ("all", [1, 2, 3, 4], ""),
        ("1-2", [1, 2], ""),
        ("4,2", [2, 4], ""),
        ("3-9", [3, 4], "5, 6, 7, 8, 9 do not exist"),
        ("7", [], "none of the ones asked for exist"),
    ],
)
def test_pick_entries(spec, chosen, note):
    from tui.api.link_info import Entry
    from tui.core.playlist_pick import pick_entries

    entries = [Entry(i, f"https://e.example/{i}") for i in range(1, 5)]
    got, said = pick_entries(entries, spec)
    assert [e.index for e in got] == chosen
    assert note in said and (said == "") == (note == "")


@pytest.mark.parametrize("spec", ["0", "5-2", "a-b", "1,,2", "1-100000"])
def test_a_bad_choice_of_entries_says_why(spec):
    from tui.core.playlist_pick import parse_selection

    with pytest.raises(ValueError):
        parse_selection(spec)


@pytest.mark.parametrize(
    ("url", "playlist"),
    [
        ("https://www.youtube.com/playlist?list=PL123", True),
        ("https://www.youtube.com/watch?v=abc&list=PL123", True),
        ("https://example.com/feed.rss", True),
        ("https://example.com/podcast/feed", True),
        ("https://feeds.example.com/show", True),
        ("https://example.com/@someone/videos", True),
        ("https://www.youtube.com/watch?v=abc", False),
        ("https://example.com/v/clip.mp4", False),
        ("https://example.com/master.m3u8", False),
    ],
)
def test_links_that_look_like_playlists(url, playlist):
    from tui.core.playlist_pick import looks_like_playlist

    assert looks_like_playlist(url) is playlist
