"""File upload: checks before sending, a real multipart body streamed from disk, progress, memory."""

from __future__ import annotations

import email.parser
import email.policy
import os
import tracemalloc

import httpx
import pytest

from tests.api.apifakes import envelope
from tui.api import FileTooLarge, InvalidFile, UnsupportedFileType
from tui.config import MAX_UPLOAD_BYTES

UPLOAD = "POST /api/upload-video/nemo_agent/me/sid1"
OK = httpx.Response(
    200, json=envelope({"files": [{"filename": "a.mp4", "file_type": "video"}], "session_state_applied": True})
)


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str, str, bytes, str]]:
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    assert msg.is_multipart()
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_payload(decode=True),
            part.get_content_type(),
        )
        for part in msg.iter_parts()
    ]


async def test_several_files_in_one_multipart_body(api, make_client, tmp_path):
    a = tmp_path / "clip one.mp4"
    a.write_bytes(os.urandom(300_000))
    b = tmp_path / "Song.MP3"
    b.write_bytes(b"ID3" + os.urandom(5000))
    api.add(UPLOAD, OK)
    seen: list[tuple[str, int, int]] = []
    async with make_client() as c:
        res = await c.upload_files(
            "sid1", [a, str(b)], progress=lambda p, sent, total: seen.append((p.name, sent, total))
        )
    assert res.session_state_applied and res.files[0].filename == "a.mp4"
    req = api.calls(UPLOAD)[0]
    body = api.bodies[api.requests.index(req)]
    assert int(req.headers["content-length"]) == len(body)
    parts = parse_multipart(req.headers["content-type"], body)
    assert [(p[0], p[1], p[3]) for p in parts] == [
        ("files", "clip one.mp4", "video/mp4"),
        ("files", "Song.MP3", "audio/mpeg"),
    ]
    assert parts[0][2] == a.read_bytes() and parts[1][2] == b.read_bytes()
    assert seen[0] == ("clip one.mp4", 0, 300_000) and ("clip one.mp4", 300_000, 300_000) in seen
    assert seen[-1] == ("Song.MP3", b.stat().st_size, b.stat().st_size)
    assert req.headers["authorization"].startswith("Bearer ")


async def test_retry_after_429_sends_the_whole_body_again(api, make_client, tmp_path, sleeps):
    f = tmp_path / "a.png"
    f.write_bytes(b"\x89PNG" + os.urandom(2_500_000))
    api.add(UPLOAD, [httpx.Response(429), OK])
    async with make_client() as c:
        await c.upload_files("sid1", [f])
    first, second = (api.bodies[api.requests.index(r)] for r in api.calls(UPLOAD))
    assert len(first) == len(second) > 2_500_000
    assert parse_multipart(api.calls(UPLOAD)[1].headers["content-type"], second)[0][2] == f.read_bytes()
    assert sleeps == [30.0]


@pytest.mark.parametrize("name", ["notes.txt", "movie.flv", "README", "archive.tar.gz"])
async def test_unsupported_type_is_refused_before_sending(api, make_client, tmp_path, name):
    f = tmp_path / name
    f.write_bytes(b"x")
    async with make_client() as c:
        with pytest.raises(UnsupportedFileType) as info:
            await c.upload_files("sid1", [f])
    assert "mp4" in str(info.value) and "webp" in str(info.value) and "aac" in str(info.value)
    assert api.requests == []


async def test_too_large_is_refused_before_sending(api, make_client, tmp_path):
    f = tmp_path / "big.mov"
    with open(f, "wb") as fh:
        fh.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no disk space used
    ok = tmp_path / "ok.mp4"
    ok.write_bytes(b"x")
    async with make_client() as c:
        with pytest.raises(FileTooLarge) as info:
            await c.upload_files("sid1", [ok, f])
    assert "500 MB" in str(info.value) and "ompress" in str(info.value) and "trim" in str(info.value)
    assert api.requests == []  # nothing sent, not even the first file


async def test_missing_file_and_folder_are_clear_errors(api, make_client, tmp_path):
    (tmp_path / "dir.mp4").mkdir()
    async with make_client() as c:
        with pytest.raises(InvalidFile, match="does not exist"):
            await c.upload_files("sid1", [tmp_path / "nope.mp4"])
        with pytest.raises(InvalidFile, match="is a folder"):
            await c.upload_files("sid1", [tmp_path / "dir.mp4"])
        with pytest.raises(ValueError):
            await c.upload_files("sid1", [])
    assert api.requests == []


async def test_server_side_4001_and_4002(api, make_client, tmp_path):
    f = tmp_path / "a.webm"
    f.write_bytes(b"x" * 10)
    api.add(
        UPLOAD, [httpx.Response(200, json={"code": 4001, "message": "codec"}), httpx.Response(200, json={"code": 4002})]
    )
    async with make_client() as c:
        with pytest.raises(UnsupportedFileType):
            await c.upload_files("sid1", [f])
        with pytest.raises(FileTooLarge):
            await c.upload_files("sid1", [f])


async def test_300_mb_upload_streams_in_constant_memory(make_client, tmp_path):
    big = tmp_path / "big.mp4"
    size = 300 * 1024 * 1024
    with open(big, "wb") as fh:
        fh.truncate(size)  # sparse file
    received = 0

    class Sink(httpx.AsyncBaseTransport):
        """Consumes the body chunk by chunk like a server (MockTransport would buffer it)."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal received
            async for chunk in request.stream:
                received += len(chunk)
            return httpx.Response(200, json=envelope({"files": [{"filename": "big.mp4"}]}))

    calls = []
    async with make_client(transport=Sink()) as c:
        c._token = "nmv_usr_memtest_token"  # skip the token call
        tracemalloc.start()
        try:
            res = await c.upload_files("sid1", [big], progress=lambda p, s, t: calls.append(s))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert res.files[0].filename == "big.mp4"
    assert received > size
    assert calls[-1] == size
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
