"""A REST stub on 127.0.0.1 for the ``mktows.rest`` tests: an identity service and queued REST answers.

``POST /identity/oauth/token`` issues tokens (``expires_in`` as configured) unless identity replies are
queued; every other request must carry ``Authorization: Bearer`` with a token it issued (601 otherwise, 602
once ``expire_tokens`` has run) and then takes the next queued ``Reply`` like the SOAP stub. Built on
``tests.stub_server``, so it stops by itself after ``lifetime`` seconds too.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from tests.stub_server import Received, Reply, Responder, StubServer, _Handler

CLIENT_ID = "stub-client-id"
CLIENT_SECRET = "stub-client-5ecret-0123456789"
IDENTITY_PATH = "/identity/oauth/token"
JSON = "application/json;charset=UTF-8"


def envelope(result: list[Any] | None = None, **members: Any) -> dict[str, Any]:
    """A success envelope as Marketo writes it."""
    return {"requestId": "e42b#14272d07d78", "success": True, "result": result or [], **members}


def ok(result: list[Any] | None = None, **members: Any) -> Reply:
    """HTTP 200 with a success envelope."""
    return Reply(body=json.dumps(envelope(result, **members)).encode(), content_type=JSON)


def error(code: int | str, message: str = "refused", **options: Any) -> Reply:
    """HTTP 200 with ``success: false`` and one error, as Marketo answers a failed request."""
    body = {"requestId": "a1b2#1", "success": False, "errors": [{"code": str(code), "message": message}]}
    return Reply(body=json.dumps(body).encode(), content_type=JSON, **options)


def raw_json(text: str | bytes, status: int = 200, **options: Any) -> Reply:
    """Any bytes labelled as JSON."""
    body = text.encode() if isinstance(text, str) else text
    return Reply(status=status, body=body, content_type=JSON, **options)


class _RestHandler(_Handler):
    def do_GET(self) -> None:
        self.do_POST()

    def do_DELETE(self) -> None:
        self.do_POST()


class RestStub(StubServer):
    """``with RestStub(ok(...), ...) as stub:`` then ``RestClient(stub.rest_endpoint, CLIENT_ID, CLIENT_SECRET)``."""

    handler_class = _RestHandler

    def __init__(
        self,
        *replies: Responder,
        default: Responder | None = None,
        expires_in: float | None = 3600,
        identity_delay: float = 0.0,
        lifetime: float = 60.0,
    ) -> None:
        super().__init__(*replies, default=default, lifetime=lifetime)
        self.expires_in = expires_in
        self.identity_delay = identity_delay
        self.identity_replies: deque[Responder] = deque()
        self.issued: list[str] = []
        self._valid: set[str] = set()
        self._expired: set[str] = set()
        self._token_lock = threading.Lock()

    @property
    def rest_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/rest"

    @property
    def identity_requests(self) -> list[Received]:
        return [r for r in self.requests if r.path.split("?")[0] == IDENTITY_PATH]

    @property
    def calls(self) -> list[Received]:
        """The REST requests (identity excluded)."""
        return [r for r in self.requests if r.path.split("?")[0] != IDENTITY_PATH]

    def expire_tokens(self) -> None:
        """Every token issued so far is now expired (602)."""
        with self._token_lock:
            self._expired |= self._valid
            self._valid.clear()

    def revoke_tokens(self) -> None:
        """Every token issued so far is now unknown (601)."""
        with self._token_lock:
            self._valid.clear()

    def next_reply(self, received: Received) -> Reply:
        if received.path.split("?")[0] == IDENTITY_PATH:
            return self._identity(received)
        bearer = received.headers.get("authorization", "")
        token = bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else ""
        with self._token_lock:
            if token in self._expired:
                return error(602, "Access token expired")
            if token not in self._valid:
                return error(601, "Access token invalid")
        return super().next_reply(received)

    def _identity(self, received: Received) -> Reply:
        if self.identity_delay:
            self.stopping.wait(self.identity_delay)
        with self._lock:
            queued = self.identity_replies.popleft() if self.identity_replies else None
        if queued is not None:
            return queued(received) if callable(queued) else queued
        form = {name: values[0] for name, values in parse_qs(received.body.decode()).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            body = {"error": "invalid_client", "error_description": "Bad client credentials"}
            return raw_json(json.dumps(body), status=401)
        with self._token_lock:
            token = f"tok{len(self.issued):04d}-5ecret-{self.port}:int"
            self.issued.append(token)
            self._valid.add(token)
        answer: dict[str, Any] = {"access_token": token, "token_type": "bearer", "scope": "api@stub"}
        if self.expires_in is not None:
            answer["expires_in"] = self.expires_in
        return raw_json(json.dumps(answer))
