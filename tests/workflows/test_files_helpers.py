"""The small pure helpers behind the panels: MP4 duration from the movie header (moov at the
end or at the start), safe friendly names, the speed/ETA line."""

from __future__ import annotations

import subprocess

from tui.core.files import RateMeter, existing_part_name, export_filename, mp4_duration, transfer_line


def test_mp4_duration_reads_the_movie_header_wherever_it_is(ffmpeg_exe, make_video, tmp_path):
    assert abs(mp4_duration(make_video(seconds=2)) - 2.0) < 0.1
    fast = tmp_path / "fast.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(make_video(seconds=2)),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(fast),
        ],
        check=True,
    )
    assert abs(mp4_duration(fast) - 2.0) < 0.1
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(fast.read_bytes()[:20])  # a download cut inside the header
    assert mp4_duration(cut) is None
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video at all")
    assert mp4_duration(junk) is None
    assert mp4_duration(tmp_path / "missing.mp4") is None


def test_export_names_are_friendly_and_safe(tmp_path):
    assert export_filename("Urban Dreams", "render_0123456789abcdef") == "Urban-Dreams-89abcdef.mp4"
    name = export_filename('../../etc/pa:ss"wd\x00', "render_ab/../12")
    assert "/" not in name and "\x00" not in name and ":" not in name and name.endswith("-ab12.mp4")
    assert export_filename("", None) == "nemo-video-video.mp4"
    assert len(export_filename("x" * 500, "render_1").encode()) <= 180
    # a download started earlier keeps its name even if the title changed since
    (tmp_path / "Old-Title-89abcdef.mp4.part").write_bytes(b"123")
    assert existing_part_name(tmp_path, "render_0123456789abcdef") == "Old-Title-89abcdef.mp4"


def test_transfer_line_says_bytes_speed_and_time_left():
    now = [0.0]
    meter = RateMeter(clock=lambda: now[0])
    meter.add(0)
    now[0] = 2.0
    meter.add(4_000_000)
    assert transfer_line(4_000_000, 10_000_000, meter) == "4.0/10.0 MB · 2.0 MB/s · 3s left"
    assert transfer_line(500, None, RateMeter()) == "500 B"
