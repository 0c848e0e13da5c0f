"""syncMObjects, getMObjects, deleteMObjects and describeMObject served by REST's opportunity and opportunity
role endpoints.

The SOAP migration page (migration.md, "M Objects") names the successors: Sync / Get / Delete / Describe
Opportunities and Opportunity Roles; opportunities.md and opportunity-roles.md document them. REST names an
opportunity by its dedupe field ``externalOpportunityId`` or its ``marketoGUID`` and a role by (external
opportunity id, lead id, role): SOAP's integer MObject ids have no REST form, so a request naming an MObject
by id (deleteMObjects always does: deletemobjects.md makes the id required) raises
``UnsupportedOperationError``. The external key of the SOAP examples, ``opportunityId`` (syncmobjects.md), is
REST's ``externalOpportunityId``. Programs (the third MObject) keep their ids in the asset API: syncMObjects'
period costs and tags become Update Program (programs.md "Update"); reading programs as MObjects is not
translated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

from xsdata.models.datatype import XmlDateTime

from mktows import types as t
from mktows.errors import ProtocolError, SoapFault, UnsupportedOperationError, fault_for
from mktows.marketo_limits import MAX_MOBJECTS_PER_CALL
from mktows.rest.translate import per_record, positions
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.custom_objects import ACTIONS, SKIPPED_BECAUSE, SYNC_STATUSES

OPPORTUNITY = "Opportunity"
ROLE = "OpportunityPersonRole"
EXTERNAL_ID = "externalOpportunityId"
SOAP_EXTERNAL_KEY = "opportunityId"
"""The opportunity attribute the SOAP examples key opportunities by (syncmobjects.md, getmobjects.md)."""
SYSTEM_FIELDS = frozenset({"marketoGUID", "createdAt", "updatedAt"})

PATHS = {OPPORTUNITY: "/rest/v1/opportunities", ROLE: "/rest/v1/opportunities/roles"}
REST_NAMES = {OPPORTUNITY: "Opportunity", ROLE: "Opportunity Role"}

NO_IDS = (
    "REST names opportunities and roles by externalOpportunityId (a role also by lead id and role) or by "
    "marketoGUID (opportunities.md, opportunity-roles.md); SOAP's integer MObject id has no REST form"
)
PROGRAM = "Program"
PROGRAMS = (
    "reading Program MObjects is not translated: the asset API's programs (migration.md, M Objects; "
    "programs.md) lack SOAP's program attributes (tree path, archived flag, cost ids, tokens)"
)
NO_DATA, RULE_VIOLATION = 702, 709
"""The asset API's "No data found" (a program that does not exist) and "Business Rule Violation" (a cost or
tag it refuses) (error-codes.md)."""


def _unsupported(what: str, operation: str) -> UnsupportedOperationError:
    return UnsupportedOperationError(f"{operation}: {what}", operation=operation)


def _kind(type_value: str | None, operation: str, kinds: Sequence[str] = (OPPORTUNITY, ROLE)) -> str:
    """Opportunity or OpportunityPersonRole (or another of ``kinds``), case-insensitive as SOAP takes them."""
    wanted = (type_value or "").strip().casefold()
    for kind in kinds:
        if kind.casefold() == wanted:
            return kind
    if wanted == PROGRAM.casefold():
        raise _unsupported(PROGRAMS, operation)
    raise fault_for(20110, f"{operation} does not handle type {type_value!r}", operation=operation)


# --- names ----------------------------------------------------------------------------------------------------


def _is_external_key(key: t.Attrib | None) -> TypeGuard[t.Attrib]:
    """Whether a SOAP external key is the ``opportunityId`` of the SOAP examples (REST's dedupe field)."""
    return key is not None and key.name.casefold() == SOAP_EXTERNAL_KEY.casefold()


def rest_field(soap_name: str, described: Sequence[str]) -> str:
    """REST's field for a SOAP attribute: ``opportunityId`` is ``externalOpportunityId``; otherwise the
    described field of the same name but for case (SOAP's ``IsClosed`` is REST's ``isClosed``: both pages'
    examples); a name REST does not describe is sent as it is and refused per record (1006)."""
    if soap_name.casefold() == SOAP_EXTERNAL_KEY.casefold():
        return EXTERNAL_ID
    return next((name for name in described if name.casefold() == soap_name.casefold()), soap_name)


def soap_attribute(rest_name: str) -> str:
    """SOAP's attribute name of a REST field (the inverse of ``rest_field``)."""
    if rest_name == EXTERNAL_ID:
        return SOAP_EXTERNAL_KEY
    return rest_name[:1].upper() + rest_name[1:]


@dataclass(frozen=True)
class _Described:
    """An opportunity or role type as REST describes it (Describe Opportunity / Opportunity Role)."""

    data: Mapping[str, Any]

    @property
    def fields(self) -> list[Mapping[str, Any]]:
        return [f for f in self.data.get("fields") or [] if isinstance(f, Mapping) and "name" in f]

    @property
    def names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]

    @property
    def readable(self) -> list[str]:
        return [n for n in self.names if n not in SYSTEM_FIELDS]


