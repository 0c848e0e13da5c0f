"""The exceptions of mktows: one base class, transport and protocol failures, and typed SOAP faults.

Every documented Marketo fault code (error-codes.md, 27 codes) maps to a family class below, so callers can
write ``except RateLimitError`` instead of comparing numbers. This module imports nothing else of mktows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class MktowsError(Exception):
    """Base class of every error mktows raises."""

    retryable: bool = False

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        #: Set by the batching helpers when a batch run stops early: the results of the objects handled so far.
        self.partial_report: Any = None

    def __str__(self) -> str:
        prefix = f"{self.operation}: " if self.operation else ""
        return f"{prefix}{self.message}"


class TransportError(MktowsError):
    """The request did not get an HTTP answer: connection refused or reset, DNS failure, timeout."""

    retryable = True


class HTTPStatusError(MktowsError):
    """An HTTP answer that is not a SOAP envelope, e.g. a proxy's 502 HTML page or an empty 503."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        content_type: str = "",
        body_excerpt: str = "",
        operation: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.status_code = status_code
        self.content_type = content_type
        self.body_excerpt = body_excerpt
        self.retryable = status_code in (408, 429, 500, 502, 503, 504)


class ProtocolError(MktowsError):
    """Malformed, unsafe or unexpected XML: not well-formed, a DTD or entity, the wrong element, too large.

    ``path`` names the element at fault when one is known (``paramsGetLead/leadKey/keyType``), else "".
    The subclasses below say what is wrong with a document that is well-formed XML but not what the WSDL
    declares, so a caller (the emulator choosing a fault code) never has to read the message.
    """

    def __init__(self, message: str, *, path: str = "", operation: str | None = None) -> None:
        super().__init__(message, operation=operation)
        self.path = path


class MissingElementError(ProtocolError):
    """A required element (minOccurs 1 in the WSDL) is absent; ``path`` names the missing element."""


class UnknownElementError(ProtocolError):
    """An element the WSDL does not declare at that place (refused by strict decoding only)."""


class EnumerationValueError(ProtocolError):
    """A value outside its WSDL enumeration: ``value`` (the text) and ``enumeration`` (the generated Enum class).

    Lenient decoding keeps such text (a newer service may add values); strict decoding refuses it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        value: str = "",
        enumeration: type[Any] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, path=path, operation=operation)
        self.value = value
        self.enumeration = enumeration


class ValueTypeError(ProtocolError):
    """A value that is not of its element's XSD type (``ten`` for an xs:int, ``maybe`` for an xs:boolean):
    ``value`` (the text, shortened) and ``expected`` (the Python types the element takes)."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        value: str = "",
        expected: tuple[type[Any], ...] = (),
        operation: str | None = None,
    ) -> None:
        super().__init__(message, path=path, operation=operation)
        self.value = value
        self.expected = expected


