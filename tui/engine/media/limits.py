"""Bounds on the work one render or one probed file may cause (issue 13, item 3).

Each limit is a setting read from the environment when it is used, with a default that
covers ordinary footage (4K at 60 fps, a few hours, a 50-megapixel photo):

| variable                      | default                 | what it bounds                          |
|-------------------------------|-------------------------|-----------------------------------------|
| ``NEMO_MAX_RENDER_SECONDS``   | 14400 (4 h)             | length of one rendered output           |
| ``NEMO_MAX_RENDER_PIXEL_RATE``| 3840*2160*60 (497.7 M)  | output width x height x frame rate      |
| ``NEMO_MAX_IMAGE_PIXELS``     | 50,000,000              | decoded size of one picture (w x h)     |
| ``NEMO_MAX_MEDIA_SECONDS``    | 86400 (24 h)            | duration of one uploaded or fetched file|

A value that is not a positive number falls back to the default.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

DEFAULT_MAX_RENDER_SECONDS = 4 * 3600.0
DEFAULT_MAX_RENDER_PIXEL_RATE = 3840 * 2160 * 60
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
DEFAULT_MAX_MEDIA_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class MediaLimits:
    """The limits in force: seconds, pixels per second (w*h*fps), pixels (w*h), seconds."""

    max_render_seconds: float = DEFAULT_MAX_RENDER_SECONDS
    max_render_pixel_rate: float = DEFAULT_MAX_RENDER_PIXEL_RATE
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    max_media_seconds: float = DEFAULT_MAX_MEDIA_SECONDS


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip().replace("_", "")
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def current() -> MediaLimits:
    """The limits from the environment (NEMO_MAX_*), defaults where unset or invalid."""
    return MediaLimits(
        max_render_seconds=_env_number("NEMO_MAX_RENDER_SECONDS", DEFAULT_MAX_RENDER_SECONDS),
        max_render_pixel_rate=_env_number("NEMO_MAX_RENDER_PIXEL_RATE", DEFAULT_MAX_RENDER_PIXEL_RATE),
        max_image_pixels=int(_env_number("NEMO_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)),
        max_media_seconds=_env_number("NEMO_MAX_MEDIA_SECONDS", DEFAULT_MAX_MEDIA_SECONDS),
    )
