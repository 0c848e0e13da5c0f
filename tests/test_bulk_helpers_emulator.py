"""The batching helpers other than custom objects, and the paging iterators, against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from xsdata.models.datatype import XmlDateTime

from mktows import CustomObject, ObjectStatus
from mktows import types as t
from mktows.paging import Paginator
from mktows.pytest_plugin import EmulatorHandle


def lead(n: int) -> t.LeadRecord:
    return t.LeadRecord(
        email=f"bulk{n}@example.com",
        lead_attribute_list=t.ArrayOfAttribute(
            attribute=[t.Attribute(attr_name="FirstName", attr_value=f"N{n}")]
        ),
    )


def calls_of(emulator: EmulatorHandle, operation: str) -> int:
    return sum(1 for call in emulator.calls if call.operation == operation)


# The page sizes below leave one record for the last page: a "more remain" answer off by one loses it, an
# off-by-one page doubles or skips a record at each boundary.


def walk(paginator: Paginator[Any], batch_size: int) -> list[Any]:
    """Every record of a paged read, checked page by page: no page over ``batch_size``, every page but the
    last one full, and exactly as many pages as the total needs (no lost, empty or extra page)."""
    pages = [page.records for page in paginator.pages()]
    records = [record for page in pages for record in page]
    assert pages and all(len(page) == batch_size for page in pages[:-1]), [len(p) for p in pages]
    assert 0 < len(pages[-1]) <= batch_size or records == []
    assert len(pages) == max(1, -(-len(records) // batch_size)) == paginator.pages_fetched
    assert paginator.finished
    return records


def exactly_once(values: list[Any]) -> set[Any]:
    """The values as a set, after checking none came twice (a record doubled across a page boundary)."""
    doubled = sorted({v for v in values if values.count(v) > 1}, key=str)
    assert not doubled, f"returned more than once: {doubled}"
    return set(values)


def test_sync_multiple_leads_in_calls_of_300_then_page_them_back(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    start = datetime.now(UTC) - timedelta(minutes=1)
    report = client.sync_multiple_leads([lead(i) for i in range(301)])
    assert calls_of(mktows_emulator, "syncMultipleLeads") == 2
    assert [r.status for r in report.results] == [ObjectStatus.CREATED] * 301
    assert report.results[7].keys["Email"] == "bulk7@example.com" and report.results[7].keys["Id"]
    ids = [int(r.keys["Id"]) for r in report.results]
    assert len(set(ids)) == 301

    selector = t.LastUpdateAtSelector(oldest_updated_at=XmlDateTime.from_datetime(start))
    records = walk(
        client.get_multiple_leads(t.ParamsGetMultipleLeads(lead_selector=selector, batch_size=50)), 50
    )
    assert exactly_once([record.id for record in records]) == set(ids)
    assert {record.email for record in records} == {f"bulk{i}@example.com" for i in range(301)}


def test_list_operation_splits_lead_keys(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    report = client.sync_multiple_leads([lead(i) for i in range(150)])
    keys = [t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=r.keys["Id"]) for r in report.results]
    list_key = t.ListKey(key_type=t.ListKeyType.MKTOLISTNAME, key_value="Trav-Test-List")
    added = client.list_operation("ADDTOLIST", list_key, keys)
    assert len(added) == 2 and all(result.success for result in added)
    members = set(mktows_emulator.state.list_members("Trav-Test-List"))
    assert {int(k.key_value) for k in keys} <= members
    checked = client.list_operation("ISMEMBEROFLIST", list_key, keys[:5], batch_size=2)
    assert len(checked) == 3


def test_request_campaign_splits_lead_keys(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    report = client.sync_multiple_leads([lead(i) for i in range(120)])
    keys = [t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=r.keys["Id"]) for r in report.results]
    results = client.request_campaign(keys, campaign_id=4496)
    assert [result.success for result in results] == [True, True]
    assert calls_of(mktows_emulator, "requestCampaign") == 2


def opportunity(n: int) -> t.MObject:
    return t.MObject(
        type_value="Opportunity",
        external_key=t.Attrib(name="opportunityId", value=f"bulk-opp-{n}"),
        attrib_list=t.ArrayOfAttrib(
            attrib=[
                t.Attrib(name="opportunityId", value=f"bulk-opp-{n}"),
                t.Attrib(name="Name", value=f"Deal {n}"),
            ]
        ),
    )


MOBJECTS_BATCH = 38  # getMObjects has no batchSize: the emulator's page size; 150 + the 3 seeded = 4 * 38 + 1


@pytest.mark.mktows_emulator(limits={"mobjects_batch": MOBJECTS_BATCH})
def test_sync_page_and_delete_mobjects(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    created = client.sync_mobjects([opportunity(i) for i in range(150)], operation="UPSERT")
    assert calls_of(mktows_emulator, "syncMObjects") == 2
    assert [r.status for r in created.results] == [ObjectStatus.CREATED] * 150
    ids = [int(r.keys["id"]) for r in created.results]

    pages = client.get_mobjects(t.ParamsGetMObjects(type_value="Opportunity"))
    found = exactly_once([m.id for m in walk(pages, MOBJECTS_BATCH)])
    assert found == {m["id"] for m in mktows_emulator.state.mobjects("Opportunity")}
    assert set(ids) < found and len(found) % MOBJECTS_BATCH == 1

    deleted = client.delete_mobjects([t.MObject(type_value="Opportunity", id=i) for i in ids])
    assert [r.status for r in deleted.results] == [ObjectStatus.DELETED] * 150
    assert not set(ids) & {m["id"] for m in mktows_emulator.state.mobjects("Opportunity")}


def test_lead_activity_pages_one_lead_newest_first(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    first = client.sync_multiple_leads([lead(0)]).results[0]
    for n in range(1, 11):  # each change of FirstName is one more activity of the lead
        changed = t.LeadRecord(
            email="bulk0@example.com",
            lead_attribute_list=t.ArrayOfAttribute(
                attribute=[t.Attribute(attr_name="FirstName", attr_value=f"M{n}")]
            ),
        )
        assert client.sync_multiple_leads([changed]).results[0].status is ObjectStatus.UPDATED
    lead_id = int(first.keys["Id"])
    stored = [a["id"] for a in mktows_emulator.state.activities(lead_id)]
    assert len(stored) % 5 == 1
    activity = client.get_lead_activity(
        t.ParamsGetLeadActivity(
            lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=str(lead_id)), batch_size=5
        )
    )
    records = walk(activity, 5)
    assert [record.id for record in records] == stored[::-1]  # each once, newest first
    assert _attributes_by_id(records) == _stored_attributes(mktows_emulator, lead_id)
    assert {record.mkt_person_id for record in records} == {str(lead_id)}


def test_lead_changes_page_every_change_once_oldest_first(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    start = datetime.now(UTC) - timedelta(minutes=1)
    report = client.sync_multiple_leads([lead(i) for i in range(29)])
    ids = {int(r.keys["Id"]) for r in report.results}
    stored = [a["id"] for a in mktows_emulator.state.activities() if a["lead_id"] in ids]
    assert len(stored) % 7 == 1
    selector = t.LeadKeySelector(
        key_type=t.LeadKeyRef.IDNUM, key_values=t.ArrayOfString(string_item=[str(i) for i in sorted(ids)])
    )
    changes = client.get_lead_changes(
        t.ParamsGetLeadChanges(
            start_position=t.StreamPosition(oldest_created_at=XmlDateTime.from_datetime(start)),
            lead_selector=selector,
            batch_size=7,
        )
    )
    records = walk(changes, 7)
    assert [record.id for record in records] == stored  # each once, oldest first
    every = {}
    for lead_id in ids:
        every.update(_stored_attributes(mktows_emulator, lead_id))
    assert _attributes_by_id(records) == every
    assert {int(record.mkt_person_id) for record in records} == ids


def _attributes_by_id(records: list[Any]) -> dict[int, dict[str, str | None]]:
    """Each activity record's attributes, by record id, as read over the wire."""
    return {record.id: dict(_pairs(record.activity_attributes)) for record in records}


