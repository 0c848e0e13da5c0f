"""Live contract tests: a hypothesis state machine drives syncCustomObjects / getCustomObjects /
deleteCustomObjects and checks every answer against a plain in-memory model of the documented semantics; zeep,
loaded with the same 2_6 WSDL, sends the documented requests and must read the answers as the SDK does.

They run against the mktows emulator (the ``mktows_emulator`` fixture), or against another endpoint named by
the MKTOWS_CONTRACT_* variables (see peer.py).

The model (synccustomobjects.md, deletecustomobjects.md, getcustomobjects.md; where the docs are silent, the
emulator's documented choices, marked "emulator" below):
- INSERT creates a new object (CREATED) and skips an existing one (SKIPPED); UPDATE updates an existing one
  (UPDATED, or UNCHANGED when no field changes) and skips a new one (SKIPPED); UPSERT does both.
- One status per object, in the order sent; objects are applied one after the other, so a key repeated in
  one call sees the earlier object's effect (emulator).
- FAILED for that object alone, nothing stored, with an error message: a field the type does not have, a
  non-dedupe field in customObjKeyList, a key list without every dedupe field, a dedupe field in
  customObjAttributeList, a value of the wrong type (emulator: MKTOID is an integer).
- An attribute sent empty clears that field (emulator); getCustomObjects returns the non-empty fields.
- deleteCustomObjects: DELETED for an existing object, UNCHANGED for none (emulator), FAILED for a bad key.
- getCustomObjects returns every object matching the given field values, in batches of batchSize, following
  newStreamPosition until remainingCount is 0.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import zeep
import zeep.exceptions
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from lxml import etree

from mktows import codec, signing
from mktows import types as T
from mktows.client import Client
from mktows.errors import SoapFault
from mktows.operations import MKTOWS_NS
from tests.conftest import PREREQUISITES, fixture_bytes, fixture_index
from tests.contract import zeep_peer
from tests.contract.known_differences import adjusted
from tests.contract.peer import EMULATOR_LIMITS, Peer, emulator_available, from_environment
from tests.contract.shared import fixture_params
from tests.contract.zeep_peer import (
    BINDING,
    distinct_empties,
    load_client,
    sdk_plain,
    unwrappings,
    zeep_plain,
)

pytestmark = [pytest.mark.mktows_emulator(limits=EMULATOR_LIMITS)] if emulator_available() else []

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED, DELETED = (
    T.SyncStatusEnum.CREATED,
    T.SyncStatusEnum.UPDATED,
    T.SyncStatusEnum.UNCHANGED,
    T.SyncStatusEnum.SKIPPED,
    T.SyncStatusEnum.FAILED,
    T.SyncStatusEnum.DELETED,
)
MODES = [T.SyncOperationEnum.INSERT, T.SyncOperationEnum.UPDATE, T.SyncOperationEnum.UPSERT]
MKTOIDS = ["1090177", "1090178", "77"]
RID_SUFFIXES = ["r1", "r2", "r3"]
FIELDS = ["city", "zip", "state"]
VALUES = st.sampled_from(["", "San Mateo", "94404", "California", "Paris", "x y"])

Key = tuple[str, str]  # (MKTOID, rid)


@pytest.fixture
def peer(request: pytest.FixtureRequest) -> Peer:
    """The endpoint under test: MKTOWS_CONTRACT_* when set, else a fresh emulator."""
    outside = from_environment()
    if outside is not None:
        return outside
    if not emulator_available():
        pytest.skip("needs mktows.emulator (or MKTOWS_CONTRACT_ENDPOINT pointing at a live endpoint)")
    handle = request.getfixturevalue("mktows_emulator")
    return Peer(handle.endpoint, handle.user_id, handle.encryption_key, emulator=handle)


@dataclass
class SentObject:
    """One object of a syncCustomObjects call as drawn: keys, attributes and whether it must fail."""

    key_pairs: list[tuple[str, str]]
    attributes: dict[str, str]
    extra_attributes: list[tuple[str, str]] = field(default_factory=list)
    fails: bool = False

    def key(self) -> Key:
        pairs = dict(self.key_pairs)
        return pairs["MKTOID"], pairs["rid"]

    def to_sdk(self) -> T.CustomObj:
        attributes = [*self.attributes.items(), *self.extra_attributes]
        return T.CustomObj(
            custom_obj_key_list=_attributes(self.key_pairs), custom_obj_attribute_list=_attributes(attributes)
        )


def _attributes(pairs: list[tuple[str, str]] | Any) -> T.ArrayOfAttribute:
    return T.ArrayOfAttribute(attribute=[T.Attribute(attr_name=n, attr_value=v) for n, v in pairs])


@st.composite
def sent_objects(draw: st.DrawFn, rids: list[str]) -> SentObject:
    mktoid, rid = draw(st.sampled_from(MKTOIDS)), draw(st.sampled_from(rids))
    key_pairs = draw(st.permutations([("MKTOID", mktoid), ("rid", rid)]))
    attributes = draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3))
    sent = SentObject(list(key_pairs), attributes)
    defect = draw(
        st.sampled_from(
            ["none"] * 8
            + ["unknown field", "non-dedupe key", "missing key", "dedupe attribute", "bad integer"]
        )
    )
    if defect == "unknown field":
        sent.extra_attributes.append(("color", "red"))
    elif defect == "non-dedupe key":
        sent.key_pairs.append(("city", "Paris"))
    elif defect == "missing key":
        sent.key_pairs = [pair for pair in sent.key_pairs if pair[0] != "rid"]
    elif defect == "dedupe attribute":
        sent.extra_attributes.append(("MKTOID", mktoid))
    elif defect == "bad integer":
        sent.key_pairs = [("MKTOID", "12ab") if name == "MKTOID" else (name, v) for name, v in sent.key_pairs]
    sent.fails = defect != "none"
    return sent


class CustomObjectModel:
    """The documented semantics, in memory: objects by (MKTOID, rid), their non-empty fields."""

    def __init__(self) -> None:
        self.objects: dict[Key, dict[str, str]] = {}

    def sync(self, mode: T.SyncOperationEnum, sent: SentObject) -> T.SyncStatusEnum:
        if sent.fails:
            return FAILED
        key = sent.key()
        current = self.objects.get(key)
        if current is None:
            if mode is T.SyncOperationEnum.UPDATE:
                return SKIPPED
            self.objects[key] = _apply({}, sent.attributes)
            return CREATED
        if mode is T.SyncOperationEnum.INSERT:
            return SKIPPED
        changed = _apply(current, sent.attributes)
        if changed == current:
            return UNCHANGED
        self.objects[key] = changed
        return UPDATED

    def delete(self, key: Key) -> T.SyncStatusEnum:
        return DELETED if self.objects.pop(key, None) is not None else UNCHANGED

    def matching(self, criteria: dict[str, str], include: list[str]) -> dict[Key, dict[str, str]]:
        found = {}
        for (mktoid, rid), fields in self.objects.items():
            values = {**fields, "MKTOID": mktoid, "rid": rid}
            if all(values.get(name) == wanted for name, wanted in criteria.items()):
                found[(mktoid, rid)] = {n: v for n, v in fields.items() if not include or n in include}
        return found


def _apply(current: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    merged = dict(current)
    for name, value in changes.items():
        if value:
            merged[name] = value
        else:
            merged.pop(name, None)
    return merged


class CustomObjectsMachine(RuleBasedStateMachine):
    """Random sequences of sync/get/delete calls, each answer compared with CustomObjectModel."""

    peer: Peer
    client: Client

    def __init__(self) -> None:
        super().__init__()
        self.rids = [f"contract-{secrets.token_hex(4)}-{suffix}" for suffix in RID_SUFFIXES]
        self.model = CustomObjectModel()

    @initialize()
    def start_clean(self) -> None:
        """Our keys are fresh per run: none of them may exist yet."""
        assert self._delete_all_keys() == [UNCHANGED] * len(MKTOIDS) * len(self.rids)

    def teardown(self) -> None:
        """Leave nothing behind: later runs (and an outside endpoint's owner) see none of our objects."""
        self._delete_all_keys()

    def _delete_all_keys(self) -> list[T.SyncStatusEnum]:
        keys = [(m, r) for m in MKTOIDS for r in self.rids]
        result = self.client.ops.delete_custom_objects(
            T.ParamsDeleteCustomObjects(
                obj_type_name=self.peer.object_type,
                custom_obj_key_lists=T.ArrayOfKeyList(key_list=[_key_list(k) for k in keys]),
            )
        )
        return [s.status for s in _statuses(result.delete_custom_obj_status_list)]

    @rule(data=st.data(), mode=st.sampled_from(MODES))
    def sync(self, data: st.DataObject, mode: T.SyncOperationEnum) -> None:
        sent = data.draw(st.lists(sent_objects(self.rids), min_size=1, max_size=6), label="objects")
        result = self.client.ops.sync_custom_objects(
            T.ParamsSyncCustomObjects(
                obj_type_name=self.peer.object_type,
                custom_obj_list=T.ArrayOfCustomObj(custom_obj=[s.to_sdk() for s in sent]),
                operation=mode,
            )
        )
        statuses = _statuses(result.sync_custom_obj_status_list)
        assert len(statuses) == len(sent), "one status per object sent"
        for status, item in zip(statuses, sent, strict=True):
            expected = self.model.sync(mode, item)
            assert status.status == expected, f"{mode.value} {item}: got {status.status}, want {expected}"
            assert bool(status.error) == (expected is FAILED), f"error message: {status.error!r}"
            assert _pairs(status.custom_obj_key_list) == item.key_pairs, "the status echoes the keys sent"

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        keys = data.draw(
            st.lists(st.tuples(st.sampled_from(MKTOIDS), st.sampled_from(self.rids)), min_size=1, max_size=4)
        )
        bad = data.draw(st.booleans(), label="add a key list without rid")
        key_lists = [_key_list(k) for k in keys] + ([_attributes([("MKTOID", keys[0][0])])] if bad else [])
        result = self.client.ops.delete_custom_objects(
            T.ParamsDeleteCustomObjects(
                obj_type_name=self.peer.object_type, custom_obj_key_lists=T.ArrayOfKeyList(key_list=key_lists)
            )
        )
        statuses = [s.status for s in _statuses(result.delete_custom_obj_status_list)]
        assert statuses == [self.model.delete(k) for k in keys] + ([FAILED] if bad else [])

    @rule(
        how=st.sampled_from(["full key", "MKTOID", "rid"]),
        mktoid=st.sampled_from(MKTOIDS),
        which=st.integers(min_value=0, max_value=len(RID_SUFFIXES) - 1),
        batch_size=st.integers(min_value=1, max_value=4),
        include=st.lists(st.sampled_from(FIELDS), unique=True, max_size=2),
    )
    def get(self, how: str, mktoid: str, which: int, batch_size: int, include: list[str]) -> None:
        rid = self.rids[which]
        criteria = {
            "full key": {"MKTOID": mktoid, "rid": rid},
            "MKTOID": {"MKTOID": mktoid},
            "rid": {"rid": rid},
        }
        wanted = criteria[how]
        found = self._get_all(wanted, batch_size, include)
        assert found == self.model.matching(wanted, include)

    @invariant()
    def emulator_store_agrees(self) -> None:
        """Against the emulator, its own records of our keys equal the model (read access, not the API)."""
        if self.peer.emulator is None:
            return
        stored = {
            (r["keys"]["MKTOID"], r["keys"]["rid"]): r["attributes"]
            for r in self.peer.emulator.state.custom_objects(self.peer.object_type)
            if r["keys"]["rid"] in self.rids
        }
        assert stored == self.model.objects

    def _get_all(
        self, criteria: dict[str, str], batch_size: int, include: list[str]
    ) -> dict[Key, dict[str, str]]:
        found: dict[Key, dict[str, str]] = {}
        position: str | None = None
        for _page in range(200):  # bounded: far more pages than objects
            result = self.client.ops.get_custom_objects(
                T.ParamsGetCustomObjects(
                    obj_type_name=self.peer.object_type,
                    custom_obj_key_list=_attributes(criteria.items()),
                    include_attributes=T.ArrayOfString(string_item=include),
                    batch_size=batch_size,
                    stream_position=position,
                )
            )
            objects = result.custom_obj_list.custom_obj if result.custom_obj_list else []
            assert result.return_count == len(objects) <= batch_size
            for obj in objects:
                keys = dict(_pairs(obj.custom_obj_key_list))
                if keys.get("rid") in self.rids:  # an outside endpoint may hold other objects
                    key = (keys["MKTOID"], keys["rid"])
                    assert key not in found, "an object returned twice while paging"
                    found[key] = dict(_pairs(obj.custom_obj_attribute_list))
            if result.remaining_count == 0:
                return found
            position = result.new_stream_position
        raise AssertionError("getCustomObjects never reached remainingCount 0")


def _key_list(key: Key) -> T.ArrayOfAttribute:
    return _attributes([("MKTOID", key[0]), ("rid", key[1])])


def _pairs(attributes: T.ArrayOfAttribute | None) -> list[tuple[str, str]]:
    return [(a.attr_name, a.attr_value) for a in attributes.attribute] if attributes is not None else []


def _statuses(status_list: T.ArrayOfSyncCustomObjStatus | None) -> list[T.SyncCustomObjStatus]:
    return list(status_list.sync_custom_obj_status) if status_list is not None else []


def test_custom_objects_follow_the_documented_semantics(peer: Peer) -> None:
    with peer.client() as client:

        def machine() -> CustomObjectsMachine:
            instance = CustomObjectsMachine()
            instance.peer, instance.client = peer, client
            return instance

        run_state_machine_as_test(machine)


def test_more_than_100_objects_in_one_call_is_a_fault_and_changes_nothing(peer: Peer) -> None:
    rid = f"contract-{secrets.token_hex(4)}"
    objects = [
        T.CustomObj(
            custom_obj_key_list=_key_list((str(1000 + n), rid)), custom_obj_attribute_list=_attributes([])
        )
        for n in range(101)
    ]
    with peer.client() as client:
        with pytest.raises(SoapFault):
            client.ops.sync_custom_objects(
                T.ParamsSyncCustomObjects(
                    obj_type_name=peer.object_type,
                    custom_obj_list=T.ArrayOfCustomObj(custom_obj=objects),
                    operation=T.SyncOperationEnum.UPSERT,
                )
            )
        result = client.ops.get_custom_objects(
            T.ParamsGetCustomObjects(
                obj_type_name=peer.object_type,
                custom_obj_key_list=_attributes([("rid", rid)]),
                include_attributes=T.ArrayOfString(),
            )
        )
        assert result.return_count == 0 and result.remaining_count == 0


# --- zeep as the other client ----------------------------------------------------------------------------

READ_ONLY = {
    "getLead",
    "getMultipleLeads",
    "getCustomObjects",
    "getMObjects",
    "describeMObject",
    "listMObjects",
    "getLeadActivity",
    "getLeadChanges",
    "getCampaignsForSource",
    "getImportToListStatus",
    "getChannels",
    "getTags",
}
DOCUMENTED_REQUESTS = [
    e for e in fixture_index() if e["well_formed"] and e["kind"] == "request" and "blog" not in e["file"]
]


@pytest.fixture(scope="module")
def zeep_binding() -> Any:
    return zeep_peer.binding()


def _zeep_call(peer: Peer, operation: str, params: Any) -> tuple[Any, bytes]:
    """zeep sends one request (signed like Marketo's docs say) and returns (its reading, the raw answer)."""
    raw: list[bytes] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, *args, **kwargs: raw.append(response.content))
    client = load_client(transport=zeep.Transport(session=session, timeout=30, operation_timeout=30))
    try:
        service = client.create_service(BINDING, peer.endpoint)
        timestamp = signing.format_timestamp(dt.datetime.now(dt.UTC))
        header = client.get_element(f"{{{MKTOWS_NS}}}AuthenticationHeader")(
            mktowsUserId=peer.user_id,
            requestSignature=signing.signature(peer.encryption_key, timestamp, peer.user_id),
            requestTimestamp=timestamp,
        )
        arguments = {name: params[name] for name in params} if params is not None else {}
        try:
            with distinct_empties():
                reading: Any = service[operation](**arguments, _soapheaders=[header])
        except zeep.exceptions.Fault as fault:
            reading = fault
    finally:
        session.close()
    assert len(raw) == 1, "zeep sent one request"
    return reading, raw[0]


