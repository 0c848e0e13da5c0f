"""Which failures are worth another attempt, and how long to wait: the retry classification as data.

Every failed attempt gets one ``Disposition``:

- ``RETRY``: the service did not process the call (it refused it: rate or concurrency limit, a 503/429, or
  the connection never carried the request), so any operation may be sent again.
- ``AMBIGUOUS``: the service may already have processed it (a timeout after sending, a dropped connection,
  a truncated or malformed answer, an internal error, a gateway 502/504). Only operations in
  ``REPEATABLE_OPERATIONS`` are sent again; repeating the others could create, merge or trigger twice.
- ``RESIGN``: 20016 Request Expired, or REST's 601/602 access token errors; resent once with fresh
  credentials (a new signature, ``_auth``, or a renewed token, ``mktows.rest``).
- ``FATAL``: retrying cannot help (bad request, authentication, the daily quota 20015, ...).

``RetryPolicy`` bounds the attempts and the total time and waits with jittered exponential backoff.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mktows._logging import LOGGER
from mktows.errors import (
    AccessTokenError,
    ConcurrencyLimitError,
    HTTPStatusError,
    InternalError,
    MktowsError,
    ProtocolError,
    QuotaExceededError,
    RateLimitError,
    RequestExpiredError,
    ServiceUnavailableError,
    SoapFault,
    ThrottlingError,
    TransportError,
)


class Disposition(enum.Enum):
    """What a failed attempt means for the next one."""

    RETRY = "retry"
    AMBIGUOUS = "ambiguous"
    RESIGN = "resign"
    FATAL = "fatal"


REPEATABLE_OPERATIONS: Mapping[str, str] = {
    # reads
    "describeMObject": "read only",
    "getCampaignsForSource": "read only",
    "getChannels": "read only",
    "getCustomObjects": "read only",
    "getImportToListStatus": "read only",
    "getLead": "read only",
    "getLeadActivity": "read only",
    "getLeadChanges": "read only",
    "getMObjects": "read only",
    "getMultipleLeads": "read only",
    "getTags": "read only",
    "listMObjects": "read only",
    # writes keyed so that a second identical call leaves the same state
    "syncCustomObjects": "keyed by the dedupe fields: a repeat updates (or skips) the same objects",
    "deleteCustomObjects": "keyed by the dedupe fields: a repeat deletes nothing more",
    "deleteMObjects": "keyed by id: a repeat deletes nothing more",
    "listOperation": "list membership is a set: adding or removing twice ends the same",
}
"""Operations that are safe to send again after an ambiguous failure, with the reason.

