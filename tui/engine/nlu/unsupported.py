"""Things people ask for that the engine cannot do yet, recognised so the reply can name
them and offer the nearest thing it can do (the words are in :mod:`tui.engine.nlu.replies`)."""

from __future__ import annotations

import re

from tui.engine.nlu.clause import Clause, Intent

CATALOGUE: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(rx, re.I))
    for k, rx in [
        (
            "logo",
            r"\b(?:logo|watermark|sticker|emoji|stickers|picture[\s-]+in[\s-]+picture|pip|image\s+overlay|overlay\s+(?:an?\s+)?image)\b|水印|贴纸|表情|商标",
        ),
        (
            "subtitles",
            r"\b(?:auto[\s-]*(?:captions?|subtitles?)|transcribe|transcript(?:ion)?|generate\s+(?:captions?|subtitles?)|subtitles?|closed\s+captions?|srt)\b|自动字幕|生成字幕|字幕",
        ),
        ("transition", r"\b(?:transitions?|cross[\s-]*fade|crossfades?|dissolve|wipe|swipe\s+effect)\b|转场|过渡"),
        (
            "filter",
            r"\b(?:filters?|colou?r\s*(?:grade|grading|correct(?:ion)?)?|brightness|brighter|darker|contrast|saturation|"
            r"black\s+and\s+white|b&w|grayscale|greyscale|sepia|lut|vintage|warmer|cooler|vibrant|hdr)\b|滤镜|调色|亮度|黑白|对比度",
        ),
        (
            "noise",
            r"\b(?:noise|denoise|hiss|hum|echo|wind\s+noise|clean\s+up\s+the\s+audio|enhance\s+(?:the\s+)?(?:audio|voice))\b|降噪|噪音|杂音",
        ),
        (
            "effect",
            r"\b(?:stabili[sz]e|shaky|blur|blurry|zoom(?:\s+in|\s+out)?|ken\s+burns|rotate|flip|mirror|green\s+screen|chroma|"
            r"remove\s+(?:the\s+)?background|sharpen|upscale|glitch|vhs|shake|effects?)\b|防抖|模糊|旋转|镜像|特效|抠图",
        ),
        ("reverse", r"\b(?:reverse|rewind|backwards|boomerang|loop(?:ing)?|repeat)\b|倒放|循环"),
        (
            "voiceover",
            r"\b(?:voice[\s-]*over|narrat(?:e|ion)|text[\s-]+to[\s-]+speech|tts|dub|dubbing|read\s+it\s+out)\b|配音|旁白|解说",
        ),
        (
            "format",
            r"(?<![.\w])(?:gif|mov|webm|avi|mkv|mp3|wav|m4a|flac|hevc|h\.?265|prores|audio\s+only|extract\s+(?:the\s+)?audio)\b|动图|音频格式",
        ),
        ("fps", r"\b\d{2,3}\s*fps\b|\bframe\s*rate\b|\bframes\s+per\s+second\b|帧率"),
        (
            "smart_cut",
            r"\b(?:highlights?|best\s+(?:parts?|bits|moments)|boring\s+parts?|silences?|dead\s+air|pauses|beat|auto[\s-]*(?:cut|edit)|"
            r"interesting|funny\s+parts?|recap|montage|summar(?:y|ize)\s+video)\b|精彩|高光|卡点|自动剪辑",
        ),
        (
            "generate",
            r"\b(?:generate|create\s+a\s+video|ai\s+video|from\s+a\s+script|animate|make\s+me\s+a\s+video\s+about|avatar|"
            r"thumbnail|cover\s+image)\b|生成视频|封面",
        ),
        (
            "publish",
            r"\b(?:upload\s+(?:it\s+)?to|post\s+(?:it\s+)?(?:on|to)|publish|share\s+(?:it\s+)?(?:on|to)|schedule)\b|发布|上传到",
        ),
        ("split_screen", r"\b(?:split[\s-]*screen|side[\s-]+by[\s-]+side|collage|grid)\b|分屏|拼接画面"),
        ("merge_other", r"\b(?:merge|combine|join|concatenate)\b|合并|拼接"),
    ]
]


def unsupported_intent(c: Clause) -> Intent | None:
    """The first known-unsupported request left in the clause (consumed), or None."""
    for key, rx in CATALOGUE:
        m = c.search(rx)
        if m:
            c.consume(m.span())
            return Intent("unsupported", {"what": key, "text": c.shown()})
    return None
