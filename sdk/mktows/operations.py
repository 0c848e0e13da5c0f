"""The 23 mktows operations as data: WSDL name, method name, SOAP action and the generated classes.

Built once from the generated package, so the client, the codec and the emulator agree on one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xsdata.formats.dataclass.context import XmlContext

import mktows_generated.models as models

MKTOWS_NS = "http://www.marketo.com/mktows/"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

XML_CONTEXT = XmlContext()


def snake_case(operation: str) -> str:
    """``syncCustomObjects`` -> ``sync_custom_objects``; Marketo's ``MObject`` is one word (``get_mobjects``)."""
    text = operation.replace("MObject", "Mobject")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", text).lower()


@dataclass(frozen=True)
class Operation:
    """One operation of the WSDL and the generated classes that carry it."""

    name: str  # WSDL name: "syncCustomObjects"
    method: str  # Python name: "sync_custom_objects"
    soap_action: str
    input: type[Any]  # request envelope class
    output: type[Any]  # response envelope class
    params: type[Any]  # class of the request body element (paramsSyncCustomObjects)
    success: type[Any]  # class of the response body element (successSyncCustomObjects)
    # class of the success element's one child: ``result`` (``leadActivityList`` for getLeadActivity)
    result: type[Any]
    result_field: str  # attribute of success holding the result
    params_field: str  # attribute of input.Body holding params
    success_field: str  # attribute of output.Body holding success
    params_qname: str  # "{ns}paramsSyncCustomObjects"
    success_qname: str
    # attributes of input.Header: authentication_header, and mktows_context_header for syncLead
    header_fields: tuple[str, ...]


def _only_element_var(owner: type[Any]) -> Any:
    element_vars = XML_CONTEXT.build(owner).get_element_vars()
    if len(element_vars) != 1:
        raise LookupError(f"{owner.__qualname__} should hold exactly one element, has {len(element_vars)}")
    return element_vars[0]


def _build_table() -> dict[str, Operation]:
    table: dict[str, Operation] = {}
    for candidate in vars(models).values():
        if not isinstance(candidate, type) or not hasattr(candidate, "soap_action"):
            continue
        obj: Any = candidate
        name = obj.soap_action.rsplit("/", 1)[-1]
        input_body = obj.input.Body
        output_body = obj.output.Body
        params_var = next(v for v in XML_CONTEXT.build(input_body).get_element_vars())
        success_var = next(
            v for v in XML_CONTEXT.build(output_body).get_element_vars() if v.local_name != "Fault"
        )
        params_cls: Any = params_var.clazz
        success_cls: Any = success_var.clazz
        result_var = _only_element_var(success_cls)
        header_vars = XML_CONTEXT.build(obj.input.Header).get_element_vars()
        table[name] = Operation(
            name=name,
            method=snake_case(name),
            soap_action=obj.soap_action,
            input=obj.input,
            output=obj.output,
            params=params_cls,
            success=success_cls,
            result=result_var.clazz,
            result_field=result_var.name,
            params_field=params_var.name,
            success_field=success_var.name,
            params_qname=params_var.qname,
            success_qname=success_var.qname,
            header_fields=tuple(v.name for v in header_vars),
        )
    return dict(sorted(table.items()))


OPERATIONS: dict[str, Operation] = _build_table()
BY_INPUT: dict[type[Any], Operation] = {op.input: op for op in OPERATIONS.values()}
BY_OUTPUT: dict[type[Any], Operation] = {op.output: op for op in OPERATIONS.values()}
BY_PARAMS_QNAME: dict[str, Operation] = {op.params_qname: op for op in OPERATIONS.values()}
BY_SUCCESS_QNAME: dict[str, Operation] = {op.success_qname: op for op in OPERATIONS.values()}


def get(name: str) -> Operation:
    """The operation with that WSDL name (``syncCustomObjects``) or method name (``sync_custom_objects``)."""
    if name in OPERATIONS:
        return OPERATIONS[name]
    for op in OPERATIONS.values():
        if op.method == name:
            return op
    raise KeyError(f"unknown mktows operation {name!r}")
