"""The agent's parser on many phrasings: what a user types -> what the engine will do."""

from __future__ import annotations

import pytest

from tui.engine.intents import parse
from tui.engine.nlu.times import Span


def only(text: str):
    req = parse(text)
    assert len(req.intents) == 1, (text, req.intents)
    return req.intents[0].kind, req.intents[0].params


@pytest.mark.parametrize(
    "text, start, end",
    [
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
    ],
)
def test_trim_phrasings(text, start, end):
    assert only(text) == ("trim", {"span": Span(start_ms=start, end_ms=end)})


def test_keep_the_last_seconds():
    assert only("keep the last 5 seconds") == ("trim", {"span": Span(last_ms=5000)})


@pytest.mark.parametrize(
    "text, params",
    [
        ("cut from 5s to 8s", Span(start_ms=5000, end_ms=8000)),
        ("cut out 5-8 s", Span(start_ms=5000, end_ms=8000)),
        ("remove 2 to 4 seconds", Span(start_ms=2000, end_ms=4000)),
        ("delete between 1 and 2 minutes", Span(start_ms=60000, end_ms=120000)),
        ("cut the first 3 seconds", Span(start_ms=0, end_ms=3000)),
        ("cut the last 2 seconds", Span(last_ms=2000)),
        ("lose the last four seconds", Span(last_ms=4000)),
        ("cut the first half", Span(frac=(0.0, 0.5))),
        ("删除5到8秒", Span(start_ms=5000, end_ms=8000)),
        ("剪掉前五秒", Span(start_ms=0, end_ms=5000)),
    ],
)
def test_cut_phrasings(text, params):
    assert only(text) == ("cut", {"span": params})


@pytest.mark.parametrize(
    "text, title, span, position",
    [
        ("add the title 'Urban Dreams'", "Urban Dreams", None, None),
        ('add the title "Urban Dreams"', "Urban Dreams", None, None),
        ("add the title “Urban Dreams”", "Urban Dreams", None, None),
        ("add title Urban Dreams from 2s to 5s", "Urban Dreams", Span(start_ms=2000, end_ms=5000), None),
        ("add the title 'X' from 2 to 5 seconds", "X", Span(start_ms=2000, end_ms=5000), None),
        ("put a caption saying Hi there for 4 seconds at 1s", "Hi there", Span(start_ms=1000, end_ms=5000), None),
        (
            'add the title "Paradise Found" for the first 3 seconds',
            "Paradise Found",
            Span(start_ms=0, end_ms=3000),
            None,
        ),
        ("add a title 'Hello' at 2s", "Hello", Span(start_ms=2000, end_ms=5000), None),
        ("title: 'Summer 2024 trip'", "Summer 2024 trip", None, None),
        ("添加标题「城市之梦」", "城市之梦", None, None),
        (
            "add the title 'Don't Stop' at the bottom from 0:02 to 0:06",
            "Don't Stop",
            Span(start_ms=2000, end_ms=6000),
            "bottom",
        ),
        ("put 'Rock ’n’ Roll' at the top", "Rock ’n’ Roll", None, "top"),
        ("add a titel 'Hi' at the end", "Hi", Span(last_ms=3000), None),
        (
            "add the text 'Subscribe!' in the top right corner for the last 5 seconds",
            "Subscribe!",
            Span(last_ms=5000),
            "top-right",
        ),
        ("添加标题「夏天」在底部", "夏天", None, "bottom"),
    ],
)
def test_title_phrasings(text, title, span, position):
    assert only(text) == ("title", {"text": title, "span": span, "position": position, "replace": False})


def test_title_text_is_not_read_as_other_commands():
    # the title mentions music, a time range, an aspect and a cut, but it is only a title
    for text in ("add the title 'Music from 1990 to 2000'", "add the title 'Cut to 4:5, mute the music'"):
        kind, params = only(text)
        assert kind == "title" and params["text"] == text.split("'")[1]


