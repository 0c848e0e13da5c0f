"""mktows: a typed Python SDK for Marketo's SOAP API (mktows).

The public surface: ``mktows.types`` (every WSDL type by its WSDL name), ``mktows.codec`` (envelopes to bytes
and back), ``mktows.errors`` (the exception hierarchy) and ``mktows.signing``.
"""

from mktows import codec, errors, operations, signing, types
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
