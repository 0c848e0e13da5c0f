"""syncCustomObjects, getCustomObjects and deleteCustomObjects against the emulator, over HTTP.

The mode/status matrix of synccustomobjects.md: INSERT creates new and skips existing, UPDATE updates existing
and skips new, UPSERT does both; an update that changes nothing is UNCHANGED; statuses come in the order sent;
more than 100 objects is a fault; only dedupe fields in the key list; an unknown field fails that object only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from mktows.emulator import Emulator
from mktows.errors import InvalidRequestError, StreamPositionError
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    ArrayOfKeyList,
    ArrayOfString,
    Attribute,
    CustomObj,
    ParamsDeleteCustomObjects,
    ParamsGetCustomObjects,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)
from tests.emulator_support import call, fault_of, running

TYPE = "RoadShow"


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from running()


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.reset()
    return server


def pairs(**values: str) -> ArrayOfAttribute:
    return ArrayOfAttribute(attribute=[Attribute(attr_name=k, attr_value=v) for k, v in values.items()])


def obj(mktoid: str, rid: str, **attributes: str) -> CustomObj:
    return CustomObj(
        custom_obj_key_list=pairs(MKTOID=mktoid, rid=rid), custom_obj_attribute_list=pairs(**attributes)
    )


def sync(
    emulator: Emulator, objects: list[CustomObj], operation: str | None = "UPSERT", type_name: str = TYPE
) -> list[tuple[str, str | None]]:
    params = ParamsSyncCustomObjects(
        obj_type_name=type_name,
        custom_obj_list=ArrayOfCustomObj(custom_obj=objects),
        operation=SyncOperationEnum(operation) if operation else None,
    )
    result = call(emulator, "syncCustomObjects", params)
    statuses = result.sync_custom_obj_status_list.sync_custom_obj_status
    return [(s.status.value, s.error) for s in statuses]


def stored(emulator: Emulator, mktoid: str, rid: str) -> dict[str, str] | None:
    record = emulator.state.custom_object(TYPE, MKTOID=mktoid, rid=rid)
    return None if record is None else record["attributes"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("INSERT", ["CREATED", "SKIPPED", "SKIPPED"]),
        ("UPDATE", ["SKIPPED", "UPDATED", "UNCHANGED"]),
        ("UPSERT", ["CREATED", "UPDATED", "UNCHANGED"]),
    ],
)
def test_mode_status_matrix(emulator: Emulator, mode: str, expected: list[str]) -> None:
    sync(emulator, [obj("7", "b", city="Old"), obj("7", "c", city="Same")])
    statuses = sync(
        emulator, [obj("7", "a", city="New"), obj("7", "b", city="Changed"), obj("7", "c", city="Same")], mode
    )
    assert [s for s, _ in statuses] == expected
    assert all(error is None for _, error in statuses)
    assert (stored(emulator, "7", "a") is not None) == (mode != "UPDATE")
    assert stored(emulator, "7", "b") == {"city": "Old" if mode == "INSERT" else "Changed"}
    assert stored(emulator, "7", "c") == {"city": "Same"}


def test_statuses_come_in_the_order_sent_and_echo_the_keys(emulator: Emulator) -> None:
    objects = [obj(str(n), f"r{n}", city=f"c{n}") for n in (5, 3, 9, 1)]
    params = ParamsSyncCustomObjects(
        obj_type_name="roadshow", custom_obj_list=ArrayOfCustomObj(custom_obj=objects), operation=None
    )
    result = call(emulator, "syncCustomObjects", params)
    statuses = result.sync_custom_obj_status_list.sync_custom_obj_status
    keys = [[(a.attr_name, a.attr_value) for a in s.custom_obj_key_list.attribute] for s in statuses]
    assert keys == [[("MKTOID", str(n)), ("rid", f"r{n}")] for n in (5, 3, 9, 1)]
    assert {s.obj_type_name for s in statuses} == {TYPE}  # the configured name, whatever the case sent
    assert [s.status.value for s in statuses] == ["CREATED"] * 4  # an absent operation means UPSERT


def test_an_unknown_field_fails_that_object_only(emulator: Emulator) -> None:
    statuses = sync(emulator, [obj("1", "a", city="x"), obj("1", "b", colour="red"), obj("1", "c", zip="1")])
    assert [s for s, _ in statuses] == ["CREATED", "FAILED", "CREATED"]
    assert "colour" in str(statuses[1][1])
    assert stored(emulator, "1", "b") is None
    assert stored(emulator, "1", "c") == {"zip": "1"}


@pytest.mark.parametrize(
    ("keys", "attributes", "message"),
    [
        ({"MKTOID": "1", "rid": "a", "city": "x"}, {}, "only dedupe fields"),
        ({"MKTOID": "1"}, {"city": "x"}, "rid"),
        ({"MKTOID": "1", "rid": "a"}, {"rid": "b"}, "customObjKeyList"),
        ({"MKTOID": "one", "rid": "a"}, {}, "integer"),
        ({"MKTOID": "1", "rid": " "}, {}, "no value"),
        ({"MKTOID": "1", "nope": "a"}, {}, "unknown field"),
    ],
)
def test_key_list_takes_exactly_the_dedupe_fields(
    emulator: Emulator, keys: dict[str, str], attributes: dict[str, str], message: str
) -> None:
    bad = CustomObj(custom_obj_key_list=pairs(**keys), custom_obj_attribute_list=pairs(**attributes))
    statuses = sync(emulator, [bad, obj("2", "ok")])
    assert statuses[0][0] == "FAILED"
    assert message in str(statuses[0][1])
    assert statuses[1] == ("CREATED", None)


def test_more_than_100_objects_is_a_fault_and_changes_nothing(emulator: Emulator) -> None:
    before = len(emulator.state.custom_objects(TYPE))
    objects = [obj("3", f"r{n}") for n in range(101)]
    params = ParamsSyncCustomObjects(
        obj_type_name=TYPE,
        custom_obj_list=ArrayOfCustomObj(custom_obj=objects),
        operation=SyncOperationEnum.UPSERT,
    )
    fault = fault_of(emulator, "syncCustomObjects", params)
    assert isinstance(fault, InvalidRequestError)
    assert fault.code == 20110
    assert len(emulator.state.custom_objects(TYPE)) == before
    assert [s for s, _ in sync(emulator, objects[:100])] == ["CREATED"] * 100


def test_an_unknown_type_is_a_fault(emulator: Emulator) -> None:
    params = ParamsSyncCustomObjects(
        obj_type_name="NoSuchType",
        custom_obj_list=ArrayOfCustomObj(custom_obj=[obj("1", "a")]),
        operation=None,
    )
    assert fault_of(emulator, "syncCustomObjects", params).code == 20110


def test_an_empty_value_clears_a_field_and_a_repeat_is_unchanged(emulator: Emulator) -> None:
    sync(emulator, [obj("4", "a", city="x", zip="9")])
    assert sync(emulator, [obj("4", "a", city="")]) == [("UPDATED", None)]
    assert stored(emulator, "4", "a") == {"zip": "9"}
    assert sync(emulator, [obj("4", "a", zip="9")]) == [("UNCHANGED", None)]
    assert sync(emulator, [obj("04", "a", zip="9")]) == [("UNCHANGED", None)]  # MKTOID is an integer field


def get(emulator: Emulator, position: str | None = None, batch: int | None = None, **keys: str) -> object:
    params = ParamsGetCustomObjects(
        obj_type_name=TYPE,
        stream_position=position,
        batch_size=batch,
        custom_obj_key_list=pairs(**keys) if keys else None,
        include_attributes=ArrayOfString(),
    )
    return call(emulator, "getCustomObjects", params)


def test_get_pages_with_a_stream_position_until_nothing_remains(emulator: Emulator) -> None:
    sync(emulator, [obj("55", f"r{n:02}", city=str(n)) for n in range(25)])
    seen: list[str] = []
    remaining_counts = []
    position = None
    for _ in range(10):
        result = get(emulator, position, batch=10, MKTOID="55")
        seen += [o.custom_obj_key_list.attribute[1].attr_value for o in result.custom_obj_list.custom_obj]
        remaining_counts.append(result.remaining_count)
        assert result.return_count == len(result.custom_obj_list.custom_obj)
        position = result.new_stream_position
        if result.remaining_count == 0:
            break
    assert remaining_counts == [15, 5, 0]
    assert seen == [f"r{n:02}" for n in range(25)]


def test_a_saved_position_resumes_after_later_writes(emulator: Emulator) -> None:
    sync(emulator, [obj("66", f"r{n}") for n in range(6)])
    first = get(emulator, batch=3, MKTOID="66")
    sync(emulator, [obj("66", "r9"), obj("67", "other")])
    rest = get(emulator, first.new_stream_position, batch=10, MKTOID="66")
    assert [o.custom_obj_key_list.attribute[1].attr_value for o in rest.custom_obj_list.custom_obj] == [
        "r3",
        "r4",
        "r5",
        "r9",
    ]


def test_filters_and_include_attributes(emulator: Emulator) -> None:
    params = ParamsGetCustomObjects(
        obj_type_name=TYPE,
        custom_obj_key_list=pairs(MKTOID="1090177", rid="rid2"),
        include_attributes=ArrayOfString(string_item=["zip"]),
    )
    result = call(emulator, "getCustomObjects", params)
    assert result.return_count == 1
    only = result.custom_obj_list.custom_obj[0]
    assert [(a.attr_name, a.attr_value) for a in only.custom_obj_attribute_list.attribute] == [
        ("zip", "zip2")
    ]


def test_the_documented_position_form_is_accepted(emulator: Emulator) -> None:
    result = get(emulator, '{"ky":["1090177"],"os":4}', MKTOID="1090177")
    assert result.return_count == 2  # six seeded objects, four already read
    assert json.loads(result.new_stream_position)["os"] == 6


@pytest.mark.parametrize(
    "position", ["not a position", '{"ky":["other"],"os":1}', '{"ky":["1090177"],"os":-3}']
)
def test_an_edited_position_is_a_bad_stream_position(emulator: Emulator, position: str) -> None:
    params = ParamsGetCustomObjects(
        obj_type_name=TYPE,
        stream_position=position,
        custom_obj_key_list=pairs(MKTOID="1090177"),
        include_attributes=ArrayOfString(),
    )
    fault = fault_of(emulator, "getCustomObjects", params)
    assert isinstance(fault, StreamPositionError)
    assert fault.code == 20122


def test_batch_size_is_capped_at_100(emulator: Emulator) -> None:
    sync(emulator, [obj("8", f"r{n}") for n in range(100)])
    sync(emulator, [obj("8", f"s{n}") for n in range(20)])
    result = get(emulator, batch=500, MKTOID="8")
    assert (result.return_count, result.remaining_count) == (100, 20)


def test_delete_answers_deleted_unchanged_or_failed(emulator: Emulator) -> None:
    params = ParamsDeleteCustomObjects(
        obj_type_name=TYPE,
        custom_obj_key_lists=ArrayOfKeyList(
            key_list=[
                pairs(MKTOID="1090177", rid="rid3"),
                pairs(MKTOID="1090177", rid="gone"),
                pairs(city="x"),
            ]
        ),
    )
    result = call(emulator, "deleteCustomObjects", params)
    statuses = result.delete_custom_obj_status_list.sync_custom_obj_status
    assert [s.status.value for s in statuses] == ["DELETED", "UNCHANGED", "FAILED"]
    assert stored(emulator, "1090177", "rid3") is None
    again = call(emulator, "deleteCustomObjects", params)
    statuses_again = again.delete_custom_obj_status_list.sync_custom_obj_status
    assert [s.status.value for s in statuses_again] == ["UNCHANGED", "UNCHANGED", "FAILED"]
