"""The NemoVideo API client (no Textual here: the engine and the command line import it)."""

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
