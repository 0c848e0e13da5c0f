"""Marketo's limits in the emulator (scaled down so the tests stay fast): calls per window (20023), calls in
flight (20024), the daily quota (20015, kept across restarts, reset at 12:00 AM CST); and ten clients at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mktows.emulator import Emulator
from mktows.emulator.operations import HANDLERS
from mktows.emulator.timeutil import quota_day
from mktows.errors import ConcurrencyLimitError, QuotaExceededError, RateLimitError, SoapFault
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    Attribute,
    CustomObj,
    ParamsListMObjects,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)
from tests.emulator_support import call, fault_of

LIST = ParamsListMObjects()


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_more_calls_than_the_rate_allows_is_20023() -> None:
    with Emulator(limits={"rate_calls": 5, "rate_window": 0.5}) as emulator:
        for _ in range(5):
            call(emulator, "listMObjects", LIST)
        fault = fault_of(emulator, "listMObjects", LIST)
        assert isinstance(fault, RateLimitError)
        assert fault.code == 20023
        time.sleep(0.6)  # the window slides: the first calls no longer count
        assert call(emulator, "listMObjects", LIST).objects


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """listMObjects calls wait (bounded) until the event is set, so they stay in flight."""
    release = threading.Event()
    original = HANDLERS["listMObjects"]

    def waiting(ctx: Any, params: Any) -> Any:
        release.wait(10)
        return original(ctx, params)

    monkeypatch.setitem(HANDLERS, "listMObjects", waiting)
    yield release
    release.set()


def test_more_calls_in_flight_than_allowed_is_20024(held: threading.Event) -> None:
    with Emulator(limits={"max_concurrent": 10}) as emulator:
        results: list[Any] = []

        def one() -> None:
            try:
                results.append(call(emulator, "listMObjects", LIST))
            except SoapFault as fault:  # pragma: no cover - reported by the assertion below
                results.append(fault)

        threads = [threading.Thread(target=one) for _ in range(10)]
        for thread in threads:
            thread.start()
        _wait_for(lambda: emulator.app.limiter.in_flight == 10)
        fault = fault_of(emulator, "getCampaignsForSource", _campaigns())
        assert isinstance(fault, ConcurrencyLimitError)
        assert fault.code == 20024
        held.set()
        for thread in threads:
            thread.join(10)
        assert len(results) == 10
        assert all(not isinstance(r, SoapFault) for r in results), results
        assert call(emulator, "listMObjects", LIST).objects  # the slots are free again


def _campaigns() -> Any:
    from mktows.types import ParamsGetCampaignsForSource, ReqCampSourceType

    return ParamsGetCampaignsForSource(source=ReqCampSourceType.MKTOWS)


def _objects(worker: int, batch: int) -> ParamsSyncCustomObjects:
    objects = [
        CustomObj(
            custom_obj_key_list=ArrayOfAttribute(
                attribute=[
                    Attribute(attr_name="MKTOID", attr_value=str(worker)),
                    Attribute(attr_name="rid", attr_value=f"{batch}-{n}"),
                ]
            ),
            custom_obj_attribute_list=ArrayOfAttribute(
                attribute=[Attribute(attr_name="city", attr_value=f"c{n}")]
            ),
        )
        for n in range(20)
    ]
    return ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        custom_obj_list=ArrayOfCustomObj(custom_obj=objects),
        operation=SyncOperationEnum.UPSERT,
    )


def test_ten_clients_at_once_are_all_served(tmp_path: Path) -> None:
    with Emulator(db_path=tmp_path / "state.sqlite3", limits={"rate_calls": None}) as emulator:
        errors: list[BaseException] = []
        statuses: list[str] = []
        lock = threading.Lock()

        def worker(number: int) -> None:
            try:
                for batch in range(5):
                    result = call(emulator, "syncCustomObjects", _objects(1000 + number, batch))
                    with lock:
                        statuses.extend(
                            s.status.value for s in result.sync_custom_obj_status_list.sync_custom_obj_status
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert statuses == ["CREATED"] * 1000
        stored = [
            r for r in emulator.state.custom_objects("RoadShow") if 1000 <= int(r["keys"]["MKTOID"]) < 1010
        ]
        assert len(stored) == 1000


class MutableClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_the_daily_quota_is_20015_survives_a_restart_and_resets_at_cst_midnight(tmp_path: Path) -> None:
    clock = MutableClock(datetime(2026, 3, 4, 5, 0, tzinfo=UTC))  # 11 PM CST on March 3
    options: dict[str, Any] = {
        "db_path": tmp_path / "quota.sqlite3",
        "clock": clock,
        "limits": {"daily_quota": 3},
        "settings": {"freshness_check": False},
    }
    with Emulator(**options) as emulator:
        for _ in range(3):
            call(emulator, "listMObjects", LIST)
        fault = fault_of(emulator, "listMObjects", LIST)
        assert isinstance(fault, QuotaExceededError)
        assert not fault.retryable
    with Emulator(**options) as emulator:
        assert fault_of(emulator, "listMObjects", LIST).code == 20015
        clock.moment += timedelta(hours=1)  # midnight CST
        assert call(emulator, "listMObjects", LIST).objects


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 1, 2, 5, 59, 59, tzinfo=UTC), "2026-01-01"),
        (datetime(2026, 1, 2, 6, 0, 0, tzinfo=UTC), "2026-01-02"),
        (datetime(2026, 7, 1, 23, 0, 0, tzinfo=UTC), "2026-07-01"),
    ],
)
def test_the_quota_day_starts_at_midnight_cst(moment: datetime, day: str) -> None:
    assert quota_day(moment) == day


def test_limits_can_be_switched_off() -> None:
    with Emulator(limits={"rate_calls": None, "daily_quota": None, "max_concurrent": None}) as emulator:
        for _ in range(30):
            call(emulator, "listMObjects", LIST)
        assert emulator.app.limiter.calls_today() == 30
