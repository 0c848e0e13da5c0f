"""getLead, getMultipleLeads, syncLead, syncMultipleLeads and mergeLeads served by REST's Leads endpoints.

The SOAP migration page (migration.md, "Leads") names the successors: Get Leads by Filter Type (and by List
Id) for the reads, Sync Leads followed by Associate Lead for a sync with a Munchkin cookie, Merge Leads;
leads.md documents their requests and answers. SOAP lead keys become REST ``filterType``s (the filter types of
Get Leads by Filter Type in swagger-mapi.json); lead attributes travel under their REST names, matched to their
SOAP names by Describe Leads (leads.md "Describe": each field's ``rest`` and ``soap`` name). Each function
takes and returns exactly the generated SOAP types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from mktows import types as t
from mktows.errors import ProtocolError, UnsupportedOperationError, fault_for
from mktows.marketo_limits import (
    DEFAULT_LEADS_PER_SYNC,
    MAX_LEAD_KEYS_PER_CALL,
    MAX_MULTIPLE_LEADS_BATCH,
    REST_MAX_RECORDS_PER_CALL,
)
from mktows.rest._envelope import RestResponse
from mktows.rest.translate import names, per_record
from mktows.rest.translate.context import LeadField, TranslationContext
from mktows.rest.translate.custom_objects import (
    decode_position,
    encode_position,
)
from mktows.rest.translate.lead_keys import (
    LEADS_PATH,
    filter_type,
    filter_values,
    is_lead_id,
    key_leads,
    read_leads,
)

SYNC_STATUSES = {"created": t.LeadSyncStatus.CREATED, "updated": t.LeadSyncStatus.UPDATED}
"""REST's record statuses of Sync Leads (leads.md "Create and Update") as SOAP's; "skipped" is FAILED."""

SYNC_FAULTS = {"1004": 20103, "1006": 20105}
"""syncLead's fault for a skipped record, by REST reason (error-codes.md): lead not found (1004) is 20103 Lead
Not Found, an unknown field (1006) 20105 Lead Attribute Bad; any other reason 20106 Lead Sync Failed."""

MAX_MERGE_LOSERS = 25
"""Merge Leads takes up to 25 losing ids per call (leads.md "Merge"); more are merged in further calls."""

MAX_BATCH = min(MAX_MULTIPLE_LEADS_BATCH, REST_MAX_RECORDS_PER_CALL)
"""getMultipleLeads returns up to 1,000 leads per call over SOAP (getmultipleleads.md); REST pages hold at
most 300 (leads.md "Query")."""


# --- reading -----------------------------------------------------------------------------------------------


def _field_names(ctx: TranslationContext, operation: str, include: Sequence[str] | None = None) -> list[str]:
    """The REST ``fields`` that make SOAP's LeadRecord: id, email, the foreignSysPersonId field when one is
    configured, and every attribute (or those ``include`` names by SOAP name)."""
    fields = ctx.lead_fields(operation)
    names = ["id", "email"]
    if ctx.foreign_sys_person_id_field:
        names.append(ctx.foreign_sys_person_id(operation).rest_name)
    wanted = None if include is None else set(include)
    names += [f.rest_name for f in fields.fields if wanted is None or f.soap_name in wanted]
    return list(dict.fromkeys(names))


def lead_record(
    ctx: TranslationContext, record: Mapping[str, Any], operation: str, include: Sequence[str] | None = None
) -> t.LeadRecord:
    """SOAP's LeadRecord of a REST lead: Id, Email, ForeignSysPersonId (the configured field), and the
    non-empty attributes by SOAP name, sorted by name as getlead.md shows them, each with its data type."""
    fields = ctx.lead_fields(operation)
    wanted = None if include is None else set(include)
    attributes = []
    for field in sorted(fields.fields, key=lambda f: f.soap_name.lower()):
        value = record.get(field.rest_name)
        if field.rest_name == "email" or value is None or value == "":
            continue
        if wanted is None or field.soap_name in wanted:
            attributes.append(
                t.Attribute(
                    attr_name=field.soap_name, attr_type=field.data_type, attr_value=per_record.text(value)
                )
            )
    foreign_id = None
    if ctx.foreign_sys_person_id_field:
        value = record.get(ctx.foreign_sys_person_id(operation).rest_name)
        foreign_id = None if value is None or value == "" else per_record.text(value)
    try:
        lead_id = int(record["id"])
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("a REST lead record has no integer id", operation=operation) from None
    email = record.get("email")
    return t.LeadRecord(
        id=lead_id,
        email=None if email is None else str(email),
        foreign_sys_person_id=foreign_id,
        foreign_sys_type=None,
        lead_attribute_list=t.ArrayOfAttribute(attribute=attributes) if attributes else None,
    )


def get_lead(ctx: TranslationContext, params: t.ParamsGetLead) -> t.ResultGetLead:
    """Get Leads by Filter Type (migration.md: getLead → Get Lead by ID / Get Leads by Filter Type) for the
    lead key, asking for every field; 20103 Lead Not Found when none matches (getlead.md, FAULTS.md)."""
    op = "getLead"
    key = params.lead_key
    found = key_leads(ctx, key.key_type, key.key_value, _field_names(ctx, op), op, required=True)
    return t.ResultGetLead(
        count=len(found),
        lead_record_list=t.ArrayOfLeadRecord(lead_record=[lead_record(ctx, r, op) for r in found]),
    )


@dataclass(frozen=True)
class _LeadQuery:
    """One REST query serving a getMultipleLeads selector: its path, its filter, and the identity its stream
    positions carry."""

    path: str | None  # None: no lead can match
    params: Mapping[str, Any]
    identity: str


def _selector_query(ctx: TranslationContext, params: t.ParamsGetMultipleLeads, op: str) -> _LeadQuery:
    selector = params.lead_selector
    if selector is None and params.last_updated_at is None:
        raise fault_for(20109, "leadSelector is required", operation=op)
    if selector is None or isinstance(selector, t.LastUpdateAtSelector):
        raise UnsupportedOperationError(
            "REST's Get Leads by Filter Type cannot select leads by their last update time; the SOAP migration "
            "page (migration.md, Leads) names Bulk Lead Export for that",
            operation=op,
        )
    if isinstance(selector, t.LeadKeySelector):
        # getmultipleleads.md: up to 100 keys, additional keys are ignored
        sent = selector.key_values.string_item if selector.key_values else []
        values = [(v or "").strip() for v in sent[:MAX_LEAD_KEYS_PER_CALL]]
        if not values or not all(values):
            raise fault_for(20101, "LeadKeySelector without keyValues or with an empty one", operation=op)
        field = filter_type(selector.key_type, op)
        if selector.key_type is t.LeadKeyRef.IDNUM:  # an id that is no integer names no lead
            values = [v for v in values if is_lead_id(v)]
        identity = json.dumps(["keys", field, values])
        if not values:
            return _LeadQuery(None, {}, identity)
        query = {"filterType": field, "filterValues": filter_values(values, op)}
        return _LeadQuery(LEADS_PATH, query, identity)
    if isinstance(selector, t.StaticListSelector):
        list_id = _static_list_id(ctx, selector, op)
        return _LeadQuery(f"/rest/v1/lists/{list_id}/leads.json", {}, json.dumps(["list", list_id]))
    raise fault_for(20110, f"leadSelector of unknown type {type(selector).__name__}", operation=op)


def _static_list_id(ctx: TranslationContext, selector: t.StaticListSelector, op: str) -> int:
    """The list of a StaticListSelector (by id, or by name looked up once); 20111 List Not Found as the SOAP
    page gives, 20110 when the id and the name name different lists."""
    name = (selector.static_list_name or "").strip()
    if selector.static_list_id is None and not name:
        raise fault_for(20109, "StaticListSelector needs staticListName or staticListId", operation=op)
    if selector.static_list_id is None:
        return names.list_id(ctx, name, None, op)
    answer = ctx.rest.get("/rest/v1/lists.json", {"id": selector.static_list_id}, operation=op)
    records = [r for r in answer.result if isinstance(r, Mapping)]
    found = selector.static_list_id if records else None
    if records and name and str(records[0].get("name", "")).casefold() != name.casefold():
        raise fault_for(20110, "staticListId and staticListName name different lists", operation=op)
    if found is None:
        raise fault_for(20111, f"no static list {name or selector.static_list_id!r}", operation=op)
    return found


def get_multiple_leads(ctx: TranslationContext, params: t.ParamsGetMultipleLeads) -> t.ResultGetMultipleLeads:
    """Get Leads by Filter Type for a LeadKeySelector, Get Leads by List Id for a StaticListSelector
    (migration.md; leads.md "Query", "Membership"); a LastUpdateAtSelector has no REST query. The stream
    position wraps REST's ``nextPageToken``; REST gives no count of the leads left (paging-tokens.md), so
    ``remainingCount`` is 1 while more follow and 0 at the end, where the position is empty as in the
    documented response."""
    op = "getMultipleLeads"
    query = _selector_query(ctx, params, op)
    batch = MAX_MULTIPLE_LEADS_BATCH if params.batch_size is None else params.batch_size
    if batch < 1:
        raise fault_for(20110, "batchSize must be at least 1", operation=op)
    include = None
    if params.include_attributes is not None and params.include_attributes.string_item:
        include = list(params.include_attributes.string_item)
    token, _ = decode_position(params.stream_position, query.identity, op)
    if query.path is None:
        return t.ResultGetMultipleLeads(return_count=0, remaining_count=0, new_stream_position="")
    page = ctx.rest.get(
        query.path,
        {
            **query.params,
            "fields": ",".join(_field_names(ctx, op, include)),
            "batchSize": min(batch, MAX_BATCH),
            "nextPageToken": token,
        },
        operation=op,
    )
    if page.more_result and not page.next_page_token:
        raise ProtocolError("moreResult is true but no nextPageToken came with it", operation=op)
    records = [lead_record(ctx, r, op, include) for r in page.result if isinstance(r, Mapping)]
    more = page.more_result
    return t.ResultGetMultipleLeads(
        return_count=len(records),
        remaining_count=1 if more else 0,
        new_stream_position=encode_position(query.identity, page.next_page_token, False) if more else "",
        lead_record_list=t.ArrayOfLeadRecord(lead_record=records) if records else None,
    )


# --- syncing -----------------------------------------------------------------------------------------------


class _RecordFailure(Exception):
    """A lead record that cannot be sent: the fault syncLead answers, the error syncMultipleLeads reports."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Sync:
    """One Sync Leads input record and the ``action``/``lookupField`` it must be sent with."""

    action: str
    lookup: str
    item: dict[str, Any]


