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
Lenient decoding also keeps markup found inside a text value (the documented getMObjects response has raw
HTML elements in an xs:string) as that value's text, serialized; strict decoding refuses it. A document the
WSDL does not describe raises a typed ``ProtocolError`` naming the element at fault: ``MissingElementError``,
``UnknownElementError`` (strict), ``EnumerationValueError`` (strict; lenient keeps the text),
``ValueTypeError``.

Speed: codegen writes a specialised encoder and decoder for every generated class
(``mktows_generated._fastcodec``); they run first. xsdata's generic serializer and parser are the reference:
they take over whenever a fast function declines its input (anything outside the plain shapes it handles
exactly), and ``reference=True`` (or ``MKTOWS_CODEC=reference`` in the environment) uses them only. Both paths
give the same bytes, objects and errors.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
import os
from collections import deque
from collections.abc import Iterator
from enum import Enum
from typing import Any, TypeVar

from lxml import etree
from xsdata.formats.converter import converter
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

from mktows import operations
from mktows.errors import (
    EnumerationValueError,
    MissingElementError,
    MktowsError,
    ProtocolError,
    SoapFault,
    UnknownElementError,
    ValueTypeError,
    fault_for,
)
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
    return type(obj) in operations.BY_OUTPUT


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
    root = etree.QName(element).localname
    if strict:  # xsdata drops the content of a nil element with only a log line; strict decoding refuses it
        nilled = _NIL_WITH_CONTENT(element)
        if isinstance(nilled, list) and nilled:
            tag = etree.QName(nilled[0]).localname  # type: ignore[arg-type]
            raise ProtocolError(f'{what}: <{tag}> is xsi:nil="true" but has content', path=tag)
    if FAST_PATH and not reference:
        try:
            return _fast.decode(cls, element)
        except Exception as exc:  # anything unusual: the reference parser decides (and reports errors)
            _declined("decode", cls, exc)
    try:  # xsdata's handler empties each element it has read: parse a copy, keep the tree to diagnose
        result = _xml_parser(strict).parse(copy.deepcopy(element), cls)
    except MktowsError:
        raise
    except Exception as exc:  # xsdata raises ParserError, ConverterError, ValueError, TypeError...
        repaired: list[str] = []
        if not strict:
            element = copy.deepcopy(element)  # repaired in place below; the caller's tree stays as it was
        located = _diagnose(element, cls, strict, what, root, None if strict else repaired)
        if located is not None:
            raise located from None
        if repaired:  # markup inside text values became their text: decode the repaired tree
            _log.debug("%s: kept the markup inside %s as text", what, ", ".join(repaired))
            return _bind(element, cls, strict, what, reference)
        raise ProtocolError(f"{what} does not match the WSDL: {exc}", path=root) from None
    _check_types(result, strict, what, root)
    return result


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def _enumeration_error(what: str, path: str, value: str, enumeration: type[Any]) -> EnumerationValueError:
    return EnumerationValueError(
        f"{what}: <{path}> holds {_shown(value)}, not a value of {enumeration.__name__}",
        path=path,
        value=value[:80],
        enumeration=enumeration,
    )


def _type_error(what: str, path: str, value: object, types: tuple[type[Any], ...]) -> ValueTypeError:
    return ValueTypeError(
        f"{what}: <{path}> holds {_shown(value)}, not a valid value",
        path=path,
        value=str(value)[:80],
        expected=types,
    )


def _is_nil(element: etree._Element) -> bool:
    return element.get(f"{{{XSI_NS}}}nil") in ("true", "1")


def _declared_class(element: etree._Element, cls: type[Any]) -> type[Any]:
    """The class an ``xsi:type`` attribute names (a subclass of ``cls``), else ``cls``."""
    xsi_type = element.get(f"{{{XSI_NS}}}type")
    if not xsi_type:
        return cls
    prefix, _, local = xsi_type.rpartition(":")
    namespace = element.nsmap.get(prefix or None)
    qname = f"{{{namespace}}}{local}" if namespace else local
    return XML_CONTEXT.find_subclass(cls, qname) or cls


