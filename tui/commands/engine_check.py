"""The embedded engine's packages are an extra (``nemo-tui[local]``): when one is missing,
``--local`` and ``serve`` say how to install them instead of showing a traceback."""

from __future__ import annotations

import sys

ENGINE_PACKAGES = frozenset({"starlette", "uvicorn", "multipart", "python_multipart", "yt_dlp", "imageio_ffmpeg"})


def engine_missing(exc: ImportError) -> bool:
    """True when the optional engine packages are not installed (not for a bug of ours)."""
    return isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] in ENGINE_PACKAGES


def missing_engine(exc: ImportError) -> int:
    """Say how to install the engine and return 2; re-raise an ImportError of our own."""
    if not engine_missing(exc):
        raise exc
    print(
        "nemo-tui: the embedded engine is not installed. Install it with:\n"
        "    pip install 'nemo-tui[local]'   (or, from a checkout: pip install '.[local]')",
        file=sys.stderr,
    )
    return 2


__all__ = ["ENGINE_PACKAGES", "engine_missing", "missing_engine"]
