"""The generated fast codec against xsdata's reference path: same bytes, same objects, same errors.

- Hypothesis draws request and response envelopes (and bare body elements) of all 23 operations from the
  generated types' metadata: every type reachable from them, with nil, empty lists, ``xsi:type`` selectors,
  datetimes, enumerations and any Unicode text XML can carry. The fast encoder must write exactly the
  reference's bytes and the fast decoder must build exactly the reference's objects, both without falling back.
- Mutated documents (elements dropped, repeated, renamed, nilled, retyped, given odd text or children) and
  objects holding values of the wrong type must give the same outcome on both paths, strict or lenient: equal
  objects or bytes, or the same exception with the same message.
- Unsafe XML is refused by the fast path exactly as by the reference.

The fixture-by-fixture comparison is in test_fast_codec_fixtures.py. No test here measures time.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from xsdata.models.datatype import XmlDateTime

import mktows_generated.models as models
from mktows import codec
from mktows.errors import ProtocolError
from mktows.operations import MKTOWS_NS, OPERATIONS, SOAP_ENV_NS, XML_CONTEXT, XSI_NS, Operation
from mktows.testing.strategies import for_type, request_envelopes, response_envelopes
from mktows_generated import _fastcodec

MAX_LIST = 3
NOT_XML = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
TRICKY_TEXT = ["", " ", "a&b", "<x/>", "]]>", "\r\n", "\t", "q\"uo'te", "é", "😀", "  padded  ", "ns1:x"]
MODEL_CLASSES = [c for c in vars(models).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]

EXAMPLES = int(os.environ.get("MKTOWS_FAST_CODEC_EXAMPLES", "25"))
"""Examples per differential test and operation; raise it for a longer hunt (no test measures time)."""

DIFFERENTIAL = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- strategies: edge values on top of the contract suite's (see documents()) ------------------------------


def xml_text() -> st.SearchStrategy[str]:
    """Text XML 1.0 can carry, with markup characters, carriage returns and non-BMP characters well represented."""
    alphabet = st.characters(exclude_categories=["Cs"], exclude_characters=NOT_XML)
    return st.text(alphabet, max_size=12) | st.sampled_from(TRICKY_TEXT)


def xml_datetimes() -> st.SearchStrategy[XmlDateTime]:
    return st.builds(
        lambda d, fraction, offset: XmlDateTime(
            d.year, d.month, d.day, d.hour, d.minute, d.second, fraction, offset
        ),
        st.datetimes(),
        st.none() | st.integers(min_value=0, max_value=999_999_999),
        st.none() | st.integers(min_value=-14 * 60, max_value=14 * 60),
    )


def _primitive(tp: type[Any]) -> st.SearchStrategy[Any]:
    if tp is str or tp is object:  # object: the one xs:anyType field, carrying text
        return xml_text()
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(2**31), max_value=2**31 - 1) | st.integers()
    if tp is XmlDateTime:
        return xml_datetimes()
    if tp is bytes:  # base64Binary
        return st.binary(max_size=10)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    raise AssertionError(f"no strategy for {tp}")


_STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {}


def for_class(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a generated class: optional and nillable fields may be None, repeated ones are lists."""
    if cls not in _STRATEGIES:
        _STRATEGIES[cls] = st.deferred(lambda: _build(cls))
    return _STRATEGIES[cls]


def _build(cls: type[Any]) -> st.SearchStrategy[Any]:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, st.SearchStrategy[Any]] = {}
    for var in XML_CONTEXT.build(cls).get_element_vars():
        if var.clazz is not None:  # the class itself or a derived one (LeadSelector's, sent with xsi:type)
            derived = [k for k in MODEL_CLASSES if k is not var.clazz and issubclass(k, var.clazz)]
            value = st.one_of([for_class(k) for k in [var.clazz, *derived]])
        else:
            value = _primitive(var.types[0])
        if var.list_element:
            value = st.lists(value, max_size=MAX_LIST)
        elif var.nillable or fields[var.name].default is None:
            value = st.none() | value
        kwargs[var.name] = value
    return st.builds(cls, **kwargs)


