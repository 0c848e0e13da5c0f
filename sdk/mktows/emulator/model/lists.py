"""Static lists and their members (listOperation, importToList, StaticListSelector)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from mktows.emulator.model import activities


@dataclass(frozen=True)
class StaticList:
    """One static list; ``program`` is set for lists that live in a program (importToList)."""

    id: int
    name: str
    program: str | None
    sales_user_id: str | None
    sfdc_lead_owner_id: str | None


def _list(row: sqlite3.Row) -> StaticList:
    return StaticList(
        id=int(row["id"]),
        name=str(row["name"]),
        program=row["program"],
        sales_user_id=row["sales_user_id"],
        sfdc_lead_owner_id=row["sfdc_lead_owner_id"],
    )


def all_lists(conn: sqlite3.Connection) -> list[StaticList]:
    """Every list, in id order."""
    return [_list(row) for row in conn.execute("SELECT * FROM lists ORDER BY id")]


def name_matches(candidate: StaticList, name: str) -> bool:
    """Whether a list answers to ``name`` (case-insensitive)."""
    return candidate.name.casefold() == name.strip().casefold()


def by_id(conn: sqlite3.Connection, list_id: int) -> StaticList | None:
    """The list with that id, or None."""
    row = conn.execute("SELECT * FROM lists WHERE id = ?", (list_id,)).fetchone()
    return None if row is None else _list(row)


def by_name(conn: sqlite3.Connection, name: str, program: str | None = None) -> StaticList | None:
    """The list of that name (case-insensitive), in ``program`` when given. A ``Program.List`` name (the
    docs' PHP sample: "ProgramName.ListName") finds the list in that program."""
    for candidate in all_lists(conn):
        if not name_matches(candidate, name):
            continue
        if program is None or (candidate.program or "").casefold() == program.strip().casefold():
            return candidate
    if program is None and "." in name:
        head, _, tail = name.partition(".")
        return by_name(conn, tail, head)
    return None


def by_owner(conn: sqlite3.Connection, column: str, value: str) -> StaticList | None:
    """The list keyed by a sales user id or SFDC lead owner id (listOperation's other listKey types)."""
    if column not in ("sales_user_id", "sfdc_lead_owner_id"):
        raise ValueError(column)
    row = conn.execute(f"SELECT * FROM lists WHERE {column} = ? ORDER BY id", (value,)).fetchone()
    return None if row is None else _list(row)


def members(conn: sqlite3.Connection, list_id: int) -> list[int]:
    """The lead ids of a list, in id order."""
    rows = conn.execute("SELECT lead_id FROM list_members WHERE list_id = ? ORDER BY lead_id", (list_id,))
    return [int(row["lead_id"]) for row in rows]


def is_member(conn: sqlite3.Connection, list_id: int, lead_id: int) -> bool:
    """Whether a lead is in a list."""
    row = conn.execute(
        "SELECT 1 FROM list_members WHERE list_id = ? AND lead_id = ?", (list_id, lead_id)
    ).fetchone()
    return row is not None


def add(conn: sqlite3.Connection, list_id: int, lead_id: int, now_us: int) -> bool:
    """Add a lead to a list; False when it already was a member."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO list_members (list_id, lead_id, added_at) VALUES (?, ?, ?)",
        (list_id, lead_id, now_us),
    )
    return cursor.rowcount > 0


def remove(conn: sqlite3.Connection, list_id: int, lead_id: int) -> bool:
    """Remove a lead from a list; False when it was not a member."""
    cursor = conn.execute("DELETE FROM list_members WHERE list_id = ? AND lead_id = ?", (list_id, lead_id))
    return cursor.rowcount > 0


def clear(conn: sqlite3.Connection, list_id: int) -> None:
    """Empty a list (importToList's clearList)."""
    conn.execute("DELETE FROM list_members WHERE list_id = ?", (list_id,))


def _log(conn: sqlite3.Connection, target: StaticList, lead_id: int, activity: str, now_us: int) -> None:
    activities.record(
        conn,
        lead_id,
        activity,
        now_us,
        asset=target.name,
        attributes={"List Name": target.name, "Lead ID": str(lead_id)},
    )


def add_member(conn: sqlite3.Connection, target: StaticList, lead_id: int, now_us: int) -> bool:
    """Add a lead to a list and log its "Add to List" activity (SOAP listOperation and importToList, REST
    Add to List and bulk import alike); False, and nothing logged, when it already was a member."""
    added = add(conn, target.id, lead_id, now_us)
    if added:
        _log(conn, target, lead_id, activities.ADD_TO_LIST, now_us)
    return added


def remove_member(conn: sqlite3.Connection, target: StaticList, lead_id: int, now_us: int) -> bool:
    """Remove a lead from a list and log its "Remove from List" activity; False when it was not a member."""
    removed = remove(conn, target.id, lead_id)
    if removed:
        _log(conn, target, lead_id, activities.REMOVE_FROM_LIST, now_us)
    return removed
