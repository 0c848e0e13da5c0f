"""Changes to xsdata's class model before it is rendered, for facts the WSDL cannot express.

Each function says why it exists. They work on xsdata's codegen model (not on the rendered text), so they
survive formatting changes and stay deterministic.
"""

from __future__ import annotations

from typing import Any


def make_context_header_optional(classes: list[Any]) -> None:
    """syncLead's ``MktowsContextHeader`` becomes optional.

    Why: the binding lists it as a second ``soap:header`` of syncLead, which xsdata renders as a required
    field, but Marketo documents it as optional ("Optionally, a Context Header can be specified") and every
    documented syncLead request omits it.
    """
    for cls in classes:
        if cls.name != "MktowsPort_syncLead_input":
            continue
        for inner in cls.inner:
            if inner.name == "Header":
                for attr in inner.attrs:
                    if attr.name == "MktowsContextHeader":
                        attr.restrictions.min_occurs = 0
                        attr.default = None


SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def qualify_fault_element(classes: list[Any]) -> None:
    """The ``Fault`` element of every response body is ``SOAP-ENV:Fault``.

    Why: xsdata renders the ``Body.fault`` field without a namespace (it equals the envelope's, which the
    template treats as inherited) while its runtime gives the inner ``Body`` class no namespace to inherit;
    a fault built from the generated classes was written as an unqualified ``<Fault>``, which is not a SOAP
    1.1 fault. Marketo's faults (FAULTS.md) are ``SOAP-ENV:Fault``; giving ``Body`` the envelope namespace
    explicitly makes both agree. ``faultcode``, ``faultstring`` and ``detail`` stay unqualified.
    """
    for cls in classes:
        if not cls.name.endswith("_output"):
            continue
        for inner in cls.inner:
            if inner.name == "Body":
                inner.namespace = SOAP_ENV_NS


POSTPROCESSORS = (make_context_header_optional, qualify_fault_element)


def postprocess_classes(classes: list[Any]) -> list[Any]:
    for step in POSTPROCESSORS:
        step(classes)
    return classes
