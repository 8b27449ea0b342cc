"""The media layer of the embedded engine: probe, URL ingest (yt-dlp) and render (ffmpeg).

Every function here is blocking (the server runs them in worker threads) and imports
nothing from Starlette or Textual. Heavy modules (yt_dlp) are imported lazily.
"""

from __future__ import annotations

from .errors import IngestCancelled, IngestError, MediaError, RenderCancelled, RenderError

__all__ = ["IngestCancelled", "IngestError", "MediaError", "RenderCancelled", "RenderError"]
