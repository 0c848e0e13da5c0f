"""getLeadActivity and getLeadChanges served by REST's Get Lead Activities (activities.md "Query").

The SOAP migration page (migration.md, "Activities") names Get Lead Activities and Get Lead Changes as the
successors. Get Lead Changes returns only Data Value Change and New Lead activities (activities.md "Data value
changes"), while both SOAP operations return every activity type (getleadactivity.md, getleadchanges.md, whose
documented request asks for Visit Webpage and Click Link): so both are served by Get Lead Activities.

REST reads activities oldest first from a paging token for a date (Get Paging Token, ``sinceDatetime``), for
up to ten activity type ids and up to 30 lead ids per call. A SOAP call selecting more types or leads reads
one REST stream per group of ten types and thirty leads and merges them by activity id. SOAP's type names
become REST's ids through the instance's activity types, described once per client (context.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xsdata.models.datatype import XmlDateTime

from mktows import types as t
from mktows.errors import ProtocolError, fault_for
from mktows.marketo_limits import (
    MAX_LEAD_ACTIVITY_BATCH,
    MAX_LEAD_CHANGES_BATCH,
    MAX_LEAD_KEYS_PER_CALL,
    MAX_TIME_RANGE_DAYS,
    REST_MAX_RECORDS_PER_CALL,
)
from mktows.rest.translate import per_record, positions
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.lead_keys import ids_by_value, key_leads

PAGING_TOKEN = "/rest/v1/activities/pagingtoken.json"
ACTIVITIES = "/rest/v1/activities.json"
TYPES_PER_CALL = 10
"""Get Lead Activities takes up to ten activity type ids (activities.md "Query")."""
LEADS_PER_CALL = 30
"""... and up to 30 lead ids (activities.md "Query")."""
MAX_PAGES = 10_000
EPOCH = "1970-01-01T00:00:00Z"

LEAD_FIELDS = ("id", "firstName", "lastName", "company", "sfdcAccountId")
"""What an activity record shows of its lead: personName (first and last name), orgName (the company) and
foreignSysOrgId (the SFDC account id) (describemobject.md, ActivityRecord)."""


# --- activity types and time bounds -------------------------------------------------------------------------


def _type_ids(
    ctx: TranslationContext,
    activity_filter: t.ActivityTypeFilter | None,
    names: Sequence[str],
    operation: str,
) -> tuple[int, ...]:
    """REST ids of the activity types a SOAP call selects: every type, those included, all but those excluded
    (activity-type-filters.md), narrowed by getLeadChanges' ``activityNameFilter``. A name in that filter that
    the instance does not know is SOAP's 20107 (error-codes.md); an included type it does not know matches
    nothing, as no activity of it exists."""
    types = ctx.activity_types(operation)
    include = (
        [a.value for a in activity_filter.include_types.activity_type]
        if activity_filter and (activity_filter.include_types)
        else []
    )
    exclude = (
        [a.value for a in activity_filter.exclude_types.activity_type]
        if activity_filter and (activity_filter.exclude_types)
        else []
    )
    if include and exclude:
        raise fault_for(
            20110, "activityFilter cannot both include and exclude activity types", operation=operation
        )
    selected = set(types.names)
    if include:
        selected = {number for number in map(types.id_of, include) if number is not None}
    selected -= {number for number in map(types.id_of, exclude) if number is not None}
    if names:
        named = set()
        for name in names:
            number = types.id_of(name)
            if number is None:
                raise fault_for(20107, f"{name!r} is not an activity type", operation=operation)
            named.add(number)
        selected &= named
    return tuple(sorted(selected))


def _instant(value: XmlDateTime | None) -> datetime | None:
    """An xs:dateTime as an aware instant (no offset means UTC, as the SOAP service reads it)."""
    if value is None:
        return None
    moment = value.to_datetime()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rest_instant(text: Any, operation: str) -> datetime:
    """An ``activityDate`` of REST (``2023-01-16T23:32:19Z``, ``2014-09-17T22:31:49+0000``)."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise ProtocolError(f"activityDate {text!r} is not an ISO instant", operation=operation) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _since(moment: datetime | None) -> str:
    """Get Paging Token's ``sinceDatetime`` (activities.md) for a lower bound; the epoch for none."""
    return EPOCH if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _bounds(
    oldest: XmlDateTime | None, latest: XmlDateTime | None, what: str, operation: str
) -> tuple[datetime | None, datetime | None]:
    """A created-at window; SOAP's 20110 when the oldest bound is after the latest and 20022 when they are
    more than 30 days apart (error-codes.md, getleadchanges.md)."""
    low, high = _instant(oldest), _instant(latest)
    if low is not None and high is not None:
        if low > high:
            raise fault_for(20110, f"{what}: the oldest bound is after the latest bound", operation=operation)
        if (high - low).total_seconds() > MAX_TIME_RANGE_DAYS * 86_400:
            raise fault_for(
                20022, f"{what}: more than {MAX_TIME_RANGE_DAYS} days between the bounds", operation=operation
            )
    return low, high