@pytest.mark.parametrize(
    "text, volume, name",
    [
        ("add music at 35%", 35, None),
        ("add background music at 35 percent", 35, None),
        ("add some music", None, None),
        ("add lofi.mp3 as background music at 20%", 20, "lofi.mp3"),
        ("set the music volume to 20%", 20, None),
        ("添加背景音乐 音量30", 30, None),
    ],
)
def test_music_phrasings(text, volume, name):
    kind, params = only(text)
    if kind == "volume":  # "set the music volume to 20%": the music already there
        assert params == {"target": "music", "percent": volume}
    else:
        assert (kind, params) == ("music", {"volume": volume, "name": name})


@pytest.mark.parametrize(
    "text",
    [
        "mute",
        "mute the video",
        "remove the audio",
        "remove the original sound",
        "no sound please",
        "make it silent",
        "静音",
    ],
)
def test_mute(text):
    assert only(text) == ("mute", {})


@pytest.mark.parametrize("text", ["unmute", "restore the audio", "bring back the sound"])
def test_unmute(text):
    assert only(text) == ("unmute", {})


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("change aspect to 9:16", "9:16"),
        ("make it 16:9", "16:9"),
        ("1:1 please", "1:1"),
        ("make it vertical", "9:16"),
        ("turn it into a TikTok video", "9:16"),
        ("make the video square", "1:1"),
        ("convert to landscape", "16:9"),
        ("竖屏", "9:16"),
        ("改成方形", "1:1"),
        ("back to the original aspect ratio", None),
        ("crop it to 4:5", "4:5"),
        ("for Reels", "9:16"),
        ("Instagram post", "4:5"),
        ("make it 21:9", "21:9"),
        ("cinematic widescreen 21:9", "21:9"),
        ("make it verticle", "9:16"),
        ("改成4比5", "4:5"),
    ],
)
def test_aspect(text, aspect):
    kind, params = only(text)
    assert (kind, params["aspect"]) == ("aspect", aspect)


@pytest.mark.parametrize(
    "text, resolution",
    [
        ("download this video in MP4 at the highest available resolution", "highest"),
        ("convert to mp4", None),
        ("convert to 720p", "720p"),
        ("make it 1080p", "1080p"),
        ("export quality 4k", "2160p"),
        ("full hd please", "1080p"),
        ("best quality", "highest"),
        ("下载最高分辨率", "highest"),
        ("480p mp4", "480p"),
    ],
)
def test_convert(text, resolution):
    assert only(text) == ("convert", {"resolution": resolution, "format": "mp4"})


@pytest.mark.parametrize(
    "text, params",
    [
        ("remove the title", {"track_type": 7}),
        ("delete the caption", {"track_type": 7}),
        ("remove the music", {"track_type": 1}),
        ("get rid of the background music", {"track_type": 1}),
        ("remove track 2", {"index": 2}),
        ("删除标题", {"track_type": 7}),
        ("去掉音乐", {"track_type": 1}),
    ],
)
def test_remove(text, params):
    assert only(text) == ("remove", params)


@pytest.mark.parametrize(
    "text", ["describe the timeline", "show tracks", "what's in my project timeline?", "status", "时间线"]
)
def test_describe(text):
    assert only(text)[0] == "describe"


@pytest.mark.parametrize("text", ["help", "what can you do?", "hello there", "make it awesome", "", "帮助"])
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
    req = parse("trim to 0-10 s, make it vertical, mute it and add the title 'Urban Dreams' and add music at 40%")
    assert req.kinds() == ["trim", "aspect", "mute", "title", "music"]  # in the order written
    assert req.first("trim").params == {"span": Span(start_ms=0, end_ms=10000)}
    assert req.first("music").params["volume"] == 40


@pytest.mark.parametrize(
    "text, title",
    [
        ("change the title to 'Night City'", "Night City"),
        ('replace the title with "B"', "B"),
        ("rename the title to Hello World", "Hello World"),
        ("update the caption: 'Y'", "Y"),
    ],
)
def test_changing_the_title(text, title):
    kind, params = only(text)
    assert kind == "title" and params["text"] == title and params["replace"] is True


