"""Client-side limits, so a busy client stays under Marketo's own: calls per sliding window and calls in flight.

Marketo allows 100 calls per 20 seconds and 10 concurrent calls per instance (20023, 20024). One ``Limits``
object is shared by every thread using a client, and may be shared by several clients of the same instance.
Every attempt counts, retries included, because the service counts every request it receives.

The service's own limits are the ground truth: other processes and integrations using the same instance count
too, and no client can see their calls. So when the service refuses a call for a limit anyway, the client
``pause``s its ``Limits``: every call through them waits until the service's window has cleared.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from mktows.marketo_limits import CALLS_PER_WINDOW as DEFAULT_CALLS
from mktows.marketo_limits import MAX_CONCURRENT_CALLS as DEFAULT_CONCURRENCY
from mktows.marketo_limits import RATE_WINDOW as DEFAULT_PERIOD

PAUSE_NOTICE_STEP = 1.0
"""A pause that moves its end by more than this many seconds is announced to ``Limits.on_pause`` again."""


@dataclass(frozen=True)
class Pause:
    """Every call through a ``Limits`` waits ``remaining`` more seconds because of ``reason``."""

    remaining: float
    reason: str


class Limits:
    """At most ``calls`` attempts start in any ``period`` seconds, and at most ``concurrency`` are in flight.

    ``None`` turns a limit off. ``margin`` (a fraction of ``period``) widens the window so that differences in
    network latency between two requests cannot make the service count more calls in its window than ours.
    ``clock`` and ``sleep`` are injectable for tests (``monotonic`` seconds and a blocking wait).
    ``on_pause``, when set, is called (from the thread that hit the throttle) as a pause begins or grows.
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
        self._paused_until = float("-inf")
        self._pause_reason = ""
        self.on_pause: Callable[[Pause], None] | None = None

    @classmethod
    def unlimited(cls) -> Limits:
        """No client-side limit at all (the service's limits still apply)."""
        return cls(calls=None, concurrency=None)

    @property
    def window(self) -> float:
        """The sliding window in seconds, margin included: after a 20023, waiting this long clears it."""
        return self._window

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

    def pause(self, seconds: float, reason: str) -> None:
        """Hold back every call through these limits for ``seconds`` from now (the service throttled one)."""
        with self._condition:
            now = self._clock()
            until = now + seconds
            if until <= self._paused_until:
                return
            announce = until - max(self._paused_until, now) > PAUSE_NOTICE_STEP
            self._paused_until = until
            self._pause_reason = reason
        listener = self.on_pause
        if announce and listener is not None:
            listener(Pause(seconds, reason))

    def paused(self) -> Pause | None:
        """The pause in force now, if any."""
        with self._condition:
            remaining = self._paused_until - self._clock()
            return Pause(remaining, self._pause_reason) if remaining > 0 else None

    def wait_out_pause(self) -> None:
        """Return once no pause is in force."""
        while (current := self.paused()) is not None:
            self._sleep(current.remaining)

    def acquire(self) -> None:
        """Wait out a pause, then for a concurrency slot and for room in the window; count one attempt."""
        self.wait_out_pause()
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
        while True:
            self.wait_out_pause()  # a pause may have begun while this call waited for its slot
            if self.calls is None:
                return
            with self._condition:
                now = self._clock()
                self._expire(now)
                if self._paused_until > now:
                    continue
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
