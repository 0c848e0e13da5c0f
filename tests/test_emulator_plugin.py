"""The pytest plugin's ``mktows_emulator`` fixture (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from mktows import codec, operations
from mktows.errors import AccessDeniedError
from mktows.pytest_plugin import EmulatorHandle
from mktows.types import LeadKey, LeadKeyRef, ParamsGetLead, ParamsListMObjects
from tests.emulator_support import TIMEOUT, auth_header


def test_the_fixture_serves_and_shows_its_state(mktows_emulator: EmulatorHandle) -> None:
    assert mktows_emulator.endpoint.startswith("http://127.0.0.1:")
    assert mktows_emulator.user_id == "demo17_1_809934544BFABAE58E5D27"
    assert mktows_emulator.encryption_key == "27272727aa"
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="1090177", rid="rid1") is not None
    wsdl = requests.get(mktows_emulator.endpoint + "?WSDL", timeout=TIMEOUT)
    assert wsdl.status_code == 200
    assert f'location="{mktows_emulator.endpoint}"'.encode() in wsdl.content


def test_the_fixture_client_syncs_custom_objects(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    report = client.sync_custom_objects(
        "RoadShow",
        [
            {"keys": {"MKTOID": "31", "rid": "a"}, "attributes": {"city": "Lyon"}},
            {"keys": {"MKTOID": "1090177", "rid": "rid2"}, "attributes": {"city": "city2"}},
            {"keys": {"MKTOID": "31", "rid": "b"}, "attributes": {"planet": "Mars"}},
        ],
    )
    assert [r.status for r in report.results] == ["CREATED", "UNCHANGED", "FAILED"]
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="31", rid="a") == {
        "keys": {"MKTOID": "31", "rid": "a"},
        "attributes": {"city": "Lyon"},
    }
    assert [c.operation for c in mktows_emulator.calls] == ["syncCustomObjects"]


def test_the_fixture_injects_faults(mktows_emulator: EmulatorHandle) -> None:
    mktows_emulator.inject("getLead", "fault", code=20013)
    client = mktows_emulator.client()
    params = ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.IDNUM, key_value="2"))
    with pytest.raises(AccessDeniedError):
        client.ops.get_lead(params)
    assert client.ops.get_lead(params).count == 1


@pytest.mark.mktows_emulator(
    limits={"rate_calls": 2, "rate_window": 60.0}, settings={"freshness_check": False}
)
def test_the_marker_sets_limits_and_settings(mktows_emulator: EmulatorHandle) -> None:
    old = auth_header(
        mktows_emulator.user_id, mktows_emulator.encryption_key, datetime(2013, 8, 5, tzinfo=UTC)
    )
    envelope = operations.get("listMObjects").request(ParamsListMObjects(), [old])
    codes = []
    for _ in range(3):
        response = requests.post(mktows_emulator.endpoint, data=codec.encode(envelope), timeout=TIMEOUT)
        codes.append(response.status_code)
    assert codes == [200, 200, 500]
    assert mktows_emulator.calls[-1].fault_code == 20023


def test_a_fresh_emulator_for_each_test(mktows_emulator: EmulatorHandle) -> None:
    assert mktows_emulator.calls == []
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="31", rid="a") is None
