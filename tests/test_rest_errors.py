"""REST failures: each answer becomes a result or one mktows.errors class, retried only where that is safe."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktows import Limits, RetryPolicy
from mktows._retry import classify
from mktows._transport import HttpResponse
from mktows.errors import (
    FAULT_CODES,
    REST_ERROR_CODES,
    AccessDeniedError,
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
    ServiceUnavailableError,
    SoapFault,
    fault_for,
    rest_error_for,
)
from mktows.rest import RestClient
from mktows.rest._envelope import decode
from tests.rest_stub import JSON, RestStub, error, ok, raw_json
from tests.stub_server import Reply, Sleeps, html
from tests.test_client_limits import FakeTime
from tests.test_rest_auth import rest_client

NEVER = RetryPolicy.never()
LEADS = "/rest/v1/leads.json"


def _get_fails(reply: Reply, expected: type[MktowsError], **options: Any) -> MktowsError:
    options.setdefault("retry", NEVER)
    with RestStub(default=reply) as stub:
        with pytest.raises(expected) as caught:
            rest_client(stub, **options).get(LEADS, {"filterType": "id", "filterValues": "1"})
        assert len(stub.calls) == 1
    return caught.value


def test_rest_codes_map_to_the_soap_families_and_keep_their_code() -> None:
    expected = {
        601: "AccessTokenError",
        602: "AccessTokenError",
        603: "AccessDeniedError",
        604: "InternalError",
        606: "RateLimitError",
        607: "QuotaExceededError",
        608: "ServiceUnavailableError",
        609: "InvalidRequestError",
        610: "NotFoundError",
        611: "InternalError",
        615: "ConcurrencyLimitError",
        1003: "InvalidRequestError",
        1013: "NotFoundError",
    }
    for code, name in expected.items():
        err = rest_error_for(code, "text", operation="op")
        assert type(err).__name__ == name and err.code == code and err.protocol == "rest"
        assert err.title == REST_ERROR_CODES[code].title
    assert not set(REST_ERROR_CODES) & set(FAULT_CODES)  # REST and SOAP numbers never collide
    assert fault_for(20023, "x").protocol == "soap"
    unknown = rest_error_for(799, "new code")
    assert type(unknown) is SoapFault and unknown.code == 799 and unknown.title == ""


def test_rest_errors_pickle_with_their_protocol() -> None:
    err = rest_error_for(606, "Max rate limit '100' exceeded with in '20' secs", operation="getLeads")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is RateLimitError and back.protocol == "rest" and back.code == 606
    assert str(back) == str(err)


@pytest.mark.parametrize(
    ("code", "disposition"),
    [
        (601, Disposition.RESIGN),
        (602, Disposition.RESIGN),
        (604, Disposition.AMBIGUOUS),
        (606, Disposition.THROTTLED),
        (607, Disposition.FATAL),
        (608, Disposition.RETRY),
        (611, Disposition.AMBIGUOUS),
        (615, Disposition.THROTTLED),
        (603, Disposition.FATAL),
        (609, Disposition.FATAL),
        (1003, Disposition.FATAL),
    ],
)
def test_dispositions_of_rest_codes(code: int, disposition: Disposition) -> None:
    assert classify(rest_error_for(code, "x")) is disposition


@pytest.mark.parametrize("code", [606, 615])
def test_throttles_pause_every_caller_and_retry_any_call(code: int) -> None:
    time = FakeTime()
    limits = Limits(clock=time.clock, sleep=time.sleep)
    with RestStub(error(code, "limit"), error(code, "limit"), ok([{"id": 1, "status": "created"}])) as stub:
        client = rest_client(stub, limits=limits)  # a create: a refused call never ran, so it is sent again
        page = client.post(LEADS, {"action": "createOnly", "input": [{"email": "a"}]})
        assert len(stub.calls) == 3
    assert page.result == [{"id": 1, "status": "created"}]
    assert len(time.waits) >= 2
    if code == 606:  # the rate window: every caller of these limits waits until it has cleared
        assert time.now >= 2 * 20.0


def test_daily_quota_is_fatal_at_once() -> None:
    err = _get_fails(error(607, "Daily quota reached"), QuotaExceededError, retry=RetryPolicy(sleep=Sleeps()))
    assert err.code == 607 and err.protocol == "rest" and "Daily quota reached" in str(err)


@pytest.mark.parametrize("code", [604, 611])
def test_ambiguous_codes_are_retried_for_reads_only(code: int) -> None:
    with RestStub(error(code), ok([{"id": 1}])) as stub:
        assert rest_client(stub).get(LEADS, {"filterType": "id", "filterValues": "1"}).result == [{"id": 1}]
        assert len(stub.calls) == 2
    with RestStub(error(code), ok()) as stub:
        with pytest.raises(InternalError) as caught:
            rest_client(stub).post(LEADS, {"action": "createOnly", "input": [{"email": "a"}]})
        assert len(stub.calls) == 1  # a create may have run: never sent twice
    assert caught.value.code == code
    with RestStub(error(code), ok()) as stub:  # a keyed write the caller marks as repeatable
        rest_client(stub).post("/rest/v1/customobjects/car_c.json", {"input": []}, repeatable=True)
        assert len(stub.calls) == 2


def test_temporarily_unavailable_is_retried_even_for_a_write() -> None:
    with RestStub(error(608, "API Temporarily Unavailable"), ok([{"id": 3}])) as stub:
        page = rest_client(stub).post(LEADS, {"action": "createOnly", "input": [{"email": "a"}]})
        assert page.result == [{"id": 3}] and len(stub.calls) == 2


def test_retries_are_bounded() -> None:
    with RestStub(default=error(608)) as stub:
        with pytest.raises(ServiceUnavailableError):
            rest_client(stub, retry=RetryPolicy(max_attempts=3, sleep=Sleeps())).get(LEADS)
        assert len(stub.calls) == 3


def test_throttle_waits_are_bounded() -> None:
    time = FakeTime()
    limits = Limits(clock=time.clock, sleep=time.sleep)
    retry = RetryPolicy(sleep=time.sleep, monotonic=time.clock, max_throttle_wait=60.0)
    with RestStub(default=error(606)) as stub:
        with pytest.raises(RateLimitError):
            rest_client(stub, retry=retry, limits=limits).get(LEADS)
        assert 2 <= len(stub.calls) <= 4  # windows of 20 s and more until 60 s of waiting would be passed


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (html(413, "Request Entity Too Large"), 413),
        (html(414, "Request-URI Too Long"), 414),
        (html(404, "Not Found"), 404),
        (Reply(status=302, body=b"", headers={"Location": "/elsewhere"}), 302),
        (Reply(status=200, body=b"<html>maintenance</html>", content_type="text/html"), 200),
        (Reply(status=200, body=b"", content_type=JSON), 200),
    ],
    ids=["413", "414", "404", "302", "200-html", "200-empty"],
)
def test_non_json_answers_are_http_status_errors(reply: Reply, status: int) -> None:
    err = _get_fails(reply, HTTPStatusError, retry=RetryPolicy(sleep=Sleeps()))
    assert isinstance(err, HTTPStatusError) and err.status_code == status


def test_a_gateway_502_is_retried_for_reads_and_not_for_creates() -> None:
    with RestStub(html(502), ok([{"id": 1}])) as stub:
        rest_client(stub).get(LEADS, {"filterType": "id", "filterValues": "1"})
        assert len(stub.calls) == 2
    with RestStub(html(502), ok()) as stub:
        with pytest.raises(HTTPStatusError) as caught:
            rest_client(stub).post(LEADS, {"action": "createOnly", "input": [{"email": "a"}]})
        assert len(stub.calls) == 1 and caught.value.status_code == 502
    assert "Bad Gateway" in caught.value.body_excerpt


def test_an_error_envelope_with_an_error_status_is_read_for_its_code() -> None:
    err = _get_fails(
        raw_json(json.dumps({"success": False, "errors": [{"code": "610"}]}), 404), NotFoundError
    )
    assert err.code == 610


@pytest.mark.parametrize(
    "body",
    [
        b'{"requestId": "1", "success": true, "result": [{"id": 1}',  # cut short
        b"not json at all",
        b'{"requestId": "1", "success": tr',
        b"[1, 2, 3]",
        b'{"requestId": "1", "result": []}',  # no success member
        b'{"requestId": "1", "success": "yes", "result": []}',
        b'{"requestId": "1", "success": true, "result": {"id": 1}}',
        b'{"requestId": "1", "success": true, "result": [], "moreResult": "true"}',
        b'{"requestId": "1", "success": false}',  # failure without errors
        b'{"requestId": "1", "success": true, "result": [NaN]}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"n": ' + b"9" * 50_000 + b"}",
    ],
    ids=[
        "cut",
        "garbage",
        "cut-literal",
        "array",
        "no-success",
        "string-success",
        "object-result",
        "string-moreResult",
        "failure-without-errors",
        "nan",
        "not-utf8",
        "deep",
        "huge-int",
    ],
)
def test_malformed_json_is_a_protocol_error(body: bytes) -> None:
    err = _get_fails(raw_json(body), ProtocolError)
    assert err.operation


def test_truncated_body_is_a_protocol_error_and_a_read_is_retried() -> None:
    body = json.dumps({"requestId": "1", "success": True, "result": [{"id": 1}] * 50}).encode()
    with RestStub(raw_json(body, keep=40, action="truncate"), raw_json(body)) as stub:
        page = rest_client(stub).get(LEADS, {"filterType": "id", "filterValues": "1"})
        assert len(page.result) == 50 and len(stub.calls) == 2
    with RestStub(raw_json(body, keep=40, action="truncate-close")) as stub, pytest.raises(ProtocolError):
        rest_client(stub, retry=NEVER).get(LEADS)


def test_per_record_failures_are_data_not_exceptions() -> None:
    records = [
        {"seq": 0, "id": 50, "status": "created"},
        {"seq": 1, "status": "skipped", "reasons": [{"code": "1005", "message": "Lead already exists"}]},
    ]
    with RestStub(ok(records, warnings=[{"code": "1", "message": "w"}])) as stub:
        page = rest_client(stub).post(LEADS, {"action": "createOnly", "input": [{}, {}]})
    assert list(page.result) == records and page.warnings == ({"code": "1", "message": "w"},)
    assert page.request_id == "e42b#14272d07d78"


def test_several_errors_are_all_in_the_message_and_the_first_decides_the_family() -> None:
    body = {
        "requestId": "abc#1",
        "success": False,
        "errors": [{"code": "1003", "message": "Too many results"}, {"code": "703", "message": "Off"}],
    }
    err = _get_fails(raw_json(json.dumps(body)), InvalidRequestError)
    assert err.code == 1003 and "Too many results" in str(err) and "703 Off" in str(err)
    assert "abc#1" in str(err)


def test_families_catch_rest_and_soap_alike() -> None:
    for code in (606, 20023):
        err = rest_error_for(code, "x") if code < 10000 else fault_for(code, "x")
        assert isinstance(err, RateLimitError)
    assert isinstance(rest_error_for(615, "x"), ConcurrencyLimitError)
    assert isinstance(rest_error_for(603, "x"), AccessDeniedError)
    assert isinstance(rest_error_for(608, "x"), ServiceUnavailableError)


def test_client_constructor_checks_its_input_without_io() -> None:
    for endpoint in ("ftp://x/rest", "https://123-ABC-456.mktorest.com/soap", "https://u:p@h/rest", "nope"):
        with pytest.raises(ValueError):
            RestClient(endpoint, "id", "secret")
    with pytest.raises(ValueError):
        RestClient("https://123-ABC-456.mktorest.com/rest", "id", "")
    client = RestClient("https://123-ABC-456.mktorest.com/rest/", "id", "secret")
    assert client.identity_endpoint == "https://123-ABC-456.mktorest.com/identity"
    for path in ("v1/leads.json", "//evil.example/rest", "/rest/v1/leads.json?x=1"):
        with pytest.raises(ValueError):
            client.get(path)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "requestId": JSON_VALUES,
        "success": st.booleans() | JSON_VALUES,
        "result": JSON_VALUES,
        "errors": st.lists(
            st.fixed_dictionaries({}, optional={"code": JSON_VALUES, "message": JSON_VALUES}), max_size=3
        )
        | JSON_VALUES,
        "nextPageToken": JSON_VALUES,
        "moreResult": JSON_VALUES,
        "warnings": JSON_VALUES,
    },
)


@settings(max_examples=400, deadline=None)
@given(ENVELOPES | JSON_VALUES, st.sampled_from([200, 200, 400, 500, 502, 606]))
def test_any_json_answer_is_an_envelope_or_one_mktows_error(value: object, status: int) -> None:
    content = json.dumps(value).encode()
    response = HttpResponse(status, "", {"content-type": JSON}, content)
    try:
        page = decode(response, "op")
    except MktowsError as exc:
        assert str(exc)
        return
    assert status == 200 and isinstance(value, dict) and value["success"] is True
    assert isinstance(page.result, list) and isinstance(page.more_result, bool)
