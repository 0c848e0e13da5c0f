"""Static lists over REST (static-lists.md, list-membership.md): lists by id and by name, members, add,
remove, is-member; per-lead statuses added / removed / memberof / notmemberof / skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mktows.emulator.model import leads, lists
from mktows.emulator.model.lists import StaticList
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.custom_objects import MAX_RECORDS, batch_size, decode_token, encode_token
from mktows.emulator.rest.envelope import Answer, RestError, reason
from mktows.emulator.rest.leads import lead_json
from mktows.emulator.rest.values import instant


def list_json(found: StaticList) -> dict[str, Any]:
    """A StaticList record."""
    data: dict[str, Any] = {
        "id": found.id,
        "name": found.name,
        "createdAt": instant(0),
        "updatedAt": instant(0),
        "workspaceName": "Default",
    }
    if found.program:
        data["programName"] = found.program
    return data


def _list_of_path(ctx: RestContext) -> StaticList:
    return ctx.found(lists.by_id, "listId", 1013, "Object not found")


def get_by_id(ctx: RestContext) -> Answer:
    """GET /rest/v1/lists/{listId}.json."""
    return Answer([list_json(_list_of_path(ctx))])


def get_lists(ctx: RestContext) -> Answer:
    """GET /rest/v1/lists.json?id=..&name=..&programName=..: every list matching all the filters given."""
    try:
        ids = {int(v) for v in ctx.request.values("id")}
    except ValueError:
        raise RestError(1001, "Invalid value for 'id'. Required of type 'Integer'") from None
    names = ctx.request.values("name")
    programs = {p.casefold() for p in ctx.request.values("programName")}
    found = [row for row in lists.all_lists(ctx.conn) if not ids or row.id in ids]
    if names:
        found = [row for row in found if any(lists.name_matches(row, name) for name in names)]
    if programs:
        found = [row for row in found if (row.program or "").casefold() in programs]
    return Answer([list_json(row) for row in found])


def members(ctx: RestContext) -> Answer:
    """GET /rest/v1/lists/{listId}/leads.json: the list's leads, paged."""
    found = _list_of_path(ctx)
    size = batch_size(ctx)
    token = ctx.request.param("nextPageToken")
    start = decode_token(token).get("o", 0) if token else 0
    ids = lists.members(ctx.conn, found.id)
    page = leads.by_ids(ctx.conn, ids[start : start + size])
    more = start + size < len(ids)
    wanted = ctx.request.values("fields") or None
    return Answer(
        [lead_json(ctx.config, lead, wanted) for lead in page],
        next_page_token=encode_token({"o": start + size}) if more else None,
        more_result=more,
    )


def _lead_ids(ctx: RestContext) -> list[int]:
    texts = ctx.request.values("id")
    if not texts and ctx.request.method != "GET":
        body = ctx.request.json_object()
        if body:
            items = ctx.request.input_list(MAX_RECORDS)
            texts = [str(item.get("id", "")) if isinstance(item, dict) else "" for item in items]
    if not texts:
        raise RestError(1002, "Missing value for the required parameter 'id'")
    if len(texts) > MAX_RECORDS:
        raise RestError(1003, f"Invalid data: more than {MAX_RECORDS} leads in one call")
    try:
        return [int(text) for text in texts]
    except ValueError:
        raise RestError(1001, "Invalid value for 'id'. Required of type 'Integer'") from None


def _each(ctx: RestContext, act: Callable[[StaticList, int], dict[str, Any]]) -> Answer:
    found = _list_of_path(ctx)
    result: list[dict[str, Any]] = []
    for lead_id in _lead_ids(ctx):
        if leads.by_id(ctx.conn, lead_id) is None:
            result.append({"id": lead_id, "status": "skipped", "reasons": [reason(1004, "Lead not found")]})
        else:
            result.append({"id": lead_id, **act(found, lead_id)})
    return Answer(result)


def add(ctx: RestContext) -> Answer:
    """POST /rest/v1/lists/{listId}/leads.json."""

    def one(target: StaticList, lead_id: int) -> dict[str, Any]:
        lists.add_member(ctx.conn, target, lead_id, ctx.now_us)
        return {"status": "added"}

    return _each(ctx, one)


def remove(ctx: RestContext) -> Answer:
    """DELETE /rest/v1/lists/{listId}/leads.json."""

    def one(target: StaticList, lead_id: int) -> dict[str, Any]:
        if lists.remove_member(ctx.conn, target, lead_id, ctx.now_us):
            return {"status": "removed"}
        return {"status": "skipped", "reasons": [reason(1015, "Lead not in list")]}

    return _each(ctx, one)


def is_member(ctx: RestContext) -> Answer:
    """GET /rest/v1/lists/{listId}/leads/ismember.json."""

    def one(target: StaticList, lead_id: int) -> dict[str, Any]:
        return {"status": "memberof" if lists.is_member(ctx.conn, target.id, lead_id) else "notmemberof"}

    return _each(ctx, one)