def documents(op: Operation) -> st.SearchStrategy[Any]:
    """Request or response envelopes of ``op`` (responses mostly with a success body), or a bare body element.

    Half from the contract suite's strategies (``mktows.testing.strategies``: valid values per the WSDL), half
    from ``for_class`` above, which adds markup-heavy text, integers beyond xs:int and the abstract
    ``LeadSelector`` itself.
    """
    answer = for_class(op.success).map(lambda success: op.response(getattr(success, op.result_field)))
    suite = st.one_of(
        request_envelopes(op),
        response_envelopes(op),
        for_type(op.output),
        for_type(op.params),
        for_type(op.success),
    )
    edges = st.one_of(
        for_class(op.input), answer, for_class(op.output), for_class(op.params), for_class(op.success)
    )
    return suite | edges


OPS = sorted(OPERATIONS)


# -- helpers ------------------------------------------------------------------------------------------------


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call gives: its value, or its exception's class and message (warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("value", call())
        except Exception as exc:
            return (type(exc).__name__, str(exc))


@contextmanager
def fallbacks() -> Iterator[list[str]]:
    """Record every time the codec's fast path hands its input over to the reference."""
    seen: list[str] = []

    def record(what: str, cls: type, exc: Exception) -> None:
        seen.append(f"{what} {cls.__qualname__}: {exc!r}")

    with mock.patch.object(codec, "_declined", record):
        yield seen


@contextmanager
def no_fallback() -> Iterator[None]:
    """Fail if the fast path hands anything over to the reference (valid documents must not need it)."""
    with fallbacks() as seen:
        yield
    assert seen == []


def decode_both(
    op: Operation, obj: Any, data: bytes, strict: bool
) -> tuple[tuple[str, Any], tuple[str, Any]]:
    """Outcome of the fast and the reference decoder for a document of ``op`` written from ``obj``."""
    decode = codec.decode_request if isinstance(obj, (op.input, op.params)) else codec.decode_response
    fast = outcome(lambda: decode(op, data, strict=strict))
    reference = outcome(lambda: decode(op, data, strict=strict, reference=True))
    return fast, reference


# -- valid documents ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPS)
@DIFFERENTIAL
@given(data=st.data())
def test_fast_encoder_writes_the_reference_bytes(name: str, data: st.DataObject) -> None:
    op = OPERATIONS[name]
    obj = data.draw(documents(op))
    reference = codec.encode(obj, reference=True)
    with no_fallback():
        assert codec.encode(obj) == reference


@pytest.mark.parametrize("name", OPS)
@DIFFERENTIAL
@given(data=st.data())
def test_fast_decoder_builds_the_reference_objects(name: str, data: st.DataObject) -> None:
    op = OPERATIONS[name]
    obj = data.draw(documents(op))
    document = codec.encode(obj, reference=True)
    indented = etree.fromstring(document)
    etree.indent(indented)
    pretty = etree.tostring(indented, xml_declaration=True, encoding="UTF-8")
    renamed = document.replace(b"ns1:", b"mkto:").replace(b"xmlns:ns1=", b"xmlns:mkto=")
    for variant in (document, pretty, renamed):
        for strict in (False, True):
            with fallbacks() as seen:
                fast, reference = decode_both(op, obj, variant, strict)
            assert fast == reference
            if reference[0] == "value":  # what the reference can decode, the fast path decodes by itself
                assert seen == []


# -- mutated documents and odd objects ----------------------------------------------------------------------

MUTATIONS = (
    "drop",
    "duplicate",
    "rename",
    "unknown_child",
    "nil",
    "nil_empty",
    "nil_other",
    "xsi_type",
    "text",
    "child_on_leaf",
    "attribute",
    "tail",
    "reverse",
    "clear",
)
XSI_TYPES = [
    "ns1:LeadKeySelector",
    "ns1:StaticListSelector",
    "ns1:LastUpdateAtSelector",
    "ns1:LeadSelector",
    "ns1:ParamsGetLead",
    "ns1:Nope",
    "LeadKeySelector",
    "bogus:LeadKeySelector",
    " ns1:LeadKeySelector",
    "",
]
ODD_TEXT = ["", " ", "abc", " 5 ", "5", "-0", "1_000", "\u0663", "true", " true", "1", "TRUE", "CREATED"]
ODD_TEXT += [" CREATED ", "2013-07-29T14:52:16-07:00", "2013-07-29", "99999999999999999999"]


