"""Client-side limits, so a busy client stays under Marketo's own: calls per sliding window and calls in flight.

Marketo allows 100 calls per 20 seconds and 10 concurrent calls per instance (20023, 20024). One ``Limits``
object is shared by every thread using a client, and may be shared by several clients of the same instance.
Every attempt counts, retries included, because the service counts every request it receives.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_CALLS = 100
DEFAULT_PERIOD = 20.0
DEFAULT_CONCURRENCY = 10


class Limits:
    """At most ``calls`` attempts start in any ``period`` seconds, and at most ``concurrency`` are in flight.

    ``None`` turns a limit off. ``margin`` (a fraction of ``period``) widens the window so that differences in
    network latency between two requests cannot make the service count more calls in its window than ours.
    ``clock`` and ``sleep`` are injectable for tests (``monotonic`` seconds and a blocking wait).
    """

    def __init__(
        self,
        calls: int | None = DEFAULT_CALLS,
        period: float = DEFAULT_PERIOD,
        concurrency: int | None = DEFAULT_CONCURRENCY,
        *,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if calls is not None and (not isinstance(calls, int) or calls < 1):
            raise ValueError(f"calls must be a positive int or None, got {calls!r}")
        if not period > 0:
            raise ValueError(f"period must be positive, got {period!r}")
        if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 1):
            raise ValueError(f"concurrency must be a positive int or None, got {concurrency!r}")
        if not 0 <= margin < 1:
            raise ValueError(f"margin must be in [0, 1), got {margin!r}")
        self.calls = calls
        self.period = period
        self.concurrency = concurrency
        self.margin = margin
        self._window = period * (1 + margin)
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._in_flight = 0
        self._condition = threading.Condition()

    @classmethod
    def unlimited(cls) -> Limits:
        """No client-side limit at all (the service's limits still apply)."""
        return cls(calls=None, concurrency=None)

    @property
    def in_flight(self) -> int:
        """Attempts holding a slot right now."""
        with self._condition:
            return self._in_flight

    def recent_calls(self) -> int:
        """Attempts started within the current window."""
        with self._condition:
            self._expire(self._clock())
            return len(self._starts)

    def _expire(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self._window:
            self._starts.popleft()

    def acquire(self) -> None:
        """Wait for a concurrency slot, then for room in the window, and count one attempt starting now."""
        with self._condition:
            while self.concurrency is not None and self._in_flight >= self.concurrency:
                self._condition.wait(timeout=1.0)
            self._in_flight += 1
        try:
            self._take_window_slot()
        except BaseException:
            self.release()
            raise

    def _take_window_slot(self) -> None:
        if self.calls is None:
            return
        while True:
            with self._condition:
                now = self._clock()
                self._expire(now)
                if len(self._starts) < self.calls:
                    self._starts.append(now)
                    return
                wait = self._starts[0] + self._window - now
            self._sleep(max(wait, 0.001))

    def release(self) -> None:
        """Give the concurrency slot back."""
        with self._condition:
            if self._in_flight <= 0:
                raise RuntimeError("Limits.release() without a matching acquire()")
            self._in_flight -= 1
            self._condition.notify()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """``with limits.slot():`` around one attempt."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def __repr__(self) -> str:
        return f"Limits(calls={self.calls!r}, period={self.period!r}, concurrency={self.concurrency!r})"
