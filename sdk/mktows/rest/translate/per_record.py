"""What every write translation reads from REST's per-record results, and how REST's JSON values read as SOAP
text: one place for the conventions custom-objects.md, leads.md and opportunities.md share (a ``seq`` per
record sent, a ``status``, a ``reasons`` array for a skipped record).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mktows import types as t
from mktows.errors import ProtocolError
from mktows.rest._envelope import RestResponse


def text(value: Any) -> str:
    """A REST JSON value as SOAP's text (integers and decimals in their canonical form, booleans lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def in_order(answer: RestResponse, sent: int, operation: str) -> list[Mapping[str, Any]]:
    """The per-record results of a write, ordered by ``seq``; ProtocolError unless each record sent has one."""
    records = [r for r in answer.result if isinstance(r, Mapping)]
    by_seq = {r.get("seq"): r for r in records}
    if len(answer.result) != sent or set(by_seq) != set(range(sent)):
        raise ProtocolError(
            f"the REST answer has {len(answer.result)} results for {sent} records sent", operation=operation
        )
    return [by_seq[seq] for seq in range(sent)]


def reason(record: Mapping[str, Any]) -> tuple[str, str]:
    """The first reason of a record (its code as text and its message); empty strings when none came."""
    reasons = record.get("reasons") or []
    first = reasons[0] if reasons and isinstance(reasons[0], Mapping) else {}
    return str(first.get("code", "")), str(first.get("message", ""))


def error_text(code: str, message: str) -> str:
    """A FAILED record's error: REST's reason message, ending with its code as Marketo's texts do."""
    return f"{message or 'failed'} ({code})" if code else message or "failed"


def sync_status(
    record: Mapping[str, Any], skipped_when: str | None, statuses: Mapping[str, t.SyncStatusEnum], op: str
) -> tuple[t.SyncStatusEnum, str | None]:
    """SOAP's status (and error) of one REST record result: a status of ``statuses`` as mapped; ``skipped``
    for the reason ``skipped_when`` SKIPPED, for any other FAILED with that reason as its error."""
    status = str(record.get("status"))
    if status in statuses:
        return statuses[status], None
    if status == "skipped":
        code, message = reason(record)
        if code == skipped_when:
            return t.SyncStatusEnum.SKIPPED, None
        return t.SyncStatusEnum.FAILED, error_text(code, message)
    raise ProtocolError(f"unexpected REST record status {status!r}", operation=op)
