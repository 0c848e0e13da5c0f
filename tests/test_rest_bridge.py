"""``Client.over_rest``: the SDK's typed SOAP calls served by REST translations, against the emulator's REST
face (the translation is the only new piece; the REST face and transport have their own tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mktows import Client, Limits, ObjectStatus, operations
from mktows import types as t
from mktows.emulator import EmulatorConfig
from mktows.emulator.defaults import DEFAULT_CONFIG
from mktows.errors import (
    InvalidRequestError,
    NotFoundError,
    StreamPositionError,
    UnsupportedOperationError,
)
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest import translate

ROADSHOW = "RoadShow"


def over_rest(emulator: EmulatorHandle, **options: Any) -> Client:
    return Client.over_rest(
        emulator.rest_endpoint,
        emulator.client_id,
        emulator.client_secret,
        identity_endpoint=emulator.identity_endpoint,
        limits=Limits(calls=None, concurrency=None),
        **options,
    )


@pytest.fixture
def bridged(mktows_emulator: EmulatorHandle) -> Iterator[Client]:
    client = over_rest(mktows_emulator)
    yield client
    client.close()


def keys(**values: str) -> t.ArrayOfAttribute:
    return t.ArrayOfAttribute(attribute=[t.Attribute(attr_name=k, attr_value=v) for k, v in values.items()])


def test_over_rest_is_a_client_that_keeps_its_secret_out_of_repr(mktows_emulator: EmulatorHandle) -> None:
    client = over_rest(mktows_emulator)
    assert isinstance(client, Client)
    assert client.endpoint == mktows_emulator.rest_endpoint
    assert mktows_emulator.client_secret not in repr(client)
    assert client.custom_objects_per_call == 300
    client.close()


def test_list_mobjects_has_no_rest_successor_and_says_why(bridged: Client) -> None:
    with pytest.raises(UnsupportedOperationError, match=r"no REST successor.*migration\.md"):
        bridged.ops.list_mobjects(t.ParamsListMObjects())


def test_every_operation_has_a_translation_or_the_documented_reason_it_has_none() -> None:
    assert set(translate.TRANSLATIONS).isdisjoint(translate.NO_REST_SUCCESSOR)
    assert set(translate.TRANSLATIONS) | set(translate.NO_REST_SUCCESSOR) == set(operations.OPERATIONS)


def test_an_operation_not_translated_yet_says_so(bridged: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operation a newer WSDL adds before its translation exists is refused by name, not a KeyError."""
    fewer = {name: f for name, f in translate.TRANSLATIONS.items() if name != "getChannels"}
    monkeypatch.setattr(translate, "TRANSLATIONS", fewer)
    with pytest.raises(UnsupportedOperationError, match="not translated to REST yet"):
        bridged.ops.get_channels(t.ParamsGetChannels())


def test_sync_get_delete_round_trip(mktows_emulator: EmulatorHandle, bridged: Client) -> None:
    report = bridged.sync_custom_objects(
        ROADSHOW, [{"keys": {"MKTOID": "42", "rid": "a"}, "attributes": {"city": "Oslo"}}]
    )
    assert [r.status.value for r in report.results] == ["CREATED"]
    assert mktows_emulator.state.custom_object(ROADSHOW, MKTOID="42", rid="a") == {
        "keys": {"MKTOID": "42", "rid": "a"},
        "attributes": {"city": "Oslo"},
    }
    found = list(bridged.get_custom_objects(ROADSHOW, keys={"MKTOID": "42"}))
    assert [(o.custom_obj_key_list, o.custom_obj_attribute_list) for o in found] == [
        (keys(MKTOID="42", rid="a"), keys(city="Oslo"))
    ]
    deleted = bridged.delete_custom_objects(
        ROADSHOW, [{"MKTOID": "42", "rid": "a"}, {"MKTOID": "42", "rid": "b"}]
    )
    assert [r.status.value for r in deleted.results] == ["DELETED", "UNCHANGED"]
    assert mktows_emulator.state.custom_object(ROADSHOW, MKTOID="42", rid="a") is None


# --- the listed differences (tests/test_rest_bridge_differential.py DIFFERENCES), each as listed ----------


def sync_params(mode: str, *objects: tuple[dict[str, str], dict[str, str]]) -> t.ParamsSyncCustomObjects:
    return t.ParamsSyncCustomObjects(
        obj_type_name=ROADSHOW,
        custom_obj_list=t.ArrayOfCustomObj(
            custom_obj=[
                t.CustomObj(custom_obj_key_list=keys(**k), custom_obj_attribute_list=keys(**a))
                for k, a in objects
            ]
        ),
        operation=t.SyncOperationEnum(mode),
    )


def statuses(result: t.ResultSyncCustomObjects) -> list[tuple[str, str | None]]:
    return [(s.status.value, s.error) for s in result.sync_custom_obj_status_list.sync_custom_obj_status]


SEEDED = ({"MKTOID": "1090177", "rid": "rid1"}, {"city": "city1"})  # the seed's own values: no change


