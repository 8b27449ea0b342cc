"""Helpers for Pilot tests: poll for a condition, read the screen as text."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def wait_until(condition: Callable[[], object], timeout: float = 30.0, interval: float = 0.02) -> None:
    """Poll ``condition`` until it is true; fail the test with a clear message on timeout.
    The bound is generous (a loaded 2-core machine): it only lengthens a failing test."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"condition not met within {timeout}s: {getattr(condition, '__doc__', None) or condition}"
            )
        await asyncio.sleep(interval)


def screen_text(app) -> str:
    """Everything visible on the screen as plain text, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def region_text(app, widget) -> str:
    """The text shown inside one widget's region of the screen."""
    region = widget.region
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return "\n".join(line[region.x : region.x + region.width] for line in lines[region.y : region.y + region.height])
