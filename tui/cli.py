"""The `nemo-tui` command: parse arguments, pick cloud / --local / serve / --web, start things.

Heavy modules (Textual, httpx, the engine) are imported only once the chosen mode needs
them, so ``nemo-tui --version`` and ``--help`` are instant and import no Textual.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__
from tui.commands.engine_check import missing_engine as _missing_engine

if TYPE_CHECKING:
    from tui.config import Settings

EPILOG = """\
modes:
  nemo-tui                 the full-screen app against the NemoVideo cloud (or NEMO_API_URL)
  nemo-tui --local         the same app against the embedded engine on this machine
  nemo-tui serve           run the embedded engine alone (for other clients or an SSH tunnel)
  nemo-tui --web           the app in a browser through textual-serve

commands (non-interactive; `nemo-tui COMMAND --help` for each, with examples):
  nemo-tui get LINK...     save videos from links (progress on stderr, --json on stdout)
  nemo-tui formats LINK    the formats a link offers
  nemo-tui ask "…"         one message to the agent; prints the reply and the timeline
  nemo-tui export -o FILE  render the project to an MP4
  nemo-tui credits         the credit balance

environment:
  NEMO_TOKEN, NEMO_API_URL, NEMO_WEB_URL, NEMO_CLIENT_ID, NEMO_DOWNLOAD_DIR,
  NEMO_CONFIG_DIR, NEMO_DATA_DIR
  NO_COLOR (monochrome), TEXTUAL_COLOR_SYSTEM (standard|256|truecolor),
  TEXTUAL_FPS (screen updates per second, e.g. 15 over a slow link),
  TEXTUAL_ANIMATIONS=full (animations are off by default)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nemo-tui",
        description="Drive the NemoVideo AI video agent from a terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nemo-tui {__version__}")
    parser.add_argument("--local", action="store_true", help="use the embedded engine on this machine")
    parser.add_argument("--api-url", metavar="URL", help="the backend to talk to (default: the cloud)")
    parser.add_argument("--data-dir", metavar="DIR", type=Path, help="where sessions and media are stored")
    parser.add_argument("--download-dir", metavar="DIR", type=Path, help="where exported videos go")
    parser.add_argument("--resume", action="store_true", help="resume the last session without asking")
    parser.add_argument(
        "--theme", metavar="NAME", help='colour theme, e.g. "ansi" (the terminal\'s own colours) or "textual-light"'
    )
    parser.add_argument("--web", action="store_true", help="serve the app to a browser (textual-serve)")
    parser.add_argument("--host", default="127.0.0.1", help="address for --web / serve (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port for --web / serve")
    # Used by --web: each browser tab's app process attaches to the engine the server started.
    parser.add_argument("--attach-local", metavar="URL", help=argparse.SUPPRESS)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser("serve", help="run the embedded engine alone")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument("--data-dir", metavar="DIR", type=Path, help="engine storage (default: the user data dir)")
    from tui.commands.parsers import add_commands

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.local and args.api_url:
        parser.error("--local and --api-url are two different backends: give one")
    from tui.config import ConfigError, load_settings

    try:
        settings = load_settings(
            api_url=args.api_url.rstrip("/") if args.api_url else None,
            data_dir=args.data_dir,
            download_dir=getattr(args, "download_dir", None),
            theme=getattr(args, "theme", None),
        )
    except ConfigError as exc:
        print(f"nemo-tui: {exc}", file=sys.stderr)
        return 2

    if args.command == "serve":
        return _serve(args, settings)
    from tui.commands.parsers import COMMANDS

    if args.command in COMMANDS:
        from tui.commands import main as run_command

        return run_command(args, settings)
    if args.web:
        return _web(args, settings)
    return _app(args, settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from tui.engine.server import serve
    except ImportError as exc:
        return _missing_engine(exc)
    serve(host=args.host, port=args.port, data_dir=(args.data_dir or settings.data_dir) / "engine")
    return 0


def _web(args: argparse.Namespace, settings: Settings) -> int:
    import importlib.util

    try:
        # textual-serve is imported only when serving: look for it first, or its absence is a traceback.
        if importlib.util.find_spec("textual_serve") is None:
            raise ImportError("textual_serve")
        from tui.web import serve_web
    except ImportError:
        print("nemo-tui: browser mode needs textual-serve: pip install 'nemo-tui[web]'", file=sys.stderr)
        return 2
    app_args: list[str] = []
    for flag, value in (
        ("--api-url", args.api_url),
        ("--data-dir", args.data_dir),
        ("--download-dir", args.download_dir),
        ("--theme", args.theme),
    ):
        if value:
            app_args += [flag, str(value)]
    if args.resume:
        app_args.append("--resume")
    serve_web(
        host=args.host,
        port=args.port or 8000,
        app_args=app_args,
        local=args.local,
        engine_data_dir=settings.data_dir / "engine",
        visitors_dir=(args.data_dir or settings.data_dir) / "web",
        config_dir=settings.config_dir,
    )
    return 0


def _app(args: argparse.Namespace, settings: Settings) -> int:
    engine = None
    if args.attach_local:
        settings = replace(settings, api_url=args.attach_local.rstrip("/"), token=None)
    elif args.local:
        try:
            import uvicorn  # noqa: F401  (the engine's packages, checked before anything starts)

            import tui.engine.server  # noqa: F401
            from tui.engine.embedded import EmbeddedEngine
        except ImportError as exc:
            return _missing_engine(exc)
        engine = EmbeddedEngine(data_dir=settings.data_dir / "engine")
        # The cloud token (NEMO_TOKEN) means nothing to the local engine: it issues its own.
        settings = replace(settings, api_url=engine.start(), token=None)
    try:
        from tui.ui.app import run_app

        run_app(settings, backend="local" if (args.local or args.attach_local) else "cloud", resume=args.resume)
    finally:
        if engine is not None:
            engine.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
