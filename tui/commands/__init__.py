"""The non-interactive commands: ``get``, ``formats``, ``export``, ``ask``, ``credits`` (issue 17).

They share the app's client and core code (``tui.api``, ``tui.core``), never a second
implementation, and never import Textual. ``tui.commands.parsers`` holds their arguments
(argparse only: ``--help`` stays instant); ``main(args, settings)`` runs one of them and
returns the exit status: 0 done, 1 failed, 2 usage error, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.config import Settings


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the subcommand ``args.command`` (parsed by ``tui.commands.parsers``)."""
    from tui.commands import backend as B

    command: str = args.command
    local = bool(getattr(args, "local", False))
    try:
        if command == "get":
            from tui.commands.get import get, prepare

            request, folder = prepare(args, settings)
            return B.run(command, settings, local=local, body=lambda b: get(b, args, request, folder))
        if command == "formats":
            from tui.commands.formats import formats
            from tui.commands.get import links

            link = links([args.link])[0]
            return B.run(command, settings, local=local, body=lambda b: formats(b, args, link))
        if command == "export":
            from tui.commands.export_cmd import export, target

            folder, name = target(args.output, settings)
            return B.run(command, settings, local=local, body=lambda b: export(b, args, folder, name))
        if command == "ask":
            from tui.commands.ask import ask

            if not args.message.strip():
                raise B.CommandError("say something: the message is empty", B.EXIT_USAGE)

            return B.run(command, settings, local=local, body=lambda b: ask(b, args))
        if command == "credits":
            from tui.commands.credits import credits

            return B.run(command, settings, local=local, body=lambda b: credits(b, args))
    except B.CommandError as exc:  # checked before connecting: a usage error
        B.say(f"nemo-tui {command}: error: {exc.message}")
        return exc.status
    raise ValueError(f"unknown command {command!r}")


__all__ = ["main"]
