"""Marketo's usage limits, enforced per emulator instance: more than ``max_concurrent`` calls in flight is
20024, more than ``rate_calls`` calls in ``rate_window`` seconds is 20023, more than ``daily_quota`` calls in
a day (starting 12:00 AM CST) is 20015. Only admitted calls count; the quota survives restarts (SQLite). A call
admitted and then answered with an error the service does not count (REST's response-level 6xx/7xx codes,
error-codes.md) is taken back from the rate window and the quota with ``Admission.refund``. A limiter without a
usage store (the gateway's: the daily quota is the REST instance's) counts no quota."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from mktows.emulator.config import ServiceLimits
from mktows.emulator.failures import ServiceFault
from mktows.emulator.timeutil import quota_day

QUOTA_COUNTER = "calls"


class UsageStore(Protocol):
    """Where the daily quota is counted so that it survives restarts (the emulator's ``Store``)."""

    def count_usage(self, day: str, counter: str, limit: int | None) -> bool: ...

    def uncount_usage(self, day: str, counter: str) -> None: ...

    def usage(self, day: str, counter: str) -> int: ...


class Admission:
    """One admitted call: when it was counted in the rate window and on which quota day."""

    def __init__(self, limiter: Limiter, stamp: float | None, day: str | None) -> None:
        self._limiter = limiter
        self._stamp = stamp
        self._day = day

    def refund(self) -> None:
        """Take the call back from the rate window and the daily quota (once)."""
        self._limiter._refund(self._stamp, self._day)
        self._stamp = self._day = None


class Limiter:
    """Admits calls within the limits. Thread-safe; ``admit()`` holds a concurrency slot while the call runs."""

    def __init__(
        self,
        limits: ServiceLimits,
        store: UsageStore | None,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if store is None and limits.daily_quota is not None:
            raise ValueError("a daily quota needs a usage store to count it in")
        self.limits = limits
        self._store = store
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._in_flight = 0
        self._recent: deque[float] = deque()

    @property
    def in_flight(self) -> int:
        """Calls admitted and not finished."""
        with self._lock:
            return self._in_flight

    def _take_slot(self) -> float | None:
        limits = self.limits
        stamp: float | None = None
        with self._lock:
            if limits.max_concurrent is not None and self._in_flight >= limits.max_concurrent:
                raise ServiceFault(20024, f"more than {limits.max_concurrent} calls in flight")
            if limits.rate_calls is not None:
                now = self._monotonic()
                while self._recent and self._recent[0] <= now - limits.rate_window:
                    self._recent.popleft()
                if len(self._recent) >= limits.rate_calls:
                    raise ServiceFault(
                        20023, f"more than {limits.rate_calls} calls in {limits.rate_window:g} seconds"
                    )
                self._recent.append(now)
                stamp = now
            self._in_flight += 1
        return stamp

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _refund(self, stamp: float | None, day: str | None) -> None:
        if stamp is not None:
            with self._lock, contextlib.suppress(ValueError):  # ValueError: already out of the window
                self._recent.remove(stamp)
        if day is not None and self._store is not None:
            self._store.uncount_usage(day, QUOTA_COUNTER)

    @contextmanager
    def admit(self) -> Iterator[Admission]:
        """Admit one call for the duration of the block, or raise the limit's ServiceFault."""
        stamp = self._take_slot()
        try:
            day: str | None = None
            if self._store is not None:  # a quota needs a usage store (checked at construction)
                day = quota_day(self._clock())
                if not self._store.count_usage(day, QUOTA_COUNTER, self.limits.daily_quota):
                    self._refund(stamp, None)  # refused calls do not count
                    raise ServiceFault(
                        20015, f"the daily quota of {self.limits.daily_quota} calls is used up"
                    )
            yield Admission(self, stamp, day)
        finally:
            self._release()

    def calls_today(self) -> int:
        """Calls counted against today's quota (0 without a usage store)."""
        if self._store is None:
            return 0
        return self._store.usage(quota_day(self._clock()), QUOTA_COUNTER)
