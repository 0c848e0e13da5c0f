"""getLead, getMultipleLeads, syncLead, syncMultipleLeads and mergeLeads (getlead.md, getmultipleleads.md,
synclead.md, syncmultipleleads.md, mergeleads.md).

Sync key precedence as documented: the Marketo Id first, then ForeignSysPersonId, then the Munchkin cookie,
then Email (deduplicated unless ``dedupEnabled`` is false). syncLead fails the call with a fault;
syncMultipleLeads reports FAILED per record and goes on with the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mktows.emulator.model import leads
from mktows.emulator.model.leads import Lead
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.operations.selectors import (
    key_values,
    leads_by_keys,
    require_known_selector,
    static_list,
    time_range,
)
from mktows.types import (
    ArrayOfInteger,
    ArrayOfLeadRecord,
    ArrayOfSyncStatus,
    LastUpdateAtSelector,
    LeadKeySelector,
    LeadMergeStatusEnum,
    LeadRecord,
    LeadSyncStatus,
    MergeStatus,
    ParamsGetLead,
    ParamsGetMultipleLeads,
    ParamsMergeLeads,
    ParamsSyncLead,
    ParamsSyncMultipleLeads,
    ResultGetLead,
    ResultGetMultipleLeads,
    ResultMergeLeads,
    ResultSyncLead,
    ResultSyncMultipleLeads,
    StaticListSelector,
    SyncStatus,
)

US = 1_000_000


# --- reading ------------------------------------------------------------------------------------------------


def get_lead(ctx: Context, params: ParamsGetLead) -> ResultGetLead:
    """Every lead matching one LeadKey (an Email may match several); 20103 when none does."""
    key = params.lead_key
    found = leads.find(ctx.conn, key.key_type.value, key.key_value)
    if not found:
        raise ServiceFault(20103, f"no lead with {key.key_type.value} {key.key_value!r}")
    return ResultGetLead(
        count=len(found),
        lead_record_list=ArrayOfLeadRecord(
            lead_record=[leads.lead_record(ctx.config, lead) for lead in found]
        ),
    )


_POSITION = re.compile(
    r"^id:(?P<id>\d+)(?::to:(?P<to>\d+))?(?::tl:(?P<tl>\d+))?:os:(?P<os>\d+)(?::rc:(?P<rc>\d+))?$"
)


@dataclass(frozen=True)
class LeadsPosition:
    """getMultipleLeads' stream position, in the form Marketo's blog shows:
    ``id:<last id>:to:<oldest, epoch s>:tl:<latest, epoch s>:os:<returned so far>:rc:<remaining>``."""

    last_id: int = 0
    oldest_s: int | None = None
    latest_s: int | None = None
    offset: int = 0
    remaining: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> LeadsPosition | None:
        if text is None or not text.strip():
            return None
        match = _POSITION.match(text.strip())
        if match is None:
            raise ServiceFault(20122, "stream position is not one this service returned")
        rc = match["rc"]
        if rc is not None and int(rc) == 0:
            raise ServiceFault(20123, "the stream position is at the end of its stream")
        return cls(
            last_id=int(match["id"]),
            oldest_s=None if match["to"] is None else int(match["to"]),
            latest_s=None if match["tl"] is None else int(match["tl"]),
            offset=int(match["os"]),
            remaining=None if rc is None else int(rc),
        )

    def render(self) -> str:
        text = f"id:{self.last_id}"
        if self.oldest_s is not None:
            text += f":to:{self.oldest_s}"
        if self.latest_s is not None:
            text += f":tl:{self.latest_s}"
        return text + f":os:{self.offset}:rc:{self.remaining or 0}"


def _updated_between(oldest_us: int | None, latest_us: int | None) -> tuple[str, list[int]]:
    """The SELECT of lead ids updated in a window, above an id given as its first parameter."""
    clauses, args = ["id > ?"], []
    if oldest_us is not None:
        clauses.append("updated_at >= ?")
        args.append(oldest_us)
    if latest_us is not None:
        clauses.append("updated_at <= ?")
        args.append(latest_us)
    return f"SELECT id FROM leads WHERE {' AND '.join(clauses)}", args


def _page_of(ctx: Context, select: str, args: list[int], after_id: int, size: int) -> tuple[list[int], int]:
    """The first ``size`` ids of a SELECT of ids above ``after_id`` in id order, and how many come after."""
    rows = ctx.conn.execute(f"{select} ORDER BY 1 LIMIT ?", [after_id, *args, size])
    page = [int(row[0]) for row in rows]
    if len(page) < size:
        return page, 0
    total = ctx.conn.execute(f"SELECT COUNT(*) FROM ({select})", [after_id, *args]).fetchone()
    return page, int(total[0]) - len(page)


def get_multiple_leads(ctx: Context, params: ParamsGetMultipleLeads) -> ResultGetMultipleLeads:
    """Leads by key list (100 keys, extra ignored), static list or last-update window (at most 30 days),
    in batches with a resumable stream position; remainingCount is exact, and the last batch has an empty
    newStreamPosition, as in the documented response."""
    selector = params.lead_selector
    position = LeadsPosition.parse(params.stream_position)
    after_id = position.last_id if position else 0
    window: tuple[int | None, int | None] = (None, None)
    if selector is None and params.last_updated_at is not None:  # the deprecated form
        selector = LastUpdateAtSelector(oldest_updated_at=params.last_updated_at)
    if selector is None:
        raise parameter_required("leadSelector is required")
    require_known_selector(selector)
    select: tuple[str, list[int]] | None = None
    candidates: list[int] = []
    if isinstance(selector, LeadKeySelector):
        values = key_values(ctx, selector, overflow_is_fault=False)
        candidates = [i for i in leads_by_keys(ctx, selector.key_type.value, values) if i > after_id]
    elif isinstance(selector, StaticListSelector):
        found = static_list(ctx, selector)
        select = ("SELECT lead_id FROM list_members WHERE lead_id > ? AND list_id = ?", [found.id])
    else:
        assert isinstance(selector, LastUpdateAtSelector)
        oldest_s: int | None
        latest_s: int | None
        if position is not None and position.oldest_s is not None:
            oldest_s, latest_s = position.oldest_s, position.latest_s
        else:
            bounds = time_range(
                ctx, selector.oldest_updated_at, selector.latest_updated_at, "LastUpdateAtSelector"
            )
            oldest_s = None if bounds.oldest_us is None else bounds.oldest_us // US
            latest_s = (ctx.now_us if bounds.latest_us is None else bounds.latest_us) // US
        window = (oldest_s, latest_s)
        select = _updated_between(
            None if oldest_s is None else oldest_s * US,
            None if latest_s is None else latest_s * US + US - 1,
        )
    limit = ctx.config.limits.multiple_leads_batch
    batch = limit if params.batch_size is None else params.batch_size
    if batch <= 0:
        raise bad_parameter("batchSize must be at least 1")
    if select is None:
        page_ids = candidates[: min(batch, limit)]
        remaining = len(candidates) - len(page_ids)
    else:
        page_ids, remaining = _page_of(ctx, *select, after_id, min(batch, limit))
    include = None
    if params.include_attributes is not None and params.include_attributes.string_item:
        include = list(params.include_attributes.string_item)
    page = leads.by_ids(ctx.conn, page_ids)
    new_position = ""
    if remaining > 0:
        new_position = LeadsPosition(
            last_id=page_ids[-1],
            oldest_s=window[0],
            latest_s=window[1],
            offset=(position.offset if position else 0) + len(page_ids),
            remaining=remaining,
        ).render()
    return ResultGetMultipleLeads(
        return_count=len(page),
        remaining_count=remaining,
        new_stream_position=new_position,
        lead_record_list=ArrayOfLeadRecord(
            lead_record=[leads.lead_record(ctx.config, lead, include) for lead in page]
        )
        if page
        else None,
    )


# --- syncing ------------------------------------------------------------------------------------------------


class LeadFailure(Exception):
    """A lead record that cannot be synced: the fault code syncLead answers, the error syncMultipleLeads reports."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SyncOutcome:
    lead: Lead
    status: LeadSyncStatus


