"""The REST face against the documented exchanges (../shared/marketo-docs/rest/examples/index.json): each
page's request, replayed with this emulator's data in place of the docs' instance (ids, names), answers with
the documented shape: the same ``success``, the documented top-level members, the documented members of the
records (apart from the fields of the docs' own instance) and, where the docs show per-record statuses, the
same statuses and reason codes in the same order.

Documented exchanges the face does not serve (custom object schema management, forms, exports...) and the
entries whose "response" is not a response (index.json pairs by position: opportunity-roles.md:117 and
lead-database.md:241 pair a request with its own body) are not replayed; the list below is every served one
with a well-formed documented response."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import DOCS_DIR
from tests.rest_support import Rest, identity
from tests.rest_swagger import REST_MISSING, REST_REASON

pytestmark = [pytest.mark.shared, pytest.mark.skipif(REST_MISSING, reason=REST_REASON)]

INDEX = DOCS_DIR / "rest" / "examples" / "index.json"

# Members of a documented record that belong to the record kind, not to the docs' instance (its lead fields,
# its custom object's fields): these must be in the emulator's record too.
STRUCTURAL = frozenset(
    {
        "seq", "id", "marketoGUID", "status", "reasons", "batchId", "importId", "numOfLeadsProcessed",
        "numOfRowsFailed", "numOfRowsWithWarning", "message", "name", "displayName", "pluralName", "idField",
        "dedupeFields", "searchableFields", "fields", "createdAt", "updatedAt", "activityTypeId", "leadId",
        "activityDate", "attributes", "tagType", "applicableProgramTypes", "required", "allowableValues",
        "applicableProgramType", "progressionStatuses", "type", "channel", "costs", "tags", "folder",
        "workspace", "isActive", "isRequestable", "isSystem", "recurrence", "smartListId", "flowId",
        "qualificationRuleType", "isCommunicationLimitEnabled", "description", "relationships",
        "access_token", "token_type", "expires_in", "scope",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Replay:
    """How to replay one documented exchange here: preparatory calls, then the request."""

    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)
    before: tuple[tuple[str, str, dict[str, Any]], ...] = ()
    statuses: bool = False  # compare per-record statuses and reason codes


ROLE = {"externalOpportunityId": "Opportunity_4", "leadId": 6, "role": "Buyer"}
NEW_LEADS = [{"email": f"docs{n}@example.com", "firstName": f"Docs{n}"} for n in range(3)]
CSV = "firstName,lastName,email,company\nAble,Baker,ablebaker@marketo.com,Marketo\nCharlie,Dog,charliedog@marketo.com,Marketo\n"
CHANGE = (
    "POST",
    "/rest/v1/leads.json",
    {"json": {"action": "updateOnly", "lookupField": "id", "input": [{"id": 4001, "firstName": "Changed"}]}},
)

REPLAYS: dict[tuple[str, int], Replay] = {
    ("activities.md", 167): Replay("GET", "/rest/v1/activities/leadchanges.json", {"params": {"fields": "firstName,lastName", "nextPageToken": "{token}", "leadIds": "4001", "batchSize": 1}}, (CHANGE,)),
    ("authentication.md", 32): Replay("GET", "/identity/oauth/token"),
    ("bulk-import.md", 114): Replay("GET", "/bulk/v1/leads/batch/{batch}.json"),
    ("bulk-lead-import.md", 122): Replay("GET", "/bulk/v1/leads/batch/{batch}.json"),
    ("channels.md", 28): Replay("GET", "/rest/asset/v1/channels.json", {"params": {"offset": 3}}),
    ("channels.md", 126): Replay("GET", "/rest/asset/v1/channel/byName.json", {"params": {"name": "Webinar"}}),
    ("custom-objects.md", 41): Replay("GET", "/rest/v1/customobjects.json"),
    ("custom-objects.md", 91): Replay("GET", "/rest/v1/customobjects/RoadShow/describe.json"),
    ("custom-objects.md", 233): Replay(
        "POST", "/rest/v1/customobjects/RoadShow.json?_method=GET",
        {"json": {"filterType": "dedupeFields", "fields": ["city", "zip"], "input": [{"MKTOID": 1090177, "rid": r} for r in ("rid0", "rid1", "rid2")]}},
    ),
    ("lead-database.md", 63): Replay("GET", "/rest/v1/opportunities/roles/describe.json"),
    ("lead-database.md", 177): Replay("GET", "/rest/v1/opportunities.json", {"params": {"filterType": "idField", "filterValues": "{opportunity_guids}", "fields": "name,description,amount"}}),
    ("lead-database.md", 296): Replay(
        "POST", "/rest/v1/opportunities.json",
        {"json": {"action": "createOrUpdate", "dedupeBy": "dedupeFields", "input": [{"externalOpportunityId": "Opportunity_4", "name": "Renamed"}, {"externalOpportunityId": "Opportunity_new", "name": "New"}]}},
        statuses=True,
    ),
    ("leads.md", 124): Replay("GET", "/rest/v1/leads.json", {"params": {"filterType": "id", "filterValues": "2,15"}}),
    ("leads.md", 189): Replay("POST", "/rest/v1/leads.json", {"json": {"action": "createOnly", "lookupField": "email", "input": NEW_LEADS}}, statuses=True),
    ("leads.md", 829): Replay("POST", "/rest/v1/leads/2/merge.json", {"params": {"leadId": "15"}}),
    ("leads.md", 854): Replay("POST", "/rest/v1/leads/2/associate.json", {"params": {"cookie": "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169"}}),
    ("list-membership.md", 33): Replay("POST", "/rest/v1/lists/1001/leads.json", {"params": {"id": ["2", "999999"]}}, statuses=True),
    ("list-membership.md", 66): Replay(
        "DELETE", "/rest/v1/lists/1001/leads.json", {"params": {"id": ["2", "1089946", "999999"]}},
        (("POST", "/rest/v1/lists/1001/leads.json", {"params": {"id": "2"}}),), statuses=True,
    ),
    ("list-membership.md", 109): Replay(
        "GET", "/rest/v1/lists/1001/leads.json", {"params": {"batchSize": 3}},
        (("POST", "/rest/v1/lists/1001/leads.json", {"params": {"id": ["2", "15", "16"]}}),),
    ),
    ("list-membership.md", 153): Replay("GET", "/rest/v1/lists/1001/leads/ismember.json", {"params": {"id": ["1089946", "2", "999999"]}}, statuses=True),
    ("opportunities.md", 34): Replay("GET", "/rest/v1/opportunities/describe.json"),
    ("opportunities.md", 105): Replay("GET", "/rest/v1/opportunities.json", {"params": {"filterType": "marketoGUID", "filterValues": "{opportunity_guids}", "fields": "name,description,amount"}}),
    ("opportunities.md", 158): Replay(
        "POST", "/rest/v1/opportunities.json",
        {"json": {"action": "createOrUpdate", "dedupeBy": "dedupeFields", "input": [{"externalOpportunityId": "Opportunity_4", "name": "Renamed"}, {"externalOpportunityId": "Opportunity_new", "name": "New"}]}},
        statuses=True,
    ),
    ("opportunities.md", 339): Replay(
        "POST", "/rest/v1/opportunities/delete.json",
        {"json": {"deleteBy": "dedupeFields", "input": [{"externalOpportunityId": "Opportunity_4"}, {"externalOpportunityId": "Opportunity_new"}]}},
        (("POST", "/rest/v1/opportunities.json", {"json": {"input": [{"externalOpportunityId": "Opportunity_new"}]}}),),
        statuses=True,
    ),
    ("opportunity-roles.md", 29): Replay("GET", "/rest/v1/opportunities/roles/describe.json"),
    ("opportunity-roles.md", 157): Replay(
        "POST", "/rest/v1/opportunities/roles.json",
        {"json": {"action": "createOrUpdate", "input": [{**ROLE, "isPrimary": False}, {**ROLE, "role": "Champion"}]}},
        statuses=True,
    ),
    ("programs.md", 58): Replay("GET", "/rest/asset/v1/program/1006.json"),
    ("programs.md", 102): Replay("GET", "/rest/asset/v1/program/byName.json", {"params": {"name": "Big Launch Webinar", "includeTags": "true"}}),
    ("programs.md", 152): Replay("GET", "/rest/asset/v1/programs.json", {"params": {"maxReturn": 2}}),
    ("programs.md", 207): Replay("GET", "/rest/asset/v1/programs.json", {"params": {"maxReturn": 4}}),
    ("smart-campaigns.md", 40): Replay("GET", "/rest/asset/v1/smartCampaign/4501.json"),
    ("smart-campaigns.md", 82): Replay("GET", "/rest/asset/v1/smartCampaign/byName.json", {"params": {"name": "Send Welcome Email"}}),
    ("smart-campaigns.md", 138): Replay("GET", "/rest/asset/v1/smartCampaigns.json", {"params": {"maxReturn": 2}}),
    ("smart-campaigns.md", 395): Replay("POST", "/rest/v1/campaigns/4501/schedule.json", {"json": {"input": {"runAt": "2030-03-28T18:05:00+0000", "tokens": [{"name": "{{my.message}}", "value": "Updated message"}]}}}),
    ("smart-campaigns.md", 444): Replay("POST", "/rest/v1/campaigns/4496/trigger.json", {"json": {"input": {"leads": [{"id": 2}], "tokens": [{"name": "{{my.message}}", "value": "Updated message"}]}}}),
    ("tags.md", 32): Replay("GET", "/rest/asset/v1/tagTypes.json", {"params": {"maxReturn": 3}}),
    ("tags.md", 64): Replay("GET", "/rest/asset/v1/tagType/byName.json", {"params": {"name": "Presenter"}}),
}  # fmt: skip


def _documented() -> dict[tuple[str, int], dict[str, Any]]:
    if REST_MISSING or not INDEX.is_file():
        return {}
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    return {(e["page"].rsplit("/", 1)[1], int(e["line"])): e for e in entries}


DOCUMENTED = _documented()


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in names.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _placeholders(rest: Rest) -> dict[str, str]:
    token = rest.json(
        "GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": "2000-01-01T00:00:00Z"}
    )
    batch = rest.json("POST", "/bulk/v1/leads.json", files={"file": ("leads.csv", CSV, "text/csv")})[
        "result"
    ][0]
    found = rest.json(
        "GET",
        "/rest/v1/opportunities.json",
        params={"filterType": "externalOpportunityId", "filterValues": "Opportunity_4"},
    )
    created = rest.json(
        "POST", "/rest/v1/opportunities.json", json={"input": [{"externalOpportunityId": "Opportunity_5"}]}
    )
    guids = [found["result"][0]["marketoGUID"], created["result"][0]["marketoGUID"]]
    return {
        "token": token["nextPageToken"],
        "batch": str(batch["batchId"]),
        "opportunity_guids": ",".join(guids),
    }


def test_every_served_documented_exchange_is_replayed():
    if not DOCUMENTED:
        pytest.skip(REST_REASON)
    missing = [key for key in REPLAYS if key not in DOCUMENTED]
    assert not missing, f"no such documented exchange: {missing}"


@pytest.mark.parametrize("key", sorted(REPLAYS), ids=lambda key: f"{key[0]}:{key[1]}")
def test_documented_exchange_has_the_documented_shape(mktows_emulator, key):
    documented = DOCUMENTED.get(key)
    if documented is None:
        pytest.skip(REST_REASON)
    expected = documented["response"]
    assert documented["response_well_formed"] and isinstance(expected, dict)
    replay = REPLAYS[key]
    rest = Rest(mktows_emulator)
    names = _placeholders(rest)
    for method, path, options in replay.before:
        assert rest.json(method, path, **options)["success"] is True
    options = _fill(replay.options, names)
    if replay.path.startswith("/identity/"):
        answer = identity(mktows_emulator)
        assert answer.status_code == 200
        got = answer.json()
    else:
        got = rest.json(replay.method, _fill(replay.path, names), **options)
    assert got.get("success") == expected.get("success"), got
    assert set(expected) <= set(got), f"documented members missing: {set(expected) - set(got)}"
    documented_records = expected.get("result") or []
    records = got.get("result") or []
    assert len(records) == len(documented_records), (records, documented_records)
    for ours, theirs in zip(records, documented_records, strict=True):
        wanted = set(theirs) & STRUCTURAL
        assert wanted <= set(ours), f"record members missing: {wanted - set(ours)}"
    if replay.statuses:
        assert [r.get("status") for r in records] == [r.get("status") for r in documented_records]
        codes = [[x["code"] for x in r.get("reasons", [])] for r in records]
        assert codes == [[x["code"] for x in r.get("reasons", [])] for r in documented_records]
