"""Bulk lead import over REST (bulk-lead-import.md, bulk-import.md): ``POST /bulk/v1/leads.json`` with a CSV
file whose header row names lead fields by REST API name, an optional ``lookupField`` (email by default) and
``listId``; then the batch's status, failures and warnings. Rows go through the same lead sync as
``POST /rest/v1/leads.json`` (createOrUpdate); the batch reports Queued and then Importing until the configured
``import_duration`` has passed, then Complete."""

from __future__ import annotations

import csv
import io
from typing import Any

from mktows.emulator.model import activities, imports, lists
from mktows.emulator.rest import leads
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.envelope import Answer, RecordFailure, RestError

US = 1_000_000
FAILURE_COLUMN = "Import Failure Reason"


def _batch_of_path(ctx: RestContext) -> imports.BulkBatch:
    return ctx.found(imports.get, "batchId", 1013, "Object not found")


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def create(ctx: RestContext) -> Answer:
    """POST /bulk/v1/leads.json: import the CSV file's rows now; the answer names the batch."""
    upload = ctx.request.files.get("file")
    if upload is None:
        raise RestError(1002, "Missing value for the required parameter 'file'")
    if (ctx.request.param("format") or "csv").lower() != "csv":
        raise RestError(1003, "Invalid data: the emulator imports csv files")
    lookup = ctx.request.param("lookupField") or "email"
    list_id = ctx.request.int_param("listId")
    target = lists.by_id(ctx.conn, list_id) if list_id is not None else None
    if list_id is not None and target is None:
        raise RestError(1013, "Object not found: no list with that listId")
    reader = csv.reader(io.StringIO(upload.content.decode("utf-8-sig", "replace")))
    table = [row for row in reader if any(cell.strip() for cell in row)]
    if not table:
        raise RestError(1003, "Invalid data: the file is empty")
    header, rows = [cell.strip() for cell in table[0]], table[1:]
    unknown = [
        name for name in header if name != "id" and leads.field_names(ctx.config).get(name.lower()) is None
    ]
    if unknown:
        raise RestError(1006, f"Field '{unknown[0]}' not found")
    failed: list[list[str]] = []
    processed = 0
    for row in rows:
        try:
            if len(row) != len(header):
                raise RecordFailure(1003, f"Invalid data: {len(row)} values for {len(header)} columns")
            item: dict[str, Any] = {
                name: value for name, value in zip(header, row, strict=True) if value != ""
            }
            outcome = leads.sync_record(ctx, "createOrUpdate", lookup, item, activities.LIST_IMPORT_SOURCE)
            if target is not None:
                lists.add_member(ctx.conn, target, int(outcome["id"]), ctx.now_us)
            processed += 1
        except RecordFailure as failure:
            failed.append([*row, f"{failure.code}: {failure.message}"])
    message = f"Import completed, {processed} records imported, {len(failed)} failed"
    batch_id = imports.insert(
        ctx.conn,
        list_id,
        ctx.now_us,
        ctx.now_us + int(ctx.config.settings.import_duration * US),
        (len(rows), processed, len(failed), 0),
        message,
        _csv([*header, FAILURE_COLUMN], failed),
        "",
    )
    return Answer(
        [{"batchId": batch_id, "importId": str(batch_id), "status": "Queued", "numOfLeadsProcessed": 0}]
    )


def status(ctx: RestContext) -> Answer:
    """GET /bulk/v1/leads/batch/{batchId}.json."""
    batch = _batch_of_path(ctx)
    ready = ctx.now_us >= batch.ready_at
    return Answer(
        [
            {
                "batchId": batch.id,
                "importId": str(batch.id),
                "status": "Complete" if ready else "Importing",
                "numOfLeadsProcessed": batch.processed if ready else 0,
                "numOfRowsFailed": batch.failed if ready else 0,
                "numOfRowsWithWarning": batch.warned if ready else 0,
                "message": batch.message if ready else "Import in progress",
            }
        ]
    )


def failures(ctx: RestContext) -> Answer:
    """GET /bulk/v1/leads/batch/{batchId}/failures.json: the failed rows with their reason, as CSV."""
    return Answer(raw=_batch_of_path(ctx).failures.encode("utf-8"))


def warnings(ctx: RestContext) -> Answer:
    """GET /bulk/v1/leads/batch/{batchId}/warnings.json: rows imported with a warning, as CSV (none here)."""
    return Answer(raw=_batch_of_path(ctx).warnings.encode("utf-8"))
