"""REST's answer envelope (rest-api.md, error-codes.md): ``requestId``, ``success``, ``result``, ``errors``,
``warnings`` and, when paging, ``nextPageToken`` / ``moreResult``.

A failure of the whole request is HTTP 200 with ``success: false`` and ``errors: [{code, message}]`` (codes as
quoted integers, as the docs show them); per-record failures are ``status: "skipped"`` with ``reasons[]`` in
the result. The Swagger definitions make ``result``, ``errors`` and ``warnings`` required members of every
``ResponseOf…`` envelope, so every answer carries all three (empty arrays where there is nothing to say).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mktows.emulator.soap import Response

JSON_TYPE = "application/json;charset=UTF-8"

_ids = itertools.count(1)
_ids_lock = threading.Lock()


class RestError(Exception):
    """The whole request failed with a 6xx/7xx/1xxx code (HTTP 200, ``success: false``)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class RecordFailure(Exception):
    """One record of a request cannot be processed: its status is ``skipped`` with this reason."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def reason(code: int, message: str) -> dict[str, str]:
    """One ``reasons[]``/``errors[]`` entry."""
    return {"code": str(code), "message": message}


def skipped(failure: RecordFailure, **fields: Any) -> dict[str, Any]:
    """A per-record ``skipped`` status with its reason."""
    return {**fields, "status": "skipped", "reasons": [reason(failure.code, failure.message)]}


def each_record(
    items: list[Any], handle: Callable[[dict[str, Any]], dict[str, Any]], *, numbered: bool = True
) -> list[dict[str, Any]]:
    """One result per input record, in the order sent: ``handle``'s answer, or ``skipped`` with the reason of
    its RecordFailure; each with its ``seq`` when ``numbered`` (custom objects, opportunities, roles)."""
    result: list[dict[str, Any]] = []
    for seq, item in enumerate(items):
        head: dict[str, Any] = {"seq": seq} if numbered else {}
        try:
            if not isinstance(item, dict):
                raise RecordFailure(1003, "Invalid data: each input record must be an object")
            result.append({**head, **handle(dict(item))})
        except RecordFailure as failure:
            result.append(skipped(failure, **head))
    return result


@dataclass
class Answer:
    """What a handler returns: the ``result`` records and, when paging, the next token."""

    result: list[Any] = field(default_factory=list)
    next_page_token: str | None = None
    more_result: bool | None = None
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # top-level members such as a bare nextPageToken
    raw: bytes | None = None  # a file (bulk failures, warnings) sent as text/csv instead of the envelope


def request_id() -> str:
    """A request id in Marketo's form (``e42b#14272d07d78``): a counter and the time, in hex."""
    with _ids_lock:
        number = next(_ids)
    return f"{number:x}#{int(time.time() * 1000):x}"


def success_body(answer: Answer) -> dict[str, Any]:
    """The envelope of a successful request."""
    body: dict[str, Any] = {"requestId": request_id(), "success": True, "result": answer.result}
    body.update(answer.extra)
    if answer.next_page_token is not None:
        body["nextPageToken"] = answer.next_page_token
    if answer.more_result is not None:
        body["moreResult"] = answer.more_result
    body["errors"] = []
    body["warnings"] = [{"code": 0, "message": text} for text in answer.warnings]
    return body


def failure_body(code: int, message: str) -> dict[str, Any]:
    """The envelope of a request that failed as a whole."""
    return {
        "requestId": request_id(),
        "success": False,
        "result": [],
        "errors": [reason(code, message)],
        "warnings": [],
    }


def json_response(data: Any, status: str = "200 OK") -> Response:
    """A JSON HTTP response."""
    return Response(status, [("Content-Type", JSON_TYPE)], json.dumps(data).encode("utf-8"))
