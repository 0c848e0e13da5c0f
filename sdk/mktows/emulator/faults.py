"""Fault injection: make the next N calls (of one operation, or of any) fail the way real networks and
services fail, from Python (``Emulator.inject``) or over HTTP (``POST /_admin/inject`` with the same fields as
JSON, when the admin path is on; see ``admin``).

Kinds:
- ``fault``: a SOAP fault with a Marketo code (``code``, default 20011 Internal Error); the call has no effect.
- ``http``: an HTTP status with an HTML page (``status``, default 503; ``body`` replaces the page), as a proxy
  or load balancer answers; the call has no effect.
- ``delay``: wait ``seconds`` (holding a concurrency slot), then answer normally.
- ``drop``: close the connection without any HTTP response; before the call has any effect, or after it
  did with ``after_processing=True`` (the client cannot know which).
- ``truncate``: the call takes effect, then only part of the answer arrives: ``at`` is a fraction of the body
  (below 1) or a byte count; ``keep_length=True`` (default) announces the full Content-Length and closes the
  connection early, ``keep_length=False`` sends a complete HTTP response whose XML is cut short.

A REST call is named by its Swagger operationId (``syncCustomObjectsUsingPOST``); a ``fault`` on a REST call
answers REST's envelope with the code (a SOAP code becomes its REST counterpart: 20023 → 606, 20024 → 615,
20015 → 607, any other → 611).

``count`` calls are affected (None: until cleared); ``every=k`` affects every k-th matching call only,
starting with call ``offset + 1``. Each injection counts every call of its operation; when two injections
are due on the same call, the one added first fires and the other's turn passes (give them different
offsets, e.g. five kinds with ``every=10`` and offsets 0 to 4 fail half of the calls, 10 % each).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from mktows import operations

KINDS = ("fault", "http", "delay", "drop", "truncate")


class DropConnection(Exception):
    """Raised inside the WSGI application to make the server close the connection without answering
    (or, once part of a body was sent, without finishing it). ``server`` turns it into the WSGI server's
    own disconnect signal."""


@dataclass
class Injection:
    """One injected failure and how often it has matched and fired."""

    kind: str
    operation: str | None = None  # WSDL name or REST operationId; None matches every call
    count: int | None = 1
    every: int = 1
    offset: int = 0
    code: int = 20011
    status: int = 503
    body: str | None = None
    seconds: float = 1.0
    at: float = 0.5
    keep_length: bool = True
    after_processing: bool = False
    id: int = 0
    matched: int = 0
    fired: int = 0

    @property
    def active(self) -> bool:
        """Whether it will still fire."""
        return self.count is None or self.fired < self.count

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (the admin API answers with it)."""
        return asdict(self)


_SETTABLE = frozenset(f.name for f in fields(Injection)) - {"id", "matched", "fired"}


def make_injection(kind: str, operation: str | None = None, **options: Any) -> Injection:
    """Validate and build an Injection; ValueError (with the reason) for anything it cannot be."""
    unknown = sorted(set(options) - _SETTABLE)
    if unknown:
        raise ValueError(f"unknown injection option(s): {', '.join(unknown)}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    op_name = None
    if operation not in (None, "", "*"):
        from mktows.emulator.rest.routes import OPERATION_IDS  # the REST face imports this module

        if operation in OPERATION_IDS:
            op_name = str(operation)
        else:
            try:
                op_name = operations.get(str(operation)).name
            except KeyError:
                raise ValueError(f"unknown operation {operation!r}") from None
    injection = Injection(kind=kind, operation=op_name, **options)
    if injection.count is not None and (not isinstance(injection.count, int) or injection.count < 1):
        raise ValueError("count must be a positive whole number or null (until cleared)")
    if not isinstance(injection.every, int) or injection.every < 1:
        raise ValueError("every must be a positive whole number")
    if not isinstance(injection.offset, int) or injection.offset < 0:
        raise ValueError("offset must be a whole number >= 0")
    if kind == "fault" and not (isinstance(injection.code, int) and 0 < injection.code < 100_000):
        raise ValueError("code must be a fault code such as 20011")
    if kind == "http" and not (isinstance(injection.status, int) and 100 <= injection.status <= 599):
        raise ValueError("status must be an HTTP status code")
    if kind == "delay" and not (
        isinstance(injection.seconds, (int, float)) and 0 <= injection.seconds <= 3600
    ):
        raise ValueError("seconds must be between 0 and 3600")
    if kind == "truncate" and not (isinstance(injection.at, (int, float)) and injection.at >= 0):
        raise ValueError("at must be a fraction (below 1) or a byte count")
    return injection


def injection_from_json(data: Mapping[str, Any]) -> Injection:
    """An Injection from the admin API's JSON object (the same names as ``make_injection``)."""
    if not isinstance(data, Mapping) or "kind" not in data:
        raise ValueError('expected a JSON object with at least "kind"')
    options = {k: v for k, v in data.items() if k not in ("kind", "operation")}
    return make_injection(str(data["kind"]), data.get("operation"), **options)


@dataclass
class Injector:
    """The active injections, consulted once per call in the order they were added. Thread-safe."""

    _items: list[Injection] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, injection: Injection) -> Injection:
        """Activate an injection; returns it (its counters show what happened)."""
        with self._lock:
            injection.id = next(self._ids)
            self._items.append(injection)
        return injection

    def take(self, operation: str) -> Injection | None:
        """The injection that fires for this call of ``operation``, if any. Every active injection for the
        operation counts the call; the first one whose turn it is fires."""
        chosen: Injection | None = None
        with self._lock:
            for injection in self._items:
                if not injection.active or injection.operation not in (None, operation):
                    continue
                injection.matched += 1
                turn = injection.matched - 1 - injection.offset
                if chosen is None and turn >= 0 and turn % injection.every == 0:
                    injection.fired += 1
                    chosen = injection
            self._items = [i for i in self._items if i.active]
        return chosen

    def clear(self) -> None:
        """Deactivate every injection."""
        with self._lock:
            self._items.clear()

    def active(self) -> list[Injection]:
        """The injections that will still fire."""
        with self._lock:
            return [i for i in self._items if i.active]


def truncated(body: bytes, at: float) -> bytes:
    """The part of a body an injected truncation sends (never all of it when the body is not empty)."""
    cut = int(len(body) * at) if at < 1 else int(at)
    return body[: max(0, min(cut, len(body) - 1))]