def _batch(requested: int | None, limit: int, operation: str) -> int:
    """SOAP's batchSize: at least 1, cut to the operation's documented maximum (its default when absent)."""
    if requested is not None and requested <= 0:
        raise fault_for(20110, "batchSize must be at least 1", operation=operation)
    return limit if requested is None else min(requested, limit)


# --- reading activities --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    """What one SOAP call reads: activity types, leads (ids, a static list or every lead), the latest bound."""

    type_ids: tuple[int, ...]
    lead_ids: tuple[int, ...] | None = None
    list_id: int | None = None
    latest: datetime | None = None

    def streams(self) -> Iterator[dict[str, str]]:
        """The Get Lead Activities queries that together cover the selection."""
        leads: list[dict[str, str]] = [{}]
        if self.lead_ids is not None:
            ids = [str(n) for n in self.lead_ids]
            leads = [
                {"leadIds": ",".join(ids[i : i + LEADS_PER_CALL])} for i in range(0, len(ids), LEADS_PER_CALL)
            ]
        elif self.list_id is not None:
            leads = [{"listId": str(self.list_id)}]
        for start in range(0, len(self.type_ids), TYPES_PER_CALL):
            types = ",".join(str(n) for n in self.type_ids[start : start + TYPES_PER_CALL])
            for lead in leads:
                yield {"activityTypeIds": types, **lead}


def _activity_id(record: Mapping[str, Any], operation: str) -> int:
    number = record.get("id")
    if not isinstance(number, int):
        raise ProtocolError(f"an activity without an integer id: {number!r}", operation=operation)
    return number


def _read(
    ctx: TranslationContext,
    selection: _Selection,
    since: str,
    operation: str,
    *,
    after_id: int = 0,
    before_id: int | None = None,
    want: int | None = None,
) -> list[Mapping[str, Any]]:
    """The selected activities from ``since`` with ids between ``after_id`` and ``before_id`` (exclusive),
    not after the latest bound, in id order: all of them, or the first ``want`` + 1 (enough to know whether
    more follow). Each stream starts from a paging token for ``since`` (activities.md "Query")."""
    collected: list[Mapping[str, Any]] = []
    for stream in selection.streams():
        token = ctx.rest.get(PAGING_TOKEN, {"sinceDatetime": since}, operation=operation).next_page_token
        kept = 0
        for _ in range(MAX_PAGES):
            params = {**stream, "nextPageToken": token, "batchSize": REST_MAX_RECORDS_PER_CALL}
            page = ctx.rest.get(ACTIVITIES, params, operation=operation)
            ended = False
            for record in page.result:
                if not isinstance(record, Mapping):
                    continue
                number = _activity_id(record, operation)
                late = selection.latest is not None and (
                    _rest_instant(record.get("activityDate"), operation) > selection.latest
                )
                if late or (before_id is not None and number >= before_id):
                    ended = True  # REST reads oldest first: nothing later in this stream is wanted
                    break
                if number > after_id:
                    collected.append(record)
                    kept += 1
                    if want is not None and kept > want:
                        ended = True
                        break
            token = positions.next_token(page, operation)
            if ended or token is None:
                break
        else:
            raise ProtocolError(f"activities did not end within {MAX_PAGES} pages", operation=operation)
    return sorted(collected, key=lambda record: _activity_id(record, operation))


def _attributes(record: Mapping[str, Any]) -> t.ArrayOfAttribute | None:
    pairs = [
        t.Attribute(attr_name=str(a.get("name", "")), attr_type=None, attr_value=_text(a.get("value")) or "")
        for a in record.get("attributes") or []
        if isinstance(a, Mapping)
    ]
    return t.ArrayOfAttribute(attribute=pairs) if pairs else None


def _text(value: Any) -> str | None:
    return None if value is None else per_record.text(value)


