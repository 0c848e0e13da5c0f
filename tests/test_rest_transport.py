"""The REST wire: deadline over the whole answer, bounded body, no redirects, request encoding, limits."""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from mktows import Limits, RetryPolicy
from mktows.errors import HTTPStatusError, ProtocolError, TransportError
from mktows.rest import MAX_URL_BYTES, RestClient
from tests.rest_stub import CLIENT_ID, CLIENT_SECRET, RestStub, ok, raw_json
from tests.stub_server import GET_LEAD, GET_LEAD_OK, Reply, StubServer, client_for
from tests.test_rest_auth import rest_client

NEVER = RetryPolicy.never()


def test_a_trickling_answer_is_cut_at_the_deadline() -> None:
    body = json.dumps({"requestId": "1", "success": True, "result": [{"id": n} for n in range(200)]}).encode()
    with RestStub(raw_json(body, action="trickle", every=0.05)) as stub:
        client = rest_client(stub, retry=NEVER, timeout=(0.5, 0.5))
        started = time.monotonic()
        with pytest.raises(TransportError, match="not complete within 1 s"):
            client.get("/rest/v1/leads.json")
        elapsed = time.monotonic() - started
    # a whole trickled body would take over 100 s; the deadline is connect + read = 1 s (generous bound)
    assert elapsed < 30


def test_a_trickling_soap_answer_is_cut_at_the_deadline_too() -> None:
    with StubServer(Reply(body=GET_LEAD_OK, action="trickle", every=0.2)) as stub:
        client = client_for(stub, retry=NEVER, timeout=(0.5, 0.5))
        started = time.monotonic()
        with pytest.raises(TransportError, match="not complete within 1 s"):
            client.ops.get_lead(GET_LEAD)
        assert time.monotonic() - started < 30  # the body alone would take len(GET_LEAD_OK) * 0.05 s


def test_an_oversized_answer_is_refused_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mktows.rest._client.MAX_ANSWER_BYTES", 10_000)
    body = json.dumps({"requestId": "1", "success": True, "result": ["x" * 100] * 500}).encode()
    with RestStub(raw_json(body)) as stub, pytest.raises(ProtocolError, match="10000-byte limit"):
        rest_client(stub, retry=NEVER).get("/rest/v1/leads.json")


def test_a_redirect_is_not_followed_so_the_token_stays_home() -> None:
    with RestStub(default=ok()) as elsewhere, RestStub() as stub:
        target = f"http://127.0.0.1:{elsewhere.port}/rest/v1/leads.json"
        stub.queue(Reply(status=307, body=b"", headers={"Location": target}))
        with pytest.raises(HTTPStatusError) as caught:
            rest_client(stub, retry=RetryPolicy()).get("/rest/v1/leads.json")
        assert not elsewhere.requests and len(stub.calls) == 1
    assert caught.value.status_code == 307


def test_requests_are_encoded_as_documented() -> None:
    with RestStub(default=ok()) as stub:
        client = rest_client(stub)
        client.get(
            "/rest/v1/activities.json",
            {"nextPageToken": "GIYD==", "activityTypeIds": [1, 12], "listId": None, "flag": True},
        )
        client.post(
            "/rest/v1/customobjects/car_c.json", {"action": "createOrUpdate", "input": [{"vin": "é"}]}
        )
        client.delete("/rest/v1/lists/7/leads.json", {"id": [1, 2]})
        client.post(
            "/bulk/v1/leads.json",
            form={"format": "csv", "listId": 7},
            files={"file": ("l.csv", b"email\na@b\n")},
        )
        get, post, delete, bulk = stub.calls
    assert get.method == "GET" and urlsplit(get.path).path == "/rest/v1/activities.json"
    assert parse_qs(urlsplit(get.path).query) == {
        "nextPageToken": ["GIYD=="],
        "activityTypeIds": ["1", "12"],
        "flag": ["true"],
    }
    assert post.headers["content-type"] == "application/json"
    assert json.loads(post.body) == {"action": "createOrUpdate", "input": [{"vin": "é"}]}
    assert delete.method == "DELETE" and parse_qs(urlsplit(delete.path).query) == {"id": ["1", "2"]}
    assert bulk.headers["content-type"].startswith("multipart/form-data")
    assert b'name="listId"' in bulk.body and b"email\na@b\n" in bulk.body


