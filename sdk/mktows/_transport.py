"""HTTP for mktows over requests: one POST of ``text/xml; charset=UTF-8`` with a SOAPAction per SOAP attempt,
and ``Transport.send`` for any one request (the REST transport's calls).

- Timeouts are (connect, read) and always set; the whole answer must arrive within connect + read seconds
  after sending, so a server that trickles bytes cannot hold a call forever. Bodies over the codec's size
  limit are refused while reading. Redirects are not followed (a redirected POST would silently become a GET).
- Every requests/urllib3 failure becomes a ``TransportFailure`` carrying a ``mktows.errors`` exception and
  whether the request may have reached the service (``delivered``), which decides if retrying is safe.
- ``soap_payload`` tells SOAP answers from everything else: HTML error pages, empty bodies and wrong content
  types become ``HTTPStatusError``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

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
    inner = _innermost(exc)
    text = str(inner) or type(inner).__name__
    return f"{type(inner).__name__}: {text}"[:300]


class Transport:
    """POSTs envelopes to one endpoint; thread-safe (requests' connection pool is)."""

    def __init__(
        self,
        endpoint: str,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        pool_size: int = 10,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.timeout = normalize_timeout(timeout)
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(pool_size, 1), max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session

    def post(self, body: bytes, soap_action: str, operation: str) -> HttpResponse:
        """Send one SOAP request and read the whole answer; ``TransportFailure`` on any failure to do so."""
        headers = {
            "Content-Type": REQUEST_CONTENT_TYPE,
            "SOAPAction": f'"{soap_action}"',
            "Accept": "text/xml, application/soap+xml, application/xml;q=0.9, */*;q=0.1",
        }
        return self.send("POST", self.endpoint, headers=headers, data=body, operation=operation)

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
    ) -> HttpResponse:
        """Send one request to ``url`` and read the whole answer within the deadline and ``max_bytes``.

        ``files`` (with ``data`` as a mapping of form fields) is passed to requests for a multipart body. Redirects are never followed, so credentials
        in the headers never travel to another address. ``TransportFailure`` on any failure.
        """
        where = _shown(url)
        connect, read = self.timeout
        deadline = time.monotonic() + connect + read
        try:
            response = self.session.request(
                method,
                url,
                data=data,
                files=files,
                headers={"User-Agent": USER_AGENT, **headers},
                timeout=(connect, read),
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.Timeout as exc:
            sent = not isinstance(exc, requests.exceptions.ConnectTimeout)
            what = f"no answer within {read:g} s" if sent else f"could not connect within {connect:g} s"
            raise TransportFailure(
                TransportError(f"{what} ({where})", operation=operation), delivered=sent
            ) from None
        except requests.RequestException as exc:
            sent = not _never_sent(exc)
            stage = "failed during the exchange" if sent else "could not be opened"
            raise TransportFailure(
                TransportError(f"connection to {where} {stage}: {_describe(exc)}", operation=operation),
                delivered=sent,
            ) from None
        except Exception as exc:  # anything else from the HTTP stack (e.g. http.client errors)
            raise TransportFailure(
                TransportError(f"HTTP failure talking to {where}: {_describe(exc)}", operation=operation),
                delivered=True,
            ) from None
        try:
            content = _read_body(response, where, operation, deadline, max_bytes)
        finally:
            response.close()
        return HttpResponse(
            status=response.status_code,
            reason=response.reason or "",
            headers={name.lower(): value for name, value in response.headers.items()},
            content=content,
        )

    def close(self) -> None:
        """Close the session if this transport created it (a session passed in stays the caller's)."""
        if self._owns_session:
            self.session.close()


def _shown(url: str) -> str:
    """``url`` without its query string, for messages (queries carry data, not addresses)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _read_body(
    response: requests.Response, where: str, operation: str, deadline: float, max_bytes: int
) -> bytes:
    """The whole body, read as it arrives (``read1``) so that the deadline holds against a server that
    trickles bytes, and refused once larger than ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    raw = response.raw
    try:
        while True:
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TransportFailure(
                    ProtocolError(
                        f"answer larger than the {max_bytes}-byte limit; refused", operation=operation
                    ),
                    delivered=True,
                )
            if time.monotonic() > deadline:
                raise TransportFailure(
                    TransportError(
                        f"answer from {where} not complete within the timeout", operation=operation
                    ),
                    delivered=True,
                )
            chunks.append(chunk)
    except TransportFailure:
        raise
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as exc:
        raise TransportFailure(
            ProtocolError(f"answer truncated or undecodable: {_describe(exc)}", operation=operation),
            delivered=True,
        ) from None
    except Exception as exc:  # a read timeout or reset in the middle of the body
        raise TransportFailure(
            TransportError(f"answer from {where} broken off: {_describe(exc)}", operation=operation),
            delivered=True,
        ) from None
    return b"".join(chunks)


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
