"""``RestClient``: calls to Marketo's REST API with OAuth, the client-side limits and the retry policy.

``RestClient.request`` is the one path every call takes: a token from the shared ``TokenSource``, a limits
slot, one HTTP exchange through ``Transport.send`` (deadline, size bound, no redirects), the envelope decoded
by ``_envelope``; on failure ``_retry`` decides. A 601/602 renews the token and resends once; a second one in
the same call is raised. Failures that may have run on the service (AMBIGUOUS) are resent only for calls that
are ``repeatable``: reads (GET, ``_method=GET``), DELETE, and writes the caller marks as keyed.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

from mktows._auth import Clock
from mktows._limits import Limits
from mktows._logging import LOGGER, log_envelope, scrub_error
from mktows._retry import RetryPolicy, ThrottleWaits, classify, wait_or_raise
from mktows._transport import DEFAULT_TIMEOUT, Transport, TransportFailure, check_endpoint
from mktows.errors import Disposition, MktowsError
from mktows.rest._auth import AccessToken, TokenSource
from mktows.rest._envelope import MAX_ANSWER_BYTES, RestResponse, decode

REST_ENDPOINT_EXAMPLE = "https://123-ABC-456.mktorest.com/rest"

MAX_URL_BYTES = 7 * 1024
"""A GET whose URL would be longer is sent as ``POST ...?_method=GET`` with the query as a form body:
Marketo refuses URIs over 8 KB with 414 (error-codes.md); the margin covers what proxies add."""

Scalar = str | int | float | bool
Params = Mapping[str, Scalar | Sequence[Scalar] | None]
"""Query or form parameters: a sequence becomes a repeated parameter (``id=1&id=2``), None is left out.
Marketo's comma-separated parameters (``filterValues``, ``fields``) are passed as one joined string."""


def _pairs(params: Params | None) -> list[tuple[str, str]]:
    def text(value: Scalar) -> str:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    pairs: list[tuple[str, str]] = []
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, (str, int, float, bool)):
            pairs.append((name, text(value)))
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float, bool)) for v in value):
            pairs.extend((name, text(item)) for item in value)
        else:
            raise TypeError(
                f"parameter {name!r} must be a str, number, bool or a list of them, not {value!r:.60}"
            )
    return pairs


def _check_files(files: Any) -> None:
    """Uploads must be bytes in memory (``{"file": (name, bytes, type)}``), so that a retry sends them again."""
    if not isinstance(files, Mapping):
        raise TypeError("files must be a mapping of field name to (file name, bytes[, content type])")
    for name, value in files.items():
        content = value[1] if isinstance(value, tuple) and len(value) in (2, 3) else value
        if not isinstance(content, bytes):
            raise TypeError(
                f"file {name!r} must be given as bytes (a stream could not be sent again on a retry)"
            )


def _rest_root(rest_endpoint: str) -> str:
    """The address that Marketo's documented paths (``/rest/v1/...``, ``/bulk/v1/...``) are relative to."""
    check_endpoint(rest_endpoint, REST_ENDPOINT_EXAMPLE)
    parts = urlsplit(rest_endpoint)
    path = parts.path.rstrip("/")
    if parts.query or parts.fragment or not path.endswith("/rest"):
        raise ValueError(
            f"rest_endpoint must be the instance's REST endpoint ending in /rest, such as "
            f"{REST_ENDPOINT_EXAMPLE}, got {rest_endpoint!r}"
        )
    return urlunsplit((parts.scheme, parts.netloc, path[: -len("/rest")], "", ""))


