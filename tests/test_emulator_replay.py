"""Every well-formed documented request, replayed against the emulator with the freshness check off, is
answered with a response that decodes (strictly) into the same generated type as the documented response.

The default configuration seeds the leads, lists, programs, campaigns and objects the documented requests
name, so they succeed rather than fault. Requests whose documented credentials cannot be verified (the docs
obfuscated the user id or never printed its key) must be refused with 20014 as documented and are then
replayed with a valid AuthenticationHeader; requests the docs printed without an envelope are wrapped in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from mktows import codec, signing
from mktows import operations as wsdl
from mktows.emulator import Emulator
from mktows.operations import MKTOWS_NS
from tests.conftest import PREREQUISITES, fixture_bytes, fixture_index, requires_shared
from tests.emulator_support import assert_fault, envelope_around, is_envelope, post, running, with_auth

pytestmark = [requires_shared, pytest.mark.shared]

REQUESTS = [e for e in fixture_index() if e["kind"] == "request" and e["well_formed"]]

# Where the documented request differs from the WSDL (or from another page), what the emulator does with it.
DOCS_DIFFER: dict[str, str] = {
    "fixtures/syncMultipleLeads/request-blog-1.clean.xml": (
        "the blog names the keys leadId/foreignSysPersonId; the WSDL's LeadRecord has Id/ForeignSysPersonId, so"
        " the records carry no key the service can read and each one is FAILED"
    ),
    "fixtures/syncMultipleLeads/request-blog-2.clean.xml": (
        "the blog qualifies leadAttributeList with the mktows namespace; the WSDL's local elements are"
        " unqualified, so the attributes are not read and the leads are created by email alone"
    ),
    "fixtures/syncLead/request-blog-1.clean.xml": (
        "the blog sends leadRecord/leadId, which the WSDL does not declare; the lead is matched by its Email"
    ),
    "fixtures/syncLead/request-blog-2.clean.xml": (
        "synclead.md requires ForeignSysType with ForeignSysPersonId; the blog sends the id alone and shows"
        " success, so the emulator accepts it"
    ),
    "fixtures/scheduleCampaign/request.xml": (
        "cloneToProgramName is documented but in no WSDL; the emulator reads it from the raw request and clones"
        " the program"
    ),
    "fixtures/requestCampaign/request-blog-4.clean.xml": (
        "requestcampaign.md allows campaignId only alone; the blog sends it with programTokenList and shows"
        " success, so the emulator accepts that combination"
    ),
    "fixtures/getLeadActivity/request.xml": (
        "the docs send empty <latestCreatedAt/> and <offset/>; an empty xs:dateTime is read as absent"
    ),
}

SYNC_STATUS_LISTS = {
    "syncMultipleLeads": ("sync_status_list", "sync_status"),
    "syncCustomObjects": ("sync_custom_obj_status_list", "sync_custom_obj_status"),
    "deleteCustomObjects": ("delete_custom_obj_status_list", "sync_custom_obj_status"),
    "syncMObjects": ("m_obj_status_list", "m_obj_status"),
    "deleteMObjects": ("m_obj_status_list", "m_obj_status"),
}
ALL_FAILED = {"fixtures/syncMultipleLeads/request-blog-1.clean.xml"}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield from running(settings={"freshness_check": False})


# Documented responses that do not decode, so the operation's output envelope stands for their type.
UNDECODABLE_RESPONSES = {
    "getLeadChanges": "the documented response is malformed (an unescaped <unknown> in an attrValue)",
    "getChannels": "the documented response is truncated (malformed)",
    "getMObjects": "the documented response holds raw HTML elements inside a token's xs:string <value>",
}


def _documented_response_type(operation: str) -> type[Any]:
    """The generated type the operation's documented response decodes into."""
    if operation in UNDECODABLE_RESPONSES:
        return wsdl.get(operation).output
    entry = next(
        e
        for e in fixture_index()
        if e["operation"] == operation and e["kind"] == "response" and e["well_formed"]
    )
    return type(codec.decode_response(operation, fixture_bytes(entry["file"])))