def _sync_plan(
    ctx: TranslationContext,
    record: t.LeadRecord,
    known_foreign_ids: frozenset[str],
    *,
    dedupe: bool,
    email_key_updates: bool,
    op: str,
) -> _Sync:
    """The Sync Leads record for a SOAP LeadRecord, keyed as synclead.md / syncmultipleleads.md rank the keys:
    the Marketo Id first (``updateOnly`` by ``id``: leads.md allows id only there), then a ForeignSysPersonId
    some lead has (the configured field as ``lookupField``), then Email (``createDuplicate`` when dedupEnabled
    is false), as the SOAP service fell back from an unknown foreign id to the Email. With a higher key, Email
    is written too where the SOAP page says it is updated (syncLead; for syncMultipleLeads only when it is
    among the attributes)."""
    email = (record.email or "").strip() or None
    foreign_id = (record.foreign_sys_person_id or "").strip() or None
    if record.id is None and email is None and foreign_id is None:
        raise _RecordFailure(20101, "a lead record needs Id, Email or ForeignSysPersonId")
    fields = ctx.lead_fields(op)
    item: dict[str, Any] = {}
    by_foreign_id = foreign_id is not None and (email is None or foreign_id in known_foreign_ids)
    if email is not None and (email_key_updates or (record.id is None and not by_foreign_id)):
        item["email"] = email
    if foreign_id is not None:
        item[ctx.foreign_sys_person_id(op).rest_name] = foreign_id
    for pair in record.lead_attribute_list.attribute if record.lead_attribute_list is not None else []:
        known: LeadField | None = fields.by_soap(pair.attr_name)
        item[known.rest_name if known is not None else pair.attr_name] = pair.attr_value or ""
    if record.id is not None:
        return _Sync("updateOnly", "id", {"id": record.id, **item})
    if by_foreign_id:
        return _Sync("createOrUpdate", ctx.foreign_sys_person_id(op).rest_name, item)
    return _Sync("createOrUpdate" if dedupe else "createDuplicate", "email", item)


