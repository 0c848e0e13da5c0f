"""Whole-call REST errors as SOAP faults (``mktows.rest.translate.faults``): the table, and ``Client.over_rest``
raising the SOAP family with REST's code kept, against a REST stub answering each code."""

from __future__ import annotations

import pickle

import pytest

from mktows import Client, Limits, RetryPolicy
from mktows import types as t
from mktows.errors import (
    FAULT_CODES,
    REST_ERROR_CODES,
    AuthenticationError,
    HTTPStatusError,
    InternalError,
    InvalidRequestError,
    NotFoundError,
    ProtocolError,
    SoapFault,
    StreamPositionError,
    TransportError,
    UnsupportedOperationError,
    fault_for,
    rest_error_for,
)
from mktows.rest.translate.faults import (
    ROWS,
    SOAP_CODE_FOR_REST,
    as_soap_fault,
    soap_code,
    soap_code_for_rest,
)
from tests.rest_stub import CLIENT_ID, CLIENT_SECRET, RestStub, error, ok
from tests.stub_server import Reply

DESCRIBE_PATH = "/rest/v1/customobjects/RoadShow/describe.json"


def test_each_rest_code_has_one_row_and_each_row_a_documented_soap_code_and_source() -> None:
    listed = [code for row in ROWS for code in row.rest_codes]
    assert len(listed) == len(set(listed)) == len(SOAP_CODE_FOR_REST)
    for row in ROWS:
        assert row.soap_code in FAULT_CODES
        assert "error-codes.md" in row.source


def test_every_documented_response_level_code_is_listed() -> None:
    response_level = {code for code in REST_ERROR_CODES if code < 1000}
    assert response_level <= set(SOAP_CODE_FOR_REST)


@pytest.mark.parametrize(
    ("rest_code", "soap"),
    [
        *[(606, 20023), (607, 20015), (615, 20024), (601, 20014), (603, 20013), (610, 20019), (609, 20012)],
        *[(701, 20109), (704, 20114), (1004, 20103), (1006, 20110), (1013, 20110), (1003, 20110)],
        *[(611, 20011), (608, 20011), (699, 20011), (799, 20110), (1999, 20110)],
    ],
)
def test_rest_codes_become_the_soap_code_of_the_same_case(rest_code: int, soap: int) -> None:
    assert soap_code_for_rest(rest_code) == soap
    fault = as_soap_fault(rest_error_for(rest_code, "refused", operation="op"))
    assert (fault.code, fault.protocol, fault.rest_code) == (soap, "soap", rest_code)
    assert type(fault) is FAULT_CODES[soap].error_class
    assert f"(REST {rest_code})" in str(fault)
    copy = pickle.loads(pickle.dumps(fault))
    assert (type(copy), copy.code, copy.rest_code) == (type(fault), soap, rest_code)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UnsupportedOperationError("no REST successor"), 20019),
        (StreamPositionError("a position of another query"), 20122),
        (InvalidRequestError("objTypeName is required"), 20110),
        (AuthenticationError("identity refused the client credentials", protocol="rest"), 20014),
        (fault_for(20103, "lead not found"), 20103),
        (NotFoundError("unknown", code=20111), 20111),
        (TransportError("connection refused"), 20011),
        (HTTPStatusError("502 page", status_code=502), 20011),
        (ProtocolError("not JSON"), 20011),
        (InternalError("inside"), 20011),
        (SoapFault("an undocumented SOAP code", code=12345), 20011),
    ],
)
def test_errors_without_a_rest_code_get_their_familys_soap_code(error: Exception, code: int) -> None:
    assert soap_code(error) == code  # type: ignore[arg-type]


def test_as_soap_fault_takes_only_rest_errors() -> None:
    with pytest.raises(ValueError, match="REST error"):
        as_soap_fault(fault_for(20110, "already SOAP"))


def _bridged(stub: RestStub) -> Client:
    return Client.over_rest(
        stub.rest_endpoint,
        CLIENT_ID,
        CLIENT_SECRET,
        limits=Limits(calls=None, concurrency=None),
        retry=RetryPolicy(max_attempts=1, max_throttle_wait=0),
    )


def _delete() -> t.ParamsDeleteCustomObjects:
    return t.ParamsDeleteCustomObjects(obj_type_name="RoadShow", custom_obj_key_lists=t.ArrayOfKeyList())


@pytest.mark.parametrize(
    ("rest_code", "soap"), [(1013, 20110), (606, 20023), (607, 20015), (603, 20013), (611, 20011)]
)
def test_over_rest_raises_the_soap_fault_with_the_rest_code_kept(rest_code: int, soap: int) -> None:
    # a describe refused as not found (1013) is followed by one listing of the types, which finds none
    replies = [error(rest_code, "refused by the stub")] + ([ok([])] if rest_code == 1013 else [])
    with (
        RestStub(*replies) as stub,
        _bridged(stub) as client,
        pytest.raises(SoapFault) as raised,
    ):
        client.ops.delete_custom_objects(_delete())
    fault = raised.value
    assert (fault.code, fault.protocol, fault.rest_code) == (soap, "soap", rest_code)
    assert type(fault) is FAULT_CODES[soap].error_class
    assert isinstance(fault.__cause__, SoapFault) and fault.__cause__.code == rest_code
    rest_paths = [received.path for received in stub.requests if received.path.startswith("/rest/")]
    assert rest_paths[0].startswith(DESCRIBE_PATH)  # the describe call was the one refused
    assert len(rest_paths) == len(replies)


def test_over_rest_identity_refusal_is_soaps_authentication_failure() -> None:
    refused = Reply(status=401, body=b'{"error":"invalid_client"}', content_type="application/json")
    with RestStub() as stub:
        stub.identity_replies.append(refused)
        with _bridged(stub) as client, pytest.raises(AuthenticationError) as raised:
            client.ops.delete_custom_objects(_delete())
    assert (raised.value.code, raised.value.protocol, raised.value.rest_code) == (20014, "soap", None)
    assert CLIENT_SECRET not in str(raised.value)
