"""The agent's reading of numbers, times, quotes and typos (tui.engine.nlu), positive and negative."""

from __future__ import annotations

import pytest

from tui.engine.nlu.numbers import ordinal, words_to_digits
from tui.engine.nlu.quotes import extract, restore
from tui.engine.nlu.times import Span, find_range, find_relative, find_times, parse_time
from tui.engine.nlu.typos import correct


@pytest.mark.parametrize(
    "text, ms",
    [
        ("0:07", 7000),
        ("1:02.5", 62500),
        ("00:01:05", 65000),
        ("2.5 s", 2500),
        ("2.5s", 2500),
        ("500ms", 500),
        ("3 secs", 3000),
        ("3 sec.", 3000),
        ("2 minutes", 120000),
        ("1m30s", 90000),
        ("1 min 30", 90000),
        ("five seconds", 5000),
        ("one second", 1000),
        ("half a second", 500),
        ("two and a half seconds", 2500),
        ("a minute", 60000),
        ("fifteen secs", 15000),
        ("twenty-five seconds", 25000),
        ("5秒", 5000),
        ("五秒", 5000),
        ("1分半", 90000),
        ("1分30秒", 90000),
        ("两分钟", 120000),
        ("一点五秒", 1500),
    ],
)
def test_times(text, ms):
    assert parse_time(words_to_digits(text)) == ms


@pytest.mark.parametrize(
    "text", ["4:5", "16:9", "9:16", "21:9", "one", "clip", "the second clip", "1", "50%", "1080p", "1.5x", "16 MB"]
)
def test_not_times(text):
    assert parse_time(words_to_digits(text)) is None
    assert find_times(words_to_digits(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "move one of the clips to the end",
        "no one will notice",
        "put clip two first",
        "crop it to 4:5",
        "I want one title",
        "the second clip is too long",
    ],
)
def test_small_number_words_stay_words_out_of_context(text):
    assert find_times(words_to_digits(text)) == []
    assert find_range(words_to_digits(text)) is None


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("trim to 0-10 s", 0, 10000),
        ("from 0:02 to 0:06", 2000, 6000),
        ("between 1 and 2 minutes", 60000, 120000),
        ("5到8秒", 5000, 8000),
        ("trim 500ms to 1500ms", 500, 1500),
        ("clip 00:00:03 - 00:00:07", 3000, 7000),
        ("from 1m30s to 2 min", 90000, 120000),
        ("from five to eight seconds", 5000, 8000),
        ("从3秒到6秒", 3000, 6000),
    ],
)
def test_ranges(text, start, end):
    found = find_range(words_to_digits(text))
    assert found is not None and found[1] == Span(start_ms=start, end_ms=end)


def test_range_to_the_end_and_bare_numbers():
    assert find_range("from 2 s to the end")[1] == Span(start_ms=2000, end_ms=None)
    assert find_range("trim 5-8") is None  # bare numbers need the caller's say-so
    assert find_range("trim 5-8", bare=True)[1] == Span(start_ms=5000, end_ms=8000)
    assert find_range("make it 9-16") is None
    assert find_range("10 to 5 seconds") is None  # an end before its start is no range


@pytest.mark.parametrize(
    "text, first, span, total, resolved",
    [
        ("the last 3 s", False, Span(last_ms=3000), 10000, (7000, 10000)),
        ("lose the last four seconds", False, Span(last_ms=4000), 35000, (31000, 35000)),
        ("the first half", True, Span(frac=(0.0, 0.5)), 10000, (0, 5000)),
        ("the last third", False, Span(frac=(1.0 - 1.0 / 3, 1.0)), 9000, (6000, 9000)),
        ("前五秒", True, Span(start_ms=0, end_ms=5000), 10000, (0, 5000)),
        ("最后3秒", False, Span(last_ms=3000), 10000, (7000, 10000)),
        ("后半段", False, Span(frac=(0.5, 1.0)), 10000, (5000, 10000)),
    ],
)
def test_relative_spans(text, first, span, total, resolved):
    _, is_first, got = find_relative(words_to_digits(text))
    assert (is_first, got) == (first, span)
    assert got.resolve(total) == resolved


def test_span_resolution_is_clamped():
    assert Span(start_ms=5000, end_ms=None).resolve(8000) == (5000, 8000)
    assert Span(start_ms=0, end_ms=60000).resolve(8000) == (0, 8000)
    assert Span(last_ms=60000).resolve(8000) == (0, 8000)


@pytest.mark.parametrize(
    "word, n",
    [
        ("first", 1),
        ("second", 2),
        ("3rd", 3),
        ("4th", 4),
        ("2", 2),
        ("last", -1),
        ("第二", 2),
        ("第3", 3),
        ("最后", -1),
    ],
)
def test_ordinals(word, n):
    assert ordinal(word) == n


@pytest.mark.parametrize("word", ["seconds", "clip", "one", "half", ""])
def test_not_ordinals(word):
    assert ordinal(word) is None


@pytest.mark.parametrize(
    "text, out",
    [
        ("keep the first five seconds", "keep the first 5 seconds"),
        ("move one of the clips", "move one of the clips"),
        ("add a second clip", "add a second clip"),
        ("speed it up to one point five x", "speed it up to 1.5 x"),
        ("前五秒", "前5秒"),
        ("第二个片段", "第2个片段"),
        ("一点五倍速", "1.5倍速"),
        ("看一下", "看一下"),
        ("把音乐调小一点", "把音乐调小一点"),
    ],
)
def test_words_to_digits(text, out):
    assert words_to_digits(text) == out


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("add the title 'Don't Stop' at the bottom", ["Don't Stop"]),
        ('title "Don\'t stop"', ["Don't stop"]),
        ("add “Rock ’n’ Roll” please", ["Rock ’n’ Roll"]),
        ("add title ‘It’s here’", ["It’s here"]),
        ("change the title text to 'X'", ["X"]),
        ("添加标题「城市之梦」", ["城市之梦"]),
        ("添加标题《夏天》", ["夏天"]),
        ("it's the dogs' day, add 'Hi'", ["Hi"]),
        ("add the title 'Summer '24' now", ["Summer '24"]),
        ("no quotes here, it's fine", []),
        ("an 'unclosed quote", []),
    ],
)
def test_quotes_taken_whole(text, quoted):
    work, found = extract(text)
    assert found == quoted
    assert restore(work, found).replace("⟦", "") == restore(work, found)


@pytest.mark.parametrize(
    "text, out",
    [
        ("add a titel", "add a title"),
        ("make it verticle", "make it vertical"),
        ("add backgroud muisc", "add background music"),
        ("remvoe the music", "remove the music"),
        ("slow motoin", "slow motion"),
        ("instagarm post", "instagram post"),
        ("make it smaler", "make it smaller"),
    ],
)
def test_typos_corrected(text, out):
    assert correct(text) == out


@pytest.mark.parametrize(
    "text",
    [
        "its quite long",
        "a little title",
        "show me",
        "the last clip",
        "it is fast",
        "first things first",
        "make it quiet",
    ],
)
def test_real_words_not_corrected(text):
    assert correct(text) == text
