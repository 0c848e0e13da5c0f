"""The REST face of the emulator: ``/identity/oauth/token``, ``/rest/v1/...``, ``/rest/asset/v1/...`` and
``/bulk/v1/...`` over the same SQLite state, limits, fault injection and call log as the SOAP face.

A call goes: route (610 for an unknown resource, 605 for a method the resource does not take) → bounded body
(HTTP 413 over 1 MB, 10 MB for a bulk import: error-codes.md) → bearer token (601 invalid or missing, 602
expired; the ``access_token`` query parameter, removed on August 31, 2026, is refused with 601) → the
instance's limits, shared with SOAP (606 rate, 615 concurrency, 607 daily quota) → injected failure, if any →
the handler in one transaction (a read transaction for reads) → the JSON envelope. Identity calls do not count
against the limits (swagger-identity.json: "not counted towards API call limit").
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mktows.emulator import soap
from mktows.emulator.body import RequestTooLarge, read_body
from mktows.emulator.failures import ServiceFault
from mktows.emulator.faults import Injection
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.envelope import (
    RestError,
    failure_body,
    json_response,
    success_body,
)
from mktows.emulator.rest.request import RestRequest
from mktows.emulator.rest.routes import ROUTES
from mktows.emulator.rest.routing import Route, choose
from mktows.emulator.rest.tokens import TokenStore
from mktows.emulator.soap import Response
from mktows.marketo_limits import REST_MAX_BODY_BYTES, REST_MAX_BULK_BODY_BYTES

if TYPE_CHECKING:
    from mktows.emulator.app import EmulatorApp

LOGGER = logging.getLogger("mktows.emulator")

PREFIXES = ("/rest/", "/bulk/", "/identity/")
IDENTITY_PATH = "/identity/oauth/token"
BODY_CAP = REST_MAX_BODY_BYTES
IMPORT_BODY_CAP = REST_MAX_BULK_BODY_BYTES

# Response-level codes: "An API call that returns this response code is not counted against your daily quota,
# or your rate limit" (error-codes.md).
UNCOUNTED = range(600, 800)
# A SOAP limit fault the shared Limiter raises, as the REST code for the same limit (error-codes.md).
LIMIT_CODES = {20023: 606, 20024: 615, 20015: 607}
# An injected SOAP fault code on a REST call: its REST counterpart; any other SOAP code is 611 System error.
INJECTED_CODES = {**LIMIT_CODES, 20014: 601, 20016: 602, 20013: 603}


def is_rest_path(path: str) -> bool:
    """Whether the REST face answers this path."""
    return path.startswith(PREFIXES)


def rest_code(code: int) -> int:
    """The REST code an injected fault code stands for."""
    if code < 10_000:
        return code
    return INJECTED_CODES.get(code, 611)


class RestFace:
    """Answers REST calls for an ``EmulatorApp`` (its store, config, limiter, injector and call log)."""

    def __init__(self, app: EmulatorApp) -> None:
        self.app = app
        self.tokens = TokenStore()
        self._monotonic: Callable[[], float] = time.monotonic

    def _now_seconds(self) -> float:
        return self.app.clock().timestamp()

    def serve(
        self, environ: dict[str, Any], path: str, method: str, now: datetime
    ) -> tuple[Response, Injection | None]:
        """The answer to one REST request and the injection to apply once it is made (drop, truncate)."""
        query = environ.get("QUERY_STRING", "")
        content_type = environ.get("CONTENT_TYPE", "")
        route: Route | None = None
        injection: Injection | None = None
        try:
            cap = IMPORT_BODY_CAP if path.startswith("/bulk/") else BODY_CAP
            try:
                body = read_body(environ, cap)
            except RequestTooLarge as exc:
                response = soap.text_response(413, "Request Entity Too Large", f"{exc}\n")
                self._log(None, response, str(exc), None, now)
                return response, None
            request = RestRequest.build(method, path, query, body, content_type)
            if path == IDENTITY_PATH:
                return self._identity(request, method, now), None
            route = choose(ROUTES, method, path, request.effective_method == "GET" and method == "POST")
            request.path_args = route.args(path)
            self._authenticate(environ, request)
            with self.app.limiter.admit() as admission:
                injection = self.app.injector.take(route.operation_id)
                early = self._inject_before(injection)
                if early is not None:
                    assert injection is not None  # only an injection answers early
                    if injection.kind == "fault" and rest_code(injection.code) in UNCOUNTED:
                        admission.refund()
                    code = rest_code(injection.code) if injection.kind == "fault" else None
                    self._log(route, early, "injected", injection, now, code)
                    return early, None
                if self.app.config.settings.latency:
                    time.sleep(self.app.config.settings.latency)
                try:
                    answer = self._run(route, request, now)
                except RestError as error:
                    if error.code in UNCOUNTED:
                        admission.refund()
                    raise
            if answer.raw is not None:
                response = Response("200 OK", [("Content-Type", "text/csv;charset=UTF-8")], answer.raw)
            else:
                response = json_response(success_body(answer))
        except ServiceFault as fault:  # a limit of the shared Limiter
            code = LIMIT_CODES.get(fault.code, 611)
            response = json_response(failure_body(code, fault.reason))
            self._log(route, response, fault.reason, injection, now, code)
            return response, None
        except RestError as error:
            response = json_response(failure_body(error.code, error.message))
            self._log(route, response, error.message, injection, now, error.code)
            return response, None
        self._log(route, response, "", injection, now)
        return response, injection

    # --- identity ------------------------------------------------------------------------------------------

    def _identity(self, request: RestRequest, method: str, now: datetime) -> Response:
        if method not in ("GET", "POST"):
            return _oauth_error(405, "Method Not Allowed", "invalid_request", "use GET or POST")
        if request.param("grant_type") != "client_credentials":
            return _oauth_error(
                400, "Bad Request", "unsupported_grant_type", "grant_type must be client_credentials"
            )
        client_id, client_secret = request.param("client_id"), request.param("client_secret")
        if not client_id or not client_secret:
            return _oauth_error(401, "Unauthorized", "invalid_client", "Bad client credentials")
        settings = self.app.config.rest
        current = self._now_seconds()
        token = self.tokens.issue(settings, client_id, client_secret, current)
        if token is None:
            return _oauth_error(401, "Unauthorized", "unauthorized", "Bad client credentials")
        return json_response(
            {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": max(0, int(token.expires_at - current)),
                "scope": settings.scope,
            }
        )

    def _authenticate(self, environ: dict[str, Any], request: RestRequest) -> None:
        if "access_token" in request.params:
            raise RestError(
                601,
                "Access token invalid: the access_token query parameter is no longer accepted;"
                " send the token in an 'Authorization: Bearer' header",
            )
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise RestError(601, "Access token invalid: no 'Authorization: Bearer' header")
        self.tokens.check(value.strip(), self._now_seconds())

    # --- the call ------------------------------------------------------------------------------------------

    def _run(self, route: Route, request: RestRequest, now: datetime) -> Any:
        store = self.app.store
        try:
            scope = store.transaction() if route.writes else store.read()
            with scope as conn:
                return route.handler(RestContext(conn, self.app.config, now, request))
        except RestError:
            raise
        except sqlite3.Error:
            LOGGER.exception("emulator: %s: the database failed", route.operation_id)
            raise RestError(611, "System error (the emulator's database failed; see its log)") from None
        except Exception:
            LOGGER.exception("emulator: %s failed unexpectedly", route.operation_id)
            raise RestError(611, "System error (see the emulator's log)") from None

    # --- injected failures ---------------------------------------------------------------------------------

    def _inject_before(self, injection: Injection | None) -> Response | None:
        """A REST failure for an injected fault code; the other kinds act as on SOAP calls."""
        if injection is not None and injection.kind == "fault":
            return json_response(failure_body(rest_code(injection.code), "injected failure"))
        return self.app.inject_before(None, injection, self.app.clock())

    def _log(
        self,
        route: Route | None,
        response: Response,
        why: str,
        injection: Injection | None,
        now: datetime,
        code: int | None = None,
    ) -> None:
        status = int(response.status.split(" ", 1)[0])
        self.app.record_call(route.operation_id if route else None, status, code, why, injection, now)


def _oauth_error(status: int, phrase: str, error: str, description: str) -> Response:
    body = json.dumps({"error": error, "error_description": description}).encode("utf-8")
    return Response(f"{status} {phrase}", [("Content-Type", "application/json;charset=UTF-8")], body)
