"""The subcommands' arguments: ``get``, ``formats``, ``export``, ``ask``, ``credits`` (issue 17).

Only argparse and the standard library here: ``nemo-tui --help`` builds these parsers and must
stay instant (no httpx, no Textual). The values that argparse cannot check alone are checked
by the ``type=`` functions below, so a bad ``--section`` or ``--playlist`` is a usage error
(exit 2) with argparse's own message, before anything connects.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

TIME = re.compile(r"^(?:(?:(?P<h>\d+):)?(?P<m>\d+):)?(?P<s>\d+(?:\.\d+)?)$")
PLAYLIST = re.compile(r"^(?:all|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)$")
# the engine's own checks (tui/engine/media/fetch_options.py), so a value argparse accepts is
# never refused later
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")
FORMAT_ID = re.compile(r"^[A-Za-z0-9_.+\-/]{1,64}$")
MAX_SECTION_S = 24 * 3600.0

BACKEND_HELP = """\
backend (for every command):
  --local            start the embedded engine for this command and stop it after
  --api-url URL      a running `nemo-tui serve`, or the cloud (default: NEMO_API_URL, else the cloud;
                     the token is NEMO_TOKEN or the cached one, as for the app)
"""

GET_EPILOG = (
    """\
Every link becomes one file in DIR (default: the download folder, NEMO_DOWNLOAD_DIR), named
after the video's title ("Title.mp4", "Title (2).mp4", never over an existing file), at the
highest resolution the link offers unless --height or --format says otherwise. Each `get`
works in a fresh session of its own: your project (the last session) is left as it is.

output:
  stderr   progress: one bar per file on a terminal, else plain lines
           ("[1/2] example.com/clip.mp4 · fetching · 45% · 3.2 MB/s"), then one line per file
  stdout   with --json, one JSON object per file as it ends, nothing else:
           saved:  {"path", "title", "width", "height", "vcodec", "acodec", "duration_s",
                    "bytes", "source_url", "section"}   (section: {"start_s", "end_s"} or null)
           failed: {"source_url", "error", "next_step", "cancelled"}   (tell them apart by "error")

exit status:
  0 every file was saved · 1 some failed · 2 usage error · 130 interrupted (Ctrl-C: the jobs
  stop and no partial file is left under a final name)

examples:
  nemo-tui get https://example.com/watch?v=abc --local
  nemo-tui get URL1 URL2 -o ~/Videos --height 720
  nemo-tui get URL --section 1:00-2:30 --json | jq -r .path
  nemo-tui get URL --audio m4a
  nemo-tui get URL --subs en --burn-subs
  nemo-tui get PLAYLIST_URL --playlist 1-5
  nemo-tui get URL --format 137      (an ID from `nemo-tui formats URL`)

"""
    + BACKEND_HELP
)

FORMATS_EPILOG = (
    """\
Lists what a link offers (read without downloading): format ID, resolution, fps, codecs,
approximate size; "*" marks the one a plain `nemo-tui get` would take. A playlist or feed
also lists its entries. Needs a backend that reads formats (the embedded engine: --local or
`nemo-tui serve`); on the cloud the service picks the format and this command says so (exit 1).

output: a table on stdout, or with --json one JSON object:
  {"url", "title", "duration", "kind", "default_format_id", "formats": [{"format_id", "ext",
   "width", "height", "fps", "vcodec", "acodec", "tbr", "filesize", "filesize_approx", "note"}],
   "subtitles": [...], "entries": [{"index", "url", "title", "duration"}]}

examples:
  nemo-tui formats https://example.com/watch?v=abc --local
  nemo-tui formats URL --local --json | jq '.formats[] | select(.height >= 720) | .format_id'

"""
    + BACKEND_HELP
)

EXPORT_EPILOG = (
    """\
