"""Saving a plain media link's body so that a cut connection resumes where it stopped (issue 17).

The fetch worker's ``_direct`` path reads one GET into a file. When the connection breaks
before ``Content-Length`` bytes arrived (a reset, a closed socket), the rest is asked for with
``Range: bytes=<have>-`` and ``If-Range: <validator>`` (RFC 9110 sections 14.2 and 13.1.5; the
validator is the first answer's strong ``ETag``, else its ``Last-Modified``):

- ``206`` whose ``Content-Range`` starts at ``<have>`` and names the same total: appended;
- ``200`` (the file changed, or the server ignores ranges): the file starts over;
- anything else, or ``RESUMES`` cuts: the fetch fails in plain words (nothing is kept).

Without a validator or a length the server gave no way to tell the same file from another,
so a cut fails rather than gluing two files together (``tui/api/download.py`` does the same
on the client side).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import IngestError

RESUMES = 5
_CHUNK = 1 << 16
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def validator(headers: Any) -> str | None:
    """The strong ETag, else Last-Modified, of an answer's headers (a weak ETag cannot If-Range)."""
    etag = headers.get("etag")
    if etag and not etag.startswith("W/"):
        return str(etag)
    modified = headers.get("last-modified")
    return str(modified) if modified else None


def save_body(
    client: Any,
    resp: Any,
    path: Path,
    total: int | None,
    on_chunk: Callable[[int], None],
) -> int:
    """Write ``resp``'s body to ``path``, resuming after a cut; return the bytes written.

    ``client``: the ``httpx.Client`` that made ``resp``; ``total``: its Content-Length (None:
    unknown, no resume); ``on_chunk(bytes so far)`` runs after every chunk (progress, caps,
    cancel: whatever it raises ends the save). Raises IngestError when the body cannot be had
    whole."""
    import httpx

    tag = validator(resp.headers)
    resumable = total is not None and tag is not None and resp.headers.get("accept-ranges", "bytes") != "none"
    url = str(resp.url)
    done = 0
    cuts = 0
    with open(path, "wb") as fh:
        current = resp
        opened: Any = None
        try:
            while True:
                try:
                    for chunk in current.iter_bytes(_CHUNK):
                        fh.write(chunk)
                        done += len(chunk)
                        on_chunk(done)
                    if total is None or done >= total:
                        return done
                except (httpx.TransportError, httpx.StreamError):
                    if total is None:
                        raise IngestError("The connection broke during the download: try again.") from None
                if not resumable or cuts >= RESUMES:
                    raise IngestError(f"The site sent {done} of {total} bytes: the download was cut off.")
                cuts += 1
                time.sleep(min(0.2 * cuts, 1.0))
                if opened is not None:
                    opened.__exit__(None, None, None)
                    opened = None
                opened = client.stream("GET", url, headers={"Range": f"bytes={done}-", "If-Range": tag})
                try:
                    current = opened.__enter__()
                except httpx.TransportError:
                    opened = None
                    current = _Empty()
                    continue
                if current.status_code == 200:  # another file now, or no ranges: start over
                    fh.seek(0)
                    fh.truncate()
                    done = 0
                    continue
                found = _RANGE.match(current.headers.get("content-range", ""))
                if (
                    current.status_code != 206
                    or found is None
                    or int(found.group(1)) != done
                    or (found.group(3) != "*" and int(found.group(3)) != total)
                ):
                    raise IngestError(
                        f"The site could not continue the cut download (HTTP {current.status_code}): try again."
                    )
        finally:
            if opened is not None:
                opened.__exit__(None, None, None)


class _Empty:
    """A body that is already over (a reconnect that failed before any answer)."""

    def iter_bytes(self, size: int) -> list[bytes]:
        return []


__all__ = ["RESUMES", "save_body", "validator"]
