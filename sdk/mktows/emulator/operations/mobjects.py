"""syncMObjects, getMObjects, deleteMObjects, describeMObject and listMObjects (syncmobjects.md,
getmobjects.md, deletemobjects.md, describemobject.md, listmobjects.md, marketo-objects.md).

Opportunities and opportunity roles are keyed by id or by an external key (an attribute; duplicates resolve
to the most recently added object); associations name a Company, Lead or Opportunity by id or external key.
Programs can only be updated (period costs, tags, channel) and only with tags/channels that already exist.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from mktows.emulator.config import EmulatorConfig, FieldDef
from mktows.emulator.model import leads, mobjects
from mktows.emulator.model.mobjects import OPPORTUNITY, OPPORTUNITY_ROLE, PROGRAM, MObject
from mktows.emulator.model.values import compare_key, truthy, value_error
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.store import dumps
from mktows.emulator.timeutil import parse_us, xml_datetime
from mktows.types import (
    ArrayOfAttrib,
    ArrayOfMObjAssociation,
    ArrayOfMObject,
    ArrayOfMObjFieldMetadata,
    ArrayOfMObjStatus,
    ArrayOfTypeAttrib,
    Attrib,
    ComparisonEnum,
    MObjAssociation,
    MObjectMetadata,
    MObjFieldMetadata,
    MObjStatus,
    MObjStatusEnum,
    ParamsDeleteMObjects,
    ParamsDescribeMObject,
    ParamsGetMObjects,
    ParamsListMObjects,
    ParamsSyncMObjects,
    ResultDeleteMObjects,
    ResultDescribeMObject,
    ResultGetMObjects,
    ResultListMObjects,
    ResultSyncMObjects,
    TypeAttrib,
)
from mktows.types import MObject as WireMObject

LISTED_OBJECTS = ("ActivityRecord", "LeadRecord", OPPORTUNITY, OPPORTUNITY_ROLE)
STANDARD_UPDATED_AT = 1_262_304_000 * 1_000_000  # 2010-01-01T00:00:00+00:00, as describeMObject shows


class ObjectFailure(Exception):
    """One MObject cannot be processed; its status is FAILED with this message."""


def _fields(ctx: Context, mtype: str) -> Sequence[FieldDef]:
    if mtype == OPPORTUNITY:
        return ctx.config.opportunity_fields
    if mtype == OPPORTUNITY_ROLE:
        return ctx.config.opportunity_role_fields
    return ()


def _field(ctx: Context, mtype: str, name: str) -> FieldDef | None:
    return next((f for f in _fields(ctx, mtype) if f.name == name), None)


def _checked_attributes(ctx: Context, mtype: str, attribs: Sequence[Attrib]) -> dict[str, str]:
    values: dict[str, str] = {}
    for attrib in attribs:
        definition = _field(ctx, mtype, attrib.name)
        if definition is None:
            raise ObjectFailure(f"unknown {mtype} field {attrib.name!r}")
        problem = value_error(definition.data_type, attrib.value or "")
        if problem:
            raise ObjectFailure(f"{mtype} field {attrib.name!r}: {problem}")
        values[attrib.name] = attrib.value or ""
    return values


# --- syncMObjects -------------------------------------------------------------------------------------------


def program_details_with(
    config: EmulatorConfig, current: dict[str, Any], changes: Sequence[tuple[str, dict[str, str]]]
) -> dict[str, Any]:
    """A Program's details after Cost and Tag changes (``("Cost", {"Month", "Amount", "Note", "Id"})``,
    ``("Tag", {"Type", "Value"})``), shared by syncMObjects and REST's Update Program; ObjectFailure for a
    change that cannot apply (tags and channels must already exist)."""
    details: dict[str, Any] = json.loads(dumps(current))
    costs: list[dict[str, Any]] = details.setdefault("costs", [])
    tags: dict[str, str] = details.setdefault("tags", {})
    for attr_type, values in changes:
        kind = attr_type.strip().casefold()
        if kind == "cost":
            month, amount = values.get("Month", "").strip(), values.get("Amount", "").strip()
            if not month or not amount:
                raise ObjectFailure("a Cost needs Month and Amount")
            if not re.match(r"^\d{4}-\d{2}(-\d{2})?$", month):
                raise ObjectFailure(f"Cost Month {month!r} is not YYYY-MM")
            if value_error("float", amount):
                raise ObjectFailure(f"Cost Amount {amount!r} is not a number")
            entry = {"month": month, "amount": amount, "note": values.get("Note", "")}
            if values.get("Id", "").strip():
                cost_id = values["Id"].strip()
                existing = next((c for c in costs if str(c.get("id")) == cost_id), None)
                if existing is None:
                    raise ObjectFailure(f"the Program has no cost with Id {cost_id}")
                existing.update(
                    entry if "Note" in values else {k: v for k, v in entry.items() if k != "note"}
                )
            else:
                next_id = max([int(c.get("id", 0)) for c in costs] + [0]) + 1
                costs.append({"id": next_id, **entry})
        elif kind == "tag":
            tag_type, tag_value = values.get("Type", "").strip(), values.get("Value", "").strip()
            if not tag_type or not tag_value:
                raise ObjectFailure("a Tag needs Type and Value")
            if tag_type.casefold() == "channel":
                channel = next((c for c in config.channels if c.casefold() == tag_value.casefold()), None)
                if channel is None:
                    raise ObjectFailure(f"no channel {tag_value!r}: channels must already be defined")
                details["channel"] = channel
                continue
            known_type = next((t for t in config.tags if t.casefold() == tag_type.casefold()), None)
            if known_type is None:
                raise ObjectFailure(f"no tag type {tag_type!r}: tags must already be defined")
            known_value = next(
                (v for v in config.tags[known_type] if v.casefold() == tag_value.casefold()), None
            )
            if known_value is None:
                raise ObjectFailure(f"tag type {known_type!r} has no value {tag_value!r}")
            tags[known_type] = known_value
        else:
            raise ObjectFailure(f"unknown typeAttrib attrType {attr_type!r} (Cost or Tag)")
    return details


def _program_update(ctx: Context, program: MObject, obj: WireMObject) -> bool:
    """Apply a Program's Cost and Tag typeAttribs; returns whether anything changed."""
    if obj.attrib_list is not None and obj.attrib_list.attrib:
        raise ObjectFailure("a Program takes only Cost and Tag typeAttribs; its attributes are read-only")
    type_attribs = obj.type_attrib_list.type_attrib if obj.type_attrib_list is not None else []
    changes = [
        (
            type_attrib.attr_type,
            {
                a.name: (a.value or "")
                for a in (type_attrib.attr_list.attrib if type_attrib.attr_list else [])
            },
        )
        for type_attrib in type_attribs
    ]
    details = program_details_with(ctx.config, program.details, changes)
    if details == program.details:
        return False
    program.details = details
    mobjects.save(ctx.conn, program, ctx.now_us)
    return True