def _markup_as_text(element: etree._Element) -> None:
    """Replace the child elements of a text value by their serialized markup, the text it stands for.

    Marketo's getMObjects response documents a program token's xs:string ``<value>`` holding raw HTML
    elements, where the wire carries that HTML escaped: the value is the markup, nothing is lost.
    """
    markup = element.text or ""
    for child in list(element):
        alone = copy.deepcopy(child)
        etree.cleanup_namespaces(alone)  # the ancestors' unused declarations are no part of the markup
        markup += etree.tostring(alone, encoding="unicode", with_tail=True)
        element.remove(child)
    element.text = markup


def _value_problem(
    element: etree._Element, var: XmlVar, strict: bool, what: str, path: str, repaired: list[str] | None
) -> ProtocolError | None:
    """What is wrong with the text of a simple-typed element, or None (lenient decoding keeps enum text).

    With ``repaired`` (lenient decoding), child elements of a text value become its text and the path is
    recorded there; strict decoding refuses them.
    """
    if len(element) and any(isinstance(child.tag, str) for child in element):
        if repaired is not None and (str in var.types or object in var.types):
            _markup_as_text(element)
            repaired.append(path)
            return None
        child = next(child for child in element if isinstance(child.tag, str))
        child_path = f"{path}/{etree.QName(child).localname}"
        return UnknownElementError(f"{what}: <{child_path}> inside a simple value", path=child_path)
    if object in var.types:
        return None
    text = element.text or ""
    try:
        converter.deserialize(text, var.types, format=var.format)
    except Exception:
        enums = [t for t in var.types if isinstance(t, type) and issubclass(t, Enum)]
        if enums and len(enums) == len(var.types):
            return _enumeration_error(what, path, text, enums[0]) if strict or not text else None
        if var.types == (str,) or (not text and var.nillable):
            return None
        return _type_error(what, path, text, tuple(var.types))
    return None


def _diagnose(
    element: etree._Element,
    cls: type[Any],
    strict: bool,
    what: str,
    path: str,
    repaired: list[str] | None = None,
) -> ProtocolError | None:
    """The first place, in document order, where ``element`` does not fit the generated class ``cls``: an
    unknown element (strict only), a bad value, a missing required element; None when nothing is found.

    Run only after xsdata's parser failed, to say where and why as a typed error. With ``repaired``, markup
    inside text values is turned into their text on the way (see ``_value_problem``).
    """
    meta = XML_CONTEXT.build(cls)
    present: set[str] = set()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        child_path = f"{path}/{etree.QName(child).localname}"
        var = next(meta.find_children(str(child.tag)), None)
        if var is None:
            if strict:
                return UnknownElementError(f"{what}: <{child_path}> is not in the WSDL", path=child_path)
            continue
        present.add(var.name)
        if _is_nil(child):
            continue
        if var.clazz is not None:
            found = _diagnose(child, _declared_class(child, var.clazz), strict, what, child_path, repaired)
        else:
            found = _value_problem(child, var, strict, what, child_path, repaired)
        if found is not None:
            return found
    required = _schema_required(meta.clazz)
    for var in meta.get_element_vars():
        if var.name in required and var.name not in present:
            missing = f"{path}/{var.local_name}"
            return MissingElementError(f"{what}: <{missing}> is required but missing", path=missing)
    return None


def _check_types(obj: Any, strict: bool, what: str, root: str) -> None:
    """Refuse raw text that xsdata's parser leaves in a typed field.

    It binds ``""`` for an empty non-string element (``<success></success>``) and keeps the text of a value it
    cannot convert (``<leadId>abc</leadId>``) with only a warning. Lenient decoding keeps an unknown
    enumeration value as its text (a newer service may add values); strict decoding refuses that too.
    """
    pending: deque[tuple[Any, str]] = deque([(obj, root)])
    while pending:
        current, path = pending.popleft()  # breadth first: the shallowest bad value is reported
        for var in XML_CONTEXT.build(type(current)).get_all_vars():
            value = getattr(current, var.name)
            where = f"{path}/{var.local_name}"
            for item in value if var.list_element else (value,):
                if item is None:
                    continue
                if var.clazz is not None:
                    pending.append((item, where))
                elif not (object in var.types or isinstance(item, tuple(var.types))):
                    enums = [t for t in var.types if isinstance(t, type) and issubclass(t, Enum)]
                    if enums and len(enums) == len(var.types) and isinstance(item, str):
                        if strict or not item:
                            raise _enumeration_error(what, where, item, enums[0])
                        continue
                    raise _type_error(what, where, item, tuple(var.types))