def _foreign_id(record: t.LeadRecord) -> str | None:
    return (record.foreign_sys_person_id or "").strip() or None


def _segments(records: Sequence[t.LeadRecord]) -> list[Sequence[t.LeadRecord]]:
    """The records cut before each one whose ForeignSysPersonId an earlier record of its segment carries:
    whether a lead has that id is looked up before each segment, so no segment changes the answer for its
    own records."""
    segments: list[Sequence[t.LeadRecord]] = []
    start, seen = 0, set[str]()
    for index, record in enumerate(records):
        foreign_id = _foreign_id(record)
        if foreign_id is not None and foreign_id in seen:
            segments.append(records[start:index])
            start, seen = index, set()
        if foreign_id is not None:
            seen.add(foreign_id)
    return [*segments, records[start:]] if records else segments


def _existing_foreign_ids(
    ctx: TranslationContext, records: Sequence[t.LeadRecord], op: str
) -> frozenset[str]:
    """Which ForeignSysPersonIds of records keyed by one (no Id) and carrying an Email some lead holds: the
    ones that decide between the foreign id and the Email as the key."""
    asked = sorted({f for r in records if r.id is None and (r.email or "").strip() and (f := _foreign_id(r))})
    if not asked:
        return frozenset()
    field = ctx.foreign_sys_person_id(op).rest_name
    found = read_leads(ctx, field, asked, [field], op)
    return frozenset(per_record.text(r[field]) for r in found if r.get(field) is not None)


