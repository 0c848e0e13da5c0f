"""Cross-implementation: zeep, loaded with the same 2_6 WSDL, reads the SDK's requests exactly as the SDK does.

(The tests where zeep talks to the emulator over HTTP are in test_contract_emulator.py.)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from mktows import codec
from mktows.operations import OPERATIONS
from mktows.testing.strategies import request_envelopes
from tests.contract import zeep_peer
from tests.contract.zeep_peer import distinct_empties, sdk_plain, zeep_plain

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def binding() -> Any:
    """zeep's view of the WSDL's SOAP binding."""
    return zeep_peer.binding()


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@given(data=st.data())
def test_zeep_reads_sdk_requests_as_the_sdk_does(binding: Any, operation: str, data: st.DataObject) -> None:
    op = OPERATIONS[operation]
    envelope = data.draw(request_envelopes(op))
    with distinct_empties():
        parsed = binding.get(operation).input.deserialize(etree.fromstring(codec.encode(envelope)))
    params = op.params_of(envelope)
    # zeep reads a type that declares no elements at all (ParamsListMObjects) as None
    expected = sdk_plain(params, request=True) if dataclasses.fields(params) else None
    assert zeep_plain(parsed.body) == expected
    header = envelope.header.authentication_header
    zeep_header = parsed.header.authentication
    assert zeep_plain(zeep_header) == sdk_plain(header, request=True)
