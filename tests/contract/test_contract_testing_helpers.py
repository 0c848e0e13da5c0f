"""mktows.testing: canonical_xml and assert_same_xml (the comparison every wire-exact test relies on), and the
basic strategies of mktows.testing.strategies."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from lxml import etree
from xsdata.models.datatype import XmlDateTime

from mktows.errors import ProtocolError
from mktows.testing import assert_same_xml, canonical_xml
from mktows.testing.strategies import xml_datetimes, xml_text

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
MKTO = "http://www.marketo.com/mktows/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

MARKETO_STYLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}" xmlns:ns1="{MKTO}" xmlns:xsi="{XSI}">
  <SOAP-ENV:Body>
    <!-- a comment -->
    <ns1:paramsGetMultipleLeads>
      <leadSelector xsi:type="ns1:LeadKeySelector">
        <keyType>EMAIL</keyType>
        <keyValues><stringItem> spaced </stringItem></keyValues>
      </leadSelector>
      <batchSize/>
    </ns1:paramsGetMultipleLeads>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>
""".encode()

OTHER_PREFIXES = (
    f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:unused="urn:unused"><soapenv:Body>'
    f'<paramsGetMultipleLeads xmlns="{MKTO}">'
    f'<leadSelector xmlns="" xmlns:i="{XSI}" xmlns:m="{MKTO}" i:type="m:LeadKeySelector">'
    "<keyType>EMAIL</keyType><keyValues><stringItem> spaced </stringItem></keyValues></leadSelector>"
    "<batchSize xmlns=''></batchSize></paramsGetMultipleLeads></soapenv:Body></soapenv:Envelope>"
).encode()


def test_prefixes_whitespace_comments_and_xsi_type_qnames_are_normalised() -> None:
    assert canonical_xml(MARKETO_STYLE) == canonical_xml(OTHER_PREFIXES)
    canonical = canonical_xml(MARKETO_STYLE)
    assert f'xsi:type="{{{MKTO}}}LeadKeySelector"'.encode() in canonical
    assert b"<!--" not in canonical and b"urn:unused" not in canonical
    assert canonical.startswith(f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}"'.encode())


def test_text_values_and_names_still_count() -> None:
    assert canonical_xml(b"<a><b> x </b></a>") != canonical_xml(b"<a><b>x</b></a>")
    assert canonical_xml(b"<a><b>x</b></a>") != canonical_xml(b"<a><c>x</c></a>")
    assert canonical_xml(b"<a><b/><c/></a>") != canonical_xml(b"<a><c/><b/></a>")
    assert canonical_xml(b'<a xmlns="urn:1"/>') != canonical_xml(b'<a xmlns="urn:2"/>')
    assert canonical_xml(b"<a>\n  <b/>\n</a>") == canonical_xml(b"<a><b/></a>")
    assert canonical_xml(b'<a y="2" x="1"/>') == canonical_xml(b'<a x="1" y="2"/>')


def test_xsi_type_in_another_namespace_is_a_difference() -> None:
    one = f'<a xmlns:xsi="{XSI}" xmlns:p="urn:1" xsi:type="p:T"/>'.encode()
    two = f'<a xmlns:xsi="{XSI}" xmlns:p="urn:2" xsi:type="p:T"/>'.encode()
    assert canonical_xml(one) != canonical_xml(two)


def test_assert_same_xml_shows_a_diff_but_never_the_signature() -> None:
    assert_same_xml(MARKETO_STYLE, OTHER_PREFIXES)
    one = b"<h><requestSignature>0123456789abcdef</requestSignature><v>1</v></h>"
    two = b"<h><requestSignature>fedcba9876543210</requestSignature><v>2</v></h>"
    with pytest.raises(AssertionError) as caught:
        assert_same_xml(one, two, labels=("mine", "theirs"))
    message = str(caught.value)
    assert "--- mine" in message and "+++ theirs" in message
    assert "-  <v>1</v>" in message and "+  <v>2</v>" in message
    assert "0123456789abcdef" not in message and "fedcba9876543210" not in message
    assert "differs" in message


def test_signature_only_difference_is_still_reported() -> None:
    with pytest.raises(AssertionError, match="only requestSignature values differ"):
        assert_same_xml(b"<requestSignature>a</requestSignature>", b"<requestSignature>b</requestSignature>")


@pytest.mark.parametrize("data", [b"<a>", b"", b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'])
def test_bad_input_raises_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        canonical_xml(data)


def test_mktows_imports_without_hypothesis_and_strategies_names_what_is_missing() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if hypothesis were not installed\n"
        "import mktows, mktows.codec, mktows.testing\n"
        "try:\n"
        "    import mktows.testing.strategies\n"
        "except ImportError as exc:\n"
        "    print('IMPORT-ERROR:', exc)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "IMPORT-ERROR:" in run.stdout and "hypothesis" in run.stdout


@given(xml_text(max_size=50))
def test_xml_text_survives_an_xml_document(text: str) -> None:
    element = etree.Element("a")
    element.text = text  # lxml refuses characters XML cannot carry
    assert (etree.fromstring(etree.tostring(element)).text or "") == text


@given(xml_datetimes())
def test_xml_datetimes_are_valid_xs_datetime(value: XmlDateTime) -> None:
    assert XmlDateTime.from_string(str(value)) == value
