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
class FetchOptions:
    """What to fetch of a link (issue 17), sent as the fetch body's extra fields.

    - ``max_height``: the tallest variant wanted (px), None for the highest offered;
    - ``format_id``: one format of the link's formats table (``tui.api.link_info``), which wins
      over ``max_height``;
    - ``section``: ``(start_s, end_s)`` in seconds, ``end_s`` None for "to the end": only that
      part is fetched;
    - ``audio``: ``"m4a"`` (stream copy when the source is AAC) or ``"mp3"``: an audio file only;
    - ``subs``: a subtitle language code ("en", "zh-Hans"…) to include; ``burn_subs`` draws them
      into the picture instead of a soft ``mov_text`` track.
    """

    max_height: int | None = None
    format_id: str | None = None
    section: tuple[float, float | None] | None = None
    audio: str | None = None
    subs: str | None = None
    burn_subs: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The fetch body's option fields (``tui/engine/routes/downloads.py`` documents them)."""
        body: dict[str, Any] = {"max_height": self.max_height}
        if self.format_id:
            body["format_id"] = self.format_id
        if self.section is not None:
            body["section"] = {"start": self.section[0], "end": self.section[1]}
        if self.audio:
            body["audio"] = self.audio
        if self.subs:
            body["subs"] = {"lang": self.subs, "burn": self.burn_subs}
        return body


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
    ready: bool = False  # the engine's file is the deliverable as it is (audio only, subtitles): save it, no render


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
    options: FetchOptions | None = None,
    on_progress: Callable[[FetchProgress], Any] | None = None,
) -> FetchedMedia:
    """Fetch ``url`` into the session through the local extension (``options`` say which part
    and form; ``max_height`` alone is the short form); progress goes to ``on_progress``. Cancelling the calling task closes the stream, which stops the fetch on
    the engine (nothing is added later). Raises FetchFailed or NetworkError."""
    token = await client._ensure_token()
    headers = client._headers(token, {"X-Client-Id": client.client_id, "Accept": "text/event-stream"})
    path = paths.local_fetch(session_id)
    options = options or FetchOptions(max_height=max_height)
    try:
        async with client._http.stream(
            "POST", path, headers=headers, timeout=FETCH_TIMEOUT, json={"url": url, **options.to_wire()}
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
                    message = str(event.get("message") or "The download failed.")
                    # the engine's words often say what to do already ("… (HTTP 404). Check the URL.")
                    step = "" if "check the" in message.lower() else "Check the link, then try again."
                    raise FetchFailed(message, step, code=_int(event.get("code")))
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
                        ready=f.get("ready") is True,
                    )
    except httpx.TransportError as exc:
        raise NetworkError(
            f"The local engine stopped answering while fetching ({type(exc).__name__}).", "Try again."
        ) from None
    raise FetchFailed("The download ended without a file.", "Try again.")


__all__ = [
    "FetchFailed",
    "FetchOptions",
    "FetchProgress",
    "FetchedMedia",
    "capabilities",
    "fetch_link",
    "FETCH_TIMEOUT",
]
