"""HTTP for mktows over requests: one POST of ``text/xml; charset=UTF-8`` with a SOAPAction per SOAP attempt,
and ``Transport.send`` for any one request (the REST transport's calls).

- Timeouts are (connect, read) and always set. An attempt, from connecting to the last byte of the answer
  (headers and body), takes at most connect + read seconds (or the ``budget`` the caller has left) whatever
  the pace of the server: a watchdog shuts the connection down when the time is up, so a server that
  trickles bytes cannot hold a call. On a session passed in (whose adapters are not mktows') or through a
  SOCKS proxy, the watchdog covers the body only and the headers are bounded by the read timeout between
  bytes. Bodies over the
  codec's size limit are refused while reading. Redirects are not followed (a redirected POST would
  silently become a GET).
- Every requests/urllib3 failure becomes a ``TransportFailure`` carrying a ``mktows.errors`` exception and
  whether the request may have reached the service (``delivered``), which decides if retrying is safe.
- ``soap_payload`` tells SOAP answers from everything else: HTML error pages, empty bodies and wrong content
  types become ``HTTPStatusError``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from mktows.codec import MAX_DOCUMENT_BYTES
from mktows.errors import HTTPStatusError, MktowsError, ProtocolError, TransportError

Timeout = tuple[float, float]

DEFAULT_TIMEOUT: Timeout = (10.0, 120.0)
"""Connect and read timeouts: Marketo calls could take a minute and a half to answer."""

XML_CONTENT_TYPES = frozenset({"text/xml", "application/soap+xml", "application/xml"})
REQUEST_CONTENT_TYPE = "text/xml; charset=UTF-8"
USER_AGENT = f"mktows-python (requests {requests.__version__})"
_CHUNK = 64 * 1024
_EXCERPT = 200


def normalize_timeout(timeout: float | tuple[float, float]) -> Timeout:
    """``(connect, read)`` from one number or a pair; both finite and positive."""
    pair = (timeout, timeout) if isinstance(timeout, (int, float)) else tuple(timeout)
    if len(pair) != 2:
        raise ValueError(f"timeout must be a number or a (connect, read) pair, got {timeout!r}")
    connect, read = (float(value) for value in pair)
    for value in (connect, read):
        if not 0 < value < float("inf"):
            raise ValueError(f"timeouts must be positive and finite, got {timeout!r}")
    return connect, read


SOAP_ENDPOINT_EXAMPLE = "https://123-ABC-456.mktoapi.com/soap/mktows/2_6"


def check_endpoint(endpoint: str, example: str = SOAP_ENDPOINT_EXAMPLE) -> str:
    """The endpoint URL if it is an http(s) URL with a host; ValueError otherwise (checked without I/O)."""
    if not isinstance(endpoint, str):
        raise ValueError(f"endpoint must be a URL string, got {type(endpoint).__name__}")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"endpoint must be an http(s) URL such as {example}, got {endpoint!r}")
    if parts.username or parts.password:
        raise ValueError("endpoint must not carry credentials in the URL")
    return endpoint


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP answer read in full."""

    status: int
    reason: str
    headers: Mapping[str, str]  # lower-case names
    content: bytes

    @property
    def content_type(self) -> str:
        """The Content-Type header as sent ("" when absent)."""
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-case (``text/xml``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    def retry_after(self) -> float | None:
        """Seconds from a numeric ``Retry-After`` header, if any."""
        value = self.headers.get("retry-after", "").strip()
        try:
            seconds = float(value)
        except ValueError:
            return None
        return seconds if 0 <= seconds < float("inf") else None


class TransportFailure(Exception):
    """Internal: an attempt failed in transport; ``error`` is what the caller sees if it is not retried."""

    def __init__(self, error: MktowsError, *, delivered: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.delivered = delivered


class AnswerDeadline:
    """Shuts down the connection of one attempt when ``seconds`` have passed, whatever phase it is in.

    Used as ``with AnswerDeadline(s) as deadline:`` around the request and the reading of its answer; the
    connection is found through the watched connection classes below (on this thread) or given to ``watch``.
    ``finish()`` ends the watch and says whether the time ran out first.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._expired = False
        self._finished = False
        self._connection: Any = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        """Whether the time ran out (before ``finish``)."""
        with self._lock:
            return self._expired

    def watch(self, connection: Any) -> None:
        """The connection to shut down at the deadline (at once if it has passed)."""
        with self._lock:
            self._connection = connection
            expired = self._expired
        if expired:
            _shut_down(connection)

    def finish(self) -> bool:
        """Stop watching; True if the deadline passed before."""
        self._timer.cancel()
        with self._lock:
            self._finished = True
            return self._expired

    def _expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self._expired = True
            connection = self._connection
        if connection is not None:
            _shut_down(connection)

    def __enter__(self) -> AnswerDeadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()
        _current.deadline = None


_current = threading.local()


def _shut_down(connection: Any) -> None:
    """Shut the connection's socket down for both directions: a read blocked on it returns at once.

    ``socket.socket.shutdown`` on the descriptor, also for a TLS socket (whose own ``shutdown`` would
    unwrap it under the reading thread's feet).
    """
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watch_current(connection: Any) -> None:
    deadline: AnswerDeadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


class _WatchedHTTPConnection(HTTPConnection):
    """An HTTP connection that puts itself under this thread's ``AnswerDeadline`` when it is used."""

    def connect(self) -> None:
        super().connect()
        _watch_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same for HTTPS (``super()`` in the methods above reaches ``HTTPSConnection`` first)."""


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _watch_pools(manager: PoolManager) -> PoolManager:
    """Make a pool manager use the watched connections (left alone if it has its own pools, e.g. SOCKS)."""
    classes = manager.pool_classes_by_scheme
    if classes.get("http") is HTTPConnectionPool and classes.get("https") is HTTPSConnectionPool:
        manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    return manager


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with connections an ``AnswerDeadline`` can shut down, proxies included."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        return _watch_pools(super().proxy_manager_for(proxy, **proxy_kwargs))


def _innermost(exc: BaseException) -> BaseException:
    reason: BaseException = exc
    for _ in range(5):
        inner = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError) and reason.reason is not None:
            inner = reason.reason
        if inner is None:
            break
        reason = inner
    return reason


def _never_sent(exc: requests.RequestException) -> bool:
    """True when requests failed before the request could reach the server (connect, DNS, TLS handshake)."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError)):
        return True
    if isinstance(exc, requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        return isinstance(_innermost(exc), urllib3.exceptions.ConnectTimeoutError)  # incl. NewConnectionError
    return False


def _describe(exc: BaseException) -> str:
    """The innermost cause as one line: its class and message, without urllib3's connection object (whose
    repr names an internal class and says nothing the URL in the message does not)."""
    inner = _innermost(exc)
    text = str(inner) or type(inner).__name__
    if isinstance(inner, urllib3.exceptions.NewConnectionError):  # incl. NameResolutionError
        text = text.partition(": ")[2] or text
    return f"{type(inner).__name__}: {text}"[:300]


class SoapTransport(Protocol):
    """What the client needs to send one attempt: ``post`` it to ``url`` and return the whole answer, or raise
    ``TransportFailure`` (carrying a ``TransportError`` and whether the request may have been delivered).
    ``budget`` is the seconds left of the call's retry budget (None: no bound beyond the transport's own).
    The default is ``Transport`` (HTTP over requests); ``mktows.testing.EmulatorTransport`` answers in-process."""

    def post(
        self, url: str, body: bytes, soap_action: str, operation: str, budget: float | None = None
    ) -> HttpResponse: ...

    def close(self) -> None: ...


class Transport:
    """POSTs envelopes over HTTP with requests; thread-safe (requests' connection pool is)."""

    def __init__(
        self,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        pool_size: int = 10,
    ) -> None:
        self.timeout = normalize_timeout(timeout)
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            adapter = WatchedAdapter(pool_connections=1, pool_maxsize=max(pool_size, 1), max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session

    def post(
        self, url: str, body: bytes, soap_action: str, operation: str, budget: float | None = None
    ) -> HttpResponse:
        """Send one SOAP request and read the whole answer; ``TransportFailure`` on any failure to do so."""
        headers = {
            "Content-Type": REQUEST_CONTENT_TYPE,
            "SOAPAction": f'"{soap_action}"',
            "Accept": "text/xml, application/soap+xml, application/xml;q=0.9, */*;q=0.1",
        }
        return self.send("POST", url, headers=headers, data=body, operation=operation, budget=budget)

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        operation: str,
        data: bytes | Mapping[str, str] | None = None,
        files: Any = None,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        budget: float | None = None,
    ) -> HttpResponse:
        """Send one request to ``url`` and read the whole answer; ``TransportFailure`` on any failure to do so.

        The attempt takes at most connect + read seconds, or ``budget`` seconds when that is less (what is
        left of the caller's retry budget), and its answer at most ``max_bytes``. ``files`` (with ``data`` as
        a mapping of form fields) makes a multipart body. Redirects are never followed, so credentials in the
        headers never travel to another address.
        """
        request = _Request(method, url, {"User-Agent": USER_AGENT, **headers}, data, files, operation)
        connect, read = self.timeout
        seconds = connect + read if budget is None else min(connect + read, budget)
        if seconds <= 0:
            raise TransportFailure(
                TransportError(
                    "no time left in the call's retry budget for another attempt", operation=operation
                ),
                delivered=False,
            )
        with AnswerDeadline(seconds) as deadline:
            response = self._send(request, deadline, (min(connect, seconds), min(read, seconds)))
            try:
                connection = getattr(response.raw, "connection", None)
                if connection is not None:  # already watched, unless the session was passed in
                    deadline.watch(connection)
                content = _read_body(response, request, deadline, max_bytes)
            finally:
                response.close()
        return HttpResponse(
            status=response.status_code,
            reason=response.reason or "",
            headers={name.lower(): value for name, value in response.headers.items()},
            content=content,
        )

    def _send(self, request: _Request, deadline: AnswerDeadline, timeout: Timeout) -> requests.Response:
        """Send the request and read the answer's headers (the body stays to be streamed)."""
        connect, read = timeout
        operation, where = request.operation, request.where
        try:
            return self.session.request(
                request.method,
                request.url,
                data=request.data,
                files=request.files,
                headers=request.headers,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.Timeout as exc:
            sent = not isinstance(exc, requests.exceptions.ConnectTimeout)
            what = f"no answer within {read:.3g} s" if sent else f"could not connect within {connect:.3g} s"
            raise TransportFailure(
                TransportError(f"{what} ({where})", operation=operation), delivered=sent
            ) from None
        except requests.RequestException as exc:
            if deadline.expired:
                raise _out_of_time(deadline, request) from None
            sent = not _never_sent(exc)
            stage = "failed during the exchange" if sent else "could not be opened"
            raise TransportFailure(
                TransportError(f"connection to {where} {stage}: {_describe(exc)}", operation=operation),
                delivered=sent,
            ) from None
        except Exception as exc:  # anything else from the HTTP stack (e.g. http.client errors)
            if deadline.expired:
                raise _out_of_time(deadline, request) from None
            raise TransportFailure(
                TransportError(f"HTTP failure talking to {where}: {_describe(exc)}", operation=operation),
                delivered=True,
            ) from None

    def close(self) -> None:
        """Close the session if this transport created it (a session passed in stays the caller's)."""
        if self._owns_session:
            self.session.close()


def looks_like_xml(response: HttpResponse) -> bool:
    """An XML media type, or no content type at all and a body that starts like XML."""
    media = response.media_type
    if media:
        return media in XML_CONTENT_TYPES or media.endswith("+xml")
    return response.content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _excerpt(content: bytes) -> str:
    text = content[: _EXCERPT * 4].decode("utf-8", errors="replace")
    return " ".join(text.split())[:_EXCERPT]


def not_soap(response: HttpResponse, operation: str, why: str) -> HTTPStatusError:
    """The ``HTTPStatusError`` for an answer that is not a SOAP envelope."""
    excerpt = _excerpt(response.content)
    shown = f": {excerpt[:80]}" if excerpt else ""
    return HTTPStatusError(
        f"HTTP {response.status} {response.reason}, {why}{shown}".replace(" ,", ","),
        status_code=response.status,
        content_type=response.content_type,
        body_excerpt=excerpt,
        operation=operation,
    )


def soap_payload(response: HttpResponse, operation: str) -> bytes:
    """The body of a SOAP answer (success or fault) to decode; ``HTTPStatusError`` for any other answer.

    A SOAP answer is XML with status 200, or XML with a 4xx/5xx status (Marketo sends faults with 500).
    """
    if response.status != 200 and not 400 <= response.status < 600:
        raise not_soap(response, operation, "unexpected status")
    if not response.content.strip():
        raise not_soap(response, operation, "empty body")
    if not looks_like_xml(response):
        raise not_soap(response, operation, f"content type {response.content_type!r} is not XML")
    return response.content


@dataclass(frozen=True)
class _Request:
    """One request as ``Transport.send`` sends it."""

    method: str
    url: str
    headers: Mapping[str, str]
    data: bytes | Mapping[str, str] | None
    files: Any
    operation: str

    @property
    def where(self) -> str:
        """The URL without its query string, for messages (queries carry data, not addresses)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _read_body(
    response: requests.Response, request: _Request, deadline: AnswerDeadline, max_bytes: int
) -> bytes:
    """The whole body (decoded), refused once larger than ``max_bytes``; cut by ``deadline``'s watchdog."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise TransportFailure(
                    ProtocolError(
                        f"answer larger than the {max_bytes}-byte limit; refused", operation=request.operation
                    ),
                    delivered=True,
                )
            chunks.append(chunk)
    except TransportFailure:
        raise
    except Exception as exc:
        if deadline.finish():
            raise _out_of_time(deadline, request) from None
        raise _broken_off(exc, request) from None
    if deadline.finish():  # cut at the deadline, the end of a body without a length looks like the end
        raise _out_of_time(deadline, request)
    return b"".join(chunks)


def _out_of_time(deadline: AnswerDeadline, request: _Request) -> TransportFailure:
    return TransportFailure(
        TransportError(
            f"answer from {request.where} not complete within {deadline.seconds:.3g} s",
            operation=request.operation,
        ),
        delivered=True,
    )


def _broken_off(exc: Exception, request: _Request) -> TransportFailure:
    """The failure for an answer whose body could not be read to its end."""
    operation, where = request.operation, request.where
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return TransportFailure(
            ProtocolError(f"answer truncated or undecodable: {_describe(exc)}", operation=operation),
            delivered=True,
        )
    if isinstance(exc, requests.RequestException):  # a read timeout or reset in the middle of the body
        return TransportFailure(
            TransportError(f"answer from {where} broken off: {_describe(exc)}", operation=operation),
            delivered=True,
        )
    return TransportFailure(
        TransportError(f"answer from {where} unreadable: {_describe(exc)}", operation=operation),
        delivered=True,
    )
