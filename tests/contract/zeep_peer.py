"""zeep as an independent SOAP implementation for cross-checks: loaded with the same 2_6 WSDL, it parses what
the SDK writes and (against a live endpoint) sends its own requests. Test dependency only.

``sdk_plain`` and ``zeep_plain`` turn an SDK object and a zeep object into the same plain form (XML local
names as keys, datetimes as aware or naive ``datetime`` to the microsecond, enumerations as their text), so
the two parsers' readings of one document can be compared. The plain form keeps apart what the wire keeps
apart: an empty string ``""``, an element sent ``xsi:nil="true"`` (``NIL``), an absent element (None) and an
element present without content (a structure whose fields are all empty). zeep itself reads all of these as
None, so its readings are taken inside ``distinct_empties()``, which makes it say which one it saw.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator
from enum import Enum
from typing import Any

import zeep
import zeep.helpers
from lxml import etree
from xsdata.models.datatype import XmlDateTime
from zeep.xsd.elements.element import Element
from zeep.xsd.types.simple import AnySimpleType

from mktows.operations import MKTOWS_NS, SOAP_ENV_NS, XML_CONTEXT
from mktows.testing import derived_types, reachable_types
from tests.conftest import WSDL_DIR

WSDL_FILE = WSDL_DIR / "mktows-2_6.wsdl"
BINDING = f"{{{MKTOWS_NS}}}MktowsApiSoapBinding"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NIL = "<xsi:nil>"  # the plain form of an element sent xsi:nil="true"

# WSDL names of the types XML carries with xsi:type (LeadKeySelector, ...): both sides record them.
POLYMORPHIC = {
    XML_CONTEXT.build(derived).target_qname.rsplit("}", 1)[-1]
    for cls in reachable_types()
    for derived in derived_types(cls)
}


def load_client(**options: Any) -> zeep.Client:
    """A zeep client for the pinned 2_6 WSDL (a local file: nothing is fetched)."""
    return zeep.Client(wsdl=str(WSDL_FILE), **options)


@functools.cache
def binding() -> Any:
    """zeep's view of the WSDL's SOAP binding, loaded once per process."""
    return load_client().wsdl.bindings[BINDING]


class _Nil:
    """What zeep reads for a simple element sent xsi:nil="true" inside ``distinct_empties()``."""


NIL_READING = _Nil()
_NIL_STRUCTURES: list[Any] = []  # what zeep read for complex elements sent xsi:nil="true" (by identity)


def _is_nil(value: Any) -> bool:
    return value is NIL_READING or any(value is nil for nil in _NIL_STRUCTURES)


@contextlib.contextmanager
def distinct_empties() -> Iterator[None]:
    """Inside, zeep's readings say what it saw: ``<a xsi:nil="true"/>`` (recognised by ``zeep_plain``), an empty
    simple element as ``""``, an empty complex element as a structure with empty fields (zeep alone reads all
    three, and absence, as None). zeep turns any other value of a complex element into that element's
    structure, so a nil complex element is read as an empty structure and remembered."""
    original = Element.parse
    _NIL_STRUCTURES.clear()

    def parse(
        self: Element, xmlelement: Any, schema: Any, allow_none: bool = False, context: Any = None
    ) -> Any:
        simple = isinstance(self.type, AnySimpleType) and xmlelement.get(XSI_TYPE) is None
        if xmlelement.get(XSI_NIL) in ("true", "1"):
            if simple:
                return NIL_READING
            bare = copy.copy(xmlelement)
            del bare.attrib[XSI_NIL]
            _NIL_STRUCTURES.append(original(self, bare, schema, allow_none=False, context=context))
            return _NIL_STRUCTURES[-1]
        if len(xmlelement) == 0 and not xmlelement.text:
            return "" if simple else original(self, xmlelement, schema, allow_none=False, context=context)
        return original(self, xmlelement, schema, allow_none=allow_none, context=context)

    Element.parse = parse  # type: ignore[method-assign]
    try:
        yield
    finally:
        Element.parse = original  # type: ignore[method-assign]


def sdk_plain(value: Any, *, request: bool = False) -> Any:
    """An SDK (generated dataclass) value in the plain comparison form.

    With ``request=True`` an unset field the schema requires (no default) and declares nillable is ``NIL``:
    a request must carry that element, as ``xsi:nil="true"``; any other unset field is absent (None).
    """
    if isinstance(value, list):
        return [sdk_plain(item, request=request) for item in value]
    if isinstance(value, XmlDateTime):
        return value.to_datetime()
    if isinstance(value, Enum):
        return value.value
    if not hasattr(type(value), "__dataclass_fields__"):
        return value
    meta = XML_CONTEXT.build(type(value))
    required = {
        f.name
        for f in dataclasses.fields(value)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    plain: dict[str, Any] = {}
    for var in meta.get_all_vars():
        field_value = getattr(value, var.name)
        if field_value is None and request and var.nillable and var.name in required:
            plain[var.local_name] = NIL
        else:
            plain[var.local_name] = sdk_plain(field_value, request=request)
    type_name = meta.target_qname.rsplit("}", 1)[-1] if meta.target_qname else ""
    if type_name in POLYMORPHIC:
        plain["__type__"] = type_name
    return plain


def zeep_plain(value: Any, *, nil_as_absent: bool = False) -> Any:
    """A zeep value read inside ``distinct_empties()`` in the plain comparison form.

    ``nil_as_absent=True`` folds ``xsi:nil`` into absence, for readings of responses: the SDK, like any typed
    model, reads both as None.
    """
    if _is_nil(value):
        return None if nil_as_absent else NIL
    if isinstance(value, list):
        return [zeep_plain(item, nil_as_absent=nil_as_absent) for item in value]
    if isinstance(value, dt.datetime):
        return value
    xsd_type = getattr(value, "_xsd_type", None)
    if xsd_type is None:
        return value
    plain: dict[str, Any] = {key: zeep_plain(value[key], nil_as_absent=nil_as_absent) for key in value}
    if xsd_type.qname is not None and xsd_type.qname.localname in POLYMORPHIC:
        plain["__type__"] = xsd_type.qname.localname
    return plain


def unwrappings(plain: Any) -> list[Any]:
    """A plain result and, while it has a single field, that field's value: zeep hands back a single-field
    result unwrapped (ResultSyncMultipleLeads -> its syncStatusList's content)."""
    found = [plain]
    while isinstance(found[-1], dict) and len(found[-1]) == 1:
        found.append(next(iter(found[-1].values())))
    return found


def read_response(operation: str, document: Any) -> Any:
    """zeep's plain reading of a response (bytes or parsed), xsi:nil folded into absence. Comments
    (the docs annotate some examples) are dropped first: zeep cannot read past them."""
    root = etree.fromstring(document) if isinstance(document, bytes) else copy.deepcopy(document)
    etree.strip_tags(root, etree.Comment)
    if (
        root.tag != f"{{{SOAP_ENV_NS}}}Envelope"
    ):  # a bare success element, as Marketo's Java samples print them
        envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope")
        etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body").append(root)
        root = envelope
    with distinct_empties():
        reading = binding().get(operation).output.deserialize(root)
    return zeep_plain(reading, nil_as_absent=True)
