"""Smart campaigns and their runs (requestCampaign, scheduleCampaign, getCampaignsForSource)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mktows.emulator.model import activities, mobjects
from mktows.emulator.store import count_usage, dumps, loads
from mktows.emulator.timeutil import quota_day, to_us

TRIGGER = "trigger"  # has a "Campaign is Requested" trigger: requestCampaign and getCampaignsForSource
BATCH = "batch"  # runs on a schedule: scheduleCampaign


@dataclass(frozen=True)
class Campaign:
    """One smart campaign; ``sources`` are the request sources (MKTOWS, SALES) its trigger accepts."""

    id: int
    name: str
    description: str
    type: str
    sources: tuple[str, ...]
    program: str | None


def _campaign(row: sqlite3.Row) -> Campaign:
    return Campaign(
        id=int(row["id"]),
        name=str(row["name"]),
        description=str(row["description"]),
        type=str(row["type"]),
        sources=tuple(loads(row["sources"]) or ()),
        program=row["program"],
    )


def all_campaigns(conn: sqlite3.Connection) -> list[Campaign]:
    """Every campaign, in id order."""
    return [_campaign(row) for row in conn.execute("SELECT * FROM campaigns ORDER BY id")]


def by_id(conn: sqlite3.Connection, campaign_id: int) -> Campaign | None:
    """The campaign with that id, or None."""
    row = conn.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
    return None if row is None else _campaign(row)


def by_name(conn: sqlite3.Connection, program: str, name: str) -> Campaign | None:
    """The campaign of that name in that program (both case-insensitive), or None."""
    for campaign in all_campaigns(conn):
        if campaign.name.casefold() == name.strip().casefold() and (
            (campaign.program or "").casefold() == program.strip().casefold()
        ):
            return campaign
    return None


def insert(
    conn: sqlite3.Connection,
    name: str,
    description: str,
    ctype: str,
    sources: Sequence[str],
    program: str | None,
    campaign_id: int | None = None,
) -> Campaign:
    """Store a campaign (a new id unless given) and return it."""
    cursor = conn.execute(
        "INSERT INTO campaigns (id, name, description, type, sources, program) VALUES (?, ?, ?, ?, ?, ?)",
        (campaign_id, name, description, ctype, dumps(list(sources)), program),
    )
    found = by_id(conn, int(cursor.lastrowid or 0))
    assert found is not None
    return found


def record_run(
    conn: sqlite3.Connection,
    campaign: Campaign,
    kind: str,
    lead_ids: Sequence[int],
    tokens: Mapping[str, str],
    run_at: int,
    now_us: int,
    source: str | None = None,
) -> int:
    """Record that a campaign was requested for leads or scheduled; returns the run id."""
    cursor = conn.execute(
        "INSERT INTO campaign_runs (campaign_id, kind, source, lead_ids, tokens, run_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (campaign.id, kind, source, dumps(list(lead_ids)), dumps(dict(tokens)), run_at, now_us),
    )
    return int(cursor.lastrowid or 0)


def record_request(
    conn: sqlite3.Connection,
    campaign: Campaign,
    lead_ids: Sequence[int],
    tokens: Mapping[str, str],
    now_us: int,
    source: str,
) -> None:
    """Record that leads were requested through a trigger campaign (the run and each lead's "Request
    Campaign" activity), for requestCampaign and REST's trigger alike."""
    record_run(conn, campaign, "request", lead_ids, tokens, now_us, now_us, source)
    for lead_id in lead_ids:
        activities.record(
            conn,
            lead_id,
            activities.REQUEST_CAMPAIGN,
            now_us,
            asset=campaign.name,
            attributes={
                "Source": "Sales Insight" if source == "SALES" else "Web Service API",
                "Lead ID": str(lead_id),
            },
            campaign=campaign.name,
        )


class CloneRefused(Exception):
    """A schedule's program clone cannot be made; ``quota`` when the day's clone calls are used up."""

    def __init__(self, reason: str, quota: bool = False) -> None:
        super().__init__(reason)
        self.quota = quota


def clone_for_schedule(
    conn: sqlite3.Connection,
    program: mobjects.MObject,
    campaign: Campaign,
    clone_name: str,
    now: datetime,
    calls_per_day: int,
) -> Campaign:
    """Clone a campaign's program under a new name for a schedule (scheduleCampaign's and REST Schedule
    Campaign's cloneToProgramName) and return the campaign's copy in it; the clone calls of a day are counted
    together across both faces. CloneRefused when the name is taken or the day's calls are used up."""
    if mobjects.program_by_name(conn, clone_name) is not None:
        raise CloneRefused(f"a program named {clone_name!r} exists already")
    if not count_usage(conn, quota_day(now), "cloneToProgramName", calls_per_day):
        raise CloneRefused(f"only {calls_per_day} schedule calls a day may clone a program", quota=True)
    attributes = dict(program.attributes)
    attributes["Name"] = clone_name
    if "Tree Path" in attributes:
        attributes["Tree Path"] = attributes["Tree Path"].rsplit("/", 1)[0] + "/" + clone_name
    now_us = to_us(now)
    mobjects.insert(conn, mobjects.PROGRAM, attributes, dict(program.details), now_us)
    return insert(conn, campaign.name, campaign.description, campaign.type, campaign.sources, clone_name)
