"""Sound, speed, fades, shape and file size: music and volume (absolute and relative), mute,
speed (whole or a span, slow motion), fades (picture and music), aspect ratios and platforms,
resolution, and a target file size."""

from __future__ import annotations

import re

from tui.engine.nlu.clause import Clause, Intent
from tui.engine.nlu.refs import take_clip
from tui.engine.nlu.times import Span, find_range, find_relative, find_times

MUSIC_WORD = (
    r"(?:\b(?:background\s+music|music|bgm|soundtrack|song|tune|track\s+music|backing\s+track|audio\s+track)\b"
    r"|背景音乐|音乐|配乐|歌曲|歌|bgm)"
)
MUSIC_RE = _MUSIC_RE = re.compile(MUSIC_WORD, re.I)
_FILE_RE = re.compile(r"[\w\-.()\[\]]+\.(?:mp3|wav|m4a|aac)\b", re.I)
_PERCENT_RE = re.compile(
    r"(?P<v>\d{1,3})\s*(?:%|％|percent|per\s*cent)|\bvolume\s*(?:to|at|of|=|:)?\s*(?P<v2>\d{1,3})\b"
    r"|音量\s*(?:调到|调成|设为|为)?\s*(?P<v3>\d{1,3})",
    re.I,
)
_QUIETER_RE = re.compile(
    r"\b(?:quieter|softer|lower|turn(?:ed)?\s+(?:it\s+|the\s+\w+\s+)?down|reduce|decrease|"
    r"less\s+loud|too\s+loud|down\s+a\s+bit|lower\s+the\s+volume|duck|not\s+so\s+loud|quiet)\b"
    r"|小一点|小声|调低|降低|调小|轻一点|太大",
    re.I,
)
_LOUDER_RE = re.compile(
    r"\b(?:louder|turn(?:ed)?\s+(?:it\s+|the\s+\w+\s+)?up|increase|boost|raise|pump\s+up|"
    r"too\s+quiet|more\s+volume|up\s+a\s+bit|can'?t\s+hear)\b|大一点|大声|调高|提高|调大|太小",
    re.I,
)
_OFF_RE = re.compile(r"\b(?:mute|silence|off|turn(?:ed)?\s+off|switch\s+off|kill)\b|静音|关掉|关闭", re.I)
_REMOVE_MUSIC_RE = re.compile(
    r"\b(?:take|get|cut|leave)\s+(?:the\s+|all\s+(?:the\s+)?)?" + MUSIC_WORD + r"\s+(?:out|off|away)\b|"
    r"(?:\b(?:remove|delete|drop|get\s+rid\s+of|take\s+(?:out|off|away)|lose|no|without|"
    r"(?:i\s+)?don'?t\s+(?:want|need|like)|"
    r"ditch)\b|删除|去掉|移除|不要|删掉)\s*(?:the\s+|any\s+|all\s+(?:the\s+)?|that\s+)?" + MUSIC_WORD,
    re.I,
)
_ADD_MUSIC_RE = re.compile(r"\b(?:add|put|use|play|include|insert|set|with|lay|overlay)\b|添加|加上|加|配上|用", re.I)
_OWN_SOUND = (
    r"(?:\b(?:original\s+|source\s+|video'?s?\s+(?:own\s+)?)?(?:audio|sound|voices?|speech|talking|dialogue|"
    r"vocals|volume)\b|原声|声音|人声)"
)
_OWN_SOUND_RE = re.compile(_OWN_SOUND, re.I)
_MUTE_RE = re.compile(
    r"\bmute\b(?!\s+(?:the\s+)?(?:music|song|bgm))|\bsilence\b|\bsilent\b|静音|去掉声音|去掉原声|关掉声音|"
    r"\b(?:remove|delete|drop|strip|kill|cut|turn\s+off|get\s+rid\s+of|take\s+out|lose)\s+(?:the\s+|all\s+(?:the\s+)?)?"
    r"(?:original\s+|source\s+)?(?:audio|sound|voices?)\b|\bno\s+(?:audio|sound)\b|\bwithout\s+(?:the\s+)?(?:audio|sound)\b",
    re.I,
)
_UNMUTE_RE = re.compile(
    r"\bunmute\b|\b(?:restore|bring\s+back|turn\s+on|keep)\s+(?:the\s+)?(?:original\s+)?(?:audio|sound)\b"
    r"|\bsound\s+back\b|恢复声音|取消静音|恢复原声",
    re.I,
)

