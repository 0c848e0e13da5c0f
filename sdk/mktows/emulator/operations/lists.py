"""listOperation, importToList and getImportToListStatus (listoperation.md, importtolist.md,
getimporttoliststatus.md).

importToList is asynchronous as documented: it answers PROCESSING, and getImportToListStatus reports
PROCESSING until the configured ``import_duration`` has passed, then COMPLETE (or FAILED) with row counts.
The leads are written when the job is accepted.
"""

from __future__ import annotations

import csv

from mktows.emulator.model import activities, campaigns, leads, lists, mobjects
from mktows.emulator.model.lists import StaticList
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.store import dumps
from mktows.types import (
    ArrayOfLeadStatus,
    ImportToListModeEnum,
    ImportToListStatusEnum,
    LeadKey,
    LeadStatus,
    ListOperationType,
    ParamsGetImportToListStatus,
    ParamsImportToList,
    ParamsListOperation,
    ResultGetImportToListStatus,
    ResultImportToList,
    ResultListOperation,
)

US = 1_000_000


def _list_of_key(ctx: Context, key_type: str, value: str) -> StaticList:
    text = (value or "").strip()
    if not text:
        raise parameter_required("listKey keyValue is required")
    if key_type == "MKTOLISTNAME":
        found = lists.by_name(ctx.conn, text)
    elif key_type == "MKTOSALESUSERID":
        found = lists.by_owner(ctx.conn, "sales_user_id", text)
    else:
        found = lists.by_owner(ctx.conn, "sfdc_lead_owner_id", text)
    if found is None:
        raise ServiceFault(20111, f"no list with {key_type} {text!r}")
    return found


def list_operation(ctx: Context, params: ParamsListOperation) -> ResultListOperation:
    """Add leads to a static list, remove them, or check membership; at most 1,000 leads per call.

    Each lead gets a status: ADDTOLIST/REMOVEFROMLIST true when the lead exists and is now in/out of the
    list, ISMEMBEROFLIST whether it is a member. ``success`` is false when any status is false. In strict mode
    an ADD or REMOVE that fails for any lead changes nothing and faults.
    """
    target = _list_of_key(ctx, params.list_key.key_type.value, params.list_key.key_value)
    members = list(params.list_member_list.lead_key) if params.list_member_list is not None else []
    limit = ctx.config.limits.list_operation_leads
    if len(members) > limit:
        raise bad_parameter(f"{len(members)} leads in one listOperation; the limit is {limit}")
    if not members:
        raise ServiceFault(20101, "listMemberList is empty")
    operation = params.list_operation
    strict = bool(params.strict)
    statuses: list[LeadStatus] = []
    for key in members:
        lead = None
        if key.key_type.value == "IDNUM":
            found = leads.find(ctx.conn, "IDNUM", key.key_value)
            lead = found[0] if found else None
        elif strict:
            raise ServiceFault(20102, f"listOperation identifies leads by IDNUM, not {key.key_type.value}")
        if operation is ListOperationType.ISMEMBEROFLIST:
            ok = lead is not None and lists.is_member(ctx.conn, target.id, lead.id)
        elif lead is None:
            if strict:
                raise ServiceFault(20103, f"no lead with IDNUM {key.key_value!r}")
            ok = False
        elif operation is ListOperationType.ADDTOLIST:
            lists.add_member(ctx.conn, target, lead.id, ctx.now_us)
            ok = True
        else:
            ok = lists.remove_member(ctx.conn, target, lead.id, ctx.now_us)
            if not ok and strict:
                raise bad_parameter(f"lead {lead.id} is not a member of {target.name!r}")
        statuses.append(
            LeadStatus(lead_key=LeadKey(key_type=key.key_type, key_value=key.key_value), status=ok)
        )
    return ResultListOperation(
        success=all(s.status for s in statuses), status_list=ArrayOfLeadStatus(lead_status=statuses)
    )


def _program_list(ctx: Context, program_name: str | None, list_name: str | None) -> StaticList:
    program_text, list_text = (program_name or "").strip(), (list_name or "").strip()
    if not program_text or not list_text:
        raise parameter_required("programName and listName are required")
    if mobjects.program_by_name(ctx.conn, program_text) is None:
        raise bad_parameter(f"no program {program_text!r}")
    found = lists.by_name(ctx.conn, list_text, program_text)
    if found is None:
        raise ServiceFault(20111, f"no static list {list_text!r} in program {program_text!r}")
    return found


