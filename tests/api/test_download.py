"""Download of a finished render: .part + rename, Range resume, fallback, safe names, disk full."""

from __future__ import annotations

import errno
import json
import os

import httpx
import pytest

from tests.api.apifakes import TOKEN, mp4_bytes
from tui.api import DownloadError, RenderJob
from tui.api.download import safe_filename

VIDEO = mp4_bytes(100_000)  # a structurally whole MP4 (ftyp, moov/mvhd, mdat) of ~100 KB
ETAG = '"v1"'
FALLBACK = "GET /api/render/proxy/r1/download"


def ranged(request: httpx.Request, data: bytes = VIDEO) -> httpx.Response:
    """A server with an ETag that honours Range and If-Range (RFC 9110 14.2, 13.1.5)."""
    rng = request.headers.get("range")
    if rng and request.headers.get("if-range") in (None, ETAG):
        start = int(rng.split("=")[1].rstrip("-"))
        if start >= len(data):
            return httpx.Response(416, headers={"content-range": f"bytes */{len(data)}"})
        return httpx.Response(
            206,
            content=data[start:],
            headers={"content-range": f"bytes {start}-{len(data) - 1}/{len(data)}", "etag": ETAG},
        )
    return httpx.Response(200, content=data, headers={"etag": ETAG})


def started_part(folder, name: str, data: bytes, total: int | None = len(VIDEO), etag: str | None = ETAG) -> None:
    """A .part as an earlier, cut download leaves it: the bytes and the sidecar with its validator."""
    (folder / f"{name}.part").write_bytes(data)
    (folder / f"{name}.part.json").write_text(json.dumps({"etag": etag, "last_modified": None, "total": total}))


async def test_download_via_the_link_with_progress(api, make_client, tmp_path):
    api.add(FALLBACK, ranged)
    seen = []
    job = RenderJob(id="r1", status="completed", output_url="/api/render/proxy/r1/download")
    async with make_client() as c:
        path = await c.download_render(job, tmp_path / "out", progress=lambda got, total: seen.append((got, total)))
    assert path == tmp_path / "out" / "r1.mp4"
    assert path.read_bytes() == VIDEO
    assert not (tmp_path / "out" / "r1.mp4.part").exists()
    assert seen[0] == (0, len(VIDEO)) and seen[-1] == (len(VIDEO), len(VIDEO))
    assert api.calls(FALLBACK)[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_resume_from_a_part_file_with_range(api, make_client, tmp_path):
    api.add(FALLBACK, ranged)
    started_part(tmp_path, "r1.mp4", VIDEO[:30000])
    async with make_client() as c:
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO
    assert api.calls(FALLBACK)[0].headers["range"] == "bytes=30000-"
    assert api.calls(FALLBACK)[0].headers["if-range"] == ETAG
    assert api.calls(FALLBACK)[0].headers["accept-encoding"] == "identity"
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith("r1")) == ["r1.mp4"]  # the sidecar went too


async def test_a_part_without_a_sidecar_is_not_trusted(api, make_client, tmp_path):
    api.add(FALLBACK, ranged)
    (tmp_path / "r1.mp4.part").write_bytes(b"bytes of some other file" * 100)
    async with make_client() as c:
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO
    assert "range" not in api.calls(FALLBACK)[0].headers


async def test_server_ignoring_range_restarts_the_file(api, make_client, tmp_path):
    api.add(FALLBACK, lambda req: httpx.Response(200, content=VIDEO))
    started_part(tmp_path, "r1.mp4", b"garbage-that-must-go" * 100)
    async with make_client() as c:
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO


async def test_part_already_complete_answers_416(api, make_client, tmp_path):
    api.add(FALLBACK, ranged)
    started_part(tmp_path, "r1.mp4", VIDEO)
    async with make_client() as c:
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO


