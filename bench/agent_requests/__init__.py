"""The requests bench/agent_eval.py sends (a package, so bench/run_all does not run it as a benchmark), written the way people ask for edits on forums,
in tutorials and in the product's examples, not from the parser's rules.

Each case: (category, request, setup, steps before it, expectation). Setups: "two" = clip A
(20 s) then clip B (15 s), 35 s in all; "twom" = the same plus a music file on the timeline
(100 %); "one" = clip A alone; "empty" = no media. An expectation is a check on
(draft before, draft after) for an edit, or REFUSE: the draft must not change, nothing is
charged and the reply must not say "Done" (what a good answer to an unsupported, unclear or
non-edit request looks like).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Draft = dict[str, Any]
Check = Callable[[Draft, Draft], bool]
REFUSE = "refuse"


def _segs(d: Draft, tt: int) -> list[dict[str, Any]]:
    return [s for t in d.get("t", []) if t.get("tt") == tt for s in t.get("sg", [])]


def dur(ms: int, tol: int = 60) -> Check:
    return lambda b, a: abs(int(a["d"]) - ms) <= tol


def clips(*names: str) -> Check:
    return lambda b, a: [s["name"][0] for s in _segs(a, 0)] == list(names)


def title(
    text: str | None = None, pos: str | None = "any", start: int | None = None, end: int | None = None, count: int = 1
) -> Check:
    def check(b: Draft, a: Draft) -> bool:
        ts = _segs(a, 7)
        if len(ts) != count:
            return False
        t = ts[-1]
        return (
            (text is None or t.get("text") == text)
            and (pos == "any" or t.get("pos") == pos)
            and (start is None or abs(t["s"] - start) <= 60)
            and (end is None or abs(t["s"] + t["d"] - end) <= 60)
        )

    return check


def no_title() -> Check:
    return lambda b, a: not _segs(a, 7)


def aspect(value: str | None, fit: str | None = None) -> Check:
    return lambda b, a: a["m"].get("aspect") == value and (fit is None or a["m"].get("fit", "pad") == fit)


def music_vol(v: int) -> Check:
    return lambda b, a: bool(_segs(a, 1)) and all(s.get("vol") == v for s in _segs(a, 1))


def no_music() -> Check:
    return lambda b, a: not _segs(a, 1)


def own_vol(v: int) -> Check:
    return lambda b, a: all(s.get("vol") == v for s in _segs(a, 0))


def muted(flag: bool = True) -> Check:
    return lambda b, a: bool(a["m"].get("mute")) == flag


def fades(fin: bool, fout: bool) -> Check:
    return lambda b, a: bool(a["m"].get("fade_in")) == fin and bool(a["m"].get("fade_out")) == fout


def music_fade(fin: bool, fout: bool) -> Check:
    return lambda b, a: (
        all(bool(s.get("fi")) == fin and bool(s.get("fo")) == fout for s in _segs(a, 1)) and bool(_segs(a, 1))
    )


def size(mb: float | None) -> Check:
    if mb is None:
        return lambda b, a: bool(a["m"].get("compact"))
    return lambda b, a: a["m"].get("max_mb") == mb


def res(r: str) -> Check:
    return lambda b, a: a["m"].get("resolution") == r


def same_as_start() -> Check:
    """After undo/revert: back to the two clips untouched."""
    return lambda b, a: int(a["d"]) == 35000 and not _segs(a, 7) and a["m"].get("aspect") is None


def all_of(*checks: Check) -> Check:
    return lambda b, a: all(c(b, a) for c in checks)


CASES: list[tuple[str, str, str, list[str], Any]] = [
    # --- trim / cut / length ---------------------------------------------------------------
    ("trim", "trim to 0-10 s", "two", [], dur(10000)),
    ("trim", "keep only the first 10 seconds", "two", [], dur(10000)),
    ("trim", "Can you cut it down to the first 15 seconds?", "two", [], dur(15000)),
    ("trim", "make it 15 seconds long", "two", [], dur(15000)),
    ("trim", "I only need 0:05 to 0:20", "two", [], dur(15000)),
    ("trim", "lose the last 4 seconds", "two", [], dur(31000)),
    ("trim", "cut off the last 5 secs", "two", [], dur(30000)),
    ("trim", "start at 0:07", "two", [], dur(28000)),
    ("trim", "start the video at 7 seconds", "two", [], dur(28000)),
    ("trim", "end it at 0:30", "two", [], dur(30000)),
    ("trim", "remove the first 2.5 seconds", "two", [], dur(32500)),
    ("trim", "cut out 5s to 8s", "two", [], dur(32000)),
    ("trim", "delete from 0:10 to 0:12", "two", [], dur(33000)),
    ("trim", "get rid of everything after 20 seconds", "two", [], dur(20000)),
    ("trim", "keep the last 10 seconds", "two", [], dur(10000)),
    ("trim", "shorten it to 12 seconds", "two", [], dur(12000)),
    ("trim", "trim it to twenty seconds", "two", [], dur(20000)),
    ("trim", "just keep the first half", "two", [], dur(17500)),
    ("trim", "cut the first half", "two", [], dur(17500)),
    ("trim", "can you remove the first five seconds please", "two", [], dur(30000)),
    ("trim", "chop off the first 3 seconds", "two", [], dur(32000)),
    ("trim", "the video should be 30 seconds max", "two", [], dur(30000)),
    ("trim", "keep 1:02.5 onwards", "two", [], REFUSE),
    ("trim", "skip the first 10s", "two", [], dur(25000)),
    ("trim", "remove 2 to 4 seconds", "two", [], dur(33000)),
    ("trim", "trim from 00:00:05 to 00:00:25", "two", [], dur(20000)),
    ("trim", "only the part between 10 and 20 seconds", "two", [], dur(10000)),
    ("trim", "drop the last third", "two", [], dur(23333, 100)),
    ("trim", "keep from 3 s to the end", "two", [], dur(32000)),
    ("trim", "make it under 20 seconds", "two", [], dur(20000)),
    # --- titles -------------------------------------------------------------------------------
    ("title", "add the title 'Urban Dreams'", "two", [], title("Urban Dreams", None, 0, 3000)),
    ("title", "add a title that says Summer Vibes", "two", [], title("Summer Vibes")),
    ("title", "put 'Don't Stop' at the bottom", "two", [], title("Don't Stop", "bottom")),
    ("title", 'add the title "It\'s Friday!" at the top', "two", [], title("It's Friday!", "top")),
    ("title", "add the caption ‘We’re back’ from 0:02 to 0:06", "two", [], title("We’re back", None, 2000, 6000)),
    ("title", "put the text 'Subscribe' at the end", "two", [], title("Subscribe", start=32000, end=35000)),
    ("title", "add 'THE END' for the last 5 seconds", "two", [], title("THE END", start=30000, end=35000)),
    ("title", "add a heading 'Chapter 1' at 2s for 4 seconds", "two", [], title("Chapter 1", start=2000, end=6000)),
    ("title", "title: “Rock ’n’ Roll Night”", "two", [], title("Rock ’n’ Roll Night")),
    ("title", "write 'Day 1' in the top left corner", "two", [], title("Day 1", "top-left")),
    ("title", "change the title text to 'New Name'", "two", ["add the title 'Old'"], title("New Name")),
    ("title", "change the title to 'Paris 2024'", "two", ["add the title 'Old'"], title("Paris 2024")),
    ("title", 'replace the title with "Hello World"', "two", ["add the title 'Old'"], title("Hello World")),
    ("title", "rename the title to Best Day Ever", "two", ["add the title 'Old'"], title("Best Day Ever")),
    ("title", "delete that text", "two", ["add the title 'Old'"], no_title()),
    ("title", "remove the title", "two", ["add the title 'Old'"], no_title()),
    ("title", "get rid of the caption", "two", ["add the title 'Old'"], no_title()),
    ("title", "move the title to the bottom", "two", ["add the title 'Old'"], title("Old", "bottom")),
    ("title", "show the title from 0:02 to 0:06", "two", ["add the title 'Old'"], title("Old", start=2000, end=6000)),
    ("title", "put the title at the top right", "two", ["add the title 'Old'"], title("Old", "top-right")),
    ("title", "add a title", "two", [], REFUSE),
    ("title", "make the title bigger", "two", ["add the title 'Old'"], REFUSE),
    ("title", "add the title 'Music from 1990 to 2000'", "two", [], title("Music from 1990 to 2000", None, 0, 3000)),
    (
        "title",
        "add the title 'Cut to 4:5 please'",
        "two",
        [],
        all_of(title("Cut to 4:5 please"), dur(35000), aspect(None)),
    ),
    ("title", 'add the text "one clip, two clips"', "two", [], all_of(title("one clip, two clips"), dur(35000))),
    # --- music and volume ---------------------------------------------------------------------
    ("audio", "make the music quieter", "twom", [], music_vol(50)),
    ("audio", "the music is too loud", "twom", [], music_vol(50)),
    ("audio", "turn the music down a bit", "twom", [], music_vol(50)),
    ("audio", "music louder please", "twom", ["set the music volume to 40%"], music_vol(60)),
    ("audio", "turn the music off", "twom", [], music_vol(0)),
    ("audio", "mute the music", "twom", [], all_of(music_vol(0), muted(False))),
    ("audio", "set the music volume to 20%", "twom", [], music_vol(20)),
    ("audio", "background music at 35 percent", "twom", [], music_vol(35)),
    ("audio", "remove the music", "twom", [], no_music()),
    ("audio", "no music please", "twom", [], no_music()),
    ("audio", "mute", "two", [], muted(True)),
    ("audio", "mute the video", "two", [], muted(True)),
    ("audio", "remove the original sound", "two", [], muted(True)),
    ("audio", "unmute", "two", ["mute"], muted(False)),
    ("audio", "bring back the sound", "two", ["mute"], muted(False)),
    ("audio", "make the voices quieter", "two", [], own_vol(50)),
    ("audio", "make the original audio louder", "twom", ["make the voices quieter"], own_vol(75)),
    ("audio", "add music at 35%", "twom", [], music_vol(35)),
    ("audio", "add some background music", "two", [], REFUSE),
    ("audio", "make it quieter", "twom", [], all_of(music_vol(50), own_vol(50))),
    ("audio", "louder", "twom", [], all_of(music_vol(150), own_vol(150))),
    ("audio", "fade the music out", "twom", [], music_fade(False, True)),
    ("audio", "fade the music in and out", "twom", [], music_fade(True, True)),
    ("audio", "make the music fade out at the end", "twom", [], music_fade(False, True)),
    ("audio", "lower the music volume", "twom", [], music_vol(50)),
    # --- speed --------------------------------------------------------------------------------
    ("speed", "speed it up 2x", "two", [], dur(17500)),
    ("speed", "make it twice as fast", "two", [], dur(17500)),
    ("speed", "play it at 1.5x speed", "two", [], dur(23333, 100)),
    ("speed", "slow motion", "one", [], dur(40000)),
    ("speed", "slow it down to half speed", "one", [], dur(40000)),
    ("speed", "slow motion from 0:02 to 0:04", "two", [], dur(37000)),
    ("speed", "speed up the second clip 2x", "two", [], dur(27500)),
    ("speed", "make the first clip 2x faster", "two", [], dur(25000)),
    ("speed", "speed up the last 10 seconds 2x", "two", [], dur(30000)),
    ("speed", "1.5x", "two", [], dur(23333, 100)),
    ("speed", "timelapse it 4x", "one", [], dur(5000)),
    ("speed", "play at 50% speed", "one", [], dur(40000)),
    ("speed", "speed it up 10x", "one", [], REFUSE),
    ("speed", "back to normal speed", "one", ["2x speed"], dur(20000)),
    ("speed", "slow-mo the first 4 seconds", "one", [], dur(24000)),
    # --- fades --------------------------------------------------------------------------------
    ("fade", "fade in and out", "two", [], fades(True, True)),
    ("fade", "add a fade in at the start", "two", [], fades(True, False)),
    ("fade", "fade out at the end", "two", [], fades(False, True)),
    ("fade", "fade to black at the end", "two", [], fades(False, True)),
    ("fade", "fade in from black", "two", [], fades(True, False)),
    ("fade", "add fades", "two", [], fades(True, True)),
    ("fade", "a 2 second fade out", "two", [], lambda b, a: a["m"].get("fade_out") == 2000),
    ("fade", "fade it in", "two", [], fades(True, False)),
    # --- aspect / resolution ------------------------------------------------------------------
    ("aspect", "make it vertical", "two", [], aspect("9:16")),
    ("aspect", "crop it to 4:5", "two", [], aspect("4:5", "crop")),
    ("aspect", "make it 9:16 for TikTok", "two", [], aspect("9:16")),
    ("aspect", "for Reels", "two", [], aspect("9:16")),
    ("aspect", "I need it for an Instagram post", "two", [], aspect("4:5")),
    ("aspect", "make it square", "two", [], aspect("1:1")),
    ("aspect", "cinematic 21:9 please", "two", [], aspect("21:9")),
    ("aspect", "convert to landscape 16:9", "two", [], aspect("16:9")),
    ("aspect", "resize to 4:3", "two", [], aspect("4:3")),
    ("aspect", "back to the original aspect ratio", "two", ["make it vertical"], aspect(None)),
    ("aspect", "make it youtube shorts format", "two", [], aspect("9:16")),
    ("aspect", "change the ratio to 7:3", "two", [], REFUSE),
    ("aspect", "crop to vertical, no black bars", "two", [], aspect("9:16", "crop")),
    ("aspect", "export in 720p", "two", [], res("720p")),
    ("aspect", "make it 1080p", "two", [], res("1080p")),
    ("aspect", "4k please", "two", [], res("2160p")),
    ("aspect", "convert to mp4", "two", [], REFUSE),
    ("aspect", "download this video in MP4 at the highest available resolution", "two", [], REFUSE),
    # --- size ---------------------------------------------------------------------------------
    ("size", "make the file smaller", "two", [], size(None)),
    ("size", "compress it", "two", [], size(None)),
    ("size", "under 16 MB for WhatsApp", "two", [], size(16.0)),
    ("size", "I need to send it on WhatsApp", "two", [], size(16.0)),
    ("size", "it has to be less than 8mb", "two", [], size(8.0)),
    ("size", "make it small enough for Discord", "two", [], size(10.0)),
    ("size", "the file is too big", "two", [], size(None)),
    ("size", "keep it under 25 MB so I can email it", "two", [], size(25.0)),
    ("size", "make it under 0.01 MB", "two", [], REFUSE),
    # --- clips --------------------------------------------------------------------------------
    ("clips", "remove the second clip", "two", [], all_of(clips("a"), dur(20000))),
    ("clips", "delete clip 1", "two", [], all_of(clips("b"), dur(15000))),
    ("clips", "get rid of the last clip", "two", [], clips("a")),
    ("clips", "put the second clip first", "two", [], clips("b", "a")),
    ("clips", "move the first clip to the end", "two", [], clips("b", "a")),
    ("clips", "swap the two clips", "two", [], clips("b", "a")),
    ("clips", "switch the order of the clips", "two", [], clips("b", "a")),
    ("clips", "play the second video first", "two", [], clips("b", "a")),
    ("clips", "reverse the order of the clips", "two", [], clips("b", "a")),
    ("clips", "trim the second clip to 3 s", "two", [], all_of(clips("a", "b"), dur(23000))),
    ("clips", "shorten the first clip to 5 seconds", "two", [], all_of(clips("a", "b"), dur(20000))),
    ("clips", "cut the first 2 seconds of the second clip", "two", [], dur(33000)),
    ("clips", "remove the third clip", "two", [], REFUSE),
    ("clips", "move one of the clips to the end", "two", [], REFUSE),
    ("clips", "delete the only clip", "one", [], REFUSE),
    ("clips", "the second clip is too long, keep its first 5 seconds", "two", [], dur(25000)),
    # --- undo / redo / revert ---------------------------------------------------------------
    ("history", "undo", "two", ["trim to 0-10 s"], same_as_start()),
    ("history", "undo that", "two", ["add the title 'X'"], same_as_start()),
    ("history", "oops, go back", "two", ["make it vertical"], same_as_start()),
    ("history", "redo", "two", ["trim to 0-10 s", "undo"], dur(10000)),
    ("history", "start over", "two", ["trim to 0-10 s", "make it vertical", "add the title 'X'"], same_as_start()),
    ("history", "revert to the original", "two", ["cut the first half", "2x speed"], same_as_start()),
    ("history", "undo the last 2 changes", "two", ["trim to 0-10 s", "make it vertical"], same_as_start()),
    ("history", "undo", "two", [], REFUSE),
    ("history", "redo", "two", [], REFUSE),
    ("history", "undo", "two", ["trim to 0-10 s, make it vertical and add the title 'X'"], same_as_start()),
    # --- several steps in one message --------------------------------------------------------
    (
        "multi",
        "trim to 0-10 s, make it vertical and add the title 'Urban Dreams'",
        "two",
        [],
        all_of(dur(10000), aspect("9:16"), title("Urban Dreams")),
    ),
    ("multi", "cut the first 5 seconds then speed it up 2x", "two", [], dur(15000)),
    ("multi", "make it 9:16, mute it and add fades", "two", [], all_of(aspect("9:16"), muted(True), fades(True, True))),
    (
        "multi",
        "keep the first 20 seconds and put 'Hello' at the bottom",
        "two",
        [],
        all_of(dur(20000), title("Hello", "bottom")),
    ),
    ("multi", "swap the clips and fade out at the end", "two", [], all_of(clips("b", "a"), fades(False, True))),
    ("multi", "make the music quieter and fade it out", "twom", [], all_of(music_vol(50), music_fade(False, True))),
    ("multi", "trim to 15 seconds, 1.5x, vertical", "two", [], all_of(dur(10000), aspect("9:16"))),
    ("multi", "remove the second clip and make it square", "two", [], all_of(clips("a"), aspect("1:1"))),
    (
        "multi",
        "Add the title 'Day One' at the top, then compress it for WhatsApp",
        "two",
        [],
        all_of(title("Day One", "top"), size(16.0)),
    ),
    (
        "multi",
        "cut 0:05-0:08 and add 'Intro' for the first 3 seconds",
        "two",
        [],
        all_of(dur(32000), title("Intro", start=0, end=3000)),
    ),
    ("multi", "make it vertical and add my logo", "two", [], aspect("9:16")),
    ("multi", "mute the original sound and set the music to 80%", "twom", [], all_of(muted(True), music_vol(80))),
    ("multi", "slow motion for the first 4 seconds and fade in", "one", [], all_of(dur(24000), fades(True, False))),
    # --- typos ---------------------------------------------------------------------------------
    ("typos", "add a titel 'Hi'", "two", [], title("Hi")),
    ("typos", "make it verticle", "two", [], aspect("9:16")),
    ("typos", "keep the first 10 secs", "two", [], dur(10000)),
    ("typos", "remvoe the music", "twom", [], no_music()),
    ("typos", "slow motoin", "one", [], dur(40000)),
    ("typos", "make it smaler", "two", [], size(None)),
    ("typos", "instagarm post", "two", [], aspect("4:5")),
    ("typos", "fade in adn out", "two", [], fades(True, True)),
    ("typos", "delete the secnd clip", "two", [], clips("a")),
    ("typos", "horizantal please", "two", ["make it vertical"], aspect("16:9")),
    # --- Chinese --------------------------------------------------------------------------------
    ("chinese", "剪掉前五秒", "two", [], dur(30000)),
    ("chinese", "只要前10秒", "two", [], dur(10000)),
    ("chinese", "删除5到8秒", "two", [], dur(32000)),
    ("chinese", "添加标题「城市之梦」", "two", [], title("城市之梦")),
    ("chinese", "添加标题《夏天》在底部", "two", [], title("夏天", "bottom")),
    ("chinese", "改成竖屏", "two", [], aspect("9:16")),
    ("chinese", "改成方形", "two", [], aspect("1:1")),
    ("chinese", "静音", "two", [], muted(True)),
    ("chinese", "把背景音乐调小一点", "twom", [], music_vol(50)),
    ("chinese", "去掉音乐", "twom", [], no_music()),
    ("chinese", "2倍速", "two", [], dur(17500)),
    ("chinese", "慢动作", "one", [], dur(40000)),
    ("chinese", "加淡入淡出", "two", [], fades(True, True)),
    ("chinese", "删除第二个片段", "two", [], clips("a")),
    ("chinese", "撤销", "two", ["trim to 0-10 s"], same_as_start()),
    ("chinese", "压缩到小于20MB", "two", [], size(20.0)),
    ("chinese", "删除标题", "two", ["add the title 'Old'"], no_title()),
    ("chinese", "加个水印", "two", [], REFUSE),
    ("chinese", "帮我做一个酷炫的视频", "two", [], REFUSE),
    ("chinese", "剪成15秒", "two", [], dur(15000)),
    # --- refusals: things the engine cannot do ---------------------------------------------------
    ("refusal", "add my logo in the corner", "two", [], REFUSE),
    ("refusal", "add a watermark", "two", [], REFUSE),
    ("refusal", "add transitions between the clips", "two", [], REFUSE),
    ("refusal", "make it black and white", "two", [], REFUSE),
    ("refusal", "auto generate subtitles", "two", [], REFUSE),
    ("refusal", "export as a gif", "two", [], REFUSE),
    ("refusal", "remove the background noise", "two", [], REFUSE),
    ("refusal", "stabilize the shaky footage", "two", [], REFUSE),
    ("refusal", "add a voiceover", "two", [], REFUSE),
    ("refusal", "make it 60fps", "two", [], REFUSE),
    ("refusal", "pick the best moments automatically", "two", [], REFUSE),
    ("refusal", "upload it to YouTube", "two", [], REFUSE),
    ("refusal", "reverse the video", "two", [], REFUSE),
    ("refusal", "make the colors more vibrant", "two", [], REFUSE),
    ("refusal", "add a zoom effect", "two", [], REFUSE),
    ("refusal", "make it look cinematic with a LUT", "two", [], REFUSE),
    ("refusal", "add emojis", "two", [], REFUSE),
    ("refusal", "make it awesome", "two", [], REFUSE),
    ("refusal", "trim it", "two", [], REFUSE),
    ("refusal", "trim to 0-10 s", "empty", [], REFUSE),
    # --- things that must not become edits ---------------------------------------------------------
    ("negative", "hello", "two", [], REFUSE),
    ("negative", "thanks!", "two", [], REFUSE),
    ("negative", "show me the timeline", "two", [], REFUSE),
    ("negative", "what can you do?", "two", [], REFUSE),
    ("negative", "the second clip looks great", "two", [], REFUSE),
    ("negative", "I have one question about the clip", "two", [], REFUSE),
    ("negative", "is 4:5 better than 9:16 for instagram?", "two", [], REFUSE),
    ("negative", "how long is the video?", "two", [], REFUSE),
    ("negative", "I uploaded holiday.mp4 earlier", "two", [], REFUSE),
    ("negative", "no one will watch the first clip", "two", [], REFUSE),
]

# A second set, written after the parser was tuned on the first and run once before any fix
# (its first-run score is in bench/RESULTS.md): phrasings from tutorials, forum questions and
# chat-style requests.
HELD_OUT: list[tuple[str, str, str, list[str], Any]] = [
    ("trim", "please trim the video so it's only 12 seconds", "two", [], dur(12000)),
    ("trim", "get rid of the first 3 seconds, it's just black", "two", [], dur(32000)),
    ("trim", "can u cut the end, last 6 sec", "two", [], dur(29000)),
    ("trim", "I want it to start at 0:04 and end at 0:19", "two", [], dur(15000)),
    ("trim", "cut between 00:12 and 00:15", "two", [], dur(32000)),
    ("trim", "take out 10-12s", "two", [], dur(33000)),
    ("trim", "shorten to 0:25", "two", [], dur(25000)),
    ("trim", "keep 5 to 10 seconds only", "two", [], dur(5000)),
    ("trim", "the intro is too long, cut the first eight seconds", "two", [], dur(27000)),
    ("trim", "reduce it to ten seconds total", "two", [], dur(10000)),
    ("title", "Put a title saying 'Welcome to Lisbon' at the start", "two", [], title("Welcome to Lisbon", start=0)),
    ("title", 'overlay the text "SALE 50% OFF" at the top', "two", [], title("SALE 50% OFF", "top")),
    (
        "title",
        "I'd like the words 'Thanks for watching' at the very end",
        "two",
        [],
        title("Thanks for watching", start=32000),
    ),
    ("title", "add caption 'Step 1: mix' from 3 to 8 seconds", "two", [], title("Step 1: mix", start=3000, end=8000)),
    ("title", "can you change the text to say 'Final cut'", "two", ["add the title 'Old'"], title("Final cut")),
    ("title", "the title should be at the bottom", "two", ["add the title 'Old'"], title("Old", "bottom")),
    ("title", "no text please, remove it", "two", ["add the title 'Old'"], no_title()),
    ("title", "add title: Graduation Day 2025", "two", [], title("Graduation Day 2025")),
    ("title", "put “L’été à Paris” in the middle", "two", [], title("L’été à Paris")),
    ("title", "make the title red", "two", ["add the title 'Old'"], REFUSE),
    ("audio", "the background music is way too loud", "twom", [], music_vol(50)),
    ("audio", "can you lower the bgm", "twom", [], music_vol(50)),
    ("audio", "turn off the background music", "twom", [], music_vol(0)),
    ("audio", "I don't want any music", "twom", [], no_music()),
    ("audio", "mute the original audio but keep the music", "twom", [], all_of(muted(True), music_vol(100))),
    ("audio", "music at 10% please", "twom", [], music_vol(10)),
    ("audio", "fade out the song at the end", "twom", [], music_fade(False, True)),
    ("audio", "kill the sound", "two", [], muted(True)),
    ("speed", "speed the whole thing up by 2x", "two", [], dur(17500)),
    ("speed", "make the second clip slow motion", "two", [], dur(50000)),
    ("speed", "play it 3 times faster", "one", [], dur(6667, 100)),  # expectation fixed: 3x is supported
    ("speed", "can you make it go faster, like 1.25x", "one", [], dur(16000)),
    ("speed", "slow down the part from 0:05 to 0:07", "two", [], dur(35667, 100)),
    ("speed", "0.5x speed on the first clip", "two", [], dur(55000)),
    ("fade", "add a smooth fade at the start and the end", "two", [], fades(True, True)),
    ("fade", "I want it to fade to black when it finishes", "two", [], fades(False, True)),
    ("fade", "fade in over 3 seconds", "two", [], lambda b, a: a["m"].get("fade_in") == 3000),
    ("aspect", "make it fit an Instagram story", "two", [], aspect("9:16")),
    ("aspect", "I want a square version for my feed", "two", [], aspect("1:1")),
    ("aspect", "portrait mode please", "two", [], aspect("9:16")),
    ("aspect", "switch to 16:9", "two", ["make it vertical"], aspect("16:9")),
    ("aspect", "can you make it 2:3", "two", [], aspect("2:3")),
    ("aspect", "1:1 crop, no bars", "two", [], aspect("1:1", "crop")),
    ("size", "shrink the file size", "two", [], size(None)),
    ("size", "needs to be under 50MB", "two", [], size(50.0)),
    ("size", "make it small enough to email", "two", [], size(25.0)),
    ("clips", "remove clip 2", "two", [], clips("a")),
    ("clips", "move clip 2 to the beginning", "two", [], clips("b", "a")),
    ("clips", "put the blue one first", "two", [], REFUSE),
    ("clips", "drop the first clip", "two", [], clips("b")),
    ("clips", "swap clip 1 and clip 2", "two", [], clips("b", "a")),
    ("history", "undo the last change", "two", ["make it square"], same_as_start()),
    ("history", "actually, undo that", "two", ["mute"], lambda b, a: not a["m"].get("mute")),
    ("history", "let's start from scratch", "two", ["trim to 0-10 s"], same_as_start()),
    (
        "multi",
        "cut the first 5 s, add 'Hello' at the top and make it 4:5",
        "two",
        [],
        all_of(dur(30000), title("Hello", "top"), aspect("4:5")),
    ),
    ("multi", "make it vertical and under 16 MB", "two", [], all_of(aspect("9:16"), size(16.0))),
    ("multi", "remove the music and add fades", "twom", [], all_of(no_music(), fades(True, True))),
    ("multi", "speed up to 2x and mute it", "two", [], all_of(dur(17500), muted(True))),
    ("multi", "trim to 10 seconds then undo", "two", [], REFUSE),
    ("typos", "add a tittle 'Go'", "two", [], title("Go")),
    ("typos", "make it sqaure", "two", [], aspect("1:1")),
    ("typos", "remove the secound clip", "two", [], clips("a")),
    ("typos", "mute the muisc", "twom", [], music_vol(0)),
    ("chinese", "把视频剪到10秒", "two", [], dur(10000)),
    ("chinese", "去掉最后5秒", "two", [], dur(30000)),
    ("chinese", "加上字幕「谢谢观看」在底部", "two", [], title("谢谢观看", "bottom")),
    ("chinese", "把音乐关掉", "twom", [], music_vol(0)),
    ("chinese", "交换两个片段", "two", [], clips("b", "a")),
    ("chinese", "加个转场", "two", [], REFUSE),
    ("chinese", "视频太大了，压缩一下", "two", [], size(None)),
    ("chinese", "改成横屏", "two", ["make it vertical"], aspect("16:9")),
    ("refusal", "add a picture-in-picture of my face", "two", [], REFUSE),
    ("refusal", "translate the subtitles to Spanish", "two", [], REFUSE),
    ("refusal", "make it go viral", "two", [], REFUSE),
    ("refusal", "blur the faces", "two", [], REFUSE),
    ("refusal", "can you add a thumbnail", "two", [], REFUSE),
    ("negative", "ok cool", "two", [], REFUSE),
    ("negative", "why is the first clip red?", "two", [], REFUSE),
    ("negative", "clip", "two", [], REFUSE),
    ("negative", "one", "two", [], REFUSE),
    ("negative", "4:5", "two", [], aspect("4:5")),
]

# A third set, written at the end and run once before any fix (first-run score in RESULTS.md).
HELD_OUT_2: list[tuple[str, str, str, list[str], Any]] = [
    ("trim", "only keep 0:10-0:20", "two", [], dur(10000)),
    ("trim", "remove the beginning, start from 00:03", "two", [], dur(32000)),
    ("trim", "make the whole thing 8 seconds", "two", [], dur(8000)),
    ("trim", "cut everything before 0:05", "two", [], dur(30000)),
    ("trim", "trim off the last second", "two", [], dur(34000)),
    ("trim", "I need just the last 15 seconds", "two", [], dur(15000)),
    ("title", "Add text 'Vote Now' centered", "two", [], title("Vote Now", None)),
    ("title", 'put a caption "Don\'t miss it" bottom left', "two", [], title("Don't miss it", "bottom-left")),
    ("title", "title 'Recap' for 2 seconds at the start", "two", [], title("Recap", start=0, end=2000)),
    ("title", "change the caption to 'v2'", "two", ["add the title 'Old'"], title("v2")),
    ("title", "remove all text", "two", ["add the title 'Old'"], no_title()),
    ("title", "can the title appear at 0:10?", "two", ["add the title 'Old'"], title("Old", start=10000)),
    ("audio", "lower the background music to 25%", "twom", [], music_vol(25)),
    ("audio", "music a little softer", "twom", [], music_vol(50)),
    ("audio", "no sound", "two", [], muted(True)),
    ("audio", "take the music out", "twom", [], no_music()),
    ("audio", "the voices are hard to hear, make them louder", "two", [], own_vol(150)),
    ("speed", "make it 2 times faster", "two", [], dur(17500)),
    ("speed", "speed x2", "two", [], dur(17500)),
    ("speed", "slow the first clip down to 0.5x", "two", [], dur(55000)),
    ("fade", "fade out the last 2 seconds", "two", [], lambda b, a: a["m"].get("fade_out") == 2000),
    ("fade", "fade the music in", "twom", [], music_fade(True, False)),
    ("aspect", "make it 9 by 16", "two", [], aspect("9:16")),
    ("aspect", "I want it landscape", "two", ["make it vertical"], aspect("16:9")),
    ("aspect", "make it fit TikTok", "two", [], aspect("9:16")),
    ("size", "compress to 5 MB", "two", [], size(5.0)),
    ("size", "max 20mb", "two", [], size(20.0)),
    ("clips", "delete the 2nd clip", "two", [], clips("a")),
    ("clips", "put clip 1 after clip 2", "two", [], clips("b", "a")),
    ("clips", "move the last clip to the start", "two", [], clips("b", "a")),
    ("history", "undo undo", "two", ["trim to 0-10 s"], same_as_start()),
    ("history", "go back to how it was", "two", ["make it vertical"], same_as_start()),
    ("multi", "trim the first clip to 5 s and make everything 2x", "two", [], dur(10000)),
    ("multi", "add 'Hi' at the top and 'Bye' at the bottom", "two", [], title(count=2)),
    ("chinese", "把标题移到顶部", "two", ["add the title 'Old'"], title("Old", "top")),
    ("chinese", "从第3秒开始", "two", [], dur(32000)),
    ("chinese", "速度加快到2倍", "two", [], dur(17500)),
    ("chinese", "把第一个片段删掉", "two", [], clips("b")),
    ("refusal", "add a countdown timer", "two", [], REFUSE),
    ("refusal", "sync the cuts to the beat", "two", [], REFUSE),
    ("negative", "nice work", "two", [], REFUSE),
    ("negative", "what's 16:9?", "two", [], REFUSE),
]
