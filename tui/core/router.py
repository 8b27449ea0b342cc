"""Where a line typed in the chat goes: a local action or the agent.

The seed's keyword table (English and Chinese) is handled here, without the network:

| the user says                                          | action    |
|--------------------------------------------------------|-----------|
| "export" / "导出" / "download" / "send me the video"   | export    |
| "credits" / "积分" / "balance" / "余额"                | credits   |
| "status" / "状态" / "show tracks"                      | status    |
| "upload" / "上传"                                      | upload    |
| "upload ~/Videos/a.mp4" (local paths)                  | upload with those paths |
| "upload clip.mp4 b.mp3" (media names, current folder)  | upload with those files |
| "what resolutions are available for <link>?"           | formats (the link's formats dialog) |
| anything with a URL in it                              | agent (the URLs are uploaded first) |
| everything else                                        | agent     |

The rule that keeps edit requests away from the local actions: a line is a command only
when it is short and *every* word in it is either a keyword of one action or a filler word
("please", "it", "the video", "now", "帮我", "一下", ...). So "download it", "export please",
"how many credits do I have?" and "导出视频" are commands, while "add a title that says
download now" or "export the first 10 seconds as a GIF" go to the agent, because "add",
"title", "first", "GIF" are neither keywords nor fillers.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["export", "credits", "status", "upload", "download", "formats", "agent"]
ACTIONS: tuple[str, ...] = ("export", "credits", "status", "upload", "download", "formats", "agent")

MAX_COMMAND_WORDS = 12  # longer lines are conversation, whatever words they contain
MAX_COMMAND_CHARS = 120

# --- URLs -------------------------------------------------------------------------------

# A URL runs until whitespace, a quote/bracket that cannot end a URL here, or CJK text/punct.
_URL_RE = re.compile(r"""(?i)(?<![a-z0-9+.\-])https?://[^\s<>"'`\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+""")
_TRAILING = ".,;:!?…'\"`*_~>"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _clean_url(url: str) -> str:
    """Strip sentence punctuation after a URL, keeping balanced brackets (wiki-style URLs)."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


# A link typed without a scheme: "www.host…", or a host (a name with a dot and a real top-level
# domain, "localhost", an IPv4 address) followed by a port or a path: example.com/clip.mp4,
# 127.0.0.1:8000/v/plain.mp4, localhost:8765. A bare "clip.mp4" or "e.g." is not a link.
_FILE_TLDS = frozenset(
    """mp4 mov avi webm mkv jpg jpeg png gif webp mp3 wav m4a aac txt md py json html htm pdf
                       zip gz srt vtt ts m3u8 mpd sh exe doc docx csv log yaml yml toml ini cfg""".split()
)
_BARE_URL_RE = re.compile(
    r"""(?i)(?<![\w@/.:\-~])(?P<host>www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost|\d{1,3}(?:\.\d{1,3}){3}"""
    r"""|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,24}))"""
    r"""(?P<rest>(?::\d{2,5})?(?:[/?#][^\s<>"'`\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*)?)"""
)


def _bare_urls(text: str) -> list[tuple[int, str]]:
    """(position, URL with a scheme) for each link typed without one."""
    found: list[tuple[int, str]] = []
    for m in _BARE_URL_RE.finditer(text):
        host, rest = m.group("host"), m.group("rest") or ""
        low = host.lower()
        if m.group("tld") and m.group("tld").lower() in _FILE_TLDS:
            continue  # clip.mp4, notes.txt: file names, not hosts
        if not low.startswith("www.") and not rest:
            continue  # "example.com" alone is a word; with a port or a path it is a link
        if low[0].isdigit() and any(int(p) > 255 for p in low.split(".")):
            continue
        scheme = "http://" if (low == "localhost" or low[0].isdigit()) else "https://"
        found.append((m.start(), scheme + _clean_url(host + rest)))
    return found


def extract_urls(text: str) -> list[str]:
    """Every link in ``text``, in order, without duplicates or trailing punctuation; links
    typed without a scheme get one (``http://`` for localhost and IP addresses, else ``https://``)."""
    seen: list[str] = []
    text = text or ""
    candidates = [(m.start(), m.group(0)) for m in _URL_RE.finditer(text)]
    # links without a scheme, looked for where no http(s) link is
    without = _URL_RE.sub(lambda m: " " * len(m.group(0)), text)
    candidates += _bare_urls(without)
    for _pos, raw in sorted(candidates):
        url = _clean_url(raw)
        scheme_end = url.find("://") + 3
        if len(url) <= scheme_end:  # "http://" and nothing after it
            continue
        host = url[scheme_end:].split("/", 1)[0]
        if not host.strip("."):
            continue
        if url not in seen:
            seen.append(url)
    return seen


# --- keywords ---------------------------------------------------------------------------

_EN_KEYWORDS: dict[str, str] = {
    "export": "export",
    "exports": "export",
    "download": "export",
    "render": "export",
    "send": "export",  # "send me the video", "send it"
    "credits": "credits",
    "credit": "credits",
    "balance": "credits",
    "status": "status",
    "state": "status",
    "tracks": "status",
    "track": "status",
    "timeline": "status",
    "upload": "upload",
}

# Words that never change the meaning of a short command.
_EN_FILLERS = frozenset(
    """
    please pls plz kindly now right away asap go ahead just ok okay k hey hi hello yo
    thanks thank thx ty you u can could would will shall i we me us my our your it its
    this that these those the a an to for of in on as at into with and then
    video videos clip file files media movie project result output final finished current
    whole entire full mp4 again let lets let's want wanna need would like
    show display view see check get give tell what what's whats is are how much many
    do does have has got left remaining available there here my account
    start begin me
    """.split()
)

# Chinese: longest match first.
_ZH_KEYWORDS: dict[str, str] = {
    "导出": "export",
    "下载": "export",
    "发给我": "export",
    "积分": "credits",
    "余额": "credits",
    "额度": "credits",
    "状态": "status",
    "轨道": "status",
    "时间线": "status",
    "上传": "upload",
    # Traditional characters
    "導出": "export",
    "匯出": "export",
    "下載": "export",
    "發給我": "export",
    "積分": "credits",
    "餘額": "credits",
    "狀態": "status",
    "軌道": "status",
    "時間線": "status",
    "上傳": "upload",
}
_ZH_FILLERS = tuple(
    sorted(
        """
        请 帮我 帮忙 麻烦 给我 我要 我想 想要 一下 下 吧 呢 吗 啊 了 的 把 这个 那个 我的 当前 现在
        视频 影片 文件 素材 项目 工程 成片 查看 看看 看一下 看 查询 查 显示 多少 还有 剩余 剩下 有
        还 我 你 能 可以 好 好的 谢谢 立即 马上 开始 一个 个 些 全部 所有
        請 幫我 幫忙 給我 這個 視頻 影片 檔案 項目 查詢 顯示 還有 剩餘 謝謝 馬上 開始 個
        """.split(),
        key=len,
        reverse=True,
    )
)
_ZH_KEYS = tuple(sorted(_ZH_KEYWORDS, key=len, reverse=True))

_TOKEN_RE = re.compile(r"[a-z0-9']+|[\u3400-\u9fff]+|[^\s]")
_IGNORABLE_PUNCT = set(".,;:!?…'\"`~-—–()[]{}<>，。；：！？、“”‘’（）【】《》「」…/\\*#")


@dataclass(frozen=True)
class Route:
    action: str  # one of ACTIONS
    text: str  # the message, stripped (what the agent receives when action == "agent")
    urls: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # local files named in an upload command


# A local path: /abs, ~/home, ./rel, ../rel, C:\win, file:///… — quoted (spaces allowed),
# backslash-escaped ("my\ clip.mp4", as shells and drag-and-drop write it) or plain.
_PATH_RE = re.compile(
    r"""(?:"(?P<dq>(?:~|\.{1,2})?[/\\][^"]+|[A-Za-z]:[/\\][^"]+|file://[^"]+)"|'(?P<sq>(?:~|\.{1,2})?[/\\][^']+|[A-Za-z]:[/\\][^']+|file://[^']+)'"""
    r"""|(?<!\S)(?P<file>file://(?:[^\s"'\\]|\\.)+)"""
    # bare: "/export" alone is a slash command, not a path; "/tmp/a.mp4" or "/a.mp4" is a path.
    r"""|(?<!\S)(?P<bare>(?:~|\.{1,2})/(?:[^\s"'\\]|\\.)+|/(?:[^\s"'/\\]|\\.)+[/.](?:[^\s"'\\]|\\.)*|[A-Za-z]:\\[^\s"']+))"""
)


def _file_url_path(url: str) -> str:
    """``file:///home/me/my%20clip.mp4`` -> ``/home/me/my clip.mp4`` (``file://localhost/…`` too)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path)
    if re.match(r"/[A-Za-z]:/", path):  # file:///C:/Users/… on Windows
        path = path[1:]
    return path


def _unescape(path: str) -> str:
    return re.sub(r"\\(.)", r"\1", path) if "\\" in path and not re.match(r"[A-Za-z]:\\", path) else path


def _exists(path: str) -> bool:
    try:
        return os.path.isfile(os.path.expanduser(path))
    except (OSError, ValueError):
        return False


def _longest_existing(text: str, start: int, end: int) -> int:
    """A plain path typed with spaces ("/home/me/my clip ü.mp4"): the end of the longest run of
    words from ``start`` that names an existing file, else ``end`` (the first word alone)."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    cuts = [m.start() for m in re.finditer(r"\s", text[end:line_end])]
    for cut in reversed([c + end for c in cuts] + [line_end]):
        if cut > end and _exists(_unescape(text[start:cut].rstrip(".,;:!?"))):
            return cut
    return end


def extract_paths(text: str) -> tuple[list[str], str]:
    """Local paths in ``text`` (quoted, escaped, ``file://`` or plain; a plain path may contain
    spaces when that file exists) and the text without them."""
    text = text or ""
    paths: list[str] = []
    rest: list[str] = []
    pos = 0
    for match in _PATH_RE.finditer(text):
        if match.start() < pos:
            continue  # inside a plain path with spaces taken already
        end = match.end()
        path = match.group("dq") or match.group("sq") or match.group("file") or ""
        if match.group("bare"):
            end = _longest_existing(text, match.start(), end)
            path = text[match.start() : end]
            if not _exists(_unescape(path)):
                path = path.rstrip(".,;:!?")  # sentence punctuation after a path
                end = match.start() + len(path)
            path = _unescape(path)
        elif path.startswith("file://"):
            path = _file_url_path(path)
        else:
            path = _unescape(path) if match.group("file") else path
        rest.append(text[pos : match.start()])
        rest.append(" ")
        pos = end
        if path and path not in paths:
            paths.append(path)
    rest.append(text[pos:])
    return paths, "".join(rest)


def _zh_actions(chunk: str) -> set[str] | None:
    """Actions named by a run of CJK characters, or None if it says anything else."""
    found: set[str] = set()
    i = 0
    while i < len(chunk):
        for key in _ZH_KEYS:
            if chunk.startswith(key, i):
                found.add(_ZH_KEYWORDS[key])
                i += len(key)
                break
        else:
            for filler in _ZH_FILLERS:
                if chunk.startswith(filler, i):
                    i += len(filler)
                    break
            else:
                return None
    return found


def command_action(text: str) -> str | None:
    """The local action a short command-like line asks for, or None (then: the agent)."""
    line = (text or "").strip().lower()
    if line.startswith("/"):  # "/export" works too
        line = line[1:]
    if not line or len(line) > MAX_COMMAND_CHARS:
        return None
    tokens = _TOKEN_RE.findall(line)
    words = 0
    found: set[str] = set()
    for token in tokens:
        if token in _IGNORABLE_PUNCT or (len(token) == 1 and not token.isalnum()):
            continue  # punctuation, symbols, emoji
        words += 1
        if "\u3400" <= token[0] <= "\u9fff":
            zh = _zh_actions(token)
            if zh is None:
                return None
            found |= zh
            words += len(token) // 4  # a long Chinese run counts as several words
            continue
        word = token.strip("'")
        if word in _EN_KEYWORDS:
            found.add(_EN_KEYWORDS[word])
        elif word in _EN_FILLERS or not word:
            continue
        else:
            return None
    if words > MAX_COMMAND_WORDS or len(found) != 1:
        return None
    (action,) = found
    if action == "export" and "send" in tokens and "export" not in tokens and "download" not in tokens:
        # "send" alone is only a command in "send me the video" / "send it (to me)".
        if not ({"me", "it", "video", "file", "result", "mp4"} & set(tokens)):
            return None
    return action


_UPLOAD_WORDS = ("upload", "/upload", "上传")


def _bare_media_names(message: str) -> list[str]:
    """ "upload clip.mp4 "my song.mp3"": names of media files in the current folder, when every
    word after the upload keyword is one (so "upload a video of my cat.mp4" stays a request)."""
    import shlex

    from tui.contract import ACCEPTED_EXTENSIONS

    try:
        words = shlex.split(message)
    except ValueError:
        return []
    if len(words) < 2 or words[0].lower() not in _UPLOAD_WORDS:
        return []
    names = words[1:]
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or not (ext.isalnum() and 2 <= len(ext) <= 5) or any(c in name for c in "/\\:"):
            return []
    # "upload notes.txt" is an upload too: the checks then say plainly which types are accepted.
    return names if any(n.rpartition(".")[2].lower() in ACCEPTED_EXTENSIONS for n in names) or len(names) == 1 else []


def route(text: str) -> Route:
    """Decide what a line typed in the chat does (never raises).

    Links with no edit words ("download <a> and <b>", "save this", or only links) -> a
    ``download`` job per link; links with edit words -> the agent (the project way); only
    local paths -> ``upload``."""
    from tui.core.download_intent import download_request
    from tui.core.formats_intent import asks_formats

    message = (text or "").strip()
    paths, rest = extract_paths(message)
    urls = extract_urls(rest)
    if urls:
        if not paths and asks_formats(message, urls):  # "what resolutions are available for <link>?"
            return Route("formats", message, urls)
        if not paths and download_request(message, urls) is not None:
            return Route("download", message, urls)
        return Route("agent", message, urls)
    names = [] if paths else _bare_media_names(message)
    if names:
        return Route("upload", message, [], names)
    if paths:
        # "upload ~/Videos/a.mp4 /tmp/b.mov", or a message that is only paths (typed, quoted,
        # escaped, dragged in): upload those files; other lines with paths: the agent.
        if command_action(rest) == "upload" or not rest.strip(" \t\r\n,;&+"):
            return Route("upload", message, [], paths)
        return Route("agent", message, [])
    action = command_action(message)
    return Route(action or "agent", message, [])


__all__ = ["ACTIONS", "Route", "command_action", "extract_paths", "extract_urls", "route"]
