"""Recordings as people have them upload to the embedded engine under their own names
(a local-only extension: tui.contract.LOCAL_EXTENSIONS); the documented set stays the
client's default for the cloud."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.engine.engine_helpers import Api
from tui.api.errors import UnsupportedFileType
from tui.api.upload import check_file
from tui.contract import ACCEPTED_EXTENSIONS, LOCAL_EXTENSIONS


def _mpeg2_ts(path: Path) -> Path:
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "1",
            "-c:v",
            "mpeg2video",
            "-c:a",
            "mp2",
            "-f",
            "mpegts",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def test_an_mpeg_ts_recording_uploads_under_its_own_name(engine_url, tmp_path) -> None:
    clip = _mpeg2_ts(tmp_path / "recording.ts")
    api = Api(engine_url).login()
    try:
        sid = api.session()
        answer = api.upload(sid, clip)
    finally:
        api.close()
    assert answer["code"] == 0, answer
    file = answer["data"]["files"][0]
    assert (file["filename"], file["file_type"], file["width"], file["height"]) == ("recording.ts", "video", 320, 240)


def test_the_client_checks_the_set_of_its_backend(tmp_path) -> None:
    clip = tmp_path / "recording.ts"
    clip.write_bytes(b"\x47" * 188)
    assert check_file(clip, LOCAL_EXTENSIONS) == 188
    with pytest.raises(UnsupportedFileType) as refused:  # the cloud's documented set
        check_file(clip, ACCEPTED_EXTENSIONS)
    assert "mp4" in refused.value.next_step and "ts" not in refused.value.next_step.split("also")[0].split()
