"""Tolerant readers of the service's values: numbers as numbers or text, times as ISO-8601 or
epoch seconds, the first of several aliases. None of them raises on odd input."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """The base of every response model: unknown keys kept, fields by name or alias."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def num(value: Any) -> float | None:
    """A finite number from an int/float/numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def int_(value: Any) -> int | None:
    f = num(value)
    if f is None or abs(f) > 1e15:
        return None
    return int(round(f))


def str_(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def first(d: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = d.get(key)
        if value is not None:
            return value
    return None


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 text or epoch seconds -> aware datetime; anything else -> None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    f = num(value) if not isinstance(value, str) else None
    if f is not None:
        try:
            return datetime.fromtimestamp(f / 1000 if f > 1e11 else f, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            f = num(text)
            return parse_time(f) if f is not None else None
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return None
