"""Lead activities: recorded as leads change (New Lead, Change Data Value, Add to List, Merge Leads, Request
Campaign, ...) and read back by getLeadActivity and getLeadChanges.

Activity types are stored under their display names ("Visit Webpage"), as responses report them. Filters may
name a type either way: getLeadActivity's ``activityType`` enum (``VisitWebpage``) or getLeadChanges'
``activityNameFilter`` display names; both are matched through ``type_key``, stored with each activity so
that filtering, paging and counting run in SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mktows.activity_types import type_key as type_key
from mktows.emulator.model import field_index
from mktows.emulator.store import dumps, loads
from mktows.types import ActivityType

# The 67 names of activity-type-filters.md.
DISPLAY_NAMES: tuple[str, ...] = (
    "Add to List", "Add to Nurture", "Add to Opportunity", "Add to Segment", "Add to SFDC Campaign",
    "Add to Smart Campaign", "Assign Nurture Content", "Capture Campaign Membership History",
    "Capture List Membership History", "Change Account Owner", "Change Attribute Datatype", "Change CRM User",
    "Change Custom Object", "Change Data Value", "Change Nurture Cadence", "Change Nurture Exhausted",
    "Change Nurture Track", "Change Owner", "Change Program Data", "Change Revenue Stage",
    "Change Revenue Stage Manually", "Change Score", "Change Segment", "Change Status in Progression",
    "Change Status in SFDC Campaign", "Click Email", "Click Link", "Click Sales Email", "Click Shared Link",
    "Convert Lead", "Create Task", "Delete Lead from SFDC", "Email Bounced", "Email Bounced Soft",
    "Email Delivered", "Enrich with Data.com", "Fill Out Form", "Interesting Moment", "Lead Assigned",
    "Merge Leads", "New Lead", "New SFDC Opportunity", "Nurture Deploy", "Open Email", "Open Sales Email",
    "Receive Sales Email", "Received Forward to Friend Email", "Remove from Flow", "Remove from List",
    "Remove from Opportunity", "Remove from SFDC Campaign", "Request Campaign", "Reward Test Group Variant",
    "Sales Email Bounced", "Segmentation Approval", "Send Alert", "Send Email", "Send Sales Email",
    "Sent Forward to Friend Email", "SFDC Activity", "SFDC Activity Updated", "SFDC Merge Leads",
    "Share Content", "Sync Lead to SFDC", "Sync Lead Updates to SFDC", "Unsubscribe Email",
    "Update Opportunity", "Visit Webpage",
)  # fmt: skip

NEW_LEAD = "New Lead"
CHANGE_DATA_VALUE = "Change Data Value"
ADD_TO_LIST = "Add to List"
REMOVE_FROM_LIST = "Remove from List"
MERGE_LEADS = "Merge Leads"
REQUEST_CAMPAIGN = "Request Campaign"
API_SOURCE = "Web service API"
LIST_IMPORT_SOURCE = "List import"  # importToList and its REST successor, Bulk Import Leads (migration.md)


KNOWN_TYPE_KEYS: frozenset[str] = frozenset(
    [type_key(n) for n in DISPLAY_NAMES] + [type_key(t.value) for t in ActivityType]
)


# The derived-data stamp of the type_key column (a database an older emulator wrote has it empty).
TYPE_KEYS, TYPE_KEYS_VERSION = "activity_type_keys", "1"


def fill_type_keys(conn: sqlite3.Connection) -> None:
    """Store the type key of every activity that lacks one."""
    for row in conn.execute("SELECT DISTINCT type FROM activities WHERE type_key IS NULL").fetchall():
        conn.execute(
            "UPDATE activities SET type_key = ? WHERE type = ? AND type_key IS NULL",
            (type_key(str(row["type"])), row["type"]),
        )
    field_index.mark_built(conn, TYPE_KEYS, TYPE_KEYS_VERSION)


def is_known_type(name: str) -> bool:
    """Whether ``name`` names a documented activity type (either spelling)."""
    return type_key(name) in KNOWN_TYPE_KEYS


@dataclass(frozen=True)
class Activity:
    """One stored activity."""

    id: int
    lead_id: int
    type: str
    created_at: int
    asset: str | None
    attributes: Mapping[str, str]
    campaign: str | None


def record(
    conn: sqlite3.Connection,
    lead_id: int,
    activity_type: str,
    created_at: int,
    *,
    asset: str | None = None,
    attributes: Mapping[str, str] | None = None,
    campaign: str | None = None,
) -> int:
    """Store one activity of a lead and return its id."""
    cursor = conn.execute(
        "INSERT INTO activities (lead_id, type, type_key, created_at, asset, attributes, campaign)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            lead_id,
            activity_type,
            type_key(activity_type),
            created_at,
            asset,
            dumps(dict(attributes or {})),
            campaign,
        ),
    )
    return int(cursor.lastrowid or 0)


def _activity(row: sqlite3.Row) -> Activity:
    return Activity(
        id=int(row["id"]),
        lead_id=int(row["lead_id"]),
        type=str(row["type"]),
        created_at=int(row["created_at"]),
        asset=row["asset"],
        attributes=loads(row["attributes"]) or {},
        campaign=row["campaign"],
    )


@dataclass(frozen=True)
class ActivityQuery:
    """Which activities a getLeadActivity/getLeadChanges call selects (bounds inclusive, ids exclusive)."""

    lead_ids: Iterable[int] | None = None  # None: every lead (or every member of list_id)
    list_id: int | None = None  # the leads of a static list
    include: frozenset[str] | None = None  # type keys
    exclude: frozenset[str] = frozenset()
    oldest_us: int | None = None
    latest_us: int | None = None
    after_id: int | None = None
    before_id: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters."""
        clauses: list[str] = []
        args: list[Any] = []
        if self.lead_ids is not None:
            ids = list(self.lead_ids)
            if not ids:
                return "0", []
            clauses.append(f"lead_id IN ({','.join('?' * len(ids))})")
            args.extend(ids)
        if self.list_id is not None:
            clauses.append("lead_id IN (SELECT lead_id FROM list_members WHERE list_id = ?)")
            args.append(self.list_id)
        if self.include is not None:
            if not self.include:
                return "0", []
            clauses.append(f"type_key IN ({','.join('?' * len(self.include))})")
            args.extend(sorted(self.include))
        if self.exclude:
            clauses.append(f"type_key NOT IN ({','.join('?' * len(self.exclude))})")
            args.extend(sorted(self.exclude))
        if self.oldest_us is not None:
            clauses.append("created_at >= ?")
            args.append(self.oldest_us)
        if self.latest_us is not None:
            clauses.append("created_at <= ?")
            args.append(self.latest_us)
        if self.after_id is not None:
            clauses.append("id > ?")
            args.append(self.after_id)
        if self.before_id is not None:
            clauses.append("id < ?")
            args.append(self.before_id)
        return (" AND ".join(clauses) or "1"), args


def select(
    conn: sqlite3.Connection, query: ActivityQuery, limit: int, newest_first: bool
) -> tuple[list[Activity], int]:
    """Up to ``limit`` matching activities in id order (newest first or oldest first), and how many more
    match after them."""
    where, args = query.where()
    order = "DESC" if newest_first else "ASC"
    rows = conn.execute(f"SELECT * FROM activities WHERE {where} ORDER BY id {order} LIMIT ?", [*args, limit])
    page = [_activity(row) for row in rows]
    if len(page) < limit:
        return page, 0
    total = conn.execute(f"SELECT COUNT(*) AS n FROM activities WHERE {where}", args).fetchone()
    return page, int(total["n"]) - len(page)


def move(conn: sqlite3.Connection, from_lead: int, to_lead: int) -> None:
    """Give a merged-away lead's activities to the winning lead."""
    conn.execute("UPDATE activities SET lead_id = ? WHERE lead_id = ?", (to_lead, from_lead))