EnumPlan = tuple[tuple[str, str, tuple[type[Enum], ...], bool], ...]
_ENUM_PLANS: dict[type[object], EnumPlan] = {}


def _enum_plan(cls: type[object]) -> EnumPlan:
    """For a generated class: (attribute, element name, its enumeration types, whether the value is an object
    to look into) for each field that is or may contain an enumeration; empty when none can. Cached."""
    cached = _ENUM_PLANS.get(cls)
    if cached is not None:
        return cached
    plan = []
    for var in XML_CONTEXT.build(cls).get_all_vars():
        types = tuple(var.types)
        enums = tuple(t for t in types if isinstance(t, type) and issubclass(t, Enum))
        if enums and len(enums) == len(types):
            plan.append((var.name, var.local_name, enums, False))
        elif var.clazz is not None and _may_hold_enum(var.clazz, frozenset({cls})):
            plan.append((var.name, var.local_name, (), True))
    _ENUM_PLANS[cls] = tuple(plan)
    return _ENUM_PLANS[cls]


def _may_hold_enum(cls: type[Any], seen: frozenset[type[Any]]) -> bool:
    if cls in seen or not dataclasses.is_dataclass(cls):
        return False
    for var in XML_CONTEXT.build(cls).get_all_vars():
        if any(isinstance(t, type) and issubclass(t, Enum) for t in var.types):
            return True
        if var.clazz is not None and _may_hold_enum(var.clazz, seen | {cls}):
            return True
    return any(_may_hold_enum(sub, seen | {cls}) for sub in cls.__subclasses__())


def check_enumerations(obj: Any, path: str = "", what: str = "") -> None:
    """Raise ``EnumerationValueError`` where a leniently decoded object holds text outside an enumeration.

    Lenient decoding keeps such text on purpose (a client must survive a newer service's values); a service
    (the emulator) must refuse it. ``path`` is the element name of ``obj`` (``paramsGetLead``).
    """
    for name, local_name, enums, nested in _enum_plan(type(obj)):
        value = getattr(obj, name, None)
        where = f"{path}/{local_name}" if path else local_name
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if not nested and not isinstance(item, enums):
                raise _enumeration_error(what or "request", where, str(item), enums[0])
            if nested and dataclasses.is_dataclass(item):
                check_enumerations(item, where, what)


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
        return operations.get(operation)
    except KeyError:
        raise ProtocolError(f"unknown operation {operation!r}") from None


def operation_of_request(data: bytes | etree._Element) -> Operation | None:
    """The operation a request envelope (or bare params element) is for, from its body element; None if unknown."""
    root = _as_element(data)
    child = root if root.tag != ENVELOPE_TAG else _body_child(root)
    return operations.BY_PARAMS_QNAME.get(str(child.tag))


def decode_request(
    operation: str | Operation, data: bytes | etree._Element, *, strict: bool = False, reference: bool = False
) -> Any:
    """Decode a request envelope (or a bare ``params<Operation>`` element) into the generated input envelope.

    ``reference=True`` skips the generated fast decoder and uses xsdata's parser (same result, slower).
    """
    op = _resolve(operation)
    root = _as_element(data)
    if root.tag == op.params_qname:
        return op.request(_bind(root, op.params, strict, f"{op.name} request", reference))
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
        return op.response(getattr(success, op.result_field))
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
    success = op.success_of(envelope)
    if success is None:
        raise ProtocolError(f"{op.name} response has no {op.success_qname} element")
    return getattr(success, op.result_field)
