"""HTTP and XML failure mapping: every answer becomes a result or exactly one mktows.errors class."""

from __future__ import annotations

import contextlib
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktows import Client, RetryPolicy, operations
from mktows._transport import HttpResponse, normalize_timeout
from mktows.errors import (
    FAULT_CODES,
    AuthenticationError,
    HTTPStatusError,
    MktowsError,
    ProtocolError,
    SoapFault,
    TransportError,
)
from tests.conftest import fixture_bytes, requires_shared
from tests.stub_server import (
    ENDPOINT_PATH,
    GET_LEAD,
    GET_LEAD_OK,
    Reply,
    StubServer,
    client_for,
    closed_port,
    drop,
    empty,
    fault,
    fault_body,
    html,
    trickled,
    truncated,
    xml,
)

NEVER = RetryPolicy.never()


def _fails_with(reply: Reply, expected: type[MktowsError], requests_sent: int = 1) -> MktowsError:
    """The error of a getLead call answered by ``reply`` every time, with retries off."""
    with StubServer(default=reply) as stub:
        client = client_for(stub, retry=NEVER)
        with pytest.raises(expected) as caught:
            client.ops.get_lead(GET_LEAD)
        assert len(stub.posts) == requests_sent
    return caught.value


def test_request_is_a_soap_post_to_the_given_endpoint() -> None:
    with StubServer(xml(GET_LEAD_OK)) as stub:
        result = client_for(stub).ops.get_lead(GET_LEAD)
        (post,) = stub.posts
    assert result.count == 0
    assert post.path == ENDPOINT_PATH
    assert post.headers["content-type"] == "text/xml; charset=UTF-8"
    assert post.headers["soapaction"] == '"http://www.marketo.com/mktows/getLead"'
    assert post.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (html(502, "Bad Gateway"), 502),
        (html(503, "Service Unavailable"), 503),
        (empty(503), 503),
        (empty(200), 200),
        (Reply(status=200, body=b'{"ok": true}', content_type="application/json"), 200),
        (Reply(status=200, body=GET_LEAD_OK, content_type="text/html"), 200),
        (Reply(status=404, body=b"not here", content_type="text/plain"), 404),
        (Reply(status=302, body=b"", headers={"Location": "/elsewhere"}), 302),
    ],
    ids=[
        "html-502",
        "html-503",
        "empty-503",
        "empty-200",
        "json-200",
        "html-type-200",
        "text-404",
        "redirect",
    ],
)
def test_non_soap_answers_are_http_status_errors(reply: Reply, status: int) -> None:
    error = _fails_with(reply, HTTPStatusError)
    assert isinstance(error, HTTPStatusError)
    assert error.status_code == status
    assert str(status) in str(error)


def test_redirect_is_not_followed() -> None:
    with StubServer(Reply(status=307, headers={"Location": "/other"}), xml(GET_LEAD_OK)) as stub:
        with pytest.raises(HTTPStatusError):
            client_for(stub, retry=NEVER).ops.get_lead(GET_LEAD)
        assert [r.path for r in stub.requests] == [ENDPOINT_PATH]


@pytest.mark.parametrize("code", sorted(FAULT_CODES))
def test_every_documented_fault_code_becomes_its_class(code: int) -> None:
    error = _fails_with(
        fault(code), SoapFault, requests_sent=2 if code == 20016 else 1
    )  # 20016: re-signed once
    assert type(error) is FAULT_CODES[code].error_class
    assert isinstance(error, SoapFault)
    assert error.code == code
    assert error.name == "mktServiceException"
    assert error.faultcode == "SOAP-ENV:Client"
    assert error.operation == "getLead"
    assert error.retryable is FAULT_CODES[code].error_class("x", code=code).retryable


def test_unknown_fault_code_is_a_plain_soap_fault() -> None:
    error = _fails_with(fault(29999, "Something new"), SoapFault)
    assert type(error) is SoapFault
    assert error.code == 29999


def test_fault_in_a_200_answer_is_still_a_fault() -> None:
    error = _fails_with(Reply(status=200, body=fault_body(20014)), AuthenticationError)
    assert error.code == 20014  # type: ignore[attr-defined]