Renders the session's timeline to an MP4 (free: no credits) and prints the saved file's path
on stdout (with --json: {"path", "width", "height", "vcodec", "acodec", "duration_s", "bytes"}).
The session is --session ID, else the last one used here (by the app or by `nemo-tui ask`)
on the same backend. -o names the file (an existing file is never replaced: that is a usage
error) or a folder; without -o the file goes to the download folder.

exit status: 0 saved · 1 the render or the download failed · 2 usage error · 130 interrupted

examples:
  nemo-tui export --local -o ~/Videos/holiday.mp4
  nemo-tui export --session 5f0c… -o out/

"""
    + BACKEND_HELP
)

ASK_EPILOG = (
    """\
Sends one message to the agent, prints its reply on stdout, then the timeline as it is now
("Timeline (2 tracks): …") and what changed. Links in the message are added to the session
first, as in the app. The session is --session ID, else the last one used here on the same
backend, else a new one (it becomes the last one, so `nemo-tui export` finds it).
Progress of the run goes to stderr. With --json: one object {"session_id", "reply",
"changes", "timeline", "outcome"}.

exit status: 0 the agent answered · 1 it failed (error, dropped connection, timeout)
             · 2 usage error · 130 interrupted (the run is stopped, never re-sent)

examples:
  nemo-tui ask --local 'add https://example.com/clip.mp4 and add the title "Urban Dreams"'
  nemo-tui ask 'trim to 0-10 s' --session 5f0c…
  nemo-tui ask --local 'make it vertical' && nemo-tui export --local -o vertical.mp4

"""
    + BACKEND_HELP
)

CREDITS_EPILOG = (
    """\
Prints the credit balance: "1,000 available · 0 frozen · 1,000 total" (--json:
{"available", "frozen", "total"}). Downloads and exports are free; edits cost a few.

examples:
  nemo-tui credits
  nemo-tui credits --local --json

"""
    + BACKEND_HELP
)


def seconds(text: str) -> float:
    """ "90", "1:30", "01:02:03.5" → seconds; ArgumentTypeError otherwise."""
    m = TIME.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (use seconds, M:SS or H:MM:SS)")
    h, mi, s = int(m.group("h") or 0), int(m.group("m") or 0), float(m.group("s"))
    if (m.group("m") is not None and s >= 60) or (m.group("h") is not None and mi >= 60):
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (seconds and minutes go up to 59)")
    return h * 3600 + mi * 60 + s


def section(text: str) -> tuple[float, float | None]:
    """ "1:00-2:30" → (60.0, 150.0); "1:00-" → (60.0, None) (to the end); "-0:30" → (0.0, 30.0)."""
    start_text, dash, end_text = text.strip().partition("-")
    if not dash:
        raise argparse.ArgumentTypeError(f"not a section: {text!r} (use START-END, e.g. 1:00-2:30, or START-)")
    start = seconds(start_text) if start_text.strip() else 0.0
    end = seconds(end_text) if end_text.strip() else None
    if end is None and not start_text.strip():
        raise argparse.ArgumentTypeError(f"not a section: {text!r} (give a start, an end, or both)")
    if end is not None and end <= start:
        raise argparse.ArgumentTypeError(f"not a section: {text!r} (the end must come after the start)")
    if max(start, end or 0) > MAX_SECTION_S:
        raise argparse.ArgumentTypeError(f"not a section: {text!r} (at most 24:00:00)")
    return start, end


def playlist(text: str) -> str:
    """ "all", "1-5", "2,4,7", "1-3,8" (1-based); ArgumentTypeError otherwise."""
    value = text.strip().lower().replace(" ", "")
    if not PLAYLIST.match(value):
        raise argparse.ArgumentTypeError(f"not a playlist choice: {text!r} (use all, 1-5 or 2,4,7)")
    for part in value.split(","):
        lo, _, hi = part.partition("-")
        if lo != "all" and (int(lo) < 1 or (hi and int(hi) < int(lo))):
            raise argparse.ArgumentTypeError(f"not a playlist choice: {text!r} (entries count from 1, ranges go up)")
    return value


def language(text: str) -> str:
    """A subtitle language code: "en", "en-US", "zh-Hans", "pt_BR"."""
    if not LANGUAGE.match(text.strip()):
        raise argparse.ArgumentTypeError(f"not a language code: {text!r} (e.g. en, en-US, zh-Hans)")
    return text.strip()


def format_id(text: str) -> str:
    """A format ID from `nemo-tui formats` ("137", "hls-720", "137+140")."""
    if not FORMAT_ID.match(text.strip()):
        raise argparse.ArgumentTypeError(f"not a format ID: {text!r} (letters, digits and + - _ . /)")
    return text.strip()


def height(text: str) -> int:
    try:
        value = int(text.strip().lower().removesuffix("p"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a height: {text!r} (pixels, e.g. 720 or 1080p)") from None
    if not 100 <= value <= 8640:
        raise argparse.ArgumentTypeError(f"not a height: {text!r} (between 100 and 8640 pixels)")
    return value


def _backend(p: argparse.ArgumentParser) -> None:
    """--local / --api-url on a subcommand: SUPPRESS keeps the top-level value when not given
    here (``nemo-tui --local get URL`` and ``nemo-tui get URL --local`` are the same)."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--local", action="store_true", default=argparse.SUPPRESS, help="the embedded engine, for this command only"
    )
    group.add_argument(
        "--api-url", metavar="URL", default=argparse.SUPPRESS, help="a `nemo-tui serve` engine or the cloud"
    )


