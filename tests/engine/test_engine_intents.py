"""The agent's parser on many phrasings: what a user types -> what the engine will do."""

from __future__ import annotations

import pytest

from tui.engine.intents import parse


def only(text: str):
    req = parse(text)
    assert len(req.intents) == 1, (text, req.intents)
    return req.intents[0].kind, req.intents[0].params


@pytest.mark.parametrize("text, start, end", [
    ("trim to 0-10 s", 0, 10000),
    ("trim to 0–10 s", 0, 10000),
    ("Trim it to 0 to 10 seconds", 0, 10000),
    ("keep the first 10 seconds", 0, 10000),
    ("keep only the first ten seconds", 0, 10000),
    ("trim it to 10 seconds", 0, 10000),
    ("cut it down to 12s", 0, 12000),
    ("keep 2s to 6s", 2000, 6000),
    ("trim from 1:05 to 1:10", 65000, 70000),
    ("clip 00:00:03 - 00:00:07", 3000, 7000),
    ("trim 500ms to 1500ms", 500, 1500),
    ("剪辑到0-10秒", 0, 10000),
    ("截取前10秒", 0, 10000),
])
def test_trim_phrasings(text, start, end):
    assert only(text) == ("trim", {"start_ms": start, "end_ms": end})


def test_keep_the_last_seconds():
    assert only("keep the last 5 seconds") == ("trim", {"last_ms": 5000})


@pytest.mark.parametrize("text, params", [
    ("cut from 5s to 8s", {"start_ms": 5000, "end_ms": 8000}),
    ("cut out 5-8 s", {"start_ms": 5000, "end_ms": 8000}),
    ("remove 2 to 4 seconds", {"start_ms": 2000, "end_ms": 4000}),
    ("delete between 1 and 2 minutes", {"start_ms": 60000, "end_ms": 120000}),
    ("cut the first 3 seconds", {"first_ms": 3000}),
    ("cut the last 2 seconds", {"last_ms": 2000}),
    ("删除5到8秒", {"start_ms": 5000, "end_ms": 8000}),
])
def test_cut_phrasings(text, params):
    assert only(text) == ("cut", params)


@pytest.mark.parametrize("text, title, start, dur", [
    ("add the title 'Urban Dreams'", "Urban Dreams", None, None),
    ('add the title "Urban Dreams"', "Urban Dreams", None, None),
    ("add the title “Urban Dreams”", "Urban Dreams", None, None),
    ("add title Urban Dreams from 2s to 5s", "Urban Dreams", 2000, 3000),
    ("add the title 'X' from 2 to 5 seconds", "X", 2000, 3000),
    ("put a caption saying Hi there for 4 seconds at 1s", "Hi there", 1000, 4000),
    ('add the title "Paradise Found" for the first 3 seconds', "Paradise Found", 0, 3000),
    ("add a title 'Hello' at 2s", "Hello", 2000, None),
    ("title: 'Summer 2024 trip'", "Summer 2024 trip", None, None),
    ("添加标题「城市之梦」", "城市之梦", None, None),
])
def test_title_phrasings(text, title, start, dur):
    assert only(text) == ("title", {"text": title, "start_ms": start, "duration_ms": dur})


def test_title_text_is_not_read_as_other_commands():
    # the title mentions music and a time range, but it is only a title
    assert only("add the title 'Music from 1990 to 2000'") == (
        "title", {"text": "Music from 1990 to 2000", "start_ms": None, "duration_ms": None})


@pytest.mark.parametrize("text, volume, name", [
    ("add music at 35%", 35, None),
    ("add background music at 35 percent", 35, None),
    ("add some music", None, None),
    ("add lofi.mp3 as background music at 20%", 20, "lofi.mp3"),
    ("set the music volume to 20%", 20, None),
    ("添加背景音乐 音量30", 30, None),
])
def test_music_phrasings(text, volume, name):
    assert only(text) == ("music", {"volume": volume, "name": name})


@pytest.mark.parametrize("text", ["mute", "mute the video", "remove the audio", "remove the original sound",
                                  "no sound please", "make it silent", "静音"])
def test_mute(text):
    assert only(text) == ("mute", {})


@pytest.mark.parametrize("text", ["unmute", "restore the audio", "bring back the sound"])
def test_unmute(text):
    assert only(text) == ("unmute", {})


@pytest.mark.parametrize("text, aspect", [
    ("change aspect to 9:16", "9:16"), ("make it 16:9", "16:9"), ("1:1 please", "1:1"),
    ("make it vertical", "9:16"), ("turn it into a TikTok video", "9:16"), ("make the video square", "1:1"),
    ("convert to landscape", "16:9"), ("竖屏", "9:16"), ("改成方形", "1:1"),
    ("back to the original aspect ratio", None),
])
def test_aspect(text, aspect):
    assert only(text) == ("aspect", {"aspect": aspect})


@pytest.mark.parametrize("text, resolution", [
    ("download this video in MP4 at the highest available resolution", "highest"),
    ("convert to mp4", "highest"), ("convert to 720p", "720p"), ("make it 1080p", "1080p"),
    ("export quality 4k", "2160p"), ("full hd please", "1080p"), ("best quality", "highest"),
    ("下载最高分辨率", "highest"), ("480p mp4", "480p"),
])
def test_convert(text, resolution):
    assert only(text) == ("convert", {"resolution": resolution, "format": "mp4"})


@pytest.mark.parametrize("text, params", [
    ("remove the title", {"track_type": 7}), ("delete the caption", {"track_type": 7}),
    ("remove the music", {"track_type": 1}), ("get rid of the background music", {"track_type": 1}),
    ("remove track 2", {"index": 2}), ("删除标题", {"track_type": 7}), ("去掉音乐", {"track_type": 1}),
])
def test_remove(text, params):
    assert only(text) == ("remove", params)


@pytest.mark.parametrize("text", ["describe the timeline", "show tracks", "what's in my project timeline?",
                                  "status", "时间线"])
def test_describe(text):
    assert only(text)[0] == "describe"


@pytest.mark.parametrize("text", ["help", "what can you do?", "hello there", "make it awesome", ""])
def test_help_and_unknown(text):
    assert only(text)[0] == "help"


def test_urls_are_found_and_not_parsed_as_words():
    req = parse("download https://example.com/a-1080p/video.mp4?x=1 in MP4 at the highest resolution, thanks.")
    assert req.urls == ["https://example.com/a-1080p/video.mp4?x=1"]
    assert req.kinds() == ["convert"]
    assert req.first("convert").params["resolution"] == "highest"


def test_a_bare_url_has_no_other_intent():
    req = parse("https://example.com/v.mp4")
    assert req.urls == ["https://example.com/v.mp4"] and req.intents == []


def test_several_requests_in_one_message():
    req = parse("trim to 0-10 s, make it vertical, mute it and add the title 'Urban Dreams' "
                "and add music at 40%")
    assert req.kinds() == ["trim", "aspect", "mute", "music", "title"]
    assert req.first("trim").params == {"start_ms": 0, "end_ms": 10000}
    assert req.first("music").params["volume"] == 40


@pytest.mark.parametrize("text, title", [
    ("change the title to 'Night City'", "Night City"), ('replace the title with "B"', "B"),
    ("rename the title to Hello World", "Hello World"), ("update the caption: 'Y'", "Y"),
])
def test_changing_the_title(text, title):
    kind, params = only(text)
    assert kind == "title" and params["text"] == title and params["replace"] is True