# --- the kinds added for issue 16, and what must NOT be read --------------------------------


@pytest.mark.parametrize(
    "text, factor, span, clip",
    [
        ("speed it up 2x", 2.0, None, None),
        ("play it at 1.5x speed", 1.5, None, None),
        ("slow motion from 0:02 to 0:04", 0.5, Span(start_ms=2000, end_ms=4000), None),
        ("make the second clip twice as fast", 2.0, None, 2),
        ("speed up the second clip 2x", 2.0, None, 2),
        ("slow down the last 3 seconds", 0.75, Span(last_ms=3000), None),
        ("half speed", 0.5, None, None),
        ("2倍速", 2.0, None, None),
        ("慢动作", 0.5, None, None),
        ("back to normal speed", 1.0, None, None),
    ],
)
def test_speed(text, factor, span, clip):
    kind, params = only(text)
    params.pop("absolute", None)
    assert (kind, params) == ("speed", {"factor": factor, "span": span, "clip": clip})


@pytest.mark.parametrize(
    "text, target, which",
    [
        ("fade in and out", "video", "both"),
        ("add a fade out at the end", "video", "out"),
        ("fade in from black", "video", "in"),
        ("fade the music out", "music", "out"),
        ("fade out the music at the end", "music", "out"),
        ("淡入淡出", "video", "both"),
        ("音乐淡出", "music", "out"),
    ],
)
def test_fades(text, target, which):
    kind, params = only(text)
    assert (kind, params["target"], params["which"]) == ("fade", target, which)


def test_fade_length():
    assert only("a 2 second fade in")[1]["ms"] == 2000


@pytest.mark.parametrize(
    "text, params",
    [
        ("make the music quieter", {"target": "music", "factor": 0.5}),
        ("turn the music down", {"target": "music", "factor": 0.5}),
        ("the music is too loud", {"target": "music", "factor": 0.5}),
        ("music louder", {"target": "music", "factor": 1.5}),
        ("turn the music off", {"target": "music", "percent": 0}),
        ("mute the music", {"target": "music", "percent": 0}),
        ("make the voices louder", {"target": "video", "factor": 1.5}),
        ("把背景音乐调小一点", {"target": "music", "factor": 0.5}),
    ],
)
def test_relative_volume(text, params):
    assert only(text) == ("volume", params)


@pytest.mark.parametrize(
    "text, mb, reason",
    [
        ("make the file smaller", None, None),
        ("compress it", None, None),
        ("under 16 MB for WhatsApp", 16.0, "WhatsApp"),
        ("it needs to be less than 8mb", 8.0, None),
        ("make it small enough for Discord", 10.0, "Discord"),
        ("压缩到小于20MB", 20.0, None),
    ],
)
def test_size(text, mb, reason):
    assert only(text) == ("size", {"max_mb": mb, "reason": reason})


@pytest.mark.parametrize(
    "text, kind, params",
    [
        ("remove the second clip", "remove_clip", {"clip": 2}),
        ("delete clip 3", "remove_clip", {"clip": 3}),
        ("put the second clip first", "move_clip", {"clip": 2, "to": 1}),
        ("move the first clip to the end", "move_clip", {"clip": 1, "to": -1}),
        ("swap the two clips", "swap_clips", {"a": 1, "b": 2}),
        ("swap clip 1 and 3", "swap_clips", {"a": 1, "b": 3}),
        ("reverse the order of the clips", "reverse_clips", {}),
        ("删除第二个片段", "remove_clip", {"clip": 2}),
        ("trim the second clip to 3 s", "trim", {"span": Span(start_ms=0, end_ms=3000), "clip": 2}),
        ("cut the first 2 seconds of the last clip", "cut", {"span": Span(start_ms=0, end_ms=2000), "clip": -1}),
    ],
)
def test_clip_operations(text, kind, params):
    assert only(text) == (kind, params)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("undo", "undo"),
        ("undo that", "undo"),
        ("go back", "undo"),
        ("撤销", "undo"),
        ("redo", "redo"),
        ("start over", "revert"),
        ("revert to the original", "revert"),
        ("恢复原样", "revert"),
    ],
)
def test_history(text, kind):
    assert only(text)[0] == kind