def _resolve_lead(ctx: Context, association: MObjAssociation) -> int:
    if association.id is not None:
        if leads.by_id(ctx.conn, association.id) is None:
            raise ObjectFailure(f"no Lead with id {association.id}")
        return association.id
    key = association.external_key
    if key is None:
        raise ObjectFailure("a Lead association needs id or externalKey")
    if ctx.config.lead_field(key.name) is None:
        raise ObjectFailure(f"Lead externalKey {key.name!r} is not a lead field")
    found = leads.by_attribute(ctx.conn, key.name, key.value)
    if not found:
        raise ObjectFailure(f"no Lead with {key.name} {key.value!r}")
    return found[-1].id


def _resolve_mobject(ctx: Context, mtype: str, mid: int | None, key: Attrib | None) -> MObject | None:
    if mid is not None:
        return mobjects.get(ctx.conn, mtype, mid)
    if key is not None:
        if _field(ctx, mtype, key.name) is None:
            raise ObjectFailure(f"{mtype} externalKey {key.name!r} is not a {mtype} field")
        return mobjects.by_attribute(ctx.conn, mtype, key.name, key.value)
    return None


def _associations(
    ctx: Context, mtype: str, obj: WireMObject, attributes: dict[str, str], details: dict[str, Any]
) -> None:
    for association in obj.association_list.m_obj_association if obj.association_list is not None else []:
        target = association.m_obj_type.strip().casefold()
        if mtype == OPPORTUNITY and target == "company":
            if association.id is not None:
                details["company"] = f"id:{association.id}"
                continue
            key = association.external_key
            if key is None:
                raise ObjectFailure("a Company association needs id or externalKey")
            if ctx.config.lead_field(key.name) is None or not leads.by_attribute(
                ctx.conn, key.name, key.value
            ):
                raise ObjectFailure(f"no Company with {key.name} {key.value!r}")
            details["company"] = key.value
        elif mtype == OPPORTUNITY_ROLE and target == "lead":
            attributes["PersonId"] = str(_resolve_lead(ctx, association))
        elif mtype == OPPORTUNITY_ROLE and target == "opportunity":
            found = _resolve_mobject(ctx, OPPORTUNITY, association.id, association.external_key)
            if found is None:
                raise ObjectFailure("the associated Opportunity does not exist")
            attributes["OpportunityId"] = str(found.id)
        else:
            raise ObjectFailure(f"a {mtype} cannot be associated with a {association.m_obj_type}")


