"""What a message with links asks for, and what the saved files are called.

- ``download_request(text, urls)``: a ``DownloadRequest`` when the message asks to save,
  download, grab, get, convert or keep the links (English or Chinese) and asks for no edit —
  or is only links; ``None`` otherwise (links with edit words go the project way). A section,
  audio, subtitles or entries phrase ("the first 30 seconds", "as mp3", "with English
  subtitles", "videos 1-5": ``tui.core.download_asks``) is part of the download, not an edit.
- ``download_name(title, filename, url)``: the saved file's name, from the video's title, the
  served file name, or the link's path; never "master"/"manifest"/"index" when a better name
  exists; safe on every OS (``tui.api.download.safe_filename``).
- ``reserve_path(folder, name)``: ``Title.mp4``, else ``Title (2).mp4``, …; never an existing
  file, an unfinished ``.part``, or a name another job of this process is writing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from tui.api.download import safe_filename

if TYPE_CHECKING:
    from tui.api.ingest import FetchOptions

_SAVE_EN = frozenset(
    """download downloads downloading save saving grab get fetch keep convert converting rip store
                     offline mp4 copy extract""".split()
)
_SAVE_ZH = ("下载", "下載", "保存", "转成", "轉成", "转换", "轉換", "存下", "离线", "離線", "另存")
_EDIT_EN = frozenset(
    """cut cuts trim trims crop add adds put title titles caption captions subtitle subtitles text
                     music bgm song soundtrack narration voiceover mute unmute volume louder quieter speed
                     speedup slow slower faster reverse merge join combine concatenate stitch rotate flip
                     filter blur fade overlay watermark logo remove delete replace insert split loop aspect
                     vertical square portrait landscape first last seconds second secs sec minutes minute
                     intro outro transition transitions zoom color colour brightness effect effects sticker
                     edit shorten extend highlight highlights""".split()
)
_EDIT_ZH = (
    "剪",
    "裁",
    "加",
    "字幕",
    "音乐",
    "配乐",
    "标题",
    "合并",
    "拼接",
    "静音",
    "去掉",
    "删除",
    "旋转",
    "滤镜",
    "变速",
    "倒放",
    "竖屏",
    "横屏",
    "水印",
    "秒",
    "分钟",
    "片头",
    "片尾",
    "特效",
    "編輯",
    "编辑",
)
_FILLER = frozenset(
    """please pls this these that those the a an it them my me to for of in on as at and with
                    video videos file files link links here now both all each two three four five
                    i want would like can could you u need just then also""".split()
)
MAX_LINKS = 50  # one message, at most this many download jobs; more goes to the agent
_SCHEME_URL = re.compile(r"""(?i)https?://[^\s<>"'`\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+""")
_UPSCALE = re.compile(r"(?i)\bup-?scal(?:e|ed|ing)\b|放大|超分")
_WORD = re.compile(r"[a-z0-9']+|[\u3400-\u9fff]+")

# names a file must not get when anything better is known
BAD_STEMS = frozenset(
    """master manifest index playlist video media stream chunklist prog_index main download file
                      output out default mpd dash hls watch embed player view v play source src upload""".split()
)


@dataclass(frozen=True)
class DownloadRequest:
    """One file per link. ``max_height``: the tallest variant wanted ("as a 720p MP4"), None for
    the highest; ``upscale``: the user asked to enlarge beyond what the link offers.

    Issue 17: ``format_id`` (one row of the link's formats), ``section`` (start s, end s or
    None), ``audio`` ("mp3" | "m4a": an audio file instead of an MP4), ``subs`` (a language code)
    with ``burn_subs``, and ``playlist`` ("all", "1-5", "2,4,7"; None: a playlist link asks).
    A negative section start is "the last N seconds": the job resolves it from the link's
    duration (``tui.core.download_asks.resolve_section``) before anything is fetched."""

    urls: list[str] = field(default_factory=list)
    max_height: int | None = None
    upscale: bool = False
    format_id: str | None = None
    section: tuple[float, float | None] | None = None
    audio: str | None = None
    subs: str | None = None
    burn_subs: bool = False
    playlist: str | None = None

    def fetch_options(self) -> FetchOptions:
        """The fetch extension's options for one link of this request."""
        from tui.api.ingest import FetchOptions  # httpx: not before the first paint

        return FetchOptions(
            max_height=self.max_height,
            format_id=self.format_id,
            section=self.section,
            audio=self.audio,
            subs=self.subs,
            burn_subs=self.burn_subs,
        )


def asked_height(text: str) -> int | None:
    """The height a message asks for: "720p", "1080", "1920x1080", "4K"; None for "highest"."""
    low = (text or "").lower()
    m = re.search(r"\b(\d{3,4})\s*[x×]\s*(\d{3,4})\b", low)
    if m:
        return min(int(m.group(1)), int(m.group(2)))
    m = re.search(r"(?<![\w/.])(144|240|360|480|540|720|1080|1440|2160|4320)\s*p?\b", low)
    if m:
        return int(m.group(1))
    m = re.search(r"\b([248])k\b", low)
    if m:
        return {"2": 1440, "4": 2160, "8": 4320}[m.group(1)]
    return None


