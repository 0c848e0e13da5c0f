"""syncCustomObjects, getCustomObjects and deleteCustomObjects served by REST's Custom Objects endpoints.

The SOAP migration page (migration.md, "Custom Objects") names the successors: Sync Custom Objects, Get Custom
Objects and Delete Custom Objects; custom-objects.md documents their requests and answers. Each function takes
and returns exactly the generated SOAP types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mktows import types as t
from mktows.errors import InvalidRequestError, StreamPositionError, UnsupportedOperationError
from mktows.rest.translate import _build as build
from mktows.rest.translate import per_record, positions
from mktows.rest.translate.context import ObjectType, TranslationContext

ACTIONS = {"INSERT": "createOnly", "UPDATE": "updateOnly", "UPSERT": "createOrUpdate"}
"""SOAP's sync modes as REST's ``action`` (synccustomobjects.md: INSERT only creates, UPDATE only updates,
UPSERT does both; custom-objects.md "Create and Update": createOnly, updateOnly, createOrUpdate)."""

SKIPPED_BECAUSE = {"INSERT": "1017", "UPDATE": "1013"}
"""The REST reason that is SOAP's SKIPPED in each mode: INSERT skips an object that exists (error-codes.md
1017 "Object already exists"), UPDATE one that does not (1013 "Object not found"). Any other reason of a
skipped record is a FAILED object with that reason as its error."""

NOT_FOUND = "1013"
"""A delete's reason for a record that does not exist: SOAP's UNCHANGED (deletecustomobjects.md)."""

SYNC_STATUSES = {"created": t.SyncStatusEnum.CREATED, "updated": t.SyncStatusEnum.UPDATED}
"""REST documents no "unchanged" (custom-objects.md): an update that changes nothing is UPDATED over REST."""

MAX_BATCH = 100
"""getCustomObjects' batchSize: at most 100, the default when absent (getcustomobjects.md); REST pages the
same way up to its own 300, so pages over REST hold what they held over SOAP."""


def _path(co_type: ObjectType, suffix: str = "") -> str:
    return f"/rest/v1/customobjects/{quote(co_type.name, safe='')}{suffix}.json"


def _pairs(array: t.ArrayOfAttribute | None) -> list[t.Attribute]:
    return list(array.attribute) if array is not None else []


def _copy(array: t.ArrayOfAttribute | None) -> t.ArrayOfAttribute:
    return build.attribute_list([build.attribute(p.attr_name, p.attr_value) for p in _pairs(array)])


def _record(keys: t.ArrayOfAttribute | None, values: t.ArrayOfAttribute | None = None) -> dict[str, Any]:
    """One REST input record: every field of the given attribute lists by name, values as SOAP sent them."""
    record = {pair.attr_name: pair.attr_value or "" for pair in keys.attribute} if keys is not None else {}
    if values is not None:
        for pair in values.attribute:
            record[pair.attr_name] = pair.attr_value or ""
    return record


def sync_custom_objects(
    ctx: TranslationContext, params: t.ParamsSyncCustomObjects
) -> t.ResultSyncCustomObjects:
    """Sync Custom Objects (custom-objects.md "Create and Update"): ``action`` from the SOAP mode (UPSERT when
    absent, as the WSDL's optional operation means), ``dedupeBy: dedupeFields`` (SOAP's keys are the dedupe
    fields, synccustomobjects.md); one status per object in the order sent."""
    op = "syncCustomObjects"
    co_type = ctx.object_type(params.obj_type_name, op)
    objects = list(params.custom_obj_list.custom_obj) if params.custom_obj_list is not None else []
    mode = params.operation.value if params.operation is not None else "UPSERT"
    statuses: list[t.SyncCustomObjStatus] = []
    if objects:
        body = {
            "action": ACTIONS[mode],
            "dedupeBy": "dedupeFields",
            "input": [_record(o.custom_obj_key_list, o.custom_obj_attribute_list) for o in objects],
        }
        answer = ctx.rest.post(_path(co_type), body, operation=op)
        for obj, record in zip(objects, per_record.in_order(answer, len(objects), op), strict=True):
            status, error = per_record.sync_status(record, SKIPPED_BECAUSE.get(mode), SYNC_STATUSES, op)
            statuses.append(
                build.sync_status(co_type.soap_name, _copy(obj.custom_obj_key_list), status, error)
            )
    return t.ResultSyncCustomObjects(
        sync_custom_obj_status_list=t.ArrayOfSyncCustomObjStatus(sync_custom_obj_status=statuses)
    )


def delete_custom_objects(
    ctx: TranslationContext, params: t.ParamsDeleteCustomObjects
) -> t.ResultDeleteCustomObjects:
    """Delete Custom Objects (custom-objects.md "Delete") with ``deleteBy: dedupeFields``: deleted is DELETED,
    a record not found (1013) UNCHANGED as deletecustomobjects.md has it, any other reason FAILED."""
    op = "deleteCustomObjects"
    co_type = ctx.object_type(params.obj_type_name, op)
    key_lists = list(params.custom_obj_key_lists.key_list) if params.custom_obj_key_lists is not None else []
    statuses: list[t.SyncCustomObjStatus] = []
    if key_lists:
        body = {"deleteBy": "dedupeFields", "input": [_record(keys) for keys in key_lists]}
        answer = ctx.rest.post(_path(co_type, "/delete"), body, operation=op)
        deleted = {"deleted": t.SyncStatusEnum.DELETED}
        for keys, record in zip(key_lists, per_record.in_order(answer, len(key_lists), op), strict=True):
            status, error = per_record.sync_status(record, NOT_FOUND, deleted, op)
            if status is t.SyncStatusEnum.SKIPPED:
                status = t.SyncStatusEnum.UNCHANGED
            statuses.append(build.sync_status(co_type.soap_name, _copy(keys), status, error))
    return t.ResultDeleteCustomObjects(
        delete_custom_obj_status_list=t.ArrayOfSyncCustomObjStatus(sync_custom_obj_status=statuses)
    )


# --- getCustomObjects --------------------------------------------------------------------------------------


def encode_position(query: str, token: str | None, done: bool) -> str:
    """SOAP's stream position for a REST paging state: REST's ``nextPageToken`` and whether the query was
    read to its end, within the query it belongs to."""
    return positions.encode(query, {"t": token, "end": done})


def decode_position(
    text: str | None, query: str, operation: str = "getCustomObjects"
) -> tuple[str | None, bool]:
    """(nextPageToken, whether the query was read to its end) of a position ``encode_position`` gave for
    this query; ``StreamPositionError`` (SOAP's 20122 family) for any other text."""
    state = positions.decode(text, query, operation)
    if state is None:
        return None, False
    token, done = state.get("t"), state.get("end")
    if not isinstance(token, (str, type(None))) or not isinstance(done, bool):
        raise StreamPositionError(
            "stream position is not one this REST translation returned", operation=operation
        )
    return token, done


def _filter(co_type: ObjectType, criteria: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """REST's query for SOAP's key criteria: ``filterType``/``filterValues`` for one searchable field, or a
    compound-key query (``_method=GET`` with ``input``) for the full set of dedupe fields (custom-objects.md
    "Query"). Any other criteria (none, an attribute that is not searchable, part of a compound key) have no
    REST form: REST filters only by searchable fields and always needs a filter."""
    names = tuple(criteria)
    comma = any("," in value for value in criteria.values())  # filterValues is a comma-separated list
    if len(names) == 1 and names in co_type.searchable_fields and not comma:
        return {"filterType": names[0], "filterValues": criteria[names[0]]}, None
    if names and set(names) == set(co_type.dedupe_fields):
        return {}, {"filterType": "dedupeFields", "input": [dict(criteria)]}
    if comma:
        raise UnsupportedOperationError(
            f"a value with a comma cannot be sent in REST's comma-separated filterValues; query {co_type.soap_name} "
            f"by its full dedupe key ({', '.join(co_type.dedupe_fields)}) instead (custom-objects.md, Query)",
            operation="getCustomObjects",
        )
    searchable = ", ".join("+".join(group) for group in co_type.searchable_fields)
    asked = "+".join(names) or "no key (every object of the type)"
    raise UnsupportedOperationError(
        f"REST's Get Custom Objects filters only by a searchable field or the full dedupe key of "
        f"{co_type.soap_name} ({searchable}); {asked} cannot be queried (custom-objects.md, Query)",
        operation="getCustomObjects",
    )


def _custom_obj(co_type: ObjectType, record: Mapping[str, Any], attributes: Sequence[str]) -> t.CustomObj:
    def present(names: Sequence[str]) -> t.ArrayOfAttribute:
        return build.attribute_list(
            [
                build.attribute(n, per_record.text(v))
                for n in names
                if (v := record.get(n)) is not None and v != ""
            ]
        )

    return build.custom_obj(present(co_type.dedupe_fields), present(attributes))


def get_custom_objects(ctx: TranslationContext, params: t.ParamsGetCustomObjects) -> t.ResultGetCustomObjects:
    """Get Custom Objects (custom-objects.md "Query"). ``includeAttributes`` becomes ``fields`` (all attribute
    fields when empty, as getcustomobjects.md returns them); ``batchSize`` passes through (``MAX_BATCH`` when
    absent or larger); the stream position wraps REST's ``nextPageToken``. REST gives no count of
    the records left (paging-tokens.md: ``moreResult`` only), so ``remainingCount`` is 0 when REST says no
    more follow and 1 ("more follow") otherwise."""
    op = "getCustomObjects"
    co_type = ctx.object_type(params.obj_type_name, op)
    criteria = {p.attr_name: p.attr_value or "" for p in _pairs(params.custom_obj_key_list)}
    wanted = [n for n in (params.include_attributes.string_item if params.include_attributes else []) if n]
    unknown = [n for n in wanted if n not in co_type.fields]
    if unknown:
        raise InvalidRequestError(f"includeAttributes names unknown fields {unknown}", operation=op)
    attributes = [n for n in wanted if n in co_type.attribute_fields] if wanted else co_type.attribute_fields
    batch = MAX_BATCH if params.batch_size is None else params.batch_size
    if batch < 1:
        raise InvalidRequestError(f"batchSize must be at least 1, got {batch}", operation=op)
    batch = min(batch, MAX_BATCH)  # cut to the documented maximum, as the SOAP emulator does
    query_params, query_body = _filter(co_type, criteria)
    identity = json.dumps([co_type.name, sorted(criteria.items())], separators=(",", ":"))
    token, done = decode_position(params.stream_position, identity)
    records: Sequence[Any] = ()
    more = False
    if not done:
        fields = ",".join([*co_type.dedupe_fields, *attributes])
        if query_body is not None:
            body = {**query_body, "fields": fields.split(","), "batchSize": batch}
            if token:
                body["nextPageToken"] = token
            page = ctx.rest.post(_path(co_type), body, params={"_method": "GET"}, operation=op)
        else:
            page = ctx.rest.get(
                _path(co_type),
                {**query_params, "fields": fields, "batchSize": batch, "nextPageToken": token},
                operation=op,
            )
        records, more, token = page.result, page.more_result, positions.next_token(page, op)
    objects = [_custom_obj(co_type, r, attributes) for r in records if isinstance(r, Mapping)]
    return t.ResultGetCustomObjects(
        obj_type_name=co_type.soap_name,
        return_count=len(objects),
        remaining_count=1 if more else 0,
        new_stream_position=encode_position(identity, token, not more),
        custom_obj_list=t.ArrayOfCustomObj(custom_obj=objects) if objects else None,
    )
