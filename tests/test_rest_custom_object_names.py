"""Custom object type names over REST: REST paths take a type's API name, which need not be the name SOAP
used (custom-objects.md, List Types: ``apiName`` "car_c" with ``displayName`` "Car"; Describe: "The apiName
path parameter specifies the API name of the custom object type"). The emulator can be given an API name per
type (``api_name``); its SOAP face keeps the SOAP name. The bridge finds the API name a SOAP objTypeName
stands for. The differential tests run again here with RoadShow's API name ``roadShow_c``.

Also: ``filterType=dedupeFields`` is always a valid filter type (lead-database.md: "The fields or field sets
identified by idField and dedupeFields in an object description are always valid filterTypes"), a compound
key being queried by POST with ``_method=GET`` and an ``input`` list (lead-database.md, Compound Keys).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from mktows import Client
from mktows import types as t
from mktows.emulator import ConfigError, EmulatorConfig
from mktows.emulator.defaults import DEFAULT_CONFIG
from mktows.errors import InvalidRequestError, NotFoundError
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest.translate import TranslationContext
from tests.rest_support import Rest
from tests.test_rest_bridge import keys, over_rest
from tests.test_rest_bridge_differential import (  # run again here, with RoadShow's API name roadShow_c
    clients,
    test_documented_requests_agree_over_soap_and_rest,
    test_drawn_custom_object_calls_agree_over_soap_and_rest,
)

API_NAME = "roadShow_c"
ROADSHOW = {**DEFAULT_CONFIG["custom_object_types"][0], "api_name": API_NAME}
VEHICLE = {  # found by the _c suffix: its display name is not the name asked for
    "name": "Vehicle",
    "api_name": "car_c",
    "dedupe_fields": ["vin"],
    "fields": {"vin": "string", "seats": "integer"},
}

__all__ = [
    "clients",
    "test_documented_requests_agree_over_soap_and_rest",
    "test_drawn_custom_object_calls_agree_over_soap_and_rest",
]


@pytest.fixture
def mktows_emulator_config() -> EmulatorConfig:
    return EmulatorConfig.from_mapping({"custom_object_types": [ROADSHOW, VEHICLE]})


@pytest.fixture
def bridged(mktows_emulator: EmulatorHandle) -> Iterator[Client]:
    client = over_rest(mktows_emulator)
    yield client
    client.close()


def get_params(type_name: str, **values: str) -> t.ParamsGetCustomObjects:
    return t.ParamsGetCustomObjects(
        obj_type_name=type_name, custom_obj_key_list=keys(**values), include_attributes=t.ArrayOfString()
    )


# --- the emulator ---------------------------------------------------------------------------------------


def test_the_rest_face_answers_by_api_name_and_lists_the_soap_name_as_display_name(
    mktows_emulator: EmulatorHandle,
) -> None:
    rest = Rest(mktows_emulator)
    listed = rest.json("GET", "/rest/v1/customobjects.json")["result"]
    assert [(m["name"], m["apiName"], m["displayName"]) for m in listed] == [
        (API_NAME, API_NAME, "RoadShow"),
        ("car_c", "car_c", "Vehicle"),
    ]
    assert [m["name"] for m in rest.json("GET", "/rest/v1/customobjects.json?names=car_c")["result"]] == [
        "car_c"
    ]
    described = rest.json("GET", f"/rest/v1/customobjects/{API_NAME}/describe.json")["result"][0]
    assert (described["name"], described["displayName"]) == (API_NAME, "RoadShow")
    page = rest.json("GET", f"/rest/v1/customobjects/{API_NAME}.json?filterType=MKTOID&filterValues=1090177")
    assert page["success"] and page["result"]
    by_soap_name = rest.json("GET", "/rest/v1/customobjects/RoadShow/describe.json")
    assert not by_soap_name["success"] and by_soap_name["errors"][0]["code"] == "1013"


def test_the_soap_face_keeps_the_soap_name(mktows_emulator: EmulatorHandle) -> None:
    result = mktows_emulator.client().ops.get_custom_objects(get_params("RoadShow", MKTOID="1090177"))
    assert result.obj_type_name == "RoadShow" and result.return_count > 0


@pytest.mark.parametrize(
    ("api_name", "message"),
    [("road show", "letters, digits and underscores"), ("", "non-empty string"), (7, "non-empty string")],
)
def test_a_bad_api_name_is_a_config_error(api_name: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EmulatorConfig.from_mapping({"custom_object_types": [{**VEHICLE, "api_name": api_name}]})


def test_api_names_are_unique_among_the_rest_names() -> None:
    clash = {**VEHICLE, "name": "Other", "api_name": "Vehicle"}  # Vehicle's own REST name is car_c: no clash
    assert EmulatorConfig.from_mapping({"custom_object_types": [VEHICLE, clash]}).custom_object_types
    taken = {**VEHICLE, "name": "Other", "api_name": "CAR_C"}
    with pytest.raises(ConfigError, match="API names must be unique"):
        EmulatorConfig.from_mapping({"custom_object_types": [VEHICLE, taken]})


def test_dedupe_fields_as_get_filter_type(mktows_emulator: EmulatorHandle) -> None:
    rest = Rest(mktows_emulator)
    rest.json("POST", "/rest/v1/customobjects/car_c.json", json={"input": [{"vin": "V1", "seats": 4}]})
    single = rest.json("GET", "/rest/v1/customobjects/car_c.json?filterType=dedupeFields&filterValues=V1")
    assert [r["vin"] for r in single["result"]] == ["V1"]
    compound = rest.json(
        "GET", f"/rest/v1/customobjects/{API_NAME}.json?filterType=dedupeFields&filterValues=1090177"
    )
    assert not compound["success"] and compound["errors"][0]["code"] == "1003"
    assert "compound (MKTOID, rid)" in compound["errors"][0]["message"]
    assert "_method=GET" in compound["errors"][0]["message"]
    posted = rest.json(
        "POST",
        f"/rest/v1/customobjects/{API_NAME}.json?_method=GET",
        json={"filterType": "dedupeFields", "input": [{"MKTOID": 1090177, "rid": "123456"}]},
    )
    assert [(r["MKTOID"], r["rid"]) for r in posted["result"]] == [(1090177, "123456")]


# --- the bridge -----------------------------------------------------------------------------------------


def test_the_bridge_finds_the_api_name_by_display_name(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    report = bridged.sync_custom_objects("roadshow", [{"keys": {"MKTOID": "42", "rid": "a"}}])
    assert [(r.status.value) for r in report.results] == ["CREATED"]
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="42", rid="a") is not None
    result = bridged.ops.get_custom_objects(get_params("RoadShow", MKTOID="42"))
    assert result.obj_type_name == "RoadShow" and result.return_count == 1
    rest_calls = [c.operation for c in mktows_emulator.calls]
    assert rest_calls.count("listCustomObjectsUsingGET") == 1  # looked up once, then cached


def test_the_bridge_finds_the_api_name_by_its_c_suffix(bridged: Client) -> None:
    report = bridged.sync_custom_objects("car", [{"keys": {"vin": "V9"}, "attributes": {"seats": "2"}}])
    assert report.results[0].status.value == "CREATED"
    result = bridged.ops.get_custom_objects(get_params("car", vin="V9"))
    assert result.obj_type_name == "car" and result.return_count == 1


def test_a_name_no_type_has_is_still_1013(bridged: Client) -> None:
    with pytest.raises(InvalidRequestError) as raised:  # SOAP's 20110 for an unknown type, REST's 1013 kept
        bridged.ops.get_custom_objects(get_params("Boat", vin="V9"))
    assert (raised.value.code, raised.value.rest_code) == (20110, 1013)
    assert isinstance(raised.value.__cause__, NotFoundError)


class _Listing:
    """A REST client whose describe finds no type by the name asked and whose list gives ``types``."""

    def __init__(self, types: list[Mapping[str, Any]]) -> None:
        self.types = types

    def get(self, path: str, params: Any = None, *, operation: str | None = None) -> Any:
        if path.endswith("/describe.json"):
            raise NotFoundError("Object not found", operation=operation)
        return SimpleNamespace(result=self.types)


def test_a_name_that_fits_several_types_is_refused_naming_them() -> None:
    listing = _Listing([{"name": "a_c", "displayName": "Shared"}, {"name": "b_c", "displayName": "shared"}])
    ctx = TranslationContext(listing)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="a_c, b_c"):
        ctx.object_type("Shared", "getCustomObjects")