@requires_shared
def test_documented_fault_fixture() -> None:
    body = fixture_bytes("fixtures/_common/fault-authentication-failed-20014.xml")
    error = _fails_with(Reply(status=500, body=body), AuthenticationError)
    assert isinstance(error, AuthenticationError)
    assert error.message == "Authentication failed (20014)"
    assert error.faultstring == "20014 - Authentication failed"


def test_xml_error_page_without_fault_is_http_status_error() -> None:
    body = b"<?xml version='1.0'?><error>gateway</error>"
    error = _fails_with(Reply(status=502, body=body), HTTPStatusError)
    assert isinstance(error, HTTPStatusError) and error.status_code == 502


@pytest.mark.parametrize(
    "body",
    [
        b"<?xml version='1.0'?><SOAP-ENV:Envelope",
        b"<not-closed>",
        b"<SOAP-ENV:Envelope xmlns:SOAP-ENV='http://schemas.xmlsoap.org/soap/envelope/'><SOAP-ENV:Body/>"
        b"</SOAP-ENV:Envelope>",
        b"<SOAP-ENV:Envelope xmlns:SOAP-ENV='http://schemas.xmlsoap.org/soap/envelope/'><SOAP-ENV:Body>"
        b"<ns1:successSyncLead xmlns:ns1='http://www.marketo.com/mktows/'/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
        b"<html><body>200 but not SOAP</body></html>",
    ],
    ids=["cut", "unclosed", "empty-body", "wrong-operation", "html-as-xml"],
)
def test_malformed_or_unexpected_xml_is_protocol_error(body: bytes) -> None:
    _fails_with(xml(body), ProtocolError)


def test_truncated_fault_is_protocol_error() -> None:
    _fails_with(Reply(status=500, body=fault_body(20014)[:120]), ProtocolError)


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "connection-close"])
def test_truncated_body_is_protocol_error(with_length: bool) -> None:
    error = _fails_with(truncated(GET_LEAD_OK, 90, with_length=with_length), ProtocolError)
    assert error.operation == "getLead"


def _xxe(port: int) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        "<!DOCTYPE Envelope [\n"
        '  <!ENTITY file SYSTEM "file:///etc/hostname">\n'
        f'  <!ENTITY net SYSTEM "http://127.0.0.1:{port}/xxe">\n'
        "]>\n"
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        '<ns1:successGetLead xmlns:ns1="http://www.marketo.com/mktows/"><result><count>&file;&net;</count>'
        "</result></ns1:successGetLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
    '<ns1:successGetLead xmlns:ns1="http://www.marketo.com/mktows/"><result><count>&lol9;</count>'
    "</result></ns1:successGetLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"
).encode()


@pytest.mark.parametrize("status", [200, 500])
def test_xxe_is_refused_and_nothing_is_fetched(status: int) -> None:
    with StubServer() as stub:
        stub.queue(Reply(status=status, body=_xxe(stub.port)))
        with pytest.raises(ProtocolError, match=r"DOCTYPE|DTD|entit"):
            client_for(stub, retry=NEVER).ops.get_lead(GET_LEAD)
        assert [r.method for r in stub.requests] == ["POST"]


def test_billion_laughs_is_refused() -> None:
    _fails_with(xml(BILLION_LAUGHS), ProtocolError)


def test_connection_refused_is_transport_error() -> None:
    client = Client(
        f"http://127.0.0.1:{closed_port()}/soap/mktows/2_6", "u", "k" * 12, retry=NEVER, timeout=2
    )
    with pytest.raises(TransportError) as caught:
        client.ops.get_lead(GET_LEAD)
    assert caught.value.operation == "getLead"
    assert not isinstance(caught.value, requests.RequestException)
    message = str(caught.value)
    assert "Connection refused" in message or "refused" in message.lower()
    assert "HTTPConnection" not in message  # urllib3's internal connection class says nothing to a user


def test_read_timeout_is_transport_error() -> None:
    with StubServer(Reply(body=GET_LEAD_OK, delay=3.0)) as stub:
        client = client_for(stub, retry=NEVER, timeout=(2.0, 0.3))
        with pytest.raises(TransportError, match="no answer within"):
            client.ops.get_lead(GET_LEAD)