def _check_role(ctx: Context, attributes: dict[str, str]) -> None:
    for name, mtype in (("OpportunityId", OPPORTUNITY), ("PersonId", "Lead")):
        value = attributes.get(name, "").strip()
        if not value:
            raise ObjectFailure(f"an OpportunityPersonRole needs {name} (an attribute or an association)")
        exists = (
            leads.by_id(ctx.conn, int(value)) is not None
            if mtype == "Lead"
            else mobjects.get(ctx.conn, OPPORTUNITY, int(value)) is not None
        )
        if not exists:
            raise ObjectFailure(f"{name} {value} names no {mtype}")


def _sync_one(ctx: Context, mode: str, obj: WireMObject) -> tuple[int | None, MObjStatusEnum]:
    mtype = mobjects.canonical_type(obj.type_value or "")
    if mtype is None:
        raise ObjectFailure(
            f"syncMObjects does not handle type {obj.type_value!r} (Opportunity, OpportunityPersonRole, Program)"
        )
    if mtype == PROGRAM:
        if mode != "UPDATE":
            raise ObjectFailure("a Program can only be synced with operation UPDATE")
        if obj.id is None:
            raise ObjectFailure("a Program is identified by its id")
        program = mobjects.get(ctx.conn, PROGRAM, obj.id)
        if program is None:
            return None, MObjStatusEnum.SKIPPED
        changed = _program_update(ctx, program, obj)
        return program.id, MObjStatusEnum.UPDATED if changed else MObjStatusEnum.UNCHANGED
    if obj.type_attrib_list is not None and obj.type_attrib_list.type_attrib:
        raise ObjectFailure(f"typeAttribList applies to Programs, not to {mtype}")
    attributes = _checked_attributes(ctx, mtype, obj.attrib_list.attrib if obj.attrib_list else [])
    if obj.external_key is not None:
        if _field(ctx, mtype, obj.external_key.name) is None:
            raise ObjectFailure(f"{mtype} externalKey {obj.external_key.name!r} is not a {mtype} field")
        attributes.setdefault(obj.external_key.name, obj.external_key.value)
    existing = _resolve_mobject(ctx, mtype, obj.id, obj.external_key)
    details: dict[str, Any] = dict(existing.details) if existing else {}
    _associations(ctx, mtype, obj, attributes, details)
    if existing is None:
        if mode == "UPDATE":
            return obj.id, MObjStatusEnum.SKIPPED
        if obj.id is not None:
            raise ObjectFailure(
                f"no {mtype} with id {obj.id}; ids are assigned by Marketo, omit it to create"
            )
        if mtype == OPPORTUNITY_ROLE:
            _check_role(ctx, attributes)
        created = mobjects.insert(
            ctx.conn, mtype, {k: v for k, v in attributes.items() if v != ""}, details, ctx.now_us
        )
        return created.id, MObjStatusEnum.CREATED
    if mode == "INSERT":
        return existing.id, MObjStatusEnum.SKIPPED
    merged = dict(existing.attributes)
    for name, value in attributes.items():
        if value == "":
            merged.pop(name, None)
        else:
            merged[name] = value
    if mtype == OPPORTUNITY_ROLE:
        _check_role(ctx, merged)
    if merged == existing.attributes and details == existing.details:
        return existing.id, MObjStatusEnum.UNCHANGED
    existing.attributes, existing.details = merged, details
    mobjects.save(ctx.conn, existing, ctx.now_us)
    return existing.id, MObjStatusEnum.UPDATED