def _attributes(ctx: Context, record: LeadRecord) -> dict[str, str]:
    values: dict[str, str] = {}
    pairs = record.lead_attribute_list.attribute if record.lead_attribute_list is not None else []
    for pair in pairs:
        definition = ctx.config.lead_field(pair.attr_name)
        if definition is None:
            raise LeadFailure(20105, f"unknown lead field {pair.attr_name!r}")
        problem = leads.attribute_error(ctx.config, pair.attr_name, pair.attr_value or "")
        if problem:
            raise LeadFailure(20106, problem)
        values[pair.attr_name] = pair.attr_value or ""
    return values


def _one(found: list[Lead]) -> Lead | None:
    return found[0] if found else None


def sync_record(
    ctx: Context,
    record: LeadRecord,
    *,
    cookie: str | None = None,
    dedupe: bool = True,
    email_key_updates: bool = True,
    workspace: str | None = None,
) -> SyncOutcome:
    """Insert or update one lead record by the documented key precedence; LeadFailure when it cannot.

    The reference page calls ForeignSysType "required when foreignSysPersonId is present", but the blog's
    documented syncLead ("Opportunity Sync via SOAP API") sends ForeignSysPersonId alone and succeeds, so a
    missing type is accepted and left unset."""
    email = (record.email or "").strip() or None
    fsp_id = (record.foreign_sys_person_id or "").strip() or None
    fst = record.foreign_sys_type.value if record.foreign_sys_type is not None else None
    if record.id is None and email is None and fsp_id is None and cookie is None:
        raise LeadFailure(20101, "a lead record needs Id, Email or ForeignSysPersonId")
    changes = _attributes(ctx, record)
    lead: Lead | None = None
    matched_by = ""
    if record.id is not None:
        lead, matched_by = leads.by_id(ctx.conn, record.id), "Id"
        if lead is None:
            raise LeadFailure(20103, f"no lead with Id {record.id}")
    elif fsp_id is not None:
        candidates = ctx.conn.execute(
            "SELECT id FROM leads WHERE foreign_sys_person_id = ? ORDER BY id", (fsp_id,)
        ).fetchall()
        lead = leads.by_id(ctx.conn, int(candidates[0]["id"])) if candidates else None
        matched_by = "ForeignSysPersonId"
    if lead is None and cookie is not None:
        lead, matched_by = _one(leads.find(ctx.conn, "COOKIE", cookie)), "cookie"
    if lead is None and email is not None and dedupe:
        lead, matched_by = _one(leads.by_attribute(ctx.conn, leads.EMAIL, email)), "Email"
    # synclead.md: a lead matched by Id, foreign id or cookie must be in the named workspace; by email,
    # the workspace is ignored
    unique_match = matched_by in ("Id", "ForeignSysPersonId", "cookie")
    if (
        workspace is not None
        and lead is not None
        and unique_match
        and lead.workspace.casefold() != workspace.casefold()
    ):
        raise LeadFailure(20106, f"lead {lead.id} is not in the primary partition of workspace {workspace!r}")
    if lead is None:
        created = leads.create(
            ctx.conn,
            ctx.config,
            ctx.now_us,
            email=email,
            foreign_sys_person_id=fsp_id,
            foreign_sys_type=fst,
            cookie=cookie,
            workspace=workspace or ctx.config.workspaces[0],
            attributes=changes,
        )
        return SyncOutcome(created, LeadSyncStatus.CREATED)
    if email is not None and matched_by != "Email" and email_key_updates and leads.EMAIL not in changes:
        changes = {leads.EMAIL: email, **changes}
    leads.update(
        ctx.conn,
        ctx.config,
        lead,
        ctx.now_us,
        changes,
        foreign_sys_person_id=fsp_id,
        foreign_sys_type=fst,
        cookie=cookie,
    )
    return SyncOutcome(lead, LeadSyncStatus.UPDATED)


