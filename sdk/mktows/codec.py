"""Where envelopes meet bytes: the one encoder and decoder shared by the client and the emulator.

- ``encode(envelope) -> bytes``: request envelopes leave unset optional fields out, as Marketo's documented
  requests do, and write required nillable ones (minOccurs=1) as ``xsi:nil="true"``; response envelopes write unset nillable fields as ``xsi:nil="true"``, as Marketo's responses do.
- ``decode_request(operation, data)`` / ``decode_response(operation, data)``: bytes (or a parsed element) to
  the generated envelope. A SOAP fault in a response raises the matching ``mktows.errors`` class. A bare body
  element (``paramsX`` / ``successX`` without an envelope, as Marketo's Java samples printed them) decodes to
  the same envelope type with only the body filled.
- A nillable text field reads ``<a/>`` as ``""`` and only ``<a xsi:nil="true"/>`` as None, so an empty
  string survives a round trip.
- XML is parsed without entity expansion, network access or DTDs; documents with a DOCTYPE, over
  ``MAX_DOCUMENT_BYTES``, with more than ``MAX_DOCUMENT_ELEMENTS`` elements (refused before parsing), or
  deeper/larger than libxml2's safe limits raise ``ProtocolError``.

Unknown elements are ignored unless ``strict=True`` (tests use strict; production stays forward-compatible).

Speed: codegen writes a specialised encoder and decoder for every generated class
(``mktows_generated._fastcodec``); they run first. xsdata's generic serializer and parser are the reference:
they take over whenever a fast function declines its input (anything outside the plain shapes it handles
exactly), and ``reference=True`` (or ``MKTOWS_CODEC=reference`` in the environment) uses them only. Both paths
give the same bytes, objects and errors.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections.abc import Iterator
from enum import Enum
from typing import Any, TypeVar

from lxml import etree
from xsdata.formats.dataclass.models.elements import XmlMeta, XmlVar
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.parsers.handlers import LxmlEventHandler
from xsdata.formats.dataclass.parsers.mixins import XmlNode
from xsdata.formats.dataclass.parsers.nodes import PrimitiveNode
from xsdata.formats.dataclass.parsers.utils import ParserUtils
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.formats.dataclass.serializers.mixins import EventIterator

from mktows import operations as _ops
from mktows.errors import MktowsError, ProtocolError, SoapFault, fault_for
from mktows.operations import SOAP_ENV_NS, XML_CONTEXT, XSI_NS, Operation
from mktows_generated import _fastcodec as _fast

T = TypeVar("T")

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""Documents larger than this are refused before parsing (a 100-object page is about 40 KiB)."""

MAX_DOCUMENT_ELEMENTS = 1_000_000
"""Documents with more elements than this are refused before parsing, which bounds the decoding work.

The largest legitimate page, 1,000 getMultipleLeads leads with every attribute of the emulator's 32 lead
fields, has about 134,000 elements (4.2 MB); this leaves room for 1,000 leads of about 245 attributes each.
"""

_MIN_ELEMENT_BYTES = 4
"""The shortest element is ``<a/>``: a document under ``_MIN_ELEMENT_BYTES * MAX_DOCUMENT_ELEMENTS`` bytes
cannot be over the element limit, and is not counted."""

NS_MAP: dict[str, str] = _fast.NS_MAP
"""Prefixes used on the wire, the ones of Marketo's documented envelopes (``SOAP-ENV``, ``ns1``, ``xsi``)."""

FAST_PATH = os.environ.get("MKTOWS_CODEC", "fast") != "reference"
"""Whether encode and decode try the generated fast codec before xsdata's reference serializer and parser."""

_log = logging.getLogger(__name__)


def _declined(what: str, cls: type, exc: Exception) -> None:
    _log.debug(
        "fast codec declined to %s %s (%s); using the reference", what, cls.__qualname__, type(exc).__name__
    )


ENVELOPE_TAG = f"{{{SOAP_ENV_NS}}}Envelope"
HEADER_TAG = f"{{{SOAP_ENV_NS}}}Header"
BODY_TAG = f"{{{SOAP_ENV_NS}}}Body"
FAULT_TAG = f"{{{SOAP_ENV_NS}}}Fault"

