"""The REST face's records: the same state the SOAP face shows (a custom object written over one face reads
back over the other), and the documented REST semantics of custom objects, leads, lists, smart campaigns and
activities (per-record statuses and reasons, paging tokens)."""

from __future__ import annotations

from mktows.emulator import Emulator
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    ArrayOfString,
    Attribute,
    CustomObj,
    ParamsGetCustomObjects,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)
from tests.emulator_support import call
from tests.rest_support import Rest

CO = "/rest/v1/customobjects/RoadShow"


def _emulator(handle) -> Emulator:
    return handle.emulator


def test_custom_object_written_over_soap_reads_back_over_rest(mktows_emulator):
    params = ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        custom_obj_list=ArrayOfCustomObj(
            custom_obj=[
                CustomObj(
                    custom_obj_key_list=ArrayOfAttribute(
                        attribute=[
                            Attribute(attr_name="MKTOID", attr_value="77"),
                            Attribute(attr_name="rid", attr_value="s1"),
                        ]
                    ),
                    custom_obj_attribute_list=ArrayOfAttribute(
                        attribute=[Attribute(attr_name="city", attr_value="Lyon")]
                    ),
                )
            ]
        ),
        operation=SyncOperationEnum.INSERT,
    )
    call(_emulator(mktows_emulator), "syncCustomObjects", params)
    rest = Rest(mktows_emulator)
    data = rest.json(
        "POST",
        f"{CO}.json?_method=GET",
        json={
            "filterType": "dedupeFields",
            "fields": ["MKTOID", "rid", "city"],
            "input": [{"MKTOID": 77, "rid": "s1"}],
        },
    )
    assert data["success"] is True
    [record] = data["result"]
    assert (record["MKTOID"], record["rid"], record["city"]) == (77, "s1", "Lyon")
    assert record["seq"] == 0 and record["marketoGUID"]


def test_custom_object_written_over_rest_reads_back_over_soap(mktows_emulator):
    rest = Rest(mktows_emulator)
    data = rest.json(
        "POST",
        f"{CO}.json",
        json={
            "action": "createOnly",
            "dedupeBy": "dedupeFields",
            "input": [{"MKTOID": 88, "rid": "r1", "zip": "75001"}],
        },
    )
    assert data["result"][0]["status"] == "created"
    result = call(
        _emulator(mktows_emulator),
        "getCustomObjects",
        ParamsGetCustomObjects(
            obj_type_name="RoadShow",
            custom_obj_key_list=ArrayOfAttribute(attribute=[Attribute(attr_name="MKTOID", attr_value="88")]),
            include_attributes=ArrayOfString(string_item=["zip"]),
        ),
    )
    [obj] = result.custom_obj_list.custom_obj
    assert {a.attr_name: a.attr_value for a in obj.custom_obj_key_list.attribute} == {
        "MKTOID": "88",
        "rid": "r1",
    }
    assert {a.attr_name: a.attr_value for a in obj.custom_obj_attribute_list.attribute} == {"zip": "75001"}


