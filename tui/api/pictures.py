"""Pictures of the media: thumbnails, audio peaks and storyboards (the local ``pictures``
extension of the embedded engine, issue 18).

The wire shapes are documented in ``tui/engine/routes/pictures.py``. The cloud does not offer
them: there every function raises :class:`PicturesUnavailable` (a subclass of
:class:`~tui.api.errors.ApiError`) and the UI draws plain bars, saying nothing is broken.
``await available(client)`` tells beforehand (``"pictures"`` in ``GET /api/local/capabilities``).

Errors: :class:`PicturesUnavailable` (the backend serves no pictures, or this media has none:
:class:`NoPicture` for a media without a video stream), :class:`MediaNotFound` (no such media
for this user), :class:`~tui.api.errors.NetworkError`, and the client's usual
:class:`~tui.api.errors.ApiError` subclasses (an expired token is renewed once, as
:meth:`NemoClient._request` does).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tui.contract import paths

from . import wire
from .client import NemoClient
from .errors import ApiError, TokenExpired
from .ingest import capabilities

CAPABILITY = "pictures"
PICTURES_TIMEOUT = httpx.Timeout(10.0, read=60.0)  # a first extraction decodes; cached ones are instant
# Wire error codes of the extension (tui/engine/routes/pictures.py).
CODE_MEDIA_NOT_FOUND = 4004
CODE_NO_PICTURE = 4006
CODE_UNREADABLE = 4007


class PicturesUnavailable(ApiError):
    """The backend serves no pictures (the cloud, an older engine): draw bars instead."""

    default_message = "This backend does not serve pictures of the media."
    default_next_step = "The timeline shows plain bars instead; nothing is broken."


class NoPicture(PicturesUnavailable):
    """The media has no picture to show (an audio file has no video stream; code 4006)."""

    default_message = "This media has no picture (it has no video stream)."
    default_next_step = ""


class MediaNotFound(ApiError):
    """No media with this id for this user (code 4004, HTTP 404)."""

    default_message = "The engine has no such media."
    default_next_step = "Refresh the timeline."


@dataclass(frozen=True)
class Frame:
    """One picture of a storyboard: ``t`` seconds from the media's start, ``image`` PNG or JPEG bytes."""

    t: float
    image: bytes


@dataclass(frozen=True)
class Storyboard:
    """Frames spread over a render (an export) or an upload, with the file's facts:
    ``duration`` s, ``width``/``height`` the display size in px, codecs, ``size`` in bytes
    (each None when unknown); ``kind`` "render" | "upload"."""

    media_id: str
    kind: str
    frames: tuple[Frame, ...]
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    vcodec: str | None = None
    acodec: str | None = None
    size: int | None = None


async def available(client: NemoClient) -> bool:
    """True when the backend lists the ``pictures`` extension (False for the cloud or on any error)."""
    return CAPABILITY in await capabilities(client)


async def thumbnail(
    client: NemoClient,
    upload_id: str,
    at_s: float,
    width: int,
    height: int | None = None,
    *,
    exact: bool = True,
    fmt: str = "png",
) -> bytes:
    """The picture of an upload at ``at_s`` seconds from its start (the frame nearest that
    time), ``width`` px wide (or, with ``height``, fitted inside ``width`` x ``height``),
    keeping the display aspect (SAR and rotation applied). ``exact=False`` answers the keyframe at or before ``at_s`` instead
    (cheaper: no decoding forward; good for a strip of small frames). ``fmt``: "png" | "jpeg".

    Returns the image bytes. Raises PicturesUnavailable/NoPicture, MediaNotFound, NetworkError,
    ApiError. The engine clamps sizes to 16–1920 px and times to the media's span.
    """
    query: dict[str, Any] = {"t": f"{max(0.0, float(at_s)):.3f}", "w": int(width), "f": fmt}
    if height is not None:
        query["h"] = int(height)
    if not exact:
        query["exact"] = "0"
    resp = await _get(client, paths.local_thumbnail(upload_id), query)
    if not resp.headers.get("content-type", "").startswith("image/"):
        raise PicturesUnavailable("The engine answered something that is not a picture.")
    return resp.content


@dataclass(frozen=True)
class Waveform:
    """The peaks of a media (see :func:`peaks`), its ``duration`` in s (None when unknown) and
    ``has_audio`` (False: the media has no sound at all, every peak is 0.0)."""

    peaks: tuple[float, ...]
    duration: float | None
    has_audio: bool


async def waveform(client: NemoClient, upload_id: str, count: int) -> Waveform:
    """:func:`peaks` with the duration they span and whether the media has sound at all (same errors)."""
    data = _data(await _get(client, paths.local_peaks(upload_id), {"n": int(count)}))
    values = data.get("peaks")
    if not isinstance(values, list):
        raise PicturesUnavailable("The engine's peaks answer has no peaks.")
    return Waveform(
        peaks=tuple(min(1.0, max(0.0, float(v))) if _number(v) else 0.0 for v in values),
        duration=float(data["duration"]) if _number(data.get("duration")) else None,
        has_audio=data.get("has_audio") is not False,
    )


