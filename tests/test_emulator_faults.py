"""Fault injection, from Python and over the admin HTTP path: each kind (SOAP fault, HTTP status page, delay,
dropped connection, truncated body), whether the call took effect, targeting and counting."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from mktows import codec
from mktows.emulator import Emulator
from mktows.errors import InternalError, ProtocolError, RateLimitError, SoapFault
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    Attribute,
    CustomObj,
    LeadKey,
    LeadKeyRef,
    ParamsGetLead,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)
from tests.emulator_support import TIMEOUT, assert_fault, call, fault_of, post, request_bytes, running

DELAY = 0.5  # seconds of injected delay
SLACK = 15.0  # seconds: a bound, not a speed claim
GET_LEAD = ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.IDNUM, key_value="2"))


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from running(settings={"admin": True})


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.reset()
    return server


def sync_params(rid: str) -> ParamsSyncCustomObjects:
    return ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        custom_obj_list=ArrayOfCustomObj(
            custom_obj=[
                CustomObj(
                    custom_obj_key_list=ArrayOfAttribute(
                        attribute=[
                            Attribute(attr_name="MKTOID", attr_value="9"),
                            Attribute(attr_name="rid", attr_value=rid),
                        ]
                    ),
                    custom_obj_attribute_list=None,
                )
            ]
        ),
        operation=SyncOperationEnum.UPSERT,
    )


def exists(emulator: Emulator, rid: str) -> bool:
    return emulator.state.custom_object("RoadShow", MKTOID="9", rid=rid) is not None


def send_sync(emulator: Emulator, rid: str) -> requests.Response:
    return post(emulator, request_bytes(emulator, "syncCustomObjects", sync_params(rid)))


def test_a_soap_fault_for_the_next_call_only_and_without_effect(emulator: Emulator) -> None:
    injection = emulator.inject("syncCustomObjects", "fault", code=20023)
    fault = fault_of(emulator, "syncCustomObjects", sync_params("a"))
    assert isinstance(fault, RateLimitError)
    assert not exists(emulator, "a")
    assert injection.fired == 1
    call(emulator, "syncCustomObjects", sync_params("a"))
    assert exists(emulator, "a")
    assert [c.injected for c in emulator.calls[-2:]] == ["fault", None]


def test_an_http_status_with_an_html_page(emulator: Emulator) -> None:
    emulator.inject("sync_custom_objects", "http", status=502, count=2)
    for _ in range(2):
        response = send_sync(emulator, "b")
        assert response.status_code == 502
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"<html>" in response.content
    assert not exists(emulator, "b")
    assert send_sync(emulator, "b").status_code == 200


def _timed(operation: str, emulator: Emulator) -> float:
    """Seconds (monotonic clock) one successful call of ``operation`` takes, end to end."""
    started = time.monotonic()
    assert call(emulator, operation, GET_LEAD).count == 1
    return time.monotonic() - started


def test_a_delay_then_a_normal_answer(emulator: Emulator) -> None:
    """The injected delay really passes before the answer (at least ``seconds``; the upper bound only guards
    against a unit slip, generous for a loaded machine), and only on the calls it was injected for."""
    emulator.inject(None, "delay", seconds=DELAY)
    assert DELAY <= _timed("getLead", emulator) < DELAY + SLACK
    assert emulator.calls[-1].injected == "delay"
    assert _timed("getLead", emulator) < DELAY + SLACK
    assert emulator.calls[-1].injected is None


def test_a_delay_holds_its_concurrency_slot() -> None:
    """While a delayed call waits, it counts against the user's concurrent calls: a second call is refused
    with 20024 until the delay ends."""
    with Emulator(limits={"max_concurrent": 1, "rate_calls": None}) as emulator:
        injection = emulator.inject("getLead", "delay", seconds=DELAY * 4)
        with ThreadPoolExecutor(max_workers=1) as pool:
            slow = pool.submit(_timed, "getLead", emulator)
            deadline = time.monotonic() + SLACK
            while injection.fired == 0 and time.monotonic() < deadline:  # the delayed call holds the slot
                time.sleep(0.01)
            assert_fault(send_sync(emulator, "slot"), 20024)
            assert slow.result(timeout=SLACK) >= DELAY * 4
            assert not exists(emulator, "slot")
        assert send_sync(emulator, "slot").status_code == 200


@pytest.mark.parametrize("after_processing", [False, True])
def test_a_dropped_connection_gets_no_http_response(emulator: Emulator, after_processing: bool) -> None:
    emulator.inject("syncCustomObjects", "drop", after_processing=after_processing)
    with pytest.raises(requests.ConnectionError):
        send_sync(emulator, "c")
    assert exists(emulator, "c") is after_processing
    assert send_sync(emulator, "d").status_code == 200  # the server is fine afterwards


def test_a_truncated_body_with_the_full_content_length(emulator: Emulator) -> None:
    emulator.inject("syncCustomObjects", "truncate", at=0.5)
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        send_sync(emulator, "e")
    assert exists(emulator, "e")  # the call took effect; only its answer was lost


def test_a_truncated_body_in_a_complete_http_response(emulator: Emulator) -> None:
    emulator.inject("syncCustomObjects", "truncate", at=100, keep_length=False)
    response = send_sync(emulator, "f")
    assert response.status_code == 200
    assert len(response.content) == 100 == int(response.headers["Content-Length"])
    with pytest.raises(ProtocolError):
        codec.decode_response("syncCustomObjects", response.content)


def test_an_injection_targets_its_operation_and_counts(emulator: Emulator) -> None:
    injection = emulator.inject("syncCustomObjects", "fault", count=None, every=2)
    assert call(emulator, "getLead", GET_LEAD).count == 1  # another operation is untouched
    outcomes = []
    for n in range(4):
        try:
            call(emulator, "syncCustomObjects", sync_params(f"g{n}"))
            outcomes.append("ok")
        except InternalError as fault:
            outcomes.append(str(fault.code))
    assert outcomes == ["20011", "ok", "20011", "ok"]
    assert (injection.matched, injection.fired, injection.active) == (4, 2, True)
    emulator.clear_injections()
    call(emulator, "syncCustomObjects", sync_params("g9"))


def test_bad_injections_are_refused(emulator: Emulator) -> None:
    for kind, options in [
        ("explode", {}),
        ("fault", {"count": 0}),
        ("http", {"status": 99}),
        ("fault", {"colour": 1}),
    ]:
        with pytest.raises(ValueError):
            emulator.inject("syncCustomObjects", kind, **options)
    with pytest.raises(ValueError):
        emulator.inject("noSuchOperation", "fault")


def admin(emulator: Emulator, method: str, route: str, data: object = None) -> requests.Response:
    """An admin request as a test tool sends it: the run's token, a JSON body (``{}`` for a bare POST)."""
    if data is None and method == "POST":
        data = {}
    return requests.request(
        method,
        f"{emulator.base_url}/_admin/{route}",
        data=None if data is None else json.dumps(data),
        headers={"Authorization": f"Bearer {emulator.admin_token}", "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )


def test_injection_over_http(emulator: Emulator) -> None:
    created = admin(
        emulator,
        "POST",
        "inject",
        {"operation": "syncCustomObjects", "kind": "fault", "code": 20024, "count": 2},
    )
    assert created.status_code == 200
    assert created.json()["code"] == 20024
    assert [i["kind"] for i in admin(emulator, "GET", "inject").json()] == ["fault"]
    assert_fault(send_sync(emulator, "h"), 20024)
    assert admin(emulator, "DELETE", "inject").status_code == 200
    assert send_sync(emulator, "h").status_code == 200
    admin(emulator, "POST", "inject", {"kind": "drop"})
    with pytest.raises(requests.ConnectionError):
        send_sync(emulator, "i")
    totals = admin(emulator, "GET", "calls").json()["totals"]
    assert totals["syncCustomObjects"]["20024"] == 1
    assert admin(emulator, "POST", "inject", {"kind": "nonsense"}).status_code == 400
    assert admin(emulator, "POST", "inject", "not an object").status_code == 400


def test_reset_over_http_restores_the_seed(emulator: Emulator) -> None:
    call(emulator, "syncCustomObjects", sync_params("j"))
    assert admin(emulator, "POST", "reset").status_code == 200
    assert not exists(emulator, "j")
    assert emulator.state.custom_object("RoadShow", MKTOID="1090177", rid="rid1") is not None


def test_the_admin_path_is_off_by_default() -> None:
    with Emulator() as emulator:
        assert emulator.admin_token is None
        assert admin(emulator, "POST", "inject", {"kind": "drop"}).status_code == 404
        assert send_sync(emulator, "k").status_code == 200


def test_injections_count_their_own_calls_and_take_turns(emulator: Emulator) -> None:
    first = emulator.inject("getLead", "fault", count=None, every=3, code=20011)
    second = emulator.inject("getLead", "fault", count=None, every=3, offset=1, code=20013)
    outcomes = []
    for _ in range(6):
        try:
            call(emulator, "getLead", GET_LEAD)
            outcomes.append("ok")
        except SoapFault as fault:
            outcomes.append(str(fault.code))
    assert outcomes == ["20011", "20013", "ok", "20011", "20013", "ok"]
    assert (first.matched, first.fired, second.matched, second.fired) == (6, 2, 6, 2)
