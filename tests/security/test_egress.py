"""The engine's egress proxy refuses non-public destinations on every hop (issue 13 #5).

Every "non-public" destination here is on this machine (loopback forms); the refusals happen
before any connection, and each test has a control: a policy that allows exactly one loopback
server (standing in for a public host) reaches it through the same proxy.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import imageio_ffmpeg
import pytest

from tui.engine.egress import EgressProxy, is_public, public_only, strip_credentials


class _Site:
    """A loopback web server on ``host`` serving ``root``, counting requests; ``/go?to=URL``
    redirects."""

    def __init__(self, host: str, root: Path) -> None:
        self.hits: list[str] = []
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):  # noqa: N802
                site.hits.append(self.path)
                if self.path.startswith("/go?to="):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("=", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites(tmp_path) -> Iterator[tuple[_Site, _Site]]:
    (tmp_path / "hello.txt").write_text("hello")
    public, private = _Site("127.0.0.1", tmp_path), _Site("127.0.0.2", tmp_path)
    yield public, private
    public.close()
    private.close()


@pytest.fixture
def proxy_for():
    started: list[EgressProxy] = []

    def make(policy) -> EgressProxy:
        proxy = EgressProxy(policy)
        proxy.start()
        started.append(proxy)
        return proxy

    yield make
    for proxy in started:
        proxy.stop()


@pytest.mark.parametrize(
    "address, public",
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_credentials_are_stripped() -> None:
    assert strip_credentials("https://user:secret@cdn.example/v.mp4?x=1") == "https://cdn.example/v.mp4?x=1"
    assert strip_credentials("https://cdn.example/v.mp4") == "https://cdn.example/v.mp4"


def _only(site: _Site):
    return lambda address, port: address == "127.0.0.1" and port == site.port


@pytest.mark.parametrize("form", ["127.0.0.1", "2130706433", "[::1]", "0.0.0.0", "localhost", "127.1"])
def test_every_loopback_form_is_refused_before_any_request(sites, proxy_for, form: str) -> None:
    public, _ = sites
    proxy = proxy_for(public_only)
    with httpx.Client(proxy=proxy.url, timeout=10) as http:
        response = http.get(f"http://{form}:{public.port}/hello.txt")
    assert response.status_code == 403 and response.text.strip() == "destination refused."
    assert public.hits == [] and proxy.refused == 1


def test_control_an_allowed_destination_is_reached(sites, proxy_for) -> None:
    public, _ = sites
    proxy = proxy_for(_only(public))
    with httpx.Client(proxy=proxy.url, timeout=10) as http:
        response = http.get(f"{public.url}/hello.txt")
    assert response.status_code == 200 and response.text == "hello"
    assert public.hits == ["/hello.txt"] and proxy.refused == 0


def test_a_redirect_to_a_private_address_is_refused_on_that_hop(sites, proxy_for) -> None:
    public, private = sites
    proxy = proxy_for(_only(public))
    with httpx.Client(proxy=proxy.url, timeout=10, follow_redirects=True) as http:
        response = http.get(f"{public.url}/go?to={private.url}/hello.txt")
    assert response.status_code == 403
    assert public.hits == [f"/go?to={private.url}/hello.txt"] and private.hits == []


def test_a_tunnel_to_a_private_address_is_refused(sites, proxy_for) -> None:
    _, private = sites
    proxy = proxy_for(public_only)
    with httpx.Client(proxy=proxy.url, timeout=10, verify=False) as http:
        with pytest.raises(httpx.ProxyError):
            http.get(f"https://127.0.0.2:{private.port}/hello.txt")
    assert private.hits == [] and proxy.refused == 1


def _hls(root: Path, segment_base: str) -> None:
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run(
        [
            ffmpeg,
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=10",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "10",
            "-hls_time",
            "1",
            "-hls_list_size",
            "0",
            "-hls_base_url",
            segment_base,
            "-hls_segment_filename",
            str(root / "seg%d.ts"),
            str(root / "media.m3u8"),
        ],
        check=True,
        timeout=60,
    )


@pytest.mark.parametrize("segments_on", ["private", "public"])
def test_hls_segments_are_checked_too(sites, proxy_for, tmp_path, segments_on: str) -> None:
    from yt_dlp import YoutubeDL

    public, private = sites
    base = (private if segments_on == "private" else public).url + "/"
    _hls(tmp_path, base)
    proxy = proxy_for(_only(public))
    opts = {
        "proxy": proxy.url,
        "quiet": True,
        "no_warnings": True,
        "outtmpl": str(tmp_path / "out.%(ext)s"),
        "ffmpeg_location": imageio_ffmpeg.get_ffmpeg_exe(),
        "retries": 0,
        "fragment_retries": 0,
        "noprogress": True,
    }
    with YoutubeDL(opts) as ydl:
        if segments_on == "private":
            from yt_dlp.utils import DownloadError

            with pytest.raises(DownloadError):
                ydl.download([f"{public.url}/media.m3u8"])
            assert private.hits == [] and proxy.refused >= 1
        else:  # control
            ydl.download([f"{public.url}/media.m3u8"])
            assert list(tmp_path.glob("out.*")) and proxy.refused == 0
    assert "/media.m3u8" in public.hits


@pytest.mark.parametrize("public_only", [True, False])
def test_an_engine_for_other_people_fetches_no_private_link(sites, tmp_path, public_only: bool) -> None:
    """The engine served beyond loopback (public_fetch_only) refuses a loopback link before any
    request reaches it; the control engine (this machine's user) fetches the same link."""
    import shutil

    from tests.engine.engine_helpers import Api
    from tui.engine.embedded import EmbeddedEngine

    public, _ = sites
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        [
            ffmpeg,
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=10",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(clip),
        ],
        check=True,
        timeout=60,
    )
    shutil.copy(clip, tmp_path / "served.mp4")  # the sites serve tmp_path
    engine = EmbeddedEngine(tmp_path / "engine", public_fetch_only=public_only, silent_ratio=0.0)
    engine.start()
    api = Api(engine.base_url).login()
    try:
        sid = api.session()
        answer = api.http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            json={"urls": [f"{public.url}/served.mp4"]},
            headers=api.auth,
            timeout=60,
        ).json()
    finally:
        api.close()
        engine.stop()
    if public_only:
        assert answer["code"] == 4003 and public.hits == []
        assert "public internet only" in answer["message"]
    else:
        assert answer["code"] == 0 and answer["data"]["files"][0]["width"] == 160
        assert "/served.mp4" in public.hits


