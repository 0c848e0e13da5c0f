"""Which failures are worth another attempt, and how long to wait: the retry classification as data.

Every failed attempt gets one ``Disposition``:

- ``THROTTLED``: the service refused the call for one of its usage limits (20023, 20024, HTTP 429/503). That
  is not a failure of the call: every caller sharing the client's ``Limits`` pauses until the service's
  window has cleared, then sends it again. Such attempts do not count against ``max_attempts``; only
  ``max_throttle_wait`` and ``deadline`` bound how long a call waits them out.
- ``RETRY``: the service did not process the call (the connection never carried the request, or it gave up
  waiting for it), so any operation may be sent again.
- ``AMBIGUOUS``: the service may already have processed it (a timeout after sending, a dropped connection,
  a truncated or malformed answer, an internal error, a gateway 502/504). Only operations in
  ``REPEATABLE_OPERATIONS`` are sent again (``_operation_facts.FACTS`` says why each is or is not); repeating
  the others could create, merge or trigger twice.
- ``RESIGN``: 20016 Request Expired, or REST's 601/602 access token errors; resent once with fresh
  credentials (a new signature, ``_auth``, or a renewed token, ``mktows.rest``).
- ``FATAL``: retrying cannot help (bad request, authentication, the daily quota 20015, ...).

The classification itself (per error class and HTTP status) is ``mktows.errors.classify``, shared with batch
runs. ``RetryPolicy`` bounds the attempts and the total time and waits with jittered exponential backoff.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mktows import errors
from mktows._logging import LOGGER
from mktows._operation_facts import REPEATABLE_OPERATIONS
from mktows.errors import (
    Disposition,
    HTTPStatusError,
    MktowsError,
    RateLimitError,
    SoapFault,
    ThrottlingError,
)

if TYPE_CHECKING:
    from mktows._limits import Limits


def classify(error: MktowsError, *, delivered: bool = True) -> Disposition:
    """The disposition of a failed attempt (``mktows.errors.classify``); ``delivered`` is False when the request
    surely never left."""
    return errors.classify(error, delivered=delivered).disposition


def throttle_reason(error: MktowsError) -> str:
    """A short account of a throttle, for a progress display: which limit the service enforced."""
    if isinstance(error, SoapFault):
        return f"{error.code} {error.title or type(error).__name__}"
    if isinstance(error, HTTPStatusError):
        return f"HTTP {error.status_code}"
    return type(error).__name__


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a call is retried.

    ``max_attempts`` counts every attempt of a call (1 means never retry; the one re-sign after 20016 is not
    counted). ``max_elapsed`` (seconds) bounds the whole call in wall-clock time: no retry starts whose wait
    would end past it, and an attempt gets no more than what is left (``remaining``; a wait for a client-side
    ``Limits`` slot is local and is not cut short, but no attempt is sent once the budget is spent).
    Waits grow as ``base_delay * 2**n`` up to ``max_delay``, with full jitter (a random part of that); a
    throttling fault waits at least ``throttle_delay``, and a ``Retry-After`` header is honoured up to
    ``max_delay``. ``sleep``, ``monotonic`` and ``random`` are injectable for tests.

    Throttles (``Disposition.THROTTLED``) are waited out instead: a 20023 for the service's whole rate window,
    a ``Retry-After`` for as long as it says, anything else with the backoff above. ``max_throttle_wait``
    bounds the seconds one call spends paused that way (0: throttles are raised at once), and ``deadline`` (a ``monotonic()`` reading, e.g. the
    end of a whole bulk run) is a bound no wait of any kind may cross.
    """

    max_attempts: int = 5
    max_elapsed: float = 300.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    throttle_delay: float = 2.0
    max_throttle_wait: float = 3600.0
    deadline: float | None = None
    repeatable: frozenset[str] = REPEATABLE_OPERATIONS
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
        if not self.max_throttle_wait >= 0:
            raise ValueError(f"max_throttle_wait must not be negative, got {self.max_throttle_wait!r}")

    @classmethod
    def never(cls) -> RetryPolicy:
        """One attempt per call, throttles included (the 20016 re-sign still happens)."""
        return cls(max_attempts=1, max_throttle_wait=0.0)

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

    def remaining(self, started: float) -> float:
        """Seconds left of ``max_elapsed`` for a call that began at ``started`` (a ``monotonic()`` reading)."""
        return self.max_elapsed - (self.monotonic() - started)

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
        if self.monotonic() - started + wait > self.max_elapsed or self._past_deadline(wait):
            return None
        return wait

    def throttle_wait(
        self,
        error: MktowsError,
        *,
        throttles: int,
        waited: float,
        window: float,
        retry_after: float | None = None,
    ) -> float | None:
        """How long every caller pauses after a throttle, or None when the call must stop waiting.

        ``throttles`` counts this call's throttled attempts (1 for the first), ``waited`` the seconds it has
        already paused for throttles, ``window`` is the service's rate window: once a whole window has passed
        after a 20023, none of the calls that filled it count any more (a little jitter keeps processes that
        were refused together from coming back together).
        """
        if retry_after is not None:
            wait = retry_after
        elif isinstance(error, RateLimitError):
            wait = window * (1.0 + 0.1 * self.random())
        else:
            wait = self.delay(throttles, error)
        if waited + wait > self.max_throttle_wait or self._past_deadline(wait):
            return None
        return wait

    def _past_deadline(self, wait: float) -> bool:
        return self.deadline is not None and self.monotonic() + wait > self.deadline


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


@dataclass
class ThrottleWaits:
    """The throttle pauses of one call (SOAP or REST): each refusal for the service's limits pauses every
    caller of ``limits`` until the window has cleared, and the call gives up once the policy says so."""

    policy: RetryPolicy
    limits: Limits
    throttles: int = 0
    waited: float = 0.0

    def pause_or_raise(self, error: MktowsError, retry_after: float | None) -> None:
        """Pause every caller of the limits for ``error``, or raise it when this call must stop waiting."""
        self.throttles += 1
        pause = self.policy.throttle_wait(
            error,
            throttles=self.throttles,
            waited=self.waited,
            window=self.limits.window,
            retry_after=retry_after,
        )
        if pause is None:
            LOGGER.debug("giving up after %.0f s of throttles: %s", self.waited, error)
            raise error
        self.waited += pause
        LOGGER.info("%s; every call through these limits waits %.1f s", error, pause)
        self.limits.pause(pause, throttle_reason(error))
        self.limits.wait_out_pause()  # before the next attempt is signed, so its timestamp is fresh
