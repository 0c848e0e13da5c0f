"""The convenience layer end to end: the SDK's batching and paging against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from mktows import Limits, ObjectStatus, RetryPolicy
from mktows import types as t
from mktows.pytest_plugin import EmulatorHandle

TYPE = "RoadShow"


def roadshow(n: int, city: str = "Lyon", **extra: str) -> dict[str, Any]:
    return {"keys": {"MKTOID": str(900000 + n), "rid": f"bulk{n}"}, "attributes": {"city": city, **extra}}


def fast_retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05)


def sync_calls(emulator: EmulatorHandle) -> int:
    return sum(1 for call in emulator.calls if call.operation == "syncCustomObjects")


def test_mode_status_matrix_through_the_sdk(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    existing, changed, same = roadshow(1), roadshow(2), roadshow(3)
    created = client.sync_custom_objects(TYPE, [existing, changed, same], operation="INSERT")
    assert [r.status for r in created.results] == [ObjectStatus.CREATED] * 3

    insert = client.sync_custom_objects(TYPE, [existing, roadshow(4)], operation="INSERT")
    assert [r.status for r in insert.results] == [ObjectStatus.SKIPPED, ObjectStatus.CREATED]

    update = client.sync_custom_objects(
        TYPE, [roadshow(2, city="Nice"), same, roadshow(5)], operation="UPDATE"
    )
    assert [r.status for r in update.results] == [
        ObjectStatus.UPDATED,
        ObjectStatus.UNCHANGED,
        ObjectStatus.SKIPPED,
    ]

    upsert = client.sync_custom_objects(
        TYPE, [roadshow(5), roadshow(1, city="Metz"), roadshow(3)], operation="UPSERT"
    )
    assert [r.status for r in upsert.results] == [
        ObjectStatus.CREATED,
        ObjectStatus.UPDATED,
        ObjectStatus.UNCHANGED,
    ]
    stored = mktows_emulator.state.custom_object(TYPE, MKTOID="900001", rid="bulk1")
    assert stored is not None and stored["attributes"]["city"] == "Metz"


def test_1000_objects_in_10_calls(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    before = sync_calls(mktows_emulator)
    report = client.sync_custom_objects(TYPE, [roadshow(i) for i in range(1000)])
    assert sync_calls(mktows_emulator) - before == 10
    assert report.counts == {ObjectStatus.CREATED: 1000}
    assert [r.keys["rid"] for r in report.results] == [f"bulk{i}" for i in range(1000)]
    stored = [o for o in mktows_emulator.state.custom_objects(TYPE) if o["keys"]["rid"].startswith("bulk")]
    assert len(stored) == 1000


def test_partial_failure_is_data(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    objects = [roadshow(1), roadshow(2, nosuchfield="x"), roadshow(3)]
    report = client.sync_custom_objects(TYPE, objects)
    assert [r.status for r in report.results] == [
        ObjectStatus.CREATED,
        ObjectStatus.FAILED,
        ObjectStatus.CREATED,
    ]
    assert report.failed[0].index == 1 and report.failed[0].error
    assert mktows_emulator.state.custom_object(TYPE, MKTOID="900002", rid="bulk2") is None


def test_paging_reads_back_everything_and_resumes(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    client.sync_custom_objects(TYPE, [roadshow(i) for i in range(250)])
    pages = client.get_custom_objects(TYPE, batch_size=100)
    iterator = iter(pages)
    first = [next(iterator) for _ in range(101)]  # all of page 1 and one record of page 2
    saved = pages.position
    resumed = list(client.get_custom_objects(TYPE, batch_size=100, resume_from=saved))
    everything = list(client.get_custom_objects(TYPE, batch_size=100))

    def key(obj: t.CustomObj) -> tuple[str, ...]:
        assert obj.custom_obj_key_list is not None
        return tuple(a.attr_value for a in obj.custom_obj_key_list.attribute)

    assert len({key(o) for o in everything}) == len(everything)
    assert [key(o) for o in first[:100] + resumed] == [key(o) for o in everything]
    assert {f"bulk{i}" for i in range(250)} <= {key(o)[1] for o in everything}


def test_delete_custom_objects_reports_each_key(mktows_emulator: EmulatorHandle) -> None:
    client = mktows_emulator.client()
    client.sync_custom_objects(TYPE, [roadshow(1), roadshow(2)])
    report = client.delete_custom_objects(
        TYPE, [roadshow(1)["keys"], roadshow(7)["keys"], roadshow(2)["keys"]]
    )
    assert [r.status for r in report.results] == [
        ObjectStatus.DELETED,
        ObjectStatus.UNCHANGED,
        ObjectStatus.DELETED,
    ]
    assert mktows_emulator.state.custom_object(TYPE, MKTOID="900001", rid="bulk1") is None


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("fault", {"code": 20023}),
        ("fault", {"code": 10001}),
        ("http", {"status": 502}),
        ("drop", {}),
        ("drop", {"after_processing": True}),
        ("truncate", {}),
        ("delay", {"seconds": 0.05}),
    ],
    ids=["rate-limit", "internal", "http502", "drop", "drop-after", "truncate", "delay"],
)
def test_ten_percent_failing_calls_still_report_every_object_once(
    mktows_emulator: EmulatorHandle, kind: str, options: dict[str, Any]
) -> None:
    # a refused call waits the client's window before it is sent again: 1 s here, so the test stays short
    client = mktows_emulator.client(retry=fast_retry(), limits=Limits(100, 1.0, 10))
    objects = [roadshow(i, city=f"c{i}") for i in range(500)]  # 50 calls of 10: within 100 calls per 20 s
    injection = mktows_emulator.inject("syncCustomObjects", kind, count=None, every=10, **options)
    report = client.sync_custom_objects(TYPE, objects, batch_size=10, max_workers=3)
    mktows_emulator.clear_injections()
    assert injection.fired >= 4
    assert [r.index for r in report.results] == list(range(500))
    assert report.failed == []
    # a call processed before its answer was lost is sent again and then reports UNCHANGED
    assert set(report.counts) <= {ObjectStatus.CREATED, ObjectStatus.UNCHANGED}
    # the final state is what a run without faults gives: every object once, with its own values
    stored = [o for o in mktows_emulator.state.custom_objects(TYPE) if o["keys"]["rid"].startswith("bulk")]
    assert len(stored) == 500
    for i in range(500):
        record = mktows_emulator.state.custom_object(TYPE, MKTOID=str(900000 + i), rid=f"bulk{i}")
        assert record is not None and record["attributes"]["city"] == f"c{i}"
