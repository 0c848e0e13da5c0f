"""The last few exchanges of a client, as raw XML, for debugging (like zeep's HistoryPlugin).

Off by default (``Client(history=0)``): keeping whole envelopes costs memory and the time to scrub them.
``Client(history=N)`` keeps the last ``N`` attempts (at most ``MAX_HISTORY``), oldest first, each with the
``requestSignature`` value and any other secret of the call redacted as in the DEBUG log.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mktows._logging import scrub

MAX_HISTORY = 100
"""The most exchanges one client keeps (each answer is at most the codec's document size limit)."""


@dataclass(frozen=True)
class Exchange:
    """One attempt: the request sent and the answer received (``None`` when none came), as text."""

    operation: str
    attempt: int  # the attempt number within its call, 1 for the first
    request: str
    response: str | None
    status: int | None  # the HTTP status of the answer


class History:
    """A bounded, thread-safe record of a client's last exchanges; ``size`` 0 records nothing."""

    def __init__(self, size: int = 0) -> None:
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_HISTORY:
            raise ValueError(f"history must be an int from 0 to {MAX_HISTORY}, got {size!r}")
        self.size = size
        self._exchanges: deque[Exchange] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(
        self,
        operation: str,
        attempt: int,
        request: bytes,
        response: bytes | None,
        status: int | None,
        secrets: Iterable[str],
    ) -> None:
        """Keep one exchange (scrubbed of ``secrets``), dropping the oldest past ``size``."""
        if not self.size:
            return
        kept = tuple(secrets)

        def text(data: bytes) -> str:
            return scrub(data.decode("utf-8", errors="replace"), kept)

        exchange = Exchange(
            operation, attempt, text(request), None if response is None else text(response), status
        )
        with self._lock:
            self._exchanges.append(exchange)

    @property
    def last(self) -> Exchange | None:
        """The most recent exchange, or None."""
        with self._lock:
            return self._exchanges[-1] if self._exchanges else None

    def clear(self) -> None:
        with self._lock:
            self._exchanges.clear()

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            return iter(list(self._exchanges))

    def __len__(self) -> int:
        return len(self._exchanges)

    def __repr__(self) -> str:
        return f"History(size={self.size}, kept={len(self)})"