@pytest.mark.shared
@pytest.mark.parametrize("entry", fixture_params(DOCUMENTED_REQUESTS))
def test_zeep_sends_the_documented_request_and_reads_the_answer_as_the_sdk_does(
    peer: Peer, zeep_binding: Any, entry: dict[str, Any]
) -> None:
    operation = entry["operation"]
    if peer.emulator is None and operation not in READ_ONLY:
        pytest.skip(f"{operation} changes data: sent to the emulator only, never to an outside endpoint")
    if peer.emulator is not None and entry["file"] in PREREQUISITES:  # e.g. an import before its status
        first = PREREQUISITES[entry["file"]]
        reading, _ = _zeep_call(peer, _operation_of(first), _documented_params(zeep_binding, first))
        assert not isinstance(reading, zeep.exceptions.Fault), f"{first}: {reading.message}"
    reading, answer = _zeep_call(peer, operation, _documented_params(zeep_binding, entry["file"]))
    try:
        envelope = codec.decode_response(operation, answer, strict=True)
    except SoapFault as fault:
        # the emulator is seeded (and the prerequisites sent) so that every documented request succeeds there
        assert peer.emulator is None, f"the emulator answered the documented request with a fault: {fault}"
        _assert_same_fault(reading, fault)
        return
    assert not isinstance(reading, zeep.exceptions.Fault), f"zeep read a fault: {reading.message}"
    assert zeep_plain(reading, nil_as_absent=True) in unwrappings(
        sdk_plain(codec.result_of(operation, envelope))
    )