@pytest.mark.parametrize(
    "text, kind, params",
    [
        ("start at 0:07", "trim", {"span": Span(start_ms=7000, end_ms=None)}),
        ("make it 15 seconds long", "trim", {"span": Span(start_ms=0, end_ms=15000)}),
        ("shorten it to 2.5 secs", "trim", {"span": Span(start_ms=0, end_ms=2500)}),
        ("end it at 1:02.5", "trim", {"span": Span(start_ms=0, end_ms=62500)}),
        ("just the first half", "trim", {"span": Span(frac=(0.0, 0.5))}),
    ],
)
def test_relative_times(text, kind, params):
    assert only(text) == (kind, params)


@pytest.mark.parametrize(
    "text",
    [
        "move one of the clips to the end",  # "one" is no time, and which clip is not said
        "the clip is great",  # "clip" is no trim verb here
        "shorten one of the two clips",
        "I have one question",
    ],
)
def test_words_that_must_not_become_times_or_trims(text):
    assert not {"trim", "cut"} & set(parse(text).kinds()), parse(text).intents


def test_an_aspect_ratio_is_never_a_time():
    assert parse("crop it to 4:5").kinds() == ["aspect"]
    assert parse("make it 9:16").kinds() == ["aspect"]


def test_a_file_name_is_not_a_format_change():
    assert "convert" not in parse("I uploaded holiday.mp4, add the title 'Hi'").kinds()


@pytest.mark.parametrize(
    "text, what",
    [
        ("add my logo in the corner", "logo"),
        ("add a watermark", "logo"),
        ("add transitions between the clips", "transition"),
        ("make it black and white", "filter"),
        ("auto generate subtitles", "subtitles"),
        ("export as a gif", "format"),
        ("remove the background noise", "noise"),
        ("加个水印", "logo"),
        ("make the title bigger", "title_style"),
    ],
)
def test_unsupported_is_named(text, what):
    req = parse(text)
    assert ("unsupported", what) in [(i.kind, i.params.get("what")) for i in req.intents], req.intents


def test_nothing_is_dropped_in_a_multi_part_request():
    req = parse("trim to 0-10 s, 1.5x, make it verticle with a fade and put 'Don't Stop' at the end")
    assert sorted(req.kinds()) == sorted(["trim", "speed", "aspect", "fade", "title"])
    assert req.first("title").params["text"] == "Don't Stop"


def test_the_language_follows_the_request():
    assert parse("剪掉前五秒").lang == "zh" and parse("add the title '你好'").lang == "en"


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("字幕放在底部", ["title_edit"]),  # moves the title: "放" is no title text
        ("视频静音但保留音乐", ["mute"]),  # the video's sound, not the music
        ("mute the original audio but keep the music", ["mute"]),
        ("clip two is better than clip one", ["help"]),
        ("is 4:5 better than 9:16 for instagram?", ["help"]),
        ("reduce it to ten seconds total", ["trim"]),  # no volume change
        ("blur the faces", ["unsupported"]),  # "faces" is no typo of "fades"
    ],
)
def test_misreads_found_by_the_eval_stay_fixed(text, kinds):
    assert parse(text).kinds() == kinds


def test_a_title_that_should_say_something_replaces_the_words():
    assert only("the title should say Hello World") == (
        "title",
        {"text": "Hello World", "span": None, "position": None, "replace": True},
    )


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("add 'Hi' at the top and 'Bye' at the bottom", ["title", "title"]),  # no part dropped
        ("make it 2 times faster", ["speed"]),
        ("take the music out", ["remove"]),
        ("从第3秒开始", ["trim"]),
        ("trim off the last second", ["cut"]),
        ("make the whole thing 8 seconds", ["trim"]),
    ],
)
def test_second_held_out_misses_stay_fixed(text, kinds):
    assert parse(text).kinds() == kinds
