"""A small threaded HTTP stub on 127.0.0.1 that answers POSTs with canned bytes, for the client tests.

Each POST takes the next queued ``Reply`` (or a callable that builds one from the request), or the default.
A reply can be slow (``delay``), drop the connection without answering, send a truncated body (with or
without a Content-Length that promises more), or trickle its body (or its whole answer) a byte at a time.
Every request is recorded, GETs included (so a test can prove that no external entity was fetched). The
server stops when its ``with`` block ends, or by itself after ``lifetime`` seconds.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from lxml import etree

from mktows import Client, Limits, RetryPolicy, codec, operations
from mktows import types as t
from mktows.errors import FAULT_CODES

SOAP_CONTENT_TYPE = "text/xml; charset=UTF-8"
ENDPOINT_PATH = "/soap/mktows/2_6"


@dataclass(frozen=True)
class Received:
    """One request the stub got."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def auth_header(self) -> dict[str, str]:
        """The AuthenticationHeader children of a request envelope, by local name."""
        root = etree.fromstring(self.body)
        found = root.find(".//{http://www.marketo.com/mktows/}AuthenticationHeader")
        assert found is not None, "request without AuthenticationHeader"
        return {etree.QName(child).localname: child.text or "" for child in found}


@dataclass(frozen=True)
class Reply:
    """What the stub does with one request.

    ``action``: ``"reply"`` (send status, headers, body), ``"drop"`` (close the connection without a byte),
    ``"truncate"`` (send headers with the full Content-Length, then only ``keep`` bytes, then close) or
    ``"truncate-close"`` (no Content-Length, ``keep`` bytes, then close), ``"trickle"`` (headers at once,
    then the body one byte every ``every`` seconds) or ``"trickle-all"`` (status line and headers too).
    """

    status: int = 200
    body: bytes = b""
    content_type: str | None = SOAP_CONTENT_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: str = "reply"
    keep: int = 0
    every: float = 0.0


Responder = Reply | Callable[[Received], Reply]


def xml(body: bytes, status: int = 200, **options: object) -> Reply:
    """A SOAP answer."""
    return Reply(status=status, body=body, **options)  # type: ignore[arg-type]


def fault_body(code: int, message: str | None = None, faultcode: str = "SOAP-ENV:Client") -> bytes:
    """A fault envelope shaped like Marketo's documented one (authentication-signature.md)."""
    title = FAULT_CODES[code].title if code in FAULT_CODES else "Unknown"
    text = message if message is not None else f"{title} ({code})"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        f"<SOAP-ENV:Fault><faultcode>{faultcode}</faultcode><faultstring>{code} - {title}</faultstring>"
        '<detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/">'
        f"<name>mktServiceException</name><message>{text}</message><code>{code}</code>"
        "</ns1:serviceException></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def fault(code: int, message: str | None = None, **options: object) -> Reply:
    """A SOAP fault with HTTP 500, as Marketo sent them."""
    return Reply(status=500, body=fault_body(code, message), **options)  # type: ignore[arg-type]


def html(status: int, text: str = "Bad Gateway") -> Reply:
    """A proxy's HTML error page."""
    page = f"<html><head><title>{status} {text}</title></head><body><h1>{text}</h1></body></html>"
    return Reply(status=status, body=page.encode(), content_type="text/html")


def empty(status: int) -> Reply:
    """An answer with no body and no content type."""
    return Reply(status=status, body=b"", content_type=None)


def drop() -> Reply:
    """Close the connection without answering."""
    return Reply(action="drop")


def truncated(body: bytes, keep: int, *, with_length: bool = True) -> Reply:
    """Send only the first ``keep`` bytes of ``body``."""
    return Reply(body=body, keep=keep, action="truncate" if with_length else "truncate-close")


