"""The wire contract, one home: what the client, the engine and the UI must agree on.

Source: ``nemovideo-api.md`` (the NemoVideo API as nemo-tui speaks it). Paths are Starlette
route templates (``{sid}``, ``{rid}``, ``{uid}``): the engine builds its route table from them,
and :data:`paths` fills them in (each segment percent-encoded) for a client.

Nothing heavy here and no Textual: ``tui.api``, ``tui.core``, ``tui.engine`` and ``tui.ui``
all import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

APP_NAME = "nemo_agent"
"""The agent's app name: in the session, upload, state and history paths and in /run_sse."""

# --- headers (nemovideo-api.md, "Headers on every request") ----------------------------------
SKILL_SOURCE = "video-download-online"
HEADER_CLIENT_ID = "X-Client-Id"
HEADER_SKILL_SOURCE = "X-Skill-Source"
HEADER_SKILL_VERSION = "X-Skill-Version"
HEADER_SKILL_PLATFORM = "X-Skill-Platform"
SKILL_HEADERS = (HEADER_SKILL_SOURCE, HEADER_SKILL_VERSION, HEADER_SKILL_PLATFORM)
"""The attribution headers; a render submitted without any of them is refused with HTTP 402."""
PLATFORMS = ("clawhub", "cursor", "unknown")

# --- formats and limits (nemovideo-api.md, "Formats" and "Upload") -----------------------------
VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "avi", "webm", "mkv"})
IMAGE_EXTENSIONS = frozenset({"jpg", "png", "gif", "webp"})
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "aac"})
ACCEPTED_EXTENSIONS = VIDEO_EXTENSIONS | IMAGE_EXTENSIONS | AUDIO_EXTENSIONS
ACCEPTED_FORMATS = (
    f"video {' '.join(sorted(VIDEO_EXTENSIONS))}; image {' '.join(sorted(IMAGE_EXTENSIONS))}; "
    f"audio {' '.join(sorted(AUDIO_EXTENSIONS))}"
)
"""The accepted formats in words, for error messages."""
LOCAL_VIDEO_EXTENSIONS = frozenset({"ts", "mts", "m2ts", "mpg", "mpeg", "vob", "m4v", "3gp", "ogv", "flv", "wmv"})
LOCAL_AUDIO_EXTENSIONS = frozenset({"opus", "ogg", "flac", "oga", "wma"})
LOCAL_EXTENSIONS = ACCEPTED_EXTENSIONS | LOCAL_VIDEO_EXTENSIONS | LOCAL_AUDIO_EXTENSIONS
"""What the embedded engine also takes (a local-only extension: recordings and files as people
have them: MPEG-TS, DVD, Ogg, FLV, FLAC, Opus; the engine probes the content, not the name)."""
MAX_UPLOAD_BYTES = 500 * 1024 * 1024
"""Largest file per upload, in bytes ("500 MB")."""

# --- the draft (nemovideo-api.md, "State") --------------------------------------------------------
TRACK_VIDEO, TRACK_AUDIO, TRACK_TEXT = 0, 1, 7
"""Values of a track's ``tt``: 0 video, 1 audio/BGM, 7 text/title (others: "other")."""
TRACK_KINDS: Mapping[int, str] = {TRACK_VIDEO: "Video", TRACK_AUDIO: "Audio", TRACK_TEXT: "Text"}

# --- resolutions and output size ----------------------------------------------------------------
DEFAULT_SIZE = (1920, 1080)
"""The output size when nothing says otherwise (1080p landscape, the documented default)."""
MAX_SIDE = 8192
"""Largest output side in pixels."""
RESOLUTIONS: Mapping[str, int] = {
    "4320p": 4320, "8k": 4320, "2160p": 2160, "4k": 2160, "1440p": 1440, "2k": 1440,
    "1080p": 1080, "720p": 720, "540p": 540, "480p": 480, "360p": 360, "240p": 240,
}  # fmt: skip
"""A named resolution -> the output's short side in pixels."""
HIGHEST = frozenset({"highest", "source", "original", "max", "best"})
"""Names that mean "keep the source's size"."""
ASPECTS: Mapping[str, tuple[int, int]] = {
    "16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:3": (4, 3), "3:4": (3, 4), "4:5": (4, 5),
    "5:4": (5, 4), "21:9": (21, 9), "2:3": (2, 3), "3:2": (3, 2),
}  # fmt: skip
"""An aspect name -> (width, height) ratio; anything else keeps the source's aspect."""


def even(x: float) -> int:
    """``x`` rounded to an even number of pixels in [2, MAX_SIDE] (H.264 with 4:2:0 needs even sides)."""
    return max(2, min(MAX_SIDE, int(round(x / 2.0)) * 2))


def output_size(resolution: str | None, aspect: str | None, src: tuple[int, int] | None) -> tuple[int, int]:
    """The render size (width, height) in pixels for a resolution and an aspect.

    ``resolution``: a key of :data:`RESOLUTIONS` (the short side: 1080p landscape = 1920x1080,
    1080p vertical = 1080x1920) or anything else, e.g. "highest" (the source's short side).
    ``aspect``: a key of :data:`ASPECTS`, else the source's. ``src``: the source size, or None
    (:data:`DEFAULT_SIZE`). Both sides are even.
    """
    sw, sh = src or DEFAULT_SIZE
    short = RESOLUTIONS.get(resolution or "highest", min(sw, sh))
    aw, ah = ASPECTS.get(aspect or "", (sw, sh))
    if aw >= ah:
        return even(short * aw / ah), even(short)
    return even(short), even(short * ah / aw)


