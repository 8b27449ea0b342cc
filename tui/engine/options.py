"""The engine's settings, one dataclass: pacing of the simulated agent, limits and quotas.

Every limit answers with the documented error shapes (README, "Security notes"): the
``{"code", "message", "data": null}`` envelope, or ``{"success": false, "error", "code"}`` on the
render routes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

from tui.contract import MAX_UPLOAD_BYTES

TOKEN_TTL = 7 * 24 * 3600
"""Seconds an anonymous token lives (nemovideo-api.md: 7 days)."""


def _default_render_workers() -> int:
    # ffmpeg uses every core: one render at a time on small machines
    return 2 if (os.cpu_count() or 1) >= 4 else 1


@dataclass(frozen=True)
class EngineOptions:
    """Settings of one engine (``create_app(data_dir, **fields)``).

    Pacing: ``heartbeat_interval`` seconds of silence before a heartbeat; ``chunk_delay`` between
    streamed reply pieces; ``tool_delay`` per edit tool (heartbeats go out meanwhile);
    ``silent_ratio`` share of edit runs that end with tool events only (0 never, 1 always; the
    cloud's ~0.3 only when a test asks). The cloud's pacing quirks are off by default: a local
    user gains nothing from imitated cloud delays (the embedded engine reads
    ``NEMO_ENGINE_CHUNK_DELAY`` / ``_TOOL_DELAY`` / ``_SILENT_RATIO`` for tests that need them).
    """

    heartbeat_interval: float = 5.0
    media: Any = None  # probe / ingest_url / render_draft; None: tui.engine.media, imported lazily
    silent_ratio: float = 0.0
    edit_cost: int = 10  # credits per edit run
    token_ttl: float = TOKEN_TTL
    chunk_delay: float = 0.0
    tool_delay: float = 0.0
    # --- access ---
    new_client_limit: int = 20  # new client ids per address per window, then HTTP 429
    new_client_window: float = 600.0
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed (else ignored)
    public_fetch_only: bool = False  # links reach public addresses only, every hop (tui.engine.egress);
    # on by default when the engine is served beyond loopback or behind --web
    # --- limits and quotas ---
    max_upload_bytes: int = MAX_UPLOAD_BYTES  # per file: code 4002
    max_files_per_request: int = 20  # files (or links) in one upload request: code 4002
    max_json_bytes: int = 1024 * 1024  # a JSON body: HTTP 413, code 413
    max_message_chars: int = 20_000  # one chat message: HTTP 400, code 400
    max_storage_bytes: int = 20 * 1000**3  # media stored per user: code 4002
    max_renders_per_user: int = 3  # renders pending or processing per user: HTTP 429, code 429
    render_workers: int = 0  # renders at once; 0: 1 on up to 3 cores, else 2
    media_workers: int = 4  # threads for downloads and probes
    # --- connections (uvicorn) ---
    header_timeout: float = 10.0  # seconds to send the request line and headers, then closed
    body_timeout: float = 30.0  # seconds without a byte of an unfinished body, then dropped

    def __post_init__(self) -> None:
        if self.render_workers <= 0:
            object.__setattr__(self, "render_workers", _default_render_workers())

    @classmethod
    def build(cls, **values: Any) -> EngineOptions:
        """Options from keyword arguments; ``None`` means the default, unknown names raise TypeError."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown engine setting(s): {', '.join(sorted(unknown))} (see README, Security notes)")
        given = {k: v for k, v in values.items() if v is not None or k == "media"}
        if "trusted_proxies" in given:
            given["trusted_proxies"] = tuple(given["trusted_proxies"])
        return cls(**given)
