"""The batching helpers other than custom objects, and the paging iterators, against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from xsdata.models.datatype import XmlDateTime

from mktows import ObjectStatus
from mktows import types as t
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


def test_sync_multiple_leads_in_calls_of_300_then_page_them_back(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    start = datetime.now(UTC) - timedelta(minutes=1)
    report = client.sync_multiple_leads([lead(i) for i in range(350)])
    assert calls_of(mktows_emulator, "syncMultipleLeads") == 2
    assert [r.status for r in report.results] == [ObjectStatus.CREATED] * 350
    assert report.results[7].keys["Email"] == "bulk7@example.com" and report.results[7].keys["Id"]

    selector = t.LastUpdateAtSelector(oldest_updated_at=XmlDateTime.from_datetime(start))
    pages = client.get_multiple_leads(t.ParamsGetMultipleLeads(lead_selector=selector, batch_size=100))
    emails = {record.email for record in pages}
    assert {f"bulk{i}@example.com" for i in range(350)} <= emails
    assert pages.pages_fetched >= 4 and pages.finished


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


def test_sync_page_and_delete_mobjects(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    created = client.sync_mobjects([opportunity(i) for i in range(150)], operation="UPSERT")
    assert calls_of(mktows_emulator, "syncMObjects") == 2
    assert [r.status for r in created.results] == [ObjectStatus.CREATED] * 150
    ids = [int(r.keys["id"]) for r in created.results]

    found = list(client.get_mobjects(t.ParamsGetMObjects(type_value="Opportunity")))
    assert set(ids) <= {m.id for m in found}

    deleted = client.delete_mobjects([t.MObject(type_value="Opportunity", id=i) for i in ids])
    assert [r.status for r in deleted.results] == [ObjectStatus.DELETED] * 150
    assert not set(ids) & {m["id"] for m in mktows_emulator.state.mobjects("Opportunity")}


def test_lead_activity_and_lead_changes_page(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    start = datetime.now(UTC) - timedelta(minutes=1)
    report = client.sync_multiple_leads([lead(i) for i in range(30)])
    lead_id = report.results[0].keys["Id"]
    activity = client.get_lead_activity(
        t.ParamsGetLeadActivity(
            lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=lead_id), batch_size=1
        )
    )
    records = list(activity)
    assert records and activity.finished
    changes = client.get_lead_changes(
        t.ParamsGetLeadChanges(
            start_position=t.StreamPosition(oldest_created_at=XmlDateTime.from_datetime(start)), batch_size=10
        )
    )
    changed = list(changes)
    assert len(changed) >= 30 and changes.pages_fetched >= 3
