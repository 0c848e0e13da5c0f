"""Custom objects over REST (custom-objects.md): sync with ``action`` createOnly / updateOnly / createOrUpdate
and ``dedupeBy`` dedupeFields / idField, get by a filter field or by compound keys (``_method=GET`` with a
JSON body), delete, describe. The same records and the same sync rules as SOAP's syncCustomObjects
(``operations.custom_objects.sync_one``); REST documents no "unchanged", so an update that changes nothing
reports ``updated``."""

from __future__ import annotations

import base64
import json
from typing import Any

from mktows.emulator.config import CustomObjectType
from mktows.emulator.model import custom_objects as records
from mktows.emulator.operations.custom_objects import ObjectFailure, delete_one, sync_one
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.envelope import Answer, RecordFailure, RestError, each_record
from mktows.emulator.rest.values import guid, guid_number, instant, json_value, stored_value
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.types import Attribute, SyncStatusEnum

MAX_RECORDS = REST_MAX_RECORDS_PER_CALL
ID_FIELD = "marketoGUID"
ACTIONS = {"createOnly": "INSERT", "updateOnly": "UPDATE", "createOrUpdate": "UPSERT"}
STATUS = {
    SyncStatusEnum.CREATED: "created",
    SyncStatusEnum.UPDATED: "updated",
    SyncStatusEnum.UNCHANGED: "updated",
    SyncStatusEnum.DELETED: "deleted",
}


def object_type(ctx: RestContext) -> CustomObjectType:
    """The type whose API name is in the path (custom-objects.md: the path parameter is the type's API name,
    not its SOAP name when the two differ); 1013 when there is none."""
    name = ctx.arg("customObjectName")
    co_type = ctx.config.custom_object_type_by_api_name(name)
    if co_type is None:
        raise RestError(1013, f"Object not found: no custom object type '{name}'")
    return co_type


def _guid(co_type: CustomObjectType, record: records.Record) -> str:
    return guid(records.kind(co_type), record.seq)


def _by_guid(ctx: RestContext, co_type: CustomObjectType, value: Any) -> records.Record | None:
    number = guid_number(records.kind(co_type), str(value or ""))
    return None if number is None else records.by_seq(ctx.conn, co_type, number)


def _split(co_type: CustomObjectType, item: dict[str, Any]) -> tuple[list[Attribute], list[Attribute]]:
    keys: list[Attribute] = []
    attributes: list[Attribute] = []
    for name, value in item.items():
        pair = Attribute(attr_name=name, attr_value=stored_value(value, name))
        (keys if name in co_type.dedupe_fields else attributes).append(pair)
    return keys, attributes


def sync_options(ctx: RestContext) -> tuple[str, str]:
    """A sync's ``action`` (createOrUpdate by default) and ``dedupeBy`` (dedupeFields by default); 1003 for
    others, and for idField with createOnly (an id names an existing record)."""
    body = ctx.request.json_object()
    action = body.get("action", "createOrUpdate")
    if action not in ACTIONS:
        raise RestError(1003, f"Invalid data: action '{action}' (createOnly, updateOnly or createOrUpdate)")
    dedupe_by = body.get("dedupeBy", "dedupeFields")
    if dedupe_by not in ("dedupeFields", "idField"):
        raise RestError(1003, f"Invalid data: dedupeBy '{dedupe_by}' (dedupeFields or idField)")
    if dedupe_by == "idField" and action == "createOnly":
        raise RestError(1003, "Invalid data: dedupeBy idField cannot create records")
    return action, dedupe_by


def sync(ctx: RestContext) -> Answer:
    """POST /rest/v1/customobjects/{name}.json."""
    co_type = object_type(ctx)
    action, dedupe_by = sync_options(ctx)
    mode = ACTIONS[action]
    return Answer(
        each_record(
            ctx.request.input_list(MAX_RECORDS), lambda item: _sync_item(ctx, co_type, mode, dedupe_by, item)
        )
    )


def _sync_item(
    ctx: RestContext, co_type: CustomObjectType, mode: str, dedupe_by: str, item: dict[str, Any]
) -> dict[str, Any]:
    if dedupe_by == "idField":
        record = _by_guid(ctx, co_type, item.pop(ID_FIELD, None))
        if record is None:
            raise RecordFailure(1013, "Record not found")
        item = {**record.keys, **{k: v for k, v in item.items() if k not in co_type.dedupe_fields}}
    keys, attributes = _split(co_type, item)
    try:
        status, record = sync_one(ctx.conn, ctx.now_us, co_type, mode, keys, attributes)
    except ObjectFailure as failure:
        code = 1006 if "unknown field" in str(failure) else 1003
        raise RecordFailure(code, str(failure)) from None
    if status == SyncStatusEnum.SKIPPED:
        if record is None:
            raise RecordFailure(1013, "Record not found")
        raise RecordFailure(1017, "Record already exists")
    assert record is not None
    return {"marketoGUID": _guid(co_type, record), "status": STATUS[status]}


