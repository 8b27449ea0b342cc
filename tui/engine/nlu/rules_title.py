"""Titles: add, change, move, retime and remove the text drawn on the video.

"add the title 'Urban Dreams' at the bottom from 0:02 to 0:06", "put a caption saying Hi
there for 4 seconds at 1s", "change the title text to 'X'", "move the title to the top",
"show the title at the end", "delete that text", "添加标题「城市之梦」在底部".
"""

from __future__ import annotations

import re
from typing import Any

from tui.engine.nlu.clause import Clause, Intent
from tui.engine.nlu.quotes import restore
from tui.engine.nlu.times import TIME, Span, find_range, find_relative, find_times

DEFAULT_TITLE_MS = 3000
TITLE_WORD = (
    r"(?:\b(?:titles?|captions?|headings?|headlines?|texts?|words|subtitles?|lower\s+third|overlay)\b"
    r"|标题|字幕|文字|文本)"
)
_TITLE_RE = re.compile(TITLE_WORD, re.I)
_REMOVE_RE = re.compile(
    r"(?:\b(?:remove|delete|drop|get\s+rid\s+of|take\s+(?:out|off|away|down)|clear|erase|hide|lose|kill|no|"
    r"without|ditch)\b|删除|去掉|移除|不要|删掉)\s*(?:the\s+|that\s+|this\s+|all\s+(?:the\s+)?|any\s+|my\s+)?"
    + TITLE_WORD,
    re.I,
)
_REPLACE_RE = re.compile(
    r"\b(?:change|replace|rename|update|edit|swap|fix|correct|retype)\b|改成|换成|修改|改为|改", re.I
)
_ADD_RE = re.compile(
    r"\b(?:add|put|insert|overlay|place|write|include|display|show|with|use|type|need|want|"
    r"create|give)\b|添加|加上|加|写|放",
    re.I,
)
_STYLE_RE = re.compile(
    r"\b(?:bigger|larger|smaller|tiny|huge|font|bold|italic|colou?r|red|yellow|blue|green|pink|"
    r"size|animated?|animation|glow|shadow|outline)\b|字体|颜色|大一点|小一点|加粗",
    re.I,
)
POSITIONS = [
    (r"\b(?:top|upper)[\s-]*left\b|左上", "top-left"),
    (r"\b(?:top|upper)[\s-]*right\b|右上", "top-right"),
    (r"\b(?:bottom|lower)[\s-]*left\b|左下", "bottom-left"),
    (r"\b(?:bottom|lower)[\s-]*right\b|右下", "bottom-right"),
    (r"\b(?:top|upper\s+part|upper)\b|顶部|上方|上面|顶端", "top"),
    (r"\b(?:bottom|lower\s+part|lower)\b|底部|下方|下面|底端", "bottom"),
    (r"\b(?:cent(?:er|re)|middle)\b|中间|居中|中央", "center"),
]
_POS_RE = [
    (
        re.compile(
            r"(?:\b(?:at|in|on|to|near|along)\s+(?:the\s+)?(?:very\s+)?)?(?:"
            + rx
            + r")(?:\s+(?:of\s+(?:the\s+)?(?:screen|frame|video))|\s+corner)?",
            re.I,
        ),
        pos,
    )
    for rx, pos in POSITIONS
]
_AT_END_RE = re.compile(
    r"\b(?:at|near|towards?|by)\s+the\s+(?:very\s+)?(?:end|ending|close)\b|\bas\s+an?\s+outro\b"
    r"|\bin\s+the\s+(?:last|final)\s+(?:part|seconds?)\b|在?(?:结尾|最后|末尾)",
    re.I,
)
_AT_START_RE = re.compile(
    r"\b(?:at|in)\s+the\s+(?:very\s+)?(?:start|beginning|begining|opening)\b|\bas\s+an?\s+intro\b"
    r"|在?(?:开头|开始)",
    re.I,
)
_WHOLE_RE = re.compile(
    r"\b(?:the\s+)?(?:whole|entire|full)\s+(?:video|time|thing|clip)\b|\bthroughout\b|\ball\s+the\s+time\b"
    r"|全程|整个视频",
    re.I,
)
_FOR_RE = re.compile(r"\b(?:for|lasting|during)\s+(?:about\s+)?" + TIME.replace("(?P<", "(?P<f_"), re.I)
_AT_RE = re.compile(
    r"\b(?:at|from|starting\s+at|starting\s+from|after|start(?:ing)?\s+it\s+at)\s+" + TIME.replace("(?P<", "(?P<s_"),
    re.I,
)
_CN_AT_RE = re.compile(r"(?:在|从)\s*(" + TIME.replace("(?P<", "(?P<z_") + r")\s*(?:开始|处|的时候|时)?")
_UNQUOTED_RE = re.compile(
    r"(?:that\s+says|saying|which\s+says|reading|called|:|：|to\s+say|to|as|of|with|into)?\s*(?P<t>.+)$", re.I
)
_STOP_RE = re.compile(
    r"\s+(?:at|from|for|between|on|in|starting|until|during|over|across|near|when|please|"
    r"and|to\s+the)\b.*$|\s*(?:在|从).*$",
    re.I,
)


