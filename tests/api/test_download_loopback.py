"""Downloads against real HTTP servers on 127.0.0.1 that behave as real ones do: the file
changes between a cut and the resume (with and without an ETag), a gzip answer, a body cut on a
connection without a length, a symlink planted as the .part, a file of the same name present.
A download is either the right file, whole, or a clear failure that leaves nothing under the
final name."""

from __future__ import annotations

import gzip
import os

import pytest

from tests.api.apifakes import TOKEN
from tests.api.loopback import Conn, Loopback, Request
from tui.api import DownloadError, NemoClient, RenderJob
from tui.config import load_settings

JOB = RenderJob(id="r1", status="completed", output_url="/files/r1.mp4")
LINK = "/files/r1.mp4"
OLD_DATE = "Sun, 01 Nov 2026 10:00:00 GMT"
NEW_DATE = "Sun, 29 Nov 2026 10:00:00 GMT"


@pytest.fixture
def v1(make_video) -> bytes:
    return make_video(seconds=2, width=320, height=180).read_bytes()


@pytest.fixture
def v2(v1) -> bytes:
    """A re-render of the same length: the same size and structure, other picture bytes."""
    mdat = v1.index(b"mdat")
    data = bytearray(v1)
    for i in range(mdat + 1000, min(len(v1), mdat + 1000 + len(v1) // 2)):
        data[i] ^= 0x5A
    assert len(data) == len(v1) and bytes(data) != v1
    return bytes(data)


def client_for(url: str, isolated_dirs) -> NemoClient:
    env = {**{k: str(v) for k, v in isolated_dirs.items()}, "NEMO_TOKEN": TOKEN}
    return NemoClient(load_settings(env, api_url=url))


def range_start(request: Request) -> int | None:
    value = request.headers.get("range")
    return int(value.removeprefix("bytes=").rstrip("-")) if value else None


def serving(
    files: list[bytes],
    validators: list[dict[str, str]],
    *,
    honour_if_range: bool = True,
    cut_first_at: float | None = 0.5,
):
    """A file server: request n gets ``files[min(n, -1)]``; the first answer is cut."""

    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404, b"{}")
            return True
        n = len([r for r in server.requests if r.path == LINK]) - 1
        data, headers = files[min(n, len(files) - 1)], dict(validators[min(n, len(validators) - 1)])
        start = range_start(request)
        if_range = request.headers.get("if-range")
        current = headers.get("ETag") or headers.get("Last-Modified")
        if start is not None and (not honour_if_range or if_range is None or if_range == current):
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            await conn.respond(206, data[start:], headers)
            return True
        if n == 0 and cut_first_at is not None:
            await conn.respond(200, data, headers, send=int(len(data) * cut_first_at))
            return False
        await conn.respond(200, data, headers)
        return True

    server = Loopback(handler)
    return server


@pytest.mark.parametrize(
    "validator",
    [
        pytest.param(("ETag", '"a1"', '"b2"'), id="etag"),
        pytest.param(("Last-Modified", OLD_DATE, NEW_DATE), id="last-modified-only"),
    ],
)
async def test_file_changed_between_the_cut_and_the_resume(validator, v1, v2, tmp_path, isolated_dirs):
    name, old, new = validator
    async with serving([v1, v2], [{name: old}, {name: new}]) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v2  # the new file, whole: never the old head with the new tail
    first, second = [r for r in server.requests if r.path == LINK]
    assert first.headers["accept-encoding"] == "identity"
    assert range_start(second) == len(v1) // 2 and second.headers["if-range"] == old
    assert sorted(os.listdir(tmp_path)) == ["r1.mp4"]


async def test_a_server_that_ignores_if_range_is_caught_by_its_etag(v1, v2, tmp_path, isolated_dirs):
    async with serving([v1, v2], [{"ETag": '"a1"'}, {"ETag": '"b2"'}], honour_if_range=False) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v2
    gets = [r for r in server.requests if r.path == LINK]
    assert [range_start(r) for r in gets] == [None, len(v1) // 2, None]  # the 206 was refused: start over


async def test_a_server_without_validators_is_never_resumed(v1, v2, tmp_path, isolated_dirs):
    async with serving([v1, v2], [{}], honour_if_range=False) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v2
    assert [range_start(r) for r in server.requests if r.path == LINK] == [None, None]


async def test_the_same_file_is_resumed_where_it_was_cut(v1, tmp_path, isolated_dirs):
    async with serving([v1], [{"ETag": '"a1"', "Last-Modified": OLD_DATE}]) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v1
    second = [r for r in server.requests if r.path == LINK][1]
    assert range_start(second) == len(v1) // 2 and second.headers["if-range"] == '"a1"'


async def test_a_206_that_does_not_start_where_asked_is_refused(v1, tmp_path, isolated_dirs):
    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404)
            return True
        if range_start(request) is not None:  # answers from the wrong offset, total right
            await conn.respond(206, v1[100:], {"ETag": '"a1"', "Content-Range": f"bytes 100-{len(v1) - 1}/{len(v1)}"})
            return True
        first = len([r for r in server.requests if r.path == LINK]) == 1
        await conn.respond(200, v1, {"ETag": '"a1"'}, send=len(v1) // 3 if first else None)
        return not first

    async with Loopback(handler) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v1


@pytest.mark.parametrize("with_length", [True, False], ids=["gzip-with-length", "gzip-close-delimited"])
async def test_a_gzip_server_gives_the_decoded_file_and_never_a_byte_range(with_length, v1, tmp_path, isolated_dirs):
    packed = gzip.compress(v1)

    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404)
            return True
        first = len([r for r in server.requests if r.path == LINK]) == 1
        headers = {"Content-Encoding": "gzip", "ETag": '"z1"'}  # compressed although identity was asked
        await conn.respond(200, packed, headers, length=with_length, send=len(packed) // 2 if first else None)
        return False

    async with Loopback(handler) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v1
    gets = [r for r in server.requests if r.path == LINK]
    assert len(gets) == 2 and all("range" not in r.headers for r in gets)
    assert sorted(os.listdir(tmp_path)) == ["r1.mp4"]


async def test_a_body_cut_on_a_connection_without_length_is_never_saved(v1, tmp_path, isolated_dirs):
    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404)
            return True
        await conn.respond(200, v1, {"ETag": '"a1"'}, length=False, send=int(len(v1) * 0.6))
        return False

    async with Loopback(handler) as server:
        async with client_for(server.url, isolated_dirs) as client:
            with pytest.raises(DownloadError, match="the file arrived incomplete") as info:
                await client.download_render(JOB, tmp_path)
    assert "Try the download again" in str(info.value)
    assert os.listdir(tmp_path) == []  # nothing under the final name, no .part, no sidecar
    assert len([r for r in server.requests if r.path == LINK]) == 2  # started over once


async def test_a_body_cut_once_without_length_is_fetched_again_whole(v1, tmp_path, isolated_dirs):
    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404)
            return True
        first = len([r for r in server.requests if r.path == LINK]) == 1
        await conn.respond(200, v1, {}, length=False, send=int(len(v1) * 0.6) if first else None)
        return False

    async with Loopback(handler) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.read_bytes() == v1


