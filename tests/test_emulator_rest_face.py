"""The emulator's REST face: identity tokens, the bearer check, the envelope, limits shared with SOAP, the
body cap, fault injection."""

from __future__ import annotations

import time

import pytest
import requests

from tests.rest_support import Rest, identity, token


def test_token_by_get_and_post_is_the_same_live_token(mktows_emulator):
    first = identity(mktows_emulator)
    second = identity(mktows_emulator, "POST")
    assert first.status_code == second.status_code == 200
    assert first.json()["access_token"] == second.json()["access_token"]
    assert first.json()["token_type"] == "bearer"
    assert 0 < first.json()["expires_in"] <= 3600


def test_bad_client_credentials_get_no_token_and_the_secret_is_not_echoed(mktows_emulator):
    answer = identity(mktows_emulator, client_secret="wrong-secret-value")
    assert answer.status_code == 401
    assert "access_token" not in answer.json()
    assert "wrong-secret-value" not in answer.text


def test_calls_without_a_valid_token_fail_with_601(mktows_emulator):
    url = f"{mktows_emulator.rest_endpoint}/v1/leads/describe.json"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        data = requests.get(url, headers=headers, timeout=10).json()
        assert data["success"] is False
        assert data["errors"][0]["code"] == "601"


def test_the_removed_access_token_query_parameter_is_refused(mktows_emulator):
    value = token(mktows_emulator)
    url = f"{mktows_emulator.rest_endpoint}/v1/leads/describe.json"
    data = requests.get(url, params={"access_token": value}, timeout=10).json()
    assert data["errors"][0]["code"] == "601"
    assert "Authorization: Bearer" in data["errors"][0]["message"]


def test_unknown_resource_is_610_and_wrong_method_605(mktows_emulator):
    rest = Rest(mktows_emulator)
    assert rest.json("GET", "/rest/v1/nothing.json")["errors"][0]["code"] == "610"
    assert rest.json("DELETE", "/rest/v1/leads/describe.json")["errors"][0]["code"] == "605"


def test_more_than_300_records_is_1003(mktows_emulator):
    rest = Rest(mktows_emulator)
    records = [{"MKTOID": n, "rid": "r"} for n in range(301)]
    data = rest.json("POST", "/rest/v1/customobjects/RoadShow.json", json={"input": records})
    assert data["success"] is False and data["errors"][0]["code"] == "1003"
    assert len(mktows_emulator.state.custom_objects("RoadShow")) == 6  # nothing written