def trickled(body: bytes, every: float, *, headers_too: bool = False) -> Reply:
    """A SOAP answer sent one byte every ``every`` seconds (from the status line on with ``headers_too``)."""
    return Reply(body=body, every=every, action="trickle-all" if headers_too else "trickle")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def _record(self) -> Received:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        received = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.server.stub.record(received)
        return received

    def do_GET(self) -> None:
        self._record()
        self.send_response_only(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        received = self._record()
        stub = self.server.stub
        stub.enter()
        try:
            reply = stub.next_reply(received)
            if reply.delay and reply.action != "trickle":
                stub.stopping.wait(reply.delay)
        finally:
            # counted out before the answer leaves: once it has, the client may free its slot and send the next
            # request before this thread runs again, which would count one call twice
            stub.leave()
        self._answer(reply)

    def _answer(self, reply: Reply) -> None:
        if reply.action == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        headers = {"Server": "mktows-stub", "Date": formatdate(usegmt=True)}
        if reply.content_type is not None:
            headers["Content-Type"] = reply.content_type
        headers.update(reply.headers)
        body = reply.body
        if reply.action == "trickle-all":
            head = f"{self.protocol_version} {reply.status} {self.responses[reply.status][0]}\r\n"
            headers["Content-Length"] = str(len(body))
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
            self._trickle(head.encode("latin-1") + body, reply.every)
            return
        self.send_response_only(reply.status)
        if reply.action == "truncate-close":
            headers["Connection"] = "close"
            body = body[: reply.keep]
        else:
            headers["Content-Length"] = str(len(reply.body))
            if reply.action == "truncate":
                body = body[: reply.keep]
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.action == "trickle":
            self._trickle(body, reply.every)
            return
        self.wfile.write(body)
        self.wfile.flush()
        if reply.action in ("truncate", "truncate-close"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _trickle(self, data: bytes, every: float) -> None:
        """Send ``data`` a byte at a time until done, the client hangs up or the stub stops."""
        self.close_connection = True
        for index in range(len(data)):
            if self.server.stub.stopping.wait(every):
                return
            try:
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
            except OSError:
                return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    stub: StubServer


class StubServer:
    """``with StubServer(reply, ...) as stub:`` then point a client at ``stub.endpoint``."""

    handler_class: type[BaseHTTPRequestHandler] = _Handler

    def __init__(self, *replies: Responder, default: Responder | None = None, lifetime: float = 60.0) -> None:
        self._queue: deque[Responder] = deque(replies)
        self.default = default
        self.lifetime = lifetime
        self.requests: list[Received] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), self.handler_class)
        self._server.stub = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{ENDPOINT_PATH}"

    @property
    def posts(self) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    def queue(self, *replies: Responder) -> None:
        with self._lock:
            self._queue.extend(replies)

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def next_reply(self, received: Received) -> Reply:
        with self._lock:
            responder = self._queue.popleft() if self._queue else self.default
        if responder is None:
            return Reply(status=599, body=b"stub: no reply queued", content_type="text/plain")
        return responder(received) if callable(responder) else responder

    def start(self) -> StubServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._watchdog.cancel()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        self._thread.join(timeout=5)


def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- helpers for the client tests ---------------------------------------------------------------------------

USER_ID = "stub_user_0123456789ABCDEF"
ENCRYPTION_KEY = "stub-key-5ecret-9876543210"  # shares no 8 characters with USER_ID


class FakeClock:
    """A signing clock that returns ``now`` and then moves it on by ``step``."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(0)) -> None:
        self.now = start or datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
        self.step = step

    def __call__(self) -> datetime:
        value = self.now
        self.now += self.step
        return value


class Sleeps:
    """A ``sleep`` that records the waits instead of waiting, and the clock (``clock()``) it moves on."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.now += seconds

    def clock(self) -> float:
        with self._lock:
            return self.now


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP ``Date`` header value."""
    return formatdate(moment.timestamp(), usegmt=True)


def client_for(stub: StubServer, **options: Any) -> Client:
    """A client of the stub with test defaults: strict parsing, recorded (not real) sleeps, short timeouts."""
    options.setdefault("retry", RetryPolicy(sleep=Sleeps()))
    sleeps = options["retry"].sleep
    if "limits" not in options and isinstance(sleeps, Sleeps):  # throttle pauses wait on the same fake time
        options["limits"] = Limits(clock=sleeps.clock, sleep=sleeps)
    options.setdefault("timeout", (2.0, 5.0))
    options.setdefault("strict", True)
    return Client(stub.endpoint, USER_ID, ENCRYPTION_KEY, **options)


def success_body(operation: str, result: object) -> bytes:
    """A success envelope of ``operation`` holding ``result``, encoded by the codec like Marketo's answers."""
    op = operations.get(operation)
    return codec.encode(op.response(result))


GET_LEAD = t.ParamsGetLead(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="1089965"))
GET_LEAD_OK = success_body("getLead", t.ResultGetLead(count=0))
SYNC_LEAD = t.ParamsSyncLead(lead_record=t.LeadRecord(email="rufus@example.com"), return_lead=False)
SYNC_LEAD_OK = success_body(
    "syncLead",
    t.ResultSyncLead(lead_id=5, sync_status=t.SyncStatus(lead_id=5, status=t.LeadSyncStatus.UPDATED)),
)