def format_bytes(n: float) -> str:
    """A byte count in decimal (SI) units: ``"512 B"``, ``"2.0 KB"``, ``"1.2 MB"``, ``"3.4 GB"``."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"  # pragma: no cover - the loop always returns


# --- paths (nemovideo-api.md, "Endpoints") -------------------------------------------------------


def _seg(value: str) -> str:
    return quote(str(value), safe="")


class Paths:
    """Route templates (Starlette syntax) and helpers that fill them in for a client.

    The templates are class attributes (``Paths.UPLOAD``); :data:`paths` is the one instance,
    so a client writes ``paths.upload(session_id)``.
    """

    HEALTH = "/healthz"
    ANONYMOUS_TOKEN = "/api/auth/anonymous-token"
    SESSION = f"/api/tasks/me/with-session/{APP_NAME}"
    CREDITS = "/api/credits/balance/simple"
    UPLOAD = f"/api/upload-video/{APP_NAME}/me/{{sid}}"
    STATE = f"/api/state/{APP_NAME}/me/{{sid}}/latest"
    RUN_SSE = "/run_sse"
    RENDER = "/api/render/proxy/lambda"
    RENDER_STATUS = "/api/render/proxy/lambda/{rid}"
    RENDER_CANCEL = "/api/render/proxy/lambda/{rid}/cancel"
    RENDER_DOWNLOAD = "/api/render/proxy/{rid}/download"
    # local-engine routes (nemovideo-api.md, "Local-only extensions")
    HISTORY = f"/api/history/{APP_NAME}/me/{{sid}}"
    MEDIA = "/api/media/{uid}"
    LOCAL_CAPABILITIES = "/api/local/capabilities"
    LOCAL_FETCH = "/api/local/fetch/{sid}"
    LOCAL_FORMATS = "/api/local/formats/{sid}"  # what a link offers, read without downloading (issue 17)
    LOCAL_THUMBNAIL = "/api/local/thumbnail/{uid}"  # a frame of a media at a time (issue 18)
    LOCAL_PEAKS = "/api/local/peaks/{uid}"  # an audio peaks array of a media (issue 18)
    LOCAL_STORYBOARD = "/api/local/storyboard/{mid}"  # frames spread over a render or an upload (issue 18)

    def upload(self, session_id: str) -> str:
        return self.UPLOAD.format(sid=_seg(session_id))

    def state(self, session_id: str) -> str:
        return self.STATE.format(sid=_seg(session_id))

    def history(self, session_id: str) -> str:
        return self.HISTORY.format(sid=_seg(session_id))

    def render_status(self, render_id: str) -> str:
        return self.RENDER_STATUS.format(rid=_seg(render_id))

    def render_cancel(self, render_id: str) -> str:
        return self.RENDER_CANCEL.format(rid=_seg(render_id))

    def render_download(self, render_id: str) -> str:
        return self.RENDER_DOWNLOAD.format(rid=_seg(render_id))

    def local_fetch(self, session_id: str) -> str:
        return self.LOCAL_FETCH.format(sid=_seg(session_id))

    def local_formats(self, session_id: str) -> str:
        return self.LOCAL_FORMATS.format(sid=_seg(session_id))

    def local_thumbnail(self, upload_id: str) -> str:
        return self.LOCAL_THUMBNAIL.format(uid=_seg(upload_id))

    def local_peaks(self, upload_id: str) -> str:
        return self.LOCAL_PEAKS.format(uid=_seg(upload_id))

    def local_storyboard(self, media_id: str) -> str:
        return self.LOCAL_STORYBOARD.format(mid=_seg(media_id))

    def media(self, upload_id: str) -> str:
        return self.MEDIA.format(uid=_seg(upload_id))


paths = Paths()

__all__ = [
    "ACCEPTED_EXTENSIONS", "ACCEPTED_FORMATS", "APP_NAME", "ASPECTS", "AUDIO_EXTENSIONS", "DEFAULT_SIZE",
    "HEADER_CLIENT_ID", "HEADER_SKILL_PLATFORM", "HEADER_SKILL_SOURCE", "HEADER_SKILL_VERSION", "HIGHEST",
    "IMAGE_EXTENSIONS", "LOCAL_AUDIO_EXTENSIONS", "LOCAL_EXTENSIONS", "LOCAL_VIDEO_EXTENSIONS", "MAX_SIDE", "MAX_UPLOAD_BYTES", "PLATFORMS", "RESOLUTIONS", "SKILL_HEADERS",
    "SKILL_SOURCE", "TRACK_AUDIO", "TRACK_KINDS", "TRACK_TEXT", "TRACK_VIDEO", "VIDEO_EXTENSIONS", "Paths",
    "even", "format_bytes", "output_size", "paths",
]  # fmt: skip