def sync_lead(ctx: Context, params: ParamsSyncLead) -> ResultSyncLead:
    """Insert or update one lead; a record that cannot be synced is a fault (20101, 20103, 20105, 20106...)."""
    workspace = None
    context_header = getattr(ctx.header, "mktows_context_header", None) if ctx.header is not None else None
    if context_header is not None:
        workspace = ctx.config.workspace(context_header.target_workspace or "")
        if workspace is None:
            raise bad_parameter(f"no workspace {context_header.target_workspace!r}")
    if params.lead_record is None:
        raise ServiceFault(20104, "leadRecord is required")
    try:
        outcome = sync_record(
            ctx, params.lead_record, cookie=(params.marketo_cookie or "").strip() or None, workspace=workspace
        )
    except LeadFailure as failure:
        raise ServiceFault(failure.code, str(failure)) from None
    lead_id = outcome.lead.id
    return ResultSyncLead(
        lead_id=lead_id,
        sync_status=SyncStatus(lead_id=lead_id, status=outcome.status, error=None),
        lead_record=leads.lead_record(ctx.config, outcome.lead) if params.return_lead else None,
    )


def sync_multiple_leads(ctx: Context, params: ParamsSyncMultipleLeads) -> ResultSyncMultipleLeads:
    """Insert or update many leads; each record gets CREATED, UPDATED or FAILED with its error, in order.
    More than the configured batch (300, the documented recommendation) is refused as a bad parameter."""
    records = list(params.lead_record_list.lead_record) if params.lead_record_list is not None else []
    limit = ctx.config.limits.sync_multiple_leads
    if limit is not None and len(records) > limit:
        raise bad_parameter(
            f"{len(records)} lead records in one call; batch sizes above {limit} are not supported"
        )
    if not records:
        raise ServiceFault(20104, "leadRecordList is empty")
    dedupe = True if params.dedup_enabled is None else params.dedup_enabled
    statuses: list[SyncStatus] = []
    for record in records:
        try:
            outcome = sync_record(ctx, record, dedupe=dedupe, email_key_updates=False)
        except LeadFailure as failure:
            statuses.append(
                SyncStatus(lead_id=record.id or 0, status=LeadSyncStatus.FAILED, error=str(failure))
            )
            continue
        statuses.append(SyncStatus(lead_id=outcome.lead.id, status=outcome.status, error=None))
    return ResultSyncMultipleLeads(sync_status_list=ArrayOfSyncStatus(sync_status=statuses))