def test_custom_object_sync_actions_and_per_record_reasons(mktows_emulator):
    rest = Rest(mktows_emulator)
    sync = lambda action, records: rest.json("POST", f"{CO}.json", json={"action": action, "input": records})  # noqa: E731
    created = sync("createOnly", [{"MKTOID": 1, "rid": "a", "city": "X"}, {"MKTOID": 1, "rid": "a"}])
    assert [r["status"] for r in created["result"]] == ["created", "skipped"]
    assert created["result"][1]["reasons"][0]["code"] == "1017"
    assert [r["seq"] for r in created["result"]] == [0, 1]
    updated = sync("updateOnly", [{"MKTOID": 1, "rid": "a", "city": "Y"}, {"MKTOID": 2, "rid": "b"}])
    assert [r["status"] for r in updated["result"]] == ["updated", "skipped"]
    assert updated["result"][1]["reasons"][0]["code"] == "1013"
    # REST documents no "unchanged": an update that changes nothing is "updated"
    assert (
        sync("createOrUpdate", [{"MKTOID": 1, "rid": "a", "city": "Y"}])["result"][0]["status"] == "updated"
    )
    bad = sync("createOrUpdate", [{"MKTOID": 3, "rid": "c", "nope": 1}, {"MKTOID": "x", "rid": "c"}])
    assert [r["reasons"][0]["code"] for r in bad["result"]] == ["1006", "1003"]
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="1", rid="a")["attributes"] == {"city": "Y"}
    guid = created["result"][0]["marketoGUID"]
    by_id = rest.json(
        "POST",
        f"{CO}.json",
        json={"action": "updateOnly", "dedupeBy": "idField", "input": [{"marketoGUID": guid, "city": "Z"}]},
    )
    assert by_id["result"][0] == {"seq": 0, "marketoGUID": guid, "status": "updated"}
    fetched = rest.json(
        "GET", f"{CO}.json", params={"filterType": "idField", "filterValues": guid, "fields": "city"}
    )
    assert fetched["result"][0]["city"] == "Z"


def test_custom_object_get_pages_with_next_page_token(mktows_emulator):
    rest = Rest(mktows_emulator)
    seen: list[str] = []
    params = {"filterType": "MKTOID", "filterValues": "1090177", "batchSize": 4, "fields": "rid"}
    for _ in range(5):
        data = rest.json("GET", f"{CO}.json", params=params)
        seen += [r["rid"] for r in data["result"]]
        if not data["moreResult"]:
            break
        params["nextPageToken"] = data["nextPageToken"]
    assert seen == ["123456", "rid0", "rid1", "rid2", "rid3", "rid4"]
    assert rest.json("GET", f"{CO}.json", params={**params, "batchSize": 301})["errors"][0]["code"] == "1003"


def test_custom_object_compound_query_takes_batch_size_and_token_in_its_body(mktows_emulator):
    """custom-objects.md: the body of a compound-key query may hold every member of a GET query."""
    rest = Rest(mktows_emulator)
    body = {"filterType": "dedupeFields", "fields": ["rid"], "batchSize": 1}
    body["input"] = [{"MKTOID": 1090177, "rid": "rid1"}, {"MKTOID": 1090177, "rid": "rid2"}]
    first = rest.json("POST", f"{CO}.json?_method=GET", json=body)
    assert [r["rid"] for r in first["result"]] == ["rid1"] and first["moreResult"] is True
    second = rest.json(
        "POST", f"{CO}.json?_method=GET", json={**body, "nextPageToken": first["nextPageToken"]}
    )
    assert [r["rid"] for r in second["result"]] == ["rid2"]
    refused = rest.json("POST", f"{CO}.json?_method=GET", json={**body, "batchSize": "two"})
    assert refused["errors"][0]["code"] == "1001"


def test_custom_object_delete_and_describe(mktows_emulator):
    rest = Rest(mktows_emulator)
    data = rest.json(
        "POST",
        f"{CO}/delete.json",
        json={
            "deleteBy": "dedupeFields",
            "input": [{"MKTOID": 1090177, "rid": "rid0"}, {"MKTOID": 5, "rid": "none"}],
        },
    )
    assert [r["status"] for r in data["result"]] == ["deleted", "skipped"]
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="1090177", rid="rid0") is None
    described = rest.json("GET", f"{CO}/describe.json")["result"][0]
    assert described["dedupeFields"] == ["MKTOID", "rid"] and described["idField"] == "marketoGUID"
    assert rest.json("GET", "/rest/v1/customobjects/Nope/describe.json")["errors"][0]["code"] == "1013"


