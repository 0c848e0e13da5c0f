"""MObjects: Opportunity, OpportunityPersonRole and Program records, each type with its own id sequence.

``attributes`` hold the name/value pairs of ``attribList``; ``details`` hold what is not a plain attribute:
a Program's tags, channel, period costs and My Tokens, an Opportunity's Company key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mktows.emulator.store import dumps, loads

OPPORTUNITY = "Opportunity"
OPPORTUNITY_ROLE = "OpportunityPersonRole"
PROGRAM = "Program"
TYPES = (OPPORTUNITY, OPPORTUNITY_ROLE, PROGRAM)


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
    conn: sqlite3.Connection, mtype: str, after_id: int = 0, only_id: int | None = None
) -> Iterator[MObject]:
    """The MObjects of a type with an id above ``after_id`` (and equal to ``only_id`` when given), in id
    order, read as the caller consumes them (a page stops reading once it is full)."""
    sql, args = "SELECT * FROM mobjects WHERE type = ? AND id > ?", [mtype, after_id]
    if only_id is not None:
        sql += " AND id = ?"
        args.append(only_id)
    for row in conn.execute(sql + " ORDER BY id", args):
        yield _mobject(row)


def by_attribute(conn: sqlite3.Connection, mtype: str, name: str, value: str) -> MObject | None:
    """The most recently added MObject of a type whose attribute ``name`` is ``value`` (marketo-objects.md:
    external keys are not unique; "Should a duplicate occur, Marketo uses the most recently added object")."""
    path = '$."' + name.replace('"', "") + '"'
    row = conn.execute(
        "SELECT * FROM mobjects WHERE type = ? AND json_extract(attributes, ?) = ? ORDER BY created_at DESC, id DESC",
        (mtype, path, value),
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
    return MObject(mtype, mid, dict(attributes), dict(details), now_us, now_us)


def save(conn: sqlite3.Connection, obj: MObject, now_us: int) -> None:
    """Write back an MObject's attributes and details, stamping ``updated_at``."""
    obj.updated_at = now_us
    conn.execute(
        "UPDATE mobjects SET attributes = ?, details = ?, updated_at = ? WHERE type = ? AND id = ?",
        (dumps(obj.attributes), dumps(obj.details), now_us, obj.type, obj.id),
    )


def delete(conn: sqlite3.Connection, mtype: str, mid: int) -> bool:
    """Delete an MObject; False when there was none."""
    return conn.execute("DELETE FROM mobjects WHERE type = ? AND id = ?", (mtype, mid)).rowcount > 0
