"""`nemo-tui get … --local` end to end in a subprocess with no terminal: the embedded engine
fetches from a loopback site; JSON lines on stdout, exit statuses, Ctrl-C (issue 17)."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import pytest

from tests.cli.conftest import start, wait_until
from tui.core.mp4_facts import mp4_facts

KEYS = {"path", "title", "width", "height", "vcodec", "acodec", "duration_s", "bytes", "source_url", "section"}


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]  # every line is JSON, nothing else


def test_get_json_saves_every_link_and_says_what_is_on_disk(cli, site, isolated_dirs):
    urls = [site.url("/clip.mp4"), site.url("/other/clip.mp4")]
    r = cli("get", *urls, "--local", "--json")
    assert r.returncode == 0, r.stderr
    objs = json_lines(r.stdout)
    assert len(objs) == 2
    assert {o["source_url"] for o in objs} == set(urls)
    folder = isolated_dirs["NEMO_DOWNLOAD_DIR"]
    for o in objs:
        assert set(o) == KEYS
        path = Path(o["path"])
        assert path.parent == folder and path.suffix == ".mp4"
        assert path.stat().st_size == o["bytes"]
        facts = mp4_facts(path)
        assert (o["width"], o["height"]) == (facts.width, facts.height) == (640, 360)
        assert (o["vcodec"], o["acodec"]) == ("H.264", "AAC")
        assert o["duration_s"] == pytest.approx(2.0, abs=0.1)
        assert o["section"] is None
    assert sorted(p.name for p in folder.iterdir()) == ["clip (2).mp4", "clip.mp4"]
    # progress went to stderr as plain lines (no terminal), numbered per link
    assert "[1/2]" in r.stderr and "[2/2]" in r.stderr and "2 of 2 saved" in r.stderr
    assert "\x1b[" not in r.stderr


def test_one_bad_link_among_two_exits_1_and_says_which(cli, site, tmp_path):
    out = tmp_path / "videos"
    good, bad = site.url("/clip.mp4"), site.url("/missing.mp4")
    r = cli("get", good, bad, "--local", "--json", "-o", str(out))
    assert r.returncode == 1, r.stderr
    objs = {o["source_url"]: o for o in json_lines(r.stdout)}
    assert Path(objs[good]["path"]).is_file() and "error" not in objs[good]
    assert "404" in objs[bad]["error"] and objs[bad]["cancelled"] is False and "path" not in objs[bad]
    assert [p.name for p in out.iterdir()] == ["clip.mp4"]
    assert "1 of 2 saved; 1 failed" in r.stderr and "missing.mp4" in r.stderr


def test_ctrl_c_mid_download_exits_130_and_leaves_nothing(site, isolated_dirs, tmp_path):
    """SIGINT while the engine fetches a throttled link: the job is cancelled, the engine's
    fetch stops (the site sees its client go away), no file of any name is left behind."""
    proc = start("get", site.url("/slow/clip.mp4"), "--local", "--json")
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True)
    reader.start()
    data = isolated_dirs["NEMO_DATA_DIR"]
    try:
        # the fetch has begun: bytes are counted on stderr and the engine's work folder holds them
        wait_until(lambda: any("fetching" in line and "KB" in line for line in err), timeout=90)
        wait_until(lambda: any(p.is_file() and p.stat().st_size for p in data.rglob(".fetch-*/*")), timeout=30)
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.read()
        assert proc.wait(timeout=60) == 130, "".join(err)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert site.slow_closed.wait(10), "the engine kept fetching after Ctrl-C"
    assert [json.loads(line)["cancelled"] for line in out.splitlines()] == [True]
    downloads = isolated_dirs["NEMO_DOWNLOAD_DIR"]
    assert not downloads.exists() or list(downloads.iterdir()) == []
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".part") or p.name.startswith(".fetch-")]
    assert leftovers == []
    assert "interrupted" in "".join(err)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--section", "2:30-1:00"], "the end must come after the start"),
        (["--section", "90"], "not a section"),
        (["--playlist", "5-2"], "not a playlist choice"),
        (["--height", "tall"], "not a height"),
        (["--audio", "flac"], "invalid choice"),
        (["--burn-subs"], "--burn-subs needs --subs"),
        (["--height", "720", "--format", "22"], "not allowed with"),
    ],
)
def test_bad_flags_are_usage_errors(cli, args, words):
    r = cli("get", "https://example.com/v.mp4", *args)
    assert r.returncode == 2
    assert words in r.stderr and r.stdout == ""


def test_bad_output_folder_and_bad_link_are_usage_errors(cli, tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    r = cli("get", "https://example.com/v.mp4", "-o", str(a_file))
    assert r.returncode == 2 and "not a folder" in r.stderr
    r = cli("get", "not a link")
    assert r.returncode == 2 and "not a link" in r.stderr
    r = cli("get")
    assert r.returncode == 2 and "LINK" in r.stderr
    assert not (tmp_path / "data" / "engine").exists()  # usage errors start no engine


def test_other_commands_usage_errors_start_nothing(cli, tmp_path):
    r = cli("export", "-o", str(tmp_path / "film.mov"))
    assert r.returncode == 2 and "name an .mp4 file or a folder" in r.stderr
    r = cli("ask", "  ")
    assert r.returncode == 2 and "the message is empty" in r.stderr
    r = cli("formats", "nothing-here")
    assert r.returncode == 2 and "not a link" in r.stderr
    r = cli("--local", "credits", "--api-url", "http://127.0.0.1:9")
    assert r.returncode == 2 and "two different backends" in r.stderr
    assert not (tmp_path / "data" / "engine").exists()