def test_leads_sync_get_merge_associate(mktows_emulator):
    rest = Rest(mktows_emulator)
    synced = rest.json(
        "POST",
        "/rest/v1/leads.json",
        json={
            "action": "createOrUpdate",
            "lookupField": "email",
            "input": [
                {"email": "new@x.com", "firstName": "Nia"},
                {"email": "t@t.com", "lastName": "Tee"},
                {"email": "z@x.com", "bogusField": 1},
            ],
        },
    )
    statuses = [r["status"] for r in synced["result"]]
    assert statuses == ["created", "updated", "skipped"]
    assert synced["result"][1]["id"] == 1090240
    assert synced["result"][2]["reasons"][0]["code"] == "1006"
    new_id = synced["result"][0]["id"]
    assert mktows_emulator.state.lead(new_id)["attributes"]["FirstName"] == "Nia"
    only = rest.json(
        "POST", "/rest/v1/leads.json", json={"action": "createOnly", "input": [{"email": "new@x.com"}]}
    )
    assert only["result"][0]["reasons"][0]["code"] == "1005"
    missing = rest.json(
        "POST", "/rest/v1/leads.json", json={"action": "updateOnly", "input": [{"email": "none@x.com"}]}
    )
    assert missing["result"][0]["reasons"][0]["code"] == "1004"
    by_id = rest.json("GET", f"/rest/v1/lead/{new_id}.json", params={"fields": "email,firstName"})
    assert by_id["result"] == [{"id": new_id, "email": "new@x.com", "firstName": "Nia"}]
    by_filter = rest.json(
        "GET", "/rest/v1/leads.json", params={"filterType": "email", "filterValues": "new@x.com,t@t.com"}
    )
    assert sorted(r["id"] for r in by_filter["result"]) == sorted([new_id, 1090240])
    assert rest.json("POST", "/rest/v1/leads/2/merge.json", params={"leadIds": "15,16"})["success"] is True
    assert mktows_emulator.state.lead(15) is None and mktows_emulator.state.lead(16) is None
    assert mktows_emulator.state.lead(2)["attributes"]["Title"] == "Buyer"
    cookie = "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169"
    assert rest.json("POST", "/rest/v1/leads/2/associate.json", params={"cookie": cookie})["success"] is True
    assert mktows_emulator.state.lead(2)["cookie"] == cookie
    assert (
        rest.json("POST", "/rest/v1/leads/999999/associate.json", params={"cookie": cookie})["errors"][0][
            "code"
        ]
        == "1004"
    )
    fields = {
        f["rest"]["name"]: f["soap"]["name"]
        for f in rest.json("GET", "/rest/v1/leads/describe.json")["result"]
    }
    assert fields["firstName"] == "FirstName" and fields["sfdcLeadId"] == "SFDCLeadId"


def test_lists_by_name_and_membership(mktows_emulator):
    rest = Rest(mktows_emulator)
    [found] = rest.json("GET", "/rest/v1/lists.json", params={"name": "Trav-Test-List"})["result"]
    list_id = found["id"]
    assert rest.json("GET", f"/rest/v1/lists/{list_id}.json")["result"][0]["name"] == "Trav-Test-List"
    assert rest.json("GET", "/rest/v1/lists/424242.json")["errors"][0]["code"] == "1013"
    added = rest.json(
        "POST", f"/rest/v1/lists/{list_id}/leads.json", json={"input": [{"id": 2}, {"id": 999999}]}
    )
    assert [r["status"] for r in added["result"]] == ["added", "skipped"]
    assert added["result"][1]["reasons"][0]["code"] == "1004"
    member = rest.json("GET", f"/rest/v1/lists/{list_id}/leads/ismember.json", params={"id": ["2", "4001"]})
    assert [r["status"] for r in member["result"]] == ["memberof", "notmemberof"]
    removed = rest.json("DELETE", f"/rest/v1/lists/{list_id}/leads.json", params={"id": "2,4001"})
    assert [r["status"] for r in removed["result"]] == ["removed", "skipped"]
    assert removed["result"][1]["reasons"][0]["code"] == "1015"
    assert mktows_emulator.state.list_members("Trav-Test-List") == [1089946]
    members = rest.json("GET", f"/rest/v1/lists/{list_id}/leads.json")
    assert [r["id"] for r in members["result"]] == [1089946]


