"""zeep on the same pinned 2_6 WSDL: how it encodes a call and decodes a reply, for the codec benchmark.

Inputs are the same documents as mktows', given to zeep as the plain dicts it takes (converted once, before
timing). Decoding runs zeep's own reply path (``process_reply``: its parse, then its binding) on the same bytes.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mktows.operations import XML_CONTEXT
from mktows_generated import _source


def wsdl_path() -> Path:
    """The pinned WSDL mktows was generated from, found as codegen finds it (``$MKTOWS_WSDL_DIR``, ../shared/wsdl)."""
    from codegen.lock import load_lock, locate

    return locate(load_lock().get(_source.WSDL_VERSION))


def as_zeep_value(value: Any) -> Any:
    """A generated object as zeep's input: element names as keys, enumerations as their text, None left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for var in XML_CONTEXT.build(type(value)).get_element_vars():
            item = getattr(value, var.name)
            if item is not None:
                out[var.local_name] = as_zeep_value(item)
        return out
    if isinstance(value, list):
        return [as_zeep_value(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


class ZeepSide:
    """A zeep client built once from the WSDL, and the encode/decode calls the benchmark times."""

    def __init__(self) -> None:
        zeep: Any = importlib.import_module("zeep")  # untyped library: used through Any
        self.client: Any = zeep.Client(str(wsdl_path()))
        self.binding: Any = self.client.service._binding
        self._to_bytes: Any = importlib.import_module("zeep.wsdl.utils").etree_to_string

    def request_encoder(self, operation: str, envelope: Any, params_field: str) -> Callable[[], bytes]:
        """Write the request of ``envelope`` (a generated input envelope) as zeep does before posting it."""
        params = as_zeep_value(getattr(envelope.body, params_field))
        headers = {"authentication": as_zeep_value(envelope.header.authentication_header)}
        client, service, to_bytes = self.client, self.client.service, self._to_bytes

        def encode() -> bytes:
            return bytes(to_bytes(client.create_message(service, operation, _soapheaders=headers, **params)))

        return encode

    def response_encoder(self, operation: str, envelope: Any, success_field: str) -> Callable[[], bytes]:
        """Write the response of ``envelope`` (a generated output envelope) with zeep's output message."""
        result = as_zeep_value(getattr(envelope.body, success_field).result)
        message, to_bytes = self.binding._operations[operation].output, self._to_bytes

        def encode() -> bytes:
            return bytes(to_bytes(message.serialize(result=result).content))

        return encode

    def decoder(self, operation: str, data: bytes) -> Callable[[], Any]:
        """Decode a response document through zeep's reply handling (parse, fault check, binding)."""
        reply = SimpleNamespace(
            status_code=200,
            content=data,
            headers={"Content-Type": "text/xml; charset=utf-8"},
            encoding="utf-8",
        )
        binding, client, op = self.binding, self.client, self.binding._operations[operation]

        def decode() -> Any:
            return binding.process_reply(client, op, reply)

        return decode