def _describe(ctx: TranslationContext, kind: str, operation: str) -> _Described:
    answer = ctx.rest.get(f"{PATHS[kind]}/describe.json", operation=operation)
    records = [r for r in answer.result if isinstance(r, Mapping)]
    if len(records) != 1:
        raise ProtocolError(f"describe of {kind} answered {len(answer.result)} records", operation=operation)
    return _Described(records[0])


# --- syncMObjects ------------------------------------------------------------------------------------------


def _association_key(association: t.MObjAssociation, operation: str) -> tuple[str, Any]:
    """A role's association as a REST dedupe field: a Lead by id is ``leadId``, an Opportunity by its
    ``opportunityId`` external key is ``externalOpportunityId`` (opportunity-roles.md)."""
    target = association.m_obj_type.strip().casefold()
    key = association.external_key
    if target == "lead" and association.id is not None:
        return "leadId", association.id
    if target == "opportunity" and association.id is None and _is_external_key(key):
        return EXTERNAL_ID, key.value
    if target == "lead" and key is not None:
        raise _unsupported(
            f"a Lead association by externalKey {key.name!r}: REST's roles name their lead by leadId "
            "(opportunity-roles.md)",
            operation,
        )
    if target in ("lead", "opportunity"):
        raise _unsupported(NO_IDS if association.id is not None else "an association needs a key", operation)
    raise _unsupported(f"a role cannot be associated with a {association.m_obj_type} over REST", operation)


def _input(obj: t.MObject, kind: str, described: _Described, operation: str) -> dict[str, Any]:
    """One REST input record for a SOAP MObject."""
    if obj.id is not None:
        raise _unsupported(NO_IDS, operation)
    if obj.type_attrib_list is not None and obj.type_attrib_list.type_attrib:
        raise fault_for(20110, f"typeAttribList applies to Programs, not to {kind}", operation=operation)
    record: dict[str, Any] = {}
    associations = obj.association_list.m_obj_association if obj.association_list is not None else []
    if kind == OPPORTUNITY:
        key = obj.external_key
        if key is None or not _is_external_key(key):
            raise _unsupported(
                "REST creates and updates opportunities by externalOpportunityId, their only dedupe field "
                f"(opportunities.md): give externalKey {SOAP_EXTERNAL_KEY}",
                operation,
            )
        if associations:
            raise _unsupported(
                "REST's opportunity records carry no associations (opportunities.md, Create and Update)",
                operation,
            )
        record[EXTERNAL_ID] = key.value
    else:
        if obj.external_key is not None:
            raise _unsupported(
                "REST keys a role by (externalOpportunityId, leadId, role) (opportunity-roles.md), not by an "
                "external key",
                operation,
            )
        record.update(_association_key(a, operation) for a in associations)
    for attrib in obj.attrib_list.attrib if obj.attrib_list is not None else []:
        name = rest_field(attrib.name, described.names)
        if kind == ROLE and name.casefold() in ("opportunityid", "personid"):
            if name.casefold() == "opportunityid":
                raise _unsupported(NO_IDS, operation)
            name = "leadId"
        record.setdefault(name, attrib.value or "")
    return record


