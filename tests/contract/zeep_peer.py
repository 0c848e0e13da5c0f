"""zeep as an independent SOAP implementation for cross-checks: loaded with the same 2_6 WSDL, it parses what
the SDK writes and (against a live endpoint) sends its own requests. Test dependency only.

``sdk_plain`` and ``zeep_plain`` turn an SDK object and a zeep object into the same plain form (XML local
names as keys, datetimes as aware or naive ``datetime`` to the microsecond, enumerations as their text, an
element without content as None: zeep reads an empty ``<a/>`` that way, text or complex), so the two
parsers' readings of one document can be compared.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import zeep
import zeep.helpers
from xsdata.models.datatype import XmlDateTime

from mktows.operations import MKTOWS_NS, XML_CONTEXT
from mktows.testing import derived_types, reachable_types
from tests.conftest import WSDL_DIR

WSDL_FILE = WSDL_DIR / "mktows-2_6.wsdl"
BINDING = f"{{{MKTOWS_NS}}}MktowsApiSoapBinding"

# WSDL names of the types XML carries with xsi:type (LeadKeySelector, ...): both sides record them.
POLYMORPHIC = {
    XML_CONTEXT.build(derived).target_qname.rsplit("}", 1)[-1]
    for cls in reachable_types()
    for derived in derived_types(cls)
}


def load_client(**options: Any) -> zeep.Client:
    """A zeep client for the pinned 2_6 WSDL (a local file: nothing is fetched)."""
    return zeep.Client(wsdl=str(WSDL_FILE), **options)


def sdk_plain(value: Any) -> Any:
    """An SDK (generated dataclass) value in the plain comparison form."""
    if isinstance(value, list):
        return [sdk_plain(item) for item in value]
    if isinstance(value, XmlDateTime):
        return value.to_datetime()
    if isinstance(value, Enum):
        return value.value
    if value == "":
        return None
    if not hasattr(type(value), "__dataclass_fields__"):
        return value
    meta = XML_CONTEXT.build(type(value))
    plain: dict[str, Any] = {
        var.local_name: sdk_plain(getattr(value, var.name)) for var in meta.get_all_vars()
    }
    type_name = meta.target_qname.rsplit("}", 1)[-1] if meta.target_qname else ""
    if type_name in POLYMORPHIC:
        plain["__type__"] = type_name
    return _empty_as_none(plain)


def _empty_as_none(plain: dict[str, Any]) -> dict[str, Any] | None:
    if "__type__" in plain or any(value not in (None, []) for value in plain.values()):
        return plain
    return None


def zeep_plain(value: Any) -> Any:
    """A zeep-parsed value in the plain comparison form."""
    if isinstance(value, list):
        return [zeep_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value
    if value == "":
        return None
    xsd_type = getattr(value, "_xsd_type", None)
    if xsd_type is None:
        return value
    plain: dict[str, Any] = {key: zeep_plain(value[key]) for key in value}
    if xsd_type.qname is not None and xsd_type.qname.localname in POLYMORPHIC:
        plain["__type__"] = xsd_type.qname.localname
    return _empty_as_none(plain)