_SPEED_RE = re.compile(
    r"(?P<x>\d+(?:\.\d+)?)\s*(?:x|×|倍速?)(?![a-z0-9])|\bx\s*(?P<x2>\d+(?:\.\d+)?)\b|(?P<pct>\d{1,3})\s*%\s*speed"
    r"|\bspeed\s*(?:to|at|of)?\s*(?P<pct2>\d{1,3})\s*%"
    r"|(?P<dbl>\b(?:double|twice\s+the|2x)\s+speed\b|\btwice\s+as\s+fast\b|\bdouble\s+(?:it|the\s+speed)\b)"
    r"|(?P<half>\bhalf\s+(?:the\s+)?speed\b|\bhalf-speed\b|\bhalf\s+as\s+fast\b)"
    r"|(?P<slowmo>\bslow[\s-]*mo(?:tion)?\b|\bslomo\b|慢动作|慢镜头)"
    r"|(?P<normal>\b(?:normal|regular|original|real[\s-]*time)\s+speed\b|原速|正常速度)"
    r"|(?P<faster>\bspeed\s+(?:it\s+|this\s+|the\s+\w+\s+)?up\b|\bfaster\b|\bquicker\b|\bfast[\s-]*forward\b|\btime[\s-]*lapse\b|加速|快进|快一点|快点)"
    r"|(?P<slower>\bslow\s+(?:it\s+|this\s+|the\s+\w+\s+)?down\b|\bslower\b|减速|慢一点|慢点|放慢)",
    re.I,
)
_SPEED_SPECIFIC_RE = re.compile(
    r"(?P<dbl>\b(?:double|twice\s+the|2x)\s+speed\b|\btwice\s+as\s+fast\b|\bdouble\s+(?:it|the\s+speed)\b)"
    r"|(?P<half>\bhalf\s+(?:the\s+)?speed\b|\bhalf-speed\b|\bhalf\s+as\s+fast\b)"
    r"|(?P<slowmo>\bslow[\s-]*mo(?:tion)?\b|\bslomo\b|慢动作|慢镜头)"
    r"|(?P<normal>\b(?:normal|regular|original|real[\s-]*time)\s+speed\b|原速|正常速度)",
    re.I,
)
_SPEED_CONTEXT = re.compile(r"\bspeed|\bplay|\bfast|\bslow|\bmotion|倍|速|快|慢|\bx\b|\d\s*[x×](?![a-z0-9])", re.I)
_SPEED_NUM_RE = re.compile(
    r"(?P<x>\d+(?:\.\d+)?)\s*(?:(?:x|×|倍速?)(?![a-z0-9])|times(?=\s+(?:faster|as\s+fast|the\s+speed|speed)))|\bx\s*(?P<x2>\d+(?:\.\d+)?)\b"
    r"|(?P<pct>\d{1,3})\s*%\s*speed|\bspeed\s*(?:to|at|of)?\s*(?P<pct2>\d{1,3})\s*%",
    re.I,
)

_FADE_RE = re.compile(r"\bfad(?:e|es|ed|ing)\b|\bdissolve\s+(?:in|out)\b|淡入|淡出|渐入|渐出|渐显|渐隐|淡化", re.I)
_FADE_IN_RE = re.compile(
    r"\bfade[sd]?\s+(?:it\s+|the\s+\w+\s+)?in\b|\bfade\s+up\b|\bfrom\s+black\b|\bin\s+and\s+out\b|\bat\s+the\s+(?:start|beginning)\b|\bstart\s+and\s+(?:the\s+)?end\b|淡入|渐入|渐显",
    re.I,
)
_FADE_OUT_RE = re.compile(
    r"\bfade[sd]?\s+(?:it\s+|the\s+\w+\s+)?out\b|\bfade\s+(?:to|into)\s+black\b|\bfade\s+away\b|\bin\s+and\s+out\b"
    r"|\bat\s+the\s+end\b|\b(?:and|&)\s+(?:the\s+)?end\b|\bwhen\s+it\s+(?:ends|finishes)\b|\bending\b|\bout\b"
    r"|淡出|渐出|渐隐",
    re.I,
)

