"""A scriptable HTTP/1.1 server on 127.0.0.1 for client tests, byte for byte under the test's control.

Each request is handed to ``handler(request, conn)``, which writes whatever the test needs
(a cut body, no length, gzip, a connection closed without an answer) with ``conn.respond``
or ``conn.writer`` and returns True to keep the connection for another request.

    async with Loopback(handler) as server:
        server.url                      # "http://127.0.0.1:<port>"
        server.requests                 # every Request seen, in order
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int  # the index of the TCP connection it came on
    on_connection: int  # 0 for the first request on that connection, 1 for the next...


@dataclass
class Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    index: int
    served: int = 0

    async def respond(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        length: bool = True,
        send: int | None = None,
        close: bool = False,
    ) -> None:
        """Write a response: ``length=False`` omits Content-Length (the body ends at close);
        ``send`` writes only that many body bytes (a cut); ``close`` closes afterwards."""
        head = [f"HTTP/1.1 {status} X"]
        all_headers = dict(headers or {})
        if length:
            all_headers.setdefault("Content-Length", str(len(body)))
        if close or not length:
            all_headers["Connection"] = "close"
        head += [f"{k}: {v}" for k, v in all_headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        self.writer.write(body if send is None else body[:send])
        await self.writer.drain()
        if close or not length or send is not None:
            await self.close()

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except OSError:
            pass


Handler = Callable[[Request, Conn], Awaitable[bool]]


@dataclass
class Loopback:
    handler: Handler
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    url: str = ""
    _server: asyncio.base_events.Server | None = None

    async def __aenter__(self) -> Loopback:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(reader, writer, self.connections)
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                body = b""
                if headers.get("content-length", "0").isdigit() and int(headers.get("content-length", "0")):
                    body = await reader.readexactly(int(headers["content-length"]))
                request = Request(method, path, headers, body, conn.index, conn.served)
                conn.served += 1
                self.requests.append(request)
                if not await self.handler(request, conn) or writer.is_closing():
                    await conn.close()
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            if not writer.is_closing():
                writer.close()
