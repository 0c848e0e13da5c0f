"""``client.ops``: exactly the 23 operations, each typed with its Params… and Result… classes, over the wire."""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

import pytest
from lxml import etree

from mktows import CallResult, Client, RetryPolicy, codec, operations, signing
from mktows import types as t
from mktows.errors import InternalError, ProtocolError
from mktows.operations import MKTOWS_NS, Operations
from tests.conftest import fixture_bytes, fixture_index, requires_shared
from tests.contract.known_differences import adjusted, differences
from tests.contract.zeep_peer import read_response, sdk_plain, unwrappings
from tests.stub_server import (
    ENCRYPTION_KEY,
    GET_LEAD,
    GET_LEAD_OK,
    SYNC_LEAD,
    SYNC_LEAD_OK,
    StubServer,
    client_for,
    fault,
    xml,
)

PUBLIC_METHODS = {
    name for name, _ in inspect.getmembers(Operations, inspect.isfunction) if not name.startswith("_")
}


def test_ops_cover_exactly_the_operations() -> None:
    assert {op.method for op in operations.OPERATIONS.values()} == PUBLIC_METHODS
    assert len(PUBLIC_METHODS) == 23


@pytest.mark.parametrize("op", list(operations.OPERATIONS.values()), ids=lambda op: op.name)
def test_each_method_is_typed_with_its_params_and_result(op: operations.Operation) -> None:
    hints = get_type_hints(getattr(Operations, op.method))
    assert hints == {"params": op.params, "return": op.result}


def _documented(kind: str) -> dict[str, str]:
    """Operation -> fixture file of its reference-page request or response example."""
    found: dict[str, str] = {}
    for entry in fixture_index():
        if entry["kind"] == kind and entry["source_path"].startswith("help/soap-api/"):
            found.setdefault(entry["operation"], entry["file"])
    return found


REQUESTS = _documented("request")
RESPONSES = _documented("response")

REPAIRS = {
    # docs defects listed in FIXTURES.md, repaired here so these operations get a successful answer too
    "getLeadChanges": (b"URL: <unknown></attrValue>", b"URL: &lt;unknown&gt;</attrValue>"),
    "getChannels": (
        b"          </tagStatus>\n",
        b"          </tagStatus>\n        </tags>\n      </result>\n    </ns1:successGetChannels>\n"
        b"  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n",
    ),
}


def _repaired(operation: str, body: bytes) -> bytes:
    if operation not in REPAIRS:
        return body
    old, new = REPAIRS[operation]
    if operation == "getChannels":
        assert body.endswith(old)
        return body[: -len(old)] + new
    assert old in body
    return body.replace(old, new)


def _expected(operation: str, relative: str, body: bytes) -> Any:
    """What the documented response says, read by zeep (not by the codec under test): its plain form, or
    ProtocolError where the docs printed malformed XML or known_differences.py says a strict read refuses it."""
    entry = next(e for e in fixture_index() if e["file"] == relative)
    if body == fixture_bytes(relative):
        if not entry["well_formed"] or any(d.strict_refuses for d in differences(relative)):
            return ProtocolError
        return read_response(operation, adjusted(relative, etree.fromstring(body)))
    return read_response(operation, body)  # a repaired copy


@requires_shared
def test_every_operation_has_documented_examples() -> None:
    assert set(REQUESTS) == set(RESPONSES) == set(operations.OPERATIONS)


def _call_documented(name: str, answer: bytes) -> None:
    """Send the documented request's params through ``client.ops`` to a stub serving ``answer`` (the
    documented response, or a repaired copy of it).

    The result must hold the documented response's values (or the call raise ProtocolError where the docs'
    XML cannot be read), and the request on the wire must carry the same params, the operation's SOAPAction
    and a valid signature.
    """
    op = operations.get(name)
    params = op.params_of(codec.decode_request(op, fixture_bytes(REQUESTS[name])))
    expected = _expected(name, RESPONSES[name], answer)
    with StubServer(xml(answer)) as stub:
        method = getattr(client_for(stub, retry=RetryPolicy.never()).ops, op.method)
        if expected is ProtocolError:
            with pytest.raises(ProtocolError):
                method(params)
        else:
            result = method(params)
            assert isinstance(result, op.result)
            assert expected in unwrappings(sdk_plain(result))
        (sent,) = stub.posts
    assert sent.headers["soapaction"] == f'"{op.soap_action}"'
    echoed = codec.decode_request(op, sent.body, strict=True)
    assert op.params_of(echoed) == params
    auth = echoed.header.authentication_header
    assert signing.verify(ENCRYPTION_KEY, auth.request_timestamp, auth.mktows_user_id, auth.request_signature)


