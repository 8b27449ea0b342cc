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
"""

from .client import NemoClient
from .errors import (
    ApiError,
    BadResponse,
    DownloadError,
    ExportBlocked,
    FileTooLarge,
    InvalidFile,
    MissingClientId,
    NetworkError,
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
from .models import (
    Credits,
    Draft,
    RenderJob,
    Segment,
    SessionInfo,
    SessionState,
    TokenInfo,
    Track,
    UploadedFile,
    UploadResult,
)

__all__ = [
    "ApiError", "BadResponse", "Credits", "DownloadError", "Draft", "EventKind", "ExportBlocked",
    "FileTooLarge", "InvalidFile", "MissingClientId", "NemoClient", "NetworkError", "OutOfCredits",
    "RateLimited", "RenderFailed", "RenderJob", "Segment", "SessionInfo", "SessionNotFound",
    "SessionState", "SseEvent", "StreamCut", "TokenExpired", "Track", "UnsupportedFileType",
    "UploadResult", "UploadedFile", "TokenInfo", "redact",
]