def mutate(root: etree._Element, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
    elements = list(root.iter())
    target = elements[draw(st.integers(min_value=0, max_value=len(elements) - 1))]
    kind = draw(st.sampled_from(MUTATIONS))
    parent = target.getparent()
    nil = f"{{{XSI_NS}}}nil"
    if kind == "drop" and parent is not None:
        parent.remove(target)
    elif kind == "duplicate" and parent is not None:
        target.addnext(copy.deepcopy(target))
    elif kind == "rename":
        target.tag = draw(st.sampled_from(["unknownElement", f"{{{MKTOWS_NS}}}unknownElement", "Body"]))
    elif kind == "unknown_child":
        etree.SubElement(target, draw(st.sampled_from(["extra", f"{{{MKTOWS_NS}}}extra"]))).text = "x"
    elif kind == "nil":
        target.set(nil, "true")
    elif kind == "nil_empty":
        for child in list(target):
            target.remove(child)
        target.text = None
        target.set(nil, "true")
    elif kind == "nil_other":
        target.set(nil, draw(st.sampled_from(["false", "1", "0", "", "TRUE"])))
    elif kind == "xsi_type":
        target.set(f"{{{XSI_NS}}}type", draw(st.sampled_from(XSI_TYPES)))
    elif kind == "text":
        target.text = draw(st.sampled_from(ODD_TEXT))
    elif kind == "child_on_leaf":
        leaf = next((e for e in target.iter() if len(e) == 0), target)
        etree.SubElement(leaf, "child").text = "x"
    elif kind == "attribute":
        target.set(draw(st.sampled_from(["foo", f"{{{MKTOWS_NS}}}foo"])), "bar")
    elif kind == "tail" and parent is not None:
        target.tail = "junk"
    elif kind == "reverse":
        target[:] = list(reversed(target))
    elif kind == "clear":
        for child in list(target):
            target.remove(child)


@pytest.mark.parametrize("name", OPS)
@DIFFERENTIAL
@given(data=st.data())
def test_mutated_documents_give_the_same_outcome_on_both_paths(name: str, data: st.DataObject) -> None:
    op = OPERATIONS[name]
    obj = data.draw(documents(op))
    root = etree.fromstring(codec.encode(obj, reference=True))
    for _ in range(data.draw(st.integers(min_value=1, max_value=2))):
        mutate(root, data.draw)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for strict in (False, True):
        fast, reference = decode_both(op, obj, document, strict)
        assert fast == reference


ODD_VALUES: list[Any] = [
    None,
    "",
    "x",
    0,
    1,
    True,
    -5,
    1.5,
    [],
    ("a",),
    ["a", None],
    models.SyncStatusEnum.CREATED,
    XmlDateTime(2013, 7, 29, 14, 52, 16, 0, -420),
    b"bytes",
    models.LeadKeySelector(
        key_type=models.LeadKeyRef.EMAIL, key_values=models.ArrayOfString(string_item=["a"])
    ),
    models.Attribute(attr_name="a", attr_value="b"),
    "bad\x00text",
    "\ufffe",
    "\ud800",
]


def _slots(obj: Any) -> Iterator[tuple[Any, str]]:
    """Every (object, field name) pair in a tree of generated objects."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            yield obj, field.name
            value = getattr(obj, field.name)
            for item in value if isinstance(value, list) else [value]:
                yield from _slots(item)


@pytest.mark.parametrize("name", OPS)
@DIFFERENTIAL
@given(data=st.data())
def test_objects_with_odd_values_encode_the_same_on_both_paths(name: str, data: st.DataObject) -> None:
    op = OPERATIONS[name]
    obj = data.draw(documents(op))
    slots = list(_slots(obj))
    for _ in range(data.draw(st.integers(min_value=1, max_value=2)) if slots else 0):
        owner, field = slots[data.draw(st.integers(min_value=0, max_value=len(slots) - 1))]
        object.__setattr__(owner, field, data.draw(st.sampled_from(ODD_VALUES)))
    assert outcome(lambda: codec.encode(obj)) == outcome(lambda: codec.encode(obj, reference=True))


# -- specific cases -----------------------------------------------------------------------------------------


def _get_multiple_leads(selector: Any) -> Any:
    op = OPERATIONS["getMultipleLeads"]
    auth = models.AuthenticationHeader(mktows_user_id="u", request_signature="s", request_timestamp="t")
    params = op.params(lead_selector=selector, batch_size=10)
    return op.request(params, [auth])


@pytest.mark.parametrize(
    "selector",
    [
        models.LeadKeySelector(
            key_type=models.LeadKeyRef.IDNUM, key_values=models.ArrayOfString(string_item=["1"])
        ),
        models.StaticListSelector(static_list_name="list"),
        models.LastUpdateAtSelector(oldest_updated_at=XmlDateTime(2013, 7, 29, 14, 52, 16, 0, -420)),
        models.LeadSelector(),
    ],
    ids=lambda s: type(s).__name__,
)
def test_lead_selectors_travel_with_xsi_type(selector: Any) -> None:
    envelope = _get_multiple_leads(selector)
    with no_fallback():
        data = codec.encode(envelope)
        decoded = codec.decode_request("getMultipleLeads", data, strict=True)
    assert data == codec.encode(envelope, reference=True)
    if type(selector) is not models.LeadSelector:
        assert f'xsi:type="ns1:{type(selector).__name__}"'.encode() in data
    assert decoded == codec.decode_request("getMultipleLeads", data, strict=True, reference=True)
    assert type(decoded.body.params_get_multiple_leads.lead_selector) is type(selector)


def test_request_omits_unset_optionals_and_response_writes_nil() -> None:
    status = models.SyncCustomObjStatus(
        obj_type_name="RoadShow", custom_obj_key_list=None, status=models.SyncStatusEnum.CREATED, error=None
    )
    result = models.ResultSyncCustomObjects(
        sync_custom_obj_status_list=models.ArrayOfSyncCustomObjStatus(sync_custom_obj_status=[status])
    )
    op = OPERATIONS["syncCustomObjects"]
    response = op.response(result)
    bare = op.success(result=result)
    with no_fallback():
        written_response, written_bare = codec.encode(response), codec.encode(bare)
    assert b'<error xsi:nil="true"/>' in written_response
    assert b"<error" not in written_bare  # a bare element is written with the request policy
    assert written_response == codec.encode(response, reference=True)
    assert written_bare == codec.encode(bare, reference=True)


def test_request_writes_nil_for_a_required_nillable_field() -> None:
    """campaignName is minOccurs=1 and nillable: None is sent as nil (the schema needs the element)."""
    params = models.ParamsImportToList(
        program_name="p",
        import_file_header="Email",
        import_file_rows=models.ArrayOfString(string_item=["a@b.c"]),
        import_list_mode=models.ImportToListModeEnum.LISTONLY,
        list_name="l",
        clear_list=False,
        campaign_name=None,
    )
    with no_fallback():
        written = codec.encode(params)
        decoded = codec.decode_request("importToList", written, strict=True)
    assert b'<campaignName xsi:nil="true"/>' in written
    assert written == codec.encode(params, reference=True)
    assert decoded.body.params_import_to_list == params


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ("<error/>", ""),
        ("<error></error>", ""),
        ('<error xsi:nil="false"/>', ""),
        ('<error xsi:nil="true"/>', None),
        ("<error> </error>", " "),
    ],
)
def test_only_nil_decodes_a_nillable_text_field_as_none(element: str, expected: str | None) -> None:
    """An empty element is the empty string; only ``xsi:nil="true"`` is None, on both paths."""
    data = (
        f'<ns1:successSyncCustomObjects xmlns:ns1="{MKTOWS_NS}" xmlns:xsi="{XSI_NS}"><result>'
        "<syncCustomObjStatusList><syncCustomObjStatus><objTypeName>RoadShow</objTypeName>"
        f"<status>CREATED</status>{element}</syncCustomObjStatus></syncCustomObjStatusList>"
        "</result></ns1:successSyncCustomObjects>"
    ).encode()
    with no_fallback():
        fast = codec.decode_response("syncCustomObjects", data, strict=True)
    reference = codec.decode_response("syncCustomObjects", data, strict=True, reference=True)
    assert fast == reference
    status = codec.result_of("syncCustomObjects", fast).sync_custom_obj_status_list.sync_custom_obj_status[0]
    assert status.error == expected


@pytest.mark.parametrize("bad", ["\x00", "\x1f", "\ufffe", "\uffff", "\ud800"], ids=repr)
def test_text_xml_cannot_carry_fails_the_same_way(bad: str) -> None:
    attribute = models.Attribute(attr_name="city", attr_value=f"San {bad}Mateo")
    obj = models.CustomObj(custom_obj_attribute_list=models.ArrayOfAttribute(attribute=[attribute]))
    fast = outcome(lambda: codec.encode(obj))
    assert fast[0] != "value"
    assert fast == outcome(lambda: codec.encode(obj, reference=True))


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
        b'<!DOCTYPE SOAP-ENV:Envelope SYSTEM "http://127.0.0.1:9/x.dtd"><SOAP-ENV:Envelope xmlns:SOAP-ENV="'
        + b'http://schemas.xmlsoap.org/soap/envelope/"/>',
        b"<not xml",
        b"",
    ],
    ids=["entity", "external-dtd", "malformed", "empty"],
)
def test_unsafe_or_broken_xml_is_refused_on_the_fast_path(document: bytes) -> None:
    for decode in (codec.decode_request, codec.decode_response):
        with pytest.raises(ProtocolError):
            decode("syncCustomObjects", document)


def test_fast_path_leaves_a_caller_element_intact() -> None:
    op = OPERATIONS["syncCustomObjects"]
    status = models.SyncCustomObjStatus(
        obj_type_name="RoadShow", status=models.SyncStatusEnum.UPDATED, custom_obj_key_list=None, error=None
    )
    result = models.ResultSyncCustomObjects(
        sync_custom_obj_status_list=models.ArrayOfSyncCustomObjStatus(sync_custom_obj_status=[status])
    )
    response = op.response(result)
    root = codec.parse_xml(codec.encode(response))
    before = etree.tostring(root)
    assert codec.decode_response(op, root) == response
    assert etree.tostring(root) == before


def test_codec_declares_the_generated_wire_prefixes() -> None:
    assert codec.NS_MAP == _fastcodec.NS_MAP == {"SOAP-ENV": SOAP_ENV_NS, "ns1": MKTOWS_NS, "xsi": XSI_NS}


@DIFFERENTIAL
@given(data=st.data())
def test_any_generated_class_as_root_on_both_paths(data: st.DataObject) -> None:
    """Every generated class (the unreachable ones too) as the root of a document: bytes and objects agree."""
    cls = data.draw(st.sampled_from(MODEL_CLASSES))
    obj = data.draw(for_class(cls))
    document = codec.encode(obj, reference=True)
    with no_fallback():
        assert codec.encode(obj) == document
    root = etree.fromstring(document)

    def bind(strict: bool, reference: bool) -> Any:  # the codec's binding step, on a copy of the tree
        return codec._bind(copy.deepcopy(root), cls, strict, "document", reference)

    for strict in (False, True):
        with fallbacks() as seen:
            fast = outcome(partial(bind, strict, False))
        reference = outcome(partial(bind, strict, True))
        assert fast == reference
        if reference[0] == "value":
            assert seen == []


def test_every_generated_class_has_a_fast_encoder_and_decoder() -> None:
    classes = [c for c in MODEL_CLASSES if c.__module__ == models.__name__]
    missing = [c.__qualname__ for c in classes if c not in _fastcodec._DECODERS or c not in _fastcodec._ROOTS]
    assert missing == []
