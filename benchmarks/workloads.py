"""The documents the codec benchmark encodes and decodes, built with the generated types.

- ``sync_custom_objects``: a syncCustomObjects request carrying 100 ``RoadShow`` objects (two key fields, three
  attributes, as the emulator's default type) and the response with its 100 statuses, each echoing its keys.
- ``get_multiple_leads``: a getMultipleLeads response carrying 1,000 lead records (Id, Email, six attributes).
- ``largest_page`` (not a codec case; the element bound's measure): the largest legitimate page, 1,000 lead
  records with a value for every lead field of the emulator's defaults.

The response bytes are what ``mktows.codec`` writes (the emulator's answer); every library decodes those bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xsdata.models.datatype import XmlDateTime

import mktows.types as T
from mktows import codec
from mktows.operations import OPERATIONS, Operation

USER_ID = "demo17_1_809934544BFABAE58E5D27"
SIGNATURE = (
    "ffbff4d4bef354807481e66dc7540f7890523a87"  # a placeholder of the right length, not a real signature
)
TIMESTAMP = "2013-07-29T14:52:16-07:00"


@dataclass(frozen=True)
class Workload:
    """One benchmark case: what is encoded (an object) and what is decoded (bytes) for one operation."""

    name: str
    title: str
    operation: Operation
    encode_object: Any  # the envelope every library writes
    encode_is_response: bool  # True when the encoded envelope is a response (written by the server side)
    response: Any  # the response envelope ...
    response_bytes: bytes  # ... as mktows writes it: the document every library decodes


def _auth() -> Any:
    return T.AuthenticationHeader(
        mktows_user_id=USER_ID, request_signature=SIGNATURE, request_timestamp=TIMESTAMP
    )


def _attributes(pairs: list[tuple[str, str]], attr_type: str | None = None) -> Any:
    return T.ArrayOfAttribute(
        attribute=[
            T.Attribute(attr_name=name, attr_type=attr_type, attr_value=value) for name, value in pairs
        ]
    )


def sync_custom_objects(count: int = 100) -> Workload:
    """A ``count``-object RoadShow upsert and its ``count``-status answer."""
    op = OPERATIONS["syncCustomObjects"]
    keys = [[("MKTOID", str(1090177 + i)), ("rid", f"rid{i}")] for i in range(count)]
    objects = [
        T.CustomObj(
            custom_obj_key_list=_attributes(key),
            custom_obj_attribute_list=_attributes([("city", "San Mateo"), ("zip", "94404"), ("state", "CA")]),
        )
        for key in keys
    ]
    params = T.ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        custom_obj_list=T.ArrayOfCustomObj(custom_obj=objects),
        operation=T.SyncOperationEnum.UPSERT,
    )
    request = op.request(params, [_auth()])
    statuses = [
        T.SyncCustomObjStatus(
            obj_type_name="RoadShow",
            custom_obj_key_list=_attributes(key),
            status=T.SyncStatusEnum.CREATED if i % 3 else T.SyncStatusEnum.UPDATED,
            error=None,
        )
        for i, key in enumerate(keys)
    ]
    result = T.ResultSyncCustomObjects(
        sync_custom_obj_status_list=T.ArrayOfSyncCustomObjStatus(sync_custom_obj_status=statuses)
    )
    response = op.response(result)
    return Workload(
        name="sync_custom_objects",
        title=f"syncCustomObjects, {count} objects (encode the request, decode the response)",
        operation=op,
        encode_object=request,
        encode_is_response=False,
        response=response,
        response_bytes=codec.encode(response, reference=True),
    )


def get_multiple_leads(count: int = 1000) -> Workload:
    """A ``count``-lead page of getMultipleLeads (encoded as the server does, decoded as the client does)."""
    leads = [
        T.LeadRecord(
            id=100000 + i,
            email=f"lead{i}@example.com",
            foreign_sys_person_id=None,
            foreign_sys_type=None,
            lead_attribute_list=_attributes(
                [
                    ("FirstName", f"First{i}"),
                    ("LastName", f"Last{i}"),
                    ("Company", "Marketo Test"),
                    ("LeadScore", str(i % 100)),
                    ("Website", "www.example.com"),
                    ("Phone", "+1 650 555 0100"),
                ],
                attr_type="string",
            ),
        )
        for i in range(count)
    ]
    position = f"id:{100000 + count}&updatedAt:{XmlDateTime(2013, 7, 29, 14, 52, 16, 0, -420)}"
    title = f"getMultipleLeads, {count:,} leads (encode and decode the response)"
    return _leads_page("get_multiple_leads", title, leads, position)


def _leads_page(name: str, title: str, leads: list[Any], position: str) -> Workload:
    """A getMultipleLeads answer holding ``leads``, the last page (nothing remains)."""
    op = OPERATIONS["getMultipleLeads"]
    result = T.ResultGetMultipleLeads(
        return_count=len(leads),
        remaining_count=0,
        new_stream_position=position,
        lead_record_list=T.ArrayOfLeadRecord(lead_record=leads),
    )
    response = op.response(result)
    return Workload(
        name=name,
        title=title,
        operation=op,
        encode_object=response,
        encode_is_response=True,
        response=response,
        response_bytes=codec.encode(response, reference=True),
    )


def largest_page(count: int = 1000) -> Workload:
    """A ``count``-lead getMultipleLeads page with every lead field of the emulator's default config set."""
    from mktows.emulator import EmulatorConfig

    fields = [field.name for field in EmulatorConfig.default().lead_fields]
    leads = [
        T.LeadRecord(
            id=100000 + i,
            email=f"lead{i}@example.com",
            foreign_sys_person_id=f"fsp{i}",
            lead_attribute_list=_attributes(
                [(name, f"{name} value {i}") for name in fields], attr_type="string"
            ),
        )
        for i in range(count)
    ]
    title = f"getMultipleLeads, {count:,} leads with all {len(fields)} lead fields (decode the response)"
    return _leads_page("largest_page", title, leads, f"id:{100000 + count}")


WORKLOADS = {"sync_custom_objects": sync_custom_objects, "get_multiple_leads": get_multiple_leads}
"""Case name -> builder, in report order."""
