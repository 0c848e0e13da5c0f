"""Splitting records into REST calls: at most 300 per call, and a JSON body under Marketo's 1 MB."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TypeVar

from mktows.marketo_limits import REST_MAX_BODY_BYTES, REST_MAX_RECORDS_PER_CALL

Record = TypeVar("Record")

MAX_RECORDS_PER_CALL = REST_MAX_RECORDS_PER_CALL
MAX_BODY_BYTES = REST_MAX_BODY_BYTES

ENVELOPE_ALLOWANCE = 16 * 1024
"""Room kept in each body for the members around the records (``action``, ``dedupeBy``, ...)."""


def batches(
    records: Iterable[Record],
    size: int = MAX_RECORDS_PER_CALL,
    max_bytes: int = MAX_BODY_BYTES - ENVELOPE_ALLOWANCE,
) -> Iterator[list[Record]]:
    """Consecutive lists of ``records``, each at most ``size`` long and ``max_bytes`` of JSON, in input order.

    Every record lands in exactly one batch. A record larger than ``max_bytes`` on its own travels alone,
    so the 413 it draws fails only that record. Records must be JSON-serializable (they are measured).
    """
    if not isinstance(size, int) or not 1 <= size <= MAX_RECORDS_PER_CALL:
        raise ValueError(f"size must be an int from 1 to {MAX_RECORDS_PER_CALL}, got {size!r}")
    if not max_bytes > 0:
        raise ValueError(f"max_bytes must be positive, got {max_bytes!r}")
    batch: list[Record] = []
    used = 2  # the brackets of the array
    for record in records:
        cost = len(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()) + 1
        if batch and (len(batch) >= size or used + cost > max_bytes):
            yield batch
            batch, used = [], 2
        batch.append(record)
        used += cost
    if batch:
        yield batch
