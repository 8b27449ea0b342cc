"""`nemo-tui --web`: the same app in a browser, through textual-serve.

textual-serve starts one app process per browser tab. With ``--local`` the engine is
started once here, in the serving process, and every app process attaches to it, so all
tabs share one engine (and one set of renders) instead of each starting its own.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path


def app_command(app_args: list[str]) -> str:
    """The shell command textual-serve runs for each browser tab (every word quoted)."""
    return " ".join(shlex.quote(word) for word in [sys.executable, "-m", "tui", *app_args])


def serve_web(
    *, host: str, port: int, app_args: list[str], local: bool = False, engine_data_dir: Path | None = None
) -> None:
    from textual_serve.server import Server

    engine = None
    if local:
        from tui.engine.embedded import EmbeddedEngine

        engine = EmbeddedEngine(data_dir=engine_data_dir)
        app_args = [*app_args, "--attach-local", engine.start()]
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"nemo-tui: serving the app on {host}:{port}, reachable beyond this machine", file=sys.stderr)
    try:
        Server(app_command(app_args), host=host, port=port, title="nemo-tui").serve()
    finally:
        if engine is not None:
            engine.stop()
