"""Secrets of the REST transport: the client secret and access tokens appear in no log, exception or repr."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from mktows import RetryPolicy
from mktows.errors import MktowsError
from mktows.rest import RestClient
from tests.rest_stub import CLIENT_ID, CLIENT_SECRET, JSON, RestStub, error, ok, raw_json
from tests.stub_server import Received, Reply, Sleeps, drop, html
from tests.test_client_secrets import _strings_of
from tests.test_rest_auth import rest_client


def _echo_token(received: Received) -> Reply:
    token = received.headers.get("authorization", "")
    return error(611, f"System error for {token} (access_token={token[7:]})")


def _echo_page(received: Received) -> Reply:
    page = f"<html><pre>{dict(received.headers)}</pre></html>".encode()
    return Reply(status=502, body=page, content_type="text/html")


def _echo_json(received: Received) -> Reply:
    body = {"access_token": received.headers.get("authorization", "")[7:], "broken": True}
    return Reply(body=json.dumps(body).encode()[:-5], content_type=JSON)


def _echo_identity(received: Received) -> Reply:
    return raw_json(json.dumps({"error": "invalid_client", "error_description": received.body.decode()}), 401)


SCENARIOS: dict[
    str, tuple[list[Reply | Callable[[Received], Reply]], list[Reply | Callable[[Received], Reply]]]
] = {
    "success": ([ok([{"id": 1}])], []),
    "retried-success": ([error(606), drop(), ok([{"id": 1}])], []),
    "renewed-token": ([error(602), ok()], []),
    "error-echoing-token": ([_echo_token] * 5, []),
    "html-page-echoing-headers": ([_echo_page] * 5, []),
    "broken-json-echoing-token": ([_echo_json] * 5, []),
    "identity-echoing-secret": ([], [_echo_identity]),
    "identity-outage": ([], [html(502)] * 5),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_secret_in_logs_or_errors(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # everything, urllib3 included
    replies, identity = SCENARIOS[scenario]
    with RestStub(*replies) as stub:
        stub.identity_replies.extend(identity)
        client = rest_client(stub, retry=RetryPolicy(max_attempts=3, sleep=Sleeps()))
        texts = [repr(client)]
        try:
            client.get("/rest/v1/leads.json", {"filterType": "email", "filterValues": "a@example.com"})
        except MktowsError as exc:
            texts += _strings_of(exc)
        secrets = [CLIENT_SECRET, *stub.issued]
    texts += [record.getMessage() for record in caplog.records]
    assert any("leads.json" in text or "identity" in text for text in texts)  # the exchange was logged
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked in {scenario}: {text[:200]}"
        assert "5ecret" not in text


def test_reprs_hide_the_secret_and_the_token() -> None:
    client = RestClient("https://123-ABC-456.mktorest.com/rest", CLIENT_ID, CLIENT_SECRET)
    assert CLIENT_SECRET not in repr(client) and CLIENT_ID in repr(client)
    with RestStub(ok()) as stub:
        client = rest_client(stub)
        token = client._tokens.token()
        assert stub.issued[0] not in repr(token) and stub.issued[0] not in str(token)
        assert CLIENT_SECRET not in repr(vars(client._tokens))
