"""The emulator's side of the wire: success and fault envelopes built from the generated types and encoded
with ``mktows.codec``, and the plain HTTP answers (WSDL, HTML error pages) around them.

Faults are answered as Marketo documented (fixtures/_common/fault-authentication-failed-20014.xml): HTTP 500,
``text/xml``, ``faultcode`` ``SOAP-ENV:Client``, ``faultstring`` ``"<code> - <title>"`` and a ``serviceException``
detail with ``name`` ``mktServiceException``, ``message`` ``"<title> (<code>)"`` and ``code``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mktows import codec, operations
from mktows.emulator.failures import ServiceFault
from mktows.operations import Operation
from mktows.types import ServiceException

SOAP_CONTENT_TYPE = "text/xml; charset=UTF-8"
CLIENT_FAULT = "SOAP-ENV:Client"
VERSION_MISMATCH = "SOAP-ENV:VersionMismatch"
SERVICE_EXCEPTION_NAME = "mktServiceException"
REASON_HEADER = "X-Mktows-Fault-Reason"

# A fault before the operation is known (malformed XML, unknown operation) still needs an Output envelope
# class to build from; every operation's Fault has the same shape, so any one gives the same bytes.
_ANY_OPERATION = operations.OPERATIONS["listMObjects"]


@dataclass
class Response:
    """An HTTP answer: status line, headers, body."""

    status: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fault_code: int | None = None

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name, or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def success_response(op: Operation, result: Any) -> Response:
    """HTTP 200 with the ``success<Operation>`` envelope holding ``result``."""
    return Response("200 OK", [("Content-Type", SOAP_CONTENT_TYPE)], codec.encode(op.response(result)))


def fault_envelope(op: Operation | None, code: int, title: str, faultcode: str = CLIENT_FAULT) -> bytes:
    """The documented fault envelope for a code and its title, as bytes."""
    exception = ServiceException(name=SERVICE_EXCEPTION_NAME, message=f"{title} ({code})", code=code)
    return codec.encode((op or _ANY_OPERATION).fault(faultcode, f"{code} - {title}", exception))


def _header_text(text: str) -> str:
    return re.sub(r"[^\x20-\x7e]", "?", text)[:300]


def fault_response(op: Operation | None, failure: ServiceFault) -> Response:
    """HTTP 500 with the documented fault for ``failure``; its reason goes into ``X-Mktows-Fault-Reason``."""
    headers = [("Content-Type", SOAP_CONTENT_TYPE)]
    if failure.reason:
        headers.append((REASON_HEADER, _header_text(failure.reason)))
    body = fault_envelope(op, failure.code, failure.title, failure.faultcode)
    return Response("500 Internal Server Error", headers, body, fault_code=failure.code)


def html_response(status: int, reason: str, message: str, extra: Sequence[tuple[str, str]] = ()) -> Response:
    """A small HTML error page, as a web server or proxy in front of the service would answer."""
    title = f"{status} {reason}"
    page = (
        f"<html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return Response(
        f"{status} {reason}", [("Content-Type", "text/html; charset=UTF-8"), *extra], page.encode()
    )


def text_response(
    status: int, reason: str, message: str, content_type: str = "text/plain; charset=UTF-8"
) -> Response:
    """A plain answer (WSDL absence, admin API messages)."""
    return Response(f"{status} {reason}", [("Content-Type", content_type)], message.encode("utf-8"))
