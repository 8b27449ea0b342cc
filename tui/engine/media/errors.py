"""Errors raised by the media layer. Messages are plain words a user can act on."""

from __future__ import annotations


class MediaError(Exception):
    """Something about a media file or the ffmpeg tool went wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IngestError(MediaError):
    """A URL could not be downloaded (404, not a video, unsupported site, no network...)."""


class RenderError(MediaError):
    """ffmpeg could not render the draft; the message ends with ffmpeg's last lines."""


class RenderCancelled(MediaError):
    """The render was cancelled; the partial output was removed."""


class IngestCancelled(IngestError):
    """The download was cancelled; nothing was left behind."""
