"""OAuth for mktows.rest: the token is fetched, cached, renewed before expiry and once on 601/602, shared."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from mktows import RetryPolicy
from mktows.errors import AccessTokenError, AuthenticationError, HTTPStatusError
from mktows.rest import RestClient
from tests.rest_stub import CLIENT_ID, CLIENT_SECRET, IDENTITY_PATH, RestStub, error, ok, raw_json
from tests.stub_server import FakeClock, Sleeps, html


def rest_client(stub: RestStub, **options: Any) -> RestClient:
    """A client of the stub with recorded (not real) sleeps and short timeouts."""
    options.setdefault("retry", RetryPolicy(sleep=Sleeps()))
    options.setdefault("timeout", (2.0, 5.0))
    return RestClient(stub.rest_endpoint, CLIENT_ID, CLIENT_SECRET, **options)


def test_token_is_fetched_with_the_secret_in_a_form_body_and_sent_as_a_bearer_header() -> None:
    with RestStub(ok([{"id": 1}])) as stub:
        page = rest_client(stub).get("/rest/v1/leads.json", {"filterType": "id", "filterValues": "1"})
        (fetch,) = stub.identity_requests
        (call,) = stub.calls
    assert page.result == [{"id": 1}]
    assert fetch.method == "POST" and fetch.path == IDENTITY_PATH  # nothing in the URL
    form = parse_qs(fetch.body.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }
    assert call.headers["authorization"] == f"Bearer {stub.issued[0]}"
    assert "access_token" not in call.path and stub.issued[0] not in call.path


def test_identity_endpoint_defaults_to_the_same_host_and_can_be_given() -> None:
    with RestStub(ok()) as stub, RestStub(ok()) as identity:
        client = rest_client(stub, identity_endpoint=f"http://127.0.0.1:{identity.port}/identity")
        assert RestClient(stub.rest_endpoint, CLIENT_ID, CLIENT_SECRET).identity_endpoint == (
            f"http://127.0.0.1:{stub.port}/identity"
        )
        with pytest.raises(AccessTokenError):  # the REST stub does not know the other stub's tokens
            client.get("/rest/v1/leads.json")
        assert len(identity.identity_requests) == 2 and not stub.identity_requests  # first, then renewal


def test_token_is_cached_across_calls() -> None:
    with RestStub(default=ok()) as stub:
        client = rest_client(stub)
        for _ in range(5):
            client.get("/rest/v1/activities/types.json")
        assert len(stub.identity_requests) == 1 and client.token_fetches == 1
        assert {call.headers["authorization"] for call in stub.calls} == {f"Bearer {stub.issued[0]}"}


def test_token_is_renewed_before_it_expires() -> None:
    clock = FakeClock()
    with RestStub(default=ok(), expires_in=3600) as stub:
        client = rest_client(stub, clock=clock)
        client.get("/rest/v1/activities/types.json")
        clock.now += timedelta(seconds=3600 - 61)
        client.get("/rest/v1/activities/types.json")
        assert len(stub.issued) == 1
        clock.now += timedelta(seconds=2)  # inside the last minute: renewed before use, no 602 needed
        client.get("/rest/v1/activities/types.json")
        assert len(stub.issued) == 2
        assert stub.calls[-1].headers["authorization"] == f"Bearer {stub.issued[1]}"
        assert len(stub.calls) == 3  # no call was refused and resent


def test_a_token_answered_again_before_expiry_is_kept_until_it_expires() -> None:
    clock = FakeClock()
    first = raw_json('{"access_token": "tok-same-5ecret", "expires_in": 30, "token_type": "bearer"}')
    again = raw_json('{"access_token": "tok-same-5ecret", "expires_in": 2, "token_type": "bearer"}')
    with RestStub(default=ok()) as stub:
        stub.identity_replies.extend([first] + [again] * 5)
        stub._valid.add("tok-same-5ecret")
        client = rest_client(stub, clock=clock)
        client.get("/rest/v1/activities/types.json")
        clock.now += timedelta(seconds=28)  # within the renewal margin: fetched again, same token back
        client.get("/rest/v1/activities/types.json")
        for _ in range(3):
            clock.now += timedelta(seconds=0.6)
            client.get("/rest/v1/activities/types.json")
        assert len(stub.identity_requests) == 2  # not again on each call of its last seconds


@pytest.mark.parametrize(("refusal", "code"), [("expire_tokens", 602), ("revoke_tokens", 601)])
def test_601_and_602_renew_the_token_and_resend_once(refusal: str, code: int) -> None:
    with RestStub(ok([{"id": 7}])) as stub:
        client = rest_client(stub)
        client._tokens.token()  # the first token, refused below before the call uses it
        getattr(stub, refusal)()
        page = client.post("/rest/v1/leads.json", {"input": [{"email": "a@example.com"}]})
        assert page.result == [{"id": 7}]
        assert len(stub.identity_requests) == 2
        assert [c.headers["authorization"] for c in stub.calls] == [
            f"Bearer {stub.issued[0]}",
            f"Bearer {stub.issued[1]}",
        ]


def test_a_second_602_in_the_same_call_is_fatal() -> None:
    with RestStub(default=error(602, "Access token expired")) as stub:
        stub.revoke_tokens()
        client = rest_client(stub)
        with pytest.raises(AccessTokenError) as caught:
            client.get("/rest/v1/activities/types.json")
    err = caught.value
    assert isinstance(err, AuthenticationError) and err.code in (601, 602) and err.protocol == "rest"
    assert len(stub.calls) == 2 and len(stub.identity_requests) == 2


def test_bad_credentials_fail_fast_without_a_rest_call() -> None:
    with RestStub(default=ok()) as stub:
        client = RestClient(stub.rest_endpoint, CLIENT_ID, "wrong-secret", retry=RetryPolicy(sleep=Sleeps()))
        with pytest.raises(AuthenticationError) as caught:
            client.get("/rest/v1/activities/types.json")
        assert not stub.calls and len(stub.identity_requests) == 1
    assert caught.value.name == "invalid_client" and "Bad client credentials" in str(caught.value)
    assert caught.value.protocol == "rest"


def test_an_identity_outage_is_retried_even_for_a_write() -> None:
    sleeps = Sleeps()
    with RestStub(ok([{"id": 1, "status": "created"}])) as stub:
        stub.identity_replies.append(html(502))
        client = rest_client(stub, retry=RetryPolicy(sleep=sleeps))
        page = client.post("/rest/v1/leads.json", {"action": "createOnly", "input": [{"email": "x@y.z"}]})
        assert page.result[0]["status"] == "created"
        assert len(stub.identity_requests) == 2 and len(stub.calls) == 1 and len(sleeps.waits) == 1


def test_an_identity_answer_without_a_token_is_a_protocol_error() -> None:
    with RestStub(default=ok()) as stub:
        stub.identity_replies.extend([raw_json('{"token_type": "bearer"}')] * 5)
        with pytest.raises(Exception) as caught:
            rest_client(stub, retry=RetryPolicy.never()).get("/rest/v1/activities/types.json")
        assert not stub.calls
    assert type(caught.value).__name__ == "ProtocolError"


def test_identity_redirect_is_not_followed() -> None:
    with RestStub() as other, RestStub(default=ok()) as stub:
        target = f"http://127.0.0.1:{other.port}/identity/oauth/token"
        stub.identity_replies.append(
            raw_json("", status=307, headers={"Location": target})  # 307 would resend the body
        )
        with pytest.raises(HTTPStatusError) as caught:
            rest_client(stub, retry=RetryPolicy.never()).get("/rest/v1/activities/types.json")
        assert not other.requests
    assert caught.value.status_code == 307


def test_threads_share_one_token_fetch() -> None:
    with RestStub(default=ok(), identity_delay=0.3) as stub:
        client = rest_client(stub)
        barrier = threading.Barrier(8)
        failures: list[BaseException] = []

        def work() -> None:
            try:
                barrier.wait(timeout=10)
                client.get("/rest/v1/activities/types.json")
            except BaseException as exc:  # collected for the assertion below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not failures
        assert len(stub.identity_requests) == 1 and len(stub.calls) == 8


def test_threads_refused_together_renew_once() -> None:
    with RestStub(default=ok()) as stub:
        client = rest_client(stub)
        client._tokens.token()
        stub.expire_tokens()
        barrier = threading.Barrier(6)

        def work() -> None:
            barrier.wait(timeout=10)
            client.get("/rest/v1/activities/types.json")

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(stub.identity_requests) == 2  # the first token, then one renewal for all six
        assert len([c for c in stub.calls if c.headers["authorization"].endswith(stub.issued[1])]) == 6


def test_an_identity_error_status_with_json_is_an_http_status_error_and_retried() -> None:
    with RestStub(ok()) as stub:
        stub.identity_replies.append(raw_json('{"message": "maintenance"}', status=503))
        rest_client(stub).get("/rest/v1/activities/types.json")
        assert len(stub.identity_requests) == 2 and len(stub.calls) == 1
    with RestStub(ok()) as stub:
        stub.identity_replies.append(raw_json('{"message": "maintenance"}', status=503))
        with pytest.raises(HTTPStatusError) as caught:
            rest_client(stub, retry=RetryPolicy.never()).get("/rest/v1/activities/types.json")
    assert caught.value.status_code == 503 and caught.value.operation == "identity"


def test_parameters_of_an_unsupported_type_are_refused_before_sending() -> None:
    with RestStub(ok()) as stub:
        client = rest_client(stub)
        for bad in ({"a": 1}, b"bytes", [{"a": 1}]):
            with pytest.raises(TypeError, match="parameter 'x'"):
                client.get("/rest/v1/leads.json", {"x": bad})  # type: ignore[dict-item]
        assert not stub.requests