def test_campaigns_list_trigger_schedule(mktows_emulator):
    rest = Rest(mktows_emulator)
    listed = rest.json("GET", "/rest/v1/campaigns.json", params={"name": "Send Welcome Email"})["result"]
    assert [c["id"] for c in listed] == [4496]
    assert listed[0]["programName"] == "Trav-Demo-Program"
    triggered = rest.json(
        "POST",
        "/rest/v1/campaigns/4496/trigger.json",
        json={"input": {"leads": [{"id": 2}], "tokens": [{"name": "{{my.token}}", "value": "v"}]}},
    )
    assert triggered["result"] == [{"id": 4496}]
    assert any(a["type"] == "Request Campaign" for a in mktows_emulator.state.activities(2))
    batch = rest.json("POST", "/rest/v1/campaigns/4501/trigger.json", json={"input": {"leads": [{"id": 2}]}})
    assert batch["errors"][0]["code"] == "1003"
    scheduled = rest.json(
        "POST", "/rest/v1/campaigns/4501/schedule.json", json={"input": {"runAt": "2030-01-01T00:00:00Z"}}
    )
    assert scheduled["result"] == [{"id": 4501}]
    assert any(run["kind"] == "schedule" for run in mktows_emulator.state.campaign_runs())
    asset = rest.json("GET", "/rest/asset/v1/smartCampaigns.json", params={"maxReturn": 200})["result"]
    assert {c["id"] for c in asset} >= {4496, 4501}


def test_activities_paging_token_and_lead_changes(mktows_emulator):
    rest = Rest(mktows_emulator)
    types = {t["name"]: t["id"] for t in rest.json("GET", "/rest/v1/activities/types.json")["result"]}
    assert types["New Lead"] == 12 and types["Change Data Value"] == 13
    token = rest.json(
        "GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": "2013-07-01T00:00:00Z"}
    )["nextPageToken"]
    seen = []
    params = {"nextPageToken": token, "activityTypeIds": "1,2,12", "leadIds": "1090001", "batchSize": 2}
    for _ in range(5):
        data = rest.json("GET", "/rest/v1/activities.json", params=params)
        seen += [a["activityTypeId"] for a in data["result"]]
        params["nextPageToken"] = data["nextPageToken"]
        if not data["moreResult"]:
            break
    assert seen == [12, 1, 2]
    rest.json(
        "POST",
        "/rest/v1/leads.json",
        json={"action": "updateOnly", "lookupField": "id", "input": [{"id": 4001, "firstName": "Changed"}]},
    )
    changes = rest.json(
        "GET",
        "/rest/v1/activities/leadchanges.json",
        params={"nextPageToken": token, "fields": "firstName", "leadIds": "4001"},
    )
    [change] = [c for c in changes["result"] if c["fields"]]
    assert change["fields"][0]["name"] == "firstName"
    assert (change["fields"][0]["oldValue"], change["fields"][0]["newValue"]) == ("Lead", "Changed")


def test_opportunities_sync_get_delete_describe(mktows_emulator):
    rest = Rest(mktows_emulator)
    synced = rest.json(
        "POST",
        "/rest/v1/opportunities.json",
        json={
            "action": "createOrUpdate",
            "dedupeBy": "dedupeFields",
            "input": [
                {"externalOpportunityId": "Opp_9", "name": "Nine", "amount": 900},
                {"externalOpportunityId": "Opportunity_4", "stage": "Won"},
                {"externalOpportunityId": "Opp_x", "nope": 1},
            ],
        },
    )
    assert [r["status"] for r in synced["result"]] == ["created", "updated", "skipped"]
    assert synced["result"][2]["reasons"][0]["code"] == "1006"
    opportunities = {
        o["attributes"].get("opportunityId"): o for o in mktows_emulator.state.mobjects("Opportunity")
    }
    assert opportunities["Opp_9"]["attributes"]["Name"] == "Nine"
    assert opportunities["Opportunity_4"]["attributes"]["Stage"] == "Won"
    got = rest.json(
        "GET",
        "/rest/v1/opportunities.json",
        params={"filterType": "externalOpportunityId", "filterValues": "Opp_9", "fields": "name,amount"},
    )
    assert [(r["name"], r["amount"]) for r in got["result"]] == [("Nine", 900.0)]
    deleted = rest.json(
        "POST",
        "/rest/v1/opportunities/delete.json",
        json={
            "deleteBy": "dedupeFields",
            "input": [{"externalOpportunityId": "Opp_9"}, {"externalOpportunityId": "none"}],
        },
    )
    assert [r["status"] for r in deleted["result"]] == ["deleted", "skipped"]
    assert rest.json("GET", "/rest/v1/opportunities/describe.json")["result"][0]["dedupeFields"] == [
        "externalOpportunityId"
    ]


