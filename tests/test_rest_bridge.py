"""``Client.over_rest``: the SDK's typed SOAP calls served by REST translations, against the emulator's REST
face (the translation is the only new piece; the REST face and transport have their own tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktows import Client, Limits
from mktows import types as t
from mktows.errors import (
    InvalidRequestError,
    NotFoundError,
    StreamPositionError,
    UnsupportedOperationError,
)
from mktows.pytest_plugin import EmulatorHandle

ROADSHOW = "RoadShow"


def over_rest(emulator: EmulatorHandle) -> Client:
    return Client.over_rest(
        emulator.rest_endpoint,
        emulator.client_id,
        emulator.client_secret,
        identity_endpoint=emulator.identity_endpoint,
        limits=Limits(calls=None, concurrency=None),
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


def test_an_operation_not_translated_yet_says_so(bridged: Client) -> None:
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
    deleted = bridged.delete_custom_objects(ROADSHOW, [{"MKTOID": "42", "rid": "a"}, {"MKTOID": "42", "rid": "b"}])
    assert [r.status.value for r in deleted.results] == ["DELETED", "UNCHANGED"]
    assert mktows_emulator.state.custom_object(ROADSHOW, MKTOID="42", rid="a") is None