def sync_mobjects(ctx: Context, params: ParamsSyncMObjects) -> ResultSyncMObjects:
    """Create or update up to 100 MObjects; one status per object, in the order sent."""
    objects = list(params.m_object_list.m_object) if params.m_object_list is not None else []
    limit = ctx.config.limits.sync_mobjects
    if len(objects) > limit:
        raise bad_parameter(f"{len(objects)} MObjects in one call; the maximum is {limit}")
    mode = params.operation.value
    statuses: list[MObjStatus] = []
    for obj in objects:
        error = None
        try:
            mid, status = _sync_one(ctx, mode, obj)
        except ObjectFailure as failure:
            mid, status, error = obj.id, MObjStatusEnum.FAILED, str(failure)
        statuses.append(MObjStatus(id=mid, external_key=obj.external_key, status=status, error=error))
    return ResultSyncMObjects(m_obj_status_list=ArrayOfMObjStatus(m_obj_status=statuses))


# --- deleteMObjects -----------------------------------------------------------------------------------------


def delete_mobjects(ctx: Context, params: ParamsDeleteMObjects) -> ResultDeleteMObjects:
    """Delete Opportunities and OpportunityPersonRoles by id: DELETED, UNCHANGED (none) or FAILED."""
    statuses: list[MObjStatus] = []
    for obj in params.m_object_list.m_object if params.m_object_list is not None else []:
        mtype = mobjects.canonical_type(obj.type_value or "")
        error = None
        if mtype not in (OPPORTUNITY, OPPORTUNITY_ROLE):
            status, error = MObjStatusEnum.FAILED, f"deleteMObjects does not handle type {obj.type_value!r}"
        elif obj.id is None:
            status, error = MObjStatusEnum.FAILED, "an MObject to delete is identified by its id"
        elif mobjects.delete(ctx.conn, mtype, obj.id):
            status = MObjStatusEnum.DELETED
        else:
            status = MObjStatusEnum.UNCHANGED
        statuses.append(MObjStatus(id=obj.id, external_key=obj.external_key, status=status, error=error))
    return ResultDeleteMObjects(m_obj_status_list=ArrayOfMObjStatus(m_obj_status=statuses))


# --- getMObjects --------------------------------------------------------------------------------------------

_COMPARE: dict[ComparisonEnum, Callable[[Any, Any], bool]] = {
    ComparisonEnum.EQ: lambda a, b: a == b,
    ComparisonEnum.NE: lambda a, b: a != b,
    ComparisonEnum.LT: lambda a, b: a < b,
    ComparisonEnum.LE: lambda a, b: a <= b,
    ComparisonEnum.GT: lambda a, b: a > b,
    ComparisonEnum.GE: lambda a, b: a >= b,
}
_TIME_CRITERIA = {"created at": "created_at", "updated at": "updated_at"}


def _criterion(ctx: Context, mtype: str, name: str) -> Callable[[MObject], list[Any]]:
    """How to read the values a criterion compares (several for tags); 20110 for an unknown criterion."""
    key = name.strip().casefold()
    if key == "id":
        return lambda obj: [compare_key(str(obj.id))]
    if key in _TIME_CRITERIA:
        column = _TIME_CRITERIA[key]
        return lambda obj: [getattr(obj, column)]
    if mtype == PROGRAM and key == "tag type":
        return lambda obj: (
            [compare_key(t) for t in obj.details.get("tags", {})]
            + ([compare_key("Channel")] if obj.details.get("channel") else [])
        )
    if mtype == PROGRAM and key == "tag value":
        return lambda obj: (
            [compare_key(v) for v in obj.details.get("tags", {}).values()]
            + ([compare_key(obj.details["channel"])] if obj.details.get("channel") else [])
        )
    names = {f.name.casefold(): f.name for f in _fields(ctx, mtype)}
    if mtype == PROGRAM:
        names.update(
            {n.casefold(): n for n in ("Name", "Type", "Workspace Name", "Workspace Id", "Description")}
        )
    if key in names:
        attribute = names[key]
        return lambda obj: [compare_key(obj.attributes[attribute])] if attribute in obj.attributes else []
    raise bad_parameter(f"{name!r} is not a criterion getMObjects accepts for {mtype}")


