"""The differential proof for custom objects: the same typed Params through ``Client`` against the SOAP
emulator and through ``Client.over_rest`` against the emulator's REST face, from the same starting state,
give equal Results and leave equal state, except the differences listed in ``DIFFERENCES`` (each tested as
listed in tests/test_rest_bridge.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktows import Client, Limits, codec, operations
from mktows import types as t
from mktows.errors import MktowsError
from mktows.pytest_plugin import EmulatorHandle
from tests.conftest import fixture_bytes, requires_shared
from tests.test_rest_bridge import over_rest

ROADSHOW = "RoadShow"
MAX_PAGES = 60

DIFFERENCES = {
    "UNCHANGED": "an update that changes nothing is UPDATED over REST: REST documents the statuses created, "
    "updated, deleted, skipped and no unchanged (custom-objects.md, Create and Update)",
    "error text": "a FAILED object's error is REST's reason message and code, not SOAP's text "
    "(custom-objects.md: a reasons array for a failed record)",
    "remainingCount": "getCustomObjects' remainingCount is 1 while more pages follow and 0 at the end: REST "
    "gives moreResult, not a count (paging-tokens.md)",
    "stream position": "the text of newStreamPosition differs (both sides' positions are opaque: "
    "stream-position.md)",
    "filters": "getCustomObjects without a key, or by a non-searchable field or part of a compound key, raises "
    "UnsupportedOperationError: REST filters only by searchable fields (custom-objects.md, Query)",
    "values": "values read back are REST's typed JSON values as text (an integer 007 reads back as 7, a "
    "boolean as true/false) (custom-objects.md, Query; field-types.md)",
    "per call": "up to 300 objects per sync or delete call, where SOAP took 100 (custom-objects.md)",
    "errors": "a refused call raises the SOAP fault the SOAP docs give for the same case, with REST's code "
    "kept as rest_code and in the message (an unknown type: InvalidRequestError 20110 as over SOAP, with "
    "rest_code 1013) (error-codes.md; rest error-codes.md; mktows.rest.translate.faults)",
}
"""Every difference between the SOAP and the REST path that the documentation forces, with its source."""


def _attrs(array: t.ArrayOfAttribute | None) -> list[tuple[str, str | None]]:
    return [(a.attr_name, a.attr_value) for a in (array.attribute if array is not None else [])]


def _statuses(array: t.ArrayOfSyncCustomObjStatus | None) -> list[tuple[Any, ...]]:
    """Statuses as compared: UNCHANGED counts as UPDATED and an error only by its presence (DIFFERENCES)."""
    compared = []
    for s in array.sync_custom_obj_status if array is not None else []:
        status = "UPDATED" if s.status is t.SyncStatusEnum.UNCHANGED else s.status.value
        compared.append((s.obj_type_name, _attrs(s.custom_obj_key_list), status, s.error is not None))
    return compared


def _objects(result: t.ResultGetCustomObjects) -> list[tuple[Any, ...]]:
    objects = result.custom_obj_list.custom_obj if result.custom_obj_list is not None else []
    return [(_attrs(o.custom_obj_key_list), _attrs(o.custom_obj_attribute_list)) for o in objects]


def outcome(client: Client, params: Any) -> Any:
    """What is compared of one call: its normalized Result (every page, for a get) or its error class."""
    try:
        if isinstance(params, t.ParamsSyncCustomObjects):
            sync = client.ops.sync_custom_objects(params)
            return _statuses(sync.sync_custom_obj_status_list)
        if isinstance(params, t.ParamsDeleteCustomObjects):
            deleted = client.ops.delete_custom_objects(params)
            return _statuses(deleted.delete_custom_obj_status_list)
        pages = []
        position = params.stream_position
        for _ in range(MAX_PAGES):
            page = client.ops.get_custom_objects(
                t.ParamsGetCustomObjects(
                    obj_type_name=params.obj_type_name,
                    stream_position=position,
                    batch_size=params.batch_size,
                    custom_obj_key_list=params.custom_obj_key_list,
                    include_attributes=params.include_attributes,
                )
            )
            pages.append((page.obj_type_name, page.return_count, page.remaining_count > 0, _objects(page)))
            if page.remaining_count == 0:
                return pages
            position = page.new_stream_position
        raise AssertionError(f"getCustomObjects did not end within {MAX_PAGES} pages")
    except MktowsError as error:  # a refused call: its error class and SOAP code are the outcome compared
        return type(error).__name__, getattr(error, "code", None)


def run_both(
    emulator: EmulatorHandle, soap: Client, rest: Client, calls: list[Any]
) -> tuple[list[Any], list[Any]]:
    """The outcomes and final state of ``calls`` via SOAP, then via REST, each from the seeded state."""
    runs = []
    for client in (soap, rest):
        emulator.reset()
        outcomes = [outcome(client, params) for params in calls]
        runs.append((outcomes, emulator.state.custom_objects(ROADSHOW)))
    return runs[0], runs[1]


@pytest.fixture
def clients(mktows_emulator: EmulatorHandle) -> Iterator[tuple[Client, Client]]:
    soap = mktows_emulator.client(limits=Limits(calls=None, concurrency=None))
    rest = over_rest(mktows_emulator)
    yield soap, rest
    rest.close()


# --- drawn sequences -----------------------------------------------------------------------------------

MKTOIDS = st.sampled_from(["1090177", "5", "007"])
RIDS = st.sampled_from(["123456", "rid1", "a", "b"])
VALUES = st.sampled_from(["", "x", "y", "Oslo"])


def _pairs(draw: Callable[[Any], Any], names: list[str], values: Any) -> t.ArrayOfAttribute:
    return t.ArrayOfAttribute(attribute=[t.Attribute(attr_name=n, attr_value=draw(values)) for n in names])


@st.composite
def key_lists(draw: Callable[[Any], Any]) -> t.ArrayOfAttribute:
    """Mostly a full dedupe key; sometimes one without rid or with an unknown field (a FAILED object)."""
    shape = draw(st.sampled_from(["full", "full", "full", "no rid", "unknown"]))
    pairs = [t.Attribute(attr_name="MKTOID", attr_value=draw(MKTOIDS))]
    if shape != "no rid":
        pairs.append(t.Attribute(attr_name="rid", attr_value=draw(RIDS)))
    if shape == "unknown":
        pairs.append(t.Attribute(attr_name="color", attr_value="red"))
    return t.ArrayOfAttribute(attribute=pairs)


@st.composite
def sync_calls(draw: Callable[[Any], Any]) -> t.ParamsSyncCustomObjects:
    objects = []
    for _ in range(draw(st.integers(0, 4))):
        names = draw(st.lists(st.sampled_from(["city", "zip", "state", "color"]), unique=True, max_size=3))
        attributes = _pairs(draw, names, VALUES) if names else None
        objects.append(
            t.CustomObj(custom_obj_key_list=draw(key_lists()), custom_obj_attribute_list=attributes)
        )
    mode = draw(st.sampled_from([None, *t.SyncOperationEnum]))
    return t.ParamsSyncCustomObjects(
        obj_type_name=draw(
            st.sampled_from([ROADSHOW, "roadshow", "NoSuchType"])
        ),  # the last: 20110 both ways
        custom_obj_list=t.ArrayOfCustomObj(custom_obj=objects),
        operation=mode,
    )


@st.composite
def delete_calls(draw: Callable[[Any], Any]) -> t.ParamsDeleteCustomObjects:
    return t.ParamsDeleteCustomObjects(
        obj_type_name=ROADSHOW,
        custom_obj_key_lists=t.ArrayOfKeyList(key_list=draw(st.lists(key_lists(), max_size=4))),
    )


@st.composite
def get_calls(draw: Callable[[Any], Any]) -> t.ParamsGetCustomObjects:
    """Queries REST can express: by MKTOID, by rid, or by the full compound key."""
    names = draw(st.sampled_from([["MKTOID"], ["rid"], ["MKTOID", "rid"]]))
    values = {"MKTOID": MKTOIDS, "rid": RIDS}
    include = draw(st.lists(st.sampled_from(["city", "zip", "state", "MKTOID"]), unique=True, max_size=2))
    return t.ParamsGetCustomObjects(
        obj_type_name=ROADSHOW,
        batch_size=draw(st.sampled_from([None, 1, 2, 3])),
        custom_obj_key_list=t.ArrayOfAttribute(
            attribute=[t.Attribute(attr_name=n, attr_value=draw(values[n])) for n in names]
        ),
        include_attributes=t.ArrayOfString(string_item=include),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=st.lists(st.one_of(sync_calls(), get_calls(), delete_calls()), min_size=1, max_size=6))
def test_drawn_custom_object_calls_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    soap, rest = clients
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(mktows_emulator, soap, rest, calls)
    assert rest_outcomes == soap_outcomes
    assert rest_state == soap_state


# --- the documented requests ---------------------------------------------------------------------------


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", ["syncCustomObjects", "getCustomObjects", "deleteCustomObjects"])
def test_documented_requests_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], name: str
) -> None:
    op = operations.get(name)
    params = op.params_of(codec.decode_request(op, fixture_bytes(f"fixtures/{name}/request.xml")))
    soap, rest = clients
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(mktows_emulator, soap, rest, [params])
    assert soap_outcomes[0] and not isinstance(soap_outcomes[0], tuple)  # the documented call succeeds
    assert rest_outcomes == soap_outcomes
    assert rest_state == soap_state