def test_a_body_over_1_mb_is_413(mktows_emulator):
    rest = Rest(mktows_emulator)
    answer = rest.call(
        "POST",
        "/rest/v1/leads.json",
        data=b"{" + b" " * (1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_bad_json_is_609(mktows_emulator):
    rest = Rest(mktows_emulator)
    data = rest.json(
        "POST", "/rest/v1/leads.json", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert data["errors"][0]["code"] == "609"


@pytest.mark.mktows_emulator(limits={"rate_calls": 4, "rate_window": 60.0})
def test_the_rate_limit_is_shared_by_soap_and_rest(mktows_emulator):
    from mktows.types import ParamsGetTags

    client = mktows_emulator.client()
    client.ops.get_tags(ParamsGetTags())
    client.ops.get_tags(ParamsGetTags())
    rest = Rest(mktows_emulator)
    assert rest.json("GET", "/rest/v1/leads/describe.json")["success"] is True
    assert rest.json("GET", "/rest/v1/leads/describe.json")["success"] is True
    throttled = rest.json("GET", "/rest/v1/leads/describe.json")
    assert throttled["errors"][0]["code"] == "606"


@pytest.mark.mktows_emulator(limits={"daily_quota": 1})
def test_the_daily_quota_is_607(mktows_emulator):
    rest = Rest(mktows_emulator)
    assert rest.json("GET", "/rest/v1/leads/describe.json")["success"] is True
    assert rest.json("GET", "/rest/v1/leads/describe.json")["errors"][0]["code"] == "607"


@pytest.mark.mktows_emulator(limits={"max_concurrent": 1})
def test_concurrency_beyond_the_limit_is_615(mktows_emulator):
    mktows_emulator.inject("describeUsingGET_2", "delay", seconds=1.5)
    rest, other = Rest(mktows_emulator), Rest(mktows_emulator)
    import threading

    slow = threading.Thread(target=rest.call, args=("GET", "/rest/v1/leads/describe.json"))
    slow.start()
    deadline = time.monotonic() + 5
    while mktows_emulator.emulator.app.limiter.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    data = other.json("GET", "/rest/v1/customobjects.json")
    slow.join()
    assert data["errors"][0]["code"] == "615"


def test_fault_injection_reaches_rest_calls(mktows_emulator):
    rest = Rest(mktows_emulator)
    mktows_emulator.inject("syncCustomObjectsUsingPOST", "fault", code=611)
    data = rest.json(
        "POST", "/rest/v1/customobjects/RoadShow.json", json={"input": [{"MKTOID": 9, "rid": "i"}]}
    )
    assert data["errors"][0]["code"] == "611"
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="9", rid="i") is None
    mktows_emulator.inject(None, "http", status=502)
    assert rest.call("GET", "/rest/v1/leads/describe.json").status_code == 502


def test_an_injected_rest_fault_is_in_the_call_log_with_its_rest_code(mktows_emulator):
    rest = Rest(mktows_emulator)
    mktows_emulator.inject("getListsUsingGET", "fault", code=20023)
    assert rest.json("GET", "/rest/v1/lists.json")["errors"][0]["code"] == "606"
    logged = [(c.operation, c.fault_code, c.injected) for c in mktows_emulator.calls]
    assert ("getListsUsingGET", 606, "fault") in logged


def test_injection_over_the_admin_path_names_a_rest_operation(mktows_emulator):
    answer = requests.post(
        f"{mktows_emulator.admin_url}inject",
        json={"kind": "fault", "operation": "getLeadsByFilterUsingGET", "code": 20023},
        headers={"Authorization": f"Bearer {mktows_emulator.admin_token}"},
        timeout=10,
    )
    assert answer.status_code == 200
    rest = Rest(mktows_emulator)
    data = rest.json("GET", "/rest/v1/leads.json", params={"filterType": "id", "filterValues": "2"})
    assert data["errors"][0]["code"] == "606"


def test_an_injected_drop_closes_a_rest_call_without_an_answer(mktows_emulator):
    rest = Rest(mktows_emulator)
    mktows_emulator.inject("getListsUsingGET", "drop")
    with pytest.raises(requests.ConnectionError):
        rest.call("GET", "/rest/v1/lists.json")
    assert rest.json("GET", "/rest/v1/lists.json")["success"] is True


def test_long_queries_travel_as_a_form_body_with_method_get(mktows_emulator):
    rest = Rest(mktows_emulator)
    data = rest.json(
        "POST",
        "/rest/v1/leads.json?_method=GET",
        data={"filterType": "id", "filterValues": "2,15", "fields": "email"},
    )
    assert [r["id"] for r in data["result"]] == [2, 15]


def test_non_numeric_ids_are_1001_not_every_record(mktows_emulator):
    rest = Rest(mktows_emulator)
    assert rest.json("GET", "/rest/v1/lists.json", params={"id": "abc"})["errors"][0]["code"] == "1001"
    assert rest.json("GET", "/rest/v1/campaigns.json", params={"id": "abc"})["errors"][0]["code"] == "1001"


def test_rest_calls_are_in_the_call_log_by_operation_id(mktows_emulator):
    rest = Rest(mktows_emulator)
    rest.json("GET", "/rest/v1/lists.json")
    rest.json("GET", "/rest/v1/lists/424242.json")
    logged = [(c.operation, c.fault_code) for c in mktows_emulator.calls]
    assert ("getListsUsingGET", None) in logged
    assert ("getListByIdUsingGET", 1013) in logged


@pytest.mark.mktows_emulator(limits={"daily_quota": 2, "rate_calls": 3, "rate_window": 60.0})
def test_response_level_errors_count_against_neither_quota_nor_rate(mktows_emulator):
    rest = Rest(mktows_emulator)
    for _ in range(4):  # 702 No data found: a response-level code (error-codes.md: "not counted")
        data = rest.json("GET", "/rest/asset/v1/smartCampaign/byName.json", params={"name": "none"})
        assert data["errors"][0]["code"] == "702"
    assert rest.json("GET", "/rest/v1/lists.json")["success"] is True
    # a record-level code (1013) fails the request but still counts
    assert rest.json("GET", "/rest/v1/lists/424242.json")["errors"][0]["code"] == "1013"
    assert rest.json("GET", "/rest/v1/lists.json")["errors"][0]["code"] == "607"
    assert mktows_emulator.emulator.app.limiter.calls_today() == 2
