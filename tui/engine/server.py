"""The embedded engine's HTTP server: the NemoVideo API (nemovideo-api.md) on this machine.

Routes (bearer token on all but the first two; templates in :class:`tui.contract.Paths`):
  GET  /healthz                                        {"ok": true}
  POST /api/auth/anonymous-token                       X-Client-Id -> token (same one for 7 days)
  POST /api/tasks/me/with-session/nemo_agent           -> task_id, session_id, user_id
  GET  /api/credits/balance/simple                     -> available, frozen, total
  POST /api/upload-video/nemo_agent/me/{sid}           multipart `files` or JSON {"urls": [...]}
  GET  /api/state/nemo_agent/me/{sid}/latest           -> state {draft, video_infos, ...}, version
                                                       (?version=N: an earlier draft version)
  POST /run_sse                                        the agent, ADK-shaped SSE
  POST /api/render/proxy/lambda                        submit (X-Skill-* headers required)
  GET  /api/render/proxy/lambda/{id}                   status, progress, outputUrl
  POST /api/render/proxy/lambda/{id}/cancel
  GET  /api/render/proxy/{id}/download                 the MP4, with HTTP Range
  GET  /api/media/{upload_id}                          an uploaded file (its owner only)
  GET  /api/history/nemo_agent/me/{sid}                chat history and draft versions
  POST /api/local/formats/{sid}                        what a link offers (local extension)
  GET  /api/local/thumbnail|peaks|storyboard/{id}      pictures of the media (local-only: routes/pictures.py)

``create_app(data_dir, **options)`` builds the Starlette app (options: :class:`EngineOptions`);
``serve(host, port, data_dir)`` runs it with uvicorn (blocking). Media work (probe, URL ingest,
render) goes through ``media``: the real ``tui.engine.media`` functions by default, imported
lazily, or a fake in tests.
"""

from __future__ import annotations

import contextlib
import ipaddress
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from tui.engine.envelope import EXCEPTION_HANDLERS, Fail, ok
from tui.engine.guards import BodyTimeout
from tui.engine.options import EngineOptions
from tui.engine.routes import auth, downloads, formats, pictures, renders, runs, sessions, uploads
from tui.engine.service import Engine, RealMedia

# One module per resource; each has ``routes``. Adding a resource is one line here.
ROUTE_MODULES: tuple[ModuleType, ...] = (auth, sessions, uploads, runs, renders, downloads, formats, pictures)

__all__ = ["ROUTE_MODULES", "Engine", "EngineOptions", "Fail", "RealMedia", "create_app", "main", "ok", "serve"]


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(data_dir: Path, *, options: EngineOptions | None = None, **values: Any) -> Starlette:
    """The engine as an ASGI app: ``options``, or the fields of :class:`EngineOptions` as
    keyword arguments (``media``, ``heartbeat_interval``, ``max_json_bytes``, ...)."""
    opts = options or EngineOptions.build(**values)
    engine = Engine(Path(data_dir), opts)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    route_table: list[BaseRoute] = [route for module in ROUTE_MODULES for route in module.routes]
    app = Starlette(
        routes=route_table,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[Middleware(BodyTimeout, timeout=opts.body_timeout)],
    )
    app.state.engine = engine
    return app


KEEP_ALIVE_SECONDS = 30


def uvicorn_options(app: Starlette) -> dict[str, Any]:
    """uvicorn settings for the engine (``uvicorn.run``/``uvicorn.Config`` keywords): the guarded
    h11 protocol (header timeout), forwarding headers ignored (the engine decides whom to
    believe: ``trusted_proxies``), quiet logs."""
    from tui.engine.guards import guarded_h11

    engine: Engine = app.state.engine
    # Idle connections are kept 30 s, longer than the client keeps them (tui.api.connection:
    # 4 s), so the client never reuses one the server has just closed.
    return {"log_level": "warning", "access_log": False, "proxy_headers": False, "lifespan": "on",
            "timeout_keep_alive": KEEP_ALIVE_SECONDS,
            "http": guarded_h11(engine.options.header_timeout)}  # fmt: skip


def serve(host: str = "127.0.0.1", port: int = 8765, data_dir: Path | None = None, **options: Any) -> None:
    """Run the engine (blocking) until interrupted."""
    import uvicorn

    from tui.config import load_settings

    settings = load_settings()
    if data_dir is None:
        data_dir = settings.data_dir / "engine"
    if not _is_loopback(host):
        print(f"nemo-tui serve: WARNING: listening on {host}, beyond this machine. Anyone who can reach it "
              "can get a token and use this engine; prefer 127.0.0.1 with an SSH tunnel.", file=sys.stderr)  # fmt: skip
    if not _is_loopback(host) and "public_fetch_only" not in settings.engine:
        options.setdefault("public_fetch_only", True)  # people beyond this machine: no way into its network
    app = create_app(Path(data_dir), **{**settings.engine, **options})
    print(f"nemo-tui engine on http://{host}:{port} (data in {data_dir})", file=sys.stderr)
    # at most 5 s for open requests on SIGTERM; then their handlers are cancelled, which kills their fetches
    uvicorn.run(app, host=host, port=port, timeout_graceful_shutdown=5, **uvicorn_options(app))


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tui.engine.server", description="Run the embedded engine.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.data_dir)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