def _sync_records(
    ctx: TranslationContext,
    records: Sequence[t.LeadRecord],
    *,
    dedupe: bool,
    email_key_updates: bool,
    op: str,
) -> list[Mapping[str, Any] | _RecordFailure]:
    """Each record's REST result (or why it was not sent), segment by segment, in order."""
    outcomes: list[Mapping[str, Any] | _RecordFailure] = []
    for segment in _segments(records):
        known = _existing_foreign_ids(ctx, segment, op)
        plans: list[_Sync | _RecordFailure] = []
        for record in segment:
            try:
                plans.append(
                    _sync_plan(ctx, record, known, dedupe=dedupe, email_key_updates=email_key_updates, op=op)
                )
            except _RecordFailure as failure:
                plans.append(failure)
        sent = iter(_send(ctx, [p for p in plans if isinstance(p, _Sync)], op))
        outcomes += [p if isinstance(p, _RecordFailure) else next(sent) for p in plans]
    return outcomes


def _send(ctx: TranslationContext, plans: Sequence[_Sync], op: str) -> list[Mapping[str, Any]]:
    """Sync Leads calls for ``plans`` in their order, one per run of records sharing action and lookupField
    (a call takes one of each, leads.md); REST's per-record results in the order of ``plans``."""
    results: list[Mapping[str, Any]] = []
    start = 0
    while start < len(plans):
        first = plans[start]
        end = start + 1
        while end < len(plans) and (plans[end].action, plans[end].lookup) == (first.action, first.lookup):
            end += 1
        run = [plan.item for plan in plans[start:end]]
        body = {"action": first.action, "lookupField": first.lookup, "input": run}
        answer: RestResponse = ctx.rest.post(LEADS_PATH, body, operation=op)
        results += _numbered(answer, len(run), op)
        start = end
    return results


def _numbered(answer: RestResponse, sent: int, op: str) -> list[Mapping[str, Any]]:
    """Sync Leads' results, one per record sent in its order (leads.md shows no ``seq`` on lead results)."""
    if any(isinstance(r, Mapping) and "seq" in r for r in answer.result):
        return per_record.in_order(answer, sent, op)
    records = [r for r in answer.result if isinstance(r, Mapping)]
    if len(records) != sent:
        raise ProtocolError(
            f"the REST answer has {len(records)} results for {sent} records sent", operation=op
        )
    return records


