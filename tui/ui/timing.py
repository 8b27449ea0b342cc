"""The run's timing rules, injectable by tests (a light module: the app imports it at start)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RunTiming:
    """The run's clock and rules, injectable by tests: ``clock`` (monotonic seconds), a
    "still working" note every ``note_every`` s, a timeout after ``run_timeout`` s of no
    reply, and a tick every ``tick_interval`` s while the stream is quiet."""

    clock: Callable[[], float]
    note_every: float = 120.0
    run_timeout: float = 600.0
    tick_interval: float = 1.0
