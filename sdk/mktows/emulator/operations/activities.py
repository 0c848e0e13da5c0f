"""getLeadActivity and getLeadChanges (getleadactivity.md, getleadchanges.md, stream-position.md).

getLeadActivity pages one lead's history newest first, getLeadChanges every (selected) lead's changes oldest
first from ``oldestCreatedAt``. Both carry the position in ``newStartPosition``: the bounds the caller gave,
plus ``offset`` = ``ID:<last activity id>`` (the docs' form) naming where the next page starts.
"""

from __future__ import annotations

import re

from mktows.emulator.model import activities, leads
from mktows.emulator.model.activities import Activity, ActivityQuery, type_key
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter
from mktows.emulator.operations.selectors import (
    key_values,
    leads_by_keys,
    require_known_selector,
    static_list,
    time_range,
)
from mktows.emulator.timeutil import xml_to_us
from mktows.types import (
    ActivityRecord,
    ActivityTypeFilter,
    ArrayOfActivityRecord,
    ArrayOfAttribute,
    ArrayOfLeadChangeRecord,
    Attribute,
    LastUpdateAtSelector,
    LeadActivityList,
    LeadChangeRecord,
    LeadKeySelector,
    ParamsGetLeadActivity,
    ParamsGetLeadChanges,
    ResultGetLeadChanges,
    StaticListSelector,
    StreamPosition,
)

_OFFSET = re.compile(r"^ID:(\d+)$", re.IGNORECASE)


def _offset_id(position: StreamPosition | None) -> int | None:
    """The activity id of an ``ID:<id>`` offset; 20122 for any other non-empty offset."""
    if position is None or position.offset is None or not position.offset.strip():
        return None
    match = _OFFSET.match(position.offset.strip())
    if match is None:
        raise ServiceFault(
            20122, f"startPosition offset {position.offset!r} is not one this service returned"
        )
    return int(match.group(1))


def _type_filters(activity_filter: ActivityTypeFilter | None) -> tuple[frozenset[str] | None, frozenset[str]]:
    if activity_filter is None:
        return None, frozenset()
    include = activity_filter.include_types.activity_type if activity_filter.include_types is not None else []
    exclude = activity_filter.exclude_types.activity_type if activity_filter.exclude_types is not None else []
    if include and exclude:
        raise bad_parameter("activityFilter cannot both include and exclude activity types")
    return (
        frozenset(type_key(t.value) for t in include) if include else None,
        frozenset(type_key(t.value) for t in exclude),
    )


def _attributes(activity: Activity) -> ArrayOfAttribute | None:
    pairs = [Attribute(attr_name=n, attr_type=None, attr_value=v) for n, v in activity.attributes.items()]
    return ArrayOfAttribute(attribute=pairs) if pairs else None


def _batch(requested: int | None, limit: int) -> int:
    if requested is not None and requested <= 0:
        raise bad_parameter("batchSize must be at least 1")
    return limit if requested is None else min(requested, limit)


def get_lead_activity(ctx: Context, params: ParamsGetLeadActivity) -> LeadActivityList:
    """One lead's activities, newest first, filtered by type, at most 100 per call."""
    key = params.lead_key
    found = leads.find(ctx.conn, key.key_type.value, key.key_value)
    if not found:
        raise ServiceFault(20103, f"no lead with {key.key_type.value} {key.key_value!r}")
    lead = found[0]
    include, exclude = _type_filters(params.activity_filter)
    start = params.start_position
    query = ActivityQuery(
        lead_ids=[lead.id],
        include=include,
        exclude=exclude,
        oldest_us=xml_to_us(start.oldest_created_at) if start and start.oldest_created_at else None,
        latest_us=xml_to_us(start.latest_created_at) if start and start.latest_created_at else None,
        before_id=_offset_id(start),
    )
    batch = _batch(params.batch_size, ctx.config.limits.lead_activity_batch)
    page, remaining = activities.select(ctx.conn, query, batch, newest_first=True)
    records = [
        ActivityRecord(
            id=a.id,
            activity_date_time=ctx.xml_time(a.created_at),
            activity_type=a.type,
            mktg_asset_name=a.asset,
            activity_attributes=_attributes(a),
            campaign=a.campaign,
            person_name=lead.person_name,
            mkt_person_id=str(lead.id),
            foreign_sys_id=lead.foreign_sys_person_id,
            org_name=lead.attributes.get("Company"),
            foreign_sys_org_id=lead.attributes.get("SFDCAccountId"),
        )
        for a in page
    ]
    position = StreamPosition()
    if remaining:
        # the page's oldest instant, rounded up to the whole second the wire shows: an inclusive bound that
        # loses nothing created in the same second; the offset then skips what was already returned
        last_us = page[-1].created_at
        position = StreamPosition(
            latest_created_at=ctx.xml_time(last_us + (-last_us) % 1_000_000),
            oldest_created_at=start.oldest_created_at if start else None,
            offset=f"ID:{page[-1].id}",
        )
    return LeadActivityList(
        return_count=len(records),
        remaining_count=remaining,
        new_start_position=position,
        activity_record_list=ArrayOfActivityRecord(activity_record=records) if records else None,
    )


