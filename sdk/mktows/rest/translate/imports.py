"""importToList and getImportToListStatus served by REST's Bulk Import Leads and Add to List.

The SOAP migration page (migration.md, "Static Lists") names Add To List and Bulk Import Leads as the
successors of importToList and Bulk Import Leads as that of getImportToListStatus. UPSERTLEADS is a bulk lead
import into the list (``POST /bulk/v1/leads.json`` with ``listId``, bulk-lead-import.md); LISTONLY, which
adds existing leads only and changes none, is Get Leads by Filter Type on email and Add to List
(list-membership.md). REST reports an import by the ``batchId`` its request returned, not by program and
list, so this client keeps each list's latest import for getImportToListStatus.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from xsdata.models.datatype import XmlDateTime

from mktows import types as t
from mktows.errors import ProtocolError, UnsupportedOperationError
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.rest import iter_records
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.lead_keys import ids_by_value
from mktows.rest.translate.names import (
    BAD_PARAMETER,
    PARAMETER_REQUIRED,
    campaign,
    fault,
    list_id,
    program_id,
)

EMAIL = "email"
"""The REST name of the lead field a list import matches leads by (bulk-lead-import.md: ``lookupField``,
email by default), as importToList matched them by Email Address."""

BULK_STATUSES = {
    "Queued": t.ImportToListStatusEnum.PROCESSING,
    "Importing": t.ImportToListStatusEnum.PROCESSING,
    "Complete": t.ImportToListStatusEnum.COMPLETE,
    "Failed": t.ImportToListStatusEnum.FAILED,
}
"""A bulk import's ``status`` (bulk-lead-import.md: Queued, Importing, Complete, Failed) as SOAP's
(getimporttoliststatus.md: PROCESSING, COMPLETE, FAILED, CANCELED)."""


@dataclass(frozen=True)
class ImportJob:
    """One importToList of a list: the REST batch when rows went to Bulk Import Leads, and the rows this
    translation settled itself (refused before sending, or added to the list directly)."""

    started: datetime
    rows: int
    batch_id: int | None = None
    imported: int = 0
    failed: int = 0
    ignored: int = 0
    summary: tuple[str, ...] = field(default_factory=tuple)
    status: t.ImportToListStatusEnum = t.ImportToListStatusEnum.COMPLETE
    ended: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _xml_time(moment: datetime) -> XmlDateTime:
    return XmlDateTime.from_datetime(moment.replace(microsecond=0))


def _target(
    ctx: TranslationContext, program: str | None, list_name: str | None, op: str
) -> tuple[str, str, int]:
    """(program, list, list id) of a program's static list: a bad parameter for an unknown program, 20111
    List Not Found for an unknown list, as the SOAP operations fault."""
    program_text, list_text = (program or "").strip(), (list_name or "").strip()
    if not program_text or not list_text:
        raise fault(PARAMETER_REQUIRED, "programName and listName are required", op)
    if program_id(ctx, program_text, op) is None:
        raise fault(BAD_PARAMETER, f"no program {program_text!r}", op)
    return program_text, list_text, list_id(ctx, list_text, program_text, op)


def _job_key(program: str, list_name: str) -> tuple[str, ...]:
    return ("importToList", program.casefold(), list_name.casefold())


def lead_field_names(ctx: TranslationContext, op: str) -> dict[str, str]:
    """REST lead field name by SOAP column label, from Describe Lead (leads.md, "Describe"): the display
    name, or failing that the SOAP name, compared without case (importtolist.md: "displayName values should
    be used in the importFileHeader")."""

    def look_up() -> dict[str, str]:
        names: dict[str, str] = {}
        fields = list(ctx.rest.get("/rest/v1/leads/describe.json", operation=op).result)
        for described in fields:
            if not isinstance(described, Mapping) or not isinstance(described.get("rest"), Mapping):
                continue
            rest_name = str(described["rest"].get("name", ""))
            soap = described.get("soap")
            if isinstance(soap, Mapping) and soap.get("name"):
                names.setdefault(str(soap["name"]).casefold(), rest_name)
        for described in fields:
            if isinstance(described, Mapping) and isinstance(described.get("rest"), Mapping):
                label = str(described.get("displayName") or "").casefold()
                if label:
                    names[label] = str(described["rest"].get("name", ""))
        return names

    return ctx.cached(("lead fields",), look_up) or {}


def _csv_line(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def import_to_list(ctx: TranslationContext, params: t.ParamsImportToList) -> t.ResultImportToList:
    """Start an import of CSV rows into a program's static list; PROCESSING, as importtolist.md answers.

    The header's display names become REST field names; a header naming an unknown field or no Email
    Address fails the whole import (reported by getImportToListStatus) without a REST call. Rows with the
    wrong number of values or no email fail one by one. ``clearList`` first removes every member (Get Leads by
    List Id, Remove from List). My Token columns have no REST counterpart: REST's bulk import takes lead
    fields only (bulk-lead-import.md)."""
    op = "importToList"
    program, list_name, target = _target(ctx, params.program_name, params.list_name, op)
    header = [h.strip() for h in next(csv.reader([params.import_file_header or ""]), [])]
    token_columns = [h for h in header if h.startswith("{{") and h.endswith("}}")]
    campaign_name = (params.campaign_name or "").strip()
    if token_columns and not campaign_name:
        raise fault(PARAMETER_REQUIRED, "importing My Token columns requires campaignName", op)
    if campaign_name:
        campaign(ctx, op, name=campaign_name, program=program)
    if token_columns:
        raise UnsupportedOperationError(
            "My Token columns of a list import have no REST counterpart: Bulk Import Leads takes lead fields "
            "only (bulk-lead-import.md); send the tokens with Schedule or Request Campaign instead",
            operation=op,
        )
    rows = list(params.import_file_rows.string_item) if params.import_file_rows is not None else []
    job = ImportJob(started=_now(), rows=len(rows))
    names = lead_field_names(ctx, op)
    unknown = [h for h in header if h.casefold() not in names]
    columns = [names.get(h.casefold(), "") for h in header]
    if unknown or EMAIL not in columns:
        why = (
            f"unknown column(s): {', '.join(unknown)}"
            if unknown
            else "the header has no Email Address column"
        )
        failed = replace(job, failed=len(rows), summary=(why,), status=t.ImportToListStatusEnum.FAILED)
        ctx.remember(_job_key(program, list_name), replace(failed, ended=failed.started))
        return t.ResultImportToList(import_status=t.ImportToListStatusEnum.PROCESSING)
    if params.clear_list:
        _clear(ctx, target, op)
    good: list[list[str]] = []
    problems: list[str] = []
    for number, line in enumerate(rows, start=1):
        values = [v.strip() for v in next(csv.reader([line]), [])]
        if len(values) != len(header):
            problems.append(f"row {number}: {len(values)} values for {len(header)} columns")
        elif not values[columns.index(EMAIL)]:
            problems.append(f"row {number}: no email address")
        else:
            good.append(values)
    job = replace(job, failed=len(problems), summary=tuple(problems))
    if params.import_list_mode is t.ImportToListModeEnum.LISTONLY:
        job = _add_existing(ctx, target, [row[columns.index(EMAIL)] for row in good], job, op)
    elif good:
        body = "".join(_csv_line(row) for row in [columns, *good]).encode("utf-8")
        answer = ctx.rest.post(
            "/bulk/v1/leads.json",
            form={"format": "csv", "listId": target, "lookupField": EMAIL},
            files={"file": ("importToList.csv", body, "text/csv")},
            operation=op,
        )
        batch = answer.result[0] if answer.result and isinstance(answer.result[0], Mapping) else {}
        if "batchId" not in batch:
            raise ProtocolError("the bulk import answered no batchId", operation=op)
        job = replace(job, batch_id=int(batch["batchId"]))
    if job.batch_id is None:
        job = replace(job, ended=_now())
    ctx.remember(_job_key(program, list_name), job)
    return t.ResultImportToList(import_status=t.ImportToListStatusEnum.PROCESSING)


def _clear(ctx: TranslationContext, target: int, op: str) -> None:
    """Remove every member of a list: Get Leads by List Id, then Remove from List 300 ids a call."""
    path = f"/rest/v1/lists/{target}/leads.json"
    members = [
        int(r["id"])
        for r in iter_records(ctx.rest, path, {"fields": "id"}, operation=op)
        if isinstance(r, Mapping)
    ]
    for start in range(0, len(members), REST_MAX_RECORDS_PER_CALL):
        ctx.rest.delete(path, {"id": members[start : start + REST_MAX_RECORDS_PER_CALL]}, operation=op)


def _add_existing(
    ctx: TranslationContext, target: int, emails: Sequence[str], job: ImportJob, op: str
) -> ImportJob:
    """LISTONLY: each row's existing lead (the first by id with its email) added to the list; a row whose
    lead does not exist or is a member already is ignored, as importToList counts it."""
    by_email = ids_by_value(ctx, t.LeadKeyRef.EMAIL, emails, op)
    leads = [min(by_email[e.strip()]) if by_email.get(e.strip()) else None for e in emails]
    known = list(dict.fromkeys(i for i in leads if i is not None))
    members: dict[int, str] = {}
    path = f"/rest/v1/lists/{target}/leads"
    for start in range(0, len(known), REST_MAX_RECORDS_PER_CALL):
        chunk = known[start : start + REST_MAX_RECORDS_PER_CALL]
        answer = ctx.rest.get(f"{path}/ismember.json", {"id": chunk}, operation=op)
        members.update({int(r["id"]): str(r.get("status")) for r in answer.result if isinstance(r, Mapping)})
    new = [i for i in known if members.get(i) == "notmemberof"]
    for start in range(0, len(new), REST_MAX_RECORDS_PER_CALL):
        ctx.rest.post(
            f"{path}.json", params={"id": new[start : start + REST_MAX_RECORDS_PER_CALL]}, operation=op
        )
    imported = len(new)
    return replace(job, imported=imported, ignored=len(emails) - imported)


def get_import_to_list_status(
    ctx: TranslationContext, params: t.ParamsGetImportToListStatus
) -> t.ResultGetImportToListStatus:
    """The latest importToList of a program's list made through this client: for a bulk import, Get Import
    Lead Status (bulk-lead-import.md) with the rows settled here added to its counts. REST keeps no import
    history by program and list, so an import made elsewhere cannot be found (UnsupportedOperationError).
    The times are this client's: REST's status carries none."""
    op = "getImportToListStatus"
    program, list_name, _ = _target(ctx, params.program_name, params.list_name, op)
    job: ImportJob | None = ctx.recalled(_job_key(program, list_name))
    if job is None:
        raise UnsupportedOperationError(
            f"no importToList of list {list_name!r} was started through this client: REST reports an import "
            "only by the batchId its own request returned (bulk-lead-import.md, Import Status)",
            operation=op,
        )
    status, imported, failed, summary = job.status, job.imported, job.failed, list(job.summary)
    if job.batch_id is not None:
        answer = ctx.rest.get(f"/bulk/v1/leads/batch/{job.batch_id}.json", operation=op)
        batch = answer.result[0] if answer.result and isinstance(answer.result[0], Mapping) else {}
        status = BULK_STATUSES.get(str(batch.get("status")), t.ImportToListStatusEnum.PROCESSING)
        if status is not t.ImportToListStatusEnum.PROCESSING:
            imported += int(batch.get("numOfLeadsProcessed") or 0)
            failed += int(batch.get("numOfRowsFailed") or 0)
            if batch.get("message"):
                summary.append(str(batch["message"]))
            if job.ended is None:
                job = replace(job, ended=_now())
                ctx.remember(_job_key(program, list_name), job)
    done = status is not t.ImportToListStatusEnum.PROCESSING
    return t.ResultGetImportToListStatus(
        status=status,
        started_time=_xml_time(job.started),
        ended_time=_xml_time(job.ended) if done and job.ended is not None else None,
        estimated_time=None,
        estimated_rows=job.rows,
        rows_imported=imported if done else 0,
        rows_failed=failed if done else 0,
        rows_ignored=job.ignored if done else 0,
        import_summary=("; ".join(summary)[:2000] or None) if done else None,
    )
