"""An unchanged draft is never rendered twice: the last export of each draft is remembered.

The index is ``exports.json`` in the client store's folder (0600): for a key made of the
backend address, the session, the draft (its wire form, keys sorted) and the output options,
the saved file's path, size and modification time. ``find`` answers that path only while the
file is still there, unchanged; ``remember`` records a finished export. Without a store both
do nothing (then every export renders).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from tui.config import write_private

INDEX_NAME = "exports.json"
MAX_ENTRIES = 200  # the oldest entries go first


def _key(api_url: str | None, session_id: str, draft: dict[str, Any], options: tuple[Any, ...]) -> str:
    text = json.dumps(
        {"api": api_url, "session": session_id, "draft": draft, "options": list(options)}, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _index_path(store: Any) -> Path | None:
    folder = getattr(store, "data_dir", None)
    return Path(folder) / INDEX_NAME if folder is not None else None


def _load(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def find(
    store: Any, api_url: str | None, session_id: str, draft: dict[str, Any], options: tuple[Any, ...]
) -> Path | None:
    """The file of the last export of exactly this draft, if it is still on disk unchanged."""
    index = _index_path(store)
    if index is None:
        return None
    entry = _load(index).get(_key(api_url, session_id, draft, options))
    if not isinstance(entry, dict):
        return None
    path = Path(str(entry.get("path", "")))
    try:
        st = os.stat(path)
    except OSError:
        return None
    if st.st_size != entry.get("size") or st.st_mtime_ns != entry.get("mtime_ns"):
        return None  # edited or replaced since: render again
    return path


def remember(
    store: Any, api_url: str | None, session_id: str, draft: dict[str, Any], options: tuple[Any, ...], path: Path
) -> None:
    """Record a finished export (best effort: a write failure only costs a later re-render)."""
    index = _index_path(store)
    if index is None:
        return
    try:
        st = os.stat(path)
        entries = _load(index)
        entries[_key(api_url, session_id, draft, options)] = {
            "path": str(path),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }
        while len(entries) > MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        write_private(index, json.dumps(entries))
    except OSError:
        pass


__all__ = ["find", "remember"]
