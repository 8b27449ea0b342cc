"""Who may drive `nemo-tui --web`: the server's own page, and one identity per browser visitor.

textual-serve (aiohttp) answers any Host and accepts a websocket from any Origin, so a page on
another site could open ``ws://127.0.0.1:8000/ws``, type keys and read the screen, and a
DNS-rebound name could fetch ``/download/<key>``. :class:`GuardedServer` adds one aiohttp
middleware in front of every route:

- **Host**: only the loopback names (``127.0.0.1``, ``localhost``, ``[::1]``) and the ``--host``
  given, on the server's port; anything else is 403 (DNS rebinding).
- **Origin**: a request that carries one (browsers always send it on a websocket handshake)
  must come from ``http://<allowed host>:<port>``; anything else is 403 (cross-site pages).
- **Key**: bound beyond loopback, every request needs the per-launch secret printed at start
  (``/?key=…`` sets an HttpOnly, SameSite=Strict cookie and redirects to ``/``), as Jupyter does.
- **Visitor**: the page sets a random visitor cookie; each tab's app process is started by
  ``command_for(visitor)``, so visitors get their own client id, token, engine user and
  ``client.db`` (see :func:`tui.web.visitor_command`).

Sources: the Origin rule is RFC 6455 §10.2 (servers not meant for every page must check it);
the aiohttp middleware API is ``aiohttp.web.middleware``.
"""

from __future__ import annotations

import contextvars
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
KEY_COOKIE = "nemo_web_key"
VISITOR_COOKIE = "nemo_visitor"
_VISITOR_ID = re.compile(r"[0-9a-f]{32}")
_visitor: contextvars.ContextVar[str | None] = contextvars.ContextVar("nemo_web_visitor", default=None)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """True for the names and addresses that only this machine reaches."""
    name = host.strip("[]").lower()
    return name in LOOPBACK_NAMES or name.startswith("127.")


def split_host(value: str) -> tuple[str, int | None]:
    """``"[::1]:8000"`` → ``("::1", 8000)``, ``"Example.org"`` → ``("example.org", None)``;
    an unparsable port gives port ``-1`` (never equal to a real one)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port_text = value.partition(":")
    else:
        name, port_text = value, ""
    if not port_text:
        return name, None
    return name, int(port_text) if port_text.isdigit() else -1


@dataclass(frozen=True)
class WebAccess:
    """The rules for one ``--web`` launch: the bound ``host`` and ``port``, and the ``key``
    required beyond loopback (None on loopback)."""

    host: str
    port: int
    key: str | None = None
    names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        bound = self.host.strip("[]").lower()
        extra = {bound} if bound not in ("0.0.0.0", "::", "") else set()
        object.__setattr__(self, "names", LOOPBACK_NAMES | extra)

    @classmethod
    def for_launch(cls, host: str, port: int) -> WebAccess:
        """A key is made (32 url-safe characters) only when ``host`` is not loopback."""
        return cls(host, port, None if is_loopback(host) else secrets.token_urlsafe(24))

    def host_allowed(self, header: str) -> bool:
        """The ``Host`` header names this server. Bound to every address (``0.0.0.0``) the
        name cannot be known, so any name is taken and the key does the guarding."""
        name, port = split_host(header)
        if port not in (None, self.port):
            return False
        return name in self.names or (self.key is not None and self.host in ("0.0.0.0", "::"))

    def origin_allowed(self, origin: str) -> bool:
        """``Origin`` is this server's own (``http(s)://<allowed host>:<port>``)."""
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and self.host_allowed(parts.netloc)

    def key_matches(self, given: str | None) -> bool:
        return self.key is None or (given is not None and hmac.compare_digest(given, self.key))

    def address(self) -> str:
        """The address to open, with the key when one is needed."""
        shown = f"[{self.host}]" if ":" in self.host else self.host
        suffix = f"/?key={self.key}" if self.key else "/"
        return f"http://{shown}:{self.port}{suffix}"


def _refuse(text: str) -> web.Response:
    return web.Response(status=403, text=text + "\n")


class GuardedServer(Server):
    """textual-serve's ``Server`` behind :class:`WebAccess`; ``command_for(visitor_id)`` gives
    the shell command of a tab's app process (``visitor_id`` is None outside a request)."""

    def __init__(self, command_for: Callable[[str | None], str], access: WebAccess, *, title: str) -> None:
        self._command_for = command_for
        self.access = access
        super().__init__(command_for(None), host=access.host, port=access.port, title=title)

    @property
    def command(self) -> str:
        return self._command_for(_visitor.get())

    @command.setter
    def command(self, value: str) -> None:  # Server.__init__ assigns it; the property decides.
        pass

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        access = self.access
        if not access.host_allowed(request.host):
            return _refuse("This address is not served here.")
        origin = request.headers.get("Origin")
        if origin is not None and not access.origin_allowed(origin):
            return _refuse("Requests from other sites are refused.")
        if access.key is not None:
            given = request.query.get("key")
            if given is not None and access.key_matches(given):
                response = web.Response(status=302, headers={"Location": "/"})
                response.set_cookie(KEY_COOKIE, given, httponly=True, samesite="Strict", path="/")
                return response
            if not access.key_matches(request.cookies.get(KEY_COOKIE)):
                return _refuse("Open the address nemo-tui --web printed when it started (it holds a key).")
        visitor = request.cookies.get(VISITOR_COOKIE, "")
        new_visitor = None
        if not _VISITOR_ID.fullmatch(visitor):
            if request.path == "/ws":
                return _refuse("Reload the page.")
            visitor = new_visitor = secrets.token_hex(16)
        token = _visitor.set(visitor)
        try:
            answer: web.StreamResponse = await handler(request)
        finally:
            _visitor.reset(token)
        if new_visitor is not None and not answer.prepared:
            answer.set_cookie(VISITOR_COOKIE, new_visitor, httponly=True, samesite="Strict", path="/")
        return answer
