"""A secondary index of records by field value, so lookups and filtered pages run in SQL, not in Python.

Records keep their fields as JSON; what the operations look records up by is also written to ``field_values``
as (slot, value, owner) rows, where a slot names one field of one kind of record (``co:RoadShow`` ``city``,
``lead`` ``SFDCLeadId``) and owner is the record's row id. The primary key (slot, value, owner) answers
"records with this value, in owner order, after owner N" as one range of the index.

Each kind's index is stamped with a fingerprint of how its values are derived (fields and their types); when
the configuration changes the derivation, ``stale`` says so and the kind is rebuilt from the records.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_PROBE = 1_000  # index entries counted at most when choosing which criterion drives a query


def fingerprint_key(kind: str) -> str:
    """The meta key holding the fingerprint of a kind's index."""
    return f"index:{kind}"


def stale(conn: sqlite3.Connection, kind: str, fingerprint: str) -> bool:
    """Whether a kind's index was built for another fingerprint (or never built)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (fingerprint_key(kind),)).fetchone()
    return row is None or str(row["value"]) != fingerprint


def mark_built(conn: sqlite3.Connection, kind: str, fingerprint: str) -> None:
    """Record that a kind's index now matches ``fingerprint``."""
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (fingerprint_key(kind), fingerprint)
    )


# Slots once committed never change (only new ones are added), so each connection remembers those it read.
_KNOWN: weakref.WeakKeyDictionary[sqlite3.Connection, dict[str, dict[str, int]]] = weakref.WeakKeyDictionary()


def slots(conn: sqlite3.Connection, kind: str, fields: Iterable[str] = ()) -> dict[str, int]:
    """The slot of each field of a kind, creating the ones ``fields`` names that are missing (a write)."""
    wanted = list(fields)
    try:
        cache = _KNOWN.setdefault(conn, {})
    except TypeError:  # a plain sqlite3 connection: no weak reference, no cache
        cache = {}
    known = cache.get(kind)
    if known is not None and all(name in known for name in wanted):
        return known
    found = {
        str(row["field"]): int(row["slot"])
        for row in conn.execute("SELECT field, slot FROM index_slots WHERE kind = ?", (kind,))
    }
    created = False
    for name in wanted:
        if name not in found:
            cursor = conn.execute("INSERT INTO index_slots (kind, field) VALUES (?, ?)", (kind, name))
            found[name] = int(cursor.lastrowid or 0)
            created = True
    if not created:  # a slot made in this transaction could still be rolled back: remember it once committed
        cache[kind] = found
    return found


def clear_kind(conn: sqlite3.Connection, kind: str) -> None:
    """Drop every indexed value of a kind (before a rebuild)."""
    conn.execute(
        "DELETE FROM field_values WHERE slot IN (SELECT slot FROM index_slots WHERE kind = ?)", (kind,)
    )


def rows(slot_of: Mapping[str, int], owner: int, values: Mapping[str, str]) -> list[tuple[int, str, int]]:
    """The (slot, value, owner) rows of one record's indexed values."""
    return [(slot_of[name], value, owner) for name, value in values.items()]


def add(conn: sqlite3.Connection, entries: Sequence[tuple[int, str, int]]) -> None:
    """Index (slot, value, owner) rows."""
    if entries:
        conn.executemany("INSERT OR IGNORE INTO field_values (slot, value, owner) VALUES (?, ?, ?)", entries)


def remove(conn: sqlite3.Connection, entries: Sequence[tuple[int, str, int]]) -> None:
    """Drop (slot, value, owner) rows."""
    if entries:
        conn.executemany("DELETE FROM field_values WHERE slot = ? AND value = ? AND owner = ?", entries)


def change(
    conn: sqlite3.Connection,
    slot_of: Mapping[str, int],
    owner: int,
    old: Mapping[str, str],
    new: Mapping[str, str],
) -> None:
    """Re-index one record whose indexed values went from ``old`` to ``new`` (only what differs is written)."""
    gone = {name: value for name, value in old.items() if new.get(name) != value}
    came = {name: value for name, value in new.items() if old.get(name) != value}
    remove(conn, rows(slot_of, owner, gone))
    add(conn, rows(slot_of, owner, came))


def owners(conn: sqlite3.Connection, slot: int, value: str) -> list[int]:
    """The owners of one indexed value, in owner order."""
    found = conn.execute(
        "SELECT owner FROM field_values WHERE slot = ? AND value = ? ORDER BY owner", (slot, value)
    )
    return [int(row["owner"]) for row in found]


def _probe(conn: sqlite3.Connection, slot: int, value: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM field_values WHERE slot = ? AND value = ? LIMIT ?)",
        (slot, value, _PROBE),
    ).fetchone()
    return int(row["n"])


def matching(
    conn: sqlite3.Connection, criteria: Sequence[tuple[int, str]], after_owner: int
) -> tuple[str, list[Any]]:
    """A SELECT of the owners having every (slot, value) of ``criteria`` (at least one) above ``after_owner``,
    in owner order: the criterion with the fewest entries (counted up to a bound) walks its range of the
    index, each other one is a point lookup per candidate."""
    ordered = sorted(criteria, key=lambda criterion: _probe(conn, *criterion))
    (slot, value), others = ordered[0], ordered[1:]
    sql = "SELECT d.owner AS owner FROM field_values d WHERE d.slot = ? AND d.value = ? AND d.owner > ?"
    args: list[Any] = [slot, value, after_owner]
    for other_slot, other_value in others:
        sql += " AND EXISTS (SELECT 1 FROM field_values o WHERE o.slot = ? AND o.value = ? AND o.owner = d.owner)"
        args += [other_slot, other_value]
    return sql + " ORDER BY d.owner", args
