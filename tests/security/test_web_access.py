"""`--web` is driven only by its own page: foreign Host and Origin are refused, a key guards a
server bound beyond loopback, and every browser visitor has an identity of its own.

Each refusal has a control (the same request from the legitimate page) so a broken harness
cannot pass. The servers are real aiohttp servers on 127.0.0.1 (textual-serve's app with the
guard); a tab's process is `true`, which exits at once.
"""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar, WSServerHandshakeError
from aiohttp.test_utils import TestServer

from tui.web import visitor_command
from tui.web_access import KEY_COOKIE, VISITOR_COOKIE, GuardedServer, WebAccess, split_host


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """A ``command_for`` that remembers which visitor each tab was started for."""

    def __init__(self) -> None:
        self.visitors: list[str | None] = []

    def __call__(self, visitor: str | None) -> str:
        if visitor is not None:
            self.visitors.append(visitor)
        return "true"


async def _serve(access: WebAccess, recorder: Recorder) -> TestServer:
    server = GuardedServer(recorder, access, title="nemo-tui")
    test_server = TestServer(await server._make_app(), host="127.0.0.1", port=access.port)
    await test_server.start_server()
    return test_server


@pytest.fixture
async def loopback():
    port = _free_port()
    recorder = Recorder()
    server = await _serve(WebAccess.for_launch("127.0.0.1", port), recorder)
    yield f"http://127.0.0.1:{port}", port, recorder
    await server.close()


def _session() -> ClientSession:
    return ClientSession(cookie_jar=CookieJar(unsafe=True))  # keep cookies set by an IP host


async def test_the_page_itself_is_served_and_gets_a_visitor_cookie(loopback) -> None:
    base, _, _ = loopback
    async with _session() as http:
        async with http.get(base + "/") as response:
            assert response.status == 200
            assert "nemo-tui" in await response.text()
            assert VISITOR_COOKIE in response.cookies


async def test_a_foreign_host_is_refused_dns_rebinding(loopback) -> None:
    base, port, _ = loopback
    async with _session() as http:
        async with http.get(base + "/", headers={"Host": f"attacker.example:{port}"}) as response:
            assert response.status == 403
        async with http.get(base + "/download/some-key", headers={"Host": f"rebound.example:{port}"}) as response:
            assert response.status == 403
        # control: the same requests with the server's own names
        for name in ("127.0.0.1", "localhost"):
            async with http.get(base + "/", headers={"Host": f"{name}:{port}"}) as response:
                assert response.status == 200


async def test_a_websocket_from_another_site_is_refused(loopback) -> None:
    base, port, recorder = loopback
    async with _session() as http:
        async with http.get(base + "/"):
            pass  # the visitor cookie, as the page would have it
        with pytest.raises(WSServerHandshakeError) as refused:
            await http.ws_connect(base + "/ws", headers={"Origin": "http://evil.example"})
        assert refused.value.status == 403
        assert recorder.visitors == []  # no app process was started for it
        # control: the page's own origin opens the websocket and starts the tab's process
        ws = await http.ws_connect(base + "/ws", headers={"Origin": f"http://127.0.0.1:{port}"})
        await ws.close()
    assert len(recorder.visitors) == 1


async def test_each_visitor_has_an_identity_of_its_own(loopback) -> None:
    base, port, recorder = loopback
    for _ in range(2):  # two browsers: two cookie jars
        async with _session() as http:
            async with http.get(base + "/"):
                pass
            for _ in range(2):  # two tabs of the same browser share its identity
                ws = await http.ws_connect(base + "/ws", headers={"Origin": f"http://localhost:{port}"})
                await ws.close()
    first, again, second, second_again = recorder.visitors
    assert first == again and second == second_again and first != second


async def test_beyond_loopback_a_key_is_needed() -> None:
    port = _free_port()
    access = WebAccess.for_launch("0.0.0.0", port)
    assert access.key and len(access.key) >= 32 and access.key in access.address()
    recorder = Recorder()
    server = await _serve(access, recorder)
    base = f"http://127.0.0.1:{port}"
    try:
        async with _session() as http:
            async with http.get(base + "/") as response:
                assert response.status == 403
                assert "printed" in await response.text()
            async with http.get(base + "/?key=wrong-key") as response:
                assert response.status == 403
            async with http.get(base + f"/?key={access.key}") as response:  # follows the redirect
                assert response.status == 200
                assert response.url.path == "/" and "key" not in response.url.query
            assert any(c.key == KEY_COOKIE for c in http.cookie_jar)
            ws = await http.ws_connect(base + "/ws", headers={"Origin": f"http://127.0.0.1:{port}"})
            await ws.close()
        async with _session() as stranger:  # no key, no cookie: nothing, not even the socket
            with pytest.raises(WSServerHandshakeError):
                await stranger.ws_connect(base + "/ws")
    finally:
        await server.close()
    assert len(recorder.visitors) == 1


def test_host_header_parsing() -> None:
    assert split_host("[::1]:8000") == ("::1", 8000)
    assert split_host("LocalHost") == ("localhost", None)
    assert split_host("127.0.0.1:80x") == ("127.0.0.1", -1)
    access = WebAccess("127.0.0.1", 8000)
    assert access.host_allowed("127.0.0.1:8000") and access.host_allowed("[::1]:8000")
    assert not access.host_allowed("127.0.0.1:8001")
    assert not access.origin_allowed("null") and not access.origin_allowed("file://")
    assert access.origin_allowed("http://localhost:8000")


def test_visitor_commands_use_separate_private_folders(tmp_path: Path) -> None:
    config_dir = tmp_path / "cfg"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('theme = "ansi"\n')
    command_for = visitor_command(
        ["--data-dir", str(tmp_path / "shared"), "--theme", "nord"],
        visitors_dir=tmp_path / "web",
        config_dir=config_dir,
    )
    one, two = command_for("a" * 32), command_for("b" * 32)
    assert one != two
    words = shlex.split(one)
    assert f"NEMO_CONFIG_DIR={tmp_path / 'web' / ('a' * 32) / 'config'}" in words
    assert words[words.index("--data-dir") + 1] == str(tmp_path / "web" / ("a" * 32) / "data")
    assert str(tmp_path / "shared") not in words and "--theme" in words
    home = tmp_path / "web" / ("a" * 32)
    assert (home / "config" / "config.toml").read_text() == 'theme = "ansi"\n'
    assert (home / "config" / "config.toml").stat().st_mode & 0o777 == 0o600
    assert home.stat().st_mode & 0o777 == 0o700