@dataclass(frozen=True)
class _Common:
    """The fields an ActivityRecord and a LeadChangeRecord share, from one REST activity."""

    id: int
    activity_date_time: XmlDateTime
    activity_type: str
    mktg_asset_name: str | None
    activity_attributes: t.ArrayOfAttribute | None
    mkt_person_id: str

    @classmethod
    def of(cls, ctx: TranslationContext, record: Mapping[str, Any], operation: str) -> _Common:
        names = ctx.activity_types(operation).names
        type_id = record.get("activityTypeId")
        return cls(
            id=_activity_id(record, operation),
            activity_date_time=XmlDateTime.from_datetime(
                _rest_instant(record.get("activityDate"), operation)
            ),
            activity_type=names.get(type_id, str(type_id)) if isinstance(type_id, int) else str(type_id),
            mktg_asset_name=_text(record.get("primaryAttributeValue")),
            activity_attributes=_attributes(record),
            mkt_person_id=str(record.get("leadId", "")),
        )


def _fields(common: _Common) -> dict[str, Any]:
    return {
        "id": common.id,
        "activity_date_time": common.activity_date_time,
        "activity_type": common.activity_type,
        "mktg_asset_name": common.mktg_asset_name,
        "activity_attributes": common.activity_attributes,
        "campaign": None,  # REST's activities carry no campaign (activities.md)
        "mkt_person_id": common.mkt_person_id,
    }


def _identity(*parts: Any) -> str:
    return json.dumps(parts, separators=(",", ":"), default=str)


def _state_int(state: Mapping[str, Any] | None, name: str, operation: str) -> int | None:
    value = None if state is None else state.get(name)
    if value is not None and not isinstance(value, int):
        raise fault_for(
            20122, "stream position is not one this REST translation returned", operation=operation
        )
    return value


# --- getLeadActivity -----------------------------------------------------------------------------------------


def get_lead_activity(ctx: TranslationContext, params: t.ParamsGetLeadActivity) -> t.LeadActivityList:
    """One lead's activities, newest first (getleadactivity.md), at most 100 per call. REST reads oldest
    first only, so each call reads the lead's activities within the bounds up to the position and answers the
    newest ``batchSize`` of them; ``remainingCount`` is the exact count of the older ones."""
    op = "getLeadActivity"
    if params.lead_key is None:  # the WSDL requires it: SOAP's "LeadKey is required" fault
        raise fault_for(20101, "leadKey is required", operation=op)
    key = params.lead_key
    found = key_leads(ctx, key.key_type, key.key_value, LEAD_FIELDS, op, required=True)
    lead = found[0]  # the first by id, as SOAP takes it
    lead_id = int(lead["id"])
    type_ids = _type_ids(ctx, params.activity_filter, [], op)
    batch = _batch(params.batch_size, MAX_LEAD_ACTIVITY_BATCH, op)
    start = params.start_position
    oldest = _instant(start.oldest_created_at) if start else None  # getleadactivity.md sets no window rule
    latest = _instant(start.latest_created_at) if start else None
    identity = _identity(op, lead_id, type_ids, oldest, latest)
    state = positions.decode(start.offset if start else None, identity, op)
    before = _state_int(state, "before", op)
    selection = _Selection(type_ids=type_ids, lead_ids=(lead_id,), latest=latest)
    found = _read(ctx, selection, _since(oldest), op, before_id=before) if type_ids else []
    page = found[::-1][:batch]
    remaining = len(found) - len(page)
    person = " ".join(str(lead[n]) for n in ("firstName", "lastName") if lead.get(n)) or None
    records = [
        t.ActivityRecord(
            **_fields(_Common.of(ctx, record, op)),
            person_name=person,
            foreign_sys_id=None,  # SOAP's foreign system person id has no REST field (migration.md, Leads)
            org_name=_text(lead.get("company")),
            foreign_sys_org_id=_text(lead.get("sfdcAccountId")),
        )
        for record in page
    ]
    position = t.StreamPosition()
    if remaining:
        position = t.StreamPosition(
            latest_created_at=start.latest_created_at if start else None,
            oldest_created_at=start.oldest_created_at if start else None,
            offset=positions.encode(identity, {"before": records[-1].id}),
        )
    return t.LeadActivityList(
        return_count=len(records),
        remaining_count=remaining,
        new_start_position=position,
        activity_record_list=t.ArrayOfActivityRecord(activity_record=records) if records else None,
    )


# --- getLeadChanges ------------------------------------------------------------------------------------------


def _static_list_id(ctx: TranslationContext, selector: t.StaticListSelector, operation: str) -> int:
    """The id of the list a StaticListSelector names: its id, or Get Lists by ``name`` (static-lists.md);
    SOAP's 20111 when there is none (error-codes.md)."""
    name = (selector.static_list_name or "").strip()
    if selector.static_list_id is not None and not name:
        return selector.static_list_id
    if not name:
        raise fault_for(20109, "StaticListSelector needs staticListName or staticListId", operation=operation)
    found = ctx.rest.get("/rest/v1/lists.json", {"name": name}, operation=operation).result
    ids = [int(r["id"]) for r in found if isinstance(r, Mapping) and isinstance(r.get("id"), int)]
    if not ids:
        raise fault_for(20111, f"no static list {name!r}", operation=operation)
    if selector.static_list_id is not None and selector.static_list_id not in ids:
        raise fault_for(20110, "staticListId and staticListName name different lists", operation=operation)
    return ids[0]