# --- merging ------------------------------------------------------------------------------------------------


def _leads_of_key_list(ctx: Context, pairs: list[tuple[str, str]], role: str) -> list[Lead]:
    """Leads matching every (key type, value) pair of one key list."""
    if not pairs:
        raise ServiceFault(20101, f"{role} key list is empty")
    matched: dict[int, Lead] | None = None
    for key_type, value in pairs:
        if key_type not in leads.KEY_TYPES or key_type == "COOKIE":
            raise ServiceFault(20102, f"{key_type!r} is not a lead key type mergeLeads accepts")
        found = {lead.id: lead for lead in leads.find(ctx.conn, key_type, value)}
        matched = found if matched is None else {i: lead for i, lead in matched.items() if i in found}
    return list((matched or {}).values())


def merge_leads(ctx: Context, params: ParamsMergeLeads) -> ResultMergeLeads:
    """Merge losing leads into a winning lead; an unknown or ambiguous loser makes the status FAILED."""
    winning_pairs = [(p.attr_name, p.attr_value) for p in params.winning_lead_key_list.attribute]
    winners = _leads_of_key_list(ctx, winning_pairs, "winning")
    if not winners:
        raise ServiceFault(20103, "the winning lead key matches no lead")
    if len(winners) > 1:
        raise bad_parameter("the winning lead key matches more than one lead")
    winner = winners[0]
    losers: list[Lead] = []
    error = None
    key_lists = params.losing_lead_key_lists.key_list if params.losing_lead_key_lists is not None else []
    if not key_lists:
        raise ServiceFault(20101, "losingLeadKeyLists is empty")
    for key_list in key_lists:
        found = _leads_of_key_list(ctx, [(p.attr_name, p.attr_value) for p in key_list.attribute], "losing")
        if len(found) != 1:
            error = (
                "a losing lead key matches no lead"
                if not found
                else "a losing lead key matches several leads"
            )
            break
        if found[0].id == winner.id:
            error = "a losing lead is the winning lead"
            break
        if all(found[0].id != loser.id for loser in losers):
            losers.append(found[0])
    if error is not None:
        return ResultMergeLeads(
            merge_status=MergeStatus(
                winning_lead_id=winner.id,
                losing_lead_id_list=None,
                status=LeadMergeStatusEnum.FAILED,
                error=error,
            )
        )
    leads.merge(ctx.conn, ctx.config, winner, losers, ctx.now_us)
    return ResultMergeLeads(
        merge_status=MergeStatus(
            winning_lead_id=winner.id,
            losing_lead_id_list=ArrayOfInteger(integer_item=[loser.id for loser in losers]),
            status=LeadMergeStatusEnum.MERGED,
            error=None,
        )
    )
