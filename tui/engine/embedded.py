"""Run the engine in a background thread of this process (``nemo-tui --local``, tests)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn


class EngineStartError(RuntimeError):
    pass


def _pacing_from_env() -> dict[str, float]:
    out = {}
    for key in ("chunk_delay", "tool_delay", "silent_ratio"):
        value = os.environ.get(f"NEMO_ENGINE_{key.upper()}", "").strip()
        try:
            out[key] = float(value)
        except ValueError:
            continue  # unset or not a number: the default
    return out


class EmbeddedEngine:
    """uvicorn on a loopback port in a daemon thread.

    ``start()`` returns the base URL once GET /healthz answers; ``stop()`` shuts uvicorn down
    (the app's lifespan stops the render workers). Also a context manager. Extra keyword
    arguments go to ``create_app`` (heartbeat_interval, media, silent_ratio, ...).

    The cloud's pacing quirks are off by default; a test that needs a run to last (to press
    Escape during it) or silent runs sets ``NEMO_ENGINE_CHUNK_DELAY``, ``NEMO_ENGINE_TOOL_DELAY``
    or ``NEMO_ENGINE_SILENT_RATIO`` (numbers) in the environment of the process.
    """

    def __init__(self, data_dir: Path, host: str = "127.0.0.1", port: int = 0, **app_options: Any):
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.app_options = {**_pacing_from_env(), **app_options}
        self.base_url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, timeout: float = 20.0) -> str:
        if self.base_url is not None:
            return self.base_url
        import uvicorn

        from tui.config import load_settings
        from tui.engine.server import create_app, uvicorn_options

        app = create_app(self.data_dir, **{**load_settings().engine, **self.app_options})
        # IPPROTO_TCP, not 0: asyncio only turns Nagle off (TCP_NODELAY) on connections accepted
        # from a socket that says it is TCP; without it every answer written in two parts (headers,
        # then body; each SSE event) waited ~40 ms for the peer's delayed ACK.
        sock = socket.socket(
            socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, timeout_graceful_shutdown=3, **uvicorn_options(app))
        server = self._server = uvicorn.Server(config)

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as exc:  # reported by start()
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="nemo-engine", daemon=True)
        self._thread.start()
        host = f"[{self.host}]" if ":" in self.host else self.host
        url = f"http://{host}:{self.port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._error is not None or not self._thread.is_alive():
                raise EngineStartError(f"The local engine did not start: {self._error!r}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
                    if json.loads(resp.read()).get("ok"):
                        self.base_url = url
                        return url
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise EngineStartError("The local engine did not answer in time.")

    def stop(self, timeout: float = 15.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
        self._server = None
        self.base_url = None

    def __enter__(self) -> EmbeddedEngine:
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
