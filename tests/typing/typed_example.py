"""A typed use of ``client.ops`` that ``mypy --strict`` must accept (checked by tests/test_client_typing.py).

Not run: it only has to type-check. The ``reveal_type`` lines let the test see the types an editor infers.
"""

from __future__ import annotations

from typing import reveal_type

from mktows import Client, Limits, RetryPolicy
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    Attribute,
    CustomObj,
    LeadKey,
    LeadKeyRef,
    ParamsGetLead,
    ParamsListMObjects,
    ParamsSyncCustomObjects,
    ResultSyncCustomObjects,
    SyncOperationEnum,
    SyncStatusEnum,
)


def roadshow(mktoid: str, city: str) -> CustomObj:
    return CustomObj(
        custom_obj_key_list=ArrayOfAttribute(
            attribute=[
                Attribute(attr_name="MKTOID", attr_value=mktoid),
                Attribute(attr_name="rid", attr_value="rid1"),
            ]
        ),
        custom_obj_attribute_list=ArrayOfAttribute(attribute=[Attribute(attr_name="city", attr_value=city)]),
    )


def sync_roadshows(client: Client) -> tuple[dict[str, int], list[str | None]]:
    params = ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        custom_obj_list=ArrayOfCustomObj(custom_obj=[roadshow("1090177", "San Mateo")]),
        operation=SyncOperationEnum.UPSERT,
    )
    result: ResultSyncCustomObjects = client.ops.sync_custom_objects(params)
    reveal_type(result.sync_custom_obj_status_list.sync_custom_obj_status)
    counts: dict[str, int] = {}
    errors: list[str | None] = []
    for status in result.sync_custom_obj_status_list.sync_custom_obj_status:
        counts[status.status.value] = counts.get(status.status.value, 0) + 1
        if status.status is SyncStatusEnum.FAILED:
            errors.append(status.error)
    return counts, errors


def sync_in_any_case(client: Client) -> int:
    inserted = client.sync_custom_objects("RoadShow", [], operation="insert")
    updated = client.sync_custom_objects("RoadShow", [], operation=SyncOperationEnum.UPDATE)
    return len(inserted) + len(updated)


def lead_count(client: Client) -> int:
    lead = client.ops.get_lead(ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.EMAIL, key_value="a@b.c")))
    reveal_type(lead)
    return lead.count


def object_names(client: Client) -> list[str]:
    outcome = client.call("listMObjects", ParamsListMObjects())
    names: list[str] = client.ops.list_mobjects(ParamsListMObjects()).objects
    return [*names, str(outcome.attempts)]


def build() -> Client:
    return Client(
        "https://123-ABC-456.mktoapi.com/soap/mktows/2_6",
        "user",
        "key",
        timeout=(5.0, 90.0),
        retry=RetryPolicy(max_attempts=3),
        limits=Limits(calls=50, period=20.0, concurrency=5),
        target_workspace="Default",
        strict=True,
    )
