"""Where the timeline's pictures come from, and their cache.

``PictureSource`` is all the timeline asks of a backend: a frame of a media at a time, the
loudness of a media over time, and a media's duration. ``ApiPictureSource`` answers from the
embedded engine's local-only endpoints (``tui.api.pictures``: ``GET /api/local/thumbnail/{id}``
and ``/api/local/peaks/{id}``, capability ``"pictures"``); the cloud has no such endpoints and
the timeline draws bars instead. Tests use a source that decodes generated media with PyAV.

``CellCache`` keeps pictures already turned into cells, keyed by (media, time, size, mono):
a zoom level computes each thumbnail once; scrolling reuses them.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import httpx

if TYPE_CHECKING:
    from PIL.Image import Image

    from tui.api.client import NemoClient

PICTURES_CAPABILITY = "pictures"


@runtime_checkable
class PictureSource(Protocol):
    """A backend's pictures of its media. Every method returns None when it has nothing
    (unknown media, no picture stream, a failure): the timeline then draws a bar."""

    async def thumb(self, media_id: str, t: float, w: int, h: int) -> Image | None:
        """The frame of ``media_id`` shown at ``t`` seconds, about ``w`` x ``h`` pixels."""
        ...

    async def peaks(self, media_id: str, n: int) -> list[float] | None:
        """``n`` peak levels 0..1, one per equal time bucket of the whole media."""
        ...

    def duration(self, media_id: str) -> float | None:
        """The media's duration in seconds, when known."""
        ...


class ApiPictureSource:
    """Pictures from the embedded engine through ``tui.api.pictures`` (its module docs give the
    wire shape). ``durations`` (upload id -> seconds) come from the state's ``video_infos``."""

    def __init__(self, client: NemoClient) -> None:
        self.client = client
        self.durations: dict[str, float] = {}

    def set_infos(self, video_infos: list[Any]) -> None:
        """Learn durations from the state's ``video_infos`` (``upload_id``, ``duration`` s)."""
        for info in video_infos:
            if isinstance(info, Mapping):
                uid, seconds = info.get("upload_id"), info.get("duration")
                if isinstance(uid, str) and isinstance(seconds, (int, float)) and seconds > 0:
                    self.durations[uid] = float(seconds)

    def duration(self, media_id: str) -> float | None:
        return self.durations.get(media_id)

    async def thumb(self, media_id: str, t: float, w: int, h: int) -> Image | None:
        from tui.api import pictures as api  # type: ignore[attr-defined,unused-ignore]
        from tui.api.errors import ApiError

        try:
            data = await api.thumbnail(self.client, media_id, max(0.0, t), w, h)
        except (ApiError, httpx.HTTPError):
            return None
        return decode_image(data)

    async def peaks(self, media_id: str, n: int) -> list[float] | None:
        from tui.api import pictures as api  # type: ignore[attr-defined,unused-ignore]
        from tui.api.errors import ApiError

        try:
            values = await api.peaks(self.client, media_id, n)
        except (ApiError, httpx.HTTPError):
            return None
        return [max(0.0, min(1.0, float(v))) for v in values]


def decode_image(data: bytes) -> Image | None:
    """PNG/JPEG bytes as a PIL image (RGB), or None when they are not a picture."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(data)) as found:
            return found.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None


async def pictures_source(client: NemoClient) -> ApiPictureSource | None:
    """An ``ApiPictureSource`` when the backend lists the "pictures" capability (the embedded
    engine), else None (the cloud: the timeline keeps its bars)."""
    from tui.api.ingest import capabilities

    if PICTURES_CAPABILITY not in await capabilities(client):
        return None
    try:
        from tui.api import pictures  # type: ignore[attr-defined,unused-ignore]  # noqa: F401
    except ImportError:
        return None
    return ApiPictureSource(client)


class CellCache:
    """An LRU of rows of cells (a picture in cells) keyed by anything hashable (media, time,
    size, mono)."""

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, list[Any]] = OrderedDict()

    def get(self, key: Hashable) -> list[Any] | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, rows: list[Any]) -> None:
        self._items[key] = rows
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