def _cost(values: Mapping[str, str], operation: str) -> dict[str, Any]:
    """A SOAP Cost (Month, Amount, Note) as a REST program cost (programs.md: startDate, cost, note); SOAP's
    ``Id`` updates a cost in place, which REST cannot: its costs have no ids (programs.md "Update")."""
    if values.get("Id", "").strip():
        raise _unsupported(
            "a Cost with an Id updates that cost, but REST's program costs have no ids: they are appended or "
            "all replaced (programs.md, Update)",
            operation,
        )
    month = values.get("Month", "").strip()
    amount: Any = values.get("Amount", "").strip()
    try:
        number = float(amount)
        amount = int(number) if number.is_integer() else number
    except ValueError:
        pass  # REST refuses it (709): the object is FAILED, as over SOAP
    cost = {"startDate": f"{month}-01" if len(month) == 7 else month, "cost": amount}
    if values.get("Note"):
        cost["note"] = values["Note"]
    return cost


def _program_change(obj: t.MObject, operation: str) -> dict[str, str]:
    """Update Program's form fields (``costs``, ``tags``) for a SOAP Program's Cost and Tag typeAttribs."""
    costs: list[dict[str, Any]] = []
    tags: list[dict[str, str]] = []
    for type_attrib in obj.type_attrib_list.type_attrib if obj.type_attrib_list is not None else []:
        values = {
            a.name: a.value or "" for a in (type_attrib.attr_list.attrib if type_attrib.attr_list else [])
        }
        kind = type_attrib.attr_type.strip().casefold()
        if kind == "cost":
            costs.append(_cost(values, operation))
        elif kind == "tag" and values.get("Type", "").strip().casefold() == "channel":
            raise _unsupported(
                "a program's channel is set only when it is created (programs.md, Update)", operation
            )
        elif kind == "tag":
            tags.append(
                {"tagType": values.get("Type", "").strip(), "tagValue": values.get("Value", "").strip()}
            )
        else:
            raise _unsupported(
                f"typeAttrib {type_attrib.attr_type!r}: Update Program takes costs and tags", operation
            )
    form = {"costs": json.dumps(costs)} if costs else {}
    return {**form, **({"tags": json.dumps(tags)} if tags else {})}


def _program_failure(obj: t.MObject, mode: str) -> str | None:
    """Why syncmobjects.md's rules refuse a Program (FAILED), or None."""
    if mode != "UPDATE":
        return "a Program can only be synced with operation UPDATE (syncmobjects.md)"
    if obj.id is None:
        return "a Program is identified by its id"
    if obj.attrib_list is not None and obj.attrib_list.attrib:
        return "a Program takes only Cost and Tag typeAttribs; its attributes are read-only"
    return None


def _sync_program(
    ctx: TranslationContext, obj: t.MObject, change: dict[str, str], operation: str
) -> t.MObjStatus:
    """Update Program (programs.md "Update") for one Program: UPDATED; a program that does not exist (702)
    SKIPPED, as syncMObjects' UPDATE skips one; a cost or tag it refuses (709) FAILED with REST's reason."""
    status, error = t.MObjStatusEnum.UPDATED, None
    try:
        ctx.rest.post(f"/rest/asset/v1/program/{obj.id}.json", form=change, operation=operation)
    except SoapFault as refused:
        if refused.code == NO_DATA:
            status = t.MObjStatusEnum.SKIPPED
        elif refused.code == RULE_VIOLATION:
            status, error = t.MObjStatusEnum.FAILED, f"{refused} ({refused.code})"
        else:
            raise
    return t.MObjStatus(
        id=obj.id if status is not t.MObjStatusEnum.SKIPPED else None,
        external_key=obj.external_key,
        status=status,
        error=error,
    )


