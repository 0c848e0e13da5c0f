"""mktows: a typed Python SDK for Marketo's SOAP API (mktows).

The public surface: ``mktows.types`` (every WSDL type by its WSDL name), ``mktows.codec`` (envelopes to bytes
and back), ``mktows.errors`` (the exception hierarchy) and ``mktows.signing``.

The names below are loaded on first use (module ``__getattr__``), so ``import mktows.codec`` or
``import mktows.emulator`` loads neither the HTTP stack nor the client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded at once (it needs neither HTTP nor the client): it refuses generated code of an unsupported WSDL
# version when mktows is imported, not at the first call.
from mktows import operations

if TYPE_CHECKING:
    from mktows import codec, errors, signing, types
    from mktows._convenience import SyncOperation
    from mktows._limits import Limits
    from mktows._retry import RetryPolicy
    from mktows.batching import CustomObject
    from mktows.client import CallResult, Client
    from mktows.errors import (
        AuthenticationError,
        BatchAborted,
        ConcurrencyLimitError,
        HTTPStatusError,
        InternalError,
        InvalidRequestError,
        MktowsError,
        NotFoundError,
        ProtocolError,
        QuotaExceededError,
        RateLimitError,
        RepeatedFailureError,
        RequestExpiredError,
        SoapFault,
        TransportError,
    )
    from mktows.paging import Paginator
    from mktows.reports import ObjectResult, ObjectStatus, SyncReport

__version__ = "0.1.0"

_SUBMODULES = frozenset({"codec", "errors", "signing", "types"})

_LAZY: dict[str, str] = {
    "SyncOperation": "mktows._convenience",
    "Limits": "mktows._limits",
    "RetryPolicy": "mktows._retry",
    "CustomObject": "mktows.batching",
    "CallResult": "mktows.client",
    "Client": "mktows.client",
    "Paginator": "mktows.paging",
    "ObjectResult": "mktows.reports",
    "ObjectStatus": "mktows.reports",
    "SyncReport": "mktows.reports",
}
"""Where each public name lives; the exceptions come from ``mktows.errors``."""


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"mktows.{name}")
    if name in _LAZY or name in __all__:
        module = importlib.import_module(_LAZY.get(name, "mktows.errors"))
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mktows' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "AuthenticationError",
    "BatchAborted",
    "CallResult",
    "Client",
    "ConcurrencyLimitError",
    "CustomObject",
    "HTTPStatusError",
    "InternalError",
    "InvalidRequestError",
    "Limits",
    "MktowsError",
    "NotFoundError",
    "ObjectResult",
    "ObjectStatus",
    "Paginator",
    "ProtocolError",
    "QuotaExceededError",
    "RateLimitError",
    "RepeatedFailureError",
    "RequestExpiredError",
    "RetryPolicy",
    "SoapFault",
    "SyncOperation",
    "SyncReport",
    "TransportError",
    "__version__",
    "codec",
    "errors",
    "operations",
    "signing",
    "types",
]
