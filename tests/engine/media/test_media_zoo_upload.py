"""Every specimen of the media zoo is accepted by the real engine on loopback, with its display
size and duration, through the project's own client."""

from __future__ import annotations

import shutil

import pytest

from tui.api.client import NemoClient
from tui.config import ACCEPTED_EXTENSIONS, load_settings
from tui.engine.embedded import EmbeddedEngine


@pytest.fixture
def engine_url(tmp_path):
    eng = EmbeddedEngine(
        tmp_path / "engine", heartbeat_interval=0.05, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0
    )
    url = eng.start()
    yield url
    eng.stop()


def upload_name(name: str, kind: str) -> str:
    """The name a user would upload it under: its own if accepted, else a common one of its kind."""
    stem, _, ext = name.rpartition(".")
    if ext in ACCEPTED_EXTENSIONS:
        return name
    return f"{stem}.{'m4a' if kind == 'audio' else 'mp4'}"  # e.g. an MPEG-TS recording named .mp4


async def test_the_engine_accepts_the_whole_zoo(zoo, engine_url, tmp_path):
    folder = tmp_path / "up"
    folder.mkdir()
    files = {}
    for spec, path in zoo.values():
        target = folder / upload_name(spec.name, spec.kind)
        shutil.copyfile(path, target)
        files[target.name] = spec
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        session = await client.create_session(language="en")
        uploaded = []
        names = sorted(files)
        for i in range(0, len(names), 5):
            result = await client.upload_files(session.session_id, [folder / n for n in names[i : i + 5]])
            uploaded += result.files
    assert sorted(f.filename for f in uploaded) == names
    for f in uploaded:
        spec = files[f.filename]
        assert f.file_type == spec.kind, f.filename
        assert (f.width, f.height) == (spec.display or (None, None)), f.filename
        if spec.kind != "image":
            assert f.duration == pytest.approx(spec.duration, abs=0.1), f.filename
