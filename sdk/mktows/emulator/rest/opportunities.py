"""Opportunities and opportunity roles over REST (opportunities.md, opportunity-roles.md, lead-database.md):
sync, get (by a searchable field, or by the compound key with ``_method=GET``), delete, describe; the SOAP
MObjects Opportunity and OpportunityPersonRole they succeed, over the same stored records.

An opportunity's REST dedupe field ``externalOpportunityId`` is its stored ``opportunityId`` attribute (the
external key of the SOAP examples); a role's compound key is (externalOpportunityId, leadId, role), stored as
the opportunity's id, ``PersonId`` and ``Role``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.model import leads, mobjects
from mktows.emulator.model.mobjects import OPPORTUNITY, OPPORTUNITY_ROLE, MObject
from mktows.emulator.model.values import value_error
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.custom_objects import (
    MAX_RECORDS,
    batch_size,
    decode_token,
    encode_token,
    sync_options,
)
from mktows.emulator.rest.envelope import Answer, RecordFailure, RestError, each_record
from mktows.emulator.rest.values import api_name, guid, guid_number, instant, json_value, stored_value

ID_FIELD = "marketoGUID"
EXTERNAL_ID = "externalOpportunityId"
EXTERNAL_ATTRIBUTE = "opportunityId"


@dataclass(frozen=True)
class Field:
    """A REST field of an object: the stored attribute, its data type, whether a sync may change it."""

    stored: str
    data_type: str
    updateable: bool = True


@dataclass(frozen=True)
class Kind:
    """Opportunity or opportunity role as REST sees it."""

    mtype: str
    name: str
    display_name: str
    dedupe: tuple[str, ...]
    searchable: tuple[tuple[str, ...], ...]
    fields: Callable[[EmulatorConfig], dict[str, Field]]


def _opportunity_fields(config: EmulatorConfig) -> dict[str, Field]:
    fields = {EXTERNAL_ID: Field(EXTERNAL_ATTRIBUTE, "string", updateable=False)}
    for definition in config.opportunity_fields:
        if definition.name != EXTERNAL_ATTRIBUTE and " " not in definition.name:
            fields[api_name(definition.name)] = Field(definition.name, definition.data_type)
    return fields


def _role_fields(config: EmulatorConfig) -> dict[str, Field]:
    return {
        EXTERNAL_ID: Field("OpportunityId", "string", updateable=False),
        "leadId": Field("PersonId", "integer", updateable=False),
        "role": Field("Role", "string", updateable=False),
        "isPrimary": Field("IsPrimary", "boolean"),
        "externalCreatedDate": Field("ExternalCreatedDate", "datetime"),
    }


OPPORTUNITIES = Kind(
    OPPORTUNITY,
    "opportunity",
    "Opportunity",
    (EXTERNAL_ID,),
    ((EXTERNAL_ID,), (ID_FIELD,)),
    _opportunity_fields,
)
ROLES = Kind(
    OPPORTUNITY_ROLE,
    "opportunityRole",
    "Opportunity Role",
    (EXTERNAL_ID, "leadId", "role"),
    ((EXTERNAL_ID, "leadId", "role"), (ID_FIELD,), ("leadId",), (EXTERNAL_ID,)),
    _role_fields,
)


def _guid(kind: Kind, obj: MObject) -> str:
    return guid(mobjects.kind(kind.mtype), obj.id)


def _rest_values(ctx: RestContext, kind: Kind, obj: MObject) -> dict[str, Any]:
    """Every REST field of a stored object, as JSON values."""
    values: dict[str, Any] = {}
    for name, spec in kind.fields(ctx.config).items():
        text = obj.attributes.get(spec.stored)
        if kind is ROLES and name == EXTERNAL_ID and text:
            opportunity = mobjects.get(ctx.conn, OPPORTUNITY, int(text)) if text.isdigit() else None
            text = opportunity.attributes.get(EXTERNAL_ATTRIBUTE) if opportunity else None
        values[name] = json_value(spec.data_type, text)
    return values


def _stored(ctx: RestContext, kind: Kind, name: str, value: Any) -> tuple[str, str]:
    """(stored attribute, stored text) of one REST input field; a record failure when it cannot be."""
    spec = kind.fields(ctx.config).get(name)
    if spec is None:
        raise RecordFailure(1006, f"Field '{name}' not found")
    text = stored_value(value, name)
    if kind is ROLES and name == EXTERNAL_ID:
        opportunity = mobjects.by_attribute(ctx.conn, OPPORTUNITY, EXTERNAL_ATTRIBUTE, text)
        if opportunity is None:
            raise RecordFailure(1013, f"Object not found: no opportunity '{text}'")
        return spec.stored, str(opportunity.id)
    if (
        kind is ROLES
        and name == "leadId"
        and (not text.isdigit() or leads.by_id(ctx.conn, int(text)) is None)
    ):
        raise RecordFailure(1004, "Lead not found")
    problem = value_error(spec.data_type, text)
    if problem:
        raise RecordFailure(1003, f"Invalid data: {problem}")
    return spec.stored, text


def _find(ctx: RestContext, kind: Kind, keys: dict[str, Any]) -> MObject | None:
    """The stored object with this dedupe key (REST values), or None."""
    stored = dict(_stored(ctx, kind, name, keys[name]) for name in kind.dedupe)
    first = next(iter(stored.items()))
    for obj in mobjects.all_of(ctx.conn, kind.mtype, attribute=first):
        if all(obj.attributes.get(k, "").casefold() == v.casefold() for k, v in stored.items()):
            return obj
    return None


def _by_guid(ctx: RestContext, kind: Kind, value: Any) -> MObject | None:
    number = guid_number(mobjects.kind(kind.mtype), str(value or ""))
    return None if number is None else mobjects.get(ctx.conn, kind.mtype, number)


def _sync_one(
    ctx: RestContext, kind: Kind, action: str, dedupe_by: str, item: dict[str, Any]
) -> dict[str, Any]:
    if dedupe_by == "idField":
        existing = _by_guid(ctx, kind, item.pop(ID_FIELD, None))
        if existing is None:
            raise RecordFailure(1013, "Record not found")
    else:
        missing = [name for name in kind.dedupe if item.get(name) in (None, "")]
        if missing:
            raise RecordFailure(1003, f"Invalid data: {', '.join(missing)} cannot be blank")
        existing = _find(ctx, kind, item)
    changes = dict(_stored(ctx, kind, name, value) for name, value in item.items() if name != ID_FIELD)
    if existing is None:
        if action == "updateOnly":
            raise RecordFailure(1013, "Record not found")
        created = mobjects.insert(
            ctx.conn, kind.mtype, {k: v for k, v in changes.items() if v}, {}, ctx.now_us
        )
        return {"marketoGUID": _guid(kind, created), "status": "created"}
    if action == "createOnly":
        raise RecordFailure(1017, "Record already exists")
    for stored, text in changes.items():
        if text:
            existing.attributes[stored] = text
        else:
            existing.attributes.pop(stored, None)
    mobjects.save(ctx.conn, existing, ctx.now_us)
    return {"marketoGUID": _guid(kind, existing), "status": "updated"}


def _sync(ctx: RestContext, kind: Kind) -> Answer:
    action, dedupe_by = sync_options(ctx)
    return Answer(
        each_record(
            ctx.request.input_list(MAX_RECORDS), lambda item: _sync_one(ctx, kind, action, dedupe_by, item)
        )
    )


def _delete(ctx: RestContext, kind: Kind) -> Answer:
    delete_by = ctx.request.json_object().get("deleteBy", "dedupeFields")
    if delete_by not in ("dedupeFields", "idField"):
        raise RestError(1003, f"Invalid data: deleteBy '{delete_by}'")

    def delete_item(item: dict[str, Any]) -> dict[str, Any]:
        if delete_by == "idField":
            found = _by_guid(ctx, kind, item.get(ID_FIELD))
        else:
            if any(item.get(name) in (None, "") for name in kind.dedupe):
                raise RecordFailure(1003, f"Invalid data: {', '.join(kind.dedupe)} are required")
            found = _find(ctx, kind, item)
        if found is None:
            raise RecordFailure(1013, "Record not found")
        mobjects.delete(ctx.conn, kind.mtype, found.id)
        return {"marketoGUID": _guid(kind, found), "status": "deleted"}

    return Answer(each_record(ctx.request.input_list(MAX_RECORDS), delete_item))


def _get(ctx: RestContext, kind: Kind) -> Answer:
    body = ctx.request.json_object() if ctx.request.method == "POST" else {}
    filter_type = body.get("filterType") or ctx.request.param("filterType")
    if not filter_type:
        raise RestError(1002, "Missing value for the required parameter 'filterType'")
    if filter_type == "idField":
        filter_type = ID_FIELD
    wanted = body.get("fields") or ctx.request.values("fields")
    if "input" in body:
        criteria = [dict(item) for item in ctx.request.input_list(MAX_RECORDS) if isinstance(item, dict)]
        fields = kind.dedupe if filter_type == "dedupeFields" else (filter_type,)
    else:
        values = ctx.request.values("filterValues")
        if not values:
            raise RestError(1002, "Missing value for the required parameter 'filterValues'")
        fields = kind.dedupe if filter_type == "dedupeFields" else (filter_type,)
        if len(fields) != 1:
            raise RestError(1003, "Invalid data: a compound key is queried with _method=GET and input")
        criteria = [{fields[0]: value} for value in values]
    if tuple(fields) not in kind.searchable:
        raise RestError(1003, f"Invalid data: '{filter_type}' is not a searchable field")
    found: list[MObject] = []
    for obj in mobjects.all_of(ctx.conn, kind.mtype):
        values_of = {**_rest_values(ctx, kind, obj), ID_FIELD: _guid(kind, obj)}
        if any(all(str(values_of.get(k)) == str(v) for k, v in c.items()) for c in criteria):
            found.append(obj)
    size = batch_size(ctx)
    token = ctx.request.param("nextPageToken") or body.get("nextPageToken")
    start = decode_token(token).get("o", 0) if token else 0
    page = found[start : start + size]
    more = start + size < len(found)
    result = []
    for seq, obj in enumerate(page):
        values_of = _rest_values(ctx, kind, obj)
        record: dict[str, Any] = {"seq": seq, "marketoGUID": _guid(kind, obj)}
        for name in wanted or kind.dedupe:
            if name in values_of:
                record[name] = values_of[name]
        record["createdAt"], record["updatedAt"] = instant(obj.created_at), instant(obj.updated_at)
        result.append(record)
    return Answer(
        result, next_page_token=encode_token({"o": start + size}) if more else None, more_result=more
    )


def _describe(ctx: RestContext, kind: Kind) -> Answer:
    stamp = instant(0)
    fields = [
        {
            "name": ID_FIELD,
            "displayName": "Marketo GUID",
            "dataType": "string",
            "length": 36,
            "updateable": False,
        }
    ]
    fields += [
        {"name": name, "displayName": spec.stored, "dataType": spec.data_type, "updateable": spec.updateable}
        for name, spec in kind.fields(ctx.config).items()
    ]
    return Answer(
        [
            {
                "name": kind.name,
                "apiName": kind.name,
                "displayName": kind.display_name,
                "pluralName": f"{kind.display_name}s",
                "description": kind.display_name,
                "createdAt": stamp,
                "updatedAt": stamp,
                "idField": ID_FIELD,
                "dedupeFields": list(kind.dedupe),
                "searchableFields": [list(s) for s in kind.searchable],
                "relationships": [],
                "fields": fields,
                "status": "approved",
                "state": "approved",
                "version": "approved",
            }
        ]
    )


def sync_opportunities(ctx: RestContext) -> Answer:
    """POST /rest/v1/opportunities.json."""
    return _sync(ctx, OPPORTUNITIES)


def get_opportunities(ctx: RestContext) -> Answer:
    """GET /rest/v1/opportunities.json."""
    return _get(ctx, OPPORTUNITIES)


def delete_opportunities(ctx: RestContext) -> Answer:
    """POST /rest/v1/opportunities/delete.json."""
    return _delete(ctx, OPPORTUNITIES)


def describe_opportunities(ctx: RestContext) -> Answer:
    """GET /rest/v1/opportunities/describe.json."""
    return _describe(ctx, OPPORTUNITIES)


def sync_roles(ctx: RestContext) -> Answer:
    """POST /rest/v1/opportunities/roles.json."""
    return _sync(ctx, ROLES)


def get_roles(ctx: RestContext) -> Answer:
    """GET /rest/v1/opportunities/roles.json."""
    return _get(ctx, ROLES)


def delete_roles(ctx: RestContext) -> Answer:
    """POST /rest/v1/opportunities/roles/delete.json."""
    return _delete(ctx, ROLES)


def describe_roles(ctx: RestContext) -> Answer:
    """GET /rest/v1/opportunities/roles/describe.json."""
    return _describe(ctx, ROLES)