def _operation_of(relative: str) -> str:
    return next(str(e["operation"]) for e in fixture_index() if e["file"] == relative)


def _documented_params(zeep_binding: Any, relative: str) -> Any:
    """zeep's reading of a documented request's params, as the WSDL can carry them (known_differences.py:
    scheduleCampaign loses the cloneToProgramName no WSDL declares)."""
    request = adjusted(relative, etree.fromstring(fixture_bytes(relative)))
    with distinct_empties():
        return zeep_binding.get(_operation_of(relative)).input.deserialize(request).body


def _assert_same_fault(reading: Any, fault: SoapFault) -> None:
    """zeep read the fault the SDK read: faultcode, faultstring and the serviceException's code, name, message."""
    assert isinstance(reading, zeep.exceptions.Fault), f"the SDK read a fault ({fault}), zeep did not"
    assert (reading.code, reading.message) == (fault.faultcode, fault.faultstring)
    assert reading.detail is not None and fault.code is not None
    exception = {child: reading.detail.findtext(f".//{child}") for child in ("code", "name", "message")}
    assert exception == {"code": str(fault.code), "name": fault.name, "message": fault.message}


@pytest.mark.shared
@pytest.mark.parametrize("case", ["documented request before its prerequisite", "injected 20023"])
def test_zeep_reads_a_fault_as_the_sdk_does(peer: Peer, zeep_binding: Any, case: str) -> None:
    if peer.emulator is None:
        pytest.skip("needs the emulator: an outside endpoint cannot be made to fault on cue")
    if case == "injected 20023":
        peer.emulator.inject("getLead", "fault", code=20023)
        relative = "fixtures/getLead/request.xml"
    else:
        relative = "fixtures/getImportToListStatus/request.xml"
    operation = _operation_of(relative)
    reading, answer = _zeep_call(peer, operation, _documented_params(zeep_binding, relative))
    with pytest.raises(SoapFault) as caught:
        codec.decode_response(operation, answer, strict=True)
    assert caught.value.code == (20023 if case == "injected 20023" else 20110)
    _assert_same_fault(reading, caught.value)
