"""The mktows ``Client``: typed SOAP calls to a Marketo endpoint, signed, limited and retried.

``Client.call(operation, params)`` is the one path every call takes: build the envelope from the generated
classes, sign it afresh for each attempt, wait for the client-side limits, POST it, decode the answer with
``mktows.codec`` and, on failure, retry what ``_retry`` says is safe. ``client.ops`` gives each of the 23
operations its exact types on top of it, and the batching and paging helpers (``ConvenienceMethods``) build
on ``client.ops``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any, Generic, TypeVar

import requests

from mktows import codec, operations
from mktows import types as t
from mktows._auth import Clock, Signer
from mktows._convenience import ConvenienceMethods
from mktows._history import History
from mktows._limits import Limits
from mktows._logging import LOGGER, log_envelope, scrub, scrub_error
from mktows._retry import RetryPolicy, ThrottleWaits, classify, wait_or_raise
from mktows._transport import (
    DEFAULT_TIMEOUT,
    HttpResponse,
    SoapTransport,
    Transport,
    TransportFailure,
    check_endpoint,
    normalize_timeout,
    not_soap,
    soap_payload,
)
from mktows.errors import Disposition, MktowsError, ProtocolError, RequestExpiredError
from mktows.operations import HeaderElement, Operation, Operations

R = TypeVar("R")
P = TypeVar("P")


@dataclass(frozen=True)
class CallResult(Generic[R]):
    """The outcome of one ``Client.call``: the ``Result…`` object plus what it took to get it."""

    operation: str
    result: R
    envelope: Any  # the decoded ``<Operation>Output`` envelope
    attempts: int  # HTTP requests sent, the re-sign after 20016 included
    skew: timedelta  # the clock skew the client had learned when the call ended
    repeated: bool = (
        False  # sent again after an ambiguous failure: an earlier attempt may have been processed
    )


class Client(ConvenienceMethods):
    """A client for one Marketo SOAP endpoint.

    ``Client(endpoint, user_id, encryption_key)`` does no network I/O. ``endpoint`` is the instance's SOAP
    endpoint (``https://123-ABC-456.mktoapi.com/soap/mktows/2_6``); the WSDL's own address is never used.
    Options: ``timeout`` (seconds, one number or ``(connect, read)``; an attempt, its whole answer included,
    takes at most their sum, and no more than what is left of ``retry.max_elapsed``), ``session`` (a
    ``requests.Session``, left open by ``close()``), ``clock`` (returns the current aware datetime; used to
    sign), ``retry`` (a ``RetryPolicy``), ``limits`` (a ``Limits``, shareable between clients; default 100
    calls per 20 s and 10 in flight), ``target_workspace`` (sent as ``MktowsContextHeader`` on syncLead),
    ``strict`` (refuse unknown elements in answers; for tests), ``transport`` (a ``SoapTransport`` in place of
    HTTP over requests, e.g. ``mktows.testing.EmulatorTransport``; ``timeout`` and ``session`` configure the
    default one) and ``history`` (how many of the last attempts ``client.history`` keeps as redacted XML;
    0, the default, keeps none). Thread-safe: threads may share one client.
    """

    ops: Operations

    def __init__(
        self,
        endpoint: str,
        user_id: str,
        encryption_key: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        target_workspace: str | None = None,
        strict: bool = False,
        transport: SoapTransport | None = None,
        history: int = 0,
    ) -> None:
        self._endpoint = check_endpoint(endpoint)
        self._signer = Signer(user_id, encryption_key, clock)
        self.retry = retry if retry is not None else RetryPolicy()
        self.limits = limits if limits is not None else Limits()
        if transport is not None and session is not None:
            raise ValueError("pass either session (for the default HTTP transport) or transport, not both")
        self._transport: SoapTransport = (
            transport
            if transport is not None
            else Transport(timeout, session, pool_size=self.limits.concurrency or 10)
        )
        self._timeout = normalize_timeout(timeout)
        self.history = History(history)
        if target_workspace is not None and not target_workspace:
            raise ValueError("target_workspace must be a non-empty string or None")
        self.target_workspace = target_workspace
        self.strict = bool(strict)
        self.ops = Operations(self._result)

    @classmethod
    def over_rest(
        cls,
        rest_endpoint: str,
        client_id: str,
        client_secret: str,
        *,
        identity_endpoint: str | None = None,
        **options: Any,
    ) -> Client:
        """A ``Client`` whose typed calls and helpers are served by Marketo's REST API (OAuth client
        credentials; ``identity_endpoint`` defaults to the REST endpoint's host ``/identity``). Takes the same
        options as ``Client``, and ``foreign_sys_person_id_field``: the custom lead field that holds SOAP's
        ForeignSysPersonId over REST (migration.md). Operations without a REST translation raise
        ``UnsupportedOperationError``."""
        from mktows._over_rest import RestBridgedClient  # only REST users pay for the translation layer

        return RestBridgedClient(
            rest_endpoint, client_id, client_secret, identity_endpoint=identity_endpoint, **options
        )

    # --- public properties ----------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The SOAP endpoint every call is POSTed to."""
        return self._endpoint

    @property
    def user_id(self) -> str:
        """The ``mktowsUserId`` sent in every header (not a secret; the encryption key is)."""
        return self._signer.user_id

    @property
    def timeout(self) -> tuple[float, float]:
        """The (connect, read) timeouts in seconds."""
        return self._timeout

    @property
    def clock_skew(self) -> timedelta:
        """How far the service's clock is ahead of ours, as learned from its ``Date`` headers."""
        return self._signer.skew

    # --- the call path ------------------------------------------------------------------------------

    def call(self, operation: str | Operation, params: Any) -> CallResult[Any]:
        """One SOAP call of ``operation`` (WSDL or snake_case name) with its ``Params…`` object.

        Returns a ``CallResult`` holding the ``Result…`` object; raises a ``mktows.errors`` exception when the
        call fails after the retries the policy allows.
        """
        op = operation if isinstance(operation, Operation) else operations.get(operation)
        if not isinstance(params, op.params):
            raise TypeError(f"{op.method} takes {op.params.__name__}, got {type(params).__name__}")
        call_signing = self._signer.start_call()
        started = self.retry.monotonic()
        signatures: list[str] = []
        attempts = 0  # attempts counted against the retry policy (a re-sign and a throttle are not)
        sent = 0
        throttle = ThrottleWaits(self.retry, self.limits)
        repeated = False
        while True:
            sent += 1
            header = call_signing.header()
            signatures.append(header.request_signature)
            secrets = self._signer.secrets(*signatures)
            try:
                envelope = self._attempt(op, params, header, sent, secrets, started)
                result = self._checked_result(op, envelope)
            except _Failed as failed:
                error, delivered, retry_after = failed.error, failed.delivered, failed.retry_after
            else:
                return CallResult(op.name, result, envelope, sent, self._signer.skew, repeated)
            if error.operation is None:
                error.operation = op.name
            scrub_error(error, secrets)
            disposition = classify(error, delivered=delivered)
            if disposition is Disposition.RESIGN and call_signing.should_resign(error):
                LOGGER.info(
                    "%s; signing again (clock skew now %.0f s) and resending",
                    error,
                    self._signer.skew.total_seconds(),
                )
                continue
            if disposition is Disposition.THROTTLED:
                throttle.pause_or_raise(error, retry_after)
                continue
            attempts += 1
            wait_or_raise(
                self.retry,
                op.name,
                disposition,
                error,
                attempt=attempts,
                sent=sent,
                started=started,
                retry_after=retry_after,
            )
            repeated = repeated or disposition is Disposition.AMBIGUOUS

    def _batch_call(self, operation: str, params: Any) -> tuple[Any, bool]:
        """The ``Result…`` object of one call and whether it had to be sent again (for batch reports)."""
        outcome = self.call(operation, params)
        return outcome.result, outcome.repeated

    def _result(self, operation: Operation[P, R, Any, Any], params: P) -> R:
        """The ``Result…`` object of one call (what ``client.ops`` returns)."""
        result: R = self.call(operation, params).result
        return result

    def _envelope(self, op: Operation, params: Any, header: t.AuthenticationHeader) -> Any:
        """The request envelope of ``op`` for ``params`` and a signed header (with the workspace on syncLead)."""
        headers: list[HeaderElement] = [header]
        if self.target_workspace is not None and "mktows_context_header" in op.header_fields:
            headers.append(t.MktowsContextHeader(target_workspace=self.target_workspace))
        return op.request(params, headers)

    def _attempt(
        self,
        op: Operation,
        params: Any,
        header: t.AuthenticationHeader,
        sent: int,
        secrets: tuple[str, ...],
        started: float,
    ) -> Any:
        """Send one signed attempt and decode its answer; ``_Failed`` on any failure.

        The attempt may take no longer than what is left of the retry budget of the call begun at ``started``.
        """
        try:
            body = codec.encode(self._envelope(op, params, header))
        except MktowsError:
            raise
        except Exception as exc:  # xsdata cannot serialize what the params hold
            raise ProtocolError(
                f"cannot encode the {op.name} request: {scrub(str(exc), secrets)}", operation=op.name
            ) from None
        log_envelope("request", op.name, sent, body, secrets)
        try:
            with self.limits.slot():
                budget = self.retry.remaining(started)
                response = self._transport.post(self._endpoint, body, op.soap_action, op.name, budget)
        except TransportFailure as failure:
            self.history.record(op.name, sent, body, None, None, secrets)
            raise _Failed(failure.error, failure.delivered) from None
        received_at = self._signer.now()
        self.history.record(op.name, sent, body, response.content, response.status, secrets)
        log_envelope(f"response (HTTP {response.status})", op.name, sent, response.content, secrets)
        try:
            envelope = self._decode(op, response)
        except RequestExpiredError as expired:  # the service says our clock is off: its Date tells how far
            self._signer.observe(response.headers.get("date"), received_at)
            raise _Failed(expired, True, response.retry_after()) from None
        except MktowsError as error:  # a page or fault that may come from anyone on the path: Date not used
            raise _Failed(error, True, response.retry_after()) from None
        self._signer.observe(response.headers.get("date"), received_at)
        return envelope

    def _decode(self, op: Operation, response: HttpResponse) -> Any:
        """The output envelope of a 200 answer; the typed fault or error for anything else."""
        body = soap_payload(response, op.name)
        if response.status == 200:
            return codec.decode_response(op, body, strict=self.strict)
        try:
            root = codec.parse_xml(body)
        except ProtocolError:
            if response.status == 500:  # a SOAP fault cut short, most likely
                raise
            raise not_soap(response, op.name, "unreadable XML") from None
        soap_body = root.find(codec.BODY_TAG) if root.tag == codec.ENVELOPE_TAG else None
        fault = soap_body.find(codec.FAULT_TAG) if soap_body is not None else None
        if fault is None:
            raise not_soap(response, op.name, "XML without a SOAP fault")
        raise codec.fault_from_element(fault, op.name)

    @staticmethod
    def _checked_result(op: Operation, envelope: Any) -> Any:
        try:
            result = codec.result_of(op, envelope)
        except MktowsError as error:
            raise _Failed(error, True) from None
        if not isinstance(result, op.result):
            wrong = ProtocolError(
                f"{op.name} response holds no {op.result.__name__} (got {type(result).__name__})",
                operation=op.name,
            )
            raise _Failed(wrong, True)
        return result

    # --- lifecycle ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the HTTP connections (a session passed in is left open for its owner)."""
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        options = f", target_workspace={self.target_workspace!r}" if self.target_workspace else ""
        return (
            f"Client(endpoint={self.endpoint!r}, user_id={self.user_id!r}, timeout={self.timeout!r}, "
            f"strict={self.strict!r}{options})"
        )


class _Failed(Exception):
    """Internal: one attempt failed with ``error``; never leaves the client."""

    def __init__(self, error: MktowsError, delivered: bool, retry_after: float | None = None) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.delivered = delivered
        self.retry_after = retry_after