def sync_mobjects(ctx: TranslationContext, params: t.ParamsSyncMObjects) -> t.ResultSyncMObjects:
    """Sync Opportunities / Opportunity Roles (opportunities.md, opportunity-roles.md "Create and Update"):
    SOAP's INSERT / UPDATE / UPSERT as ``action``, ``dedupeBy: dedupeFields``, one REST call per type, one
    status per object in the order sent. REST answers a marketoGUID, not SOAP's id: statuses carry no id.
    A Program is one Update Program call of its own (its id is the same in the asset API)."""
    op = "syncMObjects"
    objects = list(params.m_object_list.m_object) if params.m_object_list is not None else []
    if len(objects) > MAX_MOBJECTS_PER_CALL:
        raise fault_for(
            20110,
            f"{len(objects)} MObjects in one call; the maximum is {MAX_MOBJECTS_PER_CALL}",
            operation=op,
        )
    mode = params.operation.value if params.operation is not None else "UPSERT"
    kinds = [_kind(obj.type_value, op, (OPPORTUNITY, ROLE, PROGRAM)) for obj in objects]
    described = {kind: _describe(ctx, kind, op) for kind in dict.fromkeys(kinds) if kind != PROGRAM}
    inputs: list[Any] = [
        _program_change(obj, op) if kind == PROGRAM else _input(obj, kind, described[kind], op)
        for obj, kind in zip(objects, kinds, strict=True)
    ]  # every object is checked before anything is sent
    statuses: list[t.MObjStatus | None] = [None] * len(objects)
    for index, (obj, kind) in enumerate(zip(objects, kinds, strict=True)):
        if kind == PROGRAM:
            failure = _program_failure(obj, mode)
            statuses[index] = (
                t.MObjStatus(
                    id=obj.id, external_key=obj.external_key, status=t.MObjStatusEnum.FAILED, error=failure
                )
                if failure
                else _sync_program(ctx, obj, inputs[index], op)
            )
    for kind in described:
        indexes = [i for i, k in enumerate(kinds) if k == kind]
        body = {"action": ACTIONS[mode], "dedupeBy": "dedupeFields", "input": [inputs[i] for i in indexes]}
        answer = ctx.rest.post(f"{PATHS[kind]}.json", body, operation=op)
        for index, record in zip(indexes, per_record.in_order(answer, len(indexes), op), strict=True):
            status, error = per_record.sync_status(record, SKIPPED_BECAUSE.get(mode), SYNC_STATUSES, op)
            statuses[index] = t.MObjStatus(
                id=None,
                external_key=objects[index].external_key,
                status=t.MObjStatusEnum(status.value),
                error=error,
            )
    return t.ResultSyncMObjects(
        m_obj_status_list=t.ArrayOfMObjStatus(m_obj_status=[s for s in statuses if s])
    )


# --- deleteMObjects ------------------------------------------------------------------------------------------


def delete_mobjects(ctx: TranslationContext, params: t.ParamsDeleteMObjects) -> t.ResultDeleteMObjects:
    """deleteMObjects names each MObject by its id (deletemobjects.md: id is required), which REST's Delete
    Opportunities / Opportunity Roles cannot address (they take externalOpportunityId or marketoGUID): a
    request with ids raises ``UnsupportedOperationError``; an MObject without id is FAILED as over SOAP."""
    op = "deleteMObjects"
    objects = list(params.m_object_list.m_object) if params.m_object_list is not None else []
    if any(obj.id is not None for obj in objects):
        raise _unsupported(NO_IDS, op)
    statuses = []
    for obj in objects:
        _kind(obj.type_value, op)
        statuses.append(
            t.MObjStatus(
                id=None,
                external_key=obj.external_key,
                status=t.MObjStatusEnum.FAILED,
                error="an MObject to delete is identified by its id",
            )
        )
    return t.ResultDeleteMObjects(m_obj_status_list=t.ArrayOfMObjStatus(m_obj_status=statuses))


