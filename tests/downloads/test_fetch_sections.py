"""Sections of a link (issue 17): only that part crosses the network, cut on the exact frames.

The source is 10 minutes (160x90, 10 fps, 2 s GOPs) with its frame number drawn in the picture
and a 100 ms beep at the start of every second, served with byte ranges as a faststart MP4 and
as HLS (2 s segments) by ``rangesite.RangeSite``, which counts the bytes it sends.
"""

from __future__ import annotations

from pathlib import Path

import av
import httpx
import pytest
from PIL import Image, ImageChops, ImageStat

from tests.downloads.rangesite import FPS, RangeSite, make_long_source
from tui.engine.media.errors import IngestError
from tui.engine.media.fetch import fetch_media

SOURCES = {"mp4": "/long.mp4", "hls": "/long-hls/index.m3u8"}


@pytest.fixture(scope="session")
def long_root(tmp_path_factory, ffmpeg_exe) -> Path:
    return make_long_source(tmp_path_factory.mktemp("long-source"), ffmpeg_exe)


@pytest.fixture
def rsite(long_root):
    s = RangeSite(long_root)
    yield s
    s.close()


def whole_bytes(root: Path, kind: str) -> int:
    if kind == "mp4":
        return (root / "long.mp4").stat().st_size
    return sum(p.stat().st_size for p in (root / "long-hls").iterdir())


def source_frames(root: Path, first: int, last: int) -> dict[int, Image.Image]:
    """Frames first..last of the source, decoded locally (index = frame number)."""
    out: dict[int, Image.Image] = {}
    with av.open(str(root / "long.mp4")) as c:
        c.seek(int((first / FPS - 3) * 1_000_000) if first > 3 * FPS else 0)
        for f in c.decode(video=0):
            n = round(f.time * FPS)
            if first <= n <= last:
                out[n] = f.to_image().convert("L")
            if n >= last:
                break
    return out


