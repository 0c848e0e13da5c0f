"""Filling a new database with the configured seed data: leads, lists, programs, campaigns, opportunities,
opportunity roles, custom objects and activities. Runs once per database (``reset()`` runs it again)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from mktows.emulator.config import ConfigError, EmulatorConfig
from mktows.emulator.model import activities, campaigns, custom_objects, lists, mobjects
from mktows.emulator.model.leads import attribute_error, index_new
from mktows.emulator.store import Store, dumps
from mktows.emulator.timeutil import parse_us

SEED_LEADS_CREATED = parse_us("2013-07-01T00:00:00+00:00")
"""When seeded leads were created and last updated unless their entry says: the era of the docs' examples,
so that a seeded lead never looks recently changed to a LastUpdateAtSelector or getLeadChanges."""


def seed(store: Store, config: EmulatorConfig, now_us: int) -> None:
    """Write the seed data unless this database was seeded already; ConfigError for bad seed entries."""
    if store.meta("seeded") is not None:
        return
    with store.transaction() as conn:
        data = config.seed
        for entry in data["leads"]:
            _lead(conn, config, entry, now_us)
        for entry in data["lists"]:
            _list(conn, entry, now_us)
        for entry in data["programs"]:
            _program(conn, entry, now_us)
        for entry in data["campaigns"]:
            _campaign(conn, entry)
        for entry in data["opportunities"]:
            _mobject(conn, config, mobjects.OPPORTUNITY, entry, now_us)
        for entry in data["opportunity_roles"]:
            _mobject(conn, config, mobjects.OPPORTUNITY_ROLE, entry, now_us)
        for type_name, records in data["custom_objects"].items():
            _custom_objects(conn, config, type_name, records, now_us)
        for entry in data["activities"]:
            _activity(conn, entry, now_us)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', '1')")


def _need(entry: Any, key: str, where: str) -> Any:
    if not isinstance(entry, Mapping) or key not in entry:
        raise ConfigError(f"{where}: each entry needs {key!r}")
    return entry[key]


def _time(entry: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = entry.get(key)
    if value is None:
        return default
    try:
        return parse_us(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {key} {value!r} is not a W3C date-time") from None


def _strings(values: Any, where: str) -> dict[str, str]:
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where} must be a table of name = value")
    return {str(k): str(v) for k, v in values.items()}


def _lead(conn: sqlite3.Connection, config: EmulatorConfig, entry: Any, now_us: int) -> None:
    lead_id = int(_need(entry, "id", "leads"))
    attributes = _strings(entry.get("attributes", {}), f"leads[{lead_id}].attributes")
    for name, value in attributes.items():
        problem = attribute_error(config, name, value)
        if problem:
            raise ConfigError(f"leads[{lead_id}]: {problem}")
    email = entry.get("email")
    created = _time(entry, "created_at", SEED_LEADS_CREATED, f"leads[{lead_id}]")
    conn.execute(
        "INSERT INTO leads (id, email, email_key, foreign_sys_person_id, foreign_sys_type, cookie, workspace,"
        " attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            lead_id,
            email,
            email.strip().lower() if email else None,
            entry.get("foreign_sys_person_id"),
            entry.get("foreign_sys_type"),
            entry.get("cookie"),
            entry.get("workspace", "Default"),
            dumps(attributes),
            created,
            _time(entry, "updated_at", created, f"leads[{lead_id}]"),
        ),
    )
    index_new(conn, lead_id, attributes)


def _list(conn: sqlite3.Connection, entry: Any, now_us: int) -> None:
    list_id = int(_need(entry, "id", "lists"))
    conn.execute(
        "INSERT INTO lists (id, name, program, sales_user_id, sfdc_lead_owner_id) VALUES (?, ?, ?, ?, ?)",
        (
            list_id,
            str(_need(entry, "name", "lists")),
            entry.get("program"),
            entry.get("sales_user_id"),
            entry.get("sfdc_lead_owner_id"),
        ),
    )
    for lead_id in entry.get("members", []):
        lists.add(conn, list_id, int(lead_id), now_us)


PROGRAM_ATTRIBUTES = (
    ("name", "Name"),
    ("type", "Type"),
    ("description", "Description"),
    ("workspace_id", "Workspace Id"),
    ("workspace", "Workspace Name"),
    ("tree_path", "Tree Path"),
    ("archived", "Is Archived"),
    ("start_date", "Start Date"),
    ("end_date", "End Date"),
)


def _program(conn: sqlite3.Connection, entry: Any, now_us: int) -> None:
    program_id = int(_need(entry, "id", "programs"))
    _need(entry, "name", "programs")
    attributes: dict[str, str] = {}
    for key, label in PROGRAM_ATTRIBUTES:
        if entry.get(key) is not None:
            value = entry[key]
            attributes[label] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    details = {
        "channel": entry.get("channel"),
        "tags": _strings(entry.get("tags", {}), f"programs[{program_id}].tags"),
        "costs": [dict(cost) for cost in entry.get("costs", [])],
        "tokens": _strings(entry.get("tokens", {}), f"programs[{program_id}].tokens"),
    }
    mobjects.insert(conn, mobjects.PROGRAM, attributes, details, now_us, program_id)


def _campaign(conn: sqlite3.Connection, entry: Any) -> None:
    ctype = entry.get("type", campaigns.TRIGGER)
    if ctype not in (campaigns.TRIGGER, campaigns.BATCH):
        raise ConfigError(f"campaigns: type must be {campaigns.TRIGGER!r} or {campaigns.BATCH!r}")
    campaigns.insert(
        conn,
        str(_need(entry, "name", "campaigns")),
        str(entry.get("description", "")),
        ctype,
        [str(s) for s in entry.get("sources", ["MKTOWS"])],
        entry.get("program"),
        int(_need(entry, "id", "campaigns")),
    )


def _mobject(conn: sqlite3.Connection, config: EmulatorConfig, mtype: str, entry: Any, now_us: int) -> None:
    mid = int(_need(entry, "id", mtype))
    attributes = _strings(entry.get("attributes", {}), f"{mtype}[{mid}].attributes")
    details = {"company": entry["company"]} if entry.get("company") else {}
    mobjects.insert(conn, mtype, attributes, details, now_us, mid)


def _custom_objects(
    conn: sqlite3.Connection, config: EmulatorConfig, type_name: str, records: Any, now_us: int
) -> None:
    co_type = config.custom_object_type(type_name)
    if co_type is None:
        raise ConfigError(f"custom_objects: no custom object type {type_name!r}")
    if not isinstance(records, list):
        raise ConfigError(f"custom_objects.{type_name} must be a list")
    for index, entry in enumerate(records):
        where = f"custom_objects.{type_name}[{index}]"
        keys = _strings(_need(entry, "keys", where), f"{where}.keys")
        if set(keys) != set(co_type.dedupe_fields):
            raise ConfigError(f"{where}: keys must be exactly {list(co_type.dedupe_fields)}")
        attributes = _strings(entry.get("attributes", {}), f"{where}.attributes")
        unknown = [name for name in attributes if name not in co_type.attribute_fields]
        if unknown:
            raise ConfigError(f"{where}: unknown fields {unknown}")
        custom_objects.insert(conn, co_type, keys, attributes, now_us)


def _activity(conn: sqlite3.Connection, entry: Any, now_us: int) -> None:
    activity_type = str(_need(entry, "type", "activities"))
    if not activities.is_known_type(activity_type):
        raise ConfigError(f"activities: {activity_type!r} is not a documented activity type")
    activities.record(
        conn,
        int(_need(entry, "lead_id", "activities")),
        activity_type,
        _time(entry, "created_at", now_us, "activities"),
        asset=entry.get("asset"),
        attributes=_strings(entry.get("attributes", {}), "activities.attributes"),
        campaign=entry.get("campaign"),
    )
