"""The local-only fetch extension of the embedded engine, as the client uses it.

Documented in ``tui/engine/routes/downloads.py``: ``GET /api/local/capabilities`` lists
``"fetch"``; ``POST /api/local/fetch/{session_id}`` streams progress events and ends with the
fetched file (not added to the draft). The cloud does not offer it: ``capabilities`` then
answers an empty set and callers use the documented URL upload instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tui.contract import paths

from . import wire
from .client import NemoClient
from .errors import ApiError, NetworkError

CAPABILITIES_PATH = paths.LOCAL_CAPABILITIES
FETCH_TIMEOUT = httpx.Timeout(30.0, read=120.0)  # read: between two events (heartbeats every 2 s)


@dataclass(frozen=True)
class FetchProgress:
    """One progress event: ``stage`` "download" | "merge" | "remux" | "probe"; ``bytes``/``total``
    in bytes, ``speed`` in bytes/s, ``eta`` in s, ``percent`` 0–100 (each None when unknown)."""

    stage: str
    bytes: int | None
    total: int | None
    percent: float | None
    speed: float | None
    eta: float | None


@dataclass(frozen=True)
class FetchedMedia:
    """A fetched link in the session's media (not on the timeline)."""

    upload_id: str
    filename: str
    file_type: str
    duration_s: float | None
    width: int | None
    height: int | None
    size: int | None
    vcodec: str | None
    acodec: str | None
    title: str | None
    offered_height: int | None
    cdn_url: str


class FetchFailed(ApiError):
    """The engine could not fetch the link (``code`` 4003), refused it (4005: a live stream or a
    limit) or had too many fetches running (4029)."""


async def capabilities(client: NemoClient) -> frozenset[str]:
    """The local extensions the backend lists (empty for the cloud or on any error)."""
    try:
        body = await client._request("GET", CAPABILITIES_PATH)
    except (ApiError, httpx.HTTPError):
        return frozenset()
    data = body.get("data") if isinstance(body, dict) else None
    names = data.get("extensions") if isinstance(data, dict) else None
    return frozenset(str(n) for n in names) if isinstance(names, list) else frozenset()


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


async def fetch_link(
    client: NemoClient,
    session_id: str,
    url: str,
    *,
    max_height: int | None = None,
    on_progress: Callable[[FetchProgress], Any] | None = None,
) -> FetchedMedia:
    """Fetch ``url`` into the session through the local extension; progress goes to
    ``on_progress``. Cancelling the calling task closes the stream, which stops the fetch on
    the engine (nothing is added later). Raises FetchFailed or NetworkError."""
    token = await client._ensure_token()
    headers = client._headers(token, {"X-Client-Id": client.client_id, "Accept": "text/event-stream"})
    path = paths.local_fetch(session_id)
    try:
        async with client._http.stream(
            "POST", path, headers=headers, timeout=FETCH_TIMEOUT, json={"url": url, "max_height": max_height}
        ) as resp:
            if resp.status_code != 200 or "text/event-stream" not in resp.headers.get("content-type", ""):
                body = await resp.aread()
                try:
                    wire.check(resp.status_code, body, client._caller(), path=path)
                except ApiError as exc:
                    raise FetchFailed(exc.message, exc.next_step, code=exc.code, status=exc.status) from None
                raise FetchFailed("The local engine did not start the download.", "Try again.")
            async for line in resp.aiter_lines():
                if not line.startswith("data:"):
                    continue
                try:
                    event = json.loads(line[5:].strip())
                except ValueError:
                    continue
                kind = event.get("type") if isinstance(event, dict) else None
                if kind == "progress" and on_progress is not None:
                    result = on_progress(
                        FetchProgress(
                            str(event.get("stage") or "download"),
                            _int(event.get("bytes")),
                            _int(event.get("total")),
                            _float(event.get("percent")),
                            _float(event.get("speed")),
                            _float(event.get("eta")),
                        )
                    )
                    if hasattr(result, "__await__"):
                        await result
                elif kind == "error":
                    raise FetchFailed(
                        str(event.get("message") or "The download failed."),
                        "Check the link, then try again.",
                        code=_int(event.get("code")),
                    )
                elif kind == "done" and isinstance(event.get("file"), dict):
                    f = event["file"]
                    return FetchedMedia(
                        upload_id=str(f.get("upload_id") or ""),
                        filename=str(f.get("filename") or ""),
                        file_type=str(f.get("file_type") or "video"),
                        duration_s=_float(f.get("duration")),
                        width=_int(f.get("width")),
                        height=_int(f.get("height")),
                        size=_int(f.get("size")),
                        vcodec=_str(f.get("vcodec")),
                        acodec=_str(f.get("acodec")),
                        title=_str(f.get("title")),
                        offered_height=_int(f.get("offered_height")),
                        cdn_url=str(f.get("cdn_url") or ""),
                    )
    except httpx.TransportError as exc:
        raise NetworkError(
            f"The local engine stopped answering while fetching ({type(exc).__name__}).", "Try again."
        ) from None
    raise FetchFailed("The download ended without a file.", "Try again.")


__all__ = ["FetchFailed", "FetchProgress", "FetchedMedia", "capabilities", "fetch_link", "FETCH_TIMEOUT"]