# --- getMObjects ----------------------------------------------------------------------------------------------


def _query(params: t.ParamsGetMObjects, kind: str, operation: str) -> tuple[str, str]:
    """(filterType, filterValues) of REST's query for a SOAP query: an opportunity by its ``opportunityId``
    external key, a role by one association (its opportunity's external key, or its lead's id). REST filters
    only by searchable fields (opportunities.md "Query"), so ids, attribute criteria and other keys cannot
    be queried."""
    if params.id is not None:
        raise _unsupported(NO_IDS, operation)
    if params.m_obj_criteria_list is not None and params.m_obj_criteria_list.m_obj_criteria:
        raise _unsupported(
            "REST queries opportunities and roles only by their searchable fields (opportunities.md, "
            "opportunity-roles.md: Query); attribute criteria cannot be expressed",
            operation,
        )
    associations = params.m_obj_association_list.m_obj_association if params.m_obj_association_list else []
    key = params.external_key
    if kind == OPPORTUNITY and _is_external_key(key) and not associations:
        return EXTERNAL_ID, key.value
    if kind == ROLE and key is None and len(associations) == 1:
        name, value = _association_key(associations[0], operation)
        return name, str(value)
    raise _unsupported(
        f"REST queries {kind} by one searchable field (externalOpportunityId for an opportunity; for a role "
        "its opportunity's externalOpportunityId or its leadId) (opportunities.md, opportunity-roles.md: Query)",
        operation,
    )


def _xml_time(text: Any) -> XmlDateTime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return XmlDateTime.from_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


ROLE_ATTRIBUTES = {"leadId": "PersonId", EXTERNAL_ID: None}
"""A role's REST fields as SOAP attributes: its lead id is SOAP's PersonId; its opportunity is named by an
association only, as SOAP's OpportunityId attribute holds the integer id REST does not have."""


def _mobject(kind: str, record: Mapping[str, Any], fields: Sequence[str]) -> t.MObject:
    names: dict[str, str | None] = {name: soap_attribute(name) for name in fields}
    if kind == ROLE:
        names.update((name, soap) for name, soap in ROLE_ATTRIBUTES.items() if name in names)
    attribs = [
        t.Attrib(name=soap, value=per_record.text(record[name]))
        for name, soap in names.items()
        if soap is not None and record.get(name) is not None and record.get(name) != ""
    ]
    associations = []
    if kind == ROLE:
        if record.get("leadId") is not None:
            associations.append(t.MObjAssociation(m_obj_type="Lead", id=int(record["leadId"])))
        if record.get(EXTERNAL_ID):
            key = t.Attrib(name=SOAP_EXTERNAL_KEY, value=str(record[EXTERNAL_ID]))
            associations.append(t.MObjAssociation(m_obj_type=OPPORTUNITY, external_key=key))
    return t.MObject(
        type_value=kind,
        id=None,
        created_at=_xml_time(record.get("createdAt")),
        updated_at=_xml_time(record.get("updatedAt")),
        attrib_list=t.ArrayOfAttrib(attrib=attribs) if attribs else None,
        association_list=t.ArrayOfMObjAssociation(m_obj_association=associations) if associations else None,
    )


