"""Batching helpers against an in-process fake of the typed operations (no network)."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Any

import pytest

from mktows import types as t
from mktows._convenience import ConvenienceMethods
from mktows.batching import CustomObject
from mktows.errors import (
    AuthenticationError,
    BatchAborted,
    HTTPStatusError,
    InternalError,
    ProtocolError,
    RateLimitError,
    RepeatedFailureError,
    TransportError,
)
from mktows.reports import ObjectStatus


class FakeOps:
    """Answers syncCustomObjects/deleteCustomObjects like a tiny in-memory Marketo and records each call."""

    def __init__(self) -> None:
        self.store: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        self.calls: list[Any] = []
        self.fail_call: Callable[[int], Exception | None] = lambda n: None
        self.tamper: Callable[[list[t.SyncCustomObjStatus]], list[t.SyncCustomObjStatus]] = lambda s: s
        self.lock = threading.Lock()

    def sync_custom_objects(self, params: t.ParamsSyncCustomObjects) -> t.ResultSyncCustomObjects:
        with self.lock:
            self.calls.append(params)
            error = self.fail_call(len(self.calls))
        if error is not None:
            raise error
        statuses = []
        for obj in params.custom_obj_list.custom_obj:
            keys = tuple((a.attr_name, a.attr_value) for a in obj.custom_obj_key_list.attribute)
            fields = {
                a.attr_name: a.attr_value
                for a in (obj.custom_obj_attribute_list or t.ArrayOfAttribute()).attribute
            }
            status, err = self._apply(keys, fields, params.operation.value)
            statuses.append(
                t.SyncCustomObjStatus(
                    obj_type_name=params.obj_type_name,
                    custom_obj_key_list=obj.custom_obj_key_list,
                    status=t.SyncStatusEnum(status),
                    error=err,
                )
            )
        return t.ResultSyncCustomObjects(
            sync_custom_obj_status_list=t.ArrayOfSyncCustomObjStatus(
                sync_custom_obj_status=self.tamper(statuses)
            )
        )

    def _apply(
        self, keys: tuple[tuple[str, str], ...], fields: dict[str, str], mode: str
    ) -> tuple[str, str | None]:
        if "bogus" in fields:
            return "FAILED", "unknown field bogus"
        with self.lock:
            if keys in self.store:
                if mode == "INSERT":
                    return "SKIPPED", None
                changed = {k: v for k, v in fields.items() if self.store[keys].get(k) != v}
                self.store[keys].update(fields)
                return ("UPDATED" if changed else "UNCHANGED"), None
            if mode == "UPDATE":
                return "SKIPPED", None
            self.store[keys] = dict(fields)
            return "CREATED", None


class FakeClient(ConvenienceMethods):
    def __init__(self) -> None:
        self.ops = FakeOps()


def roadshow(n: int, city: str = "San Mateo") -> dict[str, Any]:
    return {"keys": {"MKTOID": str(n), "rid": f"rid{n}"}, "attributes": {"city": city}}


def test_1000_objects_go_in_10_calls_with_one_result_each_in_order() -> None:
    client = FakeClient()
    report = client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(1000)])
    assert len(client.ops.calls) == 10
    assert all(len(call.custom_obj_list.custom_obj) == 100 for call in client.ops.calls)
    assert [r.index for r in report.results] == list(range(1000))
    assert [r.keys["MKTOID"] for r in report.results] == [str(i) for i in range(1000)]
    assert report.counts == {ObjectStatus.CREATED: 1000}
    assert report.ok and report.failed == []


def test_modes_and_statuses_map_back_per_object() -> None:
    client = FakeClient()
    client.sync_custom_objects("RoadShow", [roadshow(1), roadshow(2)], operation="INSERT")
    report = client.sync_custom_objects(
        "RoadShow",
        [
            roadshow(1),
            roadshow(2, "Paris"),
            roadshow(3),
            {"keys": {"MKTOID": "4", "rid": "r"}, "attributes": {"bogus": "x"}},
        ],
        operation="UPDATE",
    )
    assert [r.status for r in report.results] == [
        ObjectStatus.UNCHANGED,
        ObjectStatus.UPDATED,
        ObjectStatus.SKIPPED,
        ObjectStatus.FAILED,
    ]
    assert report.failed[0].error == "unknown field bogus"
    assert report.counts[ObjectStatus.FAILED] == 1


def test_accepts_custom_object_generated_and_mapping_inputs() -> None:
    client = FakeClient()
    generated = CustomObject(keys={"MKTOID": "2", "rid": "b"}, attributes={"zip": 94404}).to_wsdl()  # type: ignore[dict-item]
    report = client.sync_custom_objects(
        "RoadShow",
        [CustomObject(keys={"MKTOID": 1, "rid": "a"}), generated, roadshow(3)],  # type: ignore[dict-item]
    )
    assert [dict(r.keys) for r in report.results] == [
        {"MKTOID": "1", "rid": "a"},
        {"MKTOID": "2", "rid": "b"},
        {"MKTOID": "3", "rid": "rid3"},
    ]
    sent = client.ops.calls[0].custom_obj_list.custom_obj[1].custom_obj_attribute_list.attribute[0]
    assert (sent.attr_name, sent.attr_value) == ("zip", "94404")


def test_invalid_inputs_fail_locally_and_are_reported_in_place() -> None:
    client = FakeClient()
    inputs: list[Any] = [roadshow(1), {"attributes": {"city": "x"}}, 42, {"keys": {}}, roadshow(2)]
    report = client.sync_custom_objects("RoadShow", inputs)
    assert [r.status for r in report.results] == [
        ObjectStatus.CREATED,
        ObjectStatus.FAILED,
        ObjectStatus.FAILED,
        ObjectStatus.FAILED,
        ObjectStatus.CREATED,
    ]
    assert "missing 'keys'" in (report.results[1].error or "")
    assert "int" in (report.results[2].error or "")
    assert sum(len(c.custom_obj_list.custom_obj) for c in client.ops.calls) == 2


def test_batch_size_above_100_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="between 1 and 100"):
        FakeClient().sync_custom_objects("RoadShow", [roadshow(1)], batch_size=101)
    with pytest.raises(ValueError, match="operation must be one of"):
        FakeClient().sync_custom_objects("RoadShow", [roadshow(1)], operation="MERGE")  # type: ignore[arg-type]


def test_operation_is_taken_in_any_case_or_as_the_enum() -> None:
    client = FakeClient()
    assert client.sync_custom_objects("RoadShow", [roadshow(1)], operation="insert").counts == {
        ObjectStatus.CREATED: 1
    }
    again = client.sync_custom_objects("RoadShow", [roadshow(1)], operation=t.SyncOperationEnum.INSERT)
    assert again.counts == {ObjectStatus.SKIPPED: 1}
    assert client.ops.calls[-1].operation is t.SyncOperationEnum.INSERT


def test_a_failed_call_marks_its_batch_failed_and_the_run_goes_on() -> None:
    client = FakeClient()
    client.ops.fail_call = lambda n: InternalError("boom", code=20011) if n == 2 else None
    report = client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(250)])
    statuses = [r.status for r in report.results]
    assert statuses[:100] == [ObjectStatus.CREATED] * 100
    assert statuses[100:200] == [ObjectStatus.FAILED] * 100
    assert statuses[200:] == [ObjectStatus.CREATED] * 50
    assert "InternalError" in (report.results[150].error or "")


@pytest.mark.parametrize(
    "error",
    [AuthenticationError("no", code=20014), RateLimitError("busy", code=20023)],
    ids=["authentication", "throttle-given-up"],
)
def test_an_error_every_call_would_meet_stops_the_run_with_the_partial_report(error: Exception) -> None:
    client = FakeClient()
    client.ops.fail_call = lambda n: error if n == 2 else None
    with pytest.raises(BatchAborted) as caught:
        client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(300)])
    assert len(caught.value.report.results) == 100
    assert caught.value.error is error and caught.value.__cause__ is error
    assert str(caught.value).startswith(f"stopped after 100 objects: {type(error).__name__}: ")
    assert not hasattr(error, "partial_report")  # the cause is not rewritten
    copied = pickle.loads(pickle.dumps(caught.value))  # crosses processes whole
    assert len(copied.report.results) == 100 and type(copied.error) is type(error)


def test_the_streaming_helper_raises_the_cause_itself() -> None:
    client = FakeClient()
    error = AuthenticationError("no", code=20014)
    client.ops.fail_call = lambda n: error if n == 2 else None
    results = client.iter_sync_custom_objects("RoadShow", [roadshow(i) for i in range(300)])
    with pytest.raises(AuthenticationError) as caught:
        list(results)
    assert caught.value is error


@pytest.mark.parametrize(
    "tamper",
    [
        lambda statuses: statuses[:-1],
        lambda statuses: [*statuses, statuses[0]],
        lambda statuses: list(reversed(statuses)),
    ],
    ids=["missing", "extra", "reordered"],
)
def test_a_response_that_does_not_account_for_every_object_raises(tamper: Any) -> None:
    client = FakeClient()
    client.ops.tamper = tamper
    with pytest.raises(BatchAborted) as caught:
        client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(5)])
    assert isinstance(caught.value.error, ProtocolError) and caught.value.report.results == []


def test_parallel_workers_keep_input_order_and_report_each_object_once() -> None:
    client = FakeClient()
    report = client.sync_custom_objects(
        "RoadShow", [roadshow(i) for i in range(730)], batch_size=50, max_workers=4
    )
    assert [r.index for r in report.results] == list(range(730))
    assert len(client.ops.calls) == 15
    assert len(client.ops.store) == 730


def test_iter_sync_is_lazy_and_streams_results() -> None:
    client = FakeClient()
    consumed = 0

    def source() -> Any:
        nonlocal consumed
        for i in range(10_000):
            consumed += 1
            yield roadshow(i)

    results = client.iter_sync_custom_objects("RoadShow", source())
    first = next(results)
    assert first.index == 0 and consumed <= 200


def test_batches_failing_the_same_way_stop_the_run_without_reporting_them() -> None:
    client = FakeClient()
    client.ops.fail_call = lambda n: TransportError(f"refused (call {n})") if n >= 3 else None
    with pytest.raises(BatchAborted) as caught:
        client.sync_custom_objects("RoadShow", [{"keys": {}}, *(roadshow(i) for i in range(1000))])
    repeated = caught.value.error
    assert isinstance(repeated, RepeatedFailureError) and caught.value.__cause__ is repeated
    assert repeated.batches == 3 and isinstance(repeated.error, TransportError)
    assert "3 batches in a row failed the same way: TransportError" in str(caught.value)
    partial = caught.value.report.results
    assert [r.index for r in partial] == list(range(201))  # the two good calls; no object of a failed one
    assert len(client.ops.calls) == 5  # stopped at once: 5 of 10 calls made


@pytest.mark.parametrize("objects", [5, 150], ids=["one-batch", "two-batches"])
def test_a_run_whose_every_call_failed_the_same_way_stops_however_short(objects: int) -> None:
    client = FakeClient()
    client.ops.fail_call = lambda n: TransportError(f"refused (call {n})")
    with pytest.raises(BatchAborted) as caught:
        client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(objects)])
    repeated = caught.value.error
    assert isinstance(repeated, RepeatedFailureError)
    assert repeated.batches == len(client.ops.calls) == -(-objects // 100)
    assert caught.value.report.results == []  # nothing reported: nothing was processed


def test_a_failed_batch_after_a_good_one_is_reported_failed() -> None:
    client = FakeClient()
    client.ops.fail_call = lambda n: TransportError("refused") if n == 2 else None
    report = client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(150)])
    assert [r.index for r in report.results] == list(range(150))
    assert [r.index for r in report.failed] == list(range(100, 150))


def test_different_failures_or_a_success_between_them_keep_the_run_going() -> None:
    kinds = {
        2: TransportError("refused"),
        3: HTTPStatusError("nope", status_code=404),
        4: HTTPStatusError("nope", status_code=404),
        6: HTTPStatusError("nope", status_code=404),
    }
    client = FakeClient()
    client.ops.fail_call = lambda n: kinds.get(n)
    report = client.sync_custom_objects("RoadShow", [roadshow(i) for i in range(70)], batch_size=10)
    assert [r.index for r in report.results] == list(range(70))
    assert len(report.failed) == 40