_SERIALIZER_CONFIG = SerializerConfig(xml_declaration=True, encoding="UTF-8", pretty_print=False)


class _ResponseSerializer(XmlSerializer):
    """Writes a present object as an element, never as ``xsi:nil``: only None is nil.

    xsdata marks an object in a nillable field nil when it has no child content (an empty list wrapper, a
    stream position with no fields set), which decodes back as None.
    """

    def convert_dataclass(
        self,
        obj: Any,
        namespace: str | None = None,
        qname: str | None = None,
        nillable: bool = False,
        xsi_type: str | None = None,
    ) -> EventIterator:
        return super().convert_dataclass(obj, namespace, qname, False, xsi_type)


@functools.cache
def _schema_required(cls: type) -> frozenset[str]:
    """Names of the fields of ``cls`` the schema requires (minOccurs=1): the ones without a default.

    xsdata's ``XmlVar.required`` comes from the type hint, so it is False for a required nillable field
    (``campaign_name: None | str`` with no default).
    """
    return frozenset(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


class _RequestSerializer(_ResponseSerializer):
    """Leaves out optional fields that are None, where xsdata >= 26.2 writes ``xsi:nil`` for nillable ones.

    Marketo's documented requests omit unset optional fields; a nil element can mean "clear this value". A
    required nillable field set to None is still written ``xsi:nil="true"``: the schema needs the element.
    """

    @classmethod
    def next_value(cls, obj: Any, meta: XmlMeta) -> Iterator[tuple[XmlVar, Any]]:
        for var, value in super().next_value(obj, meta):
            if (
                value is None
                and not var.required
                and not (var.nillable and var.name in _schema_required(meta.clazz))
            ):
                continue
            yield var, value


def _is_response(obj: object) -> bool:
    return type(obj) in _ops.BY_OUTPUT


def encode(envelope: object, *, reference: bool = False) -> bytes:
    """Serialize a generated envelope (or any generated element object) to UTF-8 XML bytes.

    ``reference=True`` skips the generated fast encoder and uses xsdata's serializer (same bytes, slower).
    """
    response = _is_response(envelope)
    if FAST_PATH and not reference:
        try:
            return _fast.encode(envelope, response)
        except Exception as exc:  # outside the fast path (or a value lxml refuses): the reference decides
            _declined("encode", type(envelope), exc)
    serializer_cls = _ResponseSerializer if response else _RequestSerializer
    serializer = serializer_cls(config=_SERIALIZER_CONFIG, context=XML_CONTEXT)
    return serializer.render(envelope, ns_map=NS_MAP).encode("utf-8")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _over_element_limit(data: bytes) -> bool:
    """Whether ``data`` may hold more than ``MAX_DOCUMENT_ELEMENTS`` elements, from its bytes alone.

    Every element opens with a ``<`` not followed by ``/``, so ``<`` less ``</`` counts at least the elements
    (comments, CDATA and processing instructions add to it, never take from it).
    """
    if len(data) < _MIN_ELEMENT_BYTES * MAX_DOCUMENT_ELEMENTS:
        return False
    opened = data.count(b"<")
    return opened > MAX_DOCUMENT_ELEMENTS and opened - data.count(b"</") > MAX_DOCUMENT_ELEMENTS


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted bytes safely and return the root element; ``ProtocolError`` on anything unsafe or broken."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ProtocolError(f"expected XML bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ProtocolError(f"document of {len(data)} bytes exceeds the {MAX_DOCUMENT_BYTES}-byte limit")
    if not data.strip():
        raise ProtocolError("empty document")
    if _over_element_limit(data):
        raise ProtocolError(f"document with more than {MAX_DOCUMENT_ELEMENTS} elements; refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(f"malformed XML: {exc}") from None
    except (ValueError, etree.LxmlError) as exc:
        raise ProtocolError(f"unreadable XML: {exc}") from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ProtocolError("XML with a DOCTYPE (DTD or entity declarations) is refused")
    return root


def _as_element(data: bytes | etree._Element) -> etree._Element:
    if isinstance(data, etree._Element):
        return data
    return parse_xml(data)


class _EmptyTextNode(PrimitiveNode):
    """A text element bound as ``""`` when it has no text (xsdata's ``PrimitiveNode`` gives None there)."""

    __slots__ = ()

    def bind(self, qname: str, text: str | None, tail: str | None, objects: list[Any]) -> bool:
        return super().bind(qname, "" if text is None else text, tail, objects)


class _XmlParser(XmlParser):
    """xsdata's parser, except that an empty element of a nillable string field decodes as ``""``.

    xsdata (26.10) binds None for a nillable simple element without text whether or not it carries
    ``xsi:nil="true"``, so an empty string did not survive encode and decode (it is written ``<a/>``). Here
    only ``xsi:nil="true"`` means None, as in the schema and the fast decoder; other types are unchanged.
    """

    def start(
        self,
        clazz: type | None,
        queue: list[XmlNode],
        objects: list[Any],
        qname: str,
        attrs: dict[str, str],
        ns_map: dict[str | None, str],
    ) -> None:
        super().start(clazz, queue, objects, qname, attrs, ns_map)
        node = queue[-1]
        if (
            type(node) is PrimitiveNode
            and node.var.nillable
            and node.var.types == (str,)
            and not ParserUtils.xsi_nil(attrs)
        ):
            queue[-1] = _EmptyTextNode(node.meta, node.var, node.ns_map, node.config)


def _xml_parser(strict: bool) -> XmlParser:
    config = ParserConfig(
        fail_on_unknown_properties=strict,
        fail_on_unknown_attributes=False,
        fail_on_converter_warnings=strict,
    )
    return _XmlParser(config=config, context=XML_CONTEXT, handler=LxmlEventHandler)


_NIL_WITH_CONTENT = etree.XPath(
    "descendant-or-self::*[@xsi:nil='true' or @xsi:nil='1'][* or text()[normalize-space()]]",
    namespaces={"xsi": XSI_NS},
)


def _bind(element: etree._Element, cls: type[T], strict: bool, what: str, reference: bool = False) -> T:
    if strict:  # xsdata drops the content of a nil element with only a log line; strict decoding refuses it
        nilled = _NIL_WITH_CONTENT(element)
        if isinstance(nilled, list) and nilled:
            tag = etree.QName(nilled[0]).localname  # type: ignore[arg-type]
            raise ProtocolError(f'{what}: <{tag}> is xsi:nil="true" but has content')
    if FAST_PATH and not reference:
        try:
            return _fast.decode(cls, element)
        except Exception as exc:  # anything unusual: the reference parser decides (and reports errors)
            _declined("decode", cls, exc)
    try:
        result = _xml_parser(strict).parse(element, cls)
    except MktowsError:
        raise
    except Exception as exc:  # xsdata raises ParserError, ConverterError, ValueError, TypeError...
        raise ProtocolError(f"{what} does not match the WSDL: {exc}") from None
    _check_types(result, strict, what)
    return result


def _check_types(obj: Any, strict: bool, what: str) -> None:
    """Refuse raw text that xsdata's parser leaves in a typed field.

    It binds ``""`` for an empty non-string element (``<success></success>``) and keeps the text of a value it
    cannot convert (``<leadId>abc</leadId>``) with only a warning. Lenient decoding keeps an unknown
    enumeration value as its text (a newer service may add values); strict decoding refuses that too.
    """
    pending: list[Any] = [obj]
    while pending:
        current = pending.pop()
        for var in XML_CONTEXT.build(type(current)).get_all_vars():
            value = getattr(current, var.name)
            for item in value if var.list_element else (value,):
                if item is None:
                    continue
                if var.clazz is not None:
                    pending.append(item)
                elif not (object in var.types or isinstance(item, tuple(var.types))):
                    enum_text = isinstance(item, str) and item and all(issubclass(t, Enum) for t in var.types)
                    if strict or not enum_text:
                        shown = repr(item) if len(repr(item)) <= 40 else repr(item)[:40] + "..."
                        raise ProtocolError(f"{what}: <{var.local_name}> holds {shown}, not a valid value")


def _body_child(root: etree._Element) -> etree._Element:
    if root.tag != ENVELOPE_TAG:
        raise ProtocolError(f"expected a SOAP 1.1 Envelope, got {root.tag}")
    body = root.find(BODY_TAG)
    if body is None:
        raise ProtocolError("SOAP Envelope has no Body")
    children = [child for child in body if isinstance(child.tag, str)]
    if len(children) != 1:
        raise ProtocolError(f"SOAP Body must hold exactly one element, holds {len(children)}")
    return children[0]


def _resolve(operation: str | Operation) -> Operation:
    if isinstance(operation, Operation):
        return operation
    try:
        return _ops.get(operation)
    except KeyError:
        raise ProtocolError(f"unknown operation {operation!r}") from None


def operation_of_request(data: bytes | etree._Element) -> Operation | None:
    """The operation a request envelope (or bare params element) is for, from its body element; None if unknown."""
    root = _as_element(data)
    child = root if root.tag != ENVELOPE_TAG else _body_child(root)
    return _ops.BY_PARAMS_QNAME.get(str(child.tag))


def decode_request(
    operation: str | Operation, data: bytes | etree._Element, *, strict: bool = False, reference: bool = False
) -> Any:
    """Decode a request envelope (or a bare ``params<Operation>`` element) into the generated input envelope.

    ``reference=True`` skips the generated fast decoder and uses xsdata's parser (same result, slower).
    """
    op = _resolve(operation)
    root = _as_element(data)
    if root.tag == op.params_qname:
        params = _bind(root, op.params, strict, f"{op.name} request", reference)
        return op.input(header=None, body=op.input.Body(**{op.params_field: params}))
    child = _body_child(root)
    if child.tag != op.params_qname:
        raise ProtocolError(f"{op.name} request: expected body element {op.params_qname}, got {child.tag}")
    return _bind(root, op.input, strict, f"{op.name} request", reference)


def fault_from_element(fault: etree._Element, operation: str | None = None) -> SoapFault:
    """Build the typed exception for a ``SOAP-ENV:Fault`` element, reading the ``serviceException`` detail."""
    faultcode = (fault.findtext("faultcode") or "").strip()
    faultstring = (fault.findtext("faultstring") or "").strip()
    detail = fault.find("detail")
    exception = None
    if detail is not None:
        exception = next((child for child in detail if isinstance(child.tag, str)), None)
    code: int | None = None
    name = ""
    message = faultstring
    if exception is not None:
        name = (exception.findtext("name") or "").strip()
        message = (exception.findtext("message") or "").strip() or faultstring
        raw_code = (exception.findtext("code") or "").strip()
        if raw_code.isdigit():
            code = int(raw_code)
    if code is None:
        head = faultstring.split(" ", 1)[0]
        if head.isdigit():
            code = int(head)
    return fault_for(
        code, message, name=name, faultcode=faultcode, faultstring=faultstring, operation=operation
    )


def decode_response(
    operation: str | Operation, data: bytes | etree._Element, *, strict: bool = False, reference: bool = False
) -> Any:
    """Decode a response envelope (or a bare ``success<Operation>`` element) into the generated output envelope.

    Raises the matching ``SoapFault`` subclass when the body is a fault, ``ProtocolError`` when the XML is
    malformed, unsafe or not this operation's response. ``reference=True`` skips the generated fast decoder.
    """
    op = _resolve(operation)
    root = _as_element(data)
    if root.tag == op.success_qname:
        success = _bind(root, op.success, strict, f"{op.name} response", reference)
        return op.output(body=op.output.Body(**{op.success_field: success}))
    child = _body_child(root)
    if child.tag == FAULT_TAG:
        raise fault_from_element(child, op.name)
    if child.tag != op.success_qname:
        raise ProtocolError(f"{op.name} response: expected body element {op.success_qname}, got {child.tag}")
    header = root.find(HEADER_TAG)
    if header is not None:  # the WSDL declares no response header; ignore one rather than fail (xsdata#1095)
        root = etree.fromstring(etree.tostring(root), _parser())
        root.remove(root.find(HEADER_TAG))  # type: ignore[arg-type]
    return _bind(root, op.output, strict, f"{op.name} response", reference)


def result_of(operation: str | Operation, envelope: Any) -> Any:
    """The ``Result…`` object inside a decoded response envelope."""
    op = _resolve(operation)
    success = getattr(envelope.body, op.success_field)
    if success is None:
        raise ProtocolError(f"{op.name} response has no {op.success_qname} element")
    return getattr(success, op.result_field)
