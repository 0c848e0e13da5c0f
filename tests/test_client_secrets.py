"""Secrets: the encryption key and request signatures appear in no log line, exception or repr."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from mktows import Client, RetryPolicy
from mktows._logging import MIN_SECRET_FRAGMENT, REDACTED, scrub
from mktows.errors import MktowsError
from tests.stub_server import (
    ENCRYPTION_KEY,
    GET_LEAD,
    GET_LEAD_OK,
    USER_ID,
    Received,
    Reply,
    Sleeps,
    StubServer,
    client_for,
    closed_port,
    drop,
    fault,
    xml,
)


def _echo_fault(received: Received) -> Reply:
    signature = received.auth_header()["requestSignature"]
    return fault(20014, f"signature {signature} does not match key {ENCRYPTION_KEY}")


def _echo_fragments(received: Received) -> Reply:
    signature = received.auth_header()["requestSignature"]
    return fault(
        20014,
        f"signature starting {signature[:9]}, ending {signature[-12:].upper()}; key ends {ENCRYPTION_KEY[-8:]}",
    )


def _echo_page(received: Received) -> Reply:
    return Reply(status=502, body=b"<html><pre>" + received.body + b"</pre></html>", content_type="text/html")


def _echo_garbage(received: Received) -> Reply:
    return xml(b"<broken>" + received.body)


SCENARIOS: dict[str, list[Reply | Callable[[Received], Reply]]] = {
    "success": [xml(GET_LEAD_OK)],
    "retried-success": [fault(20023), drop(), xml(GET_LEAD_OK)],
    "fault": [fault(20014)],
    "fault-echoing-secrets": [_echo_fault],
    "fault-echoing-secret-fragments": [_echo_fragments],
    "html-page-echoing-request": [_echo_page],
    "malformed-echoing-request": [_echo_garbage] * 5,
}


def _fragments(secret: str) -> list[str]:
    """Every piece of ``secret`` of ``MIN_SECRET_FRAGMENT`` characters, lower-case."""
    width = MIN_SECRET_FRAGMENT
    return [secret[i : i + width].lower() for i in range(len(secret) - width + 1)]


def _strings_of(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), *map(str, error.args)]
    texts += [value for value in vars(error).values() if isinstance(value, str)]
    return texts


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_secret_in_logs_or_errors(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # everything, urllib3 included
    texts: list[str] = []
    with StubServer(*SCENARIOS[scenario]) as stub:
        client = client_for(stub, retry=RetryPolicy(max_attempts=3, sleep=Sleeps()))
        try:
            client.ops.get_lead(GET_LEAD)
        except MktowsError as error:
            texts += _strings_of(error)
            if error.__cause__ is not None:
                texts += _strings_of(error.__cause__)
        signatures = [post.auth_header()["requestSignature"] for post in stub.posts]
    assert signatures and all(signatures)
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    texts += [repr(client), str(client), repr(client.retry), repr(client.limits)]
    blob = "\n".join(texts)
    for secret in [ENCRYPTION_KEY, *signatures]:
        leaked = [piece for piece in _fragments(secret) if piece in blob.lower()]
        assert not leaked, f"pieces of a secret shown: {leaked}"
    # the envelopes were logged, so the test above looked at them
    assert f"<requestSignature>{REDACTED}</requestSignature>" in blob
    assert USER_ID in blob


def test_transport_failure_carries_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(
        f"http://127.0.0.1:{closed_port()}/soap", USER_ID, ENCRYPTION_KEY, retry=RetryPolicy.never()
    )
    with pytest.raises(MktowsError) as caught:
        client.ops.get_lead(GET_LEAD)
    blob = "\n".join([*_strings_of(caught.value), *(r.getMessage() for r in caplog.records)])
    assert ENCRYPTION_KEY not in blob
    assert REDACTED in blob  # the request envelope was logged, redacted


def test_repr_of_client_shows_no_key() -> None:
    client = Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", USER_ID, ENCRYPTION_KEY)
    assert ENCRYPTION_KEY not in repr(client)
    assert USER_ID in repr(client)
    assert all(ENCRYPTION_KEY not in repr(value) for value in vars(client).values())


def test_scrub() -> None:
    text = "<a:requestSignature x='1'>0123abcd</a:requestSignature> key=k3y and <requestSignature>ff</requestSignature>"
    assert scrub(text, ["k3y"]) == (
        f"<a:requestSignature x='1'>{REDACTED}</a:requestSignature> key={REDACTED} and "
        f"<requestSignature>{REDACTED}</requestSignature>"
    )


def test_scrub_redacts_pieces_of_a_secret() -> None:
    secret = "0123456789abcdef0123456789abcdef01234567"
    text = f"a {secret[3:15]} b {secret[20:28].upper()} c {secret[30:37]} d"
    assert scrub(text, [secret]) == f"a {REDACTED} b {REDACTED} c {secret[30:37]} d"  # 7 characters stay