def _stored_attributes(emulator: EmulatorHandle, lead_id: int) -> dict[int, dict[str, str | None]]:
    """Each stored activity's attributes, by id (the emulator's own records, not the API)."""
    return {a["id"]: dict(a["attributes"]) for a in emulator.state.activities(lead_id)}


def test_custom_objects_page_every_match_once(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    objects = [
        CustomObject(keys={"MKTOID": str(2000 + n), "rid": "paged"}, attributes={"city": f"C{n}"})
        for n in range(21)
    ]
    assert client.sync_custom_objects("RoadShow", objects).counts == {ObjectStatus.CREATED: 21}
    records = walk(client.get_custom_objects("RoadShow", keys={"rid": "paged"}, batch_size=5), 5)
    cities = [
        (dict(_pairs(record.custom_obj_key_list))["MKTOID"], dict(_pairs(record.custom_obj_attribute_list)))
        for record in records
    ]
    assert exactly_once([mktoid for mktoid, _ in cities]) == {str(2000 + n) for n in range(21)}
    assert dict(cities) == {str(2000 + n): {"city": f"C{n}"} for n in range(21)}


def _pairs(attributes: t.ArrayOfAttribute | None) -> list[tuple[str, str | None]]:
    return [(a.attr_name, a.attr_value) for a in attributes.attribute] if attributes is not None else []