def get_mobjects(ctx: TranslationContext, params: t.ParamsGetMObjects) -> t.ResultGetMObjects:
    """Get Opportunities / Opportunity Roles (opportunities.md, opportunity-roles.md "Query") by one
    searchable field, 100 per page as getmobjects.md pages them; the stream position wraps REST's
    ``nextPageToken``."""
    op = "getMObjects"
    kind = _kind(params.type_value, op)
    filter_type, value = _query(params, kind, op)
    if "," in value:
        raise _unsupported("a value with a comma cannot be sent in REST's comma-separated filterValues", op)
    identity = json.dumps([kind, filter_type, value], separators=(",", ":"))
    state = positions.decode(params.stream_position, identity, op) or {}
    token, done = state.get("t"), state.get("end", False)
    if not isinstance(token, (str, type(None))) or not isinstance(done, bool):
        raise fault_for(20122, "stream position is not one this REST translation returned", operation=op)
    records: Sequence[Any] = ()
    more = False
    fields: list[str] = []
    if not done:
        fields = [n for n in _describe(ctx, kind, op).readable]
        query: dict[str, str | int | None] = {
            "filterType": filter_type,
            "filterValues": value,
            "fields": ",".join(fields),
            "batchSize": MAX_MOBJECTS_PER_CALL,
            "nextPageToken": token,
        }
        page = ctx.rest.get(f"{PATHS[kind]}.json", query, operation=op)
        records, more, token = page.result, page.more_result, positions.next_token(page, op)
    objects = [_mobject(kind, r, fields) for r in records if isinstance(r, Mapping)]
    return t.ResultGetMObjects(
        return_count=len(objects),
        has_more=more,
        new_stream_position=positions.encode(identity, {"t": token, "end": not more}),
        m_object_list=t.ArrayOfMObject(m_object=objects) if objects else None,
    )


# --- describeMObject -----------------------------------------------------------------------------------------

DATA_TYPES = {"datetime": "dateTime", "text": "string"}
"""REST data types (field-types.md) in SOAP's spelling (describemobject.md: dateTime, string)."""


def _field_metadata(kind: str, field: Mapping[str, Any], updated: XmlDateTime) -> t.MObjFieldMetadata:
    name = str(field["name"])
    updateable = field.get("updateable") is True
    length = field.get("length")
    data_type = str(field.get("dataType", "string"))
    return t.MObjFieldMetadata(
        name=soap_attribute(name) if name != "marketoGUID" else name,
        description=None,
        display_name=per_record.text(field["displayName"]) if field.get("displayName") else None,
        source_object=kind,
        data_type=DATA_TYPES.get(data_type, data_type),
        size=length if isinstance(length, int) else None,
        is_readonly=not updateable,
        is_update_blocked=not updateable,
        is_name=name == "name",
        is_primary_key=name == "marketoGUID",
        is_custom=False,
        is_dynamic=False,
        dynamic_field_ref=None,
        updated_at=updated,
    )


def describe_mobject(ctx: TranslationContext, params: t.ParamsDescribeMObject) -> t.ResultDescribeMObject:
    """Describe Opportunity / Opportunity Role (opportunities.md, opportunity-roles.md "Describe"); the other
    objects SOAP described (ActivityRecord, LeadRecord) have no successor on the migration page's M Objects
    table: ``UnsupportedOperationError``."""
    op = "describeMObject"
    wanted = (params.object_name or "").strip()
    if not wanted:
        raise fault_for(20109, "objectName is required", operation=op)
    kind = next((k for k in (OPPORTUNITY, ROLE) if k.casefold() == wanted.casefold()), None)
    if kind is None:
        raise _unsupported(
            f"the migration page maps describeMObject to Describe Opportunity and Describe Opportunity Role "
            f"only (migration.md, M Objects); {wanted!r} has no REST description",
            op,
        )
    described = _describe(ctx, kind, op)
    updated = _xml_time(described.data.get("updatedAt")) or XmlDateTime(1970, 1, 1, 0, 0, 0, 0, 0)
    return t.ResultDescribeMObject(
        metadata=t.MObjectMetadata(
            name=kind,
            description=str(described.data.get("description") or REST_NAMES[kind]),
            is_custom=False,
            is_virtual=False,
            field_list=t.ArrayOfMObjFieldMetadata(
                field_value=[_field_metadata(kind, f, updated) for f in described.fields]
            ),
            updated_at=updated,
        )
    )
