"""The NemoVideo API client (no Textual here: the engine and the command line import it).

    async with NemoClient(settings) as client:
        await client.connect()                      # NEMO_TOKEN, cached token, or anonymous
        session = await client.create_session()
        await client.upload_files(session.session_id, [path], progress=on_progress)
        async for event in client.run(session.session_id, "add a title Hello"):
            ...                                     # SseEvent: PARTIAL, TEXT(aggregate), CALL, ...
        state = await client.state(session.session_id)
        job = await client.submit_render(session.session_id, state.draft)
        while not (job := await client.render_status(job.id)).done: ...
        path = await client.download_render(job, settings.download_dir)

Every failure is an :class:`ApiError` subclass with a plain-words message and next step;
the wire details are in ``docs/nemovideo-api.md`` of the shared folder.

The names below are imported on first use (PEP 562 ``__getattr__``, as harlequin's package
face does): ``import tui.api.errors`` does not pull in httpx, pydantic and the client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "NemoClient": "client",
    **{
        name: "errors"
        for name in (
            "ApiError",
            "BadResponse",
            "DownloadError",
            "ExportBlocked",
            "FileTooLarge",
            "InvalidFile",
            "LinkFailed",
            "MissingClientId",
            "NetworkError",
            "NotMedia",
            "OutOfCredits",
            "RateLimited",
            "RenderFailed",
            "SessionNotFound",
            "StreamCut",
            "TokenExpired",
            "UnsupportedFileType",
            "redact",
        )
    },
    "EventKind": "events",
    "SseEvent": "events",
    **{name: "models" for name in ("Credits", "RenderJob", "SessionInfo", "TokenInfo", "UploadResult", "UploadedFile")},
    **{name: "draft" for name in ("Draft", "Segment", "SessionState", "Track")},
}

__all__ = [
    "ApiError",
    "BadResponse",
    "Credits",
    "DownloadError",
    "Draft",
    "EventKind",
    "ExportBlocked",
    "FileTooLarge",
    "InvalidFile",
    "LinkFailed",
    "MissingClientId",
    "NemoClient",
    "NetworkError",
    "NotMedia",
    "OutOfCredits",
    "RateLimited",
    "RenderFailed",
    "RenderJob",
    "Segment",
    "SessionInfo",
    "SessionNotFound",
    "SessionState",
    "SseEvent",
    "StreamCut",
    "TokenExpired",
    "TokenInfo",
    "Track",
    "UnsupportedFileType",
    "UploadResult",
    "UploadedFile",
    "redact",
]

if TYPE_CHECKING:
    from .client import NemoClient
    from .draft import Draft, Segment, SessionState, Track
    from .errors import (
        ApiError,
        BadResponse,
        DownloadError,
        ExportBlocked,
        FileTooLarge,
        InvalidFile,
        LinkFailed,
        MissingClientId,
        NetworkError,
        NotMedia,
        OutOfCredits,
        RateLimited,
        RenderFailed,
        SessionNotFound,
        StreamCut,
        TokenExpired,
        UnsupportedFileType,
        redact,
    )
    from .events import EventKind, SseEvent
    from .models import Credits, RenderJob, SessionInfo, TokenInfo, UploadedFile, UploadResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