ASPECTS = ("16:9", "9:16", "1:1", "4:3", "3:4", "4:5", "5:4", "21:9", "2:3", "3:2")
_RATIO_RE = re.compile(r"(?<![\d:.])(\d{1,2})\s*(?::|/|by|比)\s*(\d{1,2})(?![\d:])", re.I)
ASPECT_WORDS = [
    (
        re.compile(
            r"\binsta(?:gram)?\s+(?:reels?|stor(?:y|ies))\b|\b(?:vertical|portrait|tiktok|tik\s+tok|reels?|shorts|"
            r"story|stories|snapchat|phone\s+screen)\b|竖屏|竖版|抖音|快手",
            re.I,
        ),
        "9:16",
        "reels",
    ),
    (
        re.compile(r"\b(?:instagram|insta|ig)\s*(?:post|feed|portrait)?\b|\bfacebook\s+feed\b|小红书", re.I),
        "4:5",
        "post",
    ),
    (re.compile(r"\bsquare\b|方形|正方形", re.I), "1:1", None),
    (re.compile(r"\b(?:cinemascope|ultra[\s-]*wide|anamorphic|letterbox(?:ed)?)\b|宽银幕", re.I), "21:9", None),
    (
        re.compile(
            r"\b(?:landscape|horizontal|widescreen|wide)\b|\b(?:for|like)\s+youtube\b|\byoutube\s+(?:format|size|ratio|"
            r"video|style|shape)\b|横屏|横版",
            re.I,
        ),
        "16:9",
        None,
    ),
    (re.compile(r"\b(?:original|source)\s+(?:aspect|ratio|shape|size)\b|原始比例|原比例", re.I), None, None),
]
_CROP_RE = re.compile(r"\b(?:crop|fill|zoom\s+in|no\s+(?:black\s+)?bars|full\s*screen)\b|裁剪|填满|铺满", re.I)

_RES_RE = re.compile(
    r"\b(?P<p>2160|1440|1080|720|480|360)\s*p\b|\b(?P<k>4k|uhd|ultra\s*hd)\b|\b(?P<fhd>full\s*hd|fhd)\b|\b(?P<hd>hd)\b"
    r"|(?P<hi>\bhighest\b|\bbest\b|\bmax(?:imum)?\s+(?:quality|resolution)\b|\boriginal\s+(?:quality|resolution)\b|"
    r"\bsource\s+(?:quality|resolution)\b|最高|原画|最清晰)",
    re.I,
)
_MP4_RE = re.compile(r"(?<![.\w])mp4\b|\bh\.?264\b", re.I)  # "holiday.mp4" is a file name

_SIZE_RE = re.compile(
    r"(?:\b(?:under|below|less\s+than|at\s+most|max(?:imum)?|smaller\s+than|no\s+more\s+than|up\s+to|within|fit\s+in(?:to)?)\s+|小于|不超过|低于|以内)?"
    r"(?P<mb>\d+(?:\.\d+)?)\s*(?P<u>mb|megabytes?|megs?|m\b|gb|兆|M)(?![a-z])",
    re.I,
)
_SMALLER_RE = re.compile(
    r"\b(?:small\s+enough|smaller|compress(?:ed|ion)?|shrink|reduce\s+(?:the\s+)?(?:file\s+)?size|lighter|"
    r"lower\s+(?:the\s+)?(?:file\s+)?size|file\s+(?:is\s+)?too\s+(?:big|large)|too\s+big|"
    r"smaller\s+file|less\s+space)\b|压缩|小一点的文件|文件太大|减小体积|变小",
    re.I,
)
PLATFORM_LIMITS_MB = [
    (re.compile(r"\bwhats\s*app\b", re.I), 16.0, "WhatsApp"),
    (re.compile(r"\bdiscord\b", re.I), 10.0, "Discord"),
    (re.compile(r"\b(?:e-?mail|gmail|outlook)\b|邮件|邮箱", re.I), 25.0, "email"),
    (re.compile(r"微信|\bwechat\b", re.I), 25.0, "WeChat"),
]


