"""What a download message asks for beyond "save the link" (issue 17), read from plain words.

``read_asks(text, links=1) -> DownloadAsks``: the section, audio, subtitles and playlist a
message asks for, and ``rest``: the message with those phrases taken out, so that the caller's
edit-word check sees only what is left ("download the first 30 seconds of <link>" is a
download; "cut the first 30 seconds and add music" keeps its "cut" and "add": an edit).
``text`` must already have its links removed.

- **Sections**: "1:00 to 2:30", "from 0:45 to 1:10", "1:00-2:30", "between 10 s and 20 s",
  "from 1:00" (to the end), "the first 30 seconds", "the last 2 minutes", "从1分到2分30秒",
  "前30秒", "最后两分钟", "从1分钟开始". ``section`` is ``(start_s, end_s | None)``; "the last N"
  is ``(-N, None)``: a negative start counts back from the end, which only the link's duration
  resolves (:func:`resolve_section`; the download job reads it before fetching).
- **Audio**: "save the audio as mp3", "just the audio", "audio only", "as m4a", "only the sound",
  "mp3", "提取音频", "只要声音" → ``"mp3"`` or ``"m4a"`` (m4a when no format is named: a stream
  copy of the usual AAC source, nothing lost).
- **Subtitles**: "with English subtitles", "subtitles in French", "with subs" (the message's
  language), "burn in the subtitles", "hardcoded Spanish subs", "带英文字幕", "中文字幕",
  "硬字幕" → a language code (:data:`tui.core.languages.LANGUAGES`) and ``burn_subs``. "add /
  generate / translate subtitles" and "加字幕" are edits (the project way), never a download.
- **Playlists**: "all", "all videos", "the whole playlist", "entries 1-5", "the first 3 videos",
  "videos 2, 4 and 7", "the second video", "全部", "前3个视频", "第2、4、7个" → ``"all"``,
  ``"1-5"``, ``"2,4,7"`` (:func:`tui.core.playlist_pick.parse_selection` reads them back).

Numbers may be words: English through ``text_to_num.alpha2digit`` (the text2num package),
Chinese numerals through ``cn2an.transform`` (the cn2an package); "a minute and a half",
"half a minute" and "一分半" are read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.languages import language_code

# ---- numbers written as words ----------------------------------------------------------------

_UNITS = r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)"
_THINGS = r"(?:videos?|entries|entry|episodes?|items?|clips?|tracks?)"
_SMALL = {"zero": "0", "one": "1", "two": "2", "three": "3", "a": "1", "an": "1"}
_SMALL_RE = re.compile(
    rf"\b(zero|one|two|three)\b(?=\s+(?:and\s+a\s+half\s+)?(?:{_UNITS}|{_THINGS})\b|\s*(?:to|-|–|through|,|and)\s*\d)"
    rf"|\b(a|an)\b(?=\s+(?:hour|minute|second)\b)",
    re.I,
)


_CN_NUM = "零〇一二两三四五六七八九十百千点"
MAX_CN_NUMBERS = 40  # numerals read per message (cn2an takes ~1 ms each; a message asks for a few)
# a Chinese numeral before a unit of time or of entries, or after 前/后/第/到 ("前五秒", "第二个")
_CN_RUN = re.compile(rf"(?<=[第前后到至、，,])[{_CN_NUM}]+|[{_CN_NUM}]+(?=\s*(?:小时|分钟|分|秒|个|集|条|部|期|半))")


def _cn_number(m: re.Match[str]) -> str:
    import cn2an  # only for Chinese text

    try:
        value = cn2an.cn2an(m[0], "smart")
    except (ValueError, KeyError):
        return m[0]  # a numeral cn2an cannot read stays as it was
    return f"{value:g}" if isinstance(value, float) else str(value)


def _digits(text: str) -> str:
    """``text`` with number words as digits (English and Chinese); never raises."""
    out = _CN_RUN.sub(_cn_number, text, count=MAX_CN_NUMBERS) if re.search(r"[\u3400-\u9fff]", text) else text
    out = re.sub(
        r"\bhalf\s+an?\s+(hour|minute)\b",
        lambda m: {"hour": "30 minutes"}.get(m[1].lower(), "30 seconds"),
        out,
        flags=re.I,
    )
    out = re.sub(r"\b(?:an?|one)\s+(hour|minute)\s+and\s+a\s+half\b", r"1.5 \1s", out, flags=re.I)
    out = re.sub(r"\b(first|last|final)\s+(hour|minute)\s+and\s+a\s+half\b", r"\1 1.5 \2s", out, flags=re.I)
    if re.search(r"[a-z]", out, re.I):
        from text_to_num import alpha2digit

        out = alpha2digit(out, "en")  # leaves "one", "two", "three" alone: read in context below
    for _ in range(2):  # "one to two minutes": "two" first, then "one" before a digit
        out = _SMALL_RE.sub(lambda m: _SMALL[(m[1] or m[2]).lower()], out)
    out = re.sub(r"\b(first|1st|last|final)\s+(hour|minute|second)\b", r"\1 1 \2", out, flags=re.I)
    out = re.sub(r"(\d+(?:\.\d+)?)\s+and\s+a\s+half\b", lambda m: f"{float(m[1]) + 0.5:g}", out, flags=re.I)
    return out


# ---- times -----------------------------------------------------------------------------------

_N = r"\d+(?:\.\d+)?"
_CLOCK = r"(?:\d{1,2}:)?\d{1,3}:\d{2}(?:\.\d+)?"
_EN_DUR = (
    rf"(?:(?:{_N})\s*(?:h|hours?|hrs?)(?![a-z])\s*(?:and\s+)?)?"
    rf"(?:(?:{_N})\s*(?:m|mins?|minutes?)(?![a-z])\s*(?:and\s+)?)?"
    rf"(?:(?:{_N})\s*(?:s|secs?|seconds?)(?![a-z]))?"
)
_ZH_DUR = (
    rf"(?:(?:{_N})\s*(?:个)?(?:小时|时))?"
    rf"(?:(?:{_N})\s*(?:分钟|分)(?:半|(?:{_N})(?:\s*秒钟?)?)?)?"
    rf"(?:(?:{_N})\s*秒钟?)?"
)
_TIME = rf"(?:{_CLOCK}|{_EN_DUR}|{_ZH_DUR})"


def seconds(text: str) -> float | None:
    """Seconds of one written time: "1:02:03", "2:30", "90", "1m30s", "1 minute 30 seconds",
    "2 min", "1分30秒", "1分半", "2分钟", "30秒"; None when it is none of these."""
    t = text.strip().lower()
    if not t:
        return None
    if re.fullmatch(_CLOCK, t):
        total = 0.0
        for part in t.split(":"):
            total = total * 60 + float(part)
        return total
    if re.fullmatch(_N, t):
        return float(t)
    m = re.fullmatch(_EN_DUR, t) or re.fullmatch(_ZH_DUR, t)
    if not m or not m.group(0):
        return None
    total = 0.0
    for value, unit in re.findall(rf"({_N})\s*(?:个)?([a-z]+|小时|时|分钟|分|秒钟|秒)", t):
        factor = 3600 if unit[0] in "h小时" else 60 if unit[0] in "m分" else 1
        total += float(value) * factor
    if t.endswith("半") and "分" in t:
        total += 30
    elif re.search(rf"分\s*({_N})$", t):  # "1分30": the seconds need no unit
        total += float(re.search(rf"分\s*({_N})$", t)[1])  # type: ignore[index]
    return total


def _has_unit(text: str) -> bool:
    return bool(re.search(r"[a-z秒分时]|:", text.strip().lower()))


def clock(value: float) -> str:
    """A time as people write it: 75 → "1:15", 3725 → "1:02:05", 0.5 → "0:00.5"."""
    whole = int(value)
    frac = value - whole
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    text = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    return text + (f"{frac:.2f}".lstrip("0").rstrip("0").rstrip(".") if frac >= 0.005 else "")


def span_words(section: tuple[float, float | None]) -> str:
    """ "1:00–2:30", "the last 2:00", "1:00 to the end" for a section."""
    start, end = section
    if start < 0:
        return f"the last {clock(-start)}"
    return f"{clock(start)}–{clock(end)}" if end is not None else f"{clock(start)} to the end"


def resolve_section(section: tuple[float, float | None], duration: float | None) -> tuple[float, float | None]:
    """``section`` with "the last N" (a negative start) turned into a start from the link's
    ``duration`` (s). Raises ValueError with words for the user when the duration is unknown."""
    start, end = section
    if start >= 0:
        return section
    if duration is None or duration <= 0:
        raise ValueError(
            f"“{span_words(section)}” needs the video's length, which this link does not tell before "
            "downloading. Give a start time instead (“from 8:00”)."
        )
    return (max(0.0, round(duration + start, 3)), None)


# ---- the phrases -----------------------------------------------------------------------------

_SEP = r"\s*(?:to|until|till|through|thru|-|–|—|~)\s*"
_SECTION_EN = [
    ("range", re.compile(rf"\bbetween\s+(?P<a>{_TIME})\s+and\s+(?P<b>{_TIME})")),
    ("range", re.compile(rf"(?:\bfrom\s+)?(?P<a>{_CLOCK}|{_N}|{_EN_DUR}){_SEP}(?P<b>{_CLOCK}|{_EN_DUR})(?![\w:])")),
    ("first", re.compile(rf"\b(?:the\s+)?(?:very\s+)?(?:first|1st|opening|beginning)\s+(?P<d>{_EN_DUR})(?![\w:])")),
    ("last", re.compile(rf"\b(?:the\s+)?(?:very\s+)?(?:last|final|closing)\s+(?P<d>{_EN_DUR})(?![\w:])")),
    ("from", re.compile(rf"\b(?:from|starting\s+at|start\s+at|after)\s+(?P<a>{_CLOCK}|{_EN_DUR})(?![\w:])"
                        r"(?:\s+(?:on(?:wards?)?|to\s+the\s+end|till\s+the\s+end|until\s+the\s+end))?")),
]  # fmt: skip
_SECTION_ZH = [
    ("range", re.compile(rf"(?:从|由)?\s*(?P<a>{_CLOCK}|{_ZH_DUR})\s*(?:到|至|-|~|—)\s*(?P<b>{_CLOCK}|{_ZH_DUR})(?:的部分|之间)?")),
    ("first", re.compile(rf"前\s*(?P<d>{_ZH_DUR})")),
    ("last", re.compile(rf"(?:最后|末尾|结尾|(?<![然之以])后)\s*(?P<d>{_ZH_DUR})")),
    ("from", re.compile(rf"从\s*(?P<a>{_CLOCK}|{_ZH_DUR})\s*(?:开始|起|以后|之后)")),
]  # fmt: skip


def _section(text: str) -> tuple[tuple[float, float | None] | None, str]:
    for kind, pattern in _SECTION_EN + _SECTION_ZH:
        for m in pattern.finditer(text):
            if not m.group(0).strip():
                continue
            groups = m.groupdict()
            if kind == "range":
                a_text, b_text = groups["a"], groups["b"]
                if not (a_text and b_text and _has_unit(b_text)):
                    continue  # "1-5" is entries, not times
                b = seconds(b_text)
                a = seconds(a_text)
                if a is not None and not _has_unit(a_text):  # "from 45 to 70 seconds": b's unit
                    unit = re.search(r"([a-z]+|分钟|分|秒)\s*$", b_text.strip())
                    if unit and not re.search(r"\d\s*[a-z分]+\s*\d", b_text):
                        a = seconds(f"{a_text} {unit[1]}")
                if a is None or b is None or b <= a:
                    continue
                value: tuple[float, float | None] = (a, b)
            elif kind in ("first", "last"):
                d = seconds(groups["d"] or "")
                if not d or not _has_unit(groups["d"]):
                    continue
                value = (0.0, d) if kind == "first" else (-d, None)
            else:
                a = seconds(groups["a"] or "")
                if a is None or not _has_unit(groups["a"]):
                    continue
                value = (a, None)
            return value, text[: m.start()] + " " + text[m.end() :]
    return None, text


_AUDIO_FMT = r"(?<![a-z0-9])(mp3|m4a)(?![a-z0-9])"
_AUDIO_EN = [
    re.compile(rf"\b(?:the\s+)?(?:audio|sound)(?:\s+track)?\s+(?:as|in|to|into)\s+(?:an?\s+)?{_AUDIO_FMT}"),
    re.compile(rf"\b(?:as|in|to|into)\s+(?:an?\s+)?{_AUDIO_FMT}(?:\s+(?:file|audio|format))?"),
    re.compile(r"\b(?:just|only)\s+(?:the\s+)?(?:audio|sound|music|soundtrack)(?:\s+track)?\b"),
    re.compile(r"\b(?:audio|sound)[\s-]+only\b"),
    re.compile(
        r"(?P<keep>\b(?:extract|download|save|grab|get|rip|keep|export)\s+)(?:the\s+|its\s+)?(?:audio|sound|soundtrack)(?:\s+track)?\b"
    ),
    re.compile(r"\b(?:the\s+)?(?:audio|sound|soundtrack)(?:\s+track)?(?=\s+(?:out\s+)?of\b)"),
    re.compile(_AUDIO_FMT),
]
_AUDIO_ZH = re.compile(
    r"(?:提取|抽取|导出|只要|只下载|只保存|仅|纯|要)?(?:的)?(?:音频|音轨)|(?:提取|抽取|导出|只要|只下载|只保存|仅|纯)(?:的)?声音"
)


def _audio(text: str) -> tuple[str | None, str]:
    found, fmt = False, None
    for _ in range(3):  # "rip the soundtrack … as m4a": one ask in two phrases
        m = next((hit for p in [*_AUDIO_EN, _AUDIO_ZH] if (hit := p.search(text))), None)
        if m is None:
            break
        found = True
        fmt = fmt or next((g for g in m.groups() if g in ("mp3", "m4a")), None)
        text = text[: m.start()] + " " + (m.groupdict().get("keep") or "") + text[m.end() :]
    return (fmt or "m4a", text) if found else (None, text)


_SUB_WORD = r"(?:subtitles?|subs|captions?|cc)"
_LANG_EN = r"(?P<lang>(?:(?:simplified|traditional|brazilian|european|mandarin)[\s-]+)?[a-z]+)"
_SUBS_EN = [
    ("burn", re.compile(rf"\b(?:burn(?:ed|t|ing)?|hard[\s-]?(?:code|coded|sub|subbed)|bake(?:d)?)[\s-]*(?:in)?\s+(?:the\s+)?(?:{_LANG_EN}\s+)?{_SUB_WORD}(?:\s+in(?:to)?(?:\s+the\s+(?:picture|video|image))?)?")),
    ("burn", re.compile(rf"\b(?:with\s+)?(?:the\s+)?(?:{_LANG_EN}\s+)?{_SUB_WORD}\s+(?:burned|burnt|baked|hard[\s-]?coded)(?:[\s-]+in)?")),
    ("burn", re.compile(rf"\b(?:with\s+)?(?:burned|burnt|baked)[\s-]+in\s+(?:{_LANG_EN}\s+)?{_SUB_WORD}")),
    ("burn", re.compile(rf"\b(?:with\s+)?hard[\s-]?coded\s+(?:{_LANG_EN}\s+)?{_SUB_WORD}")),
    ("soft", re.compile(rf"\b{_SUB_WORD}\s+in\s+{_LANG_EN}\b")),
    ("soft", re.compile(rf"\b(?:with|and|plus|including|incl)\s+(?:the\s+|its\s+)?(?:{_LANG_EN}\s+)?{_SUB_WORD}\b")),
    ("soft", re.compile(rf"\b{_LANG_EN}\s+{_SUB_WORD}\b")),
]  # fmt: skip
_SUBS_ZH_LANG = r"(?P<lang>简体中文|繁体中文|繁體中文|简中|繁中|中文|汉语|国语|粤语|英文|英语|日文|日语|韩文|韩语|法文|法语|德文|德语|西班牙文|西班牙语|葡萄牙文|葡萄牙语|俄文|俄语|意大利文|意大利语|阿拉伯文|阿拉伯语|中英|双语)"
_SUBS_ZH = [
    ("burn", re.compile(rf"(?:烧录|压制|内嵌|硬)(?:的)?{_SUBS_ZH_LANG}?(?:的)?字幕")),
    ("burn", re.compile(rf"{_SUBS_ZH_LANG}?(?:的)?字幕(?:烧录|压制|内嵌|烧进|压进)(?:画面|视频)?(?:里|中)?")),
    ("soft", re.compile(rf"(?:带上?|附带|含|包含|连同|和|及|外挂|软)?(?:的)?{_SUBS_ZH_LANG}(?:的)?字幕")),
    ("soft", re.compile(r"(?:带上?|附带|含|包含|连同|外挂|软)(?:的)?字幕")),
    ("burn", re.compile(r"(?:烧录|压制|烧进|压进)(?:进|到)?(?:画面|视频)(?:里|中|上)?")),
]
_MAKE_SUBS = re.compile(
    r"\b(?:add|adds|generate|create|make|write|translate|transcribe|auto[\s-]?generate)\b|加|生成|翻译|配|做"
)


def _one_subs(text: str) -> tuple[str, bool, str] | None:
    """The first subtitles phrase: (language name or "", burn, text without it)."""
    for kind, pattern in _SUBS_EN + _SUBS_ZH:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 12) : m.start()]
            if _MAKE_SUBS.search(before + m.group(0)):
                continue  # "add English subtitles", "加字幕": an edit
            name = (m.groupdict().get("lang") or "").strip()
            if name and language_code(name) is None and pattern is _SUBS_EN[-1][1]:
                continue  # "<word> subtitles" where the word is no language
            return name, kind == "burn", text[: m.start()] + " " + text[m.end() :]
    return None


def _subs(text: str, zh: bool) -> tuple[str | None, bool, str]:
    code: str | None = None
    burn = False
    found = False
    for _ in range(3):  # "带中文字幕，硬字幕": one ask in two phrases
        hit = _one_subs(text)
        if hit is None:
            break
        name, hit_burn, text = hit
        found, burn = True, burn or hit_burn
        code = code or (language_code(name) if name else None)
    if not found:
        return None, False, text
    return code or ("zh-Hans" if zh else "en"), burn, text


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
_LIST = r"\d+(?:\s*(?:-|–|to|through|thru)\s*\d+)?(?:\s*(?:,|and|&|\+|、|，)\s*(?:and\s+)?\d+(?:\s*(?:-|–|to|through|thru)\s*\d+)?)*"
_PLAYLIST = [
    ("all", re.compile(rf"\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+|its\s+)?{_THINGS}(?:\s+(?:in|of|from)\s+(?:the\s+|this\s+|that\s+)?(?:playlist|feed|channel|list|series|album)s?)?")),
    ("all", re.compile(r"\b(?:the\s+)?(?:whole|entire|full|complete)\s+(?:playlist|feed|channel|list|series|album|podcast)s?\b")),
    ("all", re.compile(r"\ball\s+of\s+(?:the\s+|this\s+)?(?:playlist|feed|channel|list|them|it)\b")),
    ("all", re.compile(r"\bplaylist\s+all\b|--playlist\s+all\b")),
    ("first", re.compile(rf"\b(?:the\s+)?(?:first|1st)\s+(?P<n>\d+)\s+{_THINGS}")),
    ("list", re.compile(rf"\b(?:playlist\s+)?(?:entries|entry|items?|videos?|episodes?|clips?|tracks?|numbers?|nos?\.?|#)\s*(?P<list>{_LIST})(?![\d.:]|\s*(?:p\b|x\b|k\b|fps|s\b|sec|min|h\b))")),
    ("ord", re.compile(r"\b(?:the\s+)?(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+(?:one\s+)?(?:video|entry|episode|item|clip|track)\b")),
    ("all", re.compile(r"(?:全部|所有|整个|整部|一整个)(?:的)?(?:视频|条目|集|播放列表|列表|合集)?")),
    ("first", re.compile(r"前\s*(?P<n>\d+)\s*(?:个|集|条|部|期)(?:视频)?")),
    ("list", re.compile(r"第\s*(?P<list>\d+(?:\s*(?:到|至|-|~|、|，|,|和)\s*第?\s*\d+)*)\s*(?:个|集|条|部|期)(?:视频)?")),
]  # fmt: skip


def _canonical(spec: str) -> str | None:
    parts = []
    for a, b in re.findall(r"(\d+)(?:\s*(?:-|–|to|through|thru|到|至|~)\s*第?\s*(\d+))?", spec):
        lo, hi = int(a), int(b or a)
        if lo < 1 or hi < lo:
            return None
        parts.append(f"{lo}-{hi}" if hi > lo else str(lo))
    return ",".join(parts) or None


def _playlist(text: str, links: int) -> tuple[str | None, str]:
    for kind, pattern in _PLAYLIST:
        m = pattern.search(text)
        if not m:
            continue
        if kind == "all":
            if links > 1 and not re.search(r"playlist|feed|channel|list|series|album|podcast|列表|合集", m[0]):
                continue  # "download all videos <a> <b>": all the links, not a playlist's entries
            value: str | None = "all"
        elif kind == "first":
            n = int(m["n"])
            value = "1" if n == 1 else f"1-{n}" if n > 1 else None
        elif kind == "ord":
            word = m["ord"]
            value = str(_ORDINALS.get(word) or int(re.sub(r"\D", "", word)))
        else:
            value = _canonical(m["list"])
        if value:
            return value, text[: m.start()] + " " + text[m.end() :]
    if links == 1:
        m = re.search(r"\ball\b", text)
        if m:
            return "all", text[: m.start()] + " " + text[m.end() :]
    return None, text


@dataclass(frozen=True)
class DownloadAsks:
    """What a download message asks for (see the module doc); ``rest`` is the text without
    those phrases (numbers written as digits)."""

    section: tuple[float, float | None] | None = None
    audio: str | None = None
    subs: str | None = None
    burn_subs: bool = False
    playlist: str | None = None
    rest: str = ""


def read_asks(text: str, links: int = 1) -> DownloadAsks:
    """The asks of a message whose links were taken out; never raises."""
    low = _digits((text or "").lower())
    zh = bool(re.search(r"[\u3400-\u9fff]", low))
    subs, burn, rest = _subs(low, zh)
    audio, rest = _audio(rest)
    playlist, rest = _playlist(rest, links)
    section, rest = _section(rest)
    return DownloadAsks(section, audio, subs, burn, playlist, rest)


def parse_section_arg(value: str) -> tuple[float, float | None]:
    """A section given on a command line (``nemo-tui get --section``): "1:00-2:30", "90-150",
    "1:00-" (to the end), or the words of a message ("first 30 seconds", "last 2 minutes":
    ``(-120, None)``, resolved by the job). Raises ValueError with words for the user."""
    text = (value or "").strip()
    m = re.fullmatch(rf"({_CLOCK}|{_N}|[0-9hms.]+)\s*-\s*({_CLOCK}|{_N}|[0-9hms.]+)?", text)
    if m:
        start, end = seconds(m[1]), seconds(m[2]) if m[2] else None
        if start is None or (m[2] and end is None):
            raise ValueError(f"“{value}” is not a section: write START-END, like 1:00-2:30 or 90-150 (seconds).")
        if end is not None and end <= start:
            raise ValueError(f"“{value}” ends before it starts.")
        return (start, end)
    section = read_asks(text).section
    if section is None:
        raise ValueError(f"“{value}” is not a section: write START-END, like 1:00-2:30 or 90-150 (seconds).")
    return section


__all__ = ["DownloadAsks", "clock", "parse_section_arg", "read_asks", "resolve_section", "seconds", "span_words"]