def test_opportunity_roles_by_compound_key(mktows_emulator):
    rest = Rest(mktows_emulator)
    synced = rest.json(
        "POST",
        "/rest/v1/opportunities/roles.json",
        json={
            "input": [
                {
                    "externalOpportunityId": "Opportunity_4",
                    "leadId": 2,
                    "role": "Champion",
                    "isPrimary": True,
                },
                {"externalOpportunityId": "Opportunity_4", "leadId": 999999, "role": "X"},
            ]
        },
    )
    assert [r["status"] for r in synced["result"]] == ["created", "skipped"]
    assert synced["result"][1]["reasons"][0]["code"] == "1004"
    got = rest.json(
        "POST",
        "/rest/v1/opportunities/roles.json?_method=GET",
        json={
            "filterType": "dedupeFields",
            "fields": ["leadId", "role", "isPrimary", "externalOpportunityId"],
            "input": [{"externalOpportunityId": "Opportunity_4", "leadId": 2, "role": "Champion"}],
        },
    )
    assert [(r["leadId"], r["role"], r["isPrimary"], r["externalOpportunityId"]) for r in got["result"]] == [
        (2, "Champion", True, "Opportunity_4")
    ]
    by_lead = rest.json(
        "GET", "/rest/v1/opportunities/roles.json", params={"filterType": "leadId", "filterValues": "6"}
    )
    assert len(by_lead["result"]) == 1  # the seeded Buyer role
    assert (
        rest.json(
            "POST",
            "/rest/v1/opportunities/roles/delete.json",
            json={"input": [{"externalOpportunityId": "Opportunity_4", "leadId": 2, "role": "Champion"}]},
        )["result"][0]["status"]
        == "deleted"
    )


def test_programs_costs_tags_channels_tag_types(mktows_emulator):
    rest = Rest(mktows_emulator)
    [program] = rest.json("GET", "/rest/asset/v1/program/byName.json", params={"name": "Big Launch Webinar"})[
        "result"
    ]
    assert program["id"] == 1006 and program["channel"] == "Webinar"
    assert [c["cost"] for c in program["costs"]] == [3000, 1000]
    updated = rest.json(
        "POST",
        "/rest/asset/v1/program/1006.json",
        data={
            "costs": '[{"startDate": "2011-08-01", "cost": 500, "note": "Venue"}]',
            "tags": '[{"tagType": "Presenter", "tagValue": "Liz"}]',
        },
    )
    assert [c["cost"] for c in updated["result"][0]["costs"]] == [3000, 1000, 500]
    assert {"tagType": "Presenter", "tagValue": "Liz"} in updated["result"][0]["tags"]
    stored = next(p for p in mktows_emulator.state.mobjects("Program") if p["id"] == 1006)
    assert stored["details"]["tags"]["Presenter"] == "Liz"
    bad = rest.json(
        "POST", "/rest/asset/v1/program/1006.json", data={"tags": '[{"tagType": "Nope", "tagValue": "x"}]'}
    )
    assert bad["errors"][0]["code"] == "709"
    replaced = rest.json(
        "POST",
        "/rest/asset/v1/program/1006.json",
        data={"costsDestructiveUpdate": "true", "costs": '[{"startDate": "2011-09-01", "cost": 1}]'},
    )
    assert [c["cost"] for c in replaced["result"][0]["costs"]] == [1]
    names = [
        c["name"]
        for c in rest.json("GET", "/rest/asset/v1/channels.json", params={"maxReturn": 200})["result"]
    ]
    assert "Webinar" in names
    webinar = rest.json("GET", "/rest/asset/v1/channel/byName.json", params={"name": "Webinar"})["result"][0]
    assert {s["name"] for s in webinar["progressionStatuses"]} >= {"Attended", "Registered"}
    types = [t["tagType"] for t in rest.json("GET", "/rest/asset/v1/tagTypes.json")["result"]]
    assert "Presenter" in types
    presenter = rest.json("GET", "/rest/asset/v1/tagType/byName.json", params={"name": "Presenter"})[
        "result"
    ][0]
    assert presenter["allowableValues"] == "[Dana, John, Krishna, Liz, Paul]"  # tags.md's "[a, b]" form


