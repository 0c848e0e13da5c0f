"""The log of calls an emulator answered, for tests and the admin API: operation, outcome, injection."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

MAX_RECORDS = 10_000


@dataclass(frozen=True)
class CallRecord:
    """One answered request. ``operation`` (a WSDL name, or a REST call's Swagger operationId) is None when
    the request named none the emulator knows; ``fault_code`` is the SOAP fault code or REST error code answered
    (None for success or an answer with neither); ``reason`` says
    why a fault was raised; ``injected`` names the injection kind that fired, if any."""

    operation: str | None
    http_status: int
    fault_code: int | None
    reason: str
    injected: str | None
    at: str  # ISO timestamp of the emulator clock

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


class CallLog:
    """The most recent calls (bounded) and totals per operation and outcome. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: deque[CallRecord] = deque(maxlen=MAX_RECORDS)
        self._totals: Counter[tuple[str | None, int | None]] = Counter()

    def add(self, record: CallRecord) -> None:
        """Log one call."""
        with self._lock:
            self._records.append(record)
            self._totals[(record.operation, record.fault_code)] += 1

    def records(self) -> list[CallRecord]:
        """The logged calls, oldest first."""
        with self._lock:
            return list(self._records)

    def totals(self) -> dict[str, dict[str, int]]:
        """Calls per operation and outcome (``"ok"`` or the fault code)."""
        with self._lock:
            result: dict[str, dict[str, int]] = {}
            for (operation, code), number in self._totals.items():
                outcome = "ok" if code is None else str(code)
                result.setdefault(operation or "(none)", {})[outcome] = number
            return result

    def clear(self) -> None:
        """Forget every logged call."""
        with self._lock:
            self._records.clear()
            self._totals.clear()