def test_unchanged_is_updated_over_rest(mktows_emulator: EmulatorHandle, bridged: Client) -> None:
    assert statuses(mktows_emulator.client().ops.sync_custom_objects(sync_params("UPDATE", SEEDED))) == [
        ("UNCHANGED", None)
    ]
    assert statuses(bridged.ops.sync_custom_objects(sync_params("UPDATE", SEEDED))) == [("UPDATED", None)]


def test_skips_and_failures_map_from_rest_reasons(bridged: Client) -> None:
    new = ({"MKTOID": "9", "rid": "new"}, {"city": "c"})
    unknown_field = ({"MKTOID": "9", "rid": "bad"}, {"color": "red"})
    assert [s for s, _ in statuses(bridged.ops.sync_custom_objects(sync_params("UPDATE", new)))] == [
        "SKIPPED"
    ]
    assert [s for s, _ in statuses(bridged.ops.sync_custom_objects(sync_params("INSERT", SEEDED)))] == [
        "SKIPPED"
    ]
    [(status, error)] = statuses(bridged.ops.sync_custom_objects(sync_params("UPSERT", unknown_field)))
    assert status == "FAILED"
    assert error is not None and "color" in error and error.endswith("(1006)")  # REST's reason and code


def get_params(
    batch_size: int | None = None, position: str | None = None, **criteria: str
) -> t.ParamsGetCustomObjects:
    return t.ParamsGetCustomObjects(
        obj_type_name=ROADSHOW,
        batch_size=batch_size,
        stream_position=position,
        custom_obj_key_list=keys(**criteria) if criteria else None,
        include_attributes=t.ArrayOfString(),
    )