class SoapFault(MktowsError):
    """A SOAP fault from the service, with Marketo's ``serviceException`` detail when it carried one.

    Attributes: ``code`` (int, e.g. 20014, or None when the fault had no code), ``name`` (the exception name
    in the detail, e.g. ``mktServiceException``), ``message`` (the detail's message), ``faultcode``
    (e.g. ``SOAP-ENV:Client``), ``faultstring``, ``title`` (the documented name of the code) and
    ``retryable``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        name: str = "",
        faultcode: str = "",
        faultstring: str = "",
        operation: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.code = code
        self.name = name
        self.faultcode = faultcode
        self.faultstring = faultstring
        info = FAULT_CODES.get(code) if code is not None else None
        self.title = info.title if info else ""

    def __str__(self) -> str:
        prefix = f"{self.operation}: " if self.operation else ""
        text = self.message or self.faultstring
        mentioned = self.code is None or f"({self.code})" in text  # Marketo's texts end in "(20110)"
        return f"{prefix}{'' if mentioned else f'{self.code} '}{text}"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (
            _rebuild_fault,
            (
                type(self),
                self.message,
                self.code,
                self.name,
                self.faultcode,
                self.faultstring,
                self.operation,
            ),
        )


def _rebuild_fault(
    cls: type[SoapFault],
    message: str,
    code: int | None,
    name: str,
    faultcode: str,
    faultstring: str,
    operation: str | None,
) -> SoapFault:
    return cls(
        message, code=code, name=name, faultcode=faultcode, faultstring=faultstring, operation=operation
    )


class InternalError(SoapFault):
    """10001, 20011: a failure inside Marketo; worth retrying."""

    retryable = True


class InvalidRequestError(SoapFault):
    """The request was refused as malformed or invalid (20012, 20017, 20019, 20022, 20101-20110, 20114)."""


class UnsupportedOperationError(InvalidRequestError):
    """20019: the operation is not defined in the WSDL of that endpoint version."""


class TimeRangeError(InvalidRequestError):
    """20022: more than 30 days between oldestUpdatedAt and latestUpdatedAt."""


class AccessDeniedError(SoapFault):
    """20013: the client is blocked from API access."""


class AuthenticationError(SoapFault):
    """20014: user id or signature not accepted."""


class RequestExpiredError(SoapFault):
    """20016: the signed timestamp is too old (or too far ahead); re-sign with a fresh timestamp."""

    retryable = True


class ThrottlingError(SoapFault):
    """A usage limit was hit (20015, 20023, 20024)."""


class QuotaExceededError(ThrottlingError):
    """20015: the daily call quota is used up; it resets at 12:00 AM CST, so retrying now cannot help."""

    retryable = False


class RateLimitError(ThrottlingError):
    """20023: more than 100 calls in 20 seconds."""

    retryable = True


class ConcurrencyLimitError(ThrottlingError):
    """20024: more than 10 calls in flight."""

    retryable = True


class RepeatedFailureError(MktowsError):
    """A batch run stopped because consecutive batches failed the same way (a dead endpoint, wrong credentials,
    an unknown object type...): sending the rest could only fail too. ``error`` is the last batch's error and
    ``batches`` how many failed in a row; their objects are left out of the results, as never processed."""

    def __init__(self, error: MktowsError, batches: int) -> None:
        what = (
            "the run's only batch failed"
            if batches == 1
            else f"{batches} batches in a row failed the same way"
        )
        super().__init__(f"{what}: {type(error).__name__}: {error}")
        self.error = error
        self.batches = batches


class NotFoundError(SoapFault):
    """A referenced lead, lead owner, list or campaign does not exist (20103, 20108, 20111, 20113)."""


class SyncFailedError(SoapFault):
    """20106: a lead record could not be created or updated."""


class StreamPositionError(SoapFault):
    """A stream position the service cannot use (20122 bad position, 20123 stream at end)."""


@dataclass(frozen=True)
class FaultCode:
    """One documented fault code: its number, title, the documented explanation and its class."""

    code: int
    title: str
    description: str
    error_class: type[SoapFault]


FAULT_CODES: dict[int, FaultCode] = {
    entry.code: entry
    for entry in (
        FaultCode(10001, "Internal Error", "Severe system failure", InternalError),
        FaultCode(20011, "Internal Error", "API service failure", InternalError),
        FaultCode(20012, "Request Not Understood", "Unexpected SOAP Message", InvalidRequestError),
        FaultCode(20013, "Access Denied", "Client is blocked from API access", AccessDeniedError),
        FaultCode(
            20014, "Authentication failed", "Client did not provide valid credentials", AuthenticationError
        ),
        FaultCode(
            20015,
            "Request Limit Exceeded",
            "Number of calls today exceeded the subscription's quota. The default subscription quota is 10,000/day.",
            QuotaExceededError,
        ),
        FaultCode(
            20016,
            "Request Expired",
            "Request signature is too old. The given timestamp and request signature are in the past and are no "
            "longer valid. Request can be retried with a newly generated timestamp and signature.",
            RequestExpiredError,
        ),
        FaultCode(20017, "Invalid Request", "Request is missing an expected parameter", InvalidRequestError),
        FaultCode(
            20019,
            "Unsupported Operation",
            "Operation invoked is not defined in the Marketo API WSDL",
            UnsupportedOperationError,
        ),
        FaultCode(
            20022,
            "Time range specified in query filter exceeded limit",
            'The number of days elapsed between the "oldestUpdatedAt" and "latestUpdatedAt" fields was greater than 30',
            TimeRangeError,
        ),
        FaultCode(
            20023,
            "Rate Limit Exceeded",
            "The number of calls in the past 20 seconds was greater than 100",
            RateLimitError,
        ),
        FaultCode(
            20024,
            "Concurrency Limit Exceeded",
            "The number of concurrent calls was greater than 10",
            ConcurrencyLimitError,
        ),
        FaultCode(
            20101, "Lead Key Required", "LeadKey is Required but was not provided", InvalidRequestError
        ),
        FaultCode(20102, "Lead Key Bad", "LeadKeyType is not Valid", InvalidRequestError),
        FaultCode(20103, "Lead Not Found", "LeadKey Value did not match any lead", NotFoundError),
        FaultCode(
            20104, "Lead Detail Required", "LeadRecord is required but was not provided", InvalidRequestError
        ),
        FaultCode(
            20105,
            "Lead Attribute Bad",
            "LeadRecord contains an Attribute with a bad name",
            InvalidRequestError,
        ),
        FaultCode(20106, "Lead Sync Failed", "LeadRecord could not be updated or created", SyncFailedError),
        FaultCode(
            20107, "Activity Key Bad", "LeadActivityFilter contains a bad activity type", InvalidRequestError
        ),
        FaultCode(
            20108, "Lead Owner Not Found", "LeadKey specifies a lead owner that does not exist", NotFoundError
        ),
        FaultCode(20109, "Parameter Required", "Parameter value was null or missing", InvalidRequestError),
        FaultCode(20110, "Bad Parameter", "A parameter value is bad", InvalidRequestError),
        FaultCode(20111, "List Not Found", "ListKey specifies a list that does not exist", NotFoundError),
        FaultCode(20113, "Campaign Not Found", "Campaign does not exist", NotFoundError),
        FaultCode(20114, "Bad Parameter", "Parameter Value is bad", InvalidRequestError),
        FaultCode(20122, "Bad Stream Position", "Stream position is bad", StreamPositionError),
        FaultCode(
            20123,
            "Stream at End",
            "Stream position indicates that no more records are available",
            StreamPositionError,
        ),
    )
}


def fault_for(
    code: int | None,
    message: str,
    *,
    name: str = "",
    faultcode: str = "",
    faultstring: str = "",
    operation: str | None = None,
) -> SoapFault:
    """Build the exception of the right family for a fault code (``SoapFault`` itself for unknown codes)."""
    info = FAULT_CODES.get(code) if code is not None else None
    cls = info.error_class if info else SoapFault
    return cls(
        message, code=code, name=name, faultcode=faultcode, faultstring=faultstring, operation=operation
    )
