"""Activities over REST (activities.md, paging-tokens.md): activity types, a paging token from a date, lead
activities and lead changes, paged by ``nextPageToken`` over the same stored activities as getLeadActivity
and getLeadChanges."""

from __future__ import annotations

from typing import Any

from mktows.emulator.model import activities
from mktows.emulator.model.activities import Activity, ActivityQuery
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.custom_objects import batch_size, decode_token, encode_token
from mktows.emulator.rest.envelope import Answer, RestError
from mktows.emulator.rest.values import api_name, instant
from mktows.emulator.timeutil import parse_us

# Marketo's ids of the common activity types (activities.md examples: 1 Visit Webpage, 12 New Lead, 13 Change
# Data Value); the other documented types are numbered after them in the order of their display names.
KNOWN_IDS = {
    "Visit Webpage": 1, "Fill Out Form": 2, "Click Link": 3, "Send Email": 6, "Email Delivered": 7,
    "Email Bounced": 8, "Unsubscribe Email": 9, "Open Email": 10, "Click Email": 11, "New Lead": 12,
    "Change Data Value": 13, "Change Score": 22, "Add to List": 24, "Remove from List": 25,
    "Merge Leads": 32, "Request Campaign": 47,
}  # fmt: skip
TYPE_IDS: dict[str, int] = {
    **{name: 1000 + n for n, name in enumerate(activities.DISPLAY_NAMES)},
    **KNOWN_IDS,
}
TYPE_NAMES = {number: name for name, number in TYPE_IDS.items()}


def types(ctx: RestContext) -> Answer:
    """GET /rest/v1/activities/types.json."""
    return Answer(
        [
            {
                "id": number,
                "name": name,
                "description": name,
                "primaryAttribute": {"name": "Asset Name", "dataType": "string"},
                "attributes": [],
            }
            for name, number in sorted(TYPE_IDS.items(), key=lambda item: item[1])
        ]
    )


def paging_token(ctx: RestContext) -> Answer:
    """GET /rest/v1/activities/pagingtoken.json?sinceDatetime=..: a token for activities from that instant."""
    since = ctx.request.param("sinceDatetime")
    if not since:
        raise RestError(1002, "Missing value for the required parameter 'sinceDatetime'")
    try:
        since_us = parse_us(since)
    except ValueError:
        raise RestError(1001, f"Invalid value '{since}'. Required of type 'DateTime'") from None
    return Answer(extra={"nextPageToken": encode_token({"t": max(0, since_us), "a": 0})})


def _query(ctx: RestContext, include: frozenset[str] | None) -> tuple[ActivityQuery, dict[str, int]]:
    token = ctx.request.param("nextPageToken")
    if not token:
        raise RestError(1002, "Missing value for the required parameter 'nextPageToken'")
    position = decode_token(token)
    lead_ids: list[int] | None = None
    if ctx.request.values("leadIds"):
        try:
            lead_ids = [int(v) for v in ctx.request.values("leadIds")]
        except ValueError:
            raise RestError(1001, "Invalid value for 'leadIds'. Required of type 'Integer'") from None
        if len(lead_ids) > 30:
            raise RestError(1003, "Invalid data: at most 30 leadIds")
    list_id = ctx.request.int_param("listId")
    query = ActivityQuery(
        lead_ids=lead_ids,
        list_id=list_id,
        include=include,
        oldest_us=position.get("t", 0),
        after_id=position.get("a", 0),
    )
    return query, position


def _page(
    ctx: RestContext, query: ActivityQuery, position: dict[str, int]
) -> tuple[list[Activity], str, bool]:
    page, remaining = activities.select(ctx.conn, query, batch_size(ctx), newest_first=False)
    last = page[-1].id if page else position.get("a", 0)
    return page, encode_token({"t": position.get("t", 0), "a": last}), remaining > 0


def _base(activity: Activity) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": activity.id,
        "marketoGUID": str(activity.id),
        "leadId": activity.lead_id,
        "activityDate": instant(activity.created_at),
        "activityTypeId": TYPE_IDS.get(activity.type, 0),
    }
    return data


def lead_activities(ctx: RestContext) -> Answer:
    """GET /rest/v1/activities.json?nextPageToken=..&activityTypeIds=..(&leadIds|listId)."""
    wanted = ctx.request.values("activityTypeIds")
    if not wanted:
        raise RestError(1002, "Missing value for the required parameter 'activityTypeIds'")
    if len(wanted) > 10:
        raise RestError(1003, "Invalid data: at most 10 activityTypeIds")
    names: list[str] = []
    for text in wanted:
        if not text.isdigit() or int(text) not in TYPE_NAMES:
            raise RestError(1003, f"Invalid data: activity type id '{text}'")
        names.append(TYPE_NAMES[int(text)])
    query, position = _query(ctx, frozenset(activities.type_key(n) for n in names))
    page, token, more = _page(ctx, query, position)
    result = []
    for activity in page:
        data = _base(activity)
        if activity.asset:
            data["primaryAttributeValue"] = activity.asset
        data["attributes"] = [{"name": k, "value": v} for k, v in activity.attributes.items()]
        result.append(data)
    return Answer(result, next_page_token=token, more_result=more)


def lead_changes(ctx: RestContext) -> Answer:
    """GET /rest/v1/activities/leadchanges.json?nextPageToken=..&fields=..: data value changes (and new
    leads) of the named fields."""
    fields = ctx.request.values("fields")
    if not fields:
        raise RestError(1002, "Missing value for the required parameter 'fields'")
    wanted = {name.lower() for name in fields}
    include = frozenset(activities.type_key(n) for n in (activities.CHANGE_DATA_VALUE, activities.NEW_LEAD))
    query, position = _query(ctx, include)
    page, token, more = _page(ctx, query, position)
    labels = {(f.display_name or f.name): f.name for f in ctx.config.lead_fields}
    result = []
    for activity in page:
        data = _base(activity)
        changed: list[dict[str, Any]] = []
        attributes = dict(activity.attributes)
        if activity.type == activities.CHANGE_DATA_VALUE:
            stored = labels.get(attributes.get("Attribute Name", ""), attributes.get("Attribute Name", ""))
            name = api_name(stored)
            if name.lower() not in wanted:
                continue
            changed.append(
                {
                    "id": activity.id,
                    "name": name,
                    "newValue": attributes.pop("New Value", ""),
                    "oldValue": attributes.pop("Old Value", ""),
                }
            )
            attributes.pop("Attribute Name", None)
        data["fields"] = changed
        data["attributes"] = [{"name": k, "value": v} for k, v in attributes.items()]
        result.append(data)
    return Answer(result, next_page_token=token, more_result=more)
