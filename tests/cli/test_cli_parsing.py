"""The flags of `nemo-tui get` become the app's DownloadRequest (the engine features behind
them are tested where they are built); --help of every command is instant and has examples."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from tui.cli import build_parser
from tui.commands.backend import CommandError
from tui.commands.get import request_from
from tui.commands.parsers import COMMANDS, playlist, seconds, section
from tui.core.download_intent import DownloadRequest


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_every_flag_lands_in_the_request():
    args = parse(
        "get", "https://a.example/v", "example.com/b.mp4", "--height", "720p", "--section", "1:00-2:30",
        "--subs", "en-US", "--burn-subs", "--playlist", "1-3,7",
    )  # fmt: skip
    req = request_from(args)
    assert req == DownloadRequest(
        urls=["https://a.example/v", "https://example.com/b.mp4"],
        max_height=720,
        section=(60.0, 150.0),
        subs="en-US",
        burn_subs=True,
        playlist="1-3,7",
    )
    opts = req.fetch_options()  # what the engine is sent for each link
    assert (opts.max_height, opts.section, opts.subs, opts.burn_subs) == (720, (60.0, 150.0), "en-US", True)


def test_format_audio_and_defaults():
    req = request_from(parse("get", "https://a.example/v", "--format", "137+140", "--audio", "m4a"))
    assert (req.format_id, req.audio, req.max_height, req.section, req.playlist) == ("137+140", "m4a", None, None, None)
    plain = request_from(parse("get", "https://a.example/v", "https://a.example/v"))
    assert plain == DownloadRequest(urls=["https://a.example/v"])  # a link given twice is fetched once


@pytest.mark.parametrize(
    ("text", "value"),
    [("90", 90.0), ("1:30", 90.0), ("01:02:03.5", 3723.5), ("0.5", 0.5)],
)
def test_times(text, value):
    assert seconds(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1:00-2:30", (60.0, 150.0)), ("0:45-", (45.0, None)), ("-30", (0.0, 30.0)), ("10.5-11", (10.5, 11.0))],
)
def test_sections(text, value):
    assert section(text) == value


@pytest.mark.parametrize("text", ["1:75-2:00", "2:00-1:00", "5-5", "abc", "-", "1:00", "1:2:3:4-5", "0-25:00:00"])
def test_bad_sections(text):
    with pytest.raises(argparse.ArgumentTypeError):
        section(text)


def test_playlists():
    assert [playlist(t) for t in ("all", "ALL", "1-5", "2,4,7", "1-3, 8")] == ["all", "all", "1-5", "2,4,7", "1-3,8"]
    for bad in ("0-3", "5-2", "first", "1-", ",1"):
        with pytest.raises(argparse.ArgumentTypeError):
            playlist(bad)


def test_languages_and_format_ids_follow_the_engines_rules():
    from tui.commands.parsers import format_id, language

    assert [language(t) for t in ("en", "pt-BR", "zh-Hans", "pt_BR")] == ["en", "pt-BR", "zh-Hans", "pt_BR"]
    assert [format_id(t) for t in ("137", "137+140", "hls-720")] == ["137", "137+140", "hls-720"]
    for bad in ("e", "english!", "en-x", "1en"):
        with pytest.raises(argparse.ArgumentTypeError):
            language(bad)
    for bad in ("", "a b", "x" * 65, "137;rm"):
        with pytest.raises(argparse.ArgumentTypeError):
            format_id(bad)


def test_usage_conflicts_are_refused_before_connecting():
    with pytest.raises(CommandError) as info:
        request_from(parse("get", "https://a.example/v", "--audio", "mp3", "--subs", "en"))
    assert info.value.status == 2
    with pytest.raises(SystemExit) as code:
        parse("get", "https://a.example/v", "--local", "--api-url", "http://127.0.0.1:9")
    assert code.value.code == 2


def test_backend_flags_work_before_and_after_the_command():
    assert parse("--local", "credits").local is True
    assert parse("credits", "--local").local is True
    assert getattr(parse("credits"), "local", False) is False
    assert parse("--api-url", "http://h:1", "ask", "hi").api_url == "http://h:1"
    assert parse("ask", "hi", "--api-url", "http://h:2").api_url == "http://h:2"


def run_isolated(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_help_has_examples_and_imports_nothing_heavy(command):
    code = (
        "import sys, contextlib, io\n"
        "from tui.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        f"    try:\n        main([{command!r}, '--help'])\n    except SystemExit:\n        pass\n"
        "print(buf.getvalue())\n"
        "print('HEAVY', [m for m in ('textual', 'httpx', 'rich', 'tui.engine', 'pydantic') if m in sys.modules])\n"
    )
    out = run_isolated(code)
    assert "examples:" in out and f"nemo-tui {command}" in out
    assert "--local" in out and "--api-url" in out
    assert out.strip().endswith("HEAVY []")


def test_top_level_help_lists_the_commands():
    text = build_parser().format_help()
    for command in COMMANDS:
        assert f"nemo-tui {command}" in text