def _sub(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, epilog: str
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add get, formats, export, ask and credits to the top-level parser's subparsers."""
    get = _sub(sub, "get", "save videos from links, non-interactively", GET_EPILOG)
    get.add_argument("links", nargs="+", metavar="LINK", help="a video, playlist or feed link")
    get.add_argument("-o", "--output", metavar="DIR", type=Path, help="the folder (default: the download folder)")
    what = get.add_mutually_exclusive_group()
    what.add_argument("--height", type=height, metavar="N", help="at most N pixels tall (default: the highest)")
    what.add_argument(
        "--format", dest="format_id", type=format_id, metavar="ID", help="exactly this format (see `nemo-tui formats`)"
    )
    get.add_argument("--section", type=section, metavar="START-END", help="only this part, e.g. 1:00-2:30 or 0:45-")
    get.add_argument("--audio", choices=("mp3", "m4a"), help="save the sound only, in this format")
    get.add_argument("--subs", type=language, metavar="LANG", help="embed the subtitles in this language")
    get.add_argument("--burn-subs", action="store_true", help="draw the --subs subtitles into the picture")
    get.add_argument("--playlist", type=playlist, metavar="all|1-5", help="which entries of a playlist or feed")
    get.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    _backend(get)

    formats = _sub(sub, "formats", "list the formats a link offers", FORMATS_EPILOG)
    formats.add_argument("link", metavar="LINK")
    formats.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _backend(formats)

    export = _sub(sub, "export", "render the project to an MP4", EXPORT_EPILOG)
    export.add_argument("--session", metavar="ID", help="the session (default: the last one used)")
    export.add_argument("-o", "--output", metavar="FILE", type=Path, help="the MP4 to write, or a folder")
    export.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _backend(export)

    ask = _sub(sub, "ask", "send one message to the agent", ASK_EPILOG)
    ask.add_argument("message", metavar="MESSAGE", help="what you want, in your words")
    ask.add_argument("--session", metavar="ID", help="the session (default: the last one used, else a new one)")
    ask.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _backend(ask)

    credits = _sub(sub, "credits", "show the credit balance", CREDITS_EPILOG)
    credits.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _backend(credits)


COMMANDS = frozenset({"get", "formats", "export", "ask", "credits"})

__all__ = ["COMMANDS", "add_commands", "format_id", "height", "language", "playlist", "section", "seconds"]