def _span(c: Clause) -> tuple[Span | None, bool]:
    """The title's timing, consumed from the clause; (span, found)."""
    r = find_range(c.work)
    if r:
        c.consume(r[0])
        return r[1], True
    rel = find_relative(c.work)
    if rel:
        c.consume(rel[0])
        return rel[2], True
    if c.take(_WHOLE_RE):
        return Span(start_ms=0, end_ms=None), True
    if c.take(_AT_END_RE):
        f = _FOR_RE.search(c.work)
        ms = DEFAULT_TITLE_MS
        if f:
            ms = _ms_of(f.group(0)) or ms
            c.consume(f.span())
        return Span(last_ms=ms), True
    start: int | None = 0 if c.take(_AT_START_RE) else None
    dur: int | None = None
    f = _FOR_RE.search(c.work)
    if f:
        dur = _ms_of(f.group(0))
        c.consume(f.span())
    s = _AT_RE.search(c.work) or _CN_AT_RE.search(c.work)
    if s:
        start = _ms_of(s.group(0))
        c.consume(s.span())
    if start is None and dur is None:
        return None, False
    start = start or 0
    return Span(start_ms=start, end_ms=start + (dur or DEFAULT_TITLE_MS)), True


def _ms_of(text: str) -> int:
    found = find_times(text)
    return found[0].ms if found else 0


def _position(c: Clause) -> str | None:
    for rx, pos in _POS_RE:
        if c.take(rx):
            return pos
    return None


def _unquoted_text(c: Clause, m_word: re.Match[str]) -> str | None:
    """Text written after the title word without quotes ("add title Urban Dreams from 2s")."""
    rest = c.work[m_word.end() :]
    says = re.match(r"\s*(?:should|must|needs?\s+to|has\s+to|to)?\s*(?:say|says|read|reads)\b", rest, re.I)
    cn_is = re.match(r"\s*(?:是|为|写)", rest) if re.search(r"标题|字幕|文字|文本", m_word.group(0)) else None
    if not (_ADD_RE.search(c.work[: m_word.start()]) or _REPLACE_RE.search(c.work[: m_word.start()]) or says or cn_is):
        return None  # "字幕放在底部" moves the title, it names no words
    m = _UNQUOTED_RE.match(rest)
    if not m:
        return None
    text = _STOP_RE.sub("", m.group("t")).strip(" .,:：")
    text = re.sub(
        r"^(?:(?:should|must|needs?\s+to|has\s+to)\s+)?(?:that\s+says|saying|reading|called|says?|reads?|to|as|is)\s+",
        "",
        text,
        flags=re.I,
    ).strip()
    text = re.sub(r"^(?:是|为|写成|写)\s*", "", text).strip()
    if re.fullmatch(r"[放移挪改到在把给用让]+.?", text):
        return None
    if (
        not text
        or len(text) > 80
        or re.fullmatch(
            r"(?:track|tracks|it|one|there|here|please|text|the\s+\w+|on|"
            r"\W+)",
            text,
            re.I,
        )
    ):
        return None
    c.consume((m_word.end(), len(c.work)))
    return text


def has_verb(c: Clause) -> bool:
    return bool(_ADD_RE.search(c.work) or _REPLACE_RE.search(c.work) or _REMOVE_RE.search(c.work))


def read(c: Clause) -> list[Intent]:
    word = _TITLE_RE.search(c.work)
    quotes = c.quotes_in()
    music_file = re.search(r"\.(?:mp3|wav|m4a|aac)\b|\b(?:music|song|bgm|soundtrack)\b|音乐", c.work, re.I)
    if word is None and not (quotes and _ADD_RE.search(c.work) and not music_file):
        return []
    if word is None and quotes and music_file:
        return []
    m = _REMOVE_RE.search(c.work)
    if m and not quotes:
        c.consume(m.span())
        return [Intent("remove", {"track_type": 7})]
    replace = bool(_REPLACE_RE.search(c.work)) or bool(
        re.search(r"\b(?:should|must|needs?\s+to|has\s+to)\s+(?:say|read)\b", c.work, re.I)
    )
    text: str | None = None
    if quotes:
        idx = quotes[-1] if replace else quotes[0]
        text = c.quoted[idx]
        c.work = c.work.replace(f"⟦{idx}⟧", " " * len(f"⟦{idx}⟧"))
    position = _position(c)
    span, timed = _span(c)
    if text is None and word is not None:
        text = _unquoted_text(c, word)
        if text is not None:
            text = restore(text, c.quoted)
    if word is not None:
        c.consume(word.span())
    for rx in (_REPLACE_RE, _ADD_RE):
        c.take(rx)
    if text is None:
        if position or timed:
            return [Intent("title_edit", {"position": position, "span": span})]
        if _STYLE_RE.search(c.work):
            return [Intent("unsupported", {"what": "title_style", "text": c.shown()})]
        if re.search(
            r"\b(?:auto|automatic(?:ally)?|generate|transcribe|from\s+(?:the\s+)?(?:speech|audio))\b|自动",
            c.original,
            re.I,
        ) or re.search(r"\bsubtitles?\b|字幕", c.original, re.I):
            return [Intent("unsupported", {"what": "subtitles", "text": c.shown()})]
        return [Intent("unsupported", {"what": "title_no_text", "text": c.shown()})]
    params: dict[str, Any] = {"text": text, "span": span, "position": position, "replace": replace}
    return [Intent("title", params)]
