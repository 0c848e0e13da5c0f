"""REST's spelling of stored values: JSON types by field data type, ISO instants, field API names, and the
``marketoGUID`` of stored records.

The emulator stores field values as the strings SOAP carried; REST carries them as JSON numbers, booleans and
strings (custom-objects.md examples: ``"Bedrooms": 3``). Lead fields keep their SOAP names in the store
(``FirstName``) and answer to REST's API names (``firstName``, leads.md).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC
from typing import Any

from mktows.emulator.rest.envelope import RecordFailure
from mktows.emulator.timeutil import from_us

_LEADING_CAPS = re.compile(r"^([A-Z]+)(?=[A-Z][a-z]|$)|^([A-Z])")


def api_name(stored: str) -> str:
    """REST's API name of a stored field name: the leading capitals lowered (``FirstName`` → ``firstName``,
    ``SFDCLeadId`` → ``sfdcLeadId``, ``AnonymousIP`` → ``anonymousIP``)."""
    return _LEADING_CAPS.sub(lambda m: m.group(0).lower(), stored, count=1)


def json_value(data_type: str, text: str | None) -> Any:
    """A stored value as REST's JSON value for its data type (None stays null)."""
    if text is None or text == "":
        return None
    try:
        if data_type == "integer":
            return int(text)
        if data_type in ("float", "currency"):
            return float(text)
    except ValueError:
        return text
    if data_type == "boolean":
        return text.strip().lower() in ("1", "true", "yes")
    return text


def stored_value(value: Any, field_name: str) -> str:
    """A JSON input value as the stored string; a record failure for an object or array."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise RecordFailure(1003, f"Invalid data: field '{field_name}' must be a single value")


def instant(us: int) -> str:
    """An instant as REST writes it (``2015-02-23T18:21:53Z``)."""
    return from_us(us).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def guid(kind: str, number: int) -> str:
    """The marketoGUID of a stored record: a stable UUID-shaped name of its kind and number."""
    digest = hashlib.sha1(kind.encode("utf-8")).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{number:012x}"


def guid_number(kind: str, value: str) -> int | None:
    """The record number a marketoGUID of that kind names, or None for any other text."""
    text = value.strip().lower()
    prefix = guid(kind, 0)[:-12]
    if not text.startswith(prefix) or len(text) != len(prefix) + 12:
        return None
    try:
        return int(text[len(prefix) :], 16)
    except ValueError:
        return None
