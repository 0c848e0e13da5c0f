"""The translations' fast builders give the objects the generated dataclasses' ``__init__`` gives, with every
field of their class set (a field added to the models must not go missing from a bridged answer)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from mktows import types as t
from mktows.rest.translate import _build as build

KEYS = t.ArrayOfAttribute(
    attribute=[t.Attribute(attr_name="MKTOID", attr_value="1"), t.Attribute(attr_name="rid", attr_value="a")]
)
VALUES = t.ArrayOfAttribute(attribute=[t.Attribute(attr_name="city", attr_value="Oslo")])

CASES: list[tuple[Any, Any]] = [
    (build.attribute("MKTOID", "1"), t.Attribute(attr_name="MKTOID", attr_value="1")),
    (build.attribute_list(list(KEYS.attribute)), KEYS),
    (build.attribute_list([]), t.ArrayOfAttribute()),
    (
        build.sync_status("RoadShow", KEYS, t.SyncStatusEnum.FAILED, "bad (1003)"),
        t.SyncCustomObjStatus(
            obj_type_name="RoadShow",
            custom_obj_key_list=KEYS,
            status=t.SyncStatusEnum.FAILED,
            error="bad (1003)",
        ),
    ),
    (
        build.custom_obj(KEYS, VALUES),
        t.CustomObj(custom_obj_key_list=KEYS, custom_obj_attribute_list=VALUES),
    ),
]


@pytest.mark.parametrize(("built", "expected"), CASES, ids=lambda case: type(case).__name__)
def test_a_built_object_equals_the_constructed_one_field_for_field(built: Any, expected: Any) -> None:
    assert type(built) is type(expected)
    assert set(vars(built)) == {f.name for f in dataclasses.fields(expected)}
    assert built == expected
    assert repr(built) == repr(expected)