def _music(c: Clause, out: list[Intent]) -> None:
    has_music = c.search(_MUSIC_RE)
    file_m = _FILE_RE.search(c.original)
    if c.search(_REMOVE_MUSIC_RE) and not c.search(_PERCENT_RE):
        c.take(_REMOVE_MUSIC_RE)
        out.append(Intent("remove", {"track_type": 1}))
        return
    if has_music:
        pct = c.take(_PERCENT_RE)
        if pct:
            vol = int(next(g for g in pct.groups() if g))
            if _ADD_MUSIC_RE.search(c.work) or file_m:
                out.append(Intent("music", {"volume": vol, "name": file_m.group(0) if file_m else None}))
            else:
                out.append(Intent("volume", {"target": "music", "percent": vol}))
        elif c.take(_QUIETER_RE):
            out.append(Intent("volume", {"target": "music", "factor": 0.5}))
        elif c.take(_LOUDER_RE):
            out.append(Intent("volume", {"target": "music", "factor": 1.5}))
        elif c.search(_OFF_RE) and not c.search(_FADE_RE):
            c.take(_OFF_RE)
            out.append(Intent("volume", {"target": "music", "percent": 0}))
        elif c.search(_FADE_RE):
            return  # "fade the music out": the fade rule reads it
        elif re.search(r"\b(?:keep|leave)\b|保留", c.work, re.I):
            c.take(re.compile(r"\b(?:keep|leave)\b|保留", re.I))  # "...but keep the music": nothing to do
        elif (
            _ADD_MUSIC_RE.search(c.work)
            or file_m
            or re.fullmatch(r"\s*(?:some\s+)?" + MUSIC_WORD + r"\s*", c.work, re.I)
        ):
            out.append(Intent("music", {"volume": None, "name": file_m.group(0) if file_m else None}))
        else:
            return
        c.take(_MUSIC_RE)
        c.take(_ADD_MUSIC_RE)
        return
    if file_m and _ADD_MUSIC_RE.search(c.work):
        pct = c.take(_PERCENT_RE)
        out.append(
            Intent(
                "music", {"volume": int(next(g for g in pct.groups() if g)) if pct else None, "name": file_m.group(0)}
            )
        )
        c.work = c.work.replace(file_m.group(0), " ")
        return
    if c.search(_UNMUTE_RE):
        c.take(_UNMUTE_RE)
        out.append(Intent("unmute"))
        return
    if c.search(_MUTE_RE):
        c.take(_MUTE_RE)
        out.append(Intent("mute"))
        return
    own = c.search(_OWN_SOUND_RE) or re.search(
        r"\b(?:it|everything|the\s+video)\b|\b(?:quieter|louder)\b|音量", c.work, re.I
    )
    if own and not c.search(_FADE_RE) and not (find_times(c.work) and not c.search(_OWN_SOUND_RE)):
        target = "video" if c.search(_OWN_SOUND_RE) and not re.search(r"\bvolume\b|音量", c.work, re.I) else "all"
        pct = _PERCENT_RE.search(c.work)
        if pct and re.search(r"\bvolume\b|音量|\b(?:audio|sound)\b", c.work, re.I):
            c.consume(pct.span())
            out.append(Intent("volume", {"target": target, "percent": int(next(g for g in pct.groups() if g))}))
        elif c.take(_QUIETER_RE):
            out.append(Intent("volume", {"target": target, "factor": 0.5}))
        elif c.take(_LOUDER_RE):
            out.append(Intent("volume", {"target": target, "factor": 1.5}))
        else:
            return
        c.take(_OWN_SOUND_RE)


def _span_and_clip(c: Clause) -> tuple[Span | None, int | None]:
    clip = take_clip(c)
    r = find_range(c.work)
    if r:
        c.consume(r[0])
        return r[1], clip
    rel = find_relative(c.work)
    if rel:
        c.consume(rel[0])
        return rel[2], clip
    return None, clip


def _speed(c: Clause, out: list[Intent]) -> None:
    m = c.search(_SPEED_NUM_RE) or c.search(_SPEED_SPECIFIC_RE) or c.search(_SPEED_RE)
    if not m or not c.search(_SPEED_CONTEXT):
        return
    g: dict[str, str | None] = {
        k: None for k in ("x", "x2", "pct", "pct2", "dbl", "half", "slowmo", "normal", "faster")
    }
    g.update(m.groupdict())
    if (g["x"] or g["x2"]) and not re.search(
        r"\bspeed|\bplay|\bfast|\bslow|倍|速|\bx\s*\d|\d\s*[x×]|\btimes\b", c.work, re.I
    ):
        return
    if m.re is not _SPEED_RE:
        words = _SPEED_RE.search(c.work)  # "speed it up 2x": the words go with the number
        if words and not (words.group("x") or words.group("x2")):
            c.consume(words.span())
    factor: float
    if g["x"] or g["x2"]:
        factor = float(g["x"] or g["x2"] or 1)
    elif g["pct"] or g["pct2"]:
        factor = float(g["pct"] or g["pct2"] or 100) / 100.0
    elif g["dbl"]:
        factor = 2.0
    elif g["half"] or g["slowmo"]:
        factor = 0.5
    elif g["normal"]:
        factor = 1.0
    elif g["faster"]:
        factor = 1.5
    else:
        factor = 0.75
    c.consume(m.span())
    c.take(re.compile(r"\bspeed(?:\s+up)?\b|\bplay(?:back)?\b|速度|播放", re.I))
    span, clip = _span_and_clip(c)
    params = {"factor": factor, "span": span, "clip": clip}
    if g["normal"]:
        params["absolute"] = True  # "back to normal speed": 1x, whatever it was
    out.append(Intent("speed", params))