async def peaks(client: NemoClient, upload_id: str, count: int) -> list[float]:
    """``count`` values in 0.0–1.0: the absolute peak of the media's mono mix over ``count``
    equal time buckets spanning its duration (full scale = 1.0). A media without sound gives
    all zeros (:func:`waveform` tells it apart from silence). The engine clamps ``count`` to
    1–10000 (the list has the clamped length).

    Raises PicturesUnavailable, MediaNotFound, NetworkError, ApiError.
    """
    return list((await waveform(client, upload_id, count)).peaks)


async def storyboard_sheet(
    client: NemoClient,
    media_id: str,
    count: int = 6,
    width: int = 320,
    *,
    times: Sequence[float] | None = None,
    fmt: str = "png",
) -> Storyboard:
    """Frames of a render (``render_…``, e.g. a finished export) or an upload, with its facts.

    Without ``times``: ``count`` frames (clamped to 1–24) at the middles of equal spans of
    the duration (``D*(i+0.5)/count``: never the black first frame nor past the end). With
    ``times``: frames at those seconds (at most 24), e.g. inside a title's span. Frames are
    exact (decoded up to the time), ``width`` px wide (16–1920), display aspect kept.

    Raises PicturesUnavailable/NoPicture, MediaNotFound, NetworkError, ApiError.
    """
    query: dict[str, Any] = {"n": int(count), "w": int(width), "f": fmt}
    if times is not None:
        query["t"] = ",".join(f"{max(0.0, float(t)):.3f}" for t in times)
    data = _data(await _get(client, paths.local_storyboard(media_id), query))
    frames = []
    for item in data.get("frames") or []:
        if not isinstance(item, dict) or not _number(item.get("t")) or not isinstance(item.get("data"), str):
            continue
        try:
            frames.append(Frame(float(item["t"]), base64.b64decode(item["data"], validate=True)))
        except (binascii.Error, ValueError):
            continue
    return Storyboard(
        media_id=str(data.get("media_id") or media_id),
        kind=str(data.get("kind") or "render"),
        frames=tuple(frames),
        duration=float(data["duration"]) if _number(data.get("duration")) else None,
        width=wire.int_or_none(data.get("width")),
        height=wire.int_or_none(data.get("height")),
        vcodec=data.get("vcodec") if isinstance(data.get("vcodec"), str) else None,
        acodec=data.get("acodec") if isinstance(data.get("acodec"), str) else None,
        size=wire.int_or_none(data.get("size")),
    )


async def storyboard(
    client: NemoClient,
    render_id_or_upload_id: str,
    count: int = 6,
    width: int = 320,
    *,
    times: Sequence[float] | None = None,
    fmt: str = "png",
) -> list[tuple[float, bytes]]:
    """``(t seconds, image bytes)`` pairs of :func:`storyboard_sheet` (same arguments and errors)."""
    sheet = await storyboard_sheet(client, render_id_or_upload_id, count, width, times=times, fmt=fmt)
    return [(f.t, f.image) for f in sheet.frames]


# --- the wire -----------------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _data(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(resp.content)
    except (ValueError, RecursionError):
        raise PicturesUnavailable("The engine's answer is not valid data.") from None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise PicturesUnavailable("The engine's answer has no data.")
    return data


async def _get(client: NemoClient, path: str, query: dict[str, Any]) -> httpx.Response:
    """GET ``path`` with the token; the successful answer, else the error it carries (a 1001
    renews the token once)."""
    renewed = False
    while True:
        token = await client._ensure_token()
        headers = client._headers(token, {"X-Client-Id": client.client_id})
        try:
            resp = await client._http.get(path, params=query, headers=headers, timeout=PICTURES_TIMEOUT)
        except httpx.TransportError as exc:
            raise wire.network_error(exc, client.settings.api_url) from None
        if resp.status_code == 200 and resp.headers.get("content-type", "").startswith("image/"):
            return resp
        try:
            _raise_for(resp, client, path)
        except TokenExpired:
            if renewed:
                raise
            renewed = True
            await client._refresh_token(token)
            continue
        return resp


def _raise_for(resp: httpx.Response, client: NemoClient, path: str) -> None:
    """Raise the error an answer carries; return when it is a success envelope."""
    body: Any = None
    try:
        body = json.loads(resp.content) if resp.content.strip() else None
    except (ValueError, RecursionError):
        body = None
    code = wire.int_or_none(body.get("code")) if isinstance(body, dict) else None
    said = wire.message(body) if isinstance(body, dict) else ""
    if code == CODE_MEDIA_NOT_FOUND:
        raise MediaNotFound(said or None, code=code, status=resp.status_code)
    if code == CODE_NO_PICTURE:
        raise NoPicture(said or None, code=code, status=resp.status_code)
    if code == CODE_UNREADABLE:
        raise ApiError(said or "The engine could not read a picture of this media.", "", code=code,
                       status=resp.status_code)  # fmt: skip
    if resp.status_code in (404, 405, 501) or body is None and resp.status_code < 500:
        raise PicturesUnavailable(status=resp.status_code)  # no such route here: the cloud
    wire.check(resp.status_code, resp.content, client._caller(), path=path)


__all__ = [
    "CAPABILITY",
    "Frame",
    "MediaNotFound",
    "NoPicture",
    "PicturesUnavailable",
    "Storyboard",
    "Waveform",
    "available",
    "peaks",
    "storyboard",
    "storyboard_sheet",
    "thumbnail",
    "waveform",
]
