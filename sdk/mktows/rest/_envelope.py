"""REST answers as data: JSON parsed within bounds, the response envelope typed, its errors made exceptions.

Marketo answers most failures with HTTP 200, ``success: false`` and ``errors: [{code, message}]``; those
become the ``mktows.errors`` family of the code (``protocol == "rest"``). Per-record failures (``status:
"skipped"`` with ``reasons``) stay data in ``result``. Anything that is not such an envelope (an HTML page,
an empty body, JSON cut short) becomes ``HTTPStatusError`` or ``ProtocolError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mktows._transport import HttpResponse, not_soap  # not_soap: the HTTPStatusError for a foreign answer
from mktows.errors import MktowsError, ProtocolError, SoapFault, rest_error_for

MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""Largest REST answer read: a 300-record page of wide records is a few MB; anything far past that is refused."""

MAX_MESSAGE_CHARS = 2000
"""An error's text is cut here: the service's messages are short, an echoing proxy's need not be."""

JSON_MEDIA_TYPES = frozenset({"application/json", "text/json"})


@dataclass(frozen=True)
class RestResponse:
    """One successful REST answer: ``result`` records (may be empty), paging and the raw envelope.

    ``warnings`` are kept as sent. ``next_page_token`` is set when the service gave one (activity endpoints
    give one on every page; use ``more_result`` to know whether to continue). ``data`` is the whole JSON
    object, for members outside the common envelope (e.g. a bulk batch's fields).
    """

    request_id: str
    result: Sequence[Any]
    warnings: Sequence[Any] = ()
    next_page_token: str | None = None
    more_result: bool = False
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def parse_json(content: bytes, operation: str) -> Any:
    """The JSON value of ``content`` (UTF-8); ``ProtocolError`` for anything malformed, too deep or too big."""
    if len(content) > MAX_ANSWER_BYTES:
        raise ProtocolError(
            f"answer of {len(content)} bytes exceeds the {MAX_ANSWER_BYTES}-byte limit", operation=operation
        )
    try:
        return json.loads(content, parse_constant=_refuse_constant)
    except RecursionError:
        raise ProtocolError("JSON nested too deeply; refused", operation=operation) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, int digits over the interpreter's limit
        raise ProtocolError(f"answer is not valid JSON: {str(exc)[:200]}", operation=operation) from None


def looks_like_json(response: HttpResponse) -> bool:
    """A JSON media type, or no content type and a body that starts like a JSON object."""
    media = response.media_type
    if media:
        return media in JSON_MEDIA_TYPES or media.endswith("+json")
    return response.content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _code(value: object) -> int | None:
    """REST sends codes as quoted integers ("601"); None when the value is no integer at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def error_from(errors: object, request_id: str, operation: str) -> SoapFault:
    """The exception for an envelope's ``errors`` list: the family of its first code, every error in the text."""
    if not isinstance(errors, list) or not errors:
        raise ProtocolError("answer has success false but no errors", operation=operation)
    parts: list[str] = []
    first: int | None = None
    for index, entry in enumerate(errors):
        if not isinstance(entry, Mapping):
            raise ProtocolError(f"errors[{index}] is not an object", operation=operation)
        code, message = entry.get("code"), entry.get("message")
        number = _code(code)
        if index == 0:
            first = number
        text = str(message) if message is not None else ""
        parts.append(f"{code} {text}".strip() if index else text)
    message = "; ".join(part for part in parts if part)[:MAX_MESSAGE_CHARS]
    if request_id:
        message = f"{message} (requestId {request_id})" if message else f"requestId {request_id}"
    return rest_error_for(first, message, operation=operation)


def _envelope(value: object, operation: str) -> RestResponse:
    if not isinstance(value, dict):
        raise ProtocolError(f"answer is a JSON {type(value).__name__}, not an object", operation=operation)
    request_id = value.get("requestId")
    request_id = request_id if isinstance(request_id, str) else ""
    success = value.get("success")
    if success is False:
        raise error_from(value.get("errors"), request_id, operation)
    if success is not True:
        raise ProtocolError("answer has no boolean 'success'", operation=operation)
    result = value.get("result", [])
    if not isinstance(result, list):
        raise ProtocolError("answer's 'result' is not a list", operation=operation)
    warnings = value.get("warnings", [])
    token = value.get("nextPageToken")
    more = value.get("moreResult", False)
    if token is not None and not isinstance(token, str):
        raise ProtocolError("answer's 'nextPageToken' is not a string", operation=operation)
    if not isinstance(more, bool):
        raise ProtocolError("answer's 'moreResult' is not a boolean", operation=operation)
    return RestResponse(
        request_id=request_id,
        result=result,
        warnings=tuple(warnings) if isinstance(warnings, list) else (),
        next_page_token=token or None,
        more_result=more,
        data=value,
    )


def rest_payload(response: HttpResponse, operation: str) -> Any:
    """The parsed JSON of an answer that is JSON; ``HTTPStatusError`` for any other answer (HTML, empty, 3xx)."""
    if not response.content.strip():
        raise not_soap(response, operation, "empty body")
    if not looks_like_json(response):
        raise not_soap(response, operation, f"content type {response.content_type!r} is not JSON")
    return parse_json(response.content, operation)


def decode(response: HttpResponse, operation: str) -> RestResponse:
    """The envelope of a REST answer; the typed exception when it reports or is a failure.

    A JSON answer with a non-200 status is read for its ``errors`` (the service's own code) when it has
    them, else it is an ``HTTPStatusError`` for its status.
    """
    if response.status != 200:
        try:
            value = rest_payload(response, operation)
        except MktowsError:
            raise not_soap(response, operation, "unexpected status") from None
        if isinstance(value, dict) and value.get("errors"):
            request_id = value.get("requestId")
            raise error_from(value["errors"], request_id if isinstance(request_id, str) else "", operation)
        raise not_soap(response, operation, "unexpected status")
    return _envelope(rest_payload(response, operation), operation)
