"""The benchmarks' emulator in its own process (``benchmarks.served.Served``): the admin calls the fault and
bulk scenarios make, and the records read from its database once it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.served import LIMITS_OFF, Served
from mktows import Client, CustomObject, Limits


def test_an_injection_posted_to_the_child_fires_and_its_records_are_read_after_it_stopped(
    tmp_path: Path,
) -> None:
    objects = [
        CustomObject(keys={"MKTOID": str(9_000_000 + i), "rid": f"s{i}"}, attributes={"city": "Oslo"})
        for i in range(3)
    ]
    with Served(tmp_path / "served.sqlite3", tmp_path, {"limits": LIMITS_OFF}, admin=True) as served:
        spec = {"kind": "fault", "operation": "syncCustomObjects", "count": 1, "code": 10001}
        posted = served.admin_post("inject", spec)
        assert [i["id"] for i in served.admin_get("inject")] == [posted["id"]]
        with pytest.raises(RuntimeError, match="still running"), served.stored():
            pass
        with Client(
            served.endpoint, served.user.user_id, served.user.encryption_key, limits=Limits.unlimited()
        ) as c:
            report = c.sync_custom_objects("RoadShow", objects)  # the failed call is retried
        assert len(report.results) == 3 and not report.failed
        assert served.admin_get("inject") == []  # fired once, then spent
        totals = served.admin_get("calls")["totals"]["syncCustomObjects"]
        assert totals == {"10001": 1, "ok": 1}
        used = served.processor_seconds()
        assert used is None or used > 0
    with served.stored() as state:
        stored = {o["keys"]["MKTOID"] for o in state.custom_objects("RoadShow")}
    assert {str(9_000_000 + i) for i in range(3)} <= stored


def test_an_admin_call_without_the_admin_path_says_so(tmp_path: Path) -> None:
    with (
        Served(tmp_path / "plain.sqlite3", tmp_path) as served,
        pytest.raises(RuntimeError, match="without its admin path"),
    ):
        served.admin_post("inject", {"kind": "delay"})