def _lead_selection(
    ctx: TranslationContext, selector: t.LeadSelector | None, operation: str
) -> tuple[tuple[int, ...] | None, int | None, XmlDateTime | None, XmlDateTime | None]:
    """(lead ids, static list id, oldest, latest) that a leadSelector names (getleadchanges.md)."""
    if selector is None:
        return None, None, None, None
    if isinstance(selector, t.LeadKeySelector):
        values = list(selector.key_values.string_item if selector.key_values is not None else [])
        if len(values) > MAX_LEAD_KEYS_PER_CALL:
            raise fault_for(
                20110,
                f"{len(values)} lead keys in a LeadKeySelector; the limit is {MAX_LEAD_KEYS_PER_CALL}",
                operation=operation,
            )
        if not values:
            raise fault_for(20101, "LeadKeySelector without keyValues", operation=operation)
        found = ids_by_value(ctx, selector.key_type, values, operation)
        return tuple(sorted({i for ids in found.values() for i in ids})), None, None, None
    if isinstance(selector, t.StaticListSelector):
        return None, _static_list_id(ctx, selector, operation), None, None
    if isinstance(selector, t.LastUpdateAtSelector):
        if selector.oldest_updated_at is None:  # the WSDL requires it: SOAP's missing-element fault
            raise fault_for(20017, "LastUpdateAtSelector needs oldestUpdatedAt", operation=operation)
        return None, None, selector.oldest_updated_at, selector.latest_updated_at
    raise fault_for(20110, "leadSelector needs a known xsi:type", operation=operation)


def get_lead_changes(ctx: TranslationContext, params: t.ParamsGetLeadChanges) -> t.ResultGetLeadChanges:
    """Activities of the selected leads, oldest first (getleadchanges.md), at most 1,000 per call. The stream
    position carries the date and id of the last activity returned: the next call takes a paging token for
    that date and skips what it already returned. REST gives no count of what is left (activities.md:
    ``moreResult`` only), so ``remainingCount`` is 1 while more follow and 0 at the end."""
    op = "getLeadChanges"
    start = params.start_position
    if start is None:
        raise fault_for(20109, "startPosition is required", operation=op)
    lead_ids, list_id, selected_oldest, selected_latest = _lead_selection(ctx, params.lead_selector, op)
    low, high = _bounds(selected_oldest, selected_latest, "LastUpdateAtSelector", op)
    oldest, latest = _bounds(start.oldest_created_at, start.latest_created_at, "startPosition", op)
    oldest = oldest if oldest is not None else low
    latest = latest if latest is not None else high
    activity_from = _instant(start.activity_created_at)
    if activity_from is not None:
        oldest = activity_from if oldest is None else max(oldest, activity_from)
    names = [
        n
        for n in (params.activity_name_filter.string_item if params.activity_name_filter else [])
        if n.strip()
    ]
    type_ids = _type_ids(ctx, params.activity_filter, names, op)
    batch = _batch(params.batch_size, MAX_LEAD_CHANGES_BATCH, op)
    identity = _identity(op, lead_ids, list_id, type_ids, oldest, latest)
    state = positions.decode(start.offset, identity, op)
    after = _state_int(state, "after", op) or 0
    since = state.get("since") if state else None
    if not isinstance(since, (str, type(None))):
        raise fault_for(20122, "stream position is not one this REST translation returned", operation=op)
    selection = _Selection(type_ids=type_ids, lead_ids=lead_ids, list_id=list_id, latest=latest)
    found: list[Mapping[str, Any]] = []
    if type_ids and lead_ids != ():
        found = _read(ctx, selection, since or _since(oldest), op, after_id=after, want=batch)
    page = found[:batch]
    records = [t.LeadChangeRecord(**_fields(_Common.of(ctx, record, op))) for record in page]
    if page:
        state = {"since": str(page[-1].get("activityDate")), "after": records[-1].id}
    return t.ResultGetLeadChanges(
        return_count=len(records),
        remaining_count=1 if len(found) > len(page) else 0,
        new_start_position=t.StreamPosition(
            latest_created_at=start.latest_created_at,
            oldest_created_at=start.oldest_created_at,
            activity_created_at=start.activity_created_at,
            offset=positions.encode(identity, state) if state else None,
        ),
        lead_change_record_list=t.ArrayOfLeadChangeRecord(lead_change_record=records) if records else None,
    )
