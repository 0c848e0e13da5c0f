"""Per-object results of a batched call: one entry for every input object, in input order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ObjectStatus(StrEnum):
    """What happened to one object. The values are Marketo's status strings (plus DELETED for deletes)."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    SKIPPED = "SKIPPED"
    DELETED = "DELETED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class ObjectResult:
    """The outcome for the input object at ``index``: its keys, status and, for FAILED, the error text.

    ``repeated`` is True when the call carrying the object was sent again after an ambiguous failure (a dropped
    or truncated answer): the status is then the second attempt's, so an object the first attempt already
    created shows SKIPPED (INSERT) or UNCHANGED (UPSERT) although this run created it.
    """

    index: int
    keys: Mapping[str, str]
    status: ObjectStatus
    error: str | None = None
    repeated: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not ObjectStatus.FAILED


@dataclass
class SyncReport:
    """All results of one batched call, in input order, with counts by status."""

    results: list[ObjectResult] = field(default_factory=list)

    @classmethod
    def of(cls, results: Iterable[ObjectResult]) -> SyncReport:
        return cls(results=list(results))

    @property
    def counts(self) -> dict[ObjectStatus, int]:
        """Number of objects per status (only statuses that occurred)."""
        return dict(Counter(result.status for result in self.results))

    @property
    def failed(self) -> list[ObjectResult]:
        return [result for result in self.results if result.status is ObjectStatus.FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        parts = ", ".join(f"{status.value} {count}" for status, count in sorted(self.counts.items()))
        return f"{len(self.results)} objects: {parts or 'none'}"