def delete(ctx: RestContext) -> Answer:
    """POST /rest/v1/customobjects/{name}/delete.json."""
    co_type = object_type(ctx)
    delete_by = ctx.request.json_object().get("deleteBy", "dedupeFields")
    if delete_by not in ("dedupeFields", "idField"):
        raise RestError(1003, f"Invalid data: deleteBy '{delete_by}' (dedupeFields or idField)")

    def delete_item(item: dict[str, Any]) -> dict[str, Any]:
        if delete_by == "idField":
            found = _by_guid(ctx, co_type, item.get(ID_FIELD))
            if found is None:
                raise RecordFailure(1013, "Record not found")
            item = dict(found.keys)
        keys, extra = _split(co_type, item)
        if extra:
            raise RecordFailure(1003, f"Invalid data: '{extra[0].attr_name}' is not a dedupe field")
        try:
            status, record = delete_one(ctx.conn, co_type, keys)
        except ObjectFailure as failure:
            raise RecordFailure(1003, str(failure)) from None
        if record is None:
            raise RecordFailure(1013, "Record not found")
        return {"marketoGUID": _guid(co_type, record), "status": STATUS[status]}

    return Answer(each_record(ctx.request.input_list(MAX_RECORDS), delete_item))


def encode_token(position: dict[str, int]) -> str:
    """A paging token for a position (base32 of a small JSON object, in the docs' alphabet)."""
    return base64.b32encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_token(text: str) -> dict[str, int]:
    """A paging token this face gave (base32 of a small JSON object); 1003 for any other text."""
    try:
        padded = text.strip() + "=" * (-len(text.strip()) % 8)
        data = json.loads(base64.b32decode(padded.encode()))
    except (ValueError, TypeError):
        raise RestError(1003, "Invalid data: nextPageToken is not one this service gave") from None
    if not isinstance(data, dict) or not all(isinstance(v, int) and v >= 0 for v in data.values()):
        raise RestError(1003, "Invalid data: nextPageToken is not one this service gave")
    return data


def batch_size(ctx: RestContext, body: dict[str, Any] | None = None) -> int:
    """``batchSize``: 300 by default and at most (1003 beyond); from a query's JSON ``body`` when it has one
    (custom-objects.md: the body of a compound-key query takes the members of a GET query)."""
    sent = body.get("batchSize") if body else None
    if sent is not None and (isinstance(sent, bool) or not isinstance(sent, int)):
        raise RestError(1001, f"Invalid value '{sent}'. Required of type 'Integer'")
    size = sent if sent is not None else ctx.request.int_param("batchSize", MAX_RECORDS)
    assert size is not None
    if not 1 <= size <= MAX_RECORDS:
        raise RestError(1003, f"Invalid data: batchSize must be between 1 and {MAX_RECORDS}")
    return size


def get(ctx: RestContext) -> Answer:
    """GET /rest/v1/customobjects/{name}.json (or POST with ``_method=GET`` and a JSON body)."""
    co_type = object_type(ctx)
    body = ctx.request.json_object() if ctx.request.method == "POST" else {}
    filter_type = body.get("filterType") or ctx.request.param("filterType")
    if not filter_type:
        raise RestError(1002, "Missing value for the required parameter 'filterType'")
    fields_wanted = body.get("fields") or ctx.request.values("fields")
    if not isinstance(fields_wanted, list):
        raise RestError(1003, "Invalid data: fields must be a list")
    criteria_list = _criteria(co_type, filter_type, body, ctx)
    size = batch_size(ctx, body)
    token = ctx.request.param("nextPageToken") or body.get("nextPageToken")
    position = decode_token(token) if token else {"i": 0, "s": 0}
    index, after = position.get("i", 0), position.get("s", 0)
    found: list[tuple[int, records.Record]] = []
    while index < len(criteria_list) and len(found) < size:
        criteria = criteria_list[index]
        if criteria is None:
            index, after = index + 1, 0
            continue
        if ID_FIELD in criteria:
            record = _by_guid(ctx, co_type, criteria[ID_FIELD])
            page = [record] if record is not None and record.seq > after else []
            remaining = 0
        else:
            page, remaining = records.select(ctx.conn, co_type, criteria, after, 0, size - len(found))
        found += [(index, record) for record in page]
        if remaining:
            after = page[-1].seq
            break
        index, after = index + 1, 0
    more = index < len(criteria_list)
    result = [_record_json(co_type, record, fields_wanted, seq) for seq, (_, record) in enumerate(found)]
    return Answer(
        result,
        next_page_token=encode_token({"i": index, "s": after}) if more else None,
        more_result=more,
    )


