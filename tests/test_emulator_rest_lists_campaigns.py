"""The REST face's lists and campaigns agree with the SOAP face on what they record: list changes log the
same activities, and only campaigns whose "Campaign is Requested" trigger accepts Web Service API are
triggerable (smart-campaigns.md, Request; swagger-mapi.json getCampaignsUsingGET isTriggerable)."""

from __future__ import annotations

import pytest

from mktows.emulator import EmulatorConfig
from mktows.emulator.defaults import DEFAULT_CONFIG
from mktows.pytest_plugin import EmulatorHandle
from tests.rest_support import Rest

LIST_ID = 1001  # Trav-Test-List, with lead 1089946 as its member
SALES_ONLY = {"id": 5001, "name": "Sales Only", "description": "", "type": "trigger", "sources": ["SALES"]}


@pytest.fixture
def mktows_emulator_config() -> EmulatorConfig:
    return EmulatorConfig.from_mapping({"campaigns": [*DEFAULT_CONFIG["campaigns"], SALES_ONLY]})


def _list_activities(handle: EmulatorHandle) -> list[tuple[int, str, str | None]]:
    return [
        (a["lead_id"], a["type"], a["asset"])
        for a in handle.state.activities()
        if a["type"] in ("Add to List", "Remove from List")
    ]


def test_rest_list_changes_log_add_and_remove_activities_as_soap_does(
    mktows_emulator: EmulatorHandle,
) -> None:
    rest = Rest(mktows_emulator)
    before = _list_activities(mktows_emulator)
    added = rest.json("POST", f"/rest/v1/lists/{LIST_ID}/leads.json", params={"id": ["87710", "1089946"]})
    assert [r["status"] for r in added["result"]] == ["added", "added"]
    removed = rest.json("DELETE", f"/rest/v1/lists/{LIST_ID}/leads.json", params={"id": ["87710", "2"]})
    assert [r["status"] for r in removed["result"]] == ["removed", "skipped"]
    # 1089946 was a member already: no second Add to List; 2 was never a member: no Remove from List
    assert _list_activities(mktows_emulator)[len(before) :] == [
        (87710, "Add to List", "Trav-Test-List"),
        (87710, "Remove from List", "Trav-Test-List"),
    ]


def test_is_triggerable_lists_only_web_service_api_campaigns(mktows_emulator: EmulatorHandle) -> None:
    rest = Rest(mktows_emulator)
    triggerable = rest.json("GET", "/rest/v1/campaigns.json", params={"isTriggerable": "true"})["result"]
    ids = {c["id"] for c in triggerable}
    assert 4496 in ids  # MKTOWS and SALES
    assert SALES_ONLY["id"] not in ids and 4501 not in ids  # Sales Insight only; a batch campaign
    everything = rest.json("GET", "/rest/v1/campaigns.json")["result"]
    assert SALES_ONLY["id"] in {c["id"] for c in everything}


def test_a_campaign_without_web_service_api_source_cannot_be_triggered(
    mktows_emulator: EmulatorHandle,
) -> None:
    rest = Rest(mktows_emulator)
    answer = rest.json(
        "POST", f"/rest/v1/campaigns/{SALES_ONLY['id']}/trigger.json", json={"input": {"leads": [{"id": 2}]}}
    )
    assert answer["success"] is False and answer["errors"][0]["code"] == "1003"
    assert not [r for r in mktows_emulator.state.campaign_runs() if r["campaign_id"] == SALES_ONLY["id"]]


def test_a_bulk_import_writes_leads_as_a_list_import_does(mktows_emulator: EmulatorHandle) -> None:
    """Bulk Import Leads is the REST successor of importToList (migration.md, Static Lists): its new and
    changed leads carry the same "List import" source as the SOAP list import's."""
    rest = Rest(mktows_emulator)
    csv_file = "email,firstName\nfresh@example.com,Fay\nt@t.com,Tim\n"
    answer = rest.json(
        "POST", "/bulk/v1/leads.json", data={"format": "csv"}, files={"file": ("l.csv", csv_file, "text/csv")}
    )
    assert answer["success"] is True
    created = [a for a in mktows_emulator.state.activities() if a["type"] == "New Lead"][-1]
    assert created["attributes"]["Source Type"] == "List import"
    changed = [a for a in mktows_emulator.state.activities(1090240) if a["type"] == "Change Data Value"][-1]
    assert changed["attributes"]["Reason"] == "List import"
