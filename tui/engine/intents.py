"""Understand a plain-English (or simple Chinese) edit request: text in, a list of intents out.

Pure and deterministic: no I/O, no draft. ``parse(text) -> Request``; the agent decides what
each intent means for the session's draft.

Intent kinds and their params:
- ``urls``        (Request.urls) links to fetch into the session
- ``convert``     resolution ("highest" | "2160p" | "1080p" | ...), format ("mp4")
- ``trim``        keep one range: start_ms, end_ms (None = to the end) or last_ms (keep the last N ms)
- ``cut``         remove one range: start_ms, end_ms, or first_ms / last_ms
- ``title``       text, start_ms (None = 0), duration_ms (None = default); replace=True when
                  the user changes the title rather than adding one
- ``music``       volume (int | None), name (str | None, a file name the user mentioned)
- ``mute`` / ``unmute``
- ``aspect``      aspect ("16:9" | "9:16" | "1:1" | "4:3" | "3:4" | None for the source's)
- ``remove``      track_type (0 video, 1 music, 7 title) or index (1-based track number)
- ``describe``    show the timeline
- ``help``        what the agent can do (also the fallback when nothing is understood)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Intent:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    text: str
    intents: list[Intent]
    urls: list[str]

    def kinds(self) -> list[str]:
        return [i.kind for i in self.intents]

    def first(self, kind: str) -> Intent | None:
        return next((i for i in self.intents if i.kind == kind), None)


URL_RE = re.compile(r"https?://[^\s<>\"'`)\]}，。]+", re.I)

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "half a": 0.5, "a": 1,
}
_WORDS_ALT = "|".join(sorted((re.escape(k) for k in _WORD_NUMBERS if k != "a"), key=len, reverse=True))
_UNIT = r"(?:ms|milliseconds?|msecs?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|秒|分钟|分)"
_SEP = r"\s*(?:-|–|—|~|to|until|till|through|thru|and|到|至)\s*"


def _time_re(n: str, u: str) -> str:
    """A time: 5, 5.5, 1:05, 00:01:05, five, with an optional unit (named groups n and u)."""
    return (rf"(?P<{n}>\d+:\d{{1,2}}(?::\d{{1,2}})?(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{_WORDS_ALT})\b)"
            rf"\s*(?P<{u}>{_UNIT}(?![a-z]))?")


RANGE_RE = re.compile(
    r"(?:\bfrom\s+|\bbetween\s+|从\s*)?" + _time_re("a", "ua") + _SEP + _time_re("b", "ub"), re.I)


def _to_ms(num: str, unit: str | None, default_unit: str = "s") -> int:
    num = num.strip().lower()
    if ":" in num:
        parts = [float(p) for p in num.split(":")]
        secs = 0.0
        for p in parts:
            secs = secs * 60 + p
        return int(round(secs * 1000))
    value = float(_WORD_NUMBERS[num]) if num in _WORD_NUMBERS else float(num)
    unit = (unit or default_unit).lower()
    if unit.startswith("ms") or unit.startswith("milli"):
        return int(round(value))
    if unit in ("m", "min", "mins", "minute", "minutes", "分钟", "分"):
        return int(round(value * 60000))
    if unit.startswith("h"):
        return int(round(value * 3600000))
    return int(round(value * 1000))


def _range(m: re.Match) -> tuple[int, int]:
    unit = m.group("ub") or m.group("ua")
    a = _to_ms(m.group("a"), m.group("ua") or unit)
    b = _to_ms(m.group("b"), unit)
    return a, b


def _blank(text: str, span: tuple[int, int]) -> str:
    """Replace a consumed part of the text with spaces so later rules do not see it again."""
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


# --- the rules ------------------------------------------------------------------------------

_QUOTES = "\"'“”‘’「」『』《》"
TITLE_RE = re.compile(
    r"(?:\b(?:add|put|insert|overlay|place|show|write|set|with|use|change|replace|rename|update|edit)\b[^.;\n]{0,20}?)?"
    r"(?:\b(?:title|caption|heading|headline|text|subtitle)\b|标题|字幕|文字)"
    r"\s*(?:that\s+says|saying|reading|which\s+says|of|called|:|：|as|to|with|into)?\s*"
    r"(?:[" + _QUOTES + r"](?P<q>[^" + _QUOTES + r"]+)[" + _QUOTES + r"]"
    r"|(?P<u>(?:(?!\b(?:from|at|for|between|on|in|starting|until|and then|then)\b)[^.;,\n" + _QUOTES + r"])+))",
    re.I,
)
TITLE_TIME_RE = re.compile(
    r"\s*(?:,\s*)?(?:"
    r"(?P<range>(?:from|between|during|at)?\s*" + _time_re("a", "ua") + _SEP + _time_re("b", "ub") + r")"
    r"|for\s+the\s+first\s+" + _time_re("f", "uf") +
    r"|(?:for|lasting)\s+" + _time_re("d", "ud") + r"(?:\s+(?:at|from|starting\s+at)\s+" + _time_re("s2", "us2") + r")?"
    r"|(?:at|from|starting\s+at|starting\s+from)\s+" + _time_re("s", "us") + r"(?:\s+for\s+" + _time_re("d2", "ud2") + r")?"
    r")",
    re.I,
)

RES_RE = re.compile(
    r"\b(?P<p>2160|1440|1080|720|480|360)\s*p\b|\b(?P<k>4k|uhd|ultra\s*hd)\b|\b(?P<fhd>full\s*hd|fhd)\b|\b(?P<hd>hd)\b"
    r"|(?P<hi>\bhighest\b|\bbest\b|\bmax(?:imum)?\b|\boriginal\s+(?:quality|resolution)\b|\bsource\s+(?:quality|resolution)\b|最高|原画|最清晰)",
    re.I,
)
MP4_RE = re.compile(r"\bmp4\b|\bresolution\b|\bquality\b|分辨率", re.I)
CONVERT_WORD_RE = re.compile(r"\bconvert\b|\bre-?encode\b|\btranscode\b|格式|转换", re.I)  # alone: MP4
ASPECT_RE = re.compile(r"\b(16\s*:\s*9|9\s*:\s*16|1\s*:\s*1|4\s*:\s*3|3\s*:\s*4)\b")
ASPECT_WORDS = [
    (re.compile(r"\b(vertical|portrait|tiktok|reels?|shorts|story|stories)\b|竖屏|竖版", re.I), "9:16"),
    (re.compile(r"\b(square|instagram\s+post)\b|方形|正方形", re.I), "1:1"),
    (re.compile(r"\b(landscape|horizontal|widescreen|youtube)\b|横屏|横版", re.I), "16:9"),
    (re.compile(r"\b(original|source)\s+(aspect|ratio|shape)\b|原始比例", re.I), None),
]
ASPECT_CONTEXT = re.compile(r"\b(aspect|ratio|format|make|turn|convert|change|switch|crop|resize|frame|video|it)\b|比例|改成|变成", re.I)

MUSIC_WORD = r"(?:background\s+music|music|bgm|soundtrack|song|track\s+music|背景音乐|音乐|配乐|歌)"
MUSIC_RE = re.compile(MUSIC_WORD, re.I)
VOLUME_RE = re.compile(r"(?P<v>\d{1,3})\s*(?:%|percent|per\s*cent)|\bvolume\s*(?:to|at|of|=|:)?\s*(?P<v2>\d{1,3})\b|音量\s*(?P<v3>\d{1,3})", re.I)
AUDIO_FILE_RE = re.compile(r"[\w\-.()\[\]]+\.(?:mp3|wav|m4a|aac)\b", re.I)

REMOVE_VERB = r"(?:remove|delete|drop|get\s+rid\s+of|take\s+(?:out|off)|clear|erase|kill|no|without|删除|去掉|移除|不要)"
REMOVE_TITLE_RE = re.compile(REMOVE_VERB + r"\s*(?:the\s+|all\s+(?:the\s+)?|any\s+)?(?:titles?|captions?|texts?|headings?|subtitles?|标题|字幕|文字)", re.I)
REMOVE_MUSIC_RE = re.compile(REMOVE_VERB + r"\s*(?:the\s+|any\s+)?" + MUSIC_WORD, re.I)
REMOVE_INDEX_RE = re.compile(REMOVE_VERB + r"\s*(?:the\s+)?track\s*(?:#|no\.?|number)?\s*(?P<i>\d+)", re.I)
REMOVE_VIDEO_RE = re.compile(REMOVE_VERB + r"\s*(?:the\s+)?video\s+track", re.I)

MUTE_RE = re.compile(
    r"\bmute\b|\bsilence\b|\bsilent\b|静音|去掉声音|去掉原声|"
    r"\b(?:remove|delete|drop|strip|kill|cut|turn\s+off|get\s+rid\s+of)\s+(?:the\s+|all\s+(?:the\s+)?)?(?:original\s+|source\s+)?(?:audio|sound|voice)\b|"
    r"\bno\s+(?:audio|sound)\b|\bwithout\s+(?:the\s+)?(?:audio|sound)\b",
    re.I,
)
UNMUTE_RE = re.compile(
    r"\bunmute\b|\b(?:restore|bring\s+back|turn\s+on|keep)\s+(?:the\s+)?(?:original\s+)?(?:audio|sound)\b|\bsound\s+back\b|恢复声音|取消静音",
    re.I,
)

DESCRIBE_RE = re.compile(
    r"\b(describe|timeline|tracks?|what'?s\s+in|what\s+is\s+in|summary|summari[sz]e|status|overview)\b|时间线|轨道|状态|概览",
    re.I,
)
HELP_RE = re.compile(r"\bhelp\b|what\s+can\s+you\s+do|how\s+does\s+this\s+work|帮助|你能做什么", re.I)

TRIM_VERB = re.compile(r"\b(trim|keep|clip|shorten|crop|limit|only)\b|剪辑|剪到|裁剪|截取|保留|只要", re.I)
CUT_VERB = re.compile(r"\b(cut\s+out|cut|remove|delete|drop|skip|chop|take\s+out|get\s+rid\s+of)\b|删除|删掉|去掉|剪掉", re.I)
FIRST_RE = re.compile(r"\b(?:the\s+)?(?P<w>first|last|opening|final)\s+" + _time_re("a", "ua"), re.I)
CN_FIRST_RE = re.compile(r"(?P<w>前|后|最后)\s*" + _time_re("a", "ua"))
TO_DURATION_RE = re.compile(r"\b(?:to|down\s+to|at)\s+" + _time_re("a", "ua"), re.I)


def _norm_quotes_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\u00a0", " "))


def _title_intent(text: str) -> tuple[Intent | None, str]:
    for m in TITLE_RE.finditer(text):
        raw = m.group("q") if m.group("q") is not None else m.group("u")
        if raw is None:
            continue
        title = raw.strip().strip(_QUOTES).strip()
        if m.group("q") is None:
            # an unquoted title must follow an explicit "add/put ... title" and be short
            if not re.match(r"\s*(?:add|put|insert|overlay|place|write|set|with|use|change|replace|rename|update)\b",
                            m.group(0), re.I) \
                    and not re.search(r"标题|字幕|文字", m.group(0)):
                continue
            title = re.sub(r"^(?:that\s+says|saying|reading|called)\s+", "", title, flags=re.I).strip()
            if not title or len(title) > 80 or re.fullmatch(r"(?:track|tracks|it|one|there)", title, re.I):
                continue
        if not title:
            continue
        params: dict[str, Any] = {"text": title, "start_ms": None, "duration_ms": None}
        end = m.end()
        t = TITLE_TIME_RE.match(text, end)
        if t:
            g = t.groupdict()
            if g.get("range"):
                unit = g.get("ub") or g.get("ua")
                a = _to_ms(g["a"], g.get("ua") or unit)
                b = _to_ms(g["b"], unit)
                if b > a:
                    params.update(start_ms=a, duration_ms=b - a)
            elif g.get("f"):
                params.update(start_ms=0, duration_ms=_to_ms(g["f"], g.get("uf")))
            elif g.get("d"):
                params["duration_ms"] = _to_ms(g["d"], g.get("ud"))
                if g.get("s2"):
                    params["start_ms"] = _to_ms(g["s2"], g.get("us2"))
            elif g.get("s"):
                params["start_ms"] = _to_ms(g["s"], g.get("us"))
                if g.get("d2"):
                    params["duration_ms"] = _to_ms(g["d2"], g.get("ud2"))
            end = t.end()
        if re.match(r"\s*(?:change|replace|rename|update|edit)\b", m.group(0), re.I) or re.search(r"修改|改成|换成", m.group(0)):
            params["replace"] = True  # the new title takes the old one's place
        return Intent("title", params), _blank(text, (m.start(), end))
    return None, text


def _time_intents(text: str) -> list[Intent]:
    """trim / cut: ranges, "the first N seconds", "to N seconds"."""
    intents: list[Intent] = []
    has_trim = TRIM_VERB.search(text)
    has_cut = CUT_VERB.search(text)
    if not (has_trim or has_cut):
        return intents
    # "cut to 0-10 s" / "cut it down to 10 s" is a trim, "cut from 5 to 8 s" / "cut out 5-8" removes
    cut_means_trim = bool(re.search(r"\bcut\s+(?:it\s+|the\s+video\s+|this\s+)?(?:down\s+)?to\b", text, re.I))
    is_cut = bool(has_cut) and not has_trim and not cut_means_trim
    for m in RANGE_RE.finditer(text):
        a, b = _range(m)
        if b <= a:
            continue
        return [Intent("cut" if is_cut else "trim", {"start_ms": a, "end_ms": b})]
    m = FIRST_RE.search(text) or CN_FIRST_RE.search(text)
    if m:
        word = m.group("w").lower()
        ms = _to_ms(m.group("a"), m.group("ua"))
        first = word in ("first", "opening", "前")
        if is_cut:
            return [Intent("cut", {"first_ms": ms} if first else {"last_ms": ms})]
        return [Intent("trim", {"start_ms": 0, "end_ms": ms} if first else {"last_ms": ms})]
    m = TO_DURATION_RE.search(text)
    if m and not is_cut:
        return [Intent("trim", {"start_ms": 0, "end_ms": _to_ms(m.group("a"), m.group("ua"))})]
    return intents


def parse(text: str) -> Request:
    original = text
    urls = []
    for m in URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        if url not in urls:
            urls.append(url)
    work = _norm_quotes_spaces(URL_RE.sub(lambda m: " " * len(m.group(0)), text))
    intents: list[Intent] = []

    title, work = _title_intent(work)

    # removals first, so "remove the title" is not read as adding one and "remove the music"
    # is not read as adding music
    removals: list[Intent] = []
    for rx, params in ((REMOVE_INDEX_RE, None), (REMOVE_TITLE_RE, {"track_type": 7}),
                       (REMOVE_MUSIC_RE, {"track_type": 1}), (REMOVE_VIDEO_RE, {"track_type": 0})):
        m = rx.search(work)
        if m:
            removals.append(Intent("remove", {"index": int(m.group("i"))} if params is None else params))
            work = _blank(work, m.span())

    aspect: Intent | None = None
    m = ASPECT_RE.search(work)
    if m:
        aspect = Intent("aspect", {"aspect": re.sub(r"\s", "", m.group(1))})
        work = _blank(work, m.span())
    else:
        for rx, value in ASPECT_WORDS:
            m = rx.search(work)
            if m and (value is None or ASPECT_CONTEXT.search(work) or len(work.split()) <= 4):
                aspect = Intent("aspect", {"aspect": value})
                work = _blank(work, m.span())
                break

    mute: Intent | None = None
    if UNMUTE_RE.search(work):
        mute = Intent("unmute")
        work = _blank(work, UNMUTE_RE.search(work).span())
    elif MUTE_RE.search(work):
        m = MUTE_RE.search(work)
        mute = Intent("mute")
        work = _blank(work, m.span())

    music: Intent | None = None
    m = MUSIC_RE.search(work)
    if m:
        vol = VOLUME_RE.search(work)
        volume = None
        if vol:
            volume = int(next(g for g in (vol.group("v"), vol.group("v2"), vol.group("v3")) if g))
            work = _blank(work, vol.span())
        name = AUDIO_FILE_RE.search(original)
        music = Intent("music", {"volume": volume, "name": name.group(0).strip() if name else None})
        work = _blank(work, m.span())
    elif VOLUME_RE.search(work) and re.search(r"\b(volume|louder|quieter)\b|音量", work, re.I):
        vol = VOLUME_RE.search(work)
        volume = int(next(g for g in (vol.group("v"), vol.group("v2"), vol.group("v3")) if g))
        music = Intent("music", {"volume": volume, "name": None})
        work = _blank(work, vol.span())

    convert: Intent | None = None
    res = RES_RE.search(work)
    resolution = None
    if res:
        if res.group("p"):
            resolution = f"{res.group('p')}p"
        elif res.group("k"):
            resolution = "2160p"
        elif res.group("fhd"):
            resolution = "1080p"
        elif res.group("hd"):
            resolution = "720p"
        else:
            resolution = "highest"
        work = _blank(work, res.span())
    if resolution or MP4_RE.search(work):
        convert = Intent("convert", {"resolution": resolution or "highest", "format": "mp4"})

    times = _time_intents(work)

    intents.extend(i for i in (convert,) if i)
    intents.extend(times)
    intents.extend(i for i in (aspect, mute) if i)
    intents.extend(removals)
    intents.extend(i for i in (music, title) if i)
    if not intents and CONVERT_WORD_RE.search(work):
        intents.append(Intent("convert", {"resolution": "highest", "format": "mp4"}))
    if DESCRIBE_RE.search(work) and not intents:
        intents.append(Intent("describe"))
    if HELP_RE.search(work) and not intents:
        intents.append(Intent("help"))
    if not intents and not urls:
        intents.append(Intent("help", {"unknown": True}))
    return Request(text=original, intents=intents, urls=urls)
