"""The emulator's wire behaviour: authentication (20014, 20016), the exact documented fault, every kind of
bad request (malformed XML, DTD, entities, wrong envelope, unknown operation, missing or bad parameters,
oversized bodies), the WSDL, and unexpected errors answered as 20011 without a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from mktows import codec
from mktows.emulator import Emulator
from mktows.emulator.app import RequestTooLarge, read_body
from mktows.emulator.operations import HANDLERS
from mktows.errors import AuthenticationError, RequestExpiredError, UnsupportedOperationError
from mktows.testing import assert_same_xml
from mktows.types import LeadKey, LeadKeyRef, ParamsGetLead, ParamsListMObjects
from tests.conftest import fixture_bytes, requires_shared
from tests.emulator_support import (
    ENVELOPE_OPEN,
    TIMEOUT,
    assert_fault,
    call,
    fault_of,
    post,
    request_bytes,
    running,
    signed,
)

GET_LEAD = ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.EMAIL, key_value="rufus@marketo.com"))


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield from running(limits={"max_body_bytes": 64 * 1024})


# --- authentication --------------------------------------------------------------------------------------


@requires_shared
def test_a_bad_signature_gets_exactly_the_documented_fault(emulator: Emulator) -> None:
    response = post(emulator, request_bytes(emulator, "getLead", GET_LEAD, key="not-the-key1"))
    assert_fault(response, 20014)
    assert_same_xml(
        response.content,
        fixture_bytes("fixtures/_common/fault-authentication-failed-20014.xml"),
        labels=("emulator", "documented"),
    )
    with pytest.raises(AuthenticationError):
        codec.decode_response("getLead", response.content)


def test_an_unknown_user_is_refused(emulator: Emulator) -> None:
    fault = fault_of(emulator, "getLead", GET_LEAD, user_id="someone_else", key=emulator.encryption_key)
    assert isinstance(fault, AuthenticationError)


def test_a_request_without_authentication_header_is_20014(emulator: Emulator) -> None:
    body = b"<ns1:paramsListMObjects/>"
    bare = ENVELOPE_OPEN + b"<SOAP-ENV:Body>" + body + b"</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    assert_fault(post(emulator, bare), 20014)
    partial = (
        signed(emulator, body)
        .replace(b"<requestTimestamp>", b"<ignored>")
        .replace(b"</requestTimestamp>", b"</ignored>")
    )
    assert_fault(post(emulator, partial), 20014)


@pytest.mark.parametrize("offset", [timedelta(minutes=-16), timedelta(minutes=16), timedelta(days=-4000)])
def test_a_timestamp_outside_the_window_is_expired(emulator: Emulator, offset: timedelta) -> None:
    fault = fault_of(emulator, "getLead", GET_LEAD, moment=datetime.now(UTC) + offset)
    assert isinstance(fault, RequestExpiredError)
    assert fault.code == 20016


def test_a_timestamp_inside_the_window_is_accepted(emulator: Emulator) -> None:
    result = call(emulator, "getLead", GET_LEAD, moment=datetime.now(UTC) - timedelta(minutes=14))
    assert result.count == 1


def test_freshness_follows_the_emulator_clock_and_can_be_switched_off() -> None:
    documented = datetime(2013, 8, 20, 10, 26, 7, tzinfo=UTC) + timedelta(hours=7)
    with Emulator(clock=lambda: documented + timedelta(minutes=1)) as emulator:
        assert call(emulator, "getLead", GET_LEAD, moment=documented).count == 1
        assert fault_of(emulator, "getLead", GET_LEAD).code == 20016  # now is far from 2013
    with Emulator(settings={"freshness_check": False}) as emulator:
        assert call(emulator, "getLead", GET_LEAD, moment=documented).count == 1


def test_responses_carry_a_date_header_from_the_emulator_clock() -> None:
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    with Emulator(clock=lambda: moment) as emulator:
        response = post(emulator, request_bytes(emulator, "getLead", GET_LEAD, moment=moment))
        assert response.status_code == 200
        assert response.headers["Date"] == "Wed, 02 Jan 2030 03:04:05 GMT"


# --- bad requests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<SOAP-ENV:Envelope", id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe not xml at all", id="garbage"),
        pytest.param(b"<a><b></a>", id="mismatched"),
    ],
)
def test_malformed_xml_is_20012(emulator: Emulator, data: bytes) -> None:
    assert_fault(post(emulator, data), 20012)


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', id="entities"
        ),
        pytest.param(b'<!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]>', id="external-entity"),
        pytest.param(b'<!DOCTYPE SOAP-ENV:Envelope SYSTEM "http://127.0.0.1:9/x.dtd">', id="external-dtd"),
    ],
)
def test_a_dtd_or_entity_declaration_is_refused(emulator: Emulator, prolog: bytes) -> None:
    body = signed(emulator, b"<ns1:paramsListMObjects/>")
    response = post(emulator, b'<?xml version="1.0"?>' + prolog + body)
    assert_fault(response, 20012)
    assert b"root:" not in response.content


def test_another_soap_version_is_a_version_mismatch(emulator: Emulator) -> None:
    body = signed(emulator, b"<ns1:paramsListMObjects/>").replace(
        b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope"
    )
    assert_fault(post(emulator, body), 20012, faultcode="SOAP-ENV:VersionMismatch")


def test_a_body_without_an_envelope_is_20012(emulator: Emulator) -> None:
    assert_fault(
        post(emulator, b'<ns1:paramsListMObjects xmlns:ns1="http://www.marketo.com/mktows/"/>'), 20012
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<ns1:paramsDeleteLead><id>1</id></ns1:paramsDeleteLead>", id="undefined-operation"),
        pytest.param(b"<paramsListMObjects/>", id="unqualified-body-element"),
    ],
)
def test_an_unknown_operation_is_20019(emulator: Emulator, body: bytes) -> None:
    response = post(emulator, signed(emulator, body))
    assert_fault(response, 20019)
    with pytest.raises(UnsupportedOperationError):
        codec.decode_response("listMObjects", response.content)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"", 20012, id="empty-body"),
        pytest.param(b"<ns1:paramsGetLead/>", 20101, id="missing-leadKey"),
        pytest.param(b"<ns1:paramsGetCampaignsForSource/>", 20017, id="missing-source"),
        pytest.param(
            b"<ns1:paramsGetLead><leadKey><keyType>EMAIL</keyType></leadKey></ns1:paramsGetLead>",
            20101,
            id="missing-keyValue",
        ),
        pytest.param(
            b"<ns1:paramsGetLead><leadKey><keyType>NAME</keyType><keyValue>x</keyValue></leadKey></ns1:paramsGetLead>",
            20102,
            id="bad-lead-key-type",
        ),
        pytest.param(
            b"<ns1:paramsGetCustomObjects><objTypeName>RoadShow</objTypeName><batchSize>ten</batchSize>"
            b"<includeAttributes/></ns1:paramsGetCustomObjects>",
            20114,
            id="bad-integer",
        ),
        pytest.param(
            b"<ns1:paramsGetLead><leadKey><keyType>EMAIL</keyType><keyValue> </keyValue></leadKey></ns1:paramsGetLead>",
            20101,
            id="empty-key",
        ),
    ],
)
def test_missing_or_bad_parameters_get_their_codes(emulator: Emulator, body: bytes, code: int) -> None:
    assert_fault(post(emulator, signed(emulator, body)), code)


def test_an_oversized_body_is_refused(emulator: Emulator) -> None:
    huge = signed(emulator, b"<ns1:paramsListMObjects>" + b" " * (70 * 1024) + b"</ns1:paramsListMObjects>")
    assert post(emulator, huge).status_code == 413


def test_a_content_length_over_the_cap_is_refused_unread(emulator: Emulator) -> None:
    with socket.create_connection((emulator.host, emulator.port), timeout=TIMEOUT) as conn:
        conn.sendall(
            b"POST /soap/mktows/2_6 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
            b"Content-Length: 1000000000\r\n\r\n<x/>"
        )
        status_line = conn.recv(100).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413")


class _Stream:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.read_so_far = 0

    def read(self, size: int) -> bytes:
        chunk = self.data[self.read_so_far : self.read_so_far + size]
        self.read_so_far += len(chunk)
        return chunk


@pytest.mark.parametrize(
    ("declared", "data", "terminated", "refused", "read_at_most"),
    [
        pytest.param("2000", b"x" * 10, False, True, 0, id="declared-over-cap"),
        pytest.param("10", b"x" * 5000, False, False, 10, id="longer-than-declared"),
        pytest.param("", b"x" * 5000, True, True, 1001, id="unterminated-length-over-cap"),
        pytest.param("", b"x" * 500, False, False, 0, id="no-length-no-terminator"),
    ],
)
def test_the_body_is_read_with_a_bound(
    declared: str, data: bytes, terminated: bool, refused: bool, read_at_most: int
) -> None:
    stream = _Stream(data)
    environ = {"CONTENT_LENGTH": declared, "wsgi.input": stream, "wsgi.input_terminated": terminated}
    if refused:
        with pytest.raises(RequestTooLarge):
            read_body(environ, 1000)
    else:
        assert len(read_body(environ, 1000)) == read_at_most
    assert stream.read_so_far <= read_at_most


def test_an_oversized_chunked_body_is_refused(emulator: Emulator) -> None:
    def chunks() -> Iterator[bytes]:
        yield signed(emulator, b"<ns1:paramsListMObjects>")
        for _ in range(80):
            yield b" " * 1024

    response = requests.post(
        emulator.endpoint, data=chunks(), headers={"Content-Type": "text/xml"}, timeout=TIMEOUT
    )
    assert response.status_code == 413


def test_a_body_just_under_the_cap_is_served(emulator: Emulator) -> None:
    padded = signed(emulator, b"<ns1:paramsListMObjects>" + b" " * (60 * 1024) + b"</ns1:paramsListMObjects>")
    assert post(emulator, padded).status_code == 200


def test_an_unexpected_error_is_20011_without_a_traceback(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: Any, params: Any) -> Any:
        raise ZeroDivisionError("secret internals")

    monkeypatch.setitem(HANDLERS, "listMObjects", broken)
    response = post(emulator, request_bytes(emulator, "listMObjects", ParamsListMObjects()))
    assert_fault(response, 20011)
    assert b"Traceback" not in response.content
    assert b"secret internals" not in response.content


# --- routes and the WSDL -----------------------------------------------------------------------------------


def test_other_paths_and_methods(emulator: Emulator) -> None:
    assert requests.post(emulator.base_url + "/other", data=b"<x/>", timeout=TIMEOUT).status_code == 404
    assert requests.put(emulator.endpoint, data=b"<x/>", timeout=TIMEOUT).status_code == 405
    assert requests.get(emulator.endpoint, timeout=TIMEOUT).status_code == 405


def test_the_wsdl_is_served_for_its_version_only(emulator: Emulator) -> None:
    for query in ("?WSDL", "?wsdl"):
        response = requests.get(emulator.endpoint + query, timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/xml")
        assert b"<wsdl:definitions" in response.content
    other = requests.get(emulator.base_url + "/soap/mktows/2_3?WSDL", timeout=TIMEOUT)
    assert other.status_code == 404
    assert "2_6" in other.text
