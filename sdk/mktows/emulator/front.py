"""The SOAP front: the WSGI application that answers ``POST /soap/mktows/<version>`` like Marketo and serves
``GET ...?WSDL`` (the WSDL derived from the generated types, with the address it was asked at), with the
operations themselves served by a backend (``OperationBackend``): the emulator's SQLite handlers
(``app.StoreOperations``) or the REST translation (``mktows.gateway``).

A SOAP call goes: bounded body read (413 over the cap) → safe XML parse (20012 for malformed XML, a DTD or an
entity) → SOAP 1.1 envelope (VersionMismatch for another envelope namespace) → operation from the body
element (20019 when unknown) → authentication with the config's users (20014/20016) → limits
(20024/20023/20015) → injected failure, if any → latency → decode (a typed codec error becomes its fault:
``failures.decode_fault``) → the backend (a documented fault; 20011 for any unexpected error: never a
traceback) → encode. Where each code is raised: the table in ``failures``.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Protocol
from urllib.parse import parse_qs, quote

from lxml import etree

from mktows import codec, operations
from mktows.emulator import soap
from mktows.emulator.auth import authenticate, read_credentials
from mktows.emulator.body import RequestTooLarge, read_body
from mktows.emulator.calls import CallLog, CallRecord
from mktows.emulator.config import EmulatorConfig
from mktows.emulator.failures import ServiceFault, decode_fault
from mktows.emulator.faults import DropConnection, Injection, Injector, truncated
from mktows.emulator.limits import Limiter
from mktows.emulator.soap import Response
from mktows.emulator.wsdl import VERSION, derived_wsdl
from mktows.errors import ProtocolError
from mktows.operations import XSI_NS, Operation

SOAP_PATH = re.compile(r"^/soap/mktows/(?P<version>\d+_\d+)/?$")

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class SoapCall:
    """What a backend may need of a decoded call besides its Params: the service clock's ``now``, a copy of
    the params element (for elements the WSDL lacks) and the envelope's header."""

    now: datetime
    params_element: etree._Element
    header: Any


class OperationBackend(Protocol):
    """Serves decoded operations: the ``Result…`` of ``op`` for ``params``, or a ``ServiceFault``."""

    def run(self, op: Operation, params: Any, call: SoapCall) -> Any: ...


def utc_now() -> datetime:
    """The service clock unless one is given: now, in UTC."""
    return datetime.now(UTC)


def nil_for_absent_nillables(op: Operation, params_element: etree._Element) -> None:
    """Add ``xsi:nil`` for required-but-nillable children of the params element that a request leaves out
    (importToList's ``campaignName``: nillable with minOccurs 1 in the WSDL, "Optional" in importtolist.md, and
    left out by encoders that skip None), so the request decodes with that value as None."""
    present = {etree.QName(child).localname for child in params_element if isinstance(child.tag, str)}
    for field in dataclasses.fields(op.params):
        name = field.metadata.get("name", field.name)
        no_default = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        if no_default and field.metadata.get("nillable") and name not in present:
            missing = etree.SubElement(params_element, name)
            missing.set(f"{{{XSI_NS}}}nil", "true")


