"""``mktows.gateway``: a SOAP endpoint for legacy SOAP clients, answered through Marketo's REST API.

The emulator's SOAP front (``mktows.emulator.front``: envelope, signature and freshness check with the users
of its config, limits, decoding, faults, the WSDL with its own address) with the REST translation
(``mktows.rest.translate``) in place of the emulator's operations. A legacy application changes only its
endpoint URL. Every caller goes through one ``RestClient``, so REST's limits (100 calls in 20 s, 10 in flight:
the client's ``Limits``) hold for all of them together. It opens no database: the daily quota is the REST
instance's own (607, answered as 20015).

A REST error becomes the SOAP fault of the same case (``mktows.rest.translate.faults``); an operation REST
does not serve is 20019; a REST endpoint that is down or answers something else is 20011 within the bounded
``GATEWAY_RETRY`` (never a hang).

```python
with Gateway("https://123-ABC-456.mktorest.com/rest", client_id, client_secret) as gateway:
    Client(gateway.endpoint, user_id, encryption_key)  # users from the config, as on the emulator
```
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from mktows._limits import Limits
from mktows._retry import RetryPolicy
from mktows._transport import DEFAULT_TIMEOUT
from mktows.emulator import admin
from mktows.emulator.config import EmulatorConfig
from mktows.emulator.failures import ServiceFault
from mktows.emulator.front import SoapCall, SoapFront, utc_now
from mktows.emulator.limits import Limiter
from mktows.emulator.server import LocalEndpoint, Serving
from mktows.errors import MktowsError
from mktows.operations import Operation
from mktows.rest import RestClient
from mktows.rest.translate import TranslationContext, translate
from mktows.rest.translate.faults import soap_code

LOGGER = logging.getLogger("mktows.gateway")

GATEWAY_RETRY = RetryPolicy(max_attempts=3, max_elapsed=60.0, max_throttle_wait=20.0)
"""How long one SOAP call may wait on REST: three attempts within a minute, and REST's throttles (606/615)
waited out for at most one 20-second rate window before the SOAP caller gets 20023/20024 to retry on its
own, as it did against Marketo's SOAP API."""


class RestBackend:
    """The SOAP front's backend: each operation through its REST translation, over one shared context."""

    def __init__(self, context: TranslationContext) -> None:
        self.context = context

    def run(self, op: Operation, params: Any, call: SoapCall) -> Any:
        """The translated ``Result…``; any mktows error as the SOAP fault that stands for it."""
        try:
            return translate(self.context, op.name, params)
        except MktowsError as error:
            raise ServiceFault(soap_code(error), str(error)) from None


class GatewayApp(SoapFront):
    """The gateway's WSGI application: the SOAP front over ``RestBackend`` (thread-safe)."""

    service = "gateway"
    logger = LOGGER

    def __init__(
        self,
        config: EmulatorConfig,
        rest: RestClient,
        clock: Callable[[], datetime] | None = None,
        *,
        foreign_sys_person_id_field: str | None = None,
    ) -> None:
        front_limits = replace(config.limits, daily_quota=None)  # the REST instance keeps the quota
        limiter = Limiter(front_limits, None, clock or utc_now)
        context = TranslationContext(rest, foreign_sys_person_id_field=foreign_sys_person_id_field)
        super().__init__(config, RestBackend(context), limiter, clock)
        self.rest = rest


class Gateway(LocalEndpoint):
    """A running (after ``start()``) gateway on ``host:port`` forwarding to one Marketo instance's REST API.

    ``config``: the ``EmulatorConfig`` whose ``users``, ``settings`` (freshness window) and ``limits`` the SOAP
    front applies (default: the documented defaults, whose user is the docs' demo user: configure your own);
    ``port`` 0 picks a free port; ``timeout``, ``retry`` and ``limits`` are the REST client's (REST's documented
    limits by default); ``allow_demo_credentials``: listen on a non-loopback ``host`` even with the demo user;
    ``foreign_sys_person_id_field``: the custom lead field holding SOAP's foreignSysPersonId (``Client.over_rest``).
    """

    def __init__(
        self,
        rest_endpoint: str,
        client_id: str,
        client_secret: str,
        *,
        identity_endpoint: str | None = None,
        config: EmulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        allow_demo_credentials: bool = False,
        foreign_sys_person_id_field: str | None = None,
    ) -> None:
        self.config = config or EmulatorConfig.default()
        self.foreign_sys_person_id_field = foreign_sys_person_id_field
        self.rest = RestClient(
            rest_endpoint,
            client_id,
            client_secret,
            identity_endpoint=identity_endpoint,
            timeout=timeout,
            retry=retry or GATEWAY_RETRY,
            limits=limits,
        )
        self.host = host
        self.port = port
        self.allow_demo_credentials = allow_demo_credentials
        concurrent = self.config.limits.max_concurrent or 10
        self.threads = threads or max(16, concurrent + 8)
        self._serving: Serving | None = None

    @property
    def rest_endpoint(self) -> str:
        """The REST endpoint the calls are forwarded to."""
        return self.rest.rest_endpoint

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._serving is not None and self._serving.running

    def start(self) -> Gateway:
        """Start serving; returns self. ValueError for a non-loopback ``host`` with the demo credentials."""
        if self.running:
            return self
        admin.check_bind(
            self.host,
            admin=False,
            users=self.config.users,
            allow_demo_credentials=self.allow_demo_credentials,
        )
        app = GatewayApp(self.config, self.rest, foreign_sys_person_id_field=self.foreign_sys_person_id_field)
        self._serving = Serving(app, self.host, self.port, self.threads, "mktows-gateway").start()
        self.port = self._serving.port
        LOGGER.info("mktows gateway serving %s, forwarding to %s", self.endpoint, self.rest_endpoint)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting calls, let the ones in flight finish (up to ``timeout``), close the connections and
        the REST client's. Idempotent."""
        if self._serving is not None:
            self._serving.stop(timeout)
            self._serving = None
        self.rest.close()

    def __repr__(self) -> str:
        where = self.endpoint if self.running else "stopped"
        return f"<Gateway {where} -> {self.rest_endpoint}>"
