"""``Client.over_rest``: a ``Client`` whose typed SOAP calls are served by Marketo's REST API.

Everything above the call path (``client.ops``, batching, paging, reports) is the SOAP client's own; only
``call`` differs: it hands the typed ``Params…`` to the REST translation of its operation
(``mktows.rest.translate``) instead of signing and POSTing an envelope.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests

from mktows import operations
from mktows._auth import Clock
from mktows._limits import Limits
from mktows._retry import RetryPolicy
from mktows._transport import DEFAULT_TIMEOUT
from mktows.client import CallResult, Client
from mktows.operations import Operation, Operations
from mktows.rest import RestClient
from mktows.rest.translate import MAX_CUSTOM_OBJECTS_PER_CALL, TranslationContext, translate


class RestBridgedClient(Client):
    """A ``Client`` over REST (see ``Client.over_rest``); thread-safe like the SOAP client.

    ``call`` returns a ``CallResult`` whose ``envelope`` is None (no SOAP envelope exists) and whose
    ``attempts`` is 1 (the REST requests behind a call, retries included, are the REST client's business).
    """

    custom_objects_per_call = MAX_CUSTOM_OBJECTS_PER_CALL

    def __init__(  # the SOAP client's __init__ is not run: there is no SOAP endpoint or signer here
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
        target_workspace: str | None = None,
        strict: bool = False,
        foreign_sys_person_id_field: str | None = None,
    ) -> None:
        if target_workspace is not None and not target_workspace:
            raise ValueError("target_workspace must be a non-empty string or None")
        self.rest = RestClient(
            rest_endpoint,
            client_id,
            client_secret,
            identity_endpoint=identity_endpoint,
            timeout=timeout,
            session=session,
            clock=clock,
            retry=retry,
            limits=limits,
        )
        self.retry = self.rest.retry
        self.limits = self.rest.limits
        self.target_workspace = target_workspace
        self.strict = bool(strict)
        self._translation = TranslationContext(
            self.rest, foreign_sys_person_id_field=foreign_sys_person_id_field
        )
        self.ops = Operations(self._result)

    @property
    def endpoint(self) -> str:
        """The REST endpoint the translated calls go to."""
        return self.rest.rest_endpoint

    @property
    def user_id(self) -> str:
        """The OAuth client id (not a secret; the client secret is)."""
        return self.rest.client_id

    @property
    def timeout(self) -> tuple[float, float]:
        return self.rest.timeout

    @property
    def clock_skew(self) -> timedelta:
        """Always zero: REST calls are not signed with a timestamp."""
        return timedelta(0)

    def call(self, operation: str | Operation, params: Any) -> CallResult[Any]:
        """One typed call of ``operation`` served by its REST translation; ``UnsupportedOperationError`` for
        an operation without one."""
        op = operation if isinstance(operation, Operation) else operations.get(operation)
        if not isinstance(params, op.params):
            raise TypeError(f"{op.method} takes {op.params.__name__}, got {type(params).__name__}")
        result = translate(self._translation, op.name, params)
        return CallResult(op.name, result, None, 1, timedelta(0))

    def close(self) -> None:
        """Release the HTTP connections (a session passed in is left open for its owner)."""
        self.rest.close()

    def __repr__(self) -> str:
        return (
            f"Client.over_rest(rest_endpoint={self.endpoint!r}, client_id={self.user_id!r}, "
            f"identity_endpoint={self.rest.identity_endpoint!r}, timeout={self.timeout!r})"
        )
