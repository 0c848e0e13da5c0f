"""An in-process transport: the client talks to the emulator's WSGI app directly, with no socket and no
server thread, while its signing, retries, limits and codec run as over HTTP.

``Client(endpoint, user_id, key, transport=EmulatorTransport(app))`` with ``app`` a WSGI callable (an
``mktows.emulator.EmulatorApp``); ``endpoint`` still names the path and version the emulator answers on
(``http://emulator.invalid/soap/mktows/2_6``: no name is ever resolved).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from mktows._transport import REQUEST_CONTENT_TYPE, HttpResponse, TransportFailure
from mktows.errors import ProtocolError, TransportError

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EmulatorTransport:
    """Answers each attempt by calling a WSGI app in the calling thread. A connection the app drops (the
    emulator's injected faults) fails like a dropped HTTP connection: a ``TransportError`` when no answer
    came, a ``ProtocolError`` for an answer cut short of its ``Content-Length``."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def post(
        self, url: str, body: bytes, soap_action: str, operation: str, budget: float | None = None
    ) -> HttpResponse:
        parts = urlsplit(url)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path or "/",
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": parts.netloc,
            "CONTENT_TYPE": REQUEST_CONTENT_TYPE,
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_SOAPACTION": f'"{soap_action}"',
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": parts.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started[:] = [status, headers]

        chunks: list[bytes] = []
        try:
            answer = self.app(environ, start_response)
            try:
                chunks.extend(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
        except Exception as exc:  # the app dropped the connection (or failed without answering)
            if not started or not chunks:
                raise TransportFailure(
                    TransportError(f"connection to {url} dropped: {type(exc).__name__}", operation=operation),
                    delivered=True,
                ) from None
        status_line, header_list = started
        headers = {name.lower(): value for name, value in header_list}
        content = b"".join(chunks)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) != len(content):
            raise TransportFailure(
                ProtocolError(f"answer truncated: {len(content)} of {declared} bytes", operation=operation),
                delivered=True,
            )
        code, _, reason = status_line.partition(" ")
        return HttpResponse(status=int(code), reason=reason, headers=headers, content=content)

    def close(self) -> None:
        """Nothing to release: no connection is ever opened."""
