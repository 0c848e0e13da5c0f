"""Every documented fixture decoded by the fast path and by the reference path gives the same outcome.

Requests and responses, well-formed or not, strict and lenient: equal envelopes, or the same exception with the
same message (a fault raises the same typed SoapFault; a document the WSDL does not describe, the same
ProtocolError). The documents the reference decodes strictly are decoded by the fast path on its own.
"""

from __future__ import annotations

import warnings
from typing import Any
from unittest import mock

import pytest

from mktows import codec
from tests.conftest import fixture_bytes, fixture_index

pytestmark = pytest.mark.shared

DOCUMENTS = [e for e in fixture_index() if e["kind"] in ("request", "response", "fault")]


def _outcome(entry: dict[str, Any], strict: bool, reference: bool) -> tuple[str, Any]:
    decode = codec.decode_request if entry["kind"] == "request" else codec.decode_response
    operation = entry.get("body_element_op") or entry["operation"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return (
                "value",
                decode(operation, fixture_bytes(entry["file"]), strict=strict, reference=reference),
            )
        except Exception as exc:
            return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("entry", DOCUMENTS, ids=[e["file"].removeprefix("fixtures/") for e in DOCUMENTS])
def test_fixture_decodes_the_same_on_both_paths(entry: dict[str, Any], strict: bool) -> None:
    declined: list[str] = []
    with mock.patch.object(codec, "_declined", lambda what, cls, exc: declined.append(cls.__qualname__)):
        fast = _outcome(entry, strict, reference=False)
    reference = _outcome(entry, strict, reference=True)
    assert fast == reference
    if strict and reference[0] == "value":
        assert declined == []  # a document that matches the WSDL never needs the reference


def test_fixtures_are_there_to_compare() -> None:
    kinds = {e["kind"] for e in DOCUMENTS if e["well_formed"]}
    assert {"request", "response", "fault"} <= kinds
