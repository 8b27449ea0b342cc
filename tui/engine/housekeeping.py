"""The engine's files on disk: private folders, and the sweep of what a crash left behind."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only (0700); returns it."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    return path


def sweep_leftovers(data_dir: Path, roots: Iterable[Path], in_use: Iterable[Path], grace: float = 60.0) -> list[str]:
    """Remove what a crash left under ``roots``: files and folders no path of ``in_use`` is or
    lies under (a half-received upload, an ``.ingest-*`` download folder, a ``.partial.mp4``).

    Anything changed in the last ``grace`` seconds stays (another engine on the same data dir
    may be writing it), and so do empty user and session folders. Returns the removed paths,
    relative to ``data_dir``.
    """
    cutoff = time.time() - grace
    keep: set[Path] = set()
    for path in in_use:
        resolved = path.resolve()
        keep.update([resolved, *resolved.parents])
    removed: list[str] = []
    for root in roots:
        entries = [(p, p.lstat()) for p in root.rglob("*")]  # mtimes before anything is removed
        stale = [p for p, st in entries if st.st_mtime <= cutoff and p.resolve() not in keep]
        for path in sorted(stale, key=lambda p: len(p.parts), reverse=True):  # files before folders
            if path.is_dir() and not path.is_symlink():
                if any(path.iterdir()) or (not path.name.startswith(".") and len(path.relative_to(root).parts) <= 2):
                    continue  # not empty, or an empty user or session folder (harmless)
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
            removed.append(str(path.relative_to(data_dir)))
    return removed
