"""The controlled fetch (tui.engine.media.fetch): caps, live refusal, cancel that kills the
process group, one GET for a plain file, the variant that fits a height."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tui.engine.media.errors import IngestCancelled
from tui.engine.media.fetch import FetchLimits, FetchRefused, fetch_media
from tui.engine.media.probe import probe


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*")] if folder.exists() else []


def test_plain_file_is_requested_once(site, tmp_path):
    result = fetch_media(site.url("/v/plain.mp4"), tmp_path / "out")
    assert site.hits["/v/plain.mp4"] == 1
    assert result.path.read_bytes() == (site.root / "v" / "plain.mp4").read_bytes()
    assert result.offered_height == 360
    assert _leftovers(tmp_path / "out") == ["plain.mp4"]


def test_hls_master_highest_and_title_facts(site, tmp_path):
    seen: list[dict] = []
    result = fetch_media(site.url("/city-timelapse/master.m3u8"), tmp_path / "out", progress=seen.append)
    info = probe(result.path)
    assert info.height == 1080 and info.has_audio
    assert result.offered_height == 1080
    assert any(p.get("stage") == "download" and p.get("bytes") for p in seen)


def test_height_limit_fetches_only_the_fitting_variant(site, tmp_path):
    result = fetch_media(site.url("/city-timelapse/master.m3u8"), tmp_path / "out", max_height=720)
    assert probe(result.path).height == 720
    assert site.segment_hits("/city-timelapse/v1080/") == 0
    assert site.segment_hits("/city-timelapse/v720/") > 0
    assert result.offered_height == 1080


def test_live_stream_is_refused(site, tmp_path):
    with pytest.raises(FetchRefused, match="live stream"):
        fetch_media(site.url("/live/index.m3u8"), tmp_path / "out")
    assert site.segment_hits("/live/") == 0
    assert not (tmp_path / "out").exists()


def test_size_cap_refuses_and_keeps_nothing(site, tmp_path):
    with pytest.raises(FetchRefused, match="limit"):
        fetch_media(site.url("/v/plain.mp4"), tmp_path / "out", limits=FetchLimits(max_bytes=10_000))
    assert not (tmp_path / "out").exists()


def test_duration_cap_refuses_hls(site, tmp_path):
    with pytest.raises(FetchRefused, match="min limit"):
        fetch_media(site.url("/city-timelapse/master.m3u8"), tmp_path / "out", limits=FetchLimits(max_duration_s=1.0))
    assert site.segment_hits("/city-timelapse/") == 0


def test_cancel_stops_within_two_seconds_and_leaves_nothing(site, tmp_path):
    cancel = threading.Event()
    out = tmp_path / "out"
    out.mkdir()
    got: list[BaseException] = []

    def run() -> None:
        try:
            fetch_media(site.url("/slow/big.mp4"), out, cancel=cancel)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            got.append(exc)

    t = threading.Thread(target=run)
    t.start()
    assert site.trickle_started.wait(30)
    time.sleep(0.3)  # some bytes on disk
    cancelled_at = time.monotonic()
    cancel.set()
    t.join(5)
    assert not t.is_alive()
    assert got and isinstance(got[0], IngestCancelled)
    deadline = time.monotonic() + 3
    while site.trickle_closed is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.trickle_closed is not None and site.trickle_closed - cancelled_at < 2.0
    assert _leftovers(out) == []


def test_worker_dies_with_its_parent(site, tmp_path):
    """A fetch started by a process that is then killed does not go on (PR_SET_PDEATHSIG)."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from tui.engine.media.fetch import fetch_media; "
        f"fetch_media({site.url('/slow/big.mp4')!r}, Path({str(tmp_path / 'out')!r}))"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        assert site.trickle_started.wait(30)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 5
    while site.trickle_closed is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.trickle_closed is not None, "the worker went on fetching after its parent died"


def test_layers_point_one_way():
    """Download jobs (core) never import the engine; the engine's fetch never imports core."""
    import subprocess
    import sys

    checks = [
        ("tui.core.downloads, tui.core.download_intent, tui.api.ingest", ("tui.engine", "textual", "tui.ui")),
        (
            "tui.engine.media.fetch, tui.engine.routes.downloads, tui.engine.media.stored_once",
            ("tui.core", "tui.ui", "textual"),
        ),
    ]
    for modules, forbidden in checks:
        code = (
            f"import sys, {modules}\n"
            f"bad = [m for m in sys.modules if m.startswith({forbidden!r})]\n"
            "print(bad); sys.exit(1 if bad else 0)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
