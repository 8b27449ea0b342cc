"""Export: submit a render, follow it, cancel it, download the result (nemovideo-api.md, "Export").

Functions of a :class:`NemoClient` (its methods of the same names call them): a render id is
fresh for every submission; a failed or duplicate-id submit is tried once more with a new id;
the download goes through :mod:`download` (resumed only when provably the same file, checked
whole, never over an existing file). The token only ever goes to the API's own host.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from tui.contract import paths

from . import connection
from .download import DownloadProgress, Source, download, safe_filename
from .draft import Draft
from .errors import ApiError, BadResponse, DownloadError, RenderFailed
from .models import RenderJob

if TYPE_CHECKING:
    from .client import NemoClient

log = logging.getLogger("tui.api")


async def submit_render(
    client: NemoClient,
    session_id: str,
    draft: Draft | dict[str, Any],
    fmt: str = "mp4",
    quality: str = "high",
    width: int | None = None,
    height: int | None = None,
) -> RenderJob:
    """Start a render with a fresh id; on failure or a duplicate id, once more with a new id."""
    wire_draft = draft.to_wire() if isinstance(draft, Draft) else dict(draft)
    output: dict[str, Any] = {"format": fmt, "quality": quality}
    if width and height:
        output["width"] = int(width)
        output["height"] = int(height)
    last: ApiError | None = None
    for attempt in range(2):
        rid = client.new_render_id()
        try:
            body = await client._request(
                "POST",
                paths.RENDER,
                json_body={"id": rid, "sessionId": session_id, "draft": wire_draft, "output": output},
                render=True,
            )
        except (RenderFailed, BadResponse) as exc:
            last = exc
            log.info("Render submit failed (attempt %d): %s", attempt + 1, exc)
            continue
        except ApiError as exc:
            if _is_duplicate(exc) and attempt == 0:
                last = exc
                continue
            raise
        job = RenderJob.parse(body, render_id=rid)
        if job.status == "failed":
            last = RenderFailed(f"The export failed: {job.error or 'no reason given'}.", "Try exporting again.")
            continue
        return job
    assert last is not None
    if isinstance(last, RenderFailed):
        raise last
    raise RenderFailed(last.message, last.next_step, code=last.code, status=last.status)


async def render_status(client: NemoClient, render_id: str) -> RenderJob:
    body = await client._request("GET", paths.render_status(render_id), render=True)
    return RenderJob.parse(body, render_id=render_id)


async def cancel_render(client: NemoClient, render_id: str) -> RenderJob:
    body = await client._request("POST", paths.render_cancel(render_id), render=True, allow_empty=True)
    job = RenderJob.parse(body, render_id=render_id)
    if not body:
        job.status = "cancelled"
    return job


async def download_render(
    client: NemoClient,
    job: RenderJob,
    folder: Path,
    filename: str | None = None,
    progress: DownloadProgress | None = None,
) -> Path:
    """Download a completed render into ``folder``; the path it was saved under.

    Via ``<name>.part`` (resumed only when provably the same file), checked whole before the
    rename, never over an existing file (then "name (2).mp4"): :func:`download.download`.
    Tries the job's link first, then ``/api/render/proxy/<id>/download`` with the token.
    The token is only ever sent to the API's own host. Raises DownloadError."""
    folder = Path(folder).expanduser()
    default = safe_filename(f"{job.id}.mp4" if job.id else "", "video.mp4")
    final = folder / safe_filename(filename, default)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(
            f"Cannot create the folder {folder}: {exc.strerror or exc}.", "Choose another download folder."
        ) from None
    urls: list[str] = []
    if job.output_url:
        urls.append(urljoin(client.settings.api_url + "/", job.output_url))
    if job.id:
        fallback = client.settings.api_url + paths.render_download(job.id)
        if fallback not in urls:
            urls.append(fallback)
    if not urls:
        raise DownloadError("The export has no download link yet.", "Wait until the export has completed.")
    sources = []
    for url in urls:
        own = client._same_host(url)
        # Never send our credentials (or the X-Skill headers) to a third-party host (CDN).
        headers = client._headers(await client._ensure_token()) if own else {}
        sources.append(Source(url, headers, third_party=not own))
    return await download(client._http, sources, final, progress, connection.DOWNLOAD_TIMEOUT)


def _is_duplicate(exc: ApiError) -> bool:
    text = exc.message.lower()
    return exc.status == 409 or "duplicate" in text or "already exists" in text


__all__ = ["cancel_render", "download_render", "render_status", "submit_render"]
