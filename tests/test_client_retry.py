"""Retries: only what is retryable, ambiguous failures only for repeatable operations, bounded, jittered."""

from __future__ import annotations

import pytest

from mktows import RetryPolicy, errors, operations
from mktows._operation_facts import REPEATABLE_OPERATIONS
from mktows._retry import classify
from mktows.errors import (
    FAULT_CODES,
    AccessDeniedError,
    AuthenticationError,
    ConcurrencyLimitError,
    Disposition,
    HTTPStatusError,
    InternalError,
    InvalidRequestError,
    MktowsError,
    NotFoundError,
    ProtocolError,
    QuotaExceededError,
    RateLimitError,
    RequestExpiredError,
    SoapFault,
    TransportError,
    UnsupportedOperationError,
)
from tests.stub_server import (
    GET_LEAD,
    GET_LEAD_OK,
    SYNC_LEAD,
    SYNC_LEAD_OK,
    Reply,
    Sleeps,
    StubServer,
    client_for,
    drop,
    empty,
    fault,
    html,
    truncated,
    xml,
)


def test_repeatable_operations_are_real_operations() -> None:
    assert set(REPEATABLE_OPERATIONS) <= set(operations.OPERATIONS)
    for name in ("syncLead", "syncMultipleLeads", "mergeLeads", "requestCampaign", "scheduleCampaign"):
        assert name not in REPEATABLE_OPERATIONS
    for name, op in operations.OPERATIONS.items():
        if name.startswith(("get", "describe", "list")) and name != "listOperation":
            assert name in REPEATABLE_OPERATIONS, op.name


@pytest.mark.parametrize(
    ("error", "delivered", "expected"),
    [
        (RateLimitError("x", code=20023), True, Disposition.THROTTLED),
        (ConcurrencyLimitError("x", code=20024), True, Disposition.THROTTLED),
        (QuotaExceededError("x", code=20015), True, Disposition.FATAL),
        (RequestExpiredError("x", code=20016), True, Disposition.RESIGN),
        (InternalError("x", code=20011), True, Disposition.AMBIGUOUS),
        (AuthenticationError("x", code=20014), True, Disposition.FATAL),
        (InvalidRequestError("x", code=20110), True, Disposition.FATAL),
        (SoapFault("x"), True, Disposition.FATAL),
        (TransportError("x"), False, Disposition.RETRY),
        (TransportError("x"), True, Disposition.AMBIGUOUS),
        (ProtocolError("x"), True, Disposition.AMBIGUOUS),
        (HTTPStatusError("x", status_code=503), True, Disposition.THROTTLED),
        (HTTPStatusError("x", status_code=429), True, Disposition.THROTTLED),
        (HTTPStatusError("x", status_code=408), True, Disposition.RETRY),
        (HTTPStatusError("x", status_code=502), True, Disposition.AMBIGUOUS),
        (HTTPStatusError("x", status_code=504), True, Disposition.AMBIGUOUS),
        (HTTPStatusError("x", status_code=404), True, Disposition.FATAL),
        (HTTPStatusError("x", status_code=200), True, Disposition.FATAL),
    ],
)
def test_classification(error: MktowsError, delivered: bool, expected: Disposition) -> None:
    assert classify(error, delivered=delivered) is expected


@pytest.mark.parametrize("code", sorted(FAULT_CODES))
def test_every_fault_code_agrees_with_its_retryable_flag(code: int) -> None:
    error = FAULT_CODES[code].error_class("x", code=code)
    disposition = classify(error)
    assert (disposition is not Disposition.FATAL) == error.retryable


