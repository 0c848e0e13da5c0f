"""``Emulator``: the emulator application served by waitress (a real multi-threaded WSGI server) on a local
port, with start, a clean stop, fault injection and read access to its state.

```python
with Emulator(db_path="state.sqlite3") as emulator:        # port 0: a free port is chosen
    client = Client(emulator.endpoint, emulator.user_id, emulator.encryption_key)
    emulator.inject("syncCustomObjects", "fault", code=20023, count=2)
    emulator.state.custom_objects("RoadShow")
```

With ``settings={"admin": True}`` the same is possible over HTTP (``/_admin/...``), with the token of this run:
``Authorization: Bearer {emulator.admin_token}``. Listening on a non-loopback ``host`` is refused with the admin
path on, and with the docs' demo credentials unless ``allow_demo_credentials=True`` (see ``admin``).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from mktows.emulator import admin
from mktows.emulator.app import EmulatorApp
from mktows.emulator.calls import CallRecord
from mktows.emulator.config import EmulatorConfig, Settings
from mktows.emulator.faults import DropConnection, Injection, make_injection
from mktows.emulator.front import SoapFront, StartResponse
from mktows.emulator.state import StateView
from mktows.emulator.store import Store
from mktows.emulator.wsdl import VERSION as DEFAULT_VERSION

LOGGER = logging.getLogger("mktows.emulator")

# waitress ships no type information; its three names used here are loaded as untyped modules.
_wasyncore: Any = importlib.import_module("waitress.wasyncore")
_channel: Any = importlib.import_module("waitress.channel")
_waitress_server: Any = importlib.import_module("waitress.server")
_parser: Any = importlib.import_module("waitress.parser")
ClientDisconnected: type[Exception] = _channel.ClientDisconnected


class _TimedRequestParser(_parser.HTTPRequestParser):  # type: ignore[misc]
    """waitress' request parser, noting when the first byte of its request arrived."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.time()


class _BoundedChannel(_channel.HTTPChannel):  # type: ignore[misc]
    """A waitress connection closed when a request takes more than ``server.receive_timeout`` seconds to
    arrive whole, counted from connecting (for the first request) or from its first byte.

    waitress closes only connections idle for ``channel_timeout``: a client sending a byte every few seconds
    is never idle, and enough of them would take every connection the server allows.
    """

    parser_class = _TimedRequestParser

    def _receiving_since(self) -> float | None:
        """When the request being received began (None when none is: idle, or all received)."""
        if self.request is not None and not self.request.completed:
            return float(self.request.started)
        if not self.requests and self.last_activity == self.creation_time:  # connected, no byte yet
            return float(self.creation_time)
        return None

    def readable(self) -> bool:
        # called by waitress' event loop at least once a second (asyncore_loop_timeout) for every connection
        since = self._receiving_since()
        if since is not None and time.time() - since > self.server.receive_timeout:
            self.will_close = True  # the event loop closes it
        return bool(super().readable())


def _bound_receive_time(server: Any, seconds: float) -> None:
    """Make every listening socket of a waitress server use ``_BoundedChannel`` with this bound."""
    listeners = [server, *(getattr(server, "map", None) or {}).values()]
    for listener in listeners:
        if hasattr(listener, "channel_class"):
            listener.channel_class = _BoundedChannel
            listener.receive_timeout = seconds


def _wait_answers_sent(server: Any, timeout: float) -> bool:
    """Wait until waitress has no task running or queued and every connection has sent what it holds.

    The application returning is not enough: waitress writes the answer to the socket afterwards, from its
    task thread and event loop, and closing the connections before that would cut the answer short.
    """
    deadline = time.monotonic() + timeout
    dispatcher = server.task_dispatcher
    socket_map = getattr(server, "_map", None) or {}
    while time.monotonic() < deadline:
        if not dispatcher.active_count and not dispatcher.queue:
            channels = [c for c in list(socket_map.values()) if hasattr(c, "total_outbufs_len")]
            if all(not c.total_outbufs_len for c in channels):
                return True
        time.sleep(0.005)
    return False


