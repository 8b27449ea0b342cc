"""A fetch cut by a network error resumes where it stopped (issue 17): the server drops the
connection once, mid-body, and the bytes it sends in all stay under 1.3x the file."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.downloads.rangesite import RangeSite, make_long_source
from tui.engine.media.fetch import fetch_media
from tui.engine.media.probe import probe


@pytest.fixture(scope="session")
def short_root(tmp_path_factory, ffmpeg_exe) -> Path:
    return make_long_source(tmp_path_factory.mktemp("resume-source"), ffmpeg_exe, seconds=120)


@pytest.fixture
def rsite(short_root):
    s = RangeSite(short_root)
    yield s
    s.close()


def test_plain_link_cut_mid_body_resumes_with_a_range(rsite, short_root, tmp_path):
    source = short_root / "long.mp4"
    size = source.stat().st_size
    rsite.cut_once("/long.mp4", size // 2)
    result = fetch_media(rsite.url("/long.mp4"), tmp_path / "out")
    assert rsite.cuts_left() == 0
    assert result.path.read_bytes() == source.read_bytes()
    assert rsite.sent["/long.mp4"] < 1.3 * size
    asked = [r for p, r in rsite.ranges if p == "/long.mp4"]
    assert len(asked) == 2 and asked[0] is None  # one whole GET, then the rest from where it broke
    assert 0 < int(asked[1].removeprefix("bytes=").rstrip("-")) <= size // 2


def test_hls_fragment_cut_mid_body_is_fetched_again_alone(rsite, short_root, tmp_path):
    folder = short_root / "long-hls"
    whole = sum(p.stat().st_size for p in folder.glob("*.ts"))
    seg = folder / "seg20.ts"
    rsite.cut_once("/long-hls/seg20.ts", seg.stat().st_size // 2)
    result = fetch_media(rsite.url("/long-hls/index.m3u8"), tmp_path / "out")
    assert rsite.cuts_left() == 0
    assert probe(result.path).duration_s == pytest.approx(120.0, abs=0.2)
    assert rsite.total_sent("/long-hls/seg") < 1.3 * whole
    assert rsite.requests["/long-hls/seg20.ts"] == 2 and rsite.requests["/long-hls/seg21.ts"] == 1


def test_changed_file_starts_over_instead_of_gluing(rsite, short_root, tmp_path, monkeypatch):
    """A resumption whose If-Range no longer matches gets the whole file (200) and starts over:
    the saved file is one whole file, never the head of one glued to the tail of another."""
    import httpx

    from tui.engine.media import fetch_resume

    source = short_root / "long.mp4"
    size = source.stat().st_size
    monkeypatch.setattr(fetch_resume, "validator", lambda headers: '"an-older-version"')
    rsite.cut_once("/long.mp4", size // 3)
    seen: list[int] = []
    with httpx.Client() as client, client.stream("GET", rsite.url("/long.mp4")) as resp:
        done = fetch_resume.save_body(client, resp, tmp_path / "f.mp4", size, seen.append)
    assert done == size and (tmp_path / "f.mp4").read_bytes() == source.read_bytes()
    asked = [r for p, r in rsite.ranges if p == "/long.mp4"]
    assert len(asked) == 2 and asked[0] is None and asked[1].startswith("bytes=")
    assert rsite.sent["/long.mp4"] == size // 3 + size  # the stale If-Range got the whole file again
    assert seen[-1] == size and any(b < a for a, b in itertools.pairwise(seen))  # counted again from 0


def test_cut_without_a_validator_fails_in_words(rsite, short_root, tmp_path, monkeypatch):
    import httpx

    from tui.engine.media import fetch_resume
    from tui.engine.media.errors import IngestError

    size = (short_root / "long.mp4").stat().st_size
    monkeypatch.setattr(fetch_resume, "validator", lambda headers: None)
    rsite.cut_once("/long.mp4", size // 3)
    with httpx.Client() as client, client.stream("GET", rsite.url("/long.mp4")) as resp:
        with pytest.raises(IngestError, match="cut off"):
            fetch_resume.save_body(client, resp, tmp_path / "f.mp4", size, lambda n: None)
