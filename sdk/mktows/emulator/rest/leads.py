"""Leads over REST (leads.md): get by id, get by filter type, sync (``action`` createOnly / updateOnly /
createOrUpdate, ``lookupField``), merge, associate (Munchkin cookie), describe. Stored lead fields keep their
SOAP names; REST sees their API names (``values.api_name``)."""

from __future__ import annotations

from typing import Any

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.model import activities, leads
from mktows.emulator.model.leads import Lead
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.custom_objects import MAX_RECORDS, batch_size, decode_token, encode_token
from mktows.emulator.rest.envelope import Answer, RecordFailure, RestError, each_record
from mktows.emulator.rest.values import api_name, instant, json_value, stored_value

DEFAULT_FIELDS = ("email", "updatedAt", "createdAt", "lastName", "firstName", "id")
MAX_MERGE_IDS = 25
"""Losing ids per Merge Leads call; more are refused with 1080 (leads.md, Merge)."""
ACTIONS = ("createOnly", "updateOnly", "createOrUpdate", "createDuplicate")


def field_names(config: EmulatorConfig) -> dict[str, str]:
    """Stored lead field name by REST API name (case-insensitive keys)."""
    return {api_name(f.name).lower(): f.name for f in config.lead_fields}


def _stored_name(config: EmulatorConfig, name: str) -> str | None:
    return field_names(config).get(name.lower())


def lead_json(config: EmulatorConfig, lead: Lead, wanted: list[str] | None = None) -> dict[str, Any]:
    """A lead as REST shows it: the requested fields (leads.md's default set when none), null when empty."""
    data: dict[str, Any] = {"id": lead.id}
    for name in wanted or DEFAULT_FIELDS:
        if name == "id":
            continue
        if name == "createdAt":
            data[name] = instant(lead.created_at)
        elif name == "updatedAt":
            data[name] = instant(lead.updated_at)
        else:
            stored = _stored_name(config, name)
            definition = config.lead_field(stored) if stored else None
            value = lead.value(stored) if stored else None
            data[name] = json_value(definition.data_type if definition else "string", value)
    return data


def _wanted_fields(ctx: RestContext) -> list[str] | None:
    wanted = ctx.request.values("fields")
    unknown = [
        n for n in wanted if n not in ("id", "createdAt", "updatedAt") and not _stored_name(ctx.config, n)
    ]
    if unknown:
        raise RestError(1006, f"Field '{unknown[0]}' not found")
    return wanted or None


def get_by_id(ctx: RestContext) -> Answer:
    """GET /rest/v1/lead/{leadId}.json: the lead, or an empty result."""
    try:
        lead_id = int(ctx.arg("leadId"))
    except ValueError:
        raise RestError(1001, f"Invalid value '{ctx.arg('leadId')}'. Required of type 'Integer'") from None
    lead = leads.by_id(ctx.conn, lead_id)
    return Answer([] if lead is None else [lead_json(ctx.config, lead, _wanted_fields(ctx))])


def find(ctx: RestContext, filter_type: str, value: str) -> list[Lead]:
    """Leads whose ``filter_type`` field (REST name: id, email, cookies, sfdcLeadId...) is ``value``."""
    if filter_type == "id":
        return leads.find(ctx.conn, "IDNUM", value) if value.strip() else []
    if filter_type == "cookies":
        return leads.find(ctx.conn, "COOKIE", value) if value.strip() else []
    stored = _stored_name(ctx.config, filter_type)
    if stored is None:
        raise RestError(1006, f"Field '{filter_type}' not found")
    return leads.by_attribute(ctx.conn, stored, value)


def _check_cookie(cookie: str) -> None:
    """1012 for a value that is not a Munchkin cookie (``id:...&token:...``), as error-codes.md gives for
    Associate Lead and for Get Leads by Filter Type with ``filterType=cookies``."""
    if "id:" not in cookie or "token:" not in cookie:
        raise RestError(1012, f"Invalid cookie value '{cookie}'")


def get_by_filter(ctx: RestContext) -> Answer:
    """GET /rest/v1/leads.json?filterType=..&filterValues=.. (or POST with ``_method=GET``)."""
    filter_type = ctx.request.param("filterType")
    if not filter_type:
        raise RestError(1002, "Missing value for the required parameter 'filterType'")
    values = ctx.request.values("filterValues")
    if not values:
        raise RestError(1002, "Missing value for the required parameter 'filterValues'")
    if filter_type == "cookies":
        for value in values:
            _check_cookie(value)
    if len(values) > MAX_RECORDS:
        raise RestError(1003, f"Invalid data: more than {MAX_RECORDS} filter values")
    wanted = _wanted_fields(ctx)
    size = batch_size(ctx)
    token = ctx.request.param("nextPageToken")
    start = decode_token(token).get("o", 0) if token else 0
    found: dict[int, Lead] = {}
    for value in values:
        for lead in find(ctx, filter_type, value):
            found.setdefault(lead.id, lead)
    ordered = sorted(found.values(), key=lambda lead: lead.id)
    page = ordered[start : start + size]
    more = start + size < len(ordered)
    return Answer(
        [lead_json(ctx.config, lead, wanted) for lead in page],
        next_page_token=encode_token({"o": start + size}) if more else None,
        more_result=more,
    )