class SoapFront:
    """The WSGI callable of a SOAP endpoint. Thread-safe: the server calls it from many threads at once.

    ``service`` names what answers in faults and ``logger``'s messages ("emulator", "gateway"). Subclasses
    add routes with ``route_other`` (the emulator's admin path and REST face).
    """

    service = "SOAP front"
    logger = logging.getLogger("mktows.emulator")

    def __init__(
        self,
        config: EmulatorConfig,
        backend: OperationBackend,
        limiter: Limiter,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.backend = backend
        self.limiter = limiter
        self.clock: Callable[[], datetime] = clock or utc_now
        self.injector = Injector()
        self.calls = CallLog()
        self._active = 0
        self._idle = threading.Condition()
        self.closing = False

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being answered (True) or the timeout passes (False)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    # --- WSGI ----------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self._idle:
            self._active += 1
        try:
            return self._serve(environ, start_response)
        except DropConnection:
            raise
        except Exception:  # never a traceback on the wire
            self.logger.exception("%s: unexpected error answering %s", self.service, environ.get("PATH_INFO"))
            response = soap.fault_response(
                None, ServiceFault(20011, f"unexpected error in the {self.service} (see its log)")
            )
            return self.send(start_response, response, self.clock())
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def route_other(
        self, environ: dict[str, Any], start_response: StartResponse, path: str, method: str, now: datetime
    ) -> Iterable[bytes] | None:
        """The answer to a request outside the SOAP path, or None for a 404 (no other routes here)."""
        return None

    def _serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        now = self.clock()
        if self.closing:
            response = soap.html_response(503, "Service Unavailable", f"The {self.service} is stopping.")
            return self.send(start_response, response, now)
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        other = self.route_other(environ, start_response, path, method, now)
        if other is not None:
            return other
        match = SOAP_PATH.match(path)
        if match is None:
            response = soap.html_response(
                404, "Not Found", f"No SOAP endpoint at {path}; use /soap/mktows/<version>."
            )
            return self.send(start_response, response, now)
        if method == "GET":
            return self.send(start_response, self._wsdl(environ, match["version"]), now)
        if method != "POST":
            response = soap.html_response(
                405, "Method Not Allowed", "Use POST for SOAP calls.", [("Allow", "GET, POST")]
            )
            return self.send(start_response, response, now)
        try:
            body = read_body(environ, self.config.limits.max_body_bytes)
        except RequestTooLarge as exc:
            response = soap.html_response(413, "Request Entity Too Large", str(exc))
            self._log(None, response, str(exc), None, now)
            return self.send(start_response, response, now)
        return self._soap_call(start_response, body, now)

    def send(
        self, start_response: StartResponse, response: Response, now: datetime, body: bytes | None = None
    ) -> list[bytes]:
        """Start the response with its length and date, and hand over its body (or ``body`` instead)."""
        payload = response.body if body is None else body
        headers = [h for h in response.headers if h[0].lower() != "content-length"]
        headers.append(("Content-Length", str(len(payload))))
        headers.append(("Date", format_datetime(now.astimezone(UTC), usegmt=True)))
        start_response(response.status, headers)
        return [payload]

    # --- the SOAP call ---------------------------------------------------------------------------------------

    def _soap_call(self, start_response: StartResponse, body: bytes, now: datetime) -> Iterable[bytes]:
        op: Operation | None = None
        injection: Injection | None = None
        try:
            root = self._envelope(body)
            op = self._operation(root)
            authenticate(read_credentials(root), self.config, now)
            with self.limiter.admit():
                injection = self.injector.take(op.name)
                early = self.inject_before(op, injection, now)
                if early is not None:
                    self._log(op, early, "injected", injection, now)
                    return self.send(start_response, early, now)
                if self.config.settings.latency:
                    time.sleep(self.config.settings.latency)
                response = soap.success_response(op, self._run(op, root, now))
        except ServiceFault as failure:
            response = soap.fault_response(op, failure)
            self._log(op, response, failure.reason, injection, now)
            return self.send(start_response, response, now)
        self._log(op, response, "", injection, now)
        return self.inject_after(start_response, response, injection, now)

    def _envelope(self, body: bytes) -> etree._Element:
        try:
            root = codec.parse_xml(body)
        except ProtocolError as exc:
            raise ServiceFault(20012, str(exc)) from None
        if root.tag != codec.ENVELOPE_TAG:
            qname = etree.QName(root)
            if qname.localname == "Envelope":
                raise ServiceFault(
                    20012,
                    f"SOAP 1.1 envelope expected, got namespace {qname.namespace!r}",
                    faultcode=soap.VERSION_MISMATCH,
                )
            raise ServiceFault(20012, f"expected a SOAP Envelope, got <{qname.localname}>")
        return root

    def _operation(self, root: etree._Element) -> Operation:
        body = root.find(codec.BODY_TAG)
        if body is None:
            raise ServiceFault(20012, "the SOAP Envelope has no Body")
        children = [child for child in body if isinstance(child.tag, str)]
        if len(children) != 1:
            raise ServiceFault(20012, f"the SOAP Body must hold one element, holds {len(children)}")
        op = operations.BY_PARAMS_QNAME.get(str(children[0].tag))
        if op is None:
            raise ServiceFault(20019, f"no operation takes {etree.QName(children[0]).text}")
        return op

    def _run(self, op: Operation, root: etree._Element, now: datetime) -> Any:
        body = root.find(codec.BODY_TAG)
        assert body is not None  # checked by _operation
        original = next(child for child in body if isinstance(child.tag, str))
        nil_for_absent_nillables(op, original)
        # a copy: the backend may read elements the WSDL lacks, and decoding may consume the tree
        params_element = copy.deepcopy(original)
        try:
            envelope = codec.decode_request(op, root)
            params = op.params_of(envelope)
            codec.check_enumerations(params, etree.QName(op.params_qname).localname, f"{op.name} request")
        except ProtocolError as exc:
            raise decode_fault(op.name, exc) from None
        try:
            return self.backend.run(op, params, SoapCall(now, params_element, envelope.header))
        except ServiceFault:
            raise
        except Exception:
            self.logger.exception("%s: %s failed unexpectedly", self.service, op.name)
            raise ServiceFault(20011, f"{op.name} failed inside the {self.service} (see its log)") from None

    # --- injected failures ---------------------------------------------------------------------------------

    def inject_before(
        self, op: Operation | None, injection: Injection | None, now: datetime
    ) -> Response | None:
        """The answer an injection gives before the call runs (None: run it); sleeps for a delay."""
        if injection is None:
            return None
        if injection.kind == "fault":
            return soap.fault_response(op, ServiceFault(injection.code, "injected fault"))
        if injection.kind == "http":
            response = soap.html_response(
                injection.status, _reason(injection.status), "Injected by the mktows emulator."
            )
            if injection.body is not None:
                response.body = injection.body.encode("utf-8")
            return response
        if injection.kind == "drop" and not injection.after_processing:
            self.record_call(op.name if op else None, 0, None, "injected: connection dropped", injection, now)
            raise DropConnection()
        if injection.kind == "delay":
            time.sleep(float(injection.seconds))
        return None

    def inject_after(
        self, start_response: StartResponse, response: Response, injection: Injection | None, now: datetime
    ) -> Iterable[bytes]:
        """Send ``response`` as an injection after processing wants it: whole, cut short, or not at all."""
        if injection is None:
            return self.send(start_response, response, now)
        if injection.kind == "drop":
            raise DropConnection()  # logged with the response it withholds
        if injection.kind != "truncate":
            return self.send(start_response, response, now)
        part = truncated(response.body, float(injection.at))
        if not injection.keep_length:
            return self.send(start_response, response, now, body=part)
        self.send(start_response, response, now)  # headers announce the full length
        return _cut_short(part)

    # --- the WSDL and the call log -------------------------------------------------------------------------

    def _wsdl(self, environ: dict[str, Any], version: str) -> Response:
        query = environ.get("QUERY_STRING", "")
        if query.strip().lower() not in ("wsdl", "wsdl=") and "wsdl" not in {
            k.lower() for k in parse_qs(query, keep_blank_values=True)
        }:
            return soap.html_response(
                405,
                "Method Not Allowed",
                "GET serves only ?WSDL; use POST for SOAP calls.",
                [("Allow", "GET, POST")],
            )
        if version != VERSION:
            return soap.text_response(
                404, "Not Found", f"this {self.service} serves WSDL {VERSION} only, not {version}\n"
            )
        return Response("200 OK", [("Content-Type", soap.SOAP_CONTENT_TYPE)], derived_wsdl(_own_url(environ)))

    def _log(
        self,
        op: Operation | None,
        response: Response,
        reason: str,
        injection: Injection | None,
        now: datetime,
    ) -> None:
        status = int(response.status.split(" ", 1)[0])
        self.record_call(op.name if op else None, status, response.fault_code, reason, injection, now)

    def record_call(
        self,
        operation: str | None,
        status: int,
        fault_code: int | None,
        reason: str,
        injection: Injection | None,
        now: datetime,
    ) -> None:
        """Add one answered call to the call log (a fault also to the log at INFO)."""
        self.calls.add(
            CallRecord(
                operation=operation,
                http_status=status,
                fault_code=fault_code,
                reason=reason,
                injected=injection.kind if injection else None,
                at=now.isoformat(),
            )
        )
        if fault_code is not None:
            self.logger.info("%s: %s -> fault %s (%s)", self.service, operation or "-", fault_code, reason)


def _own_url(environ: dict[str, Any]) -> str:
    """The URL this request came to, without its query: the ``soap:address`` of the WSDL served."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = (
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"
    )
    return f"{scheme}://{host}{quote(environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', ''))}"


def _cut_short(part: bytes) -> Iterator[bytes]:
    if part:
        yield part
    raise DropConnection()


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _reason(status: int) -> str:
    return _REASONS.get(status, "Error")
