"""Every documented XML example (fixtures/index.json) against mktows.codec.

- Well-formed requests and responses decode into their operation's generated envelope: strictly, unless
  known_differences.py lists the fixture as one where the docs and the WSDL disagree; then the strict decode
  must refuse it and the lenient decode must lose exactly what the table says.
- Re-encoding the decoded envelope gives the documented XML back (canonicalised), up to the listed differences:
  nothing documented is silently dropped or changed.
- The bare body elements (``paramsX`` / ``successX`` without an envelope) decode to the envelope type with only
  the body filled; the 20014 fault raises AuthenticationError; malformed fixtures raise ProtocolError.
- Fragments are excerpts, not documents: each is checked in the place the docs say it goes (a stream position
  inside a request, an activity record inside a getLeadActivity response).

Everything is parametrized from index.json, so a new fixture is picked up (and fails until accounted for).
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from xsdata.models.datatype import XmlDateTime

from mktows import codec, operations
from mktows.errors import AuthenticationError, ProtocolError, UnknownElementError
from mktows.operations import SOAP_ENV_NS, XSI_NS
from mktows.testing import assert_same_xml
from mktows.types import StreamPosition
from tests.conftest import fixture_bytes, fixture_index
from tests.contract.known_differences import DIFFERENCES, adjusted, differences
from tests.contract.shared import fixture_params

pytestmark = pytest.mark.shared

ENTRIES = fixture_index()
DOCUMENT_KINDS = ("request", "response")
DOCUMENTS = [e for e in ENTRIES if e["well_formed"] and e["kind"] in DOCUMENT_KINDS]
MALFORMED = [e for e in ENTRIES if not e["well_formed"]]
FAULTS = [e for e in ENTRIES if e["well_formed"] and e["kind"] == "fault"]
FRAGMENTS = [e for e in ENTRIES if e["kind"] == "fragment"]  # the malformed one is in MALFORMED too
ENVELOPE_TAG = f"{{{SOAP_ENV_NS}}}Envelope"


def _decoder(kind: str) -> Any:
    return codec.decode_request if kind == "request" else codec.decode_response


def _root(entry: dict[str, Any]) -> etree._Element:
    return codec.parse_xml(fixture_bytes(entry["file"]))


def decode_fixture(entry: dict[str, Any]) -> Any:
    """Decode a well-formed request/response fixture the way the table says it must decode."""
    op = operations.get(entry["operation"])
    decode = _decoder(entry["kind"])
    data = fixture_bytes(entry["file"])
    listed = differences(entry["file"])
    if any(d.strict_refuses for d in listed):
        with pytest.raises(ProtocolError):
            decode(op, data, strict=True)
        return decode(op, data, strict=False)
    return decode(op, data, strict=True)


def _sdk_form(entry: dict[str, Any], envelope: Any) -> bytes:
    """The SDK's bytes for a decoded fixture: the envelope, or its body element when the fixture is bare."""
    encoded = codec.encode(envelope)
    if _root(entry).tag == ENVELOPE_TAG:
        return encoded
    body = codec.parse_xml(encoded).find(f"{{{SOAP_ENV_NS}}}Body")
    assert body is not None
    return etree.tostring(body[0])


def test_every_index_entry_is_accounted_for() -> None:
    handled = {id(e) for e in DOCUMENTS + MALFORMED + FAULTS + FRAGMENTS}
    unhandled = [e["file"] for e in ENTRIES if id(e) not in handled]
    assert not unhandled, f"fixtures of a kind these tests do not know: {unhandled}"
    assert {e["file"] for e in FRAGMENTS} == set(FRAGMENT_CHECKS), (
        "a fragment without a check (or a stale one)"
    )
    files = {e["file"] for e in ENTRIES}
    stale = set(DIFFERENCES) - files
    assert not stale, f"known_differences.py lists fixtures that index.json no longer has: {stale}"
    operations_documented = {e["operation"] for e in DOCUMENTS}
    assert operations_documented == set(operations.OPERATIONS), "every operation has documented XML"


@pytest.mark.parametrize("entry", fixture_params(DOCUMENTS))
def test_documented_xml_decodes_into_its_envelope(entry: dict[str, Any]) -> None:
    op = operations.get(entry["operation"])
    envelope = decode_fixture(entry)
    if entry["kind"] == "request":
        assert type(envelope) is op.input
        assert isinstance(op.params_of(envelope), op.params)
    else:
        assert type(envelope) is op.output
        assert isinstance(op.success_of(envelope), op.success)
        assert envelope.body.fault is None
        assert isinstance(codec.result_of(op, envelope), op.result)
    if _root(entry).tag != ENVELOPE_TAG:  # a bare body element: the same envelope type, only the body filled
        assert entry["kind"] == "response" or envelope.header is None
        assert codec.parse_xml(fixture_bytes(entry["file"])).tag in (op.params_qname, op.success_qname)
    elif entry["kind"] == "request":
        assert envelope.header.authentication_header.mktows_user_id