def _selected_leads(ctx: Context, params: ParamsGetLeadChanges) -> ActivityQuery:
    """The leads a leadSelector names (lead ids, a static list, or every lead) and the created-at bounds it
    implies, as a query the start position then narrows."""
    selector = params.lead_selector
    if selector is None:
        return ActivityQuery()
    require_known_selector(selector)
    if isinstance(selector, LeadKeySelector):
        values = key_values(ctx, selector, overflow_is_fault=True)
        return ActivityQuery(lead_ids=leads_by_keys(ctx, selector.key_type.value, values))
    if isinstance(selector, StaticListSelector):
        return ActivityQuery(list_id=static_list(ctx, selector).id)
    assert isinstance(selector, LastUpdateAtSelector)
    bounds = time_range(ctx, selector.oldest_updated_at, selector.latest_updated_at, "LastUpdateAtSelector")
    return ActivityQuery(oldest_us=bounds.oldest_us, latest_us=bounds.latest_us)


def get_lead_changes(ctx: Context, params: ParamsGetLeadChanges) -> ResultGetLeadChanges:
    """Activities of many leads (new leads, field changes, list and campaign events...), oldest first, at
    most 1,000 per call; the LeadKeySelector takes at most 100 keys (more is a bad-parameter fault)."""
    start = params.start_position
    if start is None:
        raise ServiceFault(20109, "startPosition is required")
    selected = _selected_leads(ctx, params)
    bounds = time_range(ctx, start.oldest_created_at, start.latest_created_at, "startPosition")
    oldest = bounds.oldest_us if bounds.oldest_us is not None else selected.oldest_us
    latest = bounds.latest_us if bounds.latest_us is not None else selected.latest_us
    if start.activity_created_at is not None:
        activity_us = xml_to_us(start.activity_created_at)
        oldest = activity_us if oldest is None else max(oldest, activity_us)
    include, exclude = _type_filters(params.activity_filter)
    names = params.activity_name_filter.string_item if params.activity_name_filter is not None else []
    names = [n for n in names if n.strip()]
    for name in names:
        if not activities.is_known_type(name):
            raise ServiceFault(20107, f"{name!r} is not an activity type")
    if names:
        named = frozenset(type_key(n) for n in names)
        include = named if include is None else include & named
    query = ActivityQuery(
        lead_ids=selected.lead_ids,
        list_id=selected.list_id,
        include=include,
        exclude=exclude,
        oldest_us=oldest,
        latest_us=latest,
        after_id=_offset_id(start),
    )
    batch = _batch(params.batch_size, ctx.config.limits.lead_changes_batch)
    page, remaining = activities.select(ctx.conn, query, batch, newest_first=False)
    records = [
        LeadChangeRecord(
            id=a.id,
            activity_date_time=ctx.xml_time(a.created_at),
            activity_type=a.type,
            mktg_asset_name=a.asset,
            activity_attributes=_attributes(a),
            campaign=a.campaign,
            mkt_person_id=str(a.lead_id),
        )
        for a in page
    ]
    last_id = page[-1].id if page else _offset_id(start)
    position = StreamPosition(
        latest_created_at=start.latest_created_at,
        oldest_created_at=start.oldest_created_at,
        activity_created_at=start.activity_created_at,
        offset=f"ID:{last_id}" if last_id is not None else None,
    )
    return ResultGetLeadChanges(
        return_count=len(records),
        remaining_count=remaining,
        new_start_position=position,
        lead_change_record_list=ArrayOfLeadChangeRecord(lead_change_record=records) if records else None,
    )
