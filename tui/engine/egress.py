"""Where the engine may fetch from: public destinations only, checked on every hop.

An engine reached by other people (bound beyond loopback, or behind ``--web``) must not be a
way into the machine's own network: cloud metadata (169.254.169.254), private ranges, every
loopback form (``[::1]``, ``127.0.0.2``, ``2130706433``, ``0.0.0.0``). yt-dlp and the ffmpeg it
runs make many requests per link (redirects, HLS/DASH manifests and segments, page-embedded
media), so checking the link alone is not enough. :class:`EgressProxy` is a small HTTP proxy
on 127.0.0.1 that the fetch is pointed at (yt-dlp's ``proxy`` option, which it also hands to
ffmpeg): each request and each ``CONNECT`` names its destination, which is resolved, checked
(every address must be public) and then connected to by the checked address, so a DNS answer
cannot change between the check and the connection. A refused destination gets a generic 403:
nothing tells whether a port is open.

"Public" is :attr:`ipaddress.IPv4Address.is_global` (IANA special-purpose registries, RFC 6890),
with IPv4-mapped IPv6 addresses judged as IPv4.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

HEAD_LIMIT = 64 * 1024  # bytes of request line + headers the proxy reads
CONNECT_TIMEOUT = 15.0  # seconds to reach a destination
REFUSED = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 22\r\nConnection: close\r\n\r\ndestination refused.\r\n"
BAD = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

Policy = Callable[[str, int], bool]  # (ip address, port) -> allowed


class DestinationRefused(Exception):
    """The destination is not public (or could not be resolved): nothing was sent to it."""


def is_public(address: str) -> bool:
    """``"93.184.216.34"`` → True; loopback, private, link-local, shared, reserved → False."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_only(address: str, port: int) -> bool:
    """The default policy: every public address, any port."""
    return is_public(address)


def strip_credentials(url: str) -> str:
    """``https://user:pw@host/p`` → ``https://host/p``: credentials are never sent or stored."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


REFUSED_LINK = (
    "This engine fetches links on the public internet only: that address is on this machine or a private network."
)


async def check_link(url: str, policy: Policy = public_only) -> None:
    """Raise DestinationRefused unless ``url``'s host resolves to allowed addresses only (the
    first hop, checked before a fetch starts so the user gets a plain reason; the proxy checks
    every later hop)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DestinationRefused(url) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused(url)
    await resolve_checked(parts.hostname, port, policy)


async def resolve_checked(host: str, port: int, policy: Policy) -> list[str]:
    """Every address ``host`` resolves to, if ALL of them are allowed; else DestinationRefused."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DestinationRefused(host) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or not all(policy(address, port) for address in addresses):
        raise DestinationRefused(host)
    return addresses


async def _open(host: str, port: int, policy: Policy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    last: Exception = DestinationRefused(host)
    for address in await resolve_checked(host, port, policy):
        try:
            return await asyncio.wait_for(asyncio.open_connection(address, port), CONNECT_TIMEOUT)
        except (TimeoutError, OSError) as exc:
            last = exc
    raise DestinationRefused(host) from last


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except OSError:
            pass


def _split_authority(authority: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit("//" + authority)
    host = parts.hostname or ""
    try:
        port = parts.port or default_port
    except ValueError:
        port = -1
    return host, port


def _host_header(head: bytes) -> str | None:
    for header in head.split(b"\r\n"):
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"host":
            return value.strip().decode("latin-1")
    return None


class EgressProxy:
    """``EgressProxy(policy).start()`` → ``"http://127.0.0.1:<port>"``; ``stop()`` closes it.
    One request per connection (``Connection: close`` is forced), ``CONNECT`` tunnels for
    https. Runs its own event loop in a daemon thread."""

    def __init__(self, policy: Policy = public_only) -> None:
        self.policy = policy
        self.refused = 0  # how many destinations were refused (for tests and logs)
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="egress-proxy", daemon=True)
        self.url = ""

    def start(self) -> str:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop)
        self._server = future.result(timeout=10)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            writer.close()
            return
        if len(head) > HEAD_LIMIT:
            await self._answer(writer, BAD)
            return
        line, _, rest = head.partition(b"\r\n")
        try:
            method, target, version = line.decode("latin-1").split(" ", 2)
        except ValueError:
            await self._answer(writer, BAD)
            return
        try:
            if method.upper() == "CONNECT":
                host, port = _split_authority(target, 443)
                up_reader, up_writer = await _open(host, port, self.policy)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
            else:
                parts = urlsplit(target)
                authority = parts.netloc.rsplit("@", 1)[-1]
                if authority.count(":") > 1 and not authority.startswith("["):
                    authority = _host_header(rest) or authority  # an IPv6 literal sent without brackets
                host, port = _split_authority(authority, 80)
                if parts.scheme != "http" or not host:
                    await self._answer(writer, BAD)
                    return
                up_reader, up_writer = await _open(host, port, self.policy)
                path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
                headers = [
                    h
                    for h in rest.split(b"\r\n")
                    if h and not h.lower().startswith((b"proxy-", b"connection:", b"keep-alive:"))
                ]
                up_writer.write(f"{method} {path} {version}\r\n".encode("latin-1"))
                up_writer.write(b"\r\n".join([*headers, b"Connection: close", b"", b""]))
        except DestinationRefused:
            self.refused += 1
            await self._answer(writer, REFUSED)
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, response: bytes) -> None:
        try:
            writer.write(response)
            await writer.drain()
        except OSError:
            pass
        writer.close()
