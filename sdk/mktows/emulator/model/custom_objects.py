"""Custom object records: one row per (type, dedupe key), in insertion order (``seq``, the paging key).

The dedupe key is the tuple of the type's dedupe field values in declared order; integer fields are compared
as numbers (``"01090177"`` and ``"1090177"`` are one MKTOID). Every field of every record, keys included, is
also in the field index in that compared form (``""`` for an absent or blank field), so getCustomObjects
filters and pages by any field in SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mktows.emulator.config import CustomObjectType
from mktows.emulator.model import field_index
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


def kind(co_type: CustomObjectType) -> str:
    """The field-index kind of a custom object type."""
    return f"co:{co_type.name}"


def fingerprint(co_type: CustomObjectType) -> str:
    """What the type's indexed values depend on: its fields and their types."""
    return dumps(list(co_type.fields.items()))


def indexed_values(
    co_type: CustomObjectType, keys: Mapping[str, str], attributes: Mapping[str, str]
) -> dict[str, str]:
    """Every field of a record in the form criteria are compared in (``""`` when absent)."""
    values = {**attributes, **keys}
    return {name: normalize(co_type, name, values.get(name, "")) for name in co_type.fields}


def _slots(conn: sqlite3.Connection, co_type: CustomObjectType) -> dict[str, int]:
    return field_index.slots(conn, kind(co_type), co_type.fields)


def rebuild_index(conn: sqlite3.Connection, co_type: CustomObjectType) -> None:
    """Index every record of the type afresh (a new type, or one whose fields changed)."""
    field_index.clear_kind(conn, kind(co_type))
    slot_of = _slots(conn, co_type)
    batch: list[tuple[int, str, int]] = []
    for row in conn.execute(
        "SELECT seq, keys, attributes FROM custom_objects WHERE type = ?", (co_type.name,)
    ):
        values = indexed_values(co_type, loads(row["keys"]) or {}, loads(row["attributes"]) or {})
        batch += field_index.rows(slot_of, int(row["seq"]), values)
        if len(batch) >= 50_000:
            field_index.add(conn, batch)
            batch = []
    field_index.add(conn, batch)
    field_index.mark_built(conn, kind(co_type), fingerprint(co_type))


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
    seq = int(cursor.lastrowid or 0)
    values = indexed_values(co_type, stored_keys, attributes)
    field_index.add(conn, field_index.rows(_slots(conn, co_type), seq, values))
    return Record(seq, stored_keys, dict(attributes), now_us, now_us)


def update(
    conn: sqlite3.Connection,
    co_type: CustomObjectType,
    record: Record,
    attributes: Mapping[str, str],
    now_us: int,
) -> None:
    """Replace a record's attribute values."""
    conn.execute(
        "UPDATE custom_objects SET attributes = ?, updated_at = ? WHERE seq = ?",
        (dumps(dict(attributes)), now_us, record.seq),
    )
    old = indexed_values(co_type, record.keys, record.attributes)
    new = indexed_values(co_type, record.keys, attributes)
    field_index.change(conn, _slots(conn, co_type), record.seq, old, new)


def delete(conn: sqlite3.Connection, co_type: CustomObjectType, record: Record) -> None:
    """Delete a record."""
    conn.execute("DELETE FROM custom_objects WHERE seq = ?", (record.seq,))
    values = indexed_values(co_type, record.keys, record.attributes)
    field_index.remove(conn, field_index.rows(_slots(conn, co_type), record.seq, values))


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
    if criteria:
        slot_of = field_index.slots(conn, kind(co_type))
        wanted = [(slot_of[name], normalize(co_type, name, value)) for name, value in criteria.items()]

        def matches(after: int) -> tuple[str, list[Any]]:
            return field_index.matching(conn, wanted, after)
    else:

        def matches(after: int) -> tuple[str, list[Any]]:
            sql = "SELECT seq AS owner FROM custom_objects WHERE type = ? AND seq > ? ORDER BY seq"
            return sql, [co_type.name, after]

    sql, args = matches(after_seq)
    page = [
        _record(row)
        for row in conn.execute(
            f"SELECT c.* FROM ({sql} LIMIT ? OFFSET ?) m JOIN custom_objects c ON c.seq = m.owner ORDER BY c.seq",
            [*args, limit, offset],
        )
    ]
    if len(page) < limit:
        return page, 0
    sql, args = matches(page[-1].seq)
    row = conn.execute(f"SELECT COUNT(*) AS n FROM ({sql})", args).fetchone()
    return page, int(row["n"])


def count(conn: sqlite3.Connection, co_type: CustomObjectType) -> int:
    """How many records of the type exist."""
    row = conn.execute("SELECT COUNT(*) AS n FROM custom_objects WHERE type = ?", (co_type.name,)).fetchone()
    return int(row["n"])


def by_seq(conn: sqlite3.Connection, co_type: CustomObjectType, seq: int) -> Record | None:
    """The record of the type with that ``seq`` (the REST face's marketoGUID names it), or None."""
    row = conn.execute(
        "SELECT * FROM custom_objects WHERE type = ? AND seq = ?", (co_type.name, seq)
    ).fetchone()
    return None if row is None else _record(row)
