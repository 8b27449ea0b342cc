"""Messages people read: a bad link, a text file named .mp4, a good and a bad file sent together,
and --web without textual-serve. Each is one plain line with the reason and the next step,
through the real client against the real engine where the words come from the engine."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tui.api import LinkFailed, NemoClient, NetworkError, NotMedia, UnsupportedFileType
from tui.config import load_settings
from tui.core.errors_text import error_note

UPLOAD = "POST /api/upload-video/nemo_agent/me/sid1"
# The embedded engine's words (tui/engine/server.py + media/ingest.py plain_error).
ENGINE_SAYS = {
    "404": "Could not fetch http://127.0.0.1:9/x.mp4: Nothing was found at this link (HTTP 404). Check the URL.",
    "no video": "Could not fetch http://127.0.0.1:9/page: No video was found at this link: the site is not "
    "supported or the page has no video.",
    "no network": "Could not fetch https://example.invalid/v: Could not reach the site: check the network "
    "connection and the URL.",
}


def is_plain(note: str) -> None:
    assert "\n" not in note and "4003" not in note and "error 4" not in note and "(server:" not in note
    assert "Could not fetch" not in note and "Try again; if it keeps happening" not in note
    assert note.count(" — ") == 1  # the reason, then the next step


@pytest.mark.parametrize(
    ("case", "reason", "step"),
    [
        ("404", "nothing was found at that address", "check the link for typos"),
        ("no video", "the page has no video", "paste the link of the video itself"),
        ("no network", "the site could not be reached", "check the network connection"),
    ],
)
async def test_a_bad_link_is_one_plain_sentence(case, reason, step, api, make_client):
    api.add(UPLOAD, httpx.Response(200, json={"code": 4003, "message": ENGINE_SAYS[case]}))
    async with make_client() as client:
        with pytest.raises(LinkFailed) as info:
            await client.upload_urls("sid1", ["http://127.0.0.1:9/x.mp4"])
    note = error_note(info.value)
    is_plain(note)
    assert note.startswith("That link could not be added: ") and reason in note and step in note.lower()


async def test_no_network_to_the_service_itself_is_not_blamed_on_the_link(make_client):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with make_client(transport=httpx.MockTransport(refuse)) as client:
        client._token = "nmv_x_signed_in"
        with pytest.raises(NetworkError) as info:
            await client.upload_urls("sid1", ["https://example.com/v.mp4"])
    note = error_note(info.value)
    assert "connection" in note and "link" not in note.lower()


@pytest.fixture
def engine_url(tmp_path):
    pytest.importorskip("uvicorn")
    from tui.engine.embedded import EmbeddedEngine

    engine = EmbeddedEngine(data_dir=tmp_path / "engine")
    url = engine.start()
    yield url
    engine.stop()


async def test_a_text_file_named_mp4_is_not_a_video_on_the_real_engine(engine_url, tmp_path, isolated_dirs, make_video):
    notes = tmp_path / "notes.mp4"
    notes.write_text("meeting notes, not a video\n" * 20)
    good = tmp_path / "city.mp4"
    good.write_bytes(make_video(seconds=1, width=160, height=90, audio=False).read_bytes())
    async with NemoClient(load_settings(api_url=engine_url)) as client:
        await client.connect()
        sid = (await client.create_session()).session_id
        with pytest.raises(NotMedia) as alone:
            await client.upload_files(sid, [notes])
        with pytest.raises(NotMedia) as together:
            await client.upload_files(sid, [good, notes])
    assert isinstance(alone.value, UnsupportedFileType) and alone.value.code == 4001  # still a 4001 for callers
    note = error_note(alone.value)
    assert "notes.mp4" in note and "not a video" in note and "accepted formats" not in note.lower()
    assert together.value.filename == "notes.mp4"
    both = error_note(together.value)
    assert "'notes.mp4' is not a video" in both and "city.mp4" not in both and "other files" in both


async def test_the_bad_file_is_named_from_the_servers_words(api, make_client, tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"\x00" * 10)
    b.write_bytes(b"\x00" * 10)
    api.add(UPLOAD, httpx.Response(200, json={"code": 4001, "message": "b.mp4 is not a playable video/audio file"}))
    async with make_client() as client:
        with pytest.raises(NotMedia) as info:
            await client.upload_files("sid1", [a, b])
    assert info.value.filename == "b.mp4" and "'b.mp4'" in error_note(info.value)


def test_web_without_textual_serve_prints_the_install_hint(tmp_path):
    code = (
        "import sys; sys.modules['textual_serve'] = None\n"  # as if it were not installed
        "from tui.cli import main\n"
        "sys.exit(main(['--web', '--port', '9']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "HOME": str(tmp_path),
            "NEMO_CONFIG_DIR": str(tmp_path / "c"),
            "NEMO_DATA_DIR": str(tmp_path / "d"),
            "PATH": "/usr/bin:/bin",
        },
    )
    assert done.returncode == 2
    assert "pip install 'nemo-tui[web]'" in done.stderr
    assert "Traceback" not in done.stderr
