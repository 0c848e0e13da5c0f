"""The SDK's REST transport (``mktows.rest``) against the emulator's REST face: the two sides of the REST wire
were written apart (the face's own tests use plain requests), so these tests are where they meet."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mktows import Limits, RetryPolicy
from mktows.emulator import EmulatorConfig
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest import RestClient, iter_records

ROADSHOW = "/rest/v1/customobjects/RoadShow.json"


@pytest.fixture
def rest(mktows_emulator: EmulatorHandle) -> Iterator[RestClient]:
    client = RestClient(
        mktows_emulator.rest_endpoint,
        mktows_emulator.client_id,
        mktows_emulator.client_secret,
        identity_endpoint=mktows_emulator.identity_endpoint,
        limits=Limits(calls=None, concurrency=None),
    )
    yield client
    client.close()


def test_objects_written_over_soap_read_back_over_rest_and_the_other_way(
    mktows_emulator: EmulatorHandle, rest: RestClient
) -> None:
    soap = mktows_emulator.client()
    soap.sync_custom_objects(
        "RoadShow", [{"keys": {"MKTOID": "7001", "rid": "soap"}, "attributes": {"city": "Oslo"}}]
    )
    page = rest.get(ROADSHOW, {"filterType": "MKTOID", "filterValues": "7001", "fields": "rid,city"})
    assert [(o["rid"], o["city"]) for o in page.result] == [("soap", "Oslo")]

    written = rest.post(
        ROADSHOW,
        json={
            "action": "createOrUpdate",
            "dedupeBy": "dedupeFields",
            "input": [{"MKTOID": 7001, "rid": "rest", "city": "Bergen"}],
        },
    )
    assert [r["status"] for r in written.result] == ["created"]
    cities = {
        next(a.attr_value for a in o.custom_obj_key_list.attribute if a.attr_name == "rid"): next(
            a.attr_value for a in o.custom_obj_attribute_list.attribute if a.attr_name == "city"
        )
        for o in soap.get_custom_objects("RoadShow", keys={"MKTOID": "7001"})
    }
    assert cities == {"soap": "Oslo", "rest": "Bergen"}


def test_paging_tokens_walk_every_record_once(mktows_emulator: EmulatorHandle, rest: RestClient) -> None:
    total = 7
    inputs = [{"MKTOID": 7100, "rid": f"p{n}", "city": "Paged"} for n in range(total)]
    rest.post(ROADSHOW, json={"action": "createOnly", "dedupeBy": "dedupeFields", "input": inputs})
    records = list(
        iter_records(rest, ROADSHOW, {"filterType": "MKTOID", "filterValues": "7100", "batchSize": 3})
    )
    assert sorted(r["rid"] for r in records) == [f"p{n}" for n in range(total)]  # each once, none lost
    pages = sum(1 for call in mktows_emulator.calls if "customobjects" in call.operation.lower())
    assert pages >= 3  # 3 + 3 + 1 records: the token really was followed


@pytest.mark.parametrize(
    "mktows_emulator_config",
    [EmulatorConfig.from_mapping({"rest": {"token_lifetime": 1.0}})],
    ids=["1s-tokens"],
)
def test_a_token_that_expires_is_renewed_without_failing_a_call(
    mktows_emulator: EmulatorHandle, rest: RestClient
) -> None:
    first = rest.get("/rest/v1/leads/describe.json")
    time.sleep(1.5)  # the emulator's tokens live 1 s here
    second = rest.get("/rest/v1/leads/describe.json")
    assert first.result and second.result == first.result


@pytest.mark.mktows_emulator(limits={"rate_calls": 3, "rate_window": 2.0})
def test_rest_and_soap_share_the_instance_limits_and_a_606_waits_for_the_window(
    mktows_emulator: EmulatorHandle,
) -> None:
    soap = mktows_emulator.client(limits=Limits(calls=None, concurrency=None))
    client = RestClient(
        mktows_emulator.rest_endpoint,
        mktows_emulator.client_id,
        mktows_emulator.client_secret,
        limits=Limits(calls=None, period=2.0, concurrency=None),  # window as the service's; no own counting
        retry=RetryPolicy(max_throttle_wait=30.0),
    )
    for _ in range(3):  # SOAP fills the instance's window
        next(iter(soap.get_custom_objects("RoadShow", keys={"MKTOID": "1090177"})))
    started = time.monotonic()
    page = client.get(ROADSHOW, {"filterType": "MKTOID", "filterValues": "1090177"})
    waited = time.monotonic() - started
    client.close()
    assert page.result  # answered once the window had cleared, not failed
    assert [c.fault_code for c in mktows_emulator.calls][-2:] == [606, None]  # refused, then answered
    assert 1.0 <= waited <= 30.0  # it waited for the window (generous bounds: a loaded machine)