def _criterion_value(name: str, value: object) -> Any:
    text = str(value if value is not None else "").strip()
    if name.strip().casefold() in _TIME_CRITERIA:
        try:
            return parse_us(text)
        except ValueError:
            raise bad_parameter(f"criterion {name!r}: {text!r} is not a W3C date-time") from None
    return compare_key(text)


def _associated(ctx: Context, mtype: str, obj: MObject, association: MObjAssociation) -> bool:
    target = association.m_obj_type.strip().casefold()
    if mtype == OPPORTUNITY_ROLE and target in ("lead", "opportunity"):
        attribute = "PersonId" if target == "lead" else "OpportunityId"
        if association.id is not None:
            return obj.attributes.get(attribute) == str(association.id)
        try:
            wanted = (
                _resolve_lead(ctx, association)
                if target == "lead"
                else getattr(_resolve_mobject(ctx, OPPORTUNITY, None, association.external_key), "id", None)
            )
        except ObjectFailure:
            return False
        return wanted is not None and obj.attributes.get(attribute) == str(wanted)
    if mtype == OPPORTUNITY and target == "company":
        company = obj.details.get("company")
        if association.id is not None:
            return company == f"id:{association.id}"
        return association.external_key is not None and company == association.external_key.value
    raise bad_parameter(f"{mtype} objects cannot be filtered by a {association.m_obj_type} association")