def test_remaining_count_says_only_whether_more_follow(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    soap_first = mktows_emulator.client().ops.get_custom_objects(get_params(2, MKTOID="1090177"))
    assert soap_first.remaining_count == 4  # 6 seeded objects share this MKTOID
    counts = []
    position = None
    for _ in range(5):
        page = bridged.ops.get_custom_objects(get_params(2, position, MKTOID="1090177"))
        counts.append((page.return_count, page.remaining_count))
        position = page.new_stream_position
        if page.remaining_count == 0:
            break
    assert counts == [(2, 1), (2, 1), (2, 0)]


def test_stream_positions_are_opaque_resumable_and_tied_to_their_query(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    first = bridged.ops.get_custom_objects(get_params(4, MKTOID="1090177"))
    with over_rest(mktows_emulator) as fresh:  # a saved position resumes in another client
        rest_of_it = fresh.ops.get_custom_objects(get_params(4, first.new_stream_position, MKTOID="1090177"))
        assert (rest_of_it.return_count, rest_of_it.remaining_count) == (2, 0)
        after_end = fresh.ops.get_custom_objects(
            get_params(4, rest_of_it.new_stream_position, MKTOID="1090177")
        )
    assert (after_end.return_count, after_end.remaining_count, after_end.custom_obj_list) == (0, 0, None)
    with pytest.raises(StreamPositionError, match="different query"):
        bridged.ops.get_custom_objects(get_params(4, first.new_stream_position, rid="rid1"))
    soap_position = mktows_emulator.client().ops.get_custom_objects(get_params(4, MKTOID="1090177"))
    with pytest.raises(StreamPositionError):
        bridged.ops.get_custom_objects(get_params(4, soap_position.new_stream_position, MKTOID="1090177"))


@pytest.mark.parametrize(
    "criteria",
    [{}, {"city": "city1"}, {"MKTOID": "1090177", "city": "city1"}],
    ids=["no-key", "attribute", "key-and-attribute"],
)
def test_queries_rest_cannot_express_are_refused_before_any_query(
    mktows_emulator: EmulatorHandle, bridged: Client, criteria: dict[str, str]
) -> None:
    with pytest.raises(UnsupportedOperationError, match="searchable"):
        bridged.ops.get_custom_objects(get_params(**criteria))
    assert not [c for c in mktows_emulator.calls if c.operation == "getCustomObjectsUsingGET"]


def test_unknown_include_attributes_are_a_local_invalid_request(bridged: Client) -> None:
    params = get_params(MKTOID="1090177")
    params.include_attributes = t.ArrayOfString(string_item=["nosuch"])
    with pytest.raises(InvalidRequestError, match="nosuch"):
        bridged.ops.get_custom_objects(params)


def test_whole_call_errors_are_soaps_fault_with_the_rest_code_kept(bridged: Client) -> None:
    params = sync_params("UPSERT", SEEDED)
    params.obj_type_name = "NoSuchType"
    with pytest.raises(InvalidRequestError) as raised:
        bridged.ops.sync_custom_objects(params)
    error = raised.value
    assert (error.code, error.protocol, error.rest_code) == (20110, "soap", 1013)  # SOAP answered 20110
    assert isinstance(error.__cause__, NotFoundError) and error.__cause__.code == 1013
    assert "(REST 1013)" in str(error)


CAR = {
    "name": "Car",
    "description": "a type with typed attributes",
    "dedupe_fields": ["vin"],
    "fields": {"vin": "string", "seats": "integer", "electric": "boolean"},
}


@pytest.mark.parametrize(
    "mktows_emulator_config",
    [
        pytest.param(
            EmulatorConfig.from_mapping(
                {"custom_object_types": [CAR, *DEFAULT_CONFIG["custom_object_types"]]}
            ),
            id="car",
        )
    ],
)
def test_values_read_back_as_rest_json_values(mktows_emulator: EmulatorHandle, bridged: Client) -> None:
    bridged.sync_custom_objects(
        "Car", [{"keys": {"vin": "V1"}, "attributes": {"seats": "007", "electric": "1"}}]
    )
    query = t.ParamsGetCustomObjects(
        obj_type_name="Car", custom_obj_key_list=keys(vin="V1"), include_attributes=t.ArrayOfString()
    )
    soap = mktows_emulator.client().ops.get_custom_objects(query)
    rest = bridged.ops.get_custom_objects(query)
    assert soap.custom_obj_list is not None and rest.custom_obj_list is not None
    assert soap.custom_obj_list.custom_obj[0].custom_obj_attribute_list == keys(seats="007", electric="1")
    assert rest.custom_obj_list.custom_obj[0].custom_obj_attribute_list == keys(seats="7", electric="true")


def test_sync_custom_objects_sends_300_per_call_over_rest(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    objects = [{"keys": {"MKTOID": "77", "rid": f"r{n}"}, "attributes": {"city": "c"}} for n in range(650)]
    report = bridged.sync_custom_objects(ROADSHOW, objects)
    assert report.counts == {ObjectStatus.CREATED: 650}
    sync_calls = [c for c in mktows_emulator.calls if c.operation == "syncCustomObjectsUsingPOST"]
    assert len(sync_calls) == 3  # 300 + 300 + 50
    deleted = bridged.delete_custom_objects(ROADSHOW, [o["keys"] for o in objects])
    assert len(deleted.results) == 650
    assert len([c for c in mktows_emulator.calls if c.operation == "deleteCustomObjectsUsingPOST"]) == 3
    with pytest.raises(ValueError, match="between 1 and 300"):
        bridged.sync_custom_objects(ROADSHOW, objects, batch_size=301)


def test_the_soap_client_still_batches_100(mktows_emulator: EmulatorHandle) -> None:
    with pytest.raises(ValueError, match="between 1 and 100"):
        mktows_emulator.client().sync_custom_objects(ROADSHOW, [], batch_size=300)


def test_a_value_with_a_comma_is_never_split_into_two_filter_values(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    bridged.sync_custom_objects(
        ROADSHOW, [{"keys": {"MKTOID": "5", "rid": "a,b"}}, {"keys": {"MKTOID": "5", "rid": "a"}}]
    )
    with pytest.raises(UnsupportedOperationError, match="comma"):
        bridged.ops.get_custom_objects(get_params(rid="a,b"))
    found = bridged.ops.get_custom_objects(get_params(MKTOID="5", rid="a,b"))  # the full key goes as JSON
    assert found.custom_obj_list is not None
    assert [o.custom_obj_key_list for o in found.custom_obj_list.custom_obj] == [keys(MKTOID="5", rid="a,b")]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_missing_type_name_is_refused_locally(bridged: Client, name: str) -> None:
    with pytest.raises(InvalidRequestError, match="objTypeName is required"):
        bridged.ops.delete_custom_objects(
            t.ParamsDeleteCustomObjects(obj_type_name=name, custom_obj_key_lists=t.ArrayOfKeyList())
        )


def test_over_rest_takes_the_clients_options(mktows_emulator: EmulatorHandle) -> None:
    import requests

    from mktows import RetryPolicy

    session = requests.Session()
    limits = Limits(calls=50, concurrency=2)
    client = Client.over_rest(
        mktows_emulator.rest_endpoint,
        mktows_emulator.client_id,
        mktows_emulator.client_secret,
        identity_endpoint=mktows_emulator.identity_endpoint,
        timeout=(3.0, 7.0),
        session=session,
        retry=RetryPolicy(max_attempts=2),
        limits=limits,
        strict=True,
    )
    assert (client.timeout, client.limits, client.retry.max_attempts) == ((3.0, 7.0), limits, 2)
    assert (
        client.ops.delete_custom_objects(
            t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
        ).delete_custom_obj_status_list
        == t.ArrayOfSyncCustomObjStatus()
    )
    client.close()
    session.close()
    with pytest.raises(TypeError):
        Client.over_rest("https://x.mktorest.com/rest", "id", "secret", encryption_key="k")


def test_batch_size_past_100_gives_pages_of_100_like_soap(
    mktows_emulator: EmulatorHandle, bridged: Client
) -> None:
    objects = [{"keys": {"MKTOID": "88", "rid": f"r{n}"}} for n in range(120)]
    bridged.sync_custom_objects(ROADSHOW, objects)
    soap = mktows_emulator.client().ops.get_custom_objects(get_params(250, MKTOID="88"))
    rest = bridged.ops.get_custom_objects(get_params(250, MKTOID="88"))
    assert (soap.return_count, rest.return_count) == (100, 100)
    with pytest.raises(InvalidRequestError, match="at least 1"):
        bridged.ops.get_custom_objects(get_params(0, MKTOID="88"))