@pytest.mark.parametrize("entry", fixture_params(DOCUMENTS))
def test_reencoding_gives_the_documented_xml_back(entry: dict[str, Any]) -> None:
    """Nothing documented is lost or changed by a decode/encode cycle, apart from the listed differences."""
    envelope = decode_fixture(entry)
    expected = etree.tostring(adjusted(entry["file"], _root(entry)))
    assert_same_xml(_sdk_form(entry, envelope), expected, labels=("sdk", entry["file"]))


def test_bare_body_elements_are_the_documented_six() -> None:
    bare = [e["file"] for e in DOCUMENTS if _root(e).tag != ENVELOPE_TAG]
    assert len(bare) == 6, bare
    assert "fixtures/getTags/response.xml" in bare


def test_each_listed_strict_refusal_really_loses_something() -> None:
    """Each listed strict refusal is real: its lenient decode does not give the documented XML back."""
    for file, listed in DIFFERENCES.items():
        if not any(d.strict_refuses for d in listed):
            continue
        entry = next(e for e in DOCUMENTS if e["file"] == file)
        envelope = decode_fixture(entry)
        with pytest.raises(AssertionError):
            assert_same_xml(_sdk_form(entry, envelope), fixture_bytes(file))


def test_schedule_campaign_clone_name_is_dropped_by_lenient_decoding() -> None:
    data = fixture_bytes("fixtures/scheduleCampaign/request.xml")
    assert b"<cloneToProgramName>" in data
    envelope = codec.decode_request("scheduleCampaign", data)
    params = envelope.body.params_schedule_campaign
    assert params.program_name == "Trav-Demo-Program"
    assert params.campaign_name == "Batch Campaign Example"
    assert [a.name for a in params.program_token_list.attrib] == ["{{my.message}}", "{{my.other token}}"]
    assert not hasattr(params, "clone_to_program_name")
    assert b"cloneToProgramName" not in codec.encode(envelope)


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
@pytest.mark.parametrize("entry", fixture_params(DOCUMENTS))
def test_every_well_formed_document_decodes_leniently(entry: dict[str, Any], reference: bool) -> None:
    decode = _decoder(entry["kind"])
    decode(entry["operation"], fixture_bytes(entry["file"]), strict=False, reference=reference)


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_getmobjects_html_token_is_kept_as_its_markup(reference: bool) -> None:
    """Lenient decoding keeps the HTML elements inside the token's xs:string value as its text: serialized,
    as Marketo sent it escaped; strict decoding refuses it, naming the element."""
    data = fixture_bytes("fixtures/getMObjects/response.xml")
    with pytest.raises(UnknownElementError) as caught:
        codec.decode_response("getMObjects", data, strict=True, reference=reference)
    assert caught.value.path.endswith("/attrib/value/p")
    envelope = codec.decode_response("getMObjects", data, strict=False, reference=reference)
    values = [
        attrib.value
        for mobject in codec.result_of("getMObjects", envelope).m_object_list.m_object
        for type_attrib in (mobject.type_attrib_list.type_attrib if mobject.type_attrib_list else [])
        for attrib in type_attrib.attr_list.attrib
    ]
    start = data.index(b"<value><p><span>") + len(b"<value>")
    documented = data[start : data.index(b"</value>", start)]  # the markup as the docs print it
    html = [value for value in values if value.startswith("<p><span>")]
    assert len(html) == 1
    assert etree.tostring(
        etree.fromstring(b"<v>" + html[0].encode() + b"</v>"), method="c14n"
    ) == etree.tostring(etree.fromstring(b"<v>" + documented + b"</v>"), method="c14n")
    assert "<tt>campaign.Name</tt>" in html[0] and "&amp;nbsp;" in html[0]
    assert b"&lt;p&gt;&lt;span&gt;" in codec.encode(envelope)


@pytest.mark.parametrize("entry", fixture_params(MALFORMED))
def test_malformed_fixture_raises_protocol_error(entry: dict[str, Any]) -> None:
    data = fixture_bytes(entry["file"])
    with pytest.raises(ProtocolError) as caught:
        if entry["kind"] in DOCUMENT_KINDS:
            _decoder(entry["kind"])(entry["operation"], data, strict=False)
        else:
            codec.parse_xml(data)
    assert "malformed" in str(caught.value) or "XML" in str(caught.value)