def _query_digest(params: ParamsGetMObjects) -> str:
    criteria = [
        (c.attr_name, c.comparison.value, str(c.attr_value))
        for c in (params.m_obj_criteria_list.m_obj_criteria if params.m_obj_criteria_list else [])
    ]
    associations = [
        (
            a.m_obj_type,
            a.id,
            a.external_key.name if a.external_key else None,
            a.external_key.value if a.external_key else None,
        )
        for a in (params.m_obj_association_list.m_obj_association if params.m_obj_association_list else [])
    ]
    key = params.external_key
    text = repr((params.type_value, params.id, key and (key.name, key.value), criteria, associations))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _encode_position(mtype: str, last_id: int, digest: str) -> str:
    raw = json.dumps({"t": mtype, "id": last_id, "q": digest}, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")


def _decode_position(text: str | None, mtype: str, digest: str) -> int:
    if text is None or not text.strip():
        return 0
    try:
        data = json.loads(base64.b64decode(text.strip(), validate=True))
    except (ValueError, binascii.Error):
        raise ServiceFault(20122, "stream position is not one this service returned") from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise ServiceFault(20122, "stream position is not one this service returned")
    if data.get("t") != mtype or data.get("q") != digest:
        raise ServiceFault(20122, "stream position belongs to a different query")
    return int(data["id"])


def _program_type_attribs(program: MObject) -> list[TypeAttrib]:
    result: list[TypeAttrib] = []
    details = program.details
    if details.get("channel"):
        result.append(_type_attrib("Tag", [("Type", "Channel"), ("Value", details["channel"])]))
    for tag_type, value in details.get("tags", {}).items():
        result.append(_type_attrib("Tag", [("Type", tag_type), ("Value", value)]))
    for name, value in details.get("tokens", {}).items():
        result.append(_type_attrib("Token", [("Name", name), ("Value", value)]))
    for cost in details.get("costs", []):
        pairs = [
            ("Id", str(cost.get("id", ""))),
            ("Month", str(cost["month"])),
            ("Amount", str(cost["amount"])),
        ]
        if cost.get("note"):
            pairs.append(("Note", str(cost["note"])))
        result.append(_type_attrib("Cost", pairs))
    return result


def _type_attrib(kind: str, pairs: list[tuple[str, str]]) -> TypeAttrib:
    return TypeAttrib(
        attr_type=kind, attr_list=ArrayOfAttrib(attrib=[Attrib(name=n, value=v) for n, v in pairs])
    )


def _wire_mobject(ctx: Context, obj: MObject, include_details: bool) -> WireMObject:
    offset = ctx.config.settings.output_utc_offset_minutes
    attribs = [Attrib(name=name, value=value) for name, value in obj.attributes.items()]
    associations: list[MObjAssociation] = []
    if obj.type == OPPORTUNITY_ROLE:
        for kind, attribute in (("Lead", "PersonId"), ("Opportunity", "OpportunityId")):
            if obj.attributes.get(attribute, "").isdigit():
                associations.append(MObjAssociation(m_obj_type=kind, id=int(obj.attributes[attribute])))
    show_times = obj.type != PROGRAM or include_details
    return WireMObject(
        type_value=obj.type,
        id=obj.id,
        created_at=xml_datetime(obj.created_at, offset) if show_times else None,
        updated_at=xml_datetime(obj.updated_at, offset) if show_times else None,
        attrib_list=ArrayOfAttrib(attrib=attribs) if attribs else None,
        type_attrib_list=ArrayOfTypeAttrib(type_attrib=_program_type_attribs(obj))
        if obj.type == PROGRAM
        else None,
        association_list=ArrayOfMObjAssociation(m_obj_association=associations) if associations else None,
    )


def get_mobjects(ctx: Context, params: ParamsGetMObjects) -> ResultGetMObjects:
    """MObjects of one type by id, external key, attribute criteria and associations, 100 per batch, with an
    opaque stream position and ``hasMore``."""
    mtype = mobjects.canonical_type(params.type_value or "")
    if mtype is None:
        raise bad_parameter(f"getMObjects does not handle type {params.type_value!r}")
    digest = _query_digest(params)
    after_id = _decode_position(params.stream_position, mtype, digest)
    criteria = params.m_obj_criteria_list.m_obj_criteria if params.m_obj_criteria_list else []
    include_archived = False
    tests: list[tuple[Callable[[MObject], list[Any]], Callable[[Any, Any], bool], Any]] = []
    for criterion in criteria:
        if mtype == PROGRAM and criterion.attr_name.strip().casefold() == "include archive":
            include_archived = truthy(str(criterion.attr_value))
            continue
        reader = _criterion(ctx, mtype, criterion.attr_name)
        tests.append(
            (
                reader,
                _COMPARE[criterion.comparison],
                _criterion_value(criterion.attr_name, criterion.attr_value),
            )
        )
    associations = params.m_obj_association_list.m_obj_association if params.m_obj_association_list else []
    if (
        params.external_key is not None
        and _field(ctx, mtype, params.external_key.name) is None
        and mtype != PROGRAM
    ):
        raise bad_parameter(f"externalKey {params.external_key.name!r} is not a {mtype} field")
    matched: list[MObject] = []
    limit = ctx.config.limits.mobjects_batch
    key = params.external_key
    by_key = (key.name, key.value) if key is not None else None
    for obj in mobjects.all_of(ctx.conn, mtype, after_id, params.id, by_key):
        if (
            params.external_key is not None
            and obj.attributes.get(params.external_key.name) != params.external_key.value
        ):
            continue
        if mtype == PROGRAM and truthy(obj.attributes.get("Is Archived")) and not include_archived:
            continue
        if not all(any(compare(value, wanted) for value in reader(obj)) for reader, compare, wanted in tests):
            continue
        if not all(_associated(ctx, mtype, obj, association) for association in associations):
            continue
        matched.append(obj)
        if len(matched) > limit:  # enough to know there is more
            break
    page = matched[:limit]
    last_id = page[-1].id if page else after_id
    return ResultGetMObjects(
        return_count=len(page),
        has_more=len(matched) > len(page),
        new_stream_position=_encode_position(mtype, last_id, digest),
        m_object_list=ArrayOfMObject(
            m_object=[_wire_mobject(ctx, obj, bool(params.include_details)) for obj in page]
        )
        if page
        else None,
    )


# --- describeMObject / listMObjects -------------------------------------------------------------------------

# ActivityRecord's fields as describemobject.md's response lists them.
_ACTIVITY_RECORD_FIELDS: tuple[tuple[str, str, str, str, int | None, bool, bool], ...] = (
    ("id", "Unique system id of Event", "Event", "integer", 10, False, True),
    ("activityDateTime", "Event timestamp", "Event", "dateTime", None, False, False),
    ("activityType", "Name of Event", "Event", "string", 255, True, False),
    ("mktgAssetName", "Name of email, landing page, or object field", "Event", "string", 255, False, False),
    (
        "activityAttributes",
        "Array of name / value pairs of dynamic event attributes",
        "Event",
        "Array",
        None,
        False,
        False,
    ),
    ("campaign", "Name of Campaign that caused the Event", "Campaign", "string", 255, False, False),
    ("personName", "Name of Lead that owns the Event", "Lead", "string", 255, False, False),
    ("mktPersonId", "Unique system id of Lead", "Lead", "integer", 10, False, False),
    ("foreignSysId", "Unique foreign system id of Lead", "Lead", "string", 50, False, False),
    ("orgName", "Name of Company associated to the Lead", "Company", "string", 255, False, False),
    ("foreignSysOrgId", "Unique foreign system id of Company", "Company", "string", 50, False, False),
)
_WIRE_TYPES = {"datetime": "dateTime", "text": "string"}


def _metadata_field(
    name: str,
    description: str | None,
    source: str,
    data_type: str,
    size: int | None,
    *,
    is_name: bool = False,
    primary: bool = False,
    readonly: bool = True,
    custom: bool = False,
    display_name: str | None = None,
) -> MObjFieldMetadata:
    return MObjFieldMetadata(
        name=name,
        description=description,
        display_name=display_name,
        source_object=source,
        data_type=data_type,
        size=size,
        is_readonly=readonly,
        is_update_blocked=readonly,
        is_name=is_name,
        is_primary_key=primary,
        is_custom=custom,
        is_dynamic=False,
        dynamic_field_ref=None,
        updated_at=xml_datetime(STANDARD_UPDATED_AT),
    )


def _configured_fields(source: str, defs: Sequence[FieldDef], primary: str) -> list[MObjFieldMetadata]:
    result = [_metadata_field(primary, f"Unique system id of {source}", source, "integer", 10, primary=True)]
    for definition in defs:
        result.append(
            _metadata_field(
                definition.name,
                None,
                source,
                _WIRE_TYPES.get(definition.data_type, definition.data_type),
                definition.size,
                is_name=definition.name in ("Name", "Email"),
                readonly=definition.readonly,
                custom=definition.custom,
                display_name=definition.display_name,
            )
        )
    return result


def describe_mobject(ctx: Context, params: ParamsDescribeMObject) -> ResultDescribeMObject:
    """The metadata of ActivityRecord, LeadRecord, Opportunity or OpportunityPersonRole."""
    wanted = (params.object_name or "").strip()
    if not wanted:
        raise parameter_required("objectName is required")
    name = next((n for n in LISTED_OBJECTS if n.casefold() == wanted.casefold()), None)
    if name is None:
        raise bad_parameter(f"describeMObject does not describe {wanted!r} (see listMObjects)")
    if name == "ActivityRecord":
        field_list = [
            _metadata_field(n, d, s, t, size, is_name=is_name, primary=primary)
            for n, d, s, t, size, is_name, primary in _ACTIVITY_RECORD_FIELDS
        ]
        metadata = ("Composite object composed of fields from Event, Campaign, Lead, and Company", True)
    elif name == "LeadRecord":
        field_list = _configured_fields("Lead", ctx.config.lead_fields, "Id")
        metadata = ("Lead record: the person", True)
    elif name == OPPORTUNITY:
        field_list = _configured_fields(OPPORTUNITY, ctx.config.opportunity_fields, "id")
        metadata = ("Opportunity", False)
    else:
        field_list = _configured_fields(OPPORTUNITY_ROLE, ctx.config.opportunity_role_fields, "id")
        metadata = ("Role of a person in an opportunity", False)
    return ResultDescribeMObject(
        metadata=MObjectMetadata(
            name=name,
            description=metadata[0],
            is_custom=False,
            is_virtual=metadata[1],
            field_list=ArrayOfMObjFieldMetadata(field_value=field_list),
            updated_at=xml_datetime(STANDARD_UPDATED_AT),
        )
    )


def list_mobjects(ctx: Context, params: ParamsListMObjects) -> ResultListMObjects:
    """The MObject names describeMObject accepts."""
    return ResultListMObjects(objects=list(LISTED_OBJECTS))