@pytest.mark.parametrize(
    ("headers_too", "own_session"),
    [(False, False), (True, False), (False, True)],
    ids=["body", "headers-and-body", "body-on-a-session-passed-in"],
)
def test_a_trickling_answer_is_cut_at_the_timeout(headers_too: bool, own_session: bool) -> None:
    """A byte every half second never trips a 3 s read timeout; the whole answer must still end in time."""
    assert len(GET_LEAD_OK) > 300  # over two and a half minutes at this pace
    session = requests.Session() if own_session else None
    with StubServer(trickled(GET_LEAD_OK, 0.5, headers_too=headers_too), lifetime=40) as stub:
        client = client_for(stub, retry=NEVER, timeout=(1.0, 3.0), session=session)
        started = time.monotonic()
        with pytest.raises(TransportError, match="not complete within 4 s"):
            client.ops.get_lead(GET_LEAD)
        elapsed = time.monotonic() - started
    assert elapsed < 15  # 4 s, with room for a loaded machine; far from the stub's 40 s lifetime


def test_max_elapsed_bounds_the_attempts_too() -> None:
    """The retry budget is wall-clock time: an attempt may not run past it, whatever the timeouts allow."""
    with StubServer(Reply(body=GET_LEAD_OK, delay=30.0), lifetime=40) as stub:
        client = client_for(
            stub, retry=RetryPolicy(max_elapsed=2.0, sleep=lambda _: None), timeout=(2.0, 60.0)
        )
        started = time.monotonic()
        with pytest.raises(TransportError):
            client.ops.get_lead(GET_LEAD)
        elapsed = time.monotonic() - started
    assert elapsed < 15  # 2 s, with room; the answer would come after 30 s


def test_dropped_connection_is_transport_error() -> None:
    _fails_with(drop(), TransportError)


def test_construction_does_no_network_io() -> None:
    class NoNetwork(requests.Session):
        def request(self, *args: object, **kwargs: object) -> requests.Response:
            raise AssertionError("network I/O")

    client = Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", "u", "k" * 12, session=NoNetwork())
    assert client.endpoint == "https://123-ABC-456.mktoapi.com/soap/mktows/2_6"


def test_session_passed_in_is_used_and_left_open() -> None:
    session = requests.Session()
    with StubServer(xml(GET_LEAD_OK), xml(GET_LEAD_OK)) as stub:
        with client_for(stub, session=session) as client:
            client.ops.get_lead(GET_LEAD)
        assert session.adapters  # not closed by the client: still usable
        session.post(stub.endpoint, data=b"", timeout=2).close()
        assert len(stub.posts) == 2


@pytest.mark.parametrize(
    "endpoint", ["", "ftp://host/soap", "not a url", "https://user:pw@host/soap/mktows/2_6", "http:///path"]
)
def test_bad_endpoint_is_refused_at_construction(endpoint: str) -> None:
    with pytest.raises(ValueError):
        Client(endpoint, "u", "k" * 12)


def test_timeouts() -> None:
    assert normalize_timeout(5) == (5.0, 5.0)
    assert normalize_timeout((3, 90)) == (3.0, 90.0)
    for bad in (0, -1, float("inf"), (1, None), (1, 2, 3)):
        with pytest.raises((ValueError, TypeError)):
            normalize_timeout(bad)  # type: ignore[arg-type]
    client = Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", "u", "k" * 12)
    connect, read = client.timeout
    assert 0 < connect <= read < float("inf") and read >= 90  # Marketo calls can take a minute and a half


_OP = operations.get("getLead")
_FUZZ_CLIENT = Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", "u", "k" * 12, strict=True)
_RESPONSES = st.builds(
    HttpResponse,
    status=st.sampled_from([200, 400, 500, 502, 503]),
    reason=st.just("x"),
    headers=st.fixed_dictionaries(
        {
            "content-type": st.sampled_from(
                ["text/xml", "text/html", "", "application/soap+xml; charset=utf-8"]
            )
        }
    ),
    content=st.one_of(
        st.binary(max_size=200),
        st.sampled_from([GET_LEAD_OK, fault_body(20014), BILLION_LAUGHS]).flatmap(
            lambda body: st.integers(0, len(body)).map(lambda cut: body[:cut])
        ),
        st.text(max_size=100).map(lambda text: f"<SOAP-ENV:Envelope>{text}".encode()),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RESPONSES)
def test_any_answer_gives_an_envelope_or_a_mktows_error(response: HttpResponse) -> None:
    with contextlib.suppress(MktowsError):  # anything else (lxml, xsdata, ...) fails the test
        _FUZZ_CLIENT._decode(_OP, response)
