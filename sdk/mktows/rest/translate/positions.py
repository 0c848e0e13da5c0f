"""SOAP stream positions of REST translations: opaque text that names the query it belongs to and carries the
REST-side state needed to resume it (a paging token, the last record read). stream-position.md: a caller
passes back what the previous call returned, unedited; anything else is SOAP's 20122 family."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from mktows.errors import ProtocolError, StreamPositionError
from mktows.rest._envelope import RestResponse

PREFIX = "rest1:"


def encode(query: str, state: Mapping[str, Any]) -> str:
    """The position of ``state`` (JSON values) within ``query``."""
    data = json.dumps({"q": query, **state}, separators=(",", ":")).encode()
    return PREFIX + base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode(text: str | None, query: str, operation: str) -> dict[str, Any] | None:
    """The state of a position ``encode`` gave for ``query``; None for no position (start afresh);
    ``StreamPositionError`` for any other text or one of another query."""
    if text is None or not text.strip():
        return None
    try:
        if not text.startswith(PREFIX):
            raise ValueError(text)
        raw = text[len(PREFIX) :]
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(data, dict) or "q" not in data:
            raise ValueError(text)
    except (ValueError, TypeError, binascii.Error):
        raise StreamPositionError(
            "stream position is not one this REST translation returned", operation=operation
        ) from None
    if data.pop("q") != query:
        raise StreamPositionError("stream position belongs to a different query", operation=operation)
    return data


def next_token(page: RestResponse, operation: str) -> str | None:
    """The ``nextPageToken`` to resume after ``page``, None when REST says no more follow
    (paging-tokens.md); ``ProtocolError`` when ``moreResult`` comes without a token."""
    if not page.more_result:
        return None
    if not page.next_page_token:
        raise ProtocolError("moreResult is true but no nextPageToken came with it", operation=operation)
    return page.next_page_token
