"""Custom object records: one row per (type, dedupe key), in insertion order (``seq``, the paging key).

The dedupe key is the tuple of the type's dedupe field values in declared order; integer fields are compared
as numbers (``"01090177"`` and ``"1090177"`` are one MKTOID).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from mktows.emulator.config import CustomObjectType
from mktows.emulator.store import dumps, loads


@dataclass
class Record:
    """One stored custom object: its key values and attribute values by field name."""

    seq: int
    keys: dict[str, str]
    attributes: dict[str, str] = field(default_factory=dict)
    created_at: int = 0
    updated_at: int = 0


def normalize(co_type: CustomObjectType, name: str, value: str) -> str:
    """A key value in the form it is compared and stored in."""
    text = value.strip()
    if co_type.fields.get(name) == "integer":
        try:
            return str(int(text))
        except ValueError:
            return text
    return text


def key_of(co_type: CustomObjectType, keys: Mapping[str, str]) -> str:
    """The stored dedupe key of a full set of key values."""
    return dumps([normalize(co_type, name, keys[name]) for name in co_type.dedupe_fields])


def _record(row: sqlite3.Row) -> Record:
    return Record(
        seq=int(row["seq"]),
        keys=loads(row["keys"]) or {},
        attributes=loads(row["attributes"]) or {},
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def get(conn: sqlite3.Connection, co_type: CustomObjectType, keys: Mapping[str, str]) -> Record | None:
    """The record with exactly these dedupe key values, or None."""
    row = conn.execute(
        "SELECT * FROM custom_objects WHERE type = ? AND key = ?", (co_type.name, key_of(co_type, keys))
    ).fetchone()
    return None if row is None else _record(row)


def insert(
    conn: sqlite3.Connection,
    co_type: CustomObjectType,
    keys: Mapping[str, str],
    attributes: Mapping[str, str],
    now_us: int,
) -> Record:
    """Store a new record."""
    stored_keys = {name: normalize(co_type, name, keys[name]) for name in co_type.dedupe_fields}
    cursor = conn.execute(
        "INSERT INTO custom_objects (type, key, keys, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (co_type.name, key_of(co_type, keys), dumps(stored_keys), dumps(dict(attributes)), now_us, now_us),
    )
    return Record(int(cursor.lastrowid or 0), stored_keys, dict(attributes), now_us, now_us)


def update(conn: sqlite3.Connection, record: Record, attributes: Mapping[str, str], now_us: int) -> None:
    """Replace a record's attribute values."""
    conn.execute(
        "UPDATE custom_objects SET attributes = ?, updated_at = ? WHERE seq = ?",
        (dumps(dict(attributes)), now_us, record.seq),
    )


def delete(conn: sqlite3.Connection, record: Record) -> None:
    """Delete a record."""
    conn.execute("DELETE FROM custom_objects WHERE seq = ?", (record.seq,))


def select(
    conn: sqlite3.Connection,
    co_type: CustomObjectType,
    criteria: Mapping[str, str],
    after_seq: int,
    offset: int,
    limit: int,
) -> tuple[list[Record], int]:
    """A page of the records matching every ``criteria`` field (keys or attributes), in ``seq`` order after
    ``after_seq`` (or skipping ``offset`` matches when no seq is known), and how many match after the page."""
    matched: list[Record] = []
    for row in conn.execute(
        "SELECT * FROM custom_objects WHERE type = ? AND seq > ? ORDER BY seq", (co_type.name, after_seq)
    ):
        record = _record(row)
        values = {**record.attributes, **record.keys}
        if all(
            normalize(co_type, name, values.get(name, "")) == normalize(co_type, name, wanted)
            for name, wanted in criteria.items()
        ):
            matched.append(record)
    matched = matched[offset:]
    return matched[:limit], max(0, len(matched) - limit)


def count(conn: sqlite3.Connection, co_type: CustomObjectType) -> int:
    """How many records of the type exist."""
    row = conn.execute("SELECT COUNT(*) AS n FROM custom_objects WHERE type = ?", (co_type.name,)).fetchone()
    return int(row["n"])