def _diff(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def first_frame_is(root: Path, path: Path, frame: int) -> None:
    """The file's first picture is the source's frame ``frame``: closer to it than to its neighbours."""
    with av.open(str(path)) as c:
        first = next(c.decode(video=0)).to_image().convert("L")
    ref = source_frames(root, frame - 2, frame + 2)
    diffs = {n: _diff(img, first) for n, img in ref.items()}
    assert min(diffs, key=diffs.__getitem__) == frame, diffs
    assert diffs[frame] < 3.0 and diffs[frame - 1] > 2 * diffs[frame] and diffs[frame + 1] > 2 * diffs[frame], diffs


def video_frames(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for p in c.demux(video=0) if p.size)


def first_beep_s(path: Path) -> float:
    """Seconds from the file's start to the first loud audio sample (the source beeps at every whole second)."""
    with av.open(str(path)) as c:
        for f in c.decode(audio=0):
            samples = memoryview(bytes(f.planes[0])).cast("f")
            for i in range(f.samples):
                if abs(samples[i]) > 0.1:
                    return float(f.time) + i / f.sample_rate
    raise AssertionError("no sound")


@pytest.mark.parametrize("kind", ["mp4", "hls"])
async def test_ninety_seconds_of_ten_minutes_end_to_end(kind, rsite, long_root, engine_url, tmp_path):
    """Through the engine's /api/local/fetch with a section: 90 s ± 1 frame, starting on the
    asked frame, sound in step, and under 30 % of the source's bytes sent."""
    from tui.api.client import NemoClient
    from tui.api.ingest import FetchOptions, fetch_link
    from tui.config import load_settings

    client = NemoClient(load_settings(api_url=engine_url))
    await client.connect()
    try:
        sid = (await client.create_session()).session_id
        media = await fetch_link(client, sid, rsite.url(SOURCES[kind]), options=FetchOptions(section=(60.5, 150.5)))
        assert media.duration_s == pytest.approx(90.0, abs=1 / FPS)
        out = tmp_path / "section.mp4"
        async with httpx.AsyncClient(timeout=30) as http:
            resp = await http.get(media.cdn_url, headers={"Authorization": f"Bearer {client._token}"})
            assert resp.status_code == 200
            out.write_bytes(resp.content)
    finally:
        await client.aclose()
    assert abs(video_frames(out) - 90 * FPS) <= 1
    first_frame_is(long_root, out, 605)
    assert first_beep_s(out) == pytest.approx(0.5, abs=0.05)  # the beep of 61.0 s, 0.5 s in
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264" and c.streams.audio[0].codec_context.name == "aac"
    sent = rsite.total_sent()
    assert 0 < sent < 0.3 * whole_bytes(long_root, kind), (sent, whole_bytes(long_root, kind))


@pytest.mark.parametrize("end", [None, 700.0])
@pytest.mark.parametrize("kind", ["mp4", "hls"])
def test_section_to_the_end(kind, end, rsite, long_root, tmp_path):
    """No end, or an end after the video's: the part runs to the video's end."""
    result = fetch_media(rsite.url(SOURCES[kind]), tmp_path / "out", options={"section": [592.0, end]})
    assert abs(video_frames(result.path) - 8 * FPS) <= 1
    first_frame_is(long_root, result.path, 5920)
    assert rsite.total_sent() < 0.1 * whole_bytes(long_root, kind)


@pytest.mark.parametrize("kind", ["mp4", "hls"])
def test_section_past_the_end_is_refused_in_words(kind, rsite, tmp_path):
    with pytest.raises(IngestError, match=r"starts at 11m40s, but the video ends at 10m00s"):
        fetch_media(rsite.url(SOURCES[kind]), tmp_path / "out", options={"section": [700.0, 760.0]})
    assert not (tmp_path / "out").exists()


def test_section_of_plain_link_survives_a_cut_connection(rsite, long_root, tmp_path):
    """ffmpeg's reconnect resumes the section's range where the connection broke."""
    rsite.cut_once("/long.mp4", 100_000)  # ffmpeg's first ranged request (the worker's peek asks 1 kB)
    result = fetch_media(rsite.url("/long.mp4"), tmp_path / "out", options={"section": [60.5, 150.5]})
    assert abs(video_frames(result.path) - 90 * FPS) <= 1
    assert rsite.cuts_left() == 0  # the connection was cut
    first_frame_is(long_root, result.path, 605)
    assert rsite.total_sent() < 0.3 * whole_bytes(long_root, "mp4")
    assert sum(1 for path, _ in rsite.ranges if path == "/long.mp4") >= 3  # peek, cut request, its resumption


@pytest.mark.parametrize(("kind", "name"), [("mp4", "long (1m00s-1m10s).mp4"), ("hls", "index (1m00s-1m10s).mp4")])
def test_section_name_says_the_part(kind, name, rsite, tmp_path):
    result = fetch_media(rsite.url(SOURCES[kind]), tmp_path / "out", options={"section": [60.0, 70.0]})
    assert result.path.name == name
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]


def test_section_from_a_server_without_byte_ranges(site, tmp_path):
    """A server that ignores Range sends the whole file whatever is asked: the part is cut from
    that copy (VP9/Opus WebM in, H.264/AAC MP4 of 1 s out), and only the part is kept."""
    result = fetch_media(site.url("/v/clip.webm"), tmp_path / "out", options={"section": [0.5, 1.5]})
    assert abs(video_frames(result.path) - 25) <= 1  # 1 s at 25 fps
    with av.open(str(result.path)) as c:
        assert c.streams.video[0].codec_context.name == "h264" and c.streams.audio[0].codec_context.name == "aac"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["clip (0m00.5s-0m01.5s).mp4"]


def test_hls_section_with_a_segment_cut_is_never_kept_with_a_gap(rsite, long_root, tmp_path):
    """ffmpeg's HLS demuxer skips a segment whose connection broke: the gap is seen (frames
    counted against the section) and the section fetched once more; the file is whole."""
    seg = long_root / "long-hls" / "seg40.ts"  # 80-82 s, inside the section
    rsite.cut_once("/long-hls/seg40.ts", seg.stat().st_size // 2)
    result = fetch_media(rsite.url(SOURCES["hls"]), tmp_path / "out", options={"section": [60.5, 150.5]})
    assert rsite.cuts_left() == 0 and rsite.requests["/long-hls/seg40.ts"] == 2
    assert abs(video_frames(result.path) - 90 * FPS) <= 1
    first_frame_is(long_root, result.path, 605)
    assert rsite.total_sent() < 0.4 * whole_bytes(long_root, "hls")
