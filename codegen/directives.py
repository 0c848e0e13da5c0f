"""Transforms applied to the WSDL before xsdata reads it, each one a documented fact the WSDL leaves out.

The WSDL file on disk is never changed; the transformed copy lives only in a temporary folder during
generation. Each directive says why it exists and when it could be dropped.
"""

from __future__ import annotations

from lxml import etree

from codegen.schema import read_wsdl

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XS_NS = "http://www.w3.org/2001/XMLSchema"
MKTOWS_NS = "http://www.marketo.com/mktows/"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def add_service_exception_fault(root: etree._Element) -> None:
    """Declare the ``serviceException`` fault detail on every operation.

    Why: the portType declares no ``wsdl:fault``, yet every Marketo fault carries
    ``detail/ns1:serviceException/{name,message,code}`` (FAULTS.md, authentication-signature.md). Without a
    declaration xsdata types ``Fault.detail`` as a string and its parser crashes on the child elements.
    Drop it when: never for these WSDLs; they are frozen.
    """
    schema = root.find(f"{_q(WSDL_NS, 'types')}/{_q(XS_NS, 'schema')}")
    if schema is None:
        raise ValueError("WSDL has no inline xs:schema")
    complex_type = etree.SubElement(schema, _q(XS_NS, "complexType"), name="ServiceException")
    sequence = etree.SubElement(complex_type, _q(XS_NS, "sequence"))
    for name, type_ in (("name", "xs:string"), ("message", "xs:string"), ("code", "xs:int")):
        etree.SubElement(sequence, _q(XS_NS, "element"), name=name, type=type_, minOccurs="1", maxOccurs="1")
    etree.SubElement(schema, _q(XS_NS, "element"), name="serviceException", type="tns:ServiceException")

    port_type = root.find(_q(WSDL_NS, "portType"))
    binding = root.find(_q(WSDL_NS, "binding"))
    if port_type is None or binding is None:
        raise ValueError("WSDL has no portType or binding")
    message = etree.Element(_q(WSDL_NS, "message"), name="ServiceException")
    etree.SubElement(message, _q(WSDL_NS, "part"), name="serviceException", element="tns:serviceException")
    port_type.addprevious(message)
    for operation in port_type.findall(_q(WSDL_NS, "operation")):
        etree.SubElement(
            operation, _q(WSDL_NS, "fault"), name="serviceException", message="tns:ServiceException"
        )
    for operation in binding.findall(_q(WSDL_NS, "operation")):
        fault = etree.SubElement(operation, _q(WSDL_NS, "fault"), name="serviceException")
        etree.SubElement(fault, _q(SOAP_NS, "fault"), name="serviceException", use="literal")


def add_documented_custom_object_statuses(root: etree._Element) -> None:
    """Add UNCHANGED and SKIPPED to ``SyncStatusEnum``, the status type of syncCustomObjects/deleteCustomObjects.

    Why: synccustomobjects.md documents the statuses "CREATED, UPDATED, FAILED, UNCHANGED, SKIPPED" (an
    update that changes nothing is UNCHANGED; INSERT of an existing or UPDATE of a missing object is
    SKIPPED) and deletecustomobjects.md "DELETED, UNCHANGED, FAILED", but the WSDL's enumeration stops at
    CREATED, UPDATED, DELETED, FAILED, so a typed parser would reject documented answers. (MObjStatusEnum
    already lists all six.) Drop it when: never for these WSDLs; they are frozen.
    """
    for simple_type in root.iter(_q(XS_NS, "simpleType")):
        if simple_type.get("name") != "SyncStatusEnum":
            continue
        restriction = simple_type.find(_q(XS_NS, "restriction"))
        if restriction is None:
            raise ValueError("SyncStatusEnum has no restriction")
        present = {e.get("value") for e in restriction.findall(_q(XS_NS, "enumeration"))}
        for value in ("UNCHANGED", "SKIPPED"):
            if value not in present:
                etree.SubElement(restriction, _q(XS_NS, "enumeration"), value=value)
        return
    raise ValueError("WSDL has no SyncStatusEnum")


DIRECTIVES = (add_service_exception_fault, add_documented_custom_object_statuses)


def apply_directives(wsdl: bytes) -> bytes:
    """Return the WSDL with every directive applied."""
    root = read_wsdl(wsdl)
    for directive in DIRECTIVES:
        directive(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
