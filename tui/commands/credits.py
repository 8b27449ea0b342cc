"""``nemo-tui credits``: the credit balance (issue 17), as the app's header shows it."""

from __future__ import annotations

import argparse
import json

from tui.commands.backend import EXIT_OK, Backend


def number(value: float) -> str:
    """ "1,000" (whole credits, thousands separated)."""
    return f"{int(value):,}"


async def credits(backend: Backend, args: argparse.Namespace) -> int:
    balance = await backend.client.credits()
    if args.json:
        print(json.dumps({"available": balance.available, "frozen": balance.frozen, "total": balance.total}))
    else:
        print(
            f"{number(balance.available)} available · {number(balance.frozen)} frozen · {number(balance.total)} total"
        )
    return EXIT_OK


__all__ = ["credits", "number"]