def test_backoff_grows_with_full_jitter_and_is_capped() -> None:
    top = RetryPolicy(base_delay=0.5, max_delay=4.0, random=lambda: 1.0)
    assert [top.delay(n, TransportError("x")) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    bottom = RetryPolicy(base_delay=0.5, max_delay=4.0, random=lambda: 0.0)
    assert bottom.delay(3, TransportError("x")) == 0.0
    assert bottom.delay(1, RateLimitError("x", code=20023)) == bottom.throttle_delay
    assert bottom.delay(1, HTTPStatusError("x", status_code=503), retry_after=3.0) == 3.0
    assert bottom.delay(1, HTTPStatusError("x", status_code=503), retry_after=999.0) == 4.0


def test_total_time_bounds_the_retries() -> None:
    now = [0.0]
    policy = RetryPolicy(max_attempts=100, max_elapsed=10.0, random=lambda: 1.0, monotonic=lambda: now[0])
    error = TransportError("x")
    assert policy.next_delay("getLead", Disposition.RETRY, error, attempt=1, started=0.0) == 0.5
    now[0] = 9.5
    assert policy.next_delay("getLead", Disposition.RETRY, error, attempt=2, started=0.0) is None


def test_total_time_bounds_a_call() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    policy = RetryPolicy(
        max_attempts=100,
        max_elapsed=5.0,
        base_delay=1.0,
        random=lambda: 1.0,
        sleep=sleep,
        monotonic=lambda: now[0],
    )
    with StubServer(default=html(408)) as stub:
        with pytest.raises(HTTPStatusError):
            client_for(stub, retry=policy).ops.get_lead(GET_LEAD)
        assert len(stub.posts) == 3  # waits 1 + 2 fit in 5 s, a third wait of 4 would not
    assert now[0] == 3.0


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"max_elapsed": 0}, {"base_delay": -1}, {"max_delay": 0}, {"throttle_delay": -1}],
)
def test_policy_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def _run(
    replies: list[Reply], params: object = GET_LEAD, **policy: object
) -> tuple[object, StubServer, Sleeps]:
    """Call getLead (or syncLead) against ``replies`` then a success; the outcome, the stub and the sleeps."""
    sleeps = Sleeps()
    ok = SYNC_LEAD_OK if params is SYNC_LEAD else GET_LEAD_OK
    operation = "syncLead" if params is SYNC_LEAD else "getLead"
    with StubServer(*replies, default=xml(ok)) as stub:
        policy.setdefault("random", lambda: 0.5)
        policy.setdefault("monotonic", sleeps.clock)
        client = client_for(stub, retry=RetryPolicy(sleep=sleeps, **policy))  # type: ignore[arg-type]
        try:
            outcome: object = client.call(operation, params)
        except MktowsError as error:
            outcome = error
    return outcome, stub, sleeps


@pytest.mark.parametrize(
    "reply",
    [fault(20023), fault(20024), html(503), empty(503), Reply(status=429, body=b"", content_type=None)],
    ids=["20023", "20024", "html-503", "empty-503", "429"],
)
def test_refusals_are_retried_for_any_operation(reply: Reply) -> None:
    outcome, stub, sleeps = _run([reply], params=SYNC_LEAD)
    assert not isinstance(outcome, MktowsError), outcome
    assert len(stub.posts) == 2 and len(sleeps.waits) == 1


@pytest.mark.parametrize(
    "reply",
    [drop(), truncated(GET_LEAD_OK, 50), fault(20011), fault(10001), html(502), xml(b"<broken")],
    ids=["dropped", "truncated", "20011", "10001", "html-502", "malformed"],
)
def test_ambiguous_failures_are_retried_for_repeatable_operations(reply: Reply) -> None:
    outcome, stub, _ = _run([reply])
    assert not isinstance(outcome, MktowsError), outcome
    assert len(stub.posts) == 2


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (drop(), TransportError),
        (truncated(SYNC_LEAD_OK, 50), ProtocolError),
        (fault(20011), InternalError),
        (html(502), HTTPStatusError),
    ],
    ids=["dropped", "truncated", "20011", "html-502"],
)
def test_ambiguous_failures_are_not_repeated_for_other_operations(
    reply: Reply, error: type[MktowsError]
) -> None:
    outcome, stub, sleeps = _run([reply], params=SYNC_LEAD)
    assert isinstance(outcome, error)
    assert len(stub.posts) == 1 and sleeps.waits == []


def test_slow_answer_after_sending_is_ambiguous() -> None:
    sleeps = Sleeps()
    slow = Reply(body=SYNC_LEAD_OK, delay=2.0)
    with StubServer(slow, default=xml(SYNC_LEAD_OK)) as stub:
        client = client_for(stub, retry=RetryPolicy(sleep=sleeps), timeout=(2.0, 0.2))
        with pytest.raises(TransportError):
            client.ops.sync_lead(SYNC_LEAD)
        assert len(stub.posts) == 1
        with StubServer(slow, default=xml(GET_LEAD_OK)) as stub2:
            reader = client_for(stub2, retry=RetryPolicy(sleep=sleeps), timeout=(2.0, 0.2))
            assert reader.ops.get_lead(GET_LEAD).count == 0
            assert len(stub2.posts) == 2


@pytest.mark.parametrize(
    ("code", "error"),
    [(20015, QuotaExceededError), (20014, AuthenticationError), (20110, InvalidRequestError)],
)
def test_fatal_faults_fail_fast(code: int, error: type[MktowsError]) -> None:
    outcome, stub, sleeps = _run([fault(code)])
    assert isinstance(outcome, error)
    assert len(stub.posts) == 1 and sleeps.waits == []