def _close_server(server: Any, timeout: float) -> None:
    """Close the listening socket and every connection from inside waitress' own event loop (through its
    trigger), which then ends because nothing is left to serve."""
    socket_map = getattr(server, "_map", None)
    trigger = getattr(server, "trigger", None)
    if socket_map is None or trigger is None:  # several listening sockets: waitress' own close
        server.close()
        return
    done = threading.Event()

    def close_everything() -> None:
        try:
            _wasyncore.close_all(socket_map)
        finally:
            done.set()

    try:
        trigger.pull_trigger(close_everything)
    except OSError:
        close_everything()
    done.wait(timeout)


class _DisconnectOnDrop:
    """WSGI middleware turning the application's DropConnection into waitress' disconnect signal, so the
    connection is closed with no (or no complete) HTTP response instead of a 500 page."""

    def __init__(self, app: SoapFront) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            result = self.app(environ, start_response)
        except DropConnection:
            raise ClientDisconnected("dropped by fault injection") from None
        return self._iterate(result)

    @staticmethod
    def _iterate(result: Iterable[bytes]) -> Iterator[bytes]:
        try:
            yield from result
        except DropConnection:
            raise ClientDisconnected("dropped by fault injection") from None


def base_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Serving:
    """A SOAP front (the emulator's app, the gateway's) served by waitress from a thread: bounded request
    bodies and receive times, and a stop that lets the calls in flight finish and their answers go out.

    ``threads``: waitress worker threads; ``ident``: the server name waitress gives in its answers.
    """

    def __init__(self, app: SoapFront, host: str, port: int, threads: int, ident: str) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self.ident = ident
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Serving:
        """Listen (``port`` 0: a free port, then set here) and serve from a daemon thread; returns self."""
        limits = self.app.config.limits
        server = _waitress_server.create_server(
            _DisconnectOnDrop(self.app),
            host=self.host,
            port=self.port,
            threads=self.threads,
            connection_limit=max(1000, self.threads * 4),  # slow clients are cut at receive_timeout
            channel_timeout=60,
            max_request_body_size=limits.max_body_bytes + 1,
            asyncore_use_poll=True,
            expose_tracebacks=False,
            ident=self.ident,
        )
        _bound_receive_time(server, limits.receive_timeout)
        self._server = server
        self.port = int(getattr(server, "effective_port", 0) or server.effective_listen[0][1])
        self._thread = threading.Thread(target=server.run, name=f"{self.ident}-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting calls, let the ones in flight finish (up to ``timeout``) and close every
        connection. Idempotent."""
        app, server, thread = self.app, self._server, self._thread
        if server is None:
            return
        app.closing = True
        if not app.wait_idle(timeout) or not _wait_answers_sent(server, timeout):
            LOGGER.warning("%s: calls still running after %.1f s; closing anyway", self.ident, timeout)
        _close_server(server, timeout)
        if thread is not None:
            thread.join(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        self._server = self._thread = None


class LocalEndpoint:
    """A SOAP endpoint served on this machine (the emulator, the gateway): its address once started, and
    ``with`` starting and stopping it."""

    host: str
    port: int
    version: str = DEFAULT_VERSION

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self, timeout: float = 10.0) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return base_url(self.host, self.port)

    @property
    def endpoint(self) -> str:
        """The SOAP endpoint: ``http://host:port/soap/mktows/<version>``."""
        return f"{self.base_url}/soap/mktows/{self.version}"


class Emulator(LocalEndpoint):
    """A running (after ``start()``) mktows emulator on ``host:port``.

    ``config``: an ``EmulatorConfig`` (default: the documented defaults); ``db_path``: the SQLite file (None
    keeps the state in memory); ``port`` 0 picks a free port; ``clock`` returns the emulator's current aware
    datetime (freshness window, timestamps, quota day); ``threads``: waitress worker threads (default: enough
    to hold more calls than the concurrency limit, so the limit answers 20024 rather than queueing);
    ``limits``/``settings``: mappings of ``ServiceLimits``/``Settings`` fields that override the config's;
    ``allow_demo_credentials``: listen on a non-loopback ``host`` even with the docs' public demo credentials.
    """

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        db_path: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] | None = None,
        threads: int | None = None,
        version: str | None = None,
        limits: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        allow_demo_credentials: bool = False,
    ) -> None:
        config = config or EmulatorConfig.default()
        if limits:
            config = config.with_limits(**limits)
        if settings:
            config = config.with_settings(**settings)
        self.config = config
        self.db_path = None if db_path is None else Path(db_path)
        self.host = host
        self.allow_demo_credentials = allow_demo_credentials
        self._admin_token: str | None = None
        self._requested_port = port
        self.port = port
        self.version = version or DEFAULT_VERSION
        self._clock = clock
        concurrent = config.limits.max_concurrent or 10
        self.threads = threads or max(16, concurrent + 8)
        self._store: Store | None = None
        self._app: EmulatorApp | None = None
        self._serving: Serving | None = None

    def __repr__(self) -> str:
        where = self.endpoint if self.running else "stopped"
        return f"<Emulator {where} db={self.db_path or ':memory:'}>"

    # --- lifecycle -----------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._serving is not None and self._serving.running

    def start(self) -> Emulator:
        """Open the database (seeding it when new) and start serving; returns self."""
        if self.running:
            return self
        admin.check_bind(
            self.host,
            admin=self.config.settings.admin,
            users=self.config.users,
            allow_demo_credentials=self.allow_demo_credentials,
        )
        token = admin.new_token() if self.config.settings.admin else None
        store = Store(self.db_path)
        try:
            app = EmulatorApp(self.config, store, self._clock, admin_token=token)
            serving = Serving(app, self.host, self._requested_port, self.threads, "mktows-emulator").start()
        except BaseException:
            store.close()
            raise
        self._store, self._app, self._serving = store, app, serving
        self._admin_token = token
        self.port = serving.port
        LOGGER.info("mktows emulator serving %s", self.endpoint)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting calls, let the ones in flight finish (up to ``timeout``), close every connection
        and the database. Idempotent."""
        if self._serving is None:
            return
        self._serving.stop(timeout)
        if self._store is not None:
            self._store.close()
        self._serving = None
        self._app = None
        self._admin_token = None
        self._store = None

    # --- addresses and credentials -------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        """The first configured user's ``mktowsUserId`` (by default the docs' demo17_1_809934544BFABAE58E5D27)."""
        return self.config.users[0].user_id

    @property
    def encryption_key(self) -> str:
        """The first configured user's encryption key."""
        return self.config.users[0].encryption_key

    @property
    def admin_token(self) -> str | None:
        """This run's token for the admin path (``Authorization: Bearer <token>``); None when it is off."""
        return self._admin_token

    # --- control and inspection ----------------------------------------------------------------------------

    @property
    def app(self) -> EmulatorApp:
        """The WSGI application (available once started)."""
        if self._app is None:
            raise RuntimeError("the emulator is not running; call start()")
        return self._app

    @property
    def state(self) -> StateView:
        """Read access to the emulator's records."""
        if self._store is None:
            raise RuntimeError("the emulator is not running; call start()")
        return StateView(self._store, self.config)

    @property
    def calls(self) -> list[CallRecord]:
        """The calls answered so far (the most recent 10,000), oldest first."""
        return self.app.calls.records()

    def inject(
        self, operation: str | None = None, kind: str = "fault", *, count: int | None = 1, **options: Any
    ) -> Injection:
        """Make the next ``count`` calls of ``operation`` (WSDL or snake_case name, or a REST call's Swagger
        operationId such as ``syncCustomObjectsUsingPOST``; None for any) fail with
        ``kind``: ``fault`` (``code=``), ``http`` (``status=``, ``body=``), ``delay`` (``seconds=``), ``drop``
        (``after_processing=``) or ``truncate`` (``at=``, ``keep_length=``). See ``mktows.emulator.faults``."""
        return self.app.injector.add(make_injection(kind, operation, count=count, **options))

    def clear_injections(self) -> None:
        """Cancel every pending injection."""
        self.app.injector.clear()

    def reset(self) -> None:
        """Delete every record and counter and reseed the database from the config."""
        self.app.reset()

    @property
    def settings(self) -> Settings:
        """The effective settings."""
        return self.config.settings
