"""MObjects: Opportunity, OpportunityPersonRole and Program records, each type with its own id sequence.

``attributes`` hold the name/value pairs of ``attribList``; ``details`` hold what is not a plain attribute:
a Program's tags, channel, period costs and My Tokens, an Opportunity's Company key. Every attribute value is
also in the field index, so an external key finds its object without reading the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mktows.emulator.model import field_index
from mktows.emulator.store import dumps, loads

OPPORTUNITY = "Opportunity"
OPPORTUNITY_ROLE = "OpportunityPersonRole"
PROGRAM = "Program"
TYPES = (OPPORTUNITY, OPPORTUNITY_ROLE, PROGRAM)
INDEX_FINGERPRINT = "attributes, exact"


def kind(mtype: str) -> str:
    """The field-index kind of an MObject type."""
    return f"mobject:{mtype}"


def _reindex(
    conn: sqlite3.Connection, mtype: str, mid: int, old: Mapping[str, str], new: Mapping[str, str]
) -> None:
    slot_of = field_index.slots(conn, kind(mtype), [*old, *new])
    field_index.change(conn, slot_of, mid, old, new)


def _stored_attributes(conn: sqlite3.Connection, mtype: str, mid: int) -> dict[str, str]:
    row = conn.execute("SELECT attributes FROM mobjects WHERE type = ? AND id = ?", (mtype, mid)).fetchone()
    return {} if row is None else loads(row["attributes"]) or {}


def rebuild_index(conn: sqlite3.Connection, mtype: str) -> None:
    """Index the attribute values of every MObject of a type afresh (a database an older emulator wrote)."""
    field_index.clear_kind(conn, kind(mtype))
    for row in conn.execute("SELECT id, attributes FROM mobjects WHERE type = ?", (mtype,)).fetchall():
        _reindex(conn, mtype, int(row["id"]), {}, loads(row["attributes"]) or {})
    field_index.mark_built(conn, kind(mtype), INDEX_FINGERPRINT)


@dataclass
class MObject:
    """One stored MObject."""

    type: str
    id: int
    attributes: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    created_at: int = 0
    updated_at: int = 0


def canonical_type(name: str) -> str | None:
    """The MObject type a request names (case-insensitive), or None for one the emulator does not hold."""
    wanted = name.strip().casefold()
    return next((t for t in TYPES if t.casefold() == wanted), None)


def _mobject(row: sqlite3.Row) -> MObject:
    return MObject(
        type=str(row["type"]),
        id=int(row["id"]),
        attributes=loads(row["attributes"]) or {},
        details=loads(row["details"]) or {},
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def get(conn: sqlite3.Connection, mtype: str, mid: int) -> MObject | None:
    """The MObject of that type and id, or None."""
    row = conn.execute("SELECT * FROM mobjects WHERE type = ? AND id = ?", (mtype, mid)).fetchone()
    return None if row is None else _mobject(row)


def all_of(
    conn: sqlite3.Connection,
    mtype: str,
    after_id: int = 0,
    only_id: int | None = None,
    attribute: tuple[str, str] | None = None,
) -> Iterator[MObject]:
    """The MObjects of a type with an id above ``after_id`` (equal to ``only_id``, with the attribute
    (name, value) ``attribute``, when given), in id order, read as the caller consumes them (a page stops
    reading once it is full)."""
    sql, args = "SELECT * FROM mobjects WHERE type = ? AND id > ?", [mtype, after_id]
    if only_id is not None:
        sql += " AND id = ?"
        args.append(only_id)
    if attribute is not None:
        slot = field_index.slots(conn, kind(mtype)).get(attribute[0])
        if slot is None:  # no object ever had the attribute
            return
        sql += " AND id IN (SELECT owner FROM field_values WHERE slot = ? AND value = ?)"
        args += [slot, attribute[1]]
    for row in conn.execute(sql + " ORDER BY id", args):
        yield _mobject(row)


def by_attribute(conn: sqlite3.Connection, mtype: str, name: str, value: str) -> MObject | None:
    """The most recently added MObject of a type whose attribute ``name`` is ``value`` (marketo-objects.md:
    external keys are not unique; "Should a duplicate occur, Marketo uses the most recently added object")."""
    slot = field_index.slots(conn, kind(mtype)).get(name)
    if slot is None:
        return None
    row = conn.execute(
        "SELECT m.* FROM field_values f JOIN mobjects m ON m.type = ? AND m.id = f.owner"
        " WHERE f.slot = ? AND f.value = ? ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
        (mtype, slot, value),
    ).fetchone()
    return None if row is None else _mobject(row)


def program_by_name(conn: sqlite3.Connection, name: str) -> MObject | None:
    """The Program whose Name is ``name`` (case-insensitive), or None."""
    wanted = name.strip().casefold()
    return next((p for p in all_of(conn, PROGRAM) if p.attributes.get("Name", "").casefold() == wanted), None)


def insert(
    conn: sqlite3.Connection,
    mtype: str,
    attributes: dict[str, str],
    details: dict[str, Any],
    now_us: int,
    mid: int | None = None,
) -> MObject:
    """Store a new MObject (the next id of its type unless ``mid`` is given) and return it."""
    if mid is None:
        row = conn.execute(
            "SELECT COALESCE(MAX(id), 0) + 1 AS next FROM mobjects WHERE type = ?", (mtype,)
        ).fetchone()
        mid = int(row["next"])
    conn.execute(
        "INSERT INTO mobjects (type, id, attributes, details, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (mtype, mid, dumps(attributes), dumps(details), now_us, now_us),
    )
    _reindex(conn, mtype, mid, {}, attributes)
    return MObject(mtype, mid, dict(attributes), dict(details), now_us, now_us)


def save(conn: sqlite3.Connection, obj: MObject, now_us: int) -> None:
    """Write back an MObject's attributes and details, stamping ``updated_at``."""
    obj.updated_at = now_us
    _reindex(conn, obj.type, obj.id, _stored_attributes(conn, obj.type, obj.id), obj.attributes)
    conn.execute(
        "UPDATE mobjects SET attributes = ?, details = ?, updated_at = ? WHERE type = ? AND id = ?",
        (dumps(obj.attributes), dumps(obj.details), now_us, obj.type, obj.id),
    )


def delete(conn: sqlite3.Connection, mtype: str, mid: int) -> bool:
    """Delete an MObject; False when there was none."""
    _reindex(conn, mtype, mid, _stored_attributes(conn, mtype, mid), {})
    return conn.execute("DELETE FROM mobjects WHERE type = ? AND id = ?", (mtype, mid)).rowcount > 0
