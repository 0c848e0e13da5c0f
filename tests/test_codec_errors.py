"""The codec's typed decode errors: each kind of mismatch with the WSDL raises its own ``ProtocolError``
subclass naming the element at fault, the same on the fast and the reference path."""

from __future__ import annotations

import pickle
import warnings
from typing import Any

import pytest

from mktows import codec
from mktows.errors import (
    EnumerationValueError,
    MissingElementError,
    MktowsError,
    ProtocolError,
    UnknownElementError,
    ValueTypeError,
)
from mktows.types import ActivityType, LeadKeyRef, ParamsGetLead

ENVELOPE = (
    b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
    b' xmlns:ns1="http://www.marketo.com/mktows/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    b"<SOAP-ENV:Header><ns1:AuthenticationHeader><mktowsUserId>u</mktowsUserId>"
    b"<requestSignature>s</requestSignature><requestTimestamp>t</requestTimestamp>"
    b"</ns1:AuthenticationHeader></SOAP-ENV:Header><SOAP-ENV:Body>%s</SOAP-ENV:Body></SOAP-ENV:Envelope>"
)
BODY = "Envelope/Body/"
LEAD_KEY = b"<leadKey><keyType>%s</keyType><keyValue>x</keyValue></leadKey>"

# (operation, body, strict modes in which it fails, error class, path below the Body, extra attributes)
CASES: list[tuple[str, bytes, tuple[bool, ...], type[ProtocolError], str, dict[str, Any]]] = [
    ("getLead", b"<ns1:paramsGetLead/>", (False, True), MissingElementError, "paramsGetLead/leadKey", {}),
    (
        "getLead",
        b"<ns1:paramsGetLead><leadKey><keyType>EMAIL</keyType></leadKey></ns1:paramsGetLead>",
        (False, True),
        MissingElementError,
        "paramsGetLead/leadKey/keyValue",
        {},
    ),
    (
        "getLead",
        b"<ns1:paramsGetLead>" + LEAD_KEY % b"NAME" + b"</ns1:paramsGetLead>",
        (True,),
        EnumerationValueError,
        "paramsGetLead/leadKey/keyType",
        {"value": "NAME", "enumeration": LeadKeyRef},
    ),
    (
        "getLead",
        b"<ns1:paramsGetLead>" + LEAD_KEY % b"" + b"</ns1:paramsGetLead>",
        (False, True),
        EnumerationValueError,
        "paramsGetLead/leadKey/keyType",
        {"value": "", "enumeration": LeadKeyRef},
    ),
    (
        "getLeadActivity",
        b"<ns1:paramsGetLeadActivity>"
        + LEAD_KEY % b"IDNUM"
        + b"<activityFilter><includeTypes><activityType>Nope</activityType></includeTypes></activityFilter>"
        b"</ns1:paramsGetLeadActivity>",
        (True,),
        EnumerationValueError,
        "paramsGetLeadActivity/activityFilter/includeTypes/activityType",
        {"value": "Nope", "enumeration": ActivityType},
    ),
    (
        "getCustomObjects",
        b"<ns1:paramsGetCustomObjects><objTypeName>RoadShow</objTypeName><batchSize>ten</batchSize>"
        b"<includeAttributes/></ns1:paramsGetCustomObjects>",
        (False, True),
        ValueTypeError,
        "paramsGetCustomObjects/batchSize",
        {"value": "ten", "expected": (int,)},
    ),
    (
        "getLeadChanges",
        b"<ns1:paramsGetLeadChanges><startPosition><oldestCreatedAt>yesterday</oldestCreatedAt>"
        b"</startPosition></ns1:paramsGetLeadChanges>",
        (False, True),
        ValueTypeError,
        "paramsGetLeadChanges/startPosition/oldestCreatedAt",
        {"value": "yesterday"},
    ),
    (
        "syncLead",
        b"<ns1:paramsSyncLead><leadRecord><Email>a@b.c</Email></leadRecord><returnLead>maybe</returnLead>"
        b"</ns1:paramsSyncLead>",
        (False, True),
        ValueTypeError,
        "paramsSyncLead/returnLead",
        {"value": "maybe", "expected": (bool,)},
    ),
    (
        "getLead",
        b"<ns1:paramsGetLead><leadKey><keyType>EMAIL</keyType><keyValue>x</keyValue><foo/></leadKey>"
        b"</ns1:paramsGetLead>",
        (True,),
        UnknownElementError,
        "paramsGetLead/leadKey/foo",
        {},
    ),
    (
        "getMultipleLeads",
        b'<ns1:paramsGetMultipleLeads><leadSelector xsi:type="ns1:LeadKeySelector"><keyType>EMAIL</keyType>'
        b"</leadSelector></ns1:paramsGetMultipleLeads>",
        (False, True),
        MissingElementError,
        "paramsGetMultipleLeads/leadSelector/keyValues",
        {},
    ),
]


