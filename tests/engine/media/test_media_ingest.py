"""URL ingest from a loopback HTTP server: highest HLS variant, direct MP4, errors, cancel."""

from __future__ import annotations

import filecmp
import os
import threading

import pytest

from tui.engine.media import IngestCancelled, IngestError
from tui.engine.media.ingest import ingest_url, plain_error
from tui.engine.media.probe import probe

PROGRESS_KEYS = {"stage", "label", "bytes", "total", "speed", "eta", "percent"}


def test_hls_master_playlist_picks_the_highest_variant(http_site, tmp_path):
    dest = tmp_path / "session"
    seen: list[dict] = []
    path = ingest_url(f"{http_site}/master.m3u8", dest, progress=seen.append)
    assert path.parent == dest and path.suffix == ".mp4"
    info = probe(path)
    assert (info.width, info.height) == (1280, 720)
    assert (info.vcodec, info.acodec) == ("h264", "aac")
    assert info.duration_s == pytest.approx(2.0, abs=0.15)
    assert os.listdir(dest) == [path.name]  # no temporary folder or fragment left
    downloads = [p for p in seen if p["stage"] == "download"]
    assert downloads and all(set(p) == PROGRESS_KEYS for p in seen)
    assert downloads[-1]["percent"] == 100.0 and downloads[-1]["bytes"] > 0


def test_separate_picture_and_sound_renditions_are_merged(http_site, tmp_path):
    seen: list[dict] = []
    path = ingest_url(f"{http_site}/split.m3u8", tmp_path, progress=seen.append)
    info = probe(path)
    assert (info.height, info.vcodec, info.acodec) == (720, "h264", "aac")
    assert info.has_video and info.has_audio
    assert "merge" in {p["stage"] for p in seen}
    assert os.listdir(tmp_path) == [path.name]


def test_max_height_limits_the_variant(http_site, tmp_path):
    path = ingest_url(f"{http_site}/master.m3u8", tmp_path, max_height=360)
    assert probe(path).height == 360


def test_direct_mp4_link_arrives_unchanged(http_site, site_root, tmp_path):
    seen: list[dict] = []
    path = ingest_url(f"{http_site}/clip.mp4", tmp_path / "dl", progress=seen.append)
    assert path.name == "clip.mp4"
    assert filecmp.cmp(path, site_root / "clip.mp4", shallow=False)
    final = [p for p in seen if p["stage"] == "download"][-1]
    assert final["bytes"] == final["total"] == (site_root / "clip.mp4").stat().st_size


def test_a_second_download_of_the_same_link_gets_its_own_name(http_site, tmp_path):
    first = ingest_url(f"{http_site}/clip.mp4", tmp_path)
    second = ingest_url(f"{http_site}/clip.mp4", tmp_path)
    assert first != second and first.exists() and second.exists()


def test_404_is_a_plain_error_and_leaves_nothing(http_site, tmp_path):
    with pytest.raises(IngestError, match=r"Nothing was found at this link \(HTTP 404\)"):
        ingest_url(f"{http_site}/missing.mp4", tmp_path)
    assert os.listdir(tmp_path) == []
    with pytest.raises(IngestError, match="HTTP 404"):
        ingest_url(f"{http_site}/missing.mp4", tmp_path / "upl_1")  # a folder made for it goes too
    assert os.listdir(tmp_path) == []


def test_a_text_file_served_as_mp4_is_refused(http_site, tmp_path):
    with pytest.raises(IngestError, match="not lead to a playable video or audio file"):
        ingest_url(f"{http_site}/notes.mp4", tmp_path)
    assert os.listdir(tmp_path) == []


def test_nothing_listening_means_no_network(closed_port, tmp_path):
    with pytest.raises(IngestError, match="Could not reach the site"):
        ingest_url(f"http://127.0.0.1:{closed_port}/video.mp4", tmp_path)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "not a link", "ftp://127.0.0.1/a.mp4", ""])
def test_only_web_links_are_accepted(url, tmp_path):
    with pytest.raises(IngestError, match="not a valid link"):
        ingest_url(url, tmp_path)


def test_cancel_stops_the_download_and_leaves_nothing(http_site, tmp_path):
    cancel = threading.Event()
    seen: list[dict] = []

    def on_progress(p: dict) -> None:
        seen.append(p)
        cancel.set()

    with pytest.raises(IngestCancelled, match="cancelled"):
        ingest_url(f"{http_site}/master.m3u8", tmp_path, progress=on_progress, cancel=cancel)
    assert len(seen) == 1
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("ERROR: [generic] Unsupported URL: https://example.org/page", "the site is not supported"),
        ("ERROR: Unable to download webpage: HTTP Error 403: Forbidden", "refused the download (HTTP 403)"),
        ("ERROR: <urlopen error [Errno -2] Name or service not known>", "Could not reach the site"),
        ("ERROR: Read timed out.", "did not answer in time"),
        ("ERROR: [Errno 28] No space left on device", "disk is full"),
    ],
)
def test_yt_dlp_errors_become_plain_words(raw, plain):
    assert plain in plain_error(raw)


def test_ffmpeg_missing_is_a_clear_error(http_site, monkeypatch, tmp_path):
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(IngestError, match="ffmpeg was not found"):
        ingest_url(f"{http_site}/clip.mp4", tmp_path / "dl")
    assert not (tmp_path / "dl").exists()