def _changes(ctx: RestContext, item: dict[str, Any]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for name, value in item.items():
        if name == "id":
            continue
        stored = _stored_name(ctx.config, name)
        if stored is None:
            raise RecordFailure(1006, f"Field '{name}' not found")
        text = stored_value(value, name)
        problem = leads.attribute_error(ctx.config, stored, text) if stored != leads.EMAIL else None
        if problem:
            raise RecordFailure(1003, f"Invalid data: {problem}")
        changes[stored] = text
    return changes


def sync(ctx: RestContext) -> Answer:
    """POST /rest/v1/leads.json: one status per input record (created, updated, skipped with reasons)."""
    body = ctx.request.json_object()
    action = body.get("action", "createOrUpdate")
    if action not in ACTIONS:
        raise RestError(1003, f"Invalid data: action '{action}'")
    lookup = body.get("lookupField", "email")
    if not isinstance(lookup, str) or (lookup != "id" and _stored_name(ctx.config, lookup) is None):
        raise RestError(1006, f"Field '{lookup}' not found")
    items = ctx.request.input_list(MAX_RECORDS)
    return Answer(each_record(items, lambda item: sync_record(ctx, action, lookup, item), numbered=False))


def sync_record(
    ctx: RestContext, action: str, lookup: str, item: dict[str, Any], source: str = activities.API_SOURCE
) -> dict[str, Any]:
    """Create or update one lead (a Sync Leads input record or a bulk import row, whose ``source`` is a list
    import's): its id and status; RecordFailure with the documented code otherwise."""
    changes = _changes(ctx, item)
    if action == "createOnly" and "id" in item:
        raise RecordFailure(1003, "Invalid data: id cannot be given to createOnly")
    key = item.get(lookup)
    matches: list[Lead] = []
    if action != "createDuplicate" and key not in (None, ""):
        matches = find(ctx, lookup, str(key))
    if len(matches) > 1:
        raise RecordFailure(1007, "Multiple leads match the lookup criteria")
    if matches:
        if action == "createOnly":
            raise RecordFailure(1005, "Lead already exists")
        leads.update(ctx.conn, ctx.config, matches[0], ctx.now_us, changes, reason=source)
        return {"id": matches[0].id, "status": "updated"}
    if action == "updateOnly" or lookup == "id":
        raise RecordFailure(1004, "Lead not found")
    created = leads.create(ctx.conn, ctx.config, ctx.now_us, attributes=changes, source=source)
    return {"id": created.id, "status": "created"}


def _lead_of_path(ctx: RestContext) -> Lead:
    return ctx.found(leads.by_id, "leadId", 1004, "Lead not found")


def merge(ctx: RestContext) -> Answer:
    """POST /rest/v1/leads/{leadId}/merge.json?leadId=.. or ?leadIds=..: merge the losers into the winner."""
    winner = _lead_of_path(ctx)
    ids = ctx.request.values("leadId") + ctx.request.values("leadIds")
    if not ids:
        raise RestError(1002, "Missing value for the required parameter 'leadId'")
    if len(ids) > MAX_MERGE_IDS:
        raise RestError(1080, f"More than {MAX_MERGE_IDS} lead ids in one merge")
    losers: list[Lead] = []
    for text in ids:
        try:
            loser = leads.by_id(ctx.conn, int(text))
        except ValueError:
            raise RestError(1001, f"Invalid value '{text}'. Required of type 'Integer'") from None
        if loser is None:
            raise RestError(1004, f"Lead not found: {text}")
        if loser.id == winner.id:
            raise RestError(1003, "Invalid data: a losing lead is the winning lead")
        if all(loser.id != known.id for known in losers):
            losers.append(loser)
    leads.merge(ctx.conn, ctx.config, winner, losers, ctx.now_us)
    return Answer()


def associate(ctx: RestContext) -> Answer:
    """POST /rest/v1/leads/{leadId}/associate.json?cookie=..: tie a Munchkin cookie to the lead."""
    lead = _lead_of_path(ctx)
    cookie = (ctx.request.param("cookie") or "").strip()
    if not cookie:
        raise RestError(1002, "Missing value for the required parameter 'cookie'")
    _check_cookie(cookie)
    leads.update(ctx.conn, ctx.config, lead, ctx.now_us, {}, cookie=cookie)
    return Answer()


def describe(ctx: RestContext) -> Answer:
    """GET /rest/v1/leads/describe.json: every lead field with its REST and SOAP names."""
    result = []
    for number, definition in enumerate(ctx.config.lead_fields, start=1):
        entry: dict[str, Any] = {
            "id": number,
            "displayName": definition.display_name or definition.name,
            "dataType": definition.data_type,
            "rest": {"name": api_name(definition.name), "readOnly": definition.readonly},
            "soap": {"name": definition.name, "readOnly": definition.readonly},
        }
        if definition.size is not None:
            entry["length"] = definition.size
        result.append(entry)
    return Answer(result)