def test_credentials_in_a_link_are_never_echoed_or_sent(sites, tmp_path) -> None:
    """A link with user:password gets an answer and a stored row without them, and the site
    receives no Authorization header (control: the link itself is fetched)."""
    from tests.engine.engine_helpers import Api, FakeMedia
    from tui.engine.embedded import EmbeddedEngine

    seen: list[str] = []

    class Recording(FakeMedia):
        def ingest_url(self, url: str, dest_dir: Path, **kwargs):
            seen.append(url)
            return super().ingest_url(url.replace("clip", "404") if "fail" in url else url, dest_dir, **kwargs)

    engine = EmbeddedEngine(tmp_path / "engine", media=Recording(), silent_ratio=0.0)
    engine.start()
    api = Api(engine.base_url).login()
    try:
        sid = api.session()
        ok = api.http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            headers=api.auth,
            json={"urls": ["http://alice:s3cret@127.0.0.1:9/clip.mp4"]},
        ).json()
        failed = api.http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            headers=api.auth,
            json={"urls": ["http://alice:s3cret@127.0.0.1:9/fail/clip.mp4"]},
        ).json()
    finally:
        api.close()
        engine.stop()
    assert ok["code"] == 0 and seen[0] == "http://127.0.0.1:9/clip.mp4"
    assert failed["code"] == 4003 and "s3cret" not in failed["message"] and "alice" not in failed["message"]
    assert all("s3cret" not in url for url in seen)