def _edits(words: list[str], zh: str) -> bool:
    return any(w in _EDIT_EN for w in words) or any(k in zh for k in _EDIT_ZH)


def download_request(text: str, urls: list[str]) -> DownloadRequest | None:
    """A download job when the message asks to keep the links and asks for no edit; else None."""
    if not urls or len(urls) > MAX_LINKS:
        return None
    rest = _SCHEME_URL.sub(" ", text or "")
    for url in urls:
        bare = re.sub(r"(?i)^https?://", "", url)
        if bare in rest:  # typed without a scheme
            rest = rest.replace(bare, " ")
    from tui.core.download_asks import read_asks

    asks = read_asks(rest, len(urls))  # sections, audio, subtitles, entries: no edit either
    low = re.sub(r"\b\d{3,4}\s*[x×]\s*\d{3,4}\b|\b\d{3,4}\s*p\b|\b[248]k\b", " ", asks.rest)  # sizes are no edit
    words = _WORD.findall(low)
    zh = "".join(w for w in words if "\u3400" <= w[0] <= "\u9fff")
    if _edits(words, zh):
        return None
    save = any(w in _SAVE_EN for w in words) or any(k in zh for k in _SAVE_ZH)
    only_links = all(w in _FILLER or w.isdigit() for w in words if not ("\u3400" <= w[0] <= "\u9fff")) and not zh
    if not (save or only_links):
        return None
    return DownloadRequest(
        list(urls),
        asked_height(asks.rest),
        bool(_UPSCALE.search(rest)),
        section=asks.section,
        audio=asks.audio,
        subs=asks.subs,
        burn_subs=asks.burn_subs,
        playlist=asks.playlist,
    )


def project_way_note(text: str, urls: list[str]) -> str | None:
    """For links with edit words (the project way): the chat line that says so, or None."""
    if not urls or download_request(text, urls) is not None:
        return None
    words = _WORD.findall(_SCHEME_URL.sub(" ", text or "").lower())
    if not _edits(words, "".join(w for w in words if "\u3400" <= w[0] <= "\u9fff")):
        return None  # a question about the links, not an edit
    n = len(urls)
    what = "the link joins" if n == 1 else f"the {n} links join"
    return (
        f"Editing: {what} your project timeline, then the agent makes the change; export when it is "
        "ready. (To only save a video, send “download <link>”.)"
    )


def _stem(value: str | None) -> str:
    text = unquote(value or "").strip()
    text = re.sub(r"\.(mp4|m4v|mov|webm|mkv|avi|m3u8|mpd|ts|html?|php|aspx?)$", "", text, flags=re.I)
    text = re.sub(r"\s+", " ", text).strip(" .-_")
    return text


def _good(stem: str) -> bool:
    low = stem.lower()
    return bool(stem) and low not in BAD_STEMS and not re.fullmatch(r"upl_[0-9a-f]+|[0-9a-f]{16,}|\d{1,3}", low)


def download_name(title: str | None, filename: str | None, url: str) -> str:
    """``<name>.mp4`` for a fetched link: the site's title, else the served file's name, else
    the link's path (last meaningful segment), else its host."""
    # yt-dlp numbers the videos of a page "<page title> (1)": one video needs no number
    candidates = [re.sub(r"\s*\(1\)$", "", _stem(title)), re.sub(r"\s*\(1\)$", "", _stem(filename))]
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    candidates += [_stem(s) for s in reversed(segments)]
    query = parse_qs(parts.query)
    candidates += [_stem(v[0]) for k, v in query.items() if k in ("v", "id", "title", "name") and v]
    candidates.append((parts.hostname or "video").removeprefix("www."))
    stem = next((c for c in candidates if _good(c)), "video")
    return safe_filename(stem[:150] + ".mp4", "video.mp4")


_reserved: set[Path] = set()
_reserved_lock = threading.Lock()


def reserve_path(folder: Path, name: str) -> Path:
    """A free path for ``name`` in ``folder`` (``Name.mp4``, ``Name (2).mp4``, …), held for this
    process until ``release_path``: two jobs never pick the same name."""
    folder = Path(folder)
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext) if dot else (name, "")
    with _reserved_lock:
        n = 1
        while True:
            path = folder / (f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}")
            part = path.with_name(path.name + ".part")
            if path not in _reserved and not path.exists() and not path.is_symlink() and not part.exists():
                _reserved.add(path)
                return path
            n += 1


def release_path(path: Path) -> None:
    with _reserved_lock:
        _reserved.discard(Path(path))


__all__ = [
    "BAD_STEMS",
    "DownloadRequest",
    "asked_height",
    "download_name",
    "download_request",
    "project_way_note",
    "release_path",
    "reserve_path",
]
