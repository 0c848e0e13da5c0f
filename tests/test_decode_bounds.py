"""The element bound of the codec: a document with more than ``MAX_DOCUMENT_ELEMENTS`` elements is refused
before it is parsed, on both sides (the client raises ``ProtocolError``, the emulator answers a SOAP fault),
while the largest legitimate page decodes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lxml import etree

from benchmarks.workloads import largest_page
from mktows import RetryPolicy, codec
from mktows.emulator import Emulator
from mktows.errors import ProtocolError
from tests.emulator_support import assert_fault, post, request_bytes, running
from tests.stub_server import GET_LEAD, StubServer, client_for, xml

OVER_THE_LIMIT = b"<x/>" * (codec.MAX_DOCUMENT_ELEMENTS + 1)
"""Empty unknown elements, one more than the limit (4 MB): lenient decoding would skip them one by one."""


def _response_holding(filler: bytes) -> bytes:
    return (
        b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        b'<ns1:successGetLead xmlns:ns1="http://www.marketo.com/mktows/"><result><count>0</count>'
        + filler
        + b"</result></ns1:successGetLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )


def _request_holding(emulator: Emulator, filler: bytes) -> bytes:
    request = request_bytes(emulator, "getLead", GET_LEAD)
    end = request.index(b"</ns1:paramsGetLead>")
    return request[:end] + filler + request[end:]


def test_the_largest_legitimate_page_is_well_under_the_limit_and_decodes() -> None:
    data = largest_page().response_bytes  # 1,000 leads with every lead field of the emulator
    elements = sum(1 for _ in etree.fromstring(data).iter())
    assert elements * 5 < codec.MAX_DOCUMENT_ELEMENTS
    result = codec.result_of("getMultipleLeads", codec.decode_response("getMultipleLeads", data, strict=True))
    assert len(result.lead_record_list.lead_record) == 1000


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_document_over_the_limit_is_refused(reference: bool) -> None:
    with pytest.raises(ProtocolError, match="more than 1000000 elements"):
        codec.decode_response("getLead", _response_holding(OVER_THE_LIMIT), reference=reference)


def test_end_tags_do_not_count_as_elements() -> None:
    """A document with more tags than the limit but fewer elements is decoded."""
    count = codec.MAX_DOCUMENT_ELEMENTS // 2 + 10_000
    data = _response_holding(b"<x></x>" * count)
    assert data.count(b"<") > codec.MAX_DOCUMENT_ELEMENTS
    assert codec.decode_response("getLead", data).body.success_get_lead.result.count == 0


def test_the_client_refuses_an_answer_over_the_limit() -> None:
    with StubServer(xml(_response_holding(OVER_THE_LIMIT))) as stub:
        client = client_for(stub, retry=RetryPolicy.never(), strict=False)
        with pytest.raises(ProtocolError, match="elements"):
            client.ops.get_lead(GET_LEAD)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield from running()


def test_the_emulator_answers_a_request_over_the_limit_with_a_fault(emulator: Emulator) -> None:
    data = _request_holding(emulator, OVER_THE_LIMIT)
    assert len(data) < emulator.config.limits.max_body_bytes  # refused for its elements, not its size
    assert_fault(post(emulator, data), 20012)
    # and the same request without the filler is answered
    assert post(emulator, _request_holding(emulator, b"")).status_code == 200
