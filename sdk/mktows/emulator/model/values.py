"""Checks of field values against their declared data type, shared by leads, MObjects and custom objects.

Values travel and are stored as the strings the client sent; a value is refused only when it cannot be read
as its field's type (``integer``, ``float``/``currency``, ``boolean``, ``date``, ``datetime``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

_BOOLEAN = frozenset({"true", "false", "1", "0", "yes", "no"})
_INTEGER = re.compile(r"^[+-]?\d+$")


def value_error(data_type: str, value: str) -> str | None:
    """Why ``value`` is not a valid ``data_type`` value, or None when it is (the empty string clears a field)."""
    text = value.strip()
    if not text:
        return None
    if data_type == "integer":
        return None if _INTEGER.match(text) else f"{value!r} is not an integer"
    if data_type in ("float", "currency"):
        try:
            float(text)
        except ValueError:
            return f"{value!r} is not a number"
        return None
    if data_type == "boolean":
        return None if text.lower() in _BOOLEAN else f"{value!r} is not a boolean"
    if data_type == "date":
        try:
            date.fromisoformat(text[:10])
        except ValueError:
            return f"{value!r} is not a date (YYYY-MM-DD)"
        return None
    if data_type == "datetime":
        try:
            datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            return f"{value!r} is not a W3C date-time"
        return None
    return None


def truthy(value: str | None) -> bool:
    """A boolean field value as Python bool (``"1"``, ``"true"``, ``"yes"``)."""
    return (value or "").strip().lower() in ("1", "true", "yes")


def compare_key(value: str) -> tuple[int, float | str]:
    """A sort/compare key: numbers compare as numbers, everything else as case-folded text."""
    text = value.strip()
    try:
        return (0, float(text))
    except ValueError:
        return (1, text.casefold())
