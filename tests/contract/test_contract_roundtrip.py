"""Hypothesis round trips: decode(encode(x)) == x and encode(decode(encode(x))) == encode(x).

For every operation's request and response envelopes, and for every generated type reachable from them (each
placed inside an envelope of an operation that carries it), drawn with ``mktows.testing.strategies``. Each
example runs through both codec paths, the generated fast codec and xsdata's reference, which must give the
same bytes and the same objects.

Two cases are pinned by name below: an empty string in a nillable text field (written ``<a/>``, read back as
``""``; only ``xsi:nil="true"`` is None) and a required nillable request field set to None (written
``xsi:nil="true"``, not left out).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mktows import codec
from mktows import types as T
from mktows.operations import OPERATIONS, XML_CONTEXT, Operation
from mktows.testing import derived_types, reachable_types
from mktows.testing.strategies import for_type, request_envelopes, response_envelopes

Step = tuple[type[Any], str]  # (owner class, field name)

RESPONSE_BODIES = {op.output.Body: op for op in OPERATIONS.values()}
ENVELOPES = {op.input: (op, "request") for op in OPERATIONS.values()} | {
    op.output: (op, "response") for op in OPERATIONS.values()
}


def _paths() -> dict[type[Any], tuple[Operation, str, list[Step]]]:
    """Shortest field path from an operation's envelope to every reachable generated class."""
    paths: dict[type[Any], tuple[Operation, str, list[Step]]] = {
        cls: (op, kind, []) for cls, (op, kind) in ENVELOPES.items()
    }
    pending = list(ENVELOPES)
    while pending:
        owner = pending.pop(0)
        op, kind, steps = paths[owner]
        for var in XML_CONTEXT.build(owner).get_all_vars():
            if var.clazz is None or (owner in RESPONSE_BODIES and var.local_name == "Fault"):
                continue
            for cls in (var.clazz, *derived_types(var.clazz)):
                if cls not in paths:
                    paths[cls] = (op, kind, [*steps, (owner, var.name)])
                    pending.append(cls)
    return paths


PATHS = _paths()
ENVELOPE_PARTS = set(ENVELOPES) | {c for op in OPERATIONS.values() for c in (op.input.Header, op.input.Body)}
TYPES = [cls for cls in reachable_types() if cls not in ENVELOPE_PARTS and cls not in RESPONSE_BODIES]


def assert_round_trip(op: Operation, kind: str, envelope: Any) -> None:
    """Both codec paths: same bytes; decoding gives the object back; re-encoding gives the same bytes."""
    decode = codec.decode_request if kind == "request" else codec.decode_response
    fast = codec.encode(envelope)
    reference = codec.encode(envelope, reference=True)
    assert fast == reference, "the fast encoder and the reference serializer disagree"
    for use_reference in (False, True):
        decoded = decode(op, fast, strict=True, reference=use_reference)
        assert decoded == envelope
        assert codec.encode(decoded, reference=use_reference) == fast


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@given(data=st.data())
def test_request_envelope_round_trips(operation: str, data: st.DataObject) -> None:
    op = OPERATIONS[operation]
    envelope = data.draw(request_envelopes(op))
    assert_round_trip(op, "request", envelope)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@given(data=st.data())
def test_response_envelope_round_trips(operation: str, data: st.DataObject) -> None:
    op = OPERATIONS[operation]
    envelope = data.draw(response_envelopes(op))
    assert_round_trip(op, "response", envelope)


def _embed(data: st.DataObject, cls: type[Any]) -> tuple[Operation, str, Any, Any]:
    """Draw a value of ``cls`` and an envelope that carries it along the class's path."""
    op, kind, steps = PATHS[cls]
    value = data.draw(for_type(cls), label=cls.__qualname__)
    child = value
    for owner, name in reversed(steps):
        var = next(v for v in XML_CONTEXT.build(owner).get_all_vars() if v.name == name)
        item = [child] if var.list_element else child
        if owner in RESPONSE_BODIES or (owner in ENVELOPES and kind == "response"):
            child = owner(**{name: item})  # a success body, never a fault
        else:
            child = dataclasses.replace(data.draw(for_type(owner)), **{name: item})
    return op, kind, child, value


@pytest.mark.parametrize("cls", TYPES, ids=[cls.__qualname__ for cls in TYPES])
@given(data=st.data())
def test_every_reachable_type_round_trips(cls: type[Any], data: st.DataObject) -> None:
    op, kind, envelope, value = _embed(data, cls)
    assert isinstance(value, cls)
    assert_round_trip(op, kind, envelope)


def test_every_reachable_type_is_covered() -> None:
    assert set(reachable_types()) <= set(PATHS)
    assert {T.LeadKeySelector, T.StaticListSelector, T.LastUpdateAtSelector} <= set(TYPES)
    assert T.LeadSelector in TYPES  # abstract: drawn as one of its derived types


@given(for_type(T.LeadSelector))
def test_abstract_lead_selector_is_sent_with_xsi_type(selector: Any) -> None:
    assert type(selector) is not T.LeadSelector
    params = T.ParamsGetMultipleLeads(lead_selector=selector)
    assert f':{type(selector).__name__}"'.encode() in codec.encode(params)
    assert (
        codec.decode_request(
            "getMultipleLeads", codec.encode(params), strict=True
        ).body.params_get_multiple_leads
        == params
    )


# Two cases the codec once got wrong, pinned by name on both paths.


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_empty_text_in_a_nillable_field_round_trips(reference: bool) -> None:
    params = T.ParamsGetMultipleLeads(stream_position="")
    data = codec.encode(params, reference=reference)
    decoded = codec.decode_request("getMultipleLeads", data, strict=True, reference=reference)
    assert decoded.body.params_get_multiple_leads.stream_position == ""


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_import_to_list_without_campaign_round_trips(reference: bool) -> None:
    params = T.ParamsImportToList(
        program_name="p",
        import_file_header="Email",
        import_file_rows=T.ArrayOfString(string_item=["a@b.c"]),
        import_list_mode=T.ImportToListModeEnum.LISTONLY,
        list_name="l",
        clear_list=False,
        campaign_name=None,
    )
    data = codec.encode(params, reference=reference)
    assert b'<campaignName xsi:nil="true"/>' in data
    decoded = codec.decode_request("importToList", data, strict=True, reference=reference)
    assert decoded.body.params_import_to_list == params
