"""Client-side limits: calls per sliding window and calls in flight, shared by threads and clients."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mktows import Client, Limits
from mktows._limits import Pause
from mktows.errors import MktowsError
from tests.stub_server import GET_LEAD, GET_LEAD_OK, Reply, StubServer, client_for, fault, xml


class FakeTime:
    """A monotonic clock whose ``sleep`` moves it on instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.now += seconds


def test_defaults_are_marketos_limits() -> None:
    client = Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", "u", "k" * 12)
    assert (client.limits.calls, client.limits.period, client.limits.concurrency) == (100, 20.0, 10)


def test_sliding_window_waits_for_the_oldest_call_to_leave() -> None:
    time = FakeTime()
    limits = Limits(calls=3, period=10.0, concurrency=None, margin=0.0, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        with limits.slot():
            pass
    assert time.waits == []
    time.now = 4.0
    with limits.slot():
        pass
    assert time.waits == [6.0]  # the calls at 0 s leave the window at 10 s
    assert limits.recent_calls() == 1


def test_window_is_sliding_not_fixed() -> None:
    time = FakeTime()
    limits = Limits(calls=2, period=10.0, concurrency=None, margin=0.0, clock=time.clock, sleep=time.sleep)
    limits.acquire()
    limits.release()
    time.now = 9.0
    limits.acquire()
    limits.release()
    time.now = 11.0  # the first call has left, the second has not
    limits.acquire()
    limits.release()
    assert time.waits == []
    limits.acquire()
    limits.release()
    assert time.waits == [8.0]  # until the call at 9 s leaves at 19 s


def test_margin_widens_the_window() -> None:
    time = FakeTime()
    limits = Limits(calls=1, period=20.0, concurrency=None, margin=0.05, clock=time.clock, sleep=time.sleep)
    for _ in range(2):
        with limits.slot():
            pass
    assert time.waits == [pytest.approx(21.0)]


def test_concurrency_slots() -> None:
    limits = Limits(calls=None, concurrency=2)
    entered = [threading.Event() for _ in range(3)]
    leave = [threading.Event() for _ in range(3)]

    def worker(index: int) -> None:
        with limits.slot():
            entered[index].set()
            assert leave[index].wait(10)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(3)]
    try:
        threads[0].start()
        threads[1].start()
        assert entered[0].wait(10) and entered[1].wait(10)
        assert limits.in_flight == 2
        threads[2].start()
        assert not entered[2].wait(0.3)  # a third call waits while two are in flight
        leave[0].set()
        assert entered[2].wait(10)
    finally:
        for event in leave:
            event.set()
        for thread in threads:
            thread.join(10)
    assert limits.in_flight == 0


def test_threads_of_one_client_share_its_limits() -> None:
    slow = Reply(body=GET_LEAD_OK, delay=0.05)
    with StubServer(default=slow) as stub:
        client = client_for(stub, limits=Limits(calls=None, concurrency=2))
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(lambda _: client.ops.get_lead(GET_LEAD).count, range(12)))
        assert results == [0] * 12
        assert 1 <= stub.max_in_flight <= 2


def test_clients_can_share_one_limits() -> None:
    shared = Limits(calls=None, concurrency=2)
    slow = Reply(body=GET_LEAD_OK, delay=0.05)
    with StubServer(default=slow) as stub:
        clients = [client_for(stub, limits=shared) for _ in range(3)]
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda i: clients[i % 3].ops.get_lead(GET_LEAD), range(12)))
        assert 1 <= stub.max_in_flight <= 2
    assert shared.in_flight == 0


def test_every_attempt_counts_against_the_window() -> None:
    time = FakeTime()
    limits = Limits(calls=2, period=60.0, concurrency=None, margin=0.0, clock=time.clock, sleep=time.sleep)
    with StubServer(fault(10001), default=xml(GET_LEAD_OK)) as stub:
        client = client_for(stub, limits=limits)
        client.ops.get_lead(GET_LEAD)  # two attempts (an internal error is retried): the window is full
        assert limits.recent_calls() == 2
        assert time.waits == []
        client.ops.get_lead(GET_LEAD)
        assert time.waits == [60.0]
        assert len(stub.posts) == 3


def test_slot_is_released_when_the_attempt_fails() -> None:
    limits = Limits(calls=None, concurrency=1)
    with StubServer(default=Reply(status=500, body=b"<broken", content_type="text/xml")) as stub:
        client = client_for(stub, limits=limits)
        for _ in range(3):
            with pytest.raises(MktowsError):
                client.ops.get_lead(GET_LEAD)
    assert limits.in_flight == 0


def test_release_without_acquire_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        Limits().release()


@pytest.mark.parametrize(
    "kwargs", [{"calls": 0}, {"period": 0}, {"concurrency": 0}, {"margin": 1.0}, {"calls": 1.5}]
)
def test_limits_refuse_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Limits(**kwargs)  # type: ignore[arg-type]


def test_unlimited() -> None:
    limits = Limits.unlimited()
    for _ in range(1000):
        limits.acquire()
    assert limits.in_flight == 1000


def test_a_pause_holds_back_every_call_until_it_ends() -> None:
    time = FakeTime()
    limits = Limits(calls=None, concurrency=None, clock=time.clock, sleep=time.sleep)
    seen: list[Pause] = []
    limits.on_pause = seen.append
    limits.pause(21.0, "20023 Rate Limit Exceeded")
    limits.pause(5.0, "20024")  # a shorter pause inside a longer one changes nothing
    assert limits.paused() == Pause(21.0, "20023 Rate Limit Exceeded")
    time.now = 1.0
    with limits.slot():
        pass
    assert time.waits == [20.0] and limits.paused() is None
    assert seen == [Pause(21.0, "20023 Rate Limit Exceeded")]


def test_a_throttled_call_pauses_the_other_clients_of_shared_limits() -> None:
    time = FakeTime()
    shared = Limits(clock=time.clock, sleep=time.sleep)
    seen: list[Pause] = []
    shared.on_pause = seen.append
    with StubServer(fault(20023), default=xml(GET_LEAD_OK)) as stub:
        throttled, other = (client_for(stub, limits=shared) for _ in range(2))
        throttled.ops.get_lead(GET_LEAD)
        assert len(seen) == 1 and seen[0].reason == "20023 Rate Limit Exceeded"
        assert 21.0 <= seen[0].remaining <= 21.0 * 1.1  # the service's 20 s window (plus margin and jitter)
        shared.pause(30.0, "HTTP 503")
        other.ops.get_lead(GET_LEAD)
        assert time.waits[-1] == pytest.approx(30.0)
        assert len(stub.posts) == 3