async def test_cdn_link_gets_no_token_and_404_falls_back_to_the_proxy(api, make_client, tmp_path):
    cdn_requests = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.example":
            cdn_requests.append(request)
            return httpx.Response(404, text="gone")
        return await api.handle(request)

    api.add(FALLBACK, ranged)
    job = RenderJob(id="r1", status="completed", output_url="https://cdn.example/r1.mp4?sig=abc")
    async with make_client(transport=httpx.MockTransport(handler)) as c:
        path = await c.download_render(job, tmp_path, filename="My Video.mp4")
    assert path.name == "My Video.mp4" and path.read_bytes() == VIDEO
    (cdn,) = cdn_requests
    assert "authorization" not in cdn.headers
    assert not any(h.lower().startswith("x-skill") for h in cdn.headers)
    assert api.calls(FALLBACK)[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_connection_cut_on_the_link_resumes_on_the_fallback(api, make_client, tmp_path):
    class Cut(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield VIDEO[:40000]
            raise httpx.RemoteProtocolError("peer closed connection")

    async def handler(request):
        if request.url.host == "cdn.example":  # the same file (same ETag) as the proxy serves
            return httpx.Response(200, headers={"content-length": str(len(VIDEO)), "etag": ETAG}, stream=Cut())
        return await api.handle(request)

    api.add(FALLBACK, ranged)
    job = RenderJob(id="r1", status="completed", output_url="https://cdn.example/r1.mp4")
    async with make_client(transport=httpx.MockTransport(handler)) as c:
        path = await c.download_render(job, tmp_path)
    assert path.read_bytes() == VIDEO
    assert api.calls(FALLBACK)[0].headers["range"] == "bytes=40000-"


async def test_redirect_to_another_host_drops_the_token(api, make_client, tmp_path):
    seen = []

    async def handler(request):
        if request.url.host == "cdn.example":
            seen.append(request)
            return httpx.Response(200, content=VIDEO)
        return httpx.Response(302, headers={"location": "https://cdn.example/file.mp4"})

    async with make_client(transport=httpx.MockTransport(handler)) as c:
        c._token = TOKEN  # already signed in
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO
    assert "authorization" not in seen[0].headers


async def test_both_links_failing_raises_download_error_and_keeps_the_part(api, make_client, tmp_path):
    api.add(FALLBACK, httpx.Response(404, json={"detail": "no such render"}))
    (tmp_path / "r1.mp4.part").write_bytes(b"x" * 10)

    async def handler(request):
        if request.url.host == "cdn.example":
            raise httpx.ConnectError("refused", request=request)
        return await api.handle(request)

    job = RenderJob(id="r1", status="completed", output_url="https://cdn.example/r1.mp4")
    async with make_client(transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(DownloadError) as info:
            await c.download_render(job, tmp_path)
    assert "ConnectError" in str(info.value) and "HTTP 404" in str(info.value)
    assert (tmp_path / "r1.mp4.part").exists()
    assert not (tmp_path / "r1.mp4").exists()


async def test_disk_full_keeps_the_part_for_a_later_resume(api, make_client, tmp_path, monkeypatch):
    api.add(FALLBACK, ranged)
    import builtins

    real_open = builtins.open

    class FullFile:
        def __init__(self, fh):
            self.fh = fh
            self.written = 0

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def write(self, data):
            room = 20000 - self.written
            if len(data) > room:  # the disk fills up in the middle of this chunk
                self.fh.write(data[:room])
                self.written += room
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(data)
            return self.fh.write(data)

    def fake_open(path, mode="r", *a, **kw):
        fh = real_open(path, mode, *a, **kw)
        return FullFile(fh) if str(path).endswith(".part") else fh

    monkeypatch.setattr("tui.api.download.open", fake_open, raising=False)
    async with make_client() as c:
        with pytest.raises(DownloadError, match="disk is full") as info:
            await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
        assert "resumes" in str(info.value)
        assert (tmp_path / "r1.mp4.part").exists()
        monkeypatch.undo()
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path)
    assert path.read_bytes() == VIDEO
    assert api.calls(FALLBACK)[-1].headers["range"].startswith("bytes=")


async def test_job_without_id_or_link(make_client, tmp_path):
    async with make_client() as c:
        with pytest.raises(DownloadError, match="no download link"):
            await c.download_render(RenderJob(), tmp_path)


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("../../etc/passwd", None),
        ("..", "r1.mp4"),
        ("", "r1.mp4"),
        (None, "r1.mp4"),
        ("a/b\\c.mp4", "a_b_c.mp4"),
        ("evil\x00\x1b[31mname.mp4", None),
        ("CON", "r1.mp4"),
        ("clip", "clip.mp4"),
        ("é" * 300 + ".mp4", None),
        (".hidden.mp4", "hidden.mp4"),
    ],
)
def test_safe_filename(name, expect):
    got = safe_filename(name, "r1.mp4")
    assert "/" not in got and "\\" not in got and ".." not in got
    assert not any(ord(ch) < 32 for ch in got)
    assert got and not got.startswith(".")
    assert len(got.encode()) <= 200
    if expect:
        assert got == expect


async def test_server_supplied_name_cannot_escape_the_folder(api, make_client, tmp_path):
    api.add(FALLBACK, ranged)
    async with make_client() as c:
        path = await c.download_render(RenderJob(id="r1", status="completed"), tmp_path / "dl", filename="../../x.mp4")
    assert path.parent == tmp_path / "dl"
    assert os.listdir(tmp_path / "dl") == [path.name]
