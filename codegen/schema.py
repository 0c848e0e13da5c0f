"""A small model of a mktows WSDL read with lxml: operations, named types, their elements, enumerations."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XS = "http://www.w3.org/2001/XMLSchema"


@dataclass(frozen=True)
class Field:
    type: str
    min_occurs: str
    max_occurs: str
    nillable: str


@dataclass
class Schema:
    operations: dict[str, tuple[str, str]]  # name -> (input element, output element)
    complex_types: dict[str, dict[str, Field]]  # type -> element name -> field
    bases: dict[str, str]  # type -> base type it extends
    enums: dict[str, list[str]]  # simpleType -> enumeration values (empty when not an enumeration)
    elements: dict[str, str]  # top-level element -> type
    request_roots: set[str]
    response_roots: set[str]


def _local(qname: str | None) -> str:
    if not qname:
        return ""
    return qname.split(":", 1)[1] if ":" in qname else qname


def _type_name(raw: str | None) -> str:
    """Normalise a type reference: ``tns:Foo`` -> ``Foo``, ``xsd:int`` -> ``xs:int``."""
    if not raw:
        return ""
    prefix, _, local = raw.rpartition(":")
    return f"xs:{local}" if prefix in {"xs", "xsd"} else local


def read_wsdl(data: bytes) -> etree._Element:
    """Parse WSDL bytes with entity expansion, DTD loading and network access off; comments are kept."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def parse_schema(data: bytes) -> Schema:
    root = read_wsdl(data)
    ns = {"wsdl": WSDL, "xs": XS, "soap": SOAP}
    schema = root.find("wsdl:types/xs:schema", ns)
    if schema is None:
        raise ValueError("WSDL has no inline xs:schema")

    complex_types: dict[str, dict[str, Field]] = {}
    bases: dict[str, str] = {}
    for ct in schema.findall("xs:complexType", ns):
        fields: dict[str, Field] = {}
        for el in ct.iter(f"{{{XS}}}element"):
            fields[el.get("name", "")] = Field(
                type=_type_name(el.get("type")),
                min_occurs=el.get("minOccurs", "1"),
                max_occurs=el.get("maxOccurs", "1"),
                nillable=el.get("nillable", "false"),
            )
        ext = ct.find(".//xs:extension", ns)
        if ext is not None:
            bases[ct.get("name", "")] = _type_name(ext.get("base"))
        complex_types[ct.get("name", "")] = fields
    enums = {
        st.get("name", ""): [e.get("value", "") for e in st.iter(f"{{{XS}}}enumeration")]
        for st in schema.findall("xs:simpleType", ns)
    }
    elements = {el.get("name", ""): _type_name(el.get("type")) for el in schema.findall("xs:element", ns)}

    message_elements = {
        msg.get("name", ""): [_local(p.get("element")) for p in msg.findall("wsdl:part", ns)]
        for msg in root.findall("wsdl:message", ns)
    }
    operations: dict[str, tuple[str, str]] = {}
    request_roots: set[str] = set()
    response_roots: set[str] = set()
    for op in root.findall("wsdl:portType/wsdl:operation", ns):
        in_msg = _local(op.find("wsdl:input", ns).get("message"))  # type: ignore[union-attr]
        out_msg = _local(op.find("wsdl:output", ns).get("message"))  # type: ignore[union-attr]
        operations[op.get("name", "")] = (
            ",".join(message_elements[in_msg]),
            ",".join(message_elements[out_msg]),
        )
        request_roots.update(message_elements[in_msg])
        response_roots.update(message_elements[out_msg])
    for header in root.iterfind(".//soap:header", ns):
        request_roots.update(message_elements.get(_local(header.get("message")), []))
    return Schema(operations, complex_types, bases, enums, elements, request_roots, response_roots)
