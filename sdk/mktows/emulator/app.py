"""The emulator's WSGI application: the SOAP front (``front.SoapFront``: ``POST /soap/mktows/<version>``
answered like Marketo, ``GET ...?WSDL``) with the operations served from SQLite (``StoreOperations``), plus
``/_admin/...`` for fault injection (only when the app has an admin token, and then only for the requests
``admin.check_request`` lets through) and ``/identity/...``, ``/rest/...``, ``/bulk/...`` for the REST face
(``rest.face``), over the same store, limits, injections and call log.

Each SOAP operation runs its handler in one database transaction, a read-only one for the operations that only
read; 10001 when storage fails (the rest of the call's path, and where each code is raised: ``front`` and the
table in ``failures``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from mktows.emulator import admin, soap
from mktows.emulator.body import RequestTooLarge, read_body
from mktows.emulator.config import EmulatorConfig
from mktows.emulator.failures import ServiceFault
from mktows.emulator.faults import injection_from_json
from mktows.emulator.front import SoapCall, SoapFront, StartResponse, utc_now
from mktows.emulator.limits import Limiter
from mktows.emulator.operations import HANDLERS, READ_ONLY, Context
from mktows.emulator.rest.face import RestFace, is_rest_path
from mktows.emulator.seed import seed
from mktows.emulator.soap import Response
from mktows.emulator.store import Store
from mktows.emulator.timeutil import to_us
from mktows.emulator.upkeep import bring_up_to_date
from mktows.operations import Operation

LOGGER = logging.getLogger("mktows.emulator")

ADMIN_PREFIX = "/_admin/"

__all__ = ["ADMIN_PREFIX", "EmulatorApp", "RequestTooLarge", "StartResponse", "StoreOperations", "read_body"]


class StoreOperations:
    """The emulator's operations (``operations.HANDLERS``) over its SQLite store: the SOAP front's backend."""

    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self.store = store
        self.config = config

    def run(self, op: Operation, params: Any, call: SoapCall) -> Any:
        """The handler's Result, in one transaction (read-only for reads); 10001 when the database fails."""
        try:
            scope = self.store.read() if op.name in READ_ONLY else self.store.transaction()
            with scope as conn:
                ctx = Context(
                    conn=conn,
                    config=self.config,
                    now=call.now,
                    params_element=call.params_element,
                    header=call.header,
                )
                return HANDLERS[op.name](ctx, params)
        except sqlite3.Error:
            LOGGER.exception("emulator: %s: the database failed", op.name)
            raise ServiceFault(10001, f"{op.name}: the emulator's database failed (see its log)") from None


class EmulatorApp(SoapFront):
    """The WSGI callable. Thread-safe: the server calls it from many threads at once."""

    service = "emulator"

    def __init__(
        self,
        config: EmulatorConfig,
        store: Store,
        clock: Callable[[], datetime] | None = None,
        *,
        admin_token: str | None = None,
    ) -> None:
        clock = clock or utc_now
        super().__init__(config, StoreOperations(store, config), Limiter(config.limits, store, clock), clock)
        self.admin_token = admin_token
        self.store = store
        self.rest = RestFace(self)
        bring_up_to_date(store, config)
        seed(store, config, to_us(self.clock()))

    def reset(self) -> None:
        """Forget every record and counter and seed the database again; injections and the call log go too."""
        self.store.clear()
        seed(self.store, self.config, to_us(self.clock()))
        self.injector.clear()
        self.calls.clear()
        self.rest.tokens.clear()

    def route_other(
        self, environ: dict[str, Any], start_response: StartResponse, path: str, method: str, now: datetime
    ) -> Iterable[bytes] | None:
        """The admin path (with a token) and the REST face."""
        if path.startswith(ADMIN_PREFIX) and self.admin_token is not None:
            return self.send(start_response, self._admin(environ, path[len(ADMIN_PREFIX) :], method), now)
        if is_rest_path(path):
            response, injection = self.rest.serve(environ, path, method, now)
            return self.inject_after(start_response, response, injection, now)
        return None

    def _admin(self, environ: dict[str, Any], route: str, method: str) -> Response:
        def answer(status: int, reason: str, data: Any) -> Response:
            return soap.text_response(status, reason, json.dumps(data, indent=1) + "\n", "application/json")

        assert self.admin_token is not None  # routed here only with a token
        try:
            admin.check_request(environ, self.admin_token)
            data = admin.json_body(read_body(environ, 64 * 1024), environ, required=method == "POST")
        except admin.AdminRefused as refused:
            return answer(refused.status, refused.reason, {"error": refused.message})
        except RequestTooLarge as exc:
            return answer(413, "Request Entity Too Large", {"error": str(exc)})
        if route == "inject" and method == "POST":
            try:
                injection = injection_from_json(data)
            except ValueError as exc:
                return answer(400, "Bad Request", {"error": str(exc)})
            return answer(200, "OK", self.injector.add(injection).as_dict())
        if route == "inject" and method == "GET":
            return answer(200, "OK", [i.as_dict() for i in self.injector.active()])
        if route == "inject" and method == "DELETE":
            self.injector.clear()
            return answer(200, "OK", {"cleared": True})
        if route == "calls" and method == "GET":
            return answer(
                200, "OK", {"totals": self.calls.totals(), "calls_today": self.limiter.calls_today()}
            )
        if route == "reset" and method == "POST":
            self.reset()
            return answer(200, "OK", {"reset": True})
        return answer(404, "Not Found", {"error": f"no admin route {method} /_admin/{route}"})
