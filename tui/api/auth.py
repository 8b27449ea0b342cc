"""The persisted client id and the token cache (JSON, mode 0600).

The cache is keyed by the API's address, except for an API on a loopback address: that is the
embedded engine (``--local`` picks a random port at every start, ``--web --local`` and
``serve`` run the same engine), whose users and tokens live in its data dir, so its token is
keyed ``local:<data dir>/engine`` and one entry serves every start. A token the engine does
not know (another ``serve --data-dir``) is refused with 1001 and renewed once, as for the cloud.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


def is_loopback(url: str) -> bool:
    """True for an http(s) address on this machine (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cache_key(settings: Settings) -> str:
    """The token cache's key for ``settings``: the API address, or ``local:<engine data dir>``."""
    if is_loopback(settings.api_url):
        return f"local:{(settings.data_dir / 'engine').expanduser().resolve()}"
    return settings.api_url


def load_cached_token(settings: Settings) -> TokenInfo | None:
    """The cached token for this API (see :func:`cache_key`), if present and not about to expire."""
    entry = _read_cache(settings.token_cache_file).get(cache_key(settings))
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
    # Entries keyed by a loopback address and port are an earlier version's, one per --local start.
    cache = {key: value for key, value in cache.items() if not is_loopback(key)}
    cache[cache_key(settings)] = {
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
    if cache_key(settings) in cache:
        del cache[cache_key(settings)]
        try:
            write_private(path, json.dumps(cache, indent=1))
        except OSError:
            pass
