"""Marketo's request signature: lowercase hex HMAC-SHA1(encryption key, requestTimestamp + mktowsUserId).

The timestamp is W3C (xs:dateTime) with a colon in the offset, e.g. ``2013-08-20T10:26:07-07:00``, and the
exact string signed must be the string sent. Both sides of the wire use this module: the client to sign,
the emulator to verify.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime


def format_timestamp(moment: datetime) -> str:
    """W3C form with seconds and a ``+HH:MM`` offset; refuses a naive datetime (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the signing clock must return a timezone-aware datetime")
    text = moment.replace(microsecond=0).isoformat()
    return text


def signature(encryption_key: str, request_timestamp: str, user_id: str) -> str:
    """The ``requestSignature`` for a timestamp string and user id."""
    message = (request_timestamp + user_id).encode("utf-8")
    return hmac.new(encryption_key.encode("utf-8"), message, hashlib.sha1).hexdigest()


def verify(encryption_key: str, request_timestamp: str, user_id: str, given_signature: str) -> bool:
    """Constant-time check of a received signature (case-insensitive hex)."""
    expected = signature(encryption_key, request_timestamp, user_id)
    return hmac.compare_digest(expected, given_signature.strip().lower())


def parse_timestamp(text: str) -> datetime:
    """Parse a W3C timestamp with an offset (``Z`` allowed); raises ValueError for anything else."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no UTC offset")
    return moment