Not listed, so never repeated after an ambiguous failure: syncLead and syncMultipleLeads (may create a second
lead), syncMObjects (objects without an id are created again), mergeLeads, importToList, requestCampaign and
scheduleCampaign (a second run would act twice).
"""

ERROR_DISPOSITIONS: tuple[tuple[type[MktowsError], Disposition], ...] = (
    (RequestExpiredError, Disposition.RESIGN),
    (AccessTokenError, Disposition.RESIGN),
    (QuotaExceededError, Disposition.FATAL),  # the daily quota resets at 12:00 AM CST: fail fast
    (RateLimitError, Disposition.RETRY),
    (ConcurrencyLimitError, Disposition.RETRY),
    (ServiceUnavailableError, Disposition.RETRY),  # REST 608/614/713: the call did not run
    (InternalError, Disposition.AMBIGUOUS),
    (SoapFault, Disposition.FATAL),
    (ProtocolError, Disposition.AMBIGUOUS),  # a truncated or garbled answer to a request that was sent
)
"""Per error class, most specific first. ``TransportError`` and ``HTTPStatusError`` are decided below."""

HTTP_STATUS_DISPOSITIONS: Mapping[int, Disposition] = {
    408: Disposition.RETRY,  # the server gave up waiting for the request
    429: Disposition.RETRY,
    503: Disposition.RETRY,
    500: Disposition.AMBIGUOUS,  # a non-SOAP 500 (SOAP faults are decided by their code)
    502: Disposition.AMBIGUOUS,
    504: Disposition.AMBIGUOUS,
}
"""Non-SOAP HTTP answers; any other status is ``FATAL``."""


def classify(error: MktowsError, *, delivered: bool = True) -> Disposition:
    """The disposition of a failed attempt; ``delivered`` is False when the request surely never left."""
    if isinstance(error, TransportError):
        return Disposition.AMBIGUOUS if delivered else Disposition.RETRY
    if isinstance(error, HTTPStatusError):
        return HTTP_STATUS_DISPOSITIONS.get(error.status_code, Disposition.FATAL)
    for cls, disposition in ERROR_DISPOSITIONS:
        if isinstance(error, cls):
            return disposition
    return Disposition.FATAL


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a call is retried.

    ``max_attempts`` counts every attempt of a call (1 means never retry; the one re-sign after 20016 is not
    counted). ``max_elapsed`` (seconds) bounds the whole call: no retry starts whose wait would end past it.
    Waits grow as ``base_delay * 2**n`` up to ``max_delay``, with full jitter (a random part of that); a
    throttling fault waits at least ``throttle_delay``, and a ``Retry-After`` header is honoured up to
    ``max_delay``. ``sleep``, ``monotonic`` and ``random`` are injectable for tests.
    """

    max_attempts: int = 5
    max_elapsed: float = 300.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    throttle_delay: float = 2.0
    repeatable: frozenset[str] = frozenset(REPEATABLE_OPERATIONS)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    monotonic: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ValueError(f"max_attempts must be an int of at least 1, got {self.max_attempts!r}")
        _positive("max_elapsed", self.max_elapsed)
        _positive("base_delay", self.base_delay)
        _positive("max_delay", self.max_delay)
        if self.throttle_delay < 0:
            raise ValueError(f"throttle_delay must not be negative, got {self.throttle_delay!r}")

    @classmethod
    def never(cls) -> RetryPolicy:
        """One attempt per call (the 20016 re-sign still happens)."""
        return cls(max_attempts=1)

    def may_retry(self, operation: str, disposition: Disposition) -> bool:
        """Whether this kind of failure of this operation is worth another attempt at all."""
        if disposition is Disposition.RETRY:
            return True
        return disposition is Disposition.AMBIGUOUS and operation in self.repeatable

    def delay(self, retry: int, error: MktowsError, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        wait = ceiling * self.random()
        if isinstance(error, ThrottlingError):
            wait = max(wait, min(self.throttle_delay, self.max_delay))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait

    def next_delay(
        self,
        operation: str,
        disposition: Disposition,
        error: MktowsError,
        *,
        attempt: int,
        started: float,
        retry_after: float | None = None,
    ) -> float | None:
        """The wait before the next attempt, or None when the call must give up now.

        ``attempt`` is the number of attempts made so far (not counting a re-sign), ``started`` the
        ``monotonic()`` reading when the call began.
        """
        if not self.may_retry(operation, disposition) or attempt >= self.max_attempts:
            return None
        wait = self.delay(attempt, error, retry_after)
        if self.monotonic() - started + wait > self.max_elapsed:
            return None
        return wait


def wait_or_raise(
    policy: RetryPolicy,
    operation: str,
    disposition: Disposition,
    error: MktowsError,
    *,
    attempt: int,
    sent: int,
    started: float,
    retry_after: float | None = None,
) -> None:
    """Sleep before the next attempt of a call, or raise ``error`` when the policy says to give up."""
    wait = policy.next_delay(
        operation, disposition, error, attempt=attempt, started=started, retry_after=retry_after
    )
    if wait is None:
        LOGGER.debug("giving up after %d request(s): %s", sent, error)
        raise error
    LOGGER.info("attempt %d failed (%s: %s); retrying in %.2f s", attempt, type(error).__name__, error, wait)
    policy.sleep(wait)
