"""What a bulk run has reported so far: counts by status, the distinct failure reasons with their counts, and
the first failed rows. The checkpoint carries it, so a resumed run's summary and exit status cover the whole
job, not only the part this process sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mktows.reports import ObjectResult, ObjectStatus

MAX_REASONS = 20
"""Distinct failure reasons kept; later new reasons are counted under ``OTHER_REASONS``."""
OTHER_REASONS = "(other reasons)"
MAX_REASON_LENGTH = 300
MAX_FAILED_ROWS = 10
"""Failed rows kept to show when there is no report file."""


@dataclass(frozen=True)
class FailedRow:
    """One FAILED object: the input line it came from, its keys and the error."""

    line: int
    keys: Mapping[str, str]
    error: str


def _reason(error: str | None) -> str:
    text = " ".join((error or "no error text").split())
    return text if len(text) <= MAX_REASON_LENGTH else text[: MAX_REASON_LENGTH - 1] + "…"


@dataclass
class Tally:
    """Counts of a bulk run; ``add`` one reported object at a time."""

    counts: Counter[ObjectStatus] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    failed_rows: list[FailedRow] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        return self.counts[ObjectStatus.FAILED]

    def add(self, line: int, result: ObjectResult) -> None:
        self.counts[result.status] += 1
        if result.status is not ObjectStatus.FAILED:
            return
        reason = _reason(result.error)
        if reason not in self.reasons and len(self.reasons) >= MAX_REASONS:
            reason = OTHER_REASONS
        self.reasons[reason] += 1
        if len(self.failed_rows) < MAX_FAILED_ROWS:
            self.failed_rows.append(FailedRow(line, dict(result.keys), result.error or ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {status.value: n for status, n in self.counts.items() if n},
            "reasons": dict(self.reasons),
            "failed_rows": [
                {"line": row.line, "keys": dict(row.keys), "error": row.error} for row in self.failed_rows
            ],
        }

    @classmethod
    def from_json(cls, data: object) -> Tally:
        """The tally saved by ``to_json``; ValueError naming the first field that is missing or out of range."""
        if not isinstance(data, dict):
            raise ValueError("the counts are not an object")
        counts: Counter[ObjectStatus] = Counter()
        for name, n in _mapping(data.get("counts"), "counts").items():
            if name not in ObjectStatus.__members__:
                raise ValueError(f"counts name an unknown status {name!r}")
            counts[ObjectStatus(name)] = _count(n, f"counts.{name}")
        reasons = Counter(
            {str(k): _count(n, "reasons") for k, n in _mapping(data.get("reasons"), "reasons").items()}
        )
        if sum(reasons.values()) != counts[ObjectStatus.FAILED] or len(reasons) > MAX_REASONS + 1:
            raise ValueError("the failure reasons do not add up to the FAILED count")
        rows = data.get("failed_rows")
        if not isinstance(rows, list) or len(rows) > min(MAX_FAILED_ROWS, counts[ObjectStatus.FAILED]):
            raise ValueError("failed_rows is not a list of the first failed rows")
        failed_rows = [_failed_row(row) for row in rows]
        return cls(counts, reasons, failed_rows)


def _mapping(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not an object")
    return value


def _count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} is not a count")
    return value


def _failed_row(value: object) -> FailedRow:
    if not isinstance(value, dict):
        raise ValueError("a failed row is not an object")
    line, keys, error = value.get("line"), value.get("keys"), value.get("error")
    if (
        not isinstance(line, int)
        or isinstance(line, bool)
        or line < 1
        or not isinstance(keys, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items())
        or not isinstance(error, str)
    ):
        raise ValueError("a failed row lacks its line, keys or error")
    return FailedRow(line, keys, error)