def _fade(c: Clause, out: list[Intent]) -> None:
    if not c.search(_FADE_RE):
        return
    fin, fout = bool(c.search(_FADE_IN_RE)), bool(c.search(_FADE_OUT_RE))
    which = "both" if fin == fout else ("in" if fin else "out")
    target = "music" if c.search(_MUSIC_RE) else "video"
    times = find_times(c.work)
    ms = times[0].ms if times and times[0].ms <= 10000 else 1000
    for rx in (_FADE_IN_RE, _FADE_OUT_RE, _FADE_RE, _MUSIC_RE):
        while c.take(rx):
            pass
    for t in reversed(times):
        c.consume((t.start, t.end))
    c.work = re.sub(r"\b(?:over|of|for|a|long|in|out|at\s+the\s+(?:start|end|beginning))\b", " ", c.work, flags=re.I)
    out.append(Intent("fade", {"target": target, "which": which, "ms": ms}))


_PUBLISH_RE = re.compile(r"\b(?:upload|publish|share)\b|\bpost\s+(?:it|this|on|to)\b|发布|上传", re.I)


def _aspect(c: Clause, out: list[Intent]) -> None:
    for m in _RATIO_RE.finditer(c.work):
        ratio = f"{int(m.group(1))}:{int(m.group(2))}"
        if ratio in ASPECTS:
            c.consume(m.span())
            fit = "crop" if c.take(_CROP_RE) else "pad"
            out.append(Intent("aspect", {"aspect": ratio, "fit": fit}))
            return
        if (
            int(m.group(1)) <= 32
            and int(m.group(2)) <= 32
            and re.search(r"\b(?:aspect|ratio|crop|format)\b|比例", c.work, re.I)
        ):
            c.consume(m.span())
            out.append(Intent("unsupported", {"what": "aspect", "text": ratio}))
            return
    for rx, value, _kind in ASPECT_WORDS:
        if _kind is not None and c.search(_PUBLISH_RE):
            continue  # "post it on TikTok" names where, not a shape
        w = c.search(rx)
        if w:
            c.consume(w.span())
            fit = "crop" if c.take(_CROP_RE) else "pad"
            out.append(Intent("aspect", {"aspect": value, "fit": fit}))
            c.take(re.compile(r"\b(?:aspect(?:\s+ratio)?|ratio|format|version|mode|orientation)\b|比例", re.I))
            return


def _size(c: Clause, out: list[Intent]) -> None:
    m = c.search(_SIZE_RE)
    platform = next(((mb, name) for rx, mb, name in PLATFORM_LIMITS_MB if c.search(rx)), None)
    if m and (
        m.group(0).strip()[0].isalpha()
        or c.search(_SMALLER_RE)
        or re.search(r"\b(?:file|size)\b|大小|文件", c.work, re.I)
        or platform
        or re.match(r"小于|不超过|低于", m.group(0))
    ):
        mb = float(m.group("mb")) * (1024 if m.group("u").lower() == "gb" else 1)
        c.consume(m.span())
        c.take(_SMALLER_RE)
        out.append(Intent("size", {"max_mb": mb, "reason": platform[1] if platform else None}))
        return
    if c.search(_SMALLER_RE) and not re.search(r"\b(?:title|text|caption|font)\b|标题|字", c.work, re.I):
        c.take(_SMALLER_RE)
        if platform:
            out.append(Intent("size", {"max_mb": platform[0], "reason": platform[1]}))
        else:
            out.append(Intent("size", {"max_mb": None, "reason": None}))
        return
    if platform and re.search(r"\b(?:send|share|fit|upload|post)\b|发", c.work, re.I):
        out.append(Intent("size", {"max_mb": platform[0], "reason": platform[1]}))


def _convert(c: Clause, out: list[Intent]) -> None:
    m = c.search(_RES_RE)
    if m:
        g = m.groupdict()
        res = (
            f"{g['p']}p" if g["p"] else "2160p" if g["k"] else "1080p" if g["fhd"] else "720p" if g["hd"] else "highest"
        )
        c.consume(m.span())
        c.take(_MP4_RE)
        c.take(
            re.compile(r"\b(?:resolution|quality|convert|export|download|save|format|at|in)\b|分辨率|下载|导出", re.I)
        )
        out.append(Intent("convert", {"resolution": res, "format": "mp4"}))
        return
    if c.search(_MP4_RE):
        c.take(_MP4_RE)
        c.take(re.compile(r"\b(?:convert|transcode|re-?encode|format|save|download|export)\b|转换|格式", re.I))
        out.append(Intent("convert", {"resolution": None, "format": "mp4"}))


def read(c: Clause) -> list[Intent]:
    out: list[Intent] = []
    _speed(c, out)
    _fade(c, out)
    _music(c, out)
    _size(c, out)
    _aspect(c, out)
    _convert(c, out)
    return out
