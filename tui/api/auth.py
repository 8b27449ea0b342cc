"""The persisted client id and the token cache (JSON keyed by api_url, mode 0600)."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

from tui.config import Settings, write_private

from .errors import redact, register_secret
from .models import TokenInfo

log = logging.getLogger("tui.api")


def load_client_id(settings: Settings) -> str:
    """settings.client_id (NEMO_CLIENT_ID), else the persisted one, else a new persisted uuid4."""
    if settings.client_id:
        return settings.client_id
    try:
        saved = settings.client_id_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        saved = ""
    if saved and len(saved) <= 200 and saved.isprintable():
        return saved
    return new_client_id(settings)


def new_client_id(settings: Settings) -> str:
    """Generate a client id and persist it in the config dir (best effort)."""
    cid = str(uuid.uuid4())
    try:
        write_private(settings.client_id_file, cid + "\n")
    except OSError as exc:
        log.warning("Could not save the client id in %s: %s", settings.client_id_file, exc)
    return cid


def _read_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def load_cached_token(settings: Settings) -> TokenInfo | None:
    """The cached token for this api_url, if present and not about to expire."""
    entry = _read_cache(settings.token_cache_file).get(settings.api_url)
    if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
        return None
    try:
        info = TokenInfo.model_validate(entry)
    except Exception:  # noqa: BLE001 - a damaged cache is ignored
        return None
    if not info.valid_for(60):
        return None
    register_secret(info.token)
    return info


def save_token(settings: Settings, info: TokenInfo) -> None:
    cache = _read_cache(settings.token_cache_file)
    cache[settings.api_url] = {
        "token": info.token,
        "user_id": info.user_id,
        "expires_at": info.expires_at.isoformat() if info.expires_at else None,
        "credits": info.credits,
    }
    try:
        write_private(settings.token_cache_file, json.dumps(cache, indent=1))
    except OSError as exc:
        log.warning("Could not save the token cache: %s", redact(str(exc)))


def forget_token(settings: Settings) -> None:
    path = settings.token_cache_file
    cache = _read_cache(path)
    if settings.api_url in cache:
        del cache[settings.api_url]
        try:
            write_private(path, json.dumps(cache, indent=1))
        except OSError:
            pass
