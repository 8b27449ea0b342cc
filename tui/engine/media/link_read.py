"""Reading what a link offers under the fetch's control (the engine side of ``link_facts``).

``read_link_info`` runs the info job in a fetch worker (``fetch._worker``: its own process
group, the warm spare when one waits, dies with the engine), so the read is bounded like a
fetch: after ``timeout_s`` (env ``NEMO_INFO_TIMEOUT_S``, default 60) or when ``cancel`` is set,
the whole group is killed. Every request goes through ``proxy`` (the engine's egress check)
when one is given; credentials in the link are never sent.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from tui.engine.egress import strip_credentials

from .errors import IngestCancelled, IngestError
from .fetch import FetchRefused, _kill_group, _worker, read_worker, worker_failure
from .link_facts import MAX_ENTRIES, MAX_PAGE_BYTES


def _timeout_default() -> float:
    try:
        return max(1.0, float(os.environ.get("NEMO_INFO_TIMEOUT_S", "60")))
    except ValueError:
        return 60.0


def read_link_info(
    url: str,
    *,
    proxy: str | None = None,
    cancel: threading.Event | None = None,
    timeout_s: float | None = None,
    max_entries: int = MAX_ENTRIES,
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> dict[str, Any]:
    """What ``url`` offers: the ``data`` of ``POST /api/local/formats`` (``tui/api/link_info.py``
    documents the shape). Raises FetchRefused (a limit: a page too large, the time limit),
    IngestCancelled, or IngestError in plain words (the link cannot be read)."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        raise IngestError("That is not a valid link: only http:// and https:// links can be read.")
    limit = timeout_s if timeout_s is not None else _timeout_default()
    job = {
        "task": "info",
        "url": strip_credentials(url.strip()),
        "parent": os.getpid(),
        "proxy": proxy,
        "max_entries": max_entries,
        "max_page_bytes": max_page_bytes,
    }
    proc = _worker(job)
    outcome: dict[str, Any] = {}

    reader = read_worker(proc, outcome, None, "nemo-info-reader")
    deadline = time.monotonic() + limit
    try:
        while reader.is_alive():
            if cancel is not None and cancel.is_set():
                raise IngestCancelled("Reading the link was cancelled.")
            if time.monotonic() > deadline:
                raise FetchRefused(f"The site did not say what it offers within {limit:.0f} s.")
            reader.join(0.1)
        proc.wait()
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    done = outcome.get("done")
    if isinstance(done, dict):
        return done
    raise worker_failure(outcome, "The link could not be read.")


__all__ = ["read_link_info"]
