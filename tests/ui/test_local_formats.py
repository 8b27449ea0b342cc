"""The picker and the typed upload take the file types of the backend: recordings (.ts, .vob,
.flac, …) on the local engine, the documented set on the cloud."""

from __future__ import annotations

from pathlib import Path

from tui.ui.screens.upload import MediaTree, check_paths, extensions_for


def test_the_local_engine_takes_recordings_the_cloud_does_not(tmp_path: Path) -> None:
    recording = tmp_path / "concert.ts"
    recording.write_bytes(b"\x47" * 188)
    assert check_paths([recording], extensions_for("local")) == ([recording], None)
    checked, error = check_paths([recording], extensions_for("cloud"))
    assert checked == [] and error and "not a supported file type" in error


def test_the_picker_lists_what_its_backend_takes(tmp_path: Path) -> None:
    for name in ("concert.ts", "song.flac", "clip.mp4", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    files = sorted(tmp_path.iterdir())
    local = {p.name for p in MediaTree(tmp_path, extensions_for("local")).filter_paths(files)}
    cloud = {p.name for p in MediaTree(tmp_path, extensions_for("cloud")).filter_paths(files)}
    assert local == {"concert.ts", "song.flac", "clip.mp4"} and cloud == {"clip.mp4"}