def test_bulk_lead_import_status_and_failures(mktows_emulator):
    rest = Rest(mktows_emulator)
    csv_text = "firstName,lastName,email,leadScore\nAble,Baker,ablebaker@marketo.com,5\nCharlie,Dog,charliedog@marketo.com,lots\n"
    created = rest.json(
        "POST",
        "/bulk/v1/leads.json",
        files={"file": ("leads.csv", csv_text, "text/csv")},
        data={"format": "csv", "listId": "1001"},
    )
    [batch] = created["result"]
    assert batch["status"] == "Queued"
    status = rest.json("GET", f"/bulk/v1/leads/batch/{batch['batchId']}.json")["result"][0]
    assert (status["status"], status["numOfLeadsProcessed"], status["numOfRowsFailed"]) == ("Complete", 1, 1)
    failures = rest.call("GET", f"/bulk/v1/leads/batch/{batch['batchId']}/failures.json")
    assert failures.headers["Content-Type"].startswith("text/csv")
    lines = failures.text.strip().splitlines()
    assert lines[0] == "firstName,lastName,email,leadScore,Import Failure Reason"
    assert lines[1].startswith("Charlie,Dog,charliedog@marketo.com,lots,1003")
    able = next(lead for lead in mktows_emulator.state.leads() if lead["email"] == "ablebaker@marketo.com")
    assert able["id"] in mktows_emulator.state.list_members("Trav-Test-List")
    assert rest.json("GET", "/bulk/v1/leads/batch/999999.json")["errors"][0]["code"] == "1013"
    bad = rest.json("POST", "/bulk/v1/leads.json", files={"file": ("x.csv", "nope\n1\n", "text/csv")})
    assert bad["errors"][0]["code"] == "1006"


def test_schedule_clones_the_program_and_runs_five_minutes_later_by_default(mktows_emulator):
    rest = Rest(mktows_emulator)
    cloned = rest.json(
        "POST", "/rest/v1/campaigns/4501/schedule.json", json={"input": {"cloneToProgramName": "Trav Copy"}}
    )
    assert cloned["success"] is True
    assert any(p["attributes"].get("Name") == "Trav Copy" for p in mktows_emulator.state.mobjects("Program"))
    [copy] = rest.json("GET", "/rest/v1/campaigns.json", params={"programName": "Trav Copy"})["result"]
    assert copy["name"] == "Batch Campaign Example" and copy["id"] == cloned["result"][0]["id"] != 4501
    again = rest.json(
        "POST", "/rest/v1/campaigns/4501/schedule.json", json={"input": {"cloneToProgram": "Trav Copy"}}
    )
    assert again["errors"][0]["code"] == "1003"
    runs = [r for r in mktows_emulator.state.campaign_runs() if r["kind"] == "schedule"]
    assert runs[-1]["run_at"] - runs[-1]["created_at"] == 5 * 60 * 1_000_000
