"""Every answer the REST face sends validates against Marketo's Swagger definitions: a tour calls every
endpoint the face serves (successes, per-record failures and whole-request failures) and validates each
answer with a JSON Schema validator built from the definitions (``tests.rest_swagger``)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from mktows.emulator.rest.routes import ROUTES
from tests.rest_support import Rest, identity
from tests.rest_swagger import FILE_SCHEMAS, REST_MISSING, REST_REASON, SwaggerCatalog

pytestmark = [pytest.mark.shared, pytest.mark.skipif(REST_MISSING, reason=REST_REASON)]

CO = "/rest/v1/customobjects/RoadShow"
KEY = {"MKTOID": 1090177, "rid": "rid1"}


def _tour(rest: Rest) -> None:
    """At least one call of every served endpoint, with failures of each kind mixed in."""
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/rest/v1/customobjects.json", {}),
        ("GET", f"{CO}/describe.json", {}),
        ("GET", "/rest/v1/customobjects/Nope/describe.json", {}),
        (
            "POST",
            f"{CO}.json",
            {"json": {"input": [{"MKTOID": 5, "rid": "t", "city": "A"}, {"MKTOID": 5, "bad": 1}]}},
        ),
        ("POST", f"{CO}.json", {"json": {"input": [{"MKTOID": n, "rid": "x"} for n in range(301)]}}),
        (
            "GET",
            f"{CO}.json",
            {
                "params": {
                    "filterType": "MKTOID",
                    "filterValues": "1090177",
                    "batchSize": 2,
                    "fields": "city,zip",
                }
            },
        ),
        ("POST", f"{CO}.json?_method=GET", {"json": {"filterType": "dedupeFields", "input": [KEY]}}),
        ("GET", f"{CO}.json", {"params": {"filterType": "nope", "filterValues": "1"}}),
        (
            "POST",
            f"{CO}/delete.json",
            {"json": {"input": [{"MKTOID": 5, "rid": "t"}, {"MKTOID": 6, "rid": "none"}]}},
        ),
        ("GET", "/rest/v1/lead/2.json", {}),
        ("GET", "/rest/v1/lead/424242.json", {}),
        (
            "GET",
            "/rest/v1/leads.json",
            {
                "params": {
                    "filterType": "email",
                    "filterValues": "t@t.com",
                    "fields": "email,leadScore,unsubscribed",
                }
            },
        ),
        ("GET", "/rest/v1/leads.json", {"params": {"filterType": "nope", "filterValues": "1"}}),
        (
            "POST",
            "/rest/v1/leads.json",
            {
                "json": {
                    "input": [{"email": "s@x.com", "leadScore": 3}, {"email": "t@t.com", "leadScore": "x"}]
                }
            },
        ),
        ("GET", "/rest/v1/leads/describe.json", {}),
        ("POST", "/rest/v1/leads/2/merge.json", {"params": {"leadId": "15"}}),
        ("POST", "/rest/v1/leads/2/merge.json", {"params": {"leadId": "424242"}}),
        ("POST", "/rest/v1/leads/2/associate.json", {"params": {"cookie": "id:287-GTJ-838&token:_mch-x"}}),
        ("GET", "/rest/v1/lists.json", {"params": {"name": "Trav-Test-List"}}),
        ("GET", "/rest/v1/lists/1001.json", {}),
        ("GET", "/rest/v1/lists/9.json", {}),
        ("GET", "/rest/v1/lists/1001/leads.json", {"params": {"batchSize": 1}}),
        ("POST", "/rest/v1/lists/1001/leads.json", {"params": {"id": ["2", "424242"]}}),
        ("GET", "/rest/v1/lists/1001/leads/ismember.json", {"params": {"id": ["2", "4001", "424242"]}}),
        ("DELETE", "/rest/v1/lists/1001/leads.json", {"params": {"id": ["2", "4001"]}}),
        ("GET", "/rest/v1/campaigns.json", {}),
        ("GET", "/rest/v1/campaigns/4496.json", {}),
        ("POST", "/rest/v1/campaigns/4496/trigger.json", {"json": {"input": {"leads": [{"id": 2}]}}}),
        ("POST", "/rest/v1/campaigns/4501/trigger.json", {"json": {"input": {"leads": [{"id": 2}]}}}),
        (
            "POST",
            "/rest/v1/campaigns/4501/schedule.json",
            {"json": {"input": {"runAt": "2030-01-01T00:00:00Z"}}},
        ),
        ("GET", "/rest/asset/v1/smartCampaigns.json", {"params": {"maxReturn": 200}}),
        ("GET", "/rest/asset/v1/smartCampaign/4496.json", {}),
        ("GET", "/rest/asset/v1/smartCampaign/byName.json", {"params": {"name": "Send Welcome Email"}}),
        ("GET", "/rest/asset/v1/smartCampaign/byName.json", {"params": {"name": "none"}}),
        ("GET", "/rest/v1/activities/types.json", {}),
        (
            "GET",
            "/rest/v1/activities/pagingtoken.json",
            {"params": {"sinceDatetime": "2013-01-01T00:00:00Z"}},
        ),
        ("GET", "/rest/v1/activities/pagingtoken.json", {"params": {"sinceDatetime": "yesterday"}}),
        (
            "POST",
            "/rest/v1/opportunities.json",
            {
                "json": {
                    "input": [
                        {"externalOpportunityId": "O1", "name": "One", "amount": 5},
                        {"externalOpportunityId": "O2", "x": 1},
                    ]
                }
            },
        ),
        (
            "GET",
            "/rest/v1/opportunities.json",
            {
                "params": {
                    "filterType": "externalOpportunityId",
                    "filterValues": "O1,Opportunity_4",
                    "fields": "name,amount,isWon",
                }
            },
        ),
        (
            "POST",
            "/rest/v1/opportunities/delete.json",
            {"json": {"input": [{"externalOpportunityId": "O1"}, {"externalOpportunityId": "O9"}]}},
        ),
        ("GET", "/rest/v1/opportunities/describe.json", {}),
        (
            "POST",
            "/rest/v1/opportunities/roles.json",
            {
                "json": {
                    "input": [{"externalOpportunityId": "Opportunity_4", "leadId": 2, "role": "Champion"}]
                }
            },
        ),
        (
            "GET",
            "/rest/v1/opportunities/roles.json",
            {"params": {"filterType": "leadId", "filterValues": "2,6", "fields": "role,isPrimary"}},
        ),
        (
            "POST",
            "/rest/v1/opportunities/roles.json?_method=GET",
            {
                "json": {
                    "filterType": "dedupeFields",
                    "input": [{"externalOpportunityId": "Opportunity_4", "leadId": 2, "role": "Champion"}],
                }
            },
        ),
        (
            "POST",
            "/rest/v1/opportunities/roles/delete.json",
            {
                "json": {
                    "input": [{"externalOpportunityId": "Opportunity_4", "leadId": 2, "role": "Champion"}]
                }
            },
        ),
        ("GET", "/rest/v1/opportunities/roles/describe.json", {}),
        ("GET", "/rest/asset/v1/programs.json", {"params": {"maxReturn": 200}}),
        ("GET", "/rest/asset/v1/program/1006.json", {}),
        ("GET", "/rest/asset/v1/program/byName.json", {"params": {"name": "Trav-Demo-Program"}}),
        (
            "POST",
            "/rest/asset/v1/program/1006.json",
            {"data": {"costs": '[{"startDate": "2011-08-01", "cost": 9}]'}},
        ),
        (
            "POST",
            "/rest/asset/v1/program/1006.json",
            {"data": {"tags": '[{"tagType": "Nope", "tagValue": "x"}]'}},
        ),
        ("GET", "/rest/asset/v1/channels.json", {}),
        ("GET", "/rest/asset/v1/channel/byName.json", {"params": {"name": "Webinar"}}),
        ("GET", "/rest/asset/v1/tagTypes.json", {}),
        ("GET", "/rest/asset/v1/tagType/byName.json", {"params": {"name": "Presenter"}}),
        ("GET", "/rest/v1/nothing.json", {}),
    ]
    for method, path, options in calls:
        rest.call(method, path, **options)
    token = rest.json(
        "GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": "2013-01-01T00:00:00Z"}
    )
    after = token["nextPageToken"]
    rest.call(
        "GET",
        "/rest/v1/activities.json",
        params={"nextPageToken": after, "activityTypeIds": "1,12,13", "batchSize": 2},
    )
    rest.call(
        "GET",
        "/rest/v1/activities/leadchanges.json",
        params={"nextPageToken": after, "fields": "leadScore,email"},
    )
    rest.call("GET", "/rest/v1/activities.json", params={"nextPageToken": "bogus", "activityTypeIds": "1"})
    batch = rest.json(
        "POST",
        "/bulk/v1/leads.json",
        files={"file": ("l.csv", "email,leadScore\na@x.com,1\nb@x.com,no\n", "text/csv")},
    )["result"][0]["batchId"]
    for suffix in ("", "/failures", "/warnings"):
        rest.call("GET", f"/bulk/v1/leads/batch/{batch}{suffix}.json")


def test_every_answer_of_every_endpoint_validates_against_the_swagger_definitions(mktows_emulator):
    catalog = SwaggerCatalog()
    rest = Rest(mktows_emulator)
    _tour(rest)
    issued = identity(mktows_emulator)
    answers = [*rest.answers, ("GET", "/identity/oauth/token", issued)]
    problems: list[str] = []
    reached: set[str] = set()
    failures = 0
    for method, path, answer in answers:
        assert answer.status_code == 200, f"{method} {path}: HTTP {answer.status_code}"
        try:
            op = catalog.operation("GET" if "_method=GET" in answer.request.url else method, path)
        except LookupError:
            assert (
                path == "/rest/v1/nothing.json"
            )  # the 610 probe reaches no operation; its envelope is checked below
            assert answer.json()["errors"][0]["code"] == "610"
            continue
        reached.add(op.operation_id)
        if op.schema_name in FILE_SCHEMAS:
            assert answer.headers["Content-Type"].startswith("text/csv"), f"{method} {path}"
            continue
        body = answer.json()
        failures += body.get("success") is False
        problems += [f"{method} {path} ({op.operation_id}): {e}" for e in catalog.errors(op, body)]
    assert not problems, "\n".join(sorted(set(re.sub(r"/\d+/", "/N/", p) for p in problems)))
    served = {route.operation_id for route in ROUTES}
    assert served <= reached, f"endpoints the tour missed: {sorted(served - reached)}"
    assert failures >= 10  # whole-request failures were validated too, not only successes


def test_a_rest_failure_validates_against_the_envelope_of_its_operation(mktows_emulator):
    """A 6xx answer (no token) still carries the members the definitions make required."""
    catalog = SwaggerCatalog()
    answer = requests.get(f"{mktows_emulator.rest_endpoint}/v1/leads/describe.json", timeout=10)
    body = answer.json()
    assert body["errors"][0]["code"] == "601"
    assert catalog.errors(catalog.operation("GET", "/rest/v1/leads/describe.json"), body) == []
    json.dumps(body)  # plain JSON
