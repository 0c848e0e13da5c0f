"""Leads: lookup by every documented key type, create and update with their activities, merge, and the
``LeadRecord`` a response carries.

A lead has the WSDL's top-level fields (Id, Email, ForeignSysPersonId, ForeignSysType), a Munchkin cookie, a
workspace, and attributes named by the configured lead fields. Every change is recorded as Marketo did: a
"New Lead" activity on creation, one "Change Data Value" activity per changed field.

Every key a lead is looked up by is indexed: Id, Email, ForeignSysPersonId and cookie as columns, the SFDC
and owner key fields in the field index (owner keys case-folded, as they are compared).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.failures import ServiceFault
from mktows.emulator.model import activities, field_index
from mktows.emulator.model.values import value_error
from mktows.emulator.store import dumps, loads
from mktows.types import ArrayOfAttribute, Attribute, ForeignSysType, LeadRecord

EMAIL = "Email"

# Key types answered from a lead field (OPERATIONS.md: getLead keyType list).
KEY_FIELDS: dict[str, str] = {
    "SFDCLEADID": "SFDCLeadId",
    "SFDCCONTACTID": "SFDCContactId",
    "SFDCACCOUNTID": "SFDCAccountId",
    "SFDCOPPTYID": "SFDCOpptyId",
}
# Key types that name the lead owner: no such owner is 20108 Lead Owner Not Found.
OWNER_KEY_FIELDS: dict[str, str] = {"LEADOWNEREMAIL": "LeadOwnerEmail", "SFDCLEADOWNERID": "SFDCLeadOwnerId"}
KEY_TYPES = frozenset({"IDNUM", "COOKIE", "EMAIL", *KEY_FIELDS, *OWNER_KEY_FIELDS})

INDEX_KIND = "lead"
_CASEFOLDED = frozenset(OWNER_KEY_FIELDS.values())
_INDEXED = (*KEY_FIELDS.values(), *OWNER_KEY_FIELDS.values())
INDEX_FINGERPRINT = dumps([[name, name in _CASEFOLDED] for name in _INDEXED])


def _indexed(attributes: Mapping[str, str]) -> dict[str, str]:
    """The indexed key fields of a lead's attributes, in the form lookups compare them."""
    values: dict[str, str] = {}
    for name in _INDEXED:
        value = attributes.get(name)
        if value:
            values[name] = value.casefold() if name in _CASEFOLDED else value
    return values


def _slots(conn: sqlite3.Connection) -> dict[str, int]:
    return field_index.slots(conn, INDEX_KIND, _INDEXED)


def _reindex(conn: sqlite3.Connection, lead_id: int, old: Mapping[str, str], new: Mapping[str, str]) -> None:
    field_index.change(conn, _slots(conn), lead_id, _indexed(old), _indexed(new))