async def test_a_symlink_planted_as_the_part_is_never_followed(v1, tmp_path, isolated_dirs):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "r1.mp4.part").symlink_to(victim)
    (folder / "r1.mp4.part.json").symlink_to(victim)
    async with serving([v1], [{"ETag": '"a1"'}], cut_first_at=None) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, folder)
    assert victim.read_bytes() == b"precious"
    assert path.read_bytes() == v1 and not path.is_symlink()
    assert sorted(os.listdir(folder)) == ["r1.mp4"]


async def test_a_file_of_the_same_name_is_never_overwritten(v1, tmp_path, isolated_dirs):
    mine = tmp_path / "r1.mp4"
    mine.write_bytes(b"my own video")
    async with serving([v1], [{"ETag": '"a1"'}], cut_first_at=None) as server:
        async with client_for(server.url, isolated_dirs) as client:
            first = await client.download_render(JOB, tmp_path)
            second = await client.download_render(JOB, tmp_path)
    assert mine.read_bytes() == b"my own video"
    assert (first.name, second.name) == ("r1 (2).mp4", "r1 (3).mp4")
    assert first.read_bytes() == second.read_bytes() == v1


async def test_an_interrupted_download_keeps_its_name_when_resumed(v1, tmp_path, isolated_dirs):
    """A .part left by a cut resumes under its own name even though other files came since."""

    async def handler(request: Request, conn: Conn) -> bool:
        if request.path != LINK:
            await conn.respond(404)
            return True
        start = range_start(request)
        if start is None:  # every fresh start is cut: the .part stays behind
            await conn.respond(200, v1, {"ETag": '"a1"'}, send=len(v1) // 4)
            return False
        await conn.respond(206, v1[start:], {"ETag": '"a1"', "Content-Range": f"bytes {start}-{len(v1) - 1}/{len(v1)}"})
        return True

    (tmp_path / "r1.mp4").write_bytes(b"x")
    async with Loopback(handler) as server:
        async with client_for(server.url, isolated_dirs) as client:
            path = await client.download_render(JOB, tmp_path)
    assert path.name == "r1 (2).mp4" and path.read_bytes() == v1
    assert [range_start(r) for r in server.requests if r.path == LINK] == [None, len(v1) // 4]
