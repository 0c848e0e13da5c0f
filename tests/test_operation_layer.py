"""The generated operation layer: its table agrees with the models, it builds envelopes, its facade is thin."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from xsdata.formats.dataclass.context import XmlContext

import mktows_generated.models as models
from codegen.docs import locate_docs
from mktows import codec, operations
from mktows import types as t
from mktows.operations import OPERATIONS, Operation, Operations
from tests.conftest import DOCS_DIR, requires_shared

AUTH = t.AuthenticationHeader(mktows_user_id="user", request_signature="sig", request_timestamp="ts")
GET_LEAD_PARAMS = t.ParamsGetLead(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="1"))
SYNC_LEAD_PARAMS = t.ParamsSyncLead(lead_record=t.LeadRecord(email="a@b.c"), return_lead=False)
WORKSPACE = t.MktowsContextHeader(target_workspace="w")


def test_every_operation_class_of_the_models_is_in_the_table_once() -> None:
    actions = sorted(
        obj.soap_action
        for obj in vars(models).values()
        if isinstance(obj, type) and hasattr(obj, "soap_action")
    )
    assert sorted(op.soap_action for op in OPERATIONS.values()) == actions
    assert len(OPERATIONS) == 23
    assert list(OPERATIONS) == sorted(OPERATIONS)


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=lambda op: op.name)
def test_table_entry_matches_the_models_metadata(op: Operation) -> None:
    """What codegen wrote is what xsdata's metadata of the generated classes says, field by field."""
    context = XmlContext()
    assert op.soap_action == f"http://www.marketo.com/mktows/{op.name}"
    (params_var,) = context.build(op.input.Body).get_element_vars()
    (success_var,) = [v for v in context.build(op.output.Body).get_element_vars() if v.local_name != "Fault"]
    (result_var,) = context.build(op.success).get_element_vars()
    assert (op.params, op.params_field, op.params_qname) == (
        params_var.clazz,
        params_var.name,
        params_var.qname,
    )
    assert (op.success, op.success_field, op.success_qname) == (
        success_var.clazz,
        success_var.name,
        success_var.qname,
    )
    assert (op.result, op.result_field) == (result_var.clazz, result_var.name)
    header_vars = context.build(op.input.Header).get_element_vars()
    assert [(h.field, h.element, h.required) for h in op.headers] == [
        (v.name, v.clazz, v.required) for v in header_vars
    ]
    assert operations.get(op.name) is op and operations.get(op.method) is op


def test_get_refuses_an_unknown_name() -> None:
    with pytest.raises(KeyError, match="unknown mktows operation 'getLeads'"):
        operations.get("getLeads")


def test_request_places_params_and_headers() -> None:
    op = operations.get("syncLead")
    params = SYNC_LEAD_PARAMS
    context = t.MktowsContextHeader(target_workspace="Europe")
    envelope = op.request(params, [context, AUTH])
    assert envelope == t.SyncLeadInput(
        header=t.SyncLeadInput.Header(authentication_header=AUTH, mktows_context_header=context),
        body=t.SyncLeadInput.Body(params_sync_lead=params),
    )
    assert op.params_of(envelope) is params
    assert op.request(params, [AUTH]).header.mktows_context_header is None


def test_request_without_headers_is_the_bare_params_envelope() -> None:
    op = operations.get("getLead")
    envelope = op.request(GET_LEAD_PARAMS)
    assert envelope.header is None
    assert codec.decode_request(op, codec.encode(GET_LEAD_PARAMS), strict=True) == envelope


@pytest.mark.parametrize(
    ("operation", "params", "headers", "message"),
    [
        ("getLead", GET_LEAD_PARAMS, [WORKSPACE], "getLead takes no MktowsContextHeader header"),
        ("getLead", GET_LEAD_PARAMS, [AUTH, AUTH], "getLead request: AuthenticationHeader given twice"),
        ("syncLead", SYNC_LEAD_PARAMS, [WORKSPACE], "syncLead request needs the AuthenticationHeader header"),
    ],
)
def test_request_refuses_wrong_headers(operation: str, params: Any, headers: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        operations.get(operation).request(params, headers)


def test_response_and_fault_build_output_envelopes() -> None:
    op = operations.get("getLeadActivity")  # the one whose result is not called ``result``
    result = t.LeadActivityList(return_count=0, remaining_count=0, new_start_position=t.StreamPosition())
    envelope = op.response(result)
    assert envelope == t.GetLeadActivityOutput(
        body=t.GetLeadActivityOutput.Body(
            success_get_lead_activity=t.SuccessGetLeadActivity(lead_activity_list=result)
        )
    )
    assert op.success_of(envelope).lead_activity_list is result
    assert codec.result_of(op, codec.decode_response(op, codec.encode(envelope), strict=True)) == result
    exception = t.ServiceException(name="mktServiceException", message="Bad (20014)", code=20014)
    fault = op.fault("SOAP-ENV:Client", "20014 - Bad", exception)
    assert op.success_of(fault) is None
    assert fault.body.fault.detail.service_exception is exception
    assert op.fault("SOAP-ENV:Server", "boom").body.fault.detail is None


def test_facade_hands_each_method_to_invoke_with_its_operation() -> None:
    seen: list[tuple[Operation, Any]] = []

    def invoke(operation: Operation, params: Any) -> Any:
        seen.append((operation, params))
        return f"result of {operation.name}"

    ops = Operations(invoke)
    for op in OPERATIONS.values():
        marker = object()
        assert getattr(ops, op.method)(marker) == f"result of {op.name}"
        assert seen[-1] == (op, marker)
    assert len(seen) == 23


def test_generated_operation_layer_imports_nothing_of_mktows() -> None:
    code = (
        "import sys, mktows_generated.operations as o; "
        "print(len(o.OPERATIONS), sorted({m.split('.')[0] for m in sys.modules if m.startswith('mktows')}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "23 ['mktows_generated']"


@requires_shared
@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=lambda op: op.name)
def test_each_method_is_documented_with_marketos_summary(op: Operation) -> None:
    summary = locate_docs(DOCS_DIR / "source" / "en").summary(op.name)
    assert summary and op.summary == summary
    doc = getattr(Operations, op.method).__doc__
    assert " ".join(doc.split()) == f"{op.name}: {summary}"
