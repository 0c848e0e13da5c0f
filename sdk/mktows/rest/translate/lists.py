"""listOperation served by REST's list membership endpoints.

The SOAP migration page (migration.md, "Static Lists") names Add to List and Remove from List as the
successors; list-membership.md documents them and Member of List: lead ids as ``id`` parameters, at most 300 a
call, one status per lead (added, removed, memberof, notmemberof, or skipped with 1004 Lead not found).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mktows import types as t
from mktows.errors import NotFoundError, ProtocolError, UnsupportedOperationError
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.lead_keys import LEAD_KEY_REQUIRED, LEAD_NOT_FOUND, is_lead_id
from mktows.rest.translate.names import BAD_PARAMETER, PARAMETER_REQUIRED, fault, list_id

OPERATION = "listOperation"
MAX_LEADS = 1000
"""listoperation.md: "Each call to this endpoint has a limit of 1000 leads per call"."""

LEAD_KEY_BAD = 20102
"""error-codes.md: a lead key type other than IDNUM (listoperation.md: "Possible values: IDNUM")."""

DONE = {
    t.ListOperationType.ADDTOLIST: "added",
    t.ListOperationType.REMOVEFROMLIST: "removed",
    t.ListOperationType.ISMEMBEROFLIST: "memberof",
}
"""The REST status that is SOAP's ``true`` for each operation (list-membership.md); any other is ``false``."""


def _list_of_key(ctx: TranslationContext, key: t.ListKey) -> int:
    """The list id of a MKTOLISTNAME key; a "Program.List" name (the PHP sample of the SOAP docs) finds the
    list in that program when no list has the whole name."""
    text = (key.key_value or "").strip()
    if not text:
        raise fault(PARAMETER_REQUIRED, "listKey keyValue is required", OPERATION)
    if key.key_type is not t.ListKeyType.MKTOLISTNAME:
        raise UnsupportedOperationError(
            f"REST finds a static list by id, name or program only (static-lists.md, Query); a list keyed by "
            f"{key.key_type.value} cannot be found over REST",
            operation=OPERATION,
        )
    try:
        return list_id(ctx, text, None, OPERATION)
    except NotFoundError:
        head, dot, tail = text.partition(".")
        if not dot:
            raise
        return list_id(ctx, tail, head, OPERATION)


def _lead_id(key: t.LeadKey) -> int | None:
    """A lead key's REST lead id: an IDNUM's number; None for another key type or a non-number."""
    text = (key.key_value or "").strip()
    if key.key_type is t.LeadKeyRef.IDNUM and is_lead_id(text):
        return int(text)
    return None


def _statuses(ctx: TranslationContext, path: str, method: str, ids: Sequence[int]) -> dict[int, str]:
    """REST's status of each lead id (unique ids, sent 300 a call), by id."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), REST_MAX_RECORDS_PER_CALL):
        chunk = list(ids[start : start + REST_MAX_RECORDS_PER_CALL])
        params = {"id": chunk}
        if method == "GET":
            answer = ctx.rest.get(path, params, operation=OPERATION)
        elif method == "POST":
            answer = ctx.rest.post(path, params=params, operation=OPERATION)
        else:
            answer = ctx.rest.delete(path, params, operation=OPERATION)
        for record in answer.result:
            if isinstance(record, Mapping) and "id" in record:
                found[int(record["id"])] = str(record.get("status", ""))
        missing = [i for i in chunk if i not in found]
        if missing:
            raise ProtocolError(
                f"the REST answer has no status for lead ids {missing[:5]}", operation=OPERATION
            )
    return found


def _check_strict(
    keys: Sequence[t.LeadKey],
    ids: Sequence[int | None],
    members: Mapping[int, str],
    operation: t.ListOperationType,
) -> None:
    """Strict mode: the SOAP fault of the first lead key that would fail, before anything changes: a key
    type other than IDNUM; for ADD and REMOVE a lead that does not exist; for REMOVE a lead not in the list
    (or removed by an earlier key of the same call)."""
    removed: set[int] = set()
    for key, lead_id in zip(keys, ids, strict=True):
        if key.key_type is not t.LeadKeyRef.IDNUM:
            raise fault(
                LEAD_KEY_BAD, f"listOperation identifies leads by IDNUM, not {key.key_type.value}", OPERATION
            )
        if operation is t.ListOperationType.ISMEMBEROFLIST:
            continue
        status = members.get(lead_id) if lead_id is not None else None
        if lead_id is None or status not in ("memberof", "notmemberof"):
            raise fault(LEAD_NOT_FOUND, f"no lead with IDNUM {key.key_value!r}", OPERATION)
        if operation is t.ListOperationType.REMOVEFROMLIST:
            if status == "notmemberof" or lead_id in removed:
                raise fault(BAD_PARAMETER, f"lead {lead_id} is not a member of the list", OPERATION)
            removed.add(lead_id)


def list_operation(ctx: TranslationContext, params: t.ParamsListOperation) -> t.ResultListOperation:
    """ADDTOLIST → Add to List, REMOVEFROMLIST → Remove from List, ISMEMBEROFLIST → Member of List
    (list-membership.md), one ``LeadStatus`` per lead key in the order sent; ``success`` is true when every
    status is. Strict mode (listoperation.md: "fails for the entire operation if any subset of the call
    fails") asks Member of List first and raises the SOAP fault of the first failing key before any change:
    over REST strict is check-then-change, not one transaction."""
    target = _list_of_key(ctx, params.list_key)
    keys = list(params.list_member_list.lead_key) if params.list_member_list is not None else []
    if len(keys) > MAX_LEADS:
        raise fault(
            BAD_PARAMETER, f"{len(keys)} leads in one listOperation; the limit is {MAX_LEADS}", OPERATION
        )
    if not keys:
        raise fault(LEAD_KEY_REQUIRED, "listMemberList is empty", OPERATION)
    operation = params.list_operation
    ids = [_lead_id(key) for key in keys]
    unique = list(dict.fromkeys(i for i in ids if i is not None))
    path = f"/rest/v1/lists/{target}/leads"
    changes = operation is not t.ListOperationType.ISMEMBEROFLIST
    if params.strict or not changes:
        members = _statuses(ctx, f"{path}/ismember.json", "GET", unique) if unique else {}
        if params.strict:
            _check_strict(keys, ids, members, operation)
    if changes:
        method = "POST" if operation is t.ListOperationType.ADDTOLIST else "DELETE"
        answered = _statuses(ctx, f"{path}.json", method, unique) if unique else {}
    else:
        answered = members
    statuses: list[t.LeadStatus] = []
    seen: set[int] = set()
    for key, lead_id in zip(keys, ids, strict=True):
        ok = lead_id is not None and answered.get(lead_id) == DONE[operation]
        if ok and lead_id in seen and operation is t.ListOperationType.REMOVEFROMLIST:
            ok = False  # the same lead again: removed by its first key already
        if lead_id is not None:
            seen.add(lead_id)
        statuses.append(
            t.LeadStatus(lead_key=t.LeadKey(key_type=key.key_type, key_value=key.key_value), status=ok)
        )
    return t.ResultListOperation(
        success=all(s.status for s in statuses), status_list=t.ArrayOfLeadStatus(lead_status=statuses)
    )