def _status(record: Mapping[str, Any], fallback_id: int, op: str) -> t.SyncStatus:
    status = str(record.get("status"))
    if status in SYNC_STATUSES:
        lead_id = record.get("id")
        if not isinstance(lead_id, int):
            raise ProtocolError(f"a {status} lead came without its id", operation=op)
        return t.SyncStatus(lead_id=lead_id, status=SYNC_STATUSES[status], error=None)
    if status == "skipped":
        code, message = per_record.reason(record)
        return t.SyncStatus(
            lead_id=fallback_id, status=t.LeadSyncStatus.FAILED, error=per_record.error_text(code, message)
        )
    raise ProtocolError(f"unexpected REST record status {status!r}", operation=op)


def _read_lead(ctx: TranslationContext, lead_id: int, op: str) -> t.LeadRecord:
    found = key_leads(ctx, t.LeadKeyRef.IDNUM, str(lead_id), _field_names(ctx, op), op)
    if len(found) != 1:
        raise ProtocolError(f"lead {lead_id} reads back as {len(found)} records", operation=op)
    return lead_record(ctx, found[0], op)


def sync_lead(ctx: TranslationContext, params: t.ParamsSyncLead) -> t.ResultSyncLead:
    """Sync Leads for one record, then Associate Lead with ``marketoCookie`` when one is given (migration.md,
    Leads: "Sync Leads ... followed by Associate Lead"); a skipped record is the SOAP fault for its reason
    (``SYNC_FAULTS``). ``returnLead`` reads the lead back."""
    op = "syncLead"
    if params.lead_record is None:
        raise fault_for(20104, "leadRecord is required", operation=op)
    cookie = (params.marketo_cookie or "").strip() or None
    record = params.lead_record
    keys = (record.id, (record.email or "").strip(), (record.foreign_sys_person_id or "").strip())
    if cookie is not None and not any(keys):
        raise UnsupportedOperationError(
            "a lead known only by its Munchkin cookie cannot be synced over REST: Sync Leads needs a lookup "
            "field and Associate Lead a known lead (migration.md, Leads; leads.md, Associate Web Activity)",
            operation=op,
        )
    [result] = _sync_records(ctx, [record], dedupe=True, email_key_updates=True, op=op)
    if isinstance(result, _RecordFailure):
        raise fault_for(result.code, str(result), operation=op)
    status = _status(result, record.id or 0, op)
    if status.status is t.LeadSyncStatus.FAILED:
        code, message = per_record.reason(result)
        raise fault_for(SYNC_FAULTS.get(code, 20106), per_record.error_text(code, message), operation=op)
    if cookie is not None:
        path = f"/rest/v1/leads/{status.lead_id}/associate.json"
        ctx.rest.post(path, params={"cookie": cookie}, operation=op)
    return t.ResultSyncLead(
        lead_id=status.lead_id,
        sync_status=status,
        lead_record=_read_lead(ctx, status.lead_id, op) if params.return_lead else None,
    )


def sync_multiple_leads(
    ctx: TranslationContext, params: t.ParamsSyncMultipleLeads
) -> t.ResultSyncMultipleLeads:
    """Sync Leads for many records, in order: each gets CREATED, UPDATED or FAILED with REST's reason. Up to
    300 records per call, the SOAP page's supported maximum and REST's per-call limit (syncmultipleleads.md,
    leads.md); more are refused as SOAP refused them (20110)."""
    op = "syncMultipleLeads"
    records = list(params.lead_record_list.lead_record) if params.lead_record_list is not None else []
    if len(records) > DEFAULT_LEADS_PER_SYNC:
        raise fault_for(
            20110,
            f"{len(records)} lead records in one call; batch sizes above {DEFAULT_LEADS_PER_SYNC} are not "
            "supported (syncmultipleleads.md)",
            operation=op,
        )
    if not records:
        raise fault_for(20104, "leadRecordList is empty", operation=op)
    dedupe = True if params.dedup_enabled is None else params.dedup_enabled
    outcomes = _sync_records(ctx, records, dedupe=dedupe, email_key_updates=False, op=op)
    statuses = [
        t.SyncStatus(lead_id=record.id or 0, status=t.LeadSyncStatus.FAILED, error=str(outcome))
        if isinstance(outcome, _RecordFailure)
        else _status(outcome, record.id or 0, op)
        for record, outcome in zip(records, outcomes, strict=True)
    ]
    return t.ResultSyncMultipleLeads(sync_status_list=t.ArrayOfSyncStatus(sync_status=statuses))