@dataclass(frozen=True)
class _Request:
    """One call, ready to send on every attempt."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None
    form: Mapping[str, str] | None
    files: Any
    repeatable: bool


class _Failed(Exception):
    """Internal: one attempt failed with ``error``; never leaves the client."""

    def __init__(
        self,
        error: MktowsError,
        *,
        delivered: bool,
        token: AccessToken | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.delivered = delivered
        self.token = token  # None: failed before the call was sent (getting the token)
        self.retry_after = retry_after


class RestClient:
    """A client for one Marketo instance's REST API (thread-safe: threads may share one client).

    ``RestClient(rest_endpoint, client_id, client_secret)`` does no network I/O. ``rest_endpoint`` is the
    instance's REST endpoint as Marketo shows it (``https://123-ABC-456.mktorest.com/rest``);
    ``identity_endpoint`` defaults to the same host's ``/identity``. Options as for ``mktows.Client``:
    ``timeout``, ``session`` (left open by ``close()``), ``clock`` (aware datetimes; token expiry),
    ``retry`` and ``limits`` (a ``Limits`` may be shared with a SOAP client of the same instance).
    """

    def __init__(
        self,
        rest_endpoint: str,
        client_id: str,
        client_secret: str,
        *,
        identity_endpoint: str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
    ) -> None:
        self._root = _rest_root(rest_endpoint)
        self.rest_endpoint = rest_endpoint
        identity = identity_endpoint if identity_endpoint is not None else f"{self._root}/identity"
        self.identity_endpoint = check_endpoint(identity, "https://123-ABC-456.mktorest.com/identity")
        self.retry = retry if retry is not None else RetryPolicy()
        self.limits = limits if limits is not None else Limits()
        self._transport = Transport(timeout, session, pool_size=self.limits.concurrency or 10)
        token_url = f"{self.identity_endpoint.rstrip('/')}/oauth/token"
        self._tokens = TokenSource(self._transport, token_url, client_id, client_secret, clock)

    @property
    def client_id(self) -> str:
        """The OAuth client id (not a secret; the client secret and the tokens are)."""
        return self._tokens.client_id

    @property
    def timeout(self) -> tuple[float, float]:
        """The (connect, read) timeouts in seconds."""
        return self._transport.timeout

    @property
    def token_fetches(self) -> int:
        """How many times an access token was requested from the identity service."""
        return self._tokens.fetches

    # --- the public calls ---------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None, *, operation: str | None = None) -> RestResponse:
        """GET ``path`` (e.g. ``/rest/v1/leads.json``); sent as ``POST ?_method=GET`` when the URL is too long."""
        return self.request("GET", path, params=params, operation=operation)

    def post(
        self,
        path: str,
        json: Any = None,
        *,
        params: Params | None = None,
        form: Params | None = None,
        files: Any = None,
        repeatable: bool | None = None,
        operation: str | None = None,
    ) -> RestResponse:
        """POST a JSON body (or ``form`` fields, or a multipart ``files`` upload with ``form`` fields)."""
        return self.request(
            "POST",
            path,
            params=params,
            json=json,
            form=form,
            files=files,
            repeatable=repeatable,
            operation=operation,
        )

    def delete(
        self, path: str, params: Params | None = None, *, json: Any = None, operation: str | None = None
    ) -> RestResponse:
        """DELETE ``path`` (e.g. list members by ``id``)."""
        return self.request("DELETE", path, params=params, json=json, operation=operation)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        form: Params | None = None,
        files: Any = None,
        repeatable: bool | None = None,
        operation: str | None = None,
    ) -> RestResponse:
        """One REST call, retried as the policy allows; the envelope, or the ``mktows.errors`` exception.

        ``repeatable`` says whether the call may be sent again after a failure that may have run on the
        service; by default true for GET, DELETE and ``_method=GET`` queries, false for other writes (the
        retry policy's ``repeatable`` names SOAP operations; a REST call states it here instead).
        ``operation`` names the call in logs and errors (default ``"METHOD path"``).
        """
        call = self._prepare(method.upper(), path, params, json, form, files, repeatable)
        label = operation or f"{method.upper()} {path}"
        started = self.retry.monotonic()
        attempts = 0  # attempts counted against the retry policy (the one resend after 601/602 is not)
        sent = 0
        renewed = False
        throttle = ThrottleWaits(self.retry, self.limits)
        while True:
            sent += 1
            try:
                return self._attempt(call, label, sent, self.retry.remaining(started))
            except _Failed as failed:
                error, delivered, token = failed.error, failed.delivered, failed.token
                retry_after = failed.retry_after
            if error.operation is None:
                error.operation = label
            scrub_error(error, self._tokens.secrets())
            disposition = classify(error, delivered=delivered)
            if token is None and disposition is Disposition.AMBIGUOUS:
                disposition = Disposition.RETRY  # the identity call failed; the call itself never left
            if disposition is Disposition.RESIGN:
                if not renewed and token is not None:
                    renewed = True
                    self._tokens.invalidate(token)
                    LOGGER.info("%s; renewing the access token and resending", error)
                    continue
                disposition = Disposition.FATAL
            if disposition is Disposition.THROTTLED:
                throttle.pause_or_raise(error, retry_after)
                continue
            if disposition is Disposition.AMBIGUOUS:
                disposition = Disposition.RETRY if call.repeatable else Disposition.FATAL
            attempts += 1
            wait_or_raise(
                self.retry,
                label,
                disposition,
                error,
                attempt=attempts,
                sent=sent,
                started=started,
                retry_after=retry_after,
            )

    # --- one attempt --------------------------------------------------------------------------------

    def _prepare(
        self,
        method: str,
        path: str,
        params: Params | None,
        json: Any,
        form: Params | None,
        files: Any,
        repeatable: bool | None,
    ) -> _Request:
        if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"path must be a documented path such as /rest/v1/leads.json, got {path!r}")
        if "?" in path or "#" in path:
            raise ValueError(f"pass the query as params, not in the path: {path!r}")
        if json is not None and (form is not None or files is not None):
            raise ValueError("a call has either a JSON body or form fields / files, not both")
        if method == "GET" and (json is not None or form is not None or files is not None):
            raise ValueError("a GET has no body; pass params")
        pairs = _pairs(params)
        query = urlencode(pairs)
        url = f"{self._root}{path}"
        headers = {"Accept": "application/json"}
        body: bytes | None = None
        form_fields: Mapping[str, str] | None = None
        reads = method == "GET" or ("_method", "GET") in pairs
        if method == "GET" and len(url) + 1 + len(query) > MAX_URL_BYTES:
            method, body = "POST", query.encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            query = urlencode([("_method", "GET")])
        elif json is not None:
            try:
                body = jsonlib.dumps(
                    json, ensure_ascii=False, separators=(",", ":"), allow_nan=False
                ).encode()
            except (TypeError, ValueError) as exc:
                raise ValueError(f"the JSON body cannot be encoded: {exc}") from None
            headers["Content-Type"] = "application/json"
        elif files is not None:
            _check_files(files)
            form_fields = dict(_pairs(form))
        elif form is not None:
            body = urlencode(_pairs(form)).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if query:
            url = f"{url}?{query}"
        if repeatable is None:
            repeatable = reads or method == "DELETE"
        return _Request(method, url, headers, body, form_fields, files, repeatable)

    def _attempt(self, call: _Request, label: str, sent: int, budget: float) -> RestResponse:
        """Send one attempt with the current token and decode its answer; ``_Failed`` on any failure.

        The attempt may take no longer than ``budget`` seconds (what is left of the call's retry budget).
        """
        try:
            token = self._tokens.token()
        except TransportFailure as failure:
            raise _Failed(failure.error, delivered=False) from None
        except MktowsError as error:
            raise _Failed(error, delivered=False) from None
        secrets = self._tokens.secrets()
        shown = call.url.encode() + (b"\n" + call.body if call.body else b"")
        log_envelope(f"request ({call.method})", label, sent, shown, secrets)
        headers = {**call.headers, "Authorization": f"Bearer {token.value}"}
        try:
            with self.limits.slot():
                response = self._transport.send(
                    call.method,
                    call.url,
                    headers=headers,
                    data=call.body if call.form is None else call.form,
                    files=call.files,
                    operation=label,
                    max_bytes=MAX_ANSWER_BYTES,
                    budget=budget,
                )
        except TransportFailure as failure:
            raise _Failed(failure.error, delivered=failure.delivered, token=token) from None
        log_envelope(f"response (HTTP {response.status})", label, sent, response.content, secrets)
        try:
            return decode(response, label)
        except MktowsError as error:
            raise _Failed(error, delivered=True, token=token, retry_after=response.retry_after()) from None

    # --- lifecycle ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the HTTP connections (a session passed in is left open for its owner)."""
        self._transport.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"RestClient(rest_endpoint={self.rest_endpoint!r}, client_id={self.client_id!r}, "
            f"identity_endpoint={self.identity_endpoint!r}, timeout={self.timeout!r})"
        )