def index_new(conn: sqlite3.Connection, lead_id: int, attributes: Mapping[str, str]) -> None:
    """Index the key fields of a lead just inserted."""
    _reindex(conn, lead_id, {}, attributes)


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Index the key fields of every lead afresh (a database an older emulator wrote)."""
    field_index.clear_kind(conn, INDEX_KIND)
    slot_of = _slots(conn)
    for row in conn.execute("SELECT id, attributes FROM leads"):
        field_index.add(
            conn, field_index.rows(slot_of, int(row["id"]), _indexed(loads(row["attributes"]) or {}))
        )
    field_index.mark_built(conn, INDEX_KIND, INDEX_FINGERPRINT)


@dataclass
class Lead:
    """One stored lead."""

    id: int
    email: str | None
    foreign_sys_person_id: str | None
    foreign_sys_type: str | None
    cookie: str | None
    workspace: str
    attributes: dict[str, str] = field(default_factory=dict)
    created_at: int = 0
    updated_at: int = 0

    def value(self, name: str) -> str | None:
        """The value of a lead field (``Email`` included), or None."""
        return self.email if name == EMAIL else self.attributes.get(name)

    @property
    def person_name(self) -> str | None:
        """ "First Last", as activity records show it."""
        parts = [self.attributes.get("FirstName", ""), self.attributes.get("LastName", "")]
        text = " ".join(p for p in parts if p)
        return text or None


def _lead(row: sqlite3.Row) -> Lead:
    return Lead(
        id=int(row["id"]),
        email=row["email"],
        foreign_sys_person_id=row["foreign_sys_person_id"],
        foreign_sys_type=row["foreign_sys_type"],
        cookie=row["cookie"],
        workspace=str(row["workspace"]),
        attributes=loads(row["attributes"]) or {},
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def _email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def by_id(conn: sqlite3.Connection, lead_id: int) -> Lead | None:
    """The lead with that Marketo id, or None."""
    row = conn.execute("SELECT * FROM leads WHERE id = ?", (lead_id,)).fetchone()
    return None if row is None else _lead(row)


def by_ids(conn: sqlite3.Connection, lead_ids: Iterable[int]) -> list[Lead]:
    """The leads with those ids that exist, in id order."""
    ids = sorted(set(lead_ids))
    found: list[Lead] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(f"SELECT * FROM leads WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        found.extend(_lead(row) for row in rows)
    return sorted(found, key=lambda lead: lead.id)


def by_attribute(conn: sqlite3.Connection, name: str, value: str) -> list[Lead]:
    """Leads whose field ``name`` equals ``value`` (Email compared case-insensitively), in id order."""
    if name == EMAIL:
        rows = conn.execute("SELECT * FROM leads WHERE email_key = ? ORDER BY id", (_email_key(value),))
    elif name in KEY_FIELDS.values():
        return by_ids(conn, field_index.owners(conn, _slots(conn)[name], value))
    else:
        path = '$."' + name.replace('"', "") + '"'
        rows = conn.execute(
            "SELECT * FROM leads WHERE json_extract(attributes, ?) = ? ORDER BY id", (path, value)
        )
    return [_lead(row) for row in rows]


def find(conn: sqlite3.Connection, key_type: str, value: str) -> list[Lead]:
    """Leads matching one LeadKey (IDNUM, COOKIE, EMAIL, LEADOWNEREMAIL, SFDC…), in id order.

    Raises 20101 for an empty value, 20102 for an unknown key type, 20108 when an owner key names no owner.
    """
    text = (value or "").strip()
    if not text:
        raise ServiceFault(20101, f"{key_type} key without a value")
    if key_type == "IDNUM":
        if not text.lstrip("-").isdigit():
            return []
        lead = by_id(conn, int(text))
        return [] if lead is None else [lead]
    if key_type == "COOKIE":
        return [
            _lead(row) for row in conn.execute("SELECT * FROM leads WHERE cookie = ? ORDER BY id", (text,))
        ]
    if key_type == "EMAIL":
        return by_attribute(conn, EMAIL, text)
    if key_type in KEY_FIELDS:
        return by_attribute(conn, KEY_FIELDS[key_type], text)
    if key_type in OWNER_KEY_FIELDS:
        name = OWNER_KEY_FIELDS[key_type]
        owned = by_ids(conn, field_index.owners(conn, _slots(conn)[name], text.casefold()))
        if not owned:
            raise ServiceFault(20108, f"no lead owner {text!r}")
        return owned
    raise ServiceFault(20102, f"key type {key_type!r} is not valid")


def attribute_error(config: EmulatorConfig, name: str, value: str) -> str | None:
    """Why a lead attribute cannot be written (unknown field, bad value), or None."""
    definition = config.lead_field(name)
    if definition is None:
        return f"unknown lead field {name!r}"
    if definition.readonly:
        return f"lead field {name!r} is read-only"
    return value_error(definition.data_type, value)


def create(
    conn: sqlite3.Connection,
    config: EmulatorConfig,
    now_us: int,
    *,
    email: str | None = None,
    foreign_sys_person_id: str | None = None,
    foreign_sys_type: str | None = None,
    cookie: str | None = None,
    workspace: str = "Default",
    attributes: Mapping[str, str] | None = None,
    lead_id: int | None = None,
    source: str = activities.API_SOURCE,
) -> Lead:
    """Insert a lead and record its "New Lead" activity. Attributes must already be checked."""
    values = {name: value for name, value in (attributes or {}).items() if name != EMAIL and value != ""}
    if attributes and EMAIL in attributes:
        email = attributes[EMAIL] or email
    cursor = conn.execute(
        "INSERT INTO leads (id, email, email_key, foreign_sys_person_id, foreign_sys_type, cookie, workspace,"
        " attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            lead_id,
            email,
            _email_key(email),
            foreign_sys_person_id,
            foreign_sys_type,
            cookie,
            workspace,
            dumps(values),
            now_us,
            now_us,
        ),
    )
    new_id = int(cursor.lastrowid or 0)
    index_new(conn, new_id, values)
    activities.record(
        conn,
        new_id,
        activities.NEW_LEAD,
        now_us,
        attributes={"Source Type": source, "Lead ID": str(new_id)},
    )
    lead = by_id(conn, new_id)
    assert lead is not None
    return lead


def update(
    conn: sqlite3.Connection,
    config: EmulatorConfig,
    lead: Lead,
    now_us: int,
    changes: Mapping[str, str],
    *,
    foreign_sys_person_id: str | None = None,
    foreign_sys_type: str | None = None,
    cookie: str | None = None,
    reason: str = activities.API_SOURCE,
) -> bool:
    """Apply field changes (``Email`` included) to a lead, recording one "Change Data Value" activity per
    field whose value changes; returns whether anything changed. Attributes must already be checked."""
    changed = False
    attributes = dict(lead.attributes)
    email = lead.email
    for name, new in changes.items():
        old = lead.value(name)
        if (old or "") == (new or ""):
            continue
        changed = True
        if name == EMAIL:
            email = new or None
        elif new:
            attributes[name] = new
        else:
            attributes.pop(name, None)
        definition = config.lead_field(name)
        label = (definition.display_name if definition else None) or name
        activities.record(
            conn,
            lead.id,
            activities.CHANGE_DATA_VALUE,
            now_us,
            asset=label,
            attributes={
                "Attribute Name": label,
                "Old Value": old or "",
                "New Value": new or "",
                "Reason": reason,
                "Source": activities.API_SOURCE,
                "Lead ID": str(lead.id),
            },
        )
    fsp = lead.foreign_sys_person_id
    fst = lead.foreign_sys_type
    if foreign_sys_person_id is not None and foreign_sys_person_id != fsp:
        fsp, changed = foreign_sys_person_id, True
    if foreign_sys_type is not None and foreign_sys_type != fst:
        fst, changed = foreign_sys_type, True
    new_cookie = lead.cookie
    if cookie is not None and cookie != lead.cookie:
        new_cookie, changed = cookie, True
    if not changed:
        return False
    conn.execute(
        "UPDATE leads SET email = ?, email_key = ?, foreign_sys_person_id = ?, foreign_sys_type = ?, cookie = ?,"
        " attributes = ?, updated_at = ? WHERE id = ?",
        (email, _email_key(email), fsp, fst, new_cookie, dumps(attributes), now_us, lead.id),
    )
    _reindex(conn, lead.id, lead.attributes, attributes)
    lead.email, lead.foreign_sys_person_id, lead.foreign_sys_type, lead.cookie = email, fsp, fst, new_cookie
    lead.attributes, lead.updated_at = attributes, now_us
    return True


def delete(conn: sqlite3.Connection, lead_id: int) -> None:
    """Remove a lead and its list memberships (its activities go with a merge, see ``merge``)."""
    row = conn.execute("SELECT attributes FROM leads WHERE id = ?", (lead_id,)).fetchone()
    if row is not None:
        _reindex(conn, lead_id, loads(row["attributes"]) or {}, {})
    conn.execute("DELETE FROM list_members WHERE lead_id = ?", (lead_id,))
    conn.execute("DELETE FROM leads WHERE id = ?", (lead_id,))


def merge(
    conn: sqlite3.Connection, config: EmulatorConfig, winner: Lead, losers: list[Lead], now_us: int
) -> None:
    """Merge losing leads into the winner: the winner keeps its values and takes the losers' values for its
    empty fields, their list memberships and activities; the losers are deleted; "Merge Leads" is recorded."""
    fill: dict[str, str] = {}
    for loser in losers:
        for name, value in {EMAIL: loser.email or "", **loser.attributes}.items():
            if value and not winner.value(name) and name not in fill:
                fill[name] = value
    update(conn, config, winner, now_us, fill, reason="Merge Leads")
    for loser in losers:
        conn.execute(
            "INSERT OR IGNORE INTO list_members (list_id, lead_id, added_at) "
            "SELECT list_id, ?, added_at FROM list_members WHERE lead_id = ?",
            (winner.id, loser.id),
        )
        activities.move(conn, loser.id, winner.id)
        delete(conn, loser.id)
    activities.record(
        conn,
        winner.id,
        activities.MERGE_LEADS,
        now_us,
        asset=winner.person_name or winner.email or str(winner.id),
        attributes={"Merge ids": ",".join(str(loser.id) for loser in losers), "Lead ID": str(winner.id)},
    )


def lead_record(config: EmulatorConfig, lead: Lead, include: Iterable[str] | None = None) -> LeadRecord:
    """The WSDL ``LeadRecord`` of a lead: non-empty attributes only (getlead.md), sorted by name, each with
    its data type; ``include`` limits the attributes (getMultipleLeads' includeAttributes)."""
    wanted = None if include is None else set(include)
    attributes: list[Attribute] = []
    for name in sorted(lead.attributes, key=str.lower):
        value = lead.attributes[name]
        if not value or (wanted is not None and name not in wanted):
            continue
        definition = config.lead_field(name)
        attributes.append(
            Attribute(
                attr_name=name, attr_type=definition.data_type if definition else "string", attr_value=value
            )
        )
    fst: Any = None
    if lead.foreign_sys_type:
        try:
            fst = ForeignSysType(lead.foreign_sys_type)
        except ValueError:
            fst = None
    return LeadRecord(
        id=lead.id,
        email=lead.email,
        foreign_sys_person_id=lead.foreign_sys_person_id,
        foreign_sys_type=fst,
        lead_attribute_list=ArrayOfAttribute(attribute=attributes) if attributes else None,
    )