# --- merging -----------------------------------------------------------------------------------------------


def _key_list_ids(
    ctx: TranslationContext, key_list: t.ArrayOfAttribute | None, role: str, op: str
) -> list[int]:
    """Ids of the leads matching every (key type, value) pair of a mergeLeads key list (mergeleads.md: IDNUM,
    EMAIL, SFDC… keys; not COOKIE)."""
    pairs = list(key_list.attribute) if key_list is not None else []
    if not pairs:
        raise fault_for(20101, f"{role} key list is empty", operation=op)
    matched: set[int] | None = None
    for pair in pairs:
        try:
            key_type = t.LeadKeyRef(pair.attr_name)
        except ValueError:
            key_type = None
        if key_type is None or key_type is t.LeadKeyRef.COOKIE:
            raise fault_for(
                20102, f"{pair.attr_name!r} is not a lead key type mergeLeads accepts", operation=op
            )
        found = {int(r["id"]) for r in key_leads(ctx, key_type, pair.attr_value, ["id"], op)}
        matched = found if matched is None else matched & found
    return sorted(matched or ())


def merge_leads(ctx: TranslationContext, params: t.ParamsMergeLeads) -> t.ResultMergeLeads:
    """Merge Leads (migration.md; leads.md "Merge": the winner in the path, losers in ``leadIds``, 25 per
    call, ``mergeInCRM`` for SOAP's mergeInSales). Keys are resolved to ids first: a winner matching nothing is
    20103, several 20110; a loser matching no lead or several, or the winner, makes the status FAILED."""
    op = "mergeLeads"
    winners = _key_list_ids(ctx, params.winning_lead_key_list, "winning", op)
    if not winners:
        raise fault_for(20103, "the winning lead key matches no lead", operation=op)
    if len(winners) > 1:
        raise fault_for(20110, "the winning lead key matches more than one lead", operation=op)
    winner = winners[0]
    key_lists = params.losing_lead_key_lists.key_list if params.losing_lead_key_lists is not None else []
    if not key_lists:
        raise fault_for(20101, "losingLeadKeyLists is empty", operation=op)
    losers: list[int] = []
    for key_list in key_lists:
        found = _key_list_ids(ctx, key_list, "losing", op)
        error = None
        if len(found) != 1:
            error = (
                "a losing lead key matches no lead"
                if not found
                else "a losing lead key matches several leads"
            )
        elif found[0] == winner:
            error = "a losing lead is the winning lead"
        if error is not None:
            failed = t.MergeStatus(
                winning_lead_id=winner,
                losing_lead_id_list=None,
                status=t.LeadMergeStatusEnum.FAILED,
                error=error,
            )
            return t.ResultMergeLeads(merge_status=failed)
        if found[0] not in losers:
            losers.append(found[0])
    query: dict[str, Any] = {"mergeInCRM": "true"} if params.merge_in_sales else {}
    for start in range(0, len(losers), MAX_MERGE_LOSERS):
        chunk = losers[start : start + MAX_MERGE_LOSERS]
        path = f"/rest/v1/leads/{quote(str(winner))}/merge.json"
        ctx.rest.post(path, params={**query, "leadIds": ",".join(str(i) for i in chunk)}, operation=op)
    return t.ResultMergeLeads(
        merge_status=t.MergeStatus(
            winning_lead_id=winner,
            losing_lead_id_list=t.ArrayOfInteger(integer_item=losers),
            status=t.LeadMergeStatusEnum.MERGED,
            error=None,
        )
    )
