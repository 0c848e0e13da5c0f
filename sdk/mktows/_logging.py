"""Logging for the client on the ``mktows`` logger, with secrets kept out of every line.

Envelopes go out at DEBUG with the ``requestSignature`` value replaced; any text that reaches a log line or an
exception message passes through ``scrub`` first, which removes the encryption key and the signatures in use,
and any piece of them of ``MIN_SECRET_FRAGMENT`` characters or more (a server may echo part of a signature);
on the REST side also the client secret and access tokens: the ones in use, and any value written as an OAuth
``access_token`` / ``client_secret`` parameter or JSON member or a ``Bearer`` credential, known to us or not.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable
from typing import Any

LOGGER = logging.getLogger("mktows")

REDACTED = "[redacted]"

MIN_SECRET_FRAGMENT = 8
"""Any run of this many characters or more taken from a secret is redacted, in any letter case."""

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

MAX_LOGGED_BYTES = 64 * 1024
"""Envelopes longer than this are cut in the DEBUG log (a 1,000-lead page would flood it)."""

_SIGNATURE_ELEMENT = re.compile(
    r"(<(?:[\w.-]+:)?requestSignature\b[^>]*>)(.*?)(</(?:[\w.-]+:)?requestSignature\s*>)", re.DOTALL
)
_OAUTH_PARAMETER = re.compile(r"((?:access_token|client_secret)=)[^&\s\"'<>]+", re.IGNORECASE)
_OAUTH_MEMBER = re.compile(r"(\"(?:access_token|client_secret)\"\s*:\s*\")(?:[^\"\\]|\\.)*", re.IGNORECASE)
_BEARER = re.compile(r"(\bBearer\s+)[\w.~+/:=-]+", re.IGNORECASE)
_SCRUBBED_FIELDS = ("message", "faultstring", "body_excerpt", "name")


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every ``requestSignature`` element value, every given secret string and every piece of
    one of ``MIN_SECRET_FRAGMENT`` characters or more (case-insensitive) replaced."""
    cleaned = _SIGNATURE_ELEMENT.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
    for pattern in (_OAUTH_PARAMETER, _OAUTH_MEMBER, _BEARER):
        cleaned = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}", cleaned)
    pieces: set[str] = set()
    for secret in secrets:
        if secret and secret in cleaned:
            cleaned = cleaned.replace(secret, REDACTED)
        lowered = secret.translate(_ASCII_LOWER)
        pieces.update(
            lowered[i : i + MIN_SECRET_FRAGMENT] for i in range(len(lowered) - MIN_SECRET_FRAGMENT + 1)
        )
    return _redact_pieces(cleaned, pieces) if pieces else cleaned


def _redact_pieces(text: str, pieces: set[str]) -> str:
    """``text`` with every run covered by windows found in ``pieces`` replaced by one ``REDACTED``.

    A fragment of a secret of any length from ``MIN_SECRET_FRAGMENT`` up is a chain of such windows.
    """
    lowered = text.translate(_ASCII_LOWER)  # ASCII only: the length, so the positions, stay the same
    width = MIN_SECRET_FRAGMENT
    parts: list[str] = []
    kept = 0  # text[:kept] is handled
    covered_to = -1  # end of the run being redacted, -1 when none
    for start in range(len(lowered) - width + 1):
        if lowered[start : start + width] not in pieces:
            continue
        if start > covered_to:  # a new run: close the one before
            if covered_to >= 0:
                parts.append(REDACTED)
                kept = covered_to
            parts.append(text[kept:start])
        covered_to = start + width
    if covered_to < 0:
        return text
    parts.append(REDACTED)
    parts.append(text[covered_to:])
    return "".join(parts)


def envelope_text(data: bytes, secrets: Iterable[str]) -> str:
    """An envelope as loggable text: decoded leniently, cut at ``MAX_LOGGED_BYTES``, secrets scrubbed."""
    cut = len(data) > MAX_LOGGED_BYTES
    text = data[:MAX_LOGGED_BYTES].decode("utf-8", errors="replace")
    if cut:
        text += f"... [{len(data) - MAX_LOGGED_BYTES} more bytes not logged]"
    return scrub(text, secrets)


def log_envelope(direction: str, operation: str, attempt: int, data: bytes, secrets: Iterable[str]) -> None:
    """Log a request or response envelope at DEBUG (only rendered when DEBUG is enabled)."""
    if LOGGER.isEnabledFor(logging.DEBUG):
        LOGGER.debug(
            "%s %s (attempt %d, %d bytes): %s",
            direction,
            operation,
            attempt,
            len(data),
            envelope_text(data, secrets),
        )


def scrub_error(error: Any, secrets: Iterable[str]) -> None:
    """Remove secrets from an exception's message and text fields before anyone sees it."""
    secrets = tuple(secrets)
    for name in _SCRUBBED_FIELDS:
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, scrub(value, secrets))
    error.args = tuple(scrub(arg, secrets) if isinstance(arg, str) else arg for arg in error.args)