def test_a_long_query_goes_as_post_with_method_get() -> None:
    guids = ",".join(f"dff23271-f996-47d7-984f-f2676861{n:04x}" for n in range(300))  # about 11 KB
    short = "dff23271-f996-47d7-984f-f2676861b5fa"
    with RestStub(default=ok()) as stub:
        client = rest_client(stub)
        client.get("/rest/v1/opportunities.json", {"filterType": "idField", "filterValues": short})
        client.get("/rest/v1/opportunities.json", {"filterType": "idField", "filterValues": guids})
        small, large = stub.calls
    assert small.method == "GET"
    assert large.method == "POST" and large.path == "/rest/v1/opportunities.json?_method=GET"
    assert large.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(large.body.decode()) == {"filterType": ["idField"], "filterValues": [guids]}
    assert len(large.path) < MAX_URL_BYTES


def test_a_method_get_query_counts_as_a_read_for_retries() -> None:
    from tests.rest_stub import error

    with RestStub(error(611), ok([{"seq": 0}])) as stub:
        page = rest_client(stub).post(
            "/rest/v1/opportunities/roles.json",
            {"filterType": "dedupeFields", "input": [{"externalOpportunityId": "O1", "leadId": 1}]},
            params={"_method": "GET"},
        )
        assert page.result == [{"seq": 0}] and len(stub.calls) == 2


def test_concurrency_stays_within_the_shared_limits() -> None:
    limits = Limits(calls=None, concurrency=2)
    with RestStub(default=raw_json(json.dumps({"success": True}), delay=0.2)) as stub:
        client = RestClient(stub.rest_endpoint, CLIENT_ID, CLIENT_SECRET, limits=limits, timeout=(2.0, 5.0))
        client.get("/rest/v1/activities/types.json")  # the token first, so that calls overlap below
        threads = [
            threading.Thread(target=client.get, args=("/rest/v1/activities/types.json",)) for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(stub.calls) == 7 and stub.max_in_flight <= 2
    assert limits.in_flight == 0


def test_every_attempt_takes_a_window_slot_but_the_identity_call_does_not() -> None:
    from tests.rest_stub import error

    limits = Limits(calls=100, period=20.0, concurrency=10)
    with RestStub(error(608), ok()) as stub:
        client = rest_client(stub, limits=limits)
        client.get("/rest/v1/activities/types.json")
        assert len(stub.identity_requests) == 1 and len(stub.calls) == 2
    assert limits.recent_calls() == 2


def test_a_compressed_answer_is_bounded_after_decompression(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mktows.rest._client.MAX_ANSWER_BYTES", 1_000_000)
    bomb = gzip.compress(b'{"requestId": "1", "success": true, "result": ["' + b"0" * 5_000_000 + b'"]}')
    reply = raw_json(bomb, headers={"Content-Encoding": "gzip"})
    with RestStub(reply) as stub, pytest.raises(ProtocolError, match="1000000-byte limit"):
        rest_client(stub, retry=NEVER).get("/rest/v1/leads.json")
    small = gzip.compress(json.dumps({"requestId": "1", "success": True, "result": [{"id": 5}]}).encode())
    with RestStub(raw_json(small, headers={"Content-Encoding": "gzip"})) as stub:
        assert rest_client(stub).get("/rest/v1/leads.json").result == [{"id": 5}]


def test_uploads_must_be_bytes_so_that_a_retry_can_send_them_again() -> None:
    with RestStub(ok()) as stub:
        client = rest_client(stub)
        for files in (
            {"file": ("l.csv", io.BytesIO(b"email\n"))},
            {"file": io.BytesIO(b"x")},
            [("file", b"x")],
        ):
            with pytest.raises(TypeError):
                client.post("/bulk/v1/leads.json", form={"format": "csv"}, files=files)
        assert not stub.requests