def import_to_list(ctx: Context, params: ParamsImportToList) -> ResultImportToList:
    """Import CSV rows (header of lead field display names, plus ``{{my.token}}`` columns) into a program's
    static list; UPSERTLEADS creates or updates leads by email, LISTONLY adds existing leads only."""
    target = _program_list(ctx, params.program_name, params.list_name)
    header = next(csv.reader([params.import_file_header or ""]), [])
    header = [h.strip() for h in header]
    token_columns = [h for h in header if h.startswith("{{") and h.endswith("}}")]
    campaign_name = (params.campaign_name or "").strip()
    if token_columns and not campaign_name:
        raise parameter_required("importing My Token columns requires campaignName")
    if campaign_name and campaigns.by_name(ctx.conn, str(params.program_name), campaign_name) is None:
        raise ServiceFault(20113, f"no campaign {campaign_name!r} in program {params.program_name!r}")
    fields: list[str | None] = []
    unknown: list[str] = []
    for column in header:
        if column in token_columns:
            fields.append(None)
            continue
        definition = ctx.config.lead_field_by_label(column)
        if definition is None:
            unknown.append(column)
        fields.append(definition.name if definition else None)
    rows = list(params.import_file_rows.string_item) if params.import_file_rows is not None else []
    imported = failed = ignored = 0
    summary: list[str] = []
    per_lead_tokens: dict[str, dict[str, str]] = {}
    status = ImportToListStatusEnum.COMPLETE
    if unknown:
        status = ImportToListStatusEnum.FAILED
        summary.append(f"unknown column(s): {', '.join(unknown)}")
        failed = len(rows)
    elif leads.EMAIL not in fields:
        status = ImportToListStatusEnum.FAILED
        summary.append("the header has no Email Address column")
        failed = len(rows)
    else:
        if params.clear_list:
            lists.clear(ctx.conn, target.id)
        for number, line in enumerate(rows, start=1):
            values = next(csv.reader([line]), [])
            if len(values) != len(header):
                failed += 1
                summary.append(f"row {number}: {len(values)} values for {len(header)} columns")
                continue
            record = {f: v.strip() for f, v in zip(fields, values, strict=True) if f is not None}
            email = record.get(leads.EMAIL, "")
            problems = [p for n, v in record.items() if (p := leads.attribute_error(ctx.config, n, v))]
            if not email or problems:
                failed += 1
                summary.append(f"row {number}: {problems[0] if problems else 'no email address'}")
                continue
            existing = leads.by_attribute(ctx.conn, leads.EMAIL, email)
            if existing:
                lead = existing[0]
                if params.import_list_mode is ImportToListModeEnum.UPSERTLEADS:
                    leads.update(
                        ctx.conn, ctx.config, lead, ctx.now_us, record, reason=activities.LIST_IMPORT_SOURCE
                    )
            elif params.import_list_mode is ImportToListModeEnum.UPSERTLEADS:
                lead = leads.create(
                    ctx.conn, ctx.config, ctx.now_us, attributes=record, source=activities.LIST_IMPORT_SOURCE
                )
            else:
                ignored += 1
                continue
            if not lists.add_member(ctx.conn, target, lead.id, ctx.now_us):
                ignored += 1
                continue
            if token_columns:
                per_lead_tokens[str(lead.id)] = {
                    h: v.strip() for h, v in zip(header, values, strict=True) if h in token_columns
                }
            imported += 1
    ctx.conn.execute(
        "INSERT INTO imports (program, list, campaign, status, started_at, ready_at, rows_total, rows_imported,"
        " rows_failed, rows_ignored, summary, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            str(params.program_name).strip(),
            target.name,
            campaign_name or None,
            status.value,
            ctx.now_us,
            ctx.now_us + int(ctx.config.settings.import_duration * US),
            len(rows),
            imported,
            failed,
            ignored,
            "; ".join(summary)[:2000] or None,
            dumps(per_lead_tokens),
        ),
    )
    return ResultImportToList(import_status=ImportToListStatusEnum.PROCESSING)


def get_import_to_list_status(
    ctx: Context, params: ParamsGetImportToListStatus
) -> ResultGetImportToListStatus:
    """The latest importToList job of a program's list: PROCESSING until it is ready, then its outcome."""
    target = _program_list(ctx, params.program_name, params.list_name)
    row = ctx.conn.execute(
        "SELECT * FROM imports WHERE list = ? AND program = ? COLLATE NOCASE ORDER BY id DESC LIMIT 1",
        (target.name, str(params.program_name).strip()),
    ).fetchone()
    if row is None:
        raise bad_parameter(f"no importToList job for list {target.name!r}")
    ready = ctx.now_us >= int(row["ready_at"])
    status = ImportToListStatusEnum(row["status"]) if ready else ImportToListStatusEnum.PROCESSING
    remaining_s = max(0, (int(row["ready_at"]) - ctx.now_us) // US)
    return ResultGetImportToListStatus(
        status=status,
        started_time=ctx.xml_time(int(row["started_at"])),
        ended_time=ctx.xml_time(int(row["ready_at"])) if ready else None,
        estimated_time=None if ready else int(remaining_s),
        estimated_rows=int(row["rows_total"]),
        rows_imported=int(row["rows_imported"]) if ready else 0,
        rows_failed=int(row["rows_failed"]) if ready else 0,
        rows_ignored=int(row["rows_ignored"]) if ready else 0,
        import_summary=row["summary"] if ready else None,
    )
