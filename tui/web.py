"""`nemo-tui --web`: the same app in a browser, through textual-serve.

textual-serve starts one app process per browser tab. With ``--local`` the engine is
started once here, in the serving process, and every app process attaches to it, so all
tabs share one engine (and one set of renders) instead of each starting its own. Each
browser visitor has an identity of its own (config and data folders under
``<data dir>/web/<visitor>``: client id, token, engine user, ``client.db``), and only this
server's own page may drive a tab (tui.web_access).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from tui.config import CONFIG_FILE_NAME


def app_command(app_args: list[str]) -> str:
    """The shell command textual-serve runs for each browser tab (every word quoted)."""
    return " ".join(shlex.quote(word) for word in [sys.executable, "-m", "tui", *app_args])


def visitor_command(app_args: list[str], *, visitors_dir: Path, config_dir: Path) -> Callable[[str | None], str]:
    """``command_for(visitor)``: the tab command for one visitor, with its own
    ``NEMO_CONFIG_DIR`` (the user's ``config.toml`` copied in once: theme, keymap) and
    ``--data-dir`` under ``visitors_dir/<visitor>`` (folders 0700). ``None`` → the plain command."""
    base: list[str] = []
    words = iter(app_args)
    for word in words:  # the visitor's own data folder replaces a --data-dir given to --web
        if word == "--data-dir":
            next(words, None)
        else:
            base.append(word)

    def command_for(visitor: str | None) -> str:
        if visitor is None:
            return app_command(app_args)
        home = visitors_dir / visitor
        config, data = home / "config", home / "data"
        for folder in (visitors_dir, home, config, data):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        source = config_dir / CONFIG_FILE_NAME
        if source.is_file() and not (config / CONFIG_FILE_NAME).exists():
            shutil.copyfile(source, config / CONFIG_FILE_NAME)
            os.chmod(config / CONFIG_FILE_NAME, 0o600)
        env = ["env", f"NEMO_CONFIG_DIR={config}"]
        return "exec " + " ".join(shlex.quote(w) for w in env) + " " + app_command([*base, "--data-dir", str(data)])

    return command_for


def serve_web(
    *,
    host: str,
    port: int,
    app_args: list[str],
    local: bool = False,
    engine_data_dir: Path,
    visitors_dir: Path,
    config_dir: Path,
) -> None:
    from tui.web_access import GuardedServer, WebAccess

    engine = None
    if local:
        from tui.config import load_settings
        from tui.engine.embedded import EmbeddedEngine

        # Browser visitors fetch through this machine: links reach public addresses only, unless
        # `public_fetch_only = false` in the [engine] table of config.toml says otherwise.
        allow = load_settings().engine.get("public_fetch_only", True)
        engine = EmbeddedEngine(data_dir=engine_data_dir, public_fetch_only=bool(allow))
        app_args = [*app_args, "--attach-local", engine.start()]
    access = WebAccess.for_launch(host, port)
    if access.key is not None:
        print(
            f"nemo-tui: serving the app on {host}:{port}, reachable beyond this machine.\n"
            f"Open {access.address()} (the key in it is needed; prefer an SSH tunnel).",
            file=sys.stderr,
        )
    try:
        command_for = visitor_command(app_args, visitors_dir=visitors_dir, config_dir=config_dir)
        GuardedServer(command_for, access, title="nemo-tui").serve()
    finally:
        if engine is not None:
            engine.stop()