@requires_shared
@pytest.mark.parametrize("name", sorted(REQUESTS), ids=str)
def test_documented_call_over_the_wire(name: str) -> None:
    _call_documented(name, fixture_bytes(RESPONSES[name]))


@requires_shared
@pytest.mark.parametrize("name", sorted(REPAIRS), ids=str)
def test_documented_call_with_repaired_response(name: str) -> None:
    answer = _repaired(name, fixture_bytes(RESPONSES[name]))
    assert _expected(name, RESPONSES[name], answer) is not ProtocolError
    _call_documented(name, answer)


def _context_header(body: bytes) -> str | None:
    root = codec.parse_xml(body)
    found = root.find(f".//{{{MKTOWS_NS}}}MktowsContextHeader")
    return None if found is None else found.findtext("targetWorkspace")


def test_target_workspace_goes_on_sync_lead_only() -> None:
    with StubServer(xml(SYNC_LEAD_OK), xml(GET_LEAD_OK), xml(SYNC_LEAD_OK)) as stub:
        client = client_for(stub, target_workspace="Europe")
        client.ops.sync_lead(SYNC_LEAD)
        client.ops.get_lead(GET_LEAD)
        client_for(stub).ops.sync_lead(SYNC_LEAD)
        bodies = [post.body for post in stub.posts]
    assert [_context_header(body) for body in bodies] == ["Europe", None, None]


def test_call_returns_metadata_and_accepts_both_names() -> None:
    with StubServer(fault(20023), xml(GET_LEAD_OK), xml(GET_LEAD_OK)) as stub:
        client = client_for(stub)
        outcome = client.call("getLead", GET_LEAD)
        again = client.call("get_lead", GET_LEAD)
    assert isinstance(outcome, CallResult)
    assert outcome.operation == "getLead"
    assert outcome.attempts == 2 and again.attempts == 1
    assert isinstance(outcome.result, t.ResultGetLead)
    assert isinstance(outcome.envelope, t.GetLeadOutput)


def test_wrong_params_type_is_refused_before_sending() -> None:
    with StubServer() as stub:
        client = client_for(stub)
        with pytest.raises(TypeError, match="sync_lead takes ParamsSyncLead, got ParamsGetLead"):
            client.ops.sync_lead(GET_LEAD)  # type: ignore[arg-type]
        with pytest.raises(KeyError):
            client.call("noSuchOperation", GET_LEAD)
        assert stub.requests == []


def test_unencodable_params_are_a_mktows_error() -> None:
    params = t.ParamsGetLead(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value={"a": 1}))  # type: ignore[arg-type]
    with StubServer() as stub:
        with pytest.raises(ProtocolError, match="cannot encode"):
            client_for(stub).ops.get_lead(params)
        assert stub.requests == []


def test_success_without_result_is_protocol_error() -> None:
    body = (
        b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        b'<ns1:successGetLead xmlns:ns1="http://www.marketo.com/mktows/"/></SOAP-ENV:Body></SOAP-ENV:Envelope>'
    )
    with StubServer(default=xml(body)) as stub, pytest.raises(ProtocolError):
        client_for(stub, strict=False, retry=RetryPolicy.never()).ops.get_lead(GET_LEAD)


def test_failure_after_retries_keeps_the_fault() -> None:
    with StubServer(default=fault(20011)) as stub:
        client = client_for(stub, retry=RetryPolicy(max_attempts=2, sleep=lambda _: None))
        with pytest.raises(InternalError) as caught:
            client.ops.get_lead(GET_LEAD)
    assert caught.value.code == 20011 and caught.value.operation == "getLead"


def test_client_is_a_context_manager_and_has_the_convenience_layer() -> None:
    with Client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6", "u", "k" * 12) as client:
        assert callable(client.sync_custom_objects)
        assert callable(client.get_custom_objects)
        assert isinstance(client.ops, Operations)
