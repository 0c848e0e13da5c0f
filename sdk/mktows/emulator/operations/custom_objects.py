"""syncCustomObjects, getCustomObjects and deleteCustomObjects (synccustomobjects.md, getcustomobjects.md,
deletecustomobjects.md).

syncCustomObjects, exactly as documented: INSERT creates new objects and skips existing ones (SKIPPED),
UPDATE updates existing ones and skips new ones, UPSERT does both; an update that changes no field is
UNCHANGED; one status per object, in the order sent; more than 100 objects is a fault for the whole call;
only dedupe fields may appear in customObjKeyList; an unknown field, a missing key or a bad value FAILS that
object alone, with an error message, while the others proceed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from mktows.emulator.config import CustomObjectType
from mktows.emulator.model import custom_objects as records
from mktows.emulator.model.values import value_error
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.store import dumps
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    ArrayOfSyncCustomObjStatus,
    Attribute,
    CustomObj,
    ParamsDeleteCustomObjects,
    ParamsGetCustomObjects,
    ParamsSyncCustomObjects,
    ResultDeleteCustomObjects,
    ResultGetCustomObjects,
    ResultSyncCustomObjects,
    SyncCustomObjStatus,
    SyncStatusEnum,
)

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED, DELETED = (
    SyncStatusEnum.CREATED,
    SyncStatusEnum.UPDATED,
    SyncStatusEnum.UNCHANGED,
    SyncStatusEnum.SKIPPED,
    SyncStatusEnum.FAILED,
    SyncStatusEnum.DELETED,
)


class ObjectFailure(Exception):
    """One object cannot be processed; its status is FAILED with this message as ``error``."""


def _type(ctx: Context, name: str | None) -> CustomObjectType:
    if not name or not name.strip():
        raise parameter_required("objTypeName is required")
    co_type = ctx.config.custom_object_type(name)
    if co_type is None:
        raise bad_parameter(f"no custom object type {name!r}")
    return co_type


def _pairs(attributes: ArrayOfAttribute | None) -> list[Attribute]:
    return list(attributes.attribute) if attributes is not None else []


def key_values(co_type: CustomObjectType, sent: Sequence[Attribute]) -> dict[str, str]:
    """The full dedupe key of one object; ObjectFailure when the key list is not exactly the dedupe fields."""
    keys: dict[str, str] = {}
    for pair in sent:
        name = pair.attr_name
        if name in keys:
            raise ObjectFailure(f"key field {name!r} is given twice")
        if name not in co_type.fields:
            raise ObjectFailure(f"unknown field {name!r} in customObjKeyList of {co_type.name}")
        if name not in co_type.dedupe_fields:
            raise ObjectFailure(
                f"field {name!r} is not a dedupe field of {co_type.name}; only dedupe fields"
                f" ({', '.join(co_type.dedupe_fields)}) may be passed in customObjKeyList"
            )
        value = pair.attr_value or ""
        if not value.strip():
            raise ObjectFailure(f"key field {name!r} has no value")
        problem = value_error(co_type.fields[name], value)
        if problem:
            raise ObjectFailure(f"key field {name!r}: {problem}")
        keys[name] = value
    missing = [name for name in co_type.dedupe_fields if name not in keys]
    if missing:
        raise ObjectFailure(f"customObjKeyList lacks the dedupe field(s) {', '.join(missing)}")
    return keys


def attribute_values(co_type: CustomObjectType, sent: Sequence[Attribute]) -> dict[str, str]:
    """The checked attribute values of one object; ObjectFailure for an unknown, key or bad field."""
    values: dict[str, str] = {}
    for pair in sent:
        name = pair.attr_name
        if name not in co_type.fields:
            raise ObjectFailure(f"unknown field {name!r} for custom object type {co_type.name}")
        if name in co_type.dedupe_fields:
            raise ObjectFailure(
                f"dedupe field {name!r} belongs in customObjKeyList, not customObjAttributeList"
            )
        if name in values:
            raise ObjectFailure(f"field {name!r} is given twice")
        value = pair.attr_value or ""
        problem = value_error(co_type.fields[name], value)
        if problem:
            raise ObjectFailure(f"field {name!r}: {problem}")
        values[name] = value
    return values


def _apply(current: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    merged = dict(current)
    for name, value in changes.items():
        if value == "":
            merged.pop(name, None)  # an empty value clears the field
        else:
            merged[name] = value
    return merged


def sync_one(
    conn: sqlite3.Connection,
    now_us: int,
    co_type: CustomObjectType,
    mode: str,
    key_pairs: Sequence[Attribute],
    attribute_pairs: Sequence[Attribute],
) -> tuple[SyncStatusEnum, records.Record | None]:
    """Create, update or skip one custom object (``mode`` INSERT, UPDATE or UPSERT), shared by both faces;
    its status and the stored record (None when skipped as new). ObjectFailure for a bad object."""
    keys = key_values(co_type, key_pairs)
    values = attribute_values(co_type, attribute_pairs)
    existing = records.get(conn, co_type, keys)
    if existing is None:
        if mode == "UPDATE":
            return SKIPPED, None
        return CREATED, records.insert(conn, co_type, keys, _apply({}, values), now_us)
    if mode == "INSERT":
        return SKIPPED, existing
    merged = _apply(existing.attributes, values)
    if merged == existing.attributes:
        return UNCHANGED, existing
    records.update(conn, co_type, existing, merged, now_us)
    return UPDATED, existing


def delete_one(
    conn: sqlite3.Connection, co_type: CustomObjectType, key_pairs: Sequence[Attribute]
) -> tuple[SyncStatusEnum, records.Record | None]:
    """Delete one custom object by its full dedupe key, shared by both faces: DELETED with the record it was,
    or UNCHANGED (no such object). ObjectFailure for a bad key."""
    existing = records.get(conn, co_type, key_values(co_type, key_pairs))
    if existing is None:
        return UNCHANGED, None
    records.delete(conn, co_type, existing)
    return DELETED, existing


def _echo_keys(sent: ArrayOfAttribute | None) -> ArrayOfAttribute:
    return ArrayOfAttribute(
        attribute=[Attribute(attr_name=p.attr_name, attr_value=p.attr_value) for p in _pairs(sent)]
    )


def sync_custom_objects(ctx: Context, params: ParamsSyncCustomObjects) -> ResultSyncCustomObjects:
    """Create, update or upsert up to 100 custom objects; one status per object, in the order sent."""
    co_type = _type(ctx, params.obj_type_name)
    objects = list(params.custom_obj_list.custom_obj) if params.custom_obj_list is not None else []
    limit = ctx.config.limits.sync_custom_objects
    if len(objects) > limit:
        raise bad_parameter(f"{len(objects)} custom objects in one call; the maximum is {limit}")
    # The WSDL makes operation optional; an absent one means UPSERT ("insert new, update existing").
    mode = params.operation.value if params.operation is not None else "UPSERT"
    statuses: list[SyncCustomObjStatus] = []
    for obj in objects:
        error: str | None = None
        try:
            status, _ = sync_one(
                ctx.conn,
                ctx.now_us,
                co_type,
                mode,
                _pairs(obj.custom_obj_key_list),
                _pairs(obj.custom_obj_attribute_list),
            )
        except ObjectFailure as failure:
            status, error = FAILED, str(failure)
        statuses.append(
            SyncCustomObjStatus(
                obj_type_name=co_type.name,
                custom_obj_key_list=_echo_keys(obj.custom_obj_key_list),
                status=status,
                error=error,
            )
        )
    return ResultSyncCustomObjects(
        sync_custom_obj_status_list=ArrayOfSyncCustomObjStatus(sync_custom_obj_status=statuses)
    )


def delete_custom_objects(ctx: Context, params: ParamsDeleteCustomObjects) -> ResultDeleteCustomObjects:
    """Delete custom objects by their full dedupe key: DELETED, UNCHANGED (no such object) or FAILED."""
    co_type = _type(ctx, params.obj_type_name)
    key_lists = list(params.custom_obj_key_lists.key_list) if params.custom_obj_key_lists is not None else []
    statuses: list[SyncCustomObjStatus] = []
    for key_list in key_lists:
        error: str | None = None
        try:
            status, _ = delete_one(ctx.conn, co_type, _pairs(key_list))
        except ObjectFailure as failure:
            status, error = FAILED, str(failure)
        statuses.append(
            SyncCustomObjStatus(
                obj_type_name=co_type.name,
                custom_obj_key_list=_echo_keys(key_list),
                status=status,
                error=error,
            )
        )
    return ResultDeleteCustomObjects(
        delete_custom_obj_status_list=ArrayOfSyncCustomObjStatus(sync_custom_obj_status=statuses)
    )


def _position(text: str | None, criteria_values: list[str]) -> tuple[int, int, int]:
    """(after_seq, records to skip, records returned so far) of a stream position from an earlier call;
    20122 for a position this query never gave."""
    if text is None or not text.strip():
        return 0, 0, 0
    try:
        data = json.loads(text)
    except ValueError:
        raise ServiceFault(20122, "stream position is not one this service returned") from None
    if not isinstance(data, dict) or not isinstance(data.get("os"), int) or data["os"] < 0:
        raise ServiceFault(20122, "stream position has no valid offset")
    if data.get("ky", []) != criteria_values:
        raise ServiceFault(20122, "stream position belongs to a different query (key values differ)")
    last = data.get("ls")
    if last is not None:
        if not isinstance(last, int) or last < 0:
            raise ServiceFault(20122, "stream position has no valid record marker")
        return last, 0, int(data["os"])
    return 0, int(data["os"]), int(data["os"])


def get_custom_objects(ctx: Context, params: ParamsGetCustomObjects) -> ResultGetCustomObjects:
    """Custom objects of one type matching zero or more field values, up to 100 per call, with a stream
    position (``{"ky": [values], "os": offset, ...}``, the docs' form) for the next batch."""
    co_type = _type(ctx, params.obj_type_name)
    criteria: dict[str, str] = {}
    for pair in _pairs(params.custom_obj_key_list):
        if pair.attr_name not in co_type.fields:
            raise bad_parameter(f"unknown field {pair.attr_name!r} for custom object type {co_type.name}")
        criteria[pair.attr_name] = pair.attr_value or ""
    wanted = list(params.include_attributes.string_item) if params.include_attributes is not None else []
    wanted = [name for name in wanted if name.strip()]
    unknown = [name for name in wanted if name not in co_type.fields]
    if unknown:
        raise bad_parameter(f"includeAttributes names unknown fields {unknown}")
    include = [name for name in wanted if name in co_type.attribute_fields] if wanted else None
    limit = ctx.config.limits.custom_objects_batch
    batch = limit if params.batch_size is None else params.batch_size
    if batch <= 0:
        raise bad_parameter("batchSize must be at least 1")
    criteria_values = list(criteria.values())
    after_seq, skip, returned = _position(params.stream_position, criteria_values)
    page, remaining = records.select(ctx.conn, co_type, criteria, after_seq, skip, min(batch, limit))
    objects = []
    for record in page:
        names = include if include is not None else list(co_type.attribute_fields)
        attributes = [
            Attribute(attr_name=name, attr_value=record.attributes[name])
            for name in names
            if record.attributes.get(name)
        ]
        objects.append(
            CustomObj(
                custom_obj_key_list=ArrayOfAttribute(
                    attribute=[
                        Attribute(attr_name=name, attr_value=record.keys[name])
                        for name in co_type.dedupe_fields
                    ]
                ),
                custom_obj_attribute_list=ArrayOfAttribute(attribute=attributes),
            )
        )
    position: dict[str, object] = {"ky": criteria_values, "os": returned + len(page)}
    if page:
        position["ls"] = page[-1].seq
    elif after_seq:
        position["ls"] = after_seq
    return ResultGetCustomObjects(
        obj_type_name=co_type.name,
        return_count=len(page),
        remaining_count=remaining,
        new_stream_position=dumps(position),
        custom_obj_list=ArrayOfCustomObj(custom_obj=objects) if objects else None,
    )