def _criteria(
    co_type: CustomObjectType, filter_type: str, body: dict[str, Any], ctx: RestContext
) -> list[dict[str, str] | None]:
    """One criteria mapping per filter value (None for a value that cannot match)."""
    if filter_type == "dedupeFields" and "input" in body:
        items = ctx.request.input_list(MAX_RECORDS)
        result: list[dict[str, str] | None] = []
        for item in items:
            if not isinstance(item, dict) or set(item) != set(co_type.dedupe_fields):
                raise RestError(1003, f"Invalid data: each input needs exactly {list(co_type.dedupe_fields)}")
            result.append({name: stored_value(value, name) for name, value in item.items()})
        return result
    values = ctx.request.values("filterValues")
    if not values:
        raise RestError(1002, "Missing value for the required parameter 'filterValues'")
    if len(values) > MAX_RECORDS:
        raise RestError(1003, f"Invalid data: more than {MAX_RECORDS} filter values")
    name = filter_type
    if filter_type in ("idField", ID_FIELD):
        return [{ID_FIELD: value} for value in values]
    if filter_type == "dedupeFields" and len(co_type.dedupe_fields) == 1:
        name = co_type.dedupe_fields[0]
    if name not in co_type.dedupe_fields:
        raise RestError(1003, _not_searchable(co_type, filter_type))
    return [{name: value} for value in values]


def _not_searchable(co_type: CustomObjectType, filter_type: str) -> str:
    """Why a GET query's ``filterType`` is refused. ``dedupeFields`` is always a valid filter type, but a
    compound key is queried by POST with ``_method=GET`` and an ``input`` list, not by ``filterValues``
    (lead-database.md, Compound Keys)."""
    if filter_type == "dedupeFields":
        keys = ", ".join(co_type.dedupe_fields)
        return (
            f"Invalid data: the dedupe key of {co_type.rest_name} is compound ({keys}); query it by POST with "
            "_method=GET and an input list of keys"
        )
    return f"Invalid data: '{filter_type}' is not a searchable field of {co_type.rest_name}"


def _record_json(
    co_type: CustomObjectType, record: records.Record, wanted: list[str], seq: int
) -> dict[str, Any]:
    values = {**record.attributes, **record.keys}
    names = list(co_type.dedupe_fields) if not wanted else [n for n in wanted if n in co_type.fields]
    data: dict[str, Any] = {"seq": seq, "marketoGUID": _guid(co_type, record)}
    for name in names:
        data[name] = json_value(co_type.fields[name], values.get(name))
    data["createdAt"] = instant(record.created_at)
    data["updatedAt"] = instant(record.updated_at)
    return data


def describe(ctx: RestContext) -> Answer:
    """GET /rest/v1/customobjects/{name}/describe.json."""
    return Answer([metadata(object_type(ctx))])


def list_types(ctx: RestContext) -> Answer:
    """GET /rest/v1/customobjects.json (``names`` narrows the list)."""
    wanted = {name.lower() for name in ctx.request.values("names")}
    return Answer(
        [metadata(t) for t in ctx.config.custom_object_types if not wanted or t.rest_name.lower() in wanted]
    )


def metadata(co_type: CustomObjectType) -> dict[str, Any]:
    """The ObjectMetaData of a type: ``name`` and ``apiName`` its API name, ``displayName`` the name the SOAP
    face knows it by (custom-objects.md, List Types: apiName "car_c", displayName "Car")."""
    stamp = "2010-01-01T00:00:00Z"
    fields = [
        {
            "name": ID_FIELD,
            "displayName": "Marketo GUID",
            "dataType": "string",
            "length": 36,
            "updateable": False,
        },
        *[
            {
                "name": name,
                "displayName": name,
                "dataType": data_type,
                "updateable": name not in co_type.dedupe_fields,
            }
            for name, data_type in co_type.fields.items()
        ],
        {"name": "createdAt", "displayName": "Created At", "dataType": "datetime", "updateable": False},
        {"name": "updatedAt", "displayName": "Updated At", "dataType": "datetime", "updateable": False},
    ]
    searchable = [list(co_type.dedupe_fields), [ID_FIELD]]
    if len(co_type.dedupe_fields) > 1:
        searchable += [[name] for name in co_type.dedupe_fields]
    return {
        "name": co_type.rest_name,
        "apiName": co_type.rest_name,
        "displayName": co_type.name,
        "pluralName": f"{co_type.name}s",
        "description": co_type.description,
        "createdAt": stamp,
        "updatedAt": stamp,
        "idField": ID_FIELD,
        "dedupeFields": list(co_type.dedupe_fields),
        "searchableFields": searchable,
        "relationships": [],
        "fields": fields,
        "status": "approved",
        "state": "approved",
        "version": "approved",
    }
