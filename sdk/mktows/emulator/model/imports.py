"""Bulk lead import batches of the REST face (bulk-lead-import.md), kept in the ``imports`` table beside the
importToList jobs: a batch has no program (``program`` is empty), ``list`` is its target list id (or empty),
and ``summary`` holds its message and its failure and warning files as JSON."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from mktows.emulator.store import dumps, loads

BULK_PROGRAM = ""


@dataclass(frozen=True)
class BulkBatch:
    """One bulk import batch."""

    id: int
    ready_at: int
    processed: int
    failed: int
    warned: int
    message: str
    failures: str
    warnings: str


def insert(
    conn: sqlite3.Connection,
    list_id: int | None,
    now_us: int,
    ready_at: int,
    counts: tuple[int, int, int, int],
    message: str,
    failures: str,
    warnings: str,
) -> int:
    """Store a batch (counts: rows, processed, failed, with warning) and return its id."""
    rows, processed, failed, warned = counts
    cursor = conn.execute(
        "INSERT INTO imports (program, list, campaign, status, started_at, ready_at, rows_total, rows_imported,"
        " rows_failed, rows_ignored, summary, tokens) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, '{}')",
        (
            BULK_PROGRAM,
            "" if list_id is None else str(list_id),
            "Complete",
            now_us,
            ready_at,
            rows,
            processed,
            failed,
            warned,
            dumps({"message": message, "failures": failures, "warnings": warnings}),
        ),
    )
    return int(cursor.lastrowid or 0)


def get(conn: sqlite3.Connection, batch_id: int) -> BulkBatch | None:
    """The bulk batch with that id, or None (an importToList job is not one)."""
    row = conn.execute(
        "SELECT * FROM imports WHERE id = ? AND program = ?", (batch_id, BULK_PROGRAM)
    ).fetchone()
    if row is None:
        return None
    summary = loads(row["summary"]) or {}
    return BulkBatch(
        id=int(row["id"]),
        ready_at=int(row["ready_at"]),
        processed=int(row["rows_imported"]),
        failed=int(row["rows_failed"]),
        warned=int(row["rows_ignored"]),
        message=str(summary.get("message", "")),
        failures=str(summary.get("failures", "")),
        warnings=str(summary.get("warnings", "")),
    )