def test_attempts_are_bounded() -> None:
    outcome, stub, sleeps = _run([fault(10001)] * 10, max_attempts=4)
    assert isinstance(outcome, InternalError)
    assert len(stub.posts) == 4 and len(sleeps.waits) == 3


def test_throttles_do_not_use_up_attempts_and_wait_for_the_window() -> None:
    outcome, stub, sleeps = _run([fault(20023)] * 6, max_attempts=2, random=lambda: 0.0)
    assert not isinstance(outcome, MktowsError), outcome
    assert len(stub.posts) == 7
    assert sleeps.waits == [20.0 * 1.05] * 6  # Marketo's 20 s window (plus the limits' margin) each time


def test_retry_after_is_honoured_beyond_max_delay() -> None:
    slow_down = Reply(status=429, body=b"", content_type=None, headers={"Retry-After": "90"})
    outcome, _, sleeps = _run([slow_down], max_delay=4.0)
    assert not isinstance(outcome, MktowsError), outcome
    assert sleeps.waits == [90.0]


def test_throttle_waits_stop_at_the_deadline() -> None:
    outcome, stub, sleeps = _run([fault(20023)] * 10, deadline=50.0)
    assert isinstance(outcome, RateLimitError)
    assert len(stub.posts) == 3  # paused 22.05 s twice; a third pause would end past the deadline
    assert sleeps.waits == [22.05, 22.05]


def test_max_throttle_wait_bounds_one_call() -> None:
    outcome, stub, sleeps = _run([fault(20024)] * 10, max_throttle_wait=5.0, throttle_delay=2.0)
    assert isinstance(outcome, ConcurrencyLimitError)
    assert sum(sleeps.waits) <= 5.0 and len(stub.posts) == len(sleeps.waits) + 1


def test_waits_follow_the_backoff() -> None:
    outcome, _, sleeps = _run([html(503)] * 3, base_delay=1.0, max_delay=100.0)
    assert not isinstance(outcome, MktowsError)
    assert sleeps.waits == [0.5, 1.0, 2.0]  # base * 2**n, times the injected random 0.5


def test_never_means_one_attempt() -> None:
    never = RetryPolicy.never()
    assert (never.max_attempts, never.max_throttle_wait) == (1, 0.0)
    outcome, stub, sleeps = _run([fault(20023)], max_attempts=1, max_throttle_wait=0.0)
    assert isinstance(outcome, RateLimitError)
    assert len(stub.posts) == 1 and sleeps.waits == []


def test_resign_does_not_use_up_attempts() -> None:
    outcome, stub, _ = _run([fault(20016), fault(20023)], max_attempts=2)
    assert not isinstance(outcome, MktowsError), outcome
    assert len(stub.posts) == 3
    assert outcome.attempts == 3  # type: ignore[attr-defined]


def test_repeatable_set_is_configurable() -> None:
    outcome, stub, _ = _run([drop()], params=SYNC_LEAD, repeatable=frozenset({"syncLead"}))
    assert not isinstance(outcome, MktowsError), outcome
    assert len(stub.posts) == 2


@pytest.mark.parametrize(
    ("error", "stops"),
    [
        (AuthenticationError("x", code=20014), True),
        (AccessDeniedError("x", code=20013), True),
        (QuotaExceededError("x", code=20015), True),
        (UnsupportedOperationError("x", code=20019), True),
        (RateLimitError("x", code=20023), True),
        (ConcurrencyLimitError("x", code=20024), True),
        (HTTPStatusError("x", status_code=429), True),
        (HTTPStatusError("x", status_code=503), True),
        (ProtocolError("x"), True),
        (InternalError("x", code=20011), False),
        (InvalidRequestError("x", code=20110), False),
        (NotFoundError("x", code=20103), False),
        (SoapFault("x"), False),
        (TransportError("x"), False),
        (HTTPStatusError("x", status_code=404), False),
        (HTTPStatusError("x", status_code=502), False),
    ],
)
def test_one_classification_decides_retries_and_whether_a_batch_run_stops(
    error: MktowsError, stops: bool
) -> None:
    classification = errors.classify(error)
    assert classification.stops_batch_run is stops
    assert classification.disposition is classify(error)
    assert error.retryable is (classification.disposition is not Disposition.FATAL)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 404, 200])
def test_http_status_retryable_follows_the_classification(status: int) -> None:
    assert HTTPStatusError("x", status_code=status).retryable is (status in (408, 429, 500, 502, 503, 504))