def _decode(operation: str, body: bytes, strict: bool, reference: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # xsdata warns about the values it cannot convert
        return codec.decode_request(operation, ENVELOPE % body, strict=strict, reference=reference)


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize(
    ("operation", "body", "fails_when", "error", "path", "attributes"),
    CASES,
    ids=[f"{c[3].__name__}:{c[4]}" for c in CASES],
)
def test_each_mismatch_raises_its_typed_error_with_the_path(
    operation: str,
    body: bytes,
    fails_when: tuple[bool, ...],
    error: type[ProtocolError],
    path: str,
    attributes: dict[str, Any],
    strict: bool,
    reference: bool,
) -> None:
    if (
        strict not in fails_when
    ):  # lenient decoding keeps unknown enumeration text and ignores unknown elements
        _decode(operation, body, strict, reference)
        return
    with pytest.raises(error) as caught:
        _decode(operation, body, strict, reference)
    raised = caught.value
    assert type(raised) is error
    assert isinstance(raised, ProtocolError) and isinstance(raised, MktowsError)
    assert raised.path == BODY + path
    assert f"<{BODY + path}>" in str(raised)
    for name, value in attributes.items():
        assert getattr(raised, name) == value


def test_lenient_enumeration_text_is_refused_on_request_by_check_enumerations() -> None:
    envelope = _decode(
        "getLead", b"<ns1:paramsGetLead>" + LEAD_KEY % b"NAME" + b"</ns1:paramsGetLead>", False, False
    )
    params = envelope.body.params_get_lead
    assert isinstance(params, ParamsGetLead) and params.lead_key.key_type == "NAME"
    with pytest.raises(EnumerationValueError) as caught:
        codec.check_enumerations(params, "paramsGetLead")
    assert caught.value.path == "paramsGetLead/leadKey/keyType"
    assert caught.value.enumeration is LeadKeyRef and caught.value.value == "NAME"
    valid = _decode(
        "getLead", b"<ns1:paramsGetLead>" + LEAD_KEY % b"EMAIL" + b"</ns1:paramsGetLead>", False, False
    )
    codec.check_enumerations(valid.body.params_get_lead, "paramsGetLead")


def test_typed_errors_survive_pickling_as_their_class() -> None:
    error = ValueTypeError("x", path="a/b", value="ten", expected=(int,))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ValueTypeError and str(copy) == "x"


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_markup_inside_a_text_value_is_its_text_when_lenient_and_refused_when_strict(reference: bool) -> None:
    body = (
        b"<ns1:paramsGetLead><leadKey><keyType>EMAIL</keyType>"
        b'<keyValue>a <b class="x">bold</b> &amp; <i>it</i> tail</keyValue></leadKey></ns1:paramsGetLead>'
    )
    envelope = _decode("getLead", body, False, reference)
    assert envelope.body.params_get_lead.lead_key.key_value == 'a <b class="x">bold</b> &amp; <i>it</i> tail'
    with pytest.raises(UnknownElementError) as caught:
        _decode("getLead", body, True, reference)
    assert caught.value.path == BODY + "paramsGetLead/leadKey/keyValue/b"
    typed = b"<ns1:paramsGetCustomObjects><objTypeName>R</objTypeName><batchSize>1<b/></batchSize>"
    with pytest.raises(UnknownElementError):  # markup in a non-text value is refused in both modes
        _decode(
            "getCustomObjects", typed + b"<includeAttributes/></ns1:paramsGetCustomObjects>", False, reference
        )