@pytest.mark.parametrize("operation", sorted(operations.OPERATIONS))
@pytest.mark.parametrize("entry", fixture_params(FAULTS))
def test_documented_fault_raises_authentication_error(entry: dict[str, Any], operation: str) -> None:
    with pytest.raises(AuthenticationError) as caught:
        codec.decode_response(operation, fixture_bytes(entry["file"]), strict=True)
    fault = caught.value
    assert fault.code == 20014
    assert fault.name == "mktServiceException"
    assert fault.message == "Authentication failed (20014)"
    assert fault.faultcode == "SOAP-ENV:Client"
    assert fault.faultstring == "20014 - Authentication failed"
    assert fault.operation == operation
    assert not fault.retryable


# Fragments: excerpts of a document. Each is placed where the docs say it belongs (replacing the element of the
# same name in a documented request or response) and that document must decode strictly with the fragment's
# values. The blog's activityRecord excerpt uses xsi:nil without declaring xsi, so as a document it is
# malformed (tested above); placed inside a response that declares xsi, it decodes.


def _splice(host_file: str, fragment: etree._Element, xpath: str) -> bytes:
    host = codec.parse_xml(fixture_bytes(host_file))
    target = host.xpath(xpath)
    assert isinstance(target, list) and target, f"{xpath} not in {host_file}"
    old = target[0]
    assert isinstance(old, etree._Element)
    parent = old.getparent()
    assert parent is not None
    fragment.tail = old.tail
    parent.replace(old, fragment)
    return etree.tostring(host)


def _fragment(file: str, declare_xsi: bool = False) -> etree._Element:
    data = fixture_bytes(file)
    if declare_xsi:  # the excerpt relies on its (omitted) enclosing document for the xsi prefix
        data = data.replace(b">", f' xmlns:xsi="{XSI_NS}">'.encode(), 1)
    return codec.parse_xml(data)


def _check_simple_stream_position() -> None:
    fragment = _fragment("fixtures/_fragments/stream-position-simple.xml")
    data = _splice("fixtures/getMultipleLeads/request-blog-2.clean.xml", fragment, "//streamPosition")
    params = codec.decode_request("getMultipleLeads", data, strict=True).body.params_get_multiple_leads
    assert params.stream_position == "8UJZetaMb1V6uUZl+L7DcPP2jG+PMmtpF"


def _check_complex_stream_position() -> None:
    for operation in ("getLeadChanges", "getLeadActivity"):
        fragment = _fragment("fixtures/_fragments/stream-position-complex.xml")
        data = _splice(f"fixtures/{operation}/request.xml", fragment, "//startPosition")
        envelope = codec.decode_request(operation, data, strict=True)
        position = operations.get(operation).params_of(envelope).start_position
        assert position == StreamPosition(
            oldest_created_at=XmlDateTime(2013, 8, 1, 0, 13, 13, offset=0), offset="ID:1086173"
        )


def _check_activity_record() -> None:
    fragment = _fragment("fixtures/_fragments/blog-activityRecord-id-field.xml", declare_xsi=True)
    data = _splice("fixtures/getLeadActivity/response.xml", fragment, "//activityRecord")
    envelope = codec.decode_response("getLeadActivity", data, strict=True)
    record = codec.result_of("getLeadActivity", envelope).activity_record_list.activity_record[0]
    assert record.id == 1030680
    assert record.activity_type == "Visit Webpage"
    assert record.mktg_asset_name == "ClickDemo"
    assert record.activity_date_time == XmlDateTime(2013, 7, 9, 16, 44, 28, offset=-300)
    assert [(a.attr_name, a.attr_type, a.attr_value) for a in record.activity_attributes.attribute] == [
        ("Webpage ID", None, "2547"),
        ("Webpage URL", None, "/ClickDemo.html"),
    ]
    assert record.mkt_person_id == "1089965" and record.person_name is None


FRAGMENT_CHECKS = {
    "fixtures/_fragments/stream-position-simple.xml": _check_simple_stream_position,
    "fixtures/_fragments/stream-position-complex.xml": _check_complex_stream_position,
    "fixtures/_fragments/blog-activityRecord-id-field.xml": _check_activity_record,
}


@pytest.mark.parametrize("file", sorted(FRAGMENT_CHECKS), ids=lambda f: f.removeprefix("fixtures/"))
def test_fragment_decodes_where_the_docs_place_it(file: str) -> None:
    FRAGMENT_CHECKS[file]()
