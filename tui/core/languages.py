"""Subtitle languages by the names people type, in English and Chinese (issue 17).

``language_code("English") == "en"``, ``language_code("中文") == "zh-Hans"``,
``language_code("pt-BR") == "pt-BR"``; None for a word that names no language.
``language_name("en") == "English"`` for the chat line.

A small table rather than ``langcodes``: its name lookup needs the ``language_data`` package
(megabytes of CLDR names in every language) to read the two dozen names people type here, and
the codes are the BCP 47 tags sites list their subtitles under (yt-dlp's ``subtitles`` keys:
"en", "zh-Hans", "pt-BR"), which the engine matches (``tui/engine/media/fetch_options.py``).
"""

from __future__ import annotations

import re

# code: (English name, names people type in English and Chinese)
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": ("English", ("english", "eng", "英文", "英语", "英語")),
    "zh-Hans": (
        "Chinese",
        (
            "chinese",
            "simplified chinese",
            "mandarin",
            "mandarin chinese",
            "中文",
            "汉语",
            "漢語",
            "国语",
            "简体中文",
            "简中",
            "简体",
        ),
    ),
    "zh-Hant": ("Traditional Chinese", ("traditional chinese", "繁体中文", "繁體中文", "繁中", "繁体")),
    "yue": ("Cantonese", ("cantonese", "粤语", "粵語")),
    "es": ("Spanish", ("spanish", "español", "espanol", "西班牙文", "西班牙语")),
    "fr": ("French", ("french", "français", "francais", "法文", "法语")),
    "de": ("German", ("german", "deutsch", "德文", "德语")),
    "ja": ("Japanese", ("japanese", "日文", "日语", "日語")),
    "ko": ("Korean", ("korean", "韩文", "韩语", "韓語")),
    "pt": ("Portuguese", ("portuguese", "português", "portugues", "葡萄牙文", "葡萄牙语")),
    "pt-BR": ("Brazilian Portuguese", ("brazilian portuguese", "brazilian", "巴西葡萄牙语")),
    "it": ("Italian", ("italian", "italiano", "意大利文", "意大利语")),
    "ru": ("Russian", ("russian", "俄文", "俄语")),
    "ar": ("Arabic", ("arabic", "阿拉伯文", "阿拉伯语")),
    "hi": ("Hindi", ("hindi", "印地语")),
    "nl": ("Dutch", ("dutch", "荷兰语")),
    "pl": ("Polish", ("polish", "波兰语")),
    "tr": ("Turkish", ("turkish", "土耳其语")),
    "vi": ("Vietnamese", ("vietnamese", "越南语")),
    "th": ("Thai", ("thai", "泰语")),
    "id": ("Indonesian", ("indonesian", "印尼语")),
    "uk": ("Ukrainian", ("ukrainian", "乌克兰语")),
    "sv": ("Swedish", ("swedish", "瑞典语")),
}
_BY_NAME = {name: code for code, (_, names) in LANGUAGES.items() for name in names}
_BY_CODE = {code.lower(): code for code in LANGUAGES}
_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,2}$", re.I)


def language_code(name: str) -> str | None:
    """The code for a language name or code people type; None when it names none."""
    key = re.sub(r"\s+", " ", (name or "").strip().lower().replace("_", "-"))
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key in _BY_CODE:
        return _BY_CODE[key]
    if "-" in key and _TAG.match(key):  # "pt-br", "en-gb": a tag the table does not list
        head, _, tail = key.partition("-")
        if head in _BY_CODE or head in {c.split("-")[0] for c in _BY_CODE}:
            return f"{head}-{tail.upper() if len(tail) == 2 else tail.title()}"
    return None


def language_name(code: str) -> str:
    """ "English" for "en"; the code itself when the table does not know it."""
    entry = LANGUAGES.get(code) or LANGUAGES.get(_BY_CODE.get(code.lower(), ""))
    return entry[0] if entry else code


__all__ = ["LANGUAGES", "language_code", "language_name"]
