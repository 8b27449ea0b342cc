"""The pieces the download's proof rests on: Content-Range parsing and the MP4 wholeness check."""

from __future__ import annotations

import os

import pytest

from tui.api.mp4check import mp4_problem
from tui.api.partfile import ContentRange, PartMeta, parse_content_range, read_meta, validators, write_meta


@pytest.mark.parametrize(
    ("value", "expect"),
    [
        ("bytes 100-199/200", ContentRange(100, 199, 200)),
        ("bytes 0-0/1", ContentRange(0, 0, 1)),
        ("BYTES 5-9/*", ContentRange(5, 9, None)),
        ("bytes 100-199/150", None),  # ends past the total
        ("bytes 200-100/300", None),  # backwards
        ("bytes */200", None),
        ("bytes 100-/200", None),
        ("items 0-9/10", None),
        ("", None),
        (None, None),
        ("bytes 1-2/3, bytes 4-5/6", None),
    ],
)
def test_content_range(value, expect):
    assert parse_content_range(value) == expect


def test_weak_etags_are_not_used_for_if_range():
    assert validators('W/"abc"', None) == PartMeta()
    assert validators('W/"abc"', "Sun, 01 Nov 2026 10:00:00 GMT").validator == "Sun, 01 Nov 2026 10:00:00 GMT"
    assert validators('"abc"', "Sun, 01 Nov 2026 10:00:00 GMT").validator == '"abc"'


def test_the_sidecar_is_private_and_damage_reads_as_none(tmp_path):
    part = tmp_path / "v.mp4.part"
    write_meta(part, PartMeta('"e1"', None, 1234))
    side = tmp_path / "v.mp4.part.json"
    assert os.stat(side).st_mode & 0o777 == 0o600
    assert read_meta(part) == PartMeta('"e1"', None, 1234)
    side.write_text("{not json")
    assert read_meta(part) is None
    side.write_text('{"etag": 5, "total": -1}')
    assert read_meta(part) == PartMeta()


def check(path) -> str | None:
    fd = os.open(path, os.O_RDONLY)
    try:
        return mp4_problem(fd)
    finally:
        os.close(fd)


@pytest.mark.parametrize("faststart", [False, True], ids=["moov-at-end", "moov-first"])
def test_a_cut_or_padded_mp4_is_never_whole(faststart, make_video, ffmpeg_exe, tmp_path):
    import subprocess

    src = make_video(seconds=2, width=320, height=180)
    if faststart:
        fast = tmp_path / "fast.mp4"
        subprocess.run(
            [ffmpeg_exe, "-v", "error", "-y", "-i", str(src), "-c", "copy", "-movflags", "+faststart", str(fast)],
            check=True,
        )
        src = fast
    whole = src.read_bytes()
    target = tmp_path / "t.mp4"
    target.write_bytes(whole)
    assert check(target) is None
    for cut in sorted({1, 7, 8, 20, 100, len(whole) // 3, len(whole) // 2, len(whole) - 100, len(whole) - 1}):
        target.write_bytes(whole[:cut])
        assert check(target) is not None, cut
    target.write_bytes(whole + b"\x00" * 5)  # bytes after the end: not this file either
    assert check(target) is not None
    target.write_bytes(b"meeting notes, not a video\n" * 10)
    assert check(target) is not None
