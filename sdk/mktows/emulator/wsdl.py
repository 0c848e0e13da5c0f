"""The WSDL the emulator serves at ``GET /soap/mktows/<version>?WSDL``, derived from the generated classes.

No copy of Marketo's file goes into the package: the schema (every named type with its elements in order,
their types, minOccurs, maxOccurs and nillability, extensions, enumerations, the top-level elements), the
messages, the portType, the document/literal binding with its SOAP actions and headers, and the service are
rebuilt from ``mktows_generated`` and the few facts the classes cannot carry (``_wsdl_facts``: XSD types
where a Python type has several, abstract types, minOccurs the classes do not show, and what codegen's
directives added, which is left out).
``python -m codegen diff`` finds the result equal to the pinned WSDL. Its ``soap:address`` is the URL the
request came to, so tools that follow the WSDL call the emulator, not Marketo's retired host.

Marketo's pinned file is never served, even where ../shared holds it: one behaviour, installed or not, and
the address always right. The names Marketo's file gives the portType, binding, service and port are kept; message and part names,
the order of the schema's declarations and the documentation text are the emulator's own.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from enum import Enum
from typing import Any

from lxml import etree

import mktows_generated.models as models
from mktows import operations
from mktows.operations import MKTOWS_NS, XML_CONTEXT
from mktows_generated import _source, wsdl_names
from mktows_generated import _wsdl_facts as facts

VERSION = _source.WSDL_VERSION
"""The WSDL version the emulator speaks and serves."""

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XS_NS = "http://www.w3.org/2001/XMLSchema"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
PORT_TYPE, BINDING, SERVICE, PORT = (
    "MktowsPort",
    "MktowsApiSoapBinding",
    "MktMktowsApiService",
    "MktowsApiSoapPort",
)
_NSMAP = {"soap": SOAP_NS, "tns": MKTOWS_NS, "wsdl": WSDL_NS, "xs": XS_NS}


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _is_element_class(cls: type[Any]) -> bool:
    """xsdata writes a top-level element as a subclass of its type with its own ``Meta.namespace``."""
    meta = vars(cls).get("Meta")
    return meta is not None and "namespace" in vars(meta) and getattr(meta, "name", "") != "Envelope"


def _classes() -> tuple[list[type[Enum]], list[type[Any]], list[type[Any]]]:
    """The generated enumerations, complex types and top-level element classes, in module order."""
    enums: list[type[Enum]] = []
    types: list[type[Any]] = []
    elements: list[type[Any]] = []
    for cls in vars(models).values():
        if not inspect.isclass(cls) or cls.__module__ != models.__name__:
            continue
        if issubclass(cls, Enum):
            enums.append(cls)
        elif dataclasses.is_dataclass(cls) and _is_element_class(cls):
            elements.append(cls)
        elif dataclasses.is_dataclass(cls) and getattr(getattr(cls, "Meta", None), "name", "") != "Envelope":
            types.append(cls)
    return enums, types, elements


@functools.cache
def _enum_names() -> dict[type[Any], str]:
    return {
        cls: name for name, cls in vars(wsdl_names).items() if inspect.isclass(cls) and issubclass(cls, Enum)
    }


def _type_name(cls: type[Any]) -> str:
    if issubclass(cls, Enum):
        return _enum_names()[cls]
    return etree.QName(XML_CONTEXT.build(cls).qname).localname


def _base(cls: type[Any]) -> type[Any] | None:
    bases = [b for b in cls.__bases__ if dataclasses.is_dataclass(b) and b.__module__ == models.__name__]
    return bases[0] if bases else None


def _field_type(owner: str, var: Any) -> str:
    if var.clazz is not None:
        return f"tns:{_type_name(var.clazz)}"
    if all(isinstance(t, type) and issubclass(t, Enum) for t in var.types):
        return f"tns:{_type_name(var.types[0])}"
    listed = facts.XSD_TYPES.get(f"{owner}/{var.local_name}")
    return listed or facts.CANONICAL_XSD_TYPES[var.types[0].__name__]


def _occurs(cls: type[Any], var: Any) -> tuple[str, str]:
    spec = next(f for f in dataclasses.fields(cls) if f.name == var.name)
    if var.list_element:
        return str(spec.metadata.get("min_occurs", 0)), str(spec.metadata.get("max_occurs", "unbounded"))
    listed = facts.MIN_OCCURS.get(f"{_type_name(cls)}/{var.local_name}")
    required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
    return listed or ("1" if required else "0"), "1"


def _complex_type(schema: etree._Element, cls: type[Any]) -> None:
    name = _type_name(cls)
    node = etree.SubElement(schema, _q(XS_NS, "complexType"), name=name)
    if name in facts.ABSTRACT_TYPES:
        node.set("abstract", "true")
    base = _base(cls)
    inherited = {f.name for f in dataclasses.fields(base)} if base is not None else set()
    own = [v for v in XML_CONTEXT.build(cls).get_element_vars() if v.name not in inherited]
    if base is None and not own:
        return
    holder = node
    if base is not None:
        content = etree.SubElement(node, _q(XS_NS, "complexContent"))
        holder = etree.SubElement(content, _q(XS_NS, "extension"), base=f"tns:{_type_name(base)}")
    sequence = etree.SubElement(holder, _q(XS_NS, "sequence"))
    for var in own:
        min_occurs, max_occurs = _occurs(cls, var)
        etree.SubElement(
            sequence,
            _q(XS_NS, "element"),
            name=var.local_name,
            type=_field_type(name, var),
            minOccurs=min_occurs,
            maxOccurs=max_occurs,
            nillable="true" if var.nillable else "false",
        )


def _schema(types_node: etree._Element) -> None:
    schema = etree.SubElement(types_node, _q(XS_NS, "schema"), targetNamespace=MKTOWS_NS)
    enums, types, elements = _classes()
    for enum in enums:
        name = _type_name(enum)
        added = facts.ADDED_ENUMERATION_VALUES.get(name, ())
        simple = etree.SubElement(schema, _q(XS_NS, "simpleType"), name=name)
        restriction = etree.SubElement(simple, _q(XS_NS, "restriction"), base="xs:string")
        for member in enum:
            if member.value not in added:
                etree.SubElement(restriction, _q(XS_NS, "enumeration"), value=str(member.value))
    for cls in types:
        if _type_name(cls) not in facts.ADDED_TYPES:
            _complex_type(schema, cls)
    for cls in elements:
        name = _type_name(cls)
        base = _base(cls)
        if name in facts.ADDED_ELEMENTS or base is None:
            continue
        etree.SubElement(schema, _q(XS_NS, "element"), name=name, type=f"tns:{_type_name(base)}")


def _message(root: etree._Element, name: str, element: str) -> None:
    message = etree.SubElement(root, _q(WSDL_NS, "message"), name=name)
    etree.SubElement(message, _q(WSDL_NS, "part"), name=element, element=f"tns:{element}")


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


@functools.cache
def _template() -> bytes:
    """The derived WSDL with an empty ``soap:address`` (built once)."""
    root = etree.Element(_q(WSDL_NS, "definitions"), nsmap=_NSMAP, name="mktows", targetNamespace=MKTOWS_NS)
    _schema(etree.SubElement(root, _q(WSDL_NS, "types")))
    ops = list(operations.OPERATIONS.values())
    headers: dict[str, None] = {}
    for op in ops:
        for var in XML_CONTEXT.build(op.input.Header).get_element_vars():
            headers.setdefault(var.local_name)
    for header in headers:
        _message(root, header, header)
    for op in ops:
        _message(root, f"{_upper_first(op.name)}Request", etree.QName(op.params_qname).localname)
        _message(root, f"{_upper_first(op.name)}Response", etree.QName(op.success_qname).localname)
    port_type = etree.SubElement(root, _q(WSDL_NS, "portType"), name=PORT_TYPE)
    for op in ops:
        operation = etree.SubElement(port_type, _q(WSDL_NS, "operation"), name=op.name)
        etree.SubElement(operation, _q(WSDL_NS, "input"), message=f"tns:{_upper_first(op.name)}Request")
        etree.SubElement(operation, _q(WSDL_NS, "output"), message=f"tns:{_upper_first(op.name)}Response")
    binding = etree.SubElement(root, _q(WSDL_NS, "binding"), name=BINDING, type=f"tns:{PORT_TYPE}")
    etree.SubElement(binding, _q(SOAP_NS, "binding"), style="document", transport=HTTP_TRANSPORT)
    for op in ops:
        operation = etree.SubElement(binding, _q(WSDL_NS, "operation"), name=op.name)
        etree.SubElement(operation, _q(SOAP_NS, "operation"), soapAction=op.soap_action)
        request = etree.SubElement(operation, _q(WSDL_NS, "input"))
        for var in XML_CONTEXT.build(op.input.Header).get_element_vars():
            etree.SubElement(
                request,
                _q(SOAP_NS, "header"),
                use="literal",
                part=var.local_name,
                message=f"tns:{var.local_name}",
            )
        etree.SubElement(request, _q(SOAP_NS, "body"), use="literal")
        response = etree.SubElement(operation, _q(WSDL_NS, "output"))
        etree.SubElement(response, _q(SOAP_NS, "body"), use="literal")
    service = etree.SubElement(root, _q(WSDL_NS, "service"), name=SERVICE)
    port = etree.SubElement(service, _q(WSDL_NS, "port"), name=PORT, binding=f"tns:{BINDING}")
    etree.SubElement(port, _q(SOAP_NS, "address"), location="")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def derived_wsdl(location: str) -> bytes:
    """The WSDL of the generated version, its ``soap:address`` set to ``location`` (the emulator's URL)."""
    root = etree.fromstring(_template())
    address = root.find(f"{_q(WSDL_NS, 'service')}/{_q(WSDL_NS, 'port')}/{_q(SOAP_NS, 'address')}")
    assert address is not None  # built by _template
    address.set("location", location)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
