"""Downloading a session's media file as it is (a fetched link the engine made ready: an audio
file, a video with subtitles), through the same verified download as an export.

``download_media(client, url, final, progress)``: ``url`` is the media's ``cdn_url`` (absolute,
or relative to the API); the token goes only to the API's own host. The file arrives as
``<name>.part`` (resumed when provably the same file), is checked whole (size; ISO-BMFF boxes
for .mp4/.m4a) and takes ``final`` or the next free name: :func:`download.download`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from . import connection
from .download import DownloadProgress, Source, download
from .errors import DownloadError

if TYPE_CHECKING:
    from .client import NemoClient


async def download_media(client: NemoClient, url: str, final: Path, progress: DownloadProgress | None = None) -> Path:
    """Save the media at ``url`` as ``final`` (or "name (2).ext"); the path. Raises DownloadError."""
    if not url:
        raise DownloadError("The fetched file has no download link.", "Try the download again.")
    absolute = urljoin(client.settings.api_url + "/", url)
    own = client._same_host(absolute)
    headers = client._headers(await client._ensure_token()) if own else {}
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(
            f"Cannot create the folder {final.parent}: {exc.strerror or exc}.", "Choose another download folder."
        ) from None
    sources = [Source(absolute, headers, third_party=not own)]
    return await download(client._http, sources, final, progress, connection.DOWNLOAD_TIMEOUT)


__all__ = ["download_media"]