def _credentials_verify(data: bytes, emulator: Emulator) -> bool:
    header = etree.fromstring(data).find(f".//{{{MKTOWS_NS}}}AuthenticationHeader")
    if header is None:
        return False
    values = {etree.QName(child).localname: (child.text or "") for child in header}
    user = emulator.config.user(values.get("mktowsUserId", ""))
    return user is not None and signing.verify(
        user.encryption_key,
        values.get("requestTimestamp", ""),
        user.user_id,
        values.get("requestSignature", ""),
    )


def _prepared(emulator: Emulator, relative: str) -> bytes:
    data = fixture_bytes(relative)
    if not is_envelope(data):  # the docs printed only the body element
        return with_auth(envelope_around(data), emulator.user_id, emulator.encryption_key)
    if _credentials_verify(data, emulator):
        return data
    # unverifiable documented credentials must be refused as documented before the re-signed replay
    assert_fault(post(emulator, data), 20014)
    return with_auth(data, emulator.user_id, emulator.encryption_key)


def test_the_default_users_sign_the_documented_requests_of_their_pages(emulator: Emulator) -> None:
    """The 18 reference-page requests of the docs' demo user verify as documented (GENERAL.md)."""
    verified = [
        e["file"]
        for e in REQUESTS
        if is_envelope(fixture_bytes(e["file"])) and _credentials_verify(fixture_bytes(e["file"]), emulator)
    ]
    assert len(verified) >= 18, verified


@pytest.mark.parametrize("entry", REQUESTS, ids=[e["file"].removeprefix("fixtures/") for e in REQUESTS])
def test_documented_request_gets_a_response_of_the_documented_type(
    emulator: Emulator, entry: dict[str, Any]
) -> None:
    relative = entry["file"]
    operation = entry["operation"]
    op = wsdl.get(operation)
    emulator.reset()
    if relative in PREREQUISITES:
        first = PREREQUISITES[relative]
        codec.decode_response(
            wsdl.BY_PARAMS_QNAME[_body_tag(first)].name, post(emulator, _prepared(emulator, first)).content
        )
    response = post(emulator, _prepared(emulator, relative))
    assert response.status_code == 200, (response.status_code, response.headers.get("X-Mktows-Fault-Reason"))
    decoded = codec.decode_response(operation, response.content, strict=True)
    assert type(decoded) is _documented_response_type(operation) is op.output
    result = codec.result_of(operation, decoded)
    if operation in SYNC_STATUS_LISTS:
        array_field, items_field = SYNC_STATUS_LISTS[operation]
        statuses = [item.status.value for item in getattr(getattr(result, array_field), items_field)]
        assert statuses
        if relative in ALL_FAILED:
            assert set(statuses) == {"FAILED"}, DOCS_DIFFER[relative]
        else:
            assert "FAILED" not in statuses, (statuses, DOCS_DIFFER.get(relative, ""))


def _body_tag(relative: str) -> str:
    root = etree.fromstring(fixture_bytes(relative))
    body = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    element = next(iter(body)) if body is not None else root
    return str(element.tag)


def test_schedule_campaign_clones_the_program_named_by_the_undeclared_element(emulator: Emulator) -> None:
    emulator.reset()
    relative = "fixtures/scheduleCampaign/request.xml"
    response = post(emulator, _prepared(emulator, relative))
    assert response.status_code == 200, DOCS_DIFFER[relative]
    names = [p["attributes"]["Name"] for p in emulator.state.mobjects("Program")]
    assert "TestProgramCloneFromSOAP" in names
    runs = emulator.state.campaign_runs()
    assert runs[-1]["tokens"] == {
        "{{my.message}}": "Updated message",
        "{{my.other token}}": "Value for other token",
    }


def test_documented_sync_custom_objects_updates_the_documented_object(emulator: Emulator) -> None:
    """The docs answer UPDATED: the seeded RoadShow (1090177, rid1) exists, and the replay changes it."""
    emulator.reset()
    response = post(emulator, fixture_bytes("fixtures/syncCustomObjects/request.xml"))
    result = codec.result_of(
        "syncCustomObjects", codec.decode_response("syncCustomObjects", response.content)
    )
    assert [s.status.value for s in result.sync_custom_obj_status_list.sync_custom_obj_status] == ["UPDATED"]
    stored = emulator.state.custom_object("RoadShow", MKTOID="1090177", rid="rid1")
    assert stored is not None
    assert stored["attributes"] == {"city": "SanMateo", "zip": "94404", "state": "California"}
