"""The client's seams: an in-process transport to the emulator (no socket, no thread) and the history of
its last exchanges, with the signature redacted."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import requests

from mktows import Client, RetryPolicy
from mktows import types as t
from mktows.emulator import DEFAULT_ENCRYPTION_KEY, DEFAULT_USER_ID, EmulatorApp, EmulatorConfig
from mktows.emulator.store import Store
from mktows.errors import AuthenticationError, ProtocolError, TransportError
from mktows.testing import EmulatorTransport

ENDPOINT = "http://emulator.invalid/soap/mktows/2_6"
GET_LEAD = t.ParamsGetLead(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="1089965"))
ROADSHOW = {"keys": {"MKTOID": "1", "rid": "seam"}, "attributes": {"city": "Oslo"}}


@pytest.fixture
def app() -> EmulatorApp:
    return EmulatorApp(EmulatorConfig.default(), Store())


def _client(app: Any, key: str = DEFAULT_ENCRYPTION_KEY, **options: Any) -> Client:
    return Client(ENDPOINT, DEFAULT_USER_ID, key, transport=EmulatorTransport(app), **options)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_sockets")
def test_the_client_calls_the_emulator_in_process(app: EmulatorApp) -> None:
    threads = set(threading.enumerate())
    client = _client(app)
    report = client.sync_custom_objects("RoadShow", [ROADSHOW])
    assert [r.status.value for r in report.results] == ["CREATED"]
    found = list(client.get_custom_objects("RoadShow", keys={"MKTOID": "1", "rid": "seam"}))
    assert len(found) == 1
    # no thread started (threads of earlier tests' stub servers may end meanwhile: not counted)
    assert set(threading.enumerate()) - threads == set()


@pytest.mark.usefixtures("no_sockets")
def test_signing_still_runs(app: EmulatorApp) -> None:
    client = _client(app, key="0" * 40, retry=RetryPolicy.never())
    with pytest.raises(AuthenticationError):
        client.ops.get_lead(GET_LEAD)


def _failing_first(app: Any, failure: Any) -> Any:
    """A WSGI app that answers the first request with ``failure`` and the rest with ``app``."""
    calls = 0

    def wrapped(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        nonlocal calls
        calls += 1
        if calls == 1:
            return failure(environ, start_response)  # type: ignore[no-any-return]
        return app(environ, start_response)  # type: ignore[no-any-return]

    return wrapped


def _gateway_502(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("502 Bad Gateway", [("Content-Type", "text/html"), ("Content-Length", "10")])
    return [b"<p>bad</p>"]


def test_retries_still_run(app: EmulatorApp) -> None:
    waits: list[float] = []
    client = _client(_failing_first(app, _gateway_502), retry=RetryPolicy(sleep=waits.append), history=5)
    result = client.ops.get_lead(GET_LEAD)
    assert result is not None
    assert len(waits) == 1
    assert [exchange.status for exchange in client.history] == [502, 200]


def _cut_short(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", "1000")])
    yield b"<SOAP-ENV:Envelope"
    raise ConnectionResetError("dropped")


def _dropped(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise ConnectionResetError("dropped")


@pytest.mark.parametrize(
    ("failure", "error"), [(_cut_short, ProtocolError), (_dropped, TransportError)], ids=["cut", "dropped"]
)
def test_a_dropped_connection_fails_like_one(app: EmulatorApp, failure: Any, error: type[Exception]) -> None:
    client = _client(_failing_first(app, failure), retry=RetryPolicy.never())
    with pytest.raises(error, match=r"truncated|dropped"):
        client.ops.get_lead(GET_LEAD)
    assert client.ops.get_lead(GET_LEAD) is not None  # the next attempt gets the emulator's answer


def test_history_keeps_the_last_exchanges_with_the_signature_redacted(app: EmulatorApp) -> None:
    client = _client(app, history=2)
    for _ in range(3):
        client.ops.get_lead(GET_LEAD)
    kept = list(client.history)
    assert len(kept) == 2 and client.history.last is kept[-1]
    assert all(exchange.operation == "getLead" and exchange.status == 200 for exchange in kept)
    assert "paramsGetLead" in kept[-1].request
    assert "successGetLead" in (kept[-1].response or "")
    assert "requestSignature>[redacted]<" in kept[-1].request
    assert DEFAULT_ENCRYPTION_KEY not in kept[-1].request


def test_history_is_off_by_default_and_bounded(app: EmulatorApp) -> None:
    client = _client(app)
    client.ops.get_lead(GET_LEAD)
    assert list(client.history) == [] and client.history.last is None
    for bad in (-1, 101, 1.5, True):
        with pytest.raises(ValueError, match="history"):
            _client(app, history=bad)


def test_a_transport_and_a_session_do_not_mix(app: EmulatorApp) -> None:
    with pytest.raises(ValueError, match="either session"):
        _client(app, session=requests.Session())
