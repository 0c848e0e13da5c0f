"""The mktows operations as data: the generated operation table, looked up by name, body element or envelope.

Everything per operation (names, SOAPAction, classes, ``Operation.request`` / ``Operation.response``), one
typed constant per operation (``SYNC_CUSTOM_OBJECTS``) and the typed ``Operations`` facade come from
``mktows_generated.operations``, written by codegen from the WSDL, so the client, the codec and the emulator
agree on one table. This module adds the lookups and refuses, at import,
generated code of a WSDL version the hand-written layer was not written for.
"""

from __future__ import annotations

from typing import Any

from xsdata.formats.dataclass.context import XmlContext

from mktows_generated import _source
from mktows_generated.operations import *  # noqa: F403 - the table, Operation, Operations, one constant each
from mktows_generated.operations import OPERATIONS, Operation

SUPPORTED_WSDL_VERSIONS = ("2_6", "2_7-derived")
"""WSDL versions whose generated code the SDK runs on: its batching, paging and emulator follow 2_6's types.

2_7-derived differs from 2_6 only in ids typed ``xs:long`` where 2_6 has ``xs:int``: the Python types are the
same ``int``, so the hand-written layer runs on it unchanged.
"""


class UnsupportedWsdlError(ImportError):
    """``mktows_generated`` was generated from a WSDL version the SDK does not run on."""


if _source.WSDL_VERSION not in SUPPORTED_WSDL_VERSIONS:
    raise UnsupportedWsdlError(
        f"mktows runs on code generated from WSDL {', '.join(SUPPORTED_WSDL_VERSIONS)}, but the "
        f"mktows_generated package it found was generated from WSDL {_source.WSDL_VERSION}. "
        "Regenerate it with `python -m codegen generate` (no --version), or use the package generated from "
        f"{_source.WSDL_VERSION} on its own (mktows_generated.models and .operations need nothing of mktows)."
    )

MKTOWS_NS = "http://www.marketo.com/mktows/"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

XML_CONTEXT = XmlContext()

BY_METHOD: dict[str, Operation] = {op.method: op for op in OPERATIONS.values()}
BY_OUTPUT: dict[type[Any], Operation] = {op.output: op for op in OPERATIONS.values()}
BY_PARAMS_QNAME: dict[str, Operation] = {op.params_qname: op for op in OPERATIONS.values()}


def get(name: str) -> Operation:
    """The operation with that WSDL name (``syncCustomObjects``) or method name (``sync_custom_objects``)."""
    op = OPERATIONS.get(name) or BY_METHOD.get(name)
    if op is None:
        raise KeyError(f"unknown mktows operation {name!r}")
    return op
