"""The exceptions of mktows: one base class, transport and protocol failures, typed SOAP faults, and the one
classification of failures that retries and batch runs both read.

Every documented Marketo fault code (error-codes.md, 27 codes) maps to a family class below, so callers can
write ``except RateLimitError`` instead of comparing numbers. ``classify`` says, per error class (and per HTTP
status), what a failed attempt means for the next one (``Disposition``) and whether every later call would fail
the same way (so a batch run stops); ``retryable`` is derived from it. Another protocol's error codes (REST) map
to these classes and inherit their classification. This module imports nothing else of mktows.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class MktowsError(Exception):
    """Base class of every error mktows raises."""

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation

    @property
    def retryable(self) -> bool:
        """Whether another attempt may succeed (``classify(self).disposition`` is not ``FATAL``); the client
        still repeats an ambiguous failure only for operations safe to repeat."""
        return classify(self).disposition is not Disposition.FATAL

    def __str__(self) -> str:
        prefix = f"{self.operation}: " if self.operation else ""
        return f"{prefix}{self.message}"


class TransportError(MktowsError):
    """The request did not get an HTTP answer: connection refused or reset, DNS failure, timeout."""


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


class ThrottlingError(SoapFault):
    """A usage limit was hit (20015, 20023, 20024)."""


class QuotaExceededError(ThrottlingError):
    """20015: the daily call quota is used up; it resets at 12:00 AM CST, so retrying now cannot help."""


class RateLimitError(ThrottlingError):
    """20023: more than 100 calls in 20 seconds."""


class ConcurrencyLimitError(ThrottlingError):
    """20024: more than 10 calls in flight."""


class RepeatedFailureError(MktowsError):
    """A batch run stopped because consecutive batches failed the same way (a dead endpoint, wrong credentials,
    an unknown object type...): sending the rest could only fail too. ``error`` is the last batch's error and
    ``batches`` how many failed in a row; their objects are left out of the results, as never processed."""

    def __init__(self, error: MktowsError, batches: int) -> None:
        super().__init__(f"{batches} batches in a row failed the same way: {type(error).__name__}: {error}")
        self.error = error
        self.batches = batches


class BatchAborted(MktowsError):
    """A batch run stopped before its end: ``report`` holds the results of the objects handled so far (each at
    most once; the rest were not processed) and ``error`` (also ``__cause__``) is why it stopped: an error every
    later call would meet (``classify(error).stops_batch_run``), ``RepeatedFailureError``, or a response that
    does not account for its objects (``ProtocolError``)."""

    def __init__(self, report: Any, error: MktowsError) -> None:
        handled = len(report.results)
        super().__init__(f"stopped after {handled} objects: {type(error).__name__}: {error}")
        self.report = report
        self.error = error

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.report, self.error))


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


# --- the classification -----------------------------------------------------------------------------------


class Disposition(enum.Enum):
    """What a failed attempt means for the next one (the retry policy in ``mktows._retry`` acts on it)."""

    THROTTLED = "throttled"  # refused for a usage limit: everyone pauses, then sends it again
    RETRY = "retry"  # not processed: any operation may be sent again
    AMBIGUOUS = "ambiguous"  # may have been processed: only operations safe to repeat are sent again
    RESIGN = "resign"  # the signature expired: re-sign once and resend
    FATAL = "fatal"  # another attempt cannot help


@dataclass(frozen=True)
class Classification:
    """How mktows treats one kind of failure: ``disposition`` for the next attempt of the call, and
    ``stops_batch_run`` when every later call would fail the same way (credentials, access, the daily quota,
    an operation the endpoint lacks, a throttle outlasting the client's patience, an answer that cannot be
    trusted), so a batch run stops instead of marking one batch FAILED."""

    disposition: Disposition
    stops_batch_run: bool = False


_FATAL = Classification(Disposition.FATAL)
_THROTTLED = Classification(Disposition.THROTTLED, stops_batch_run=True)
_STOPS_RUN = Classification(Disposition.FATAL, stops_batch_run=True)

ERROR_CLASSIFICATION: tuple[tuple[type[MktowsError], Classification], ...] = (
    (RequestExpiredError, Classification(Disposition.RESIGN)),
    (QuotaExceededError, _STOPS_RUN),  # the daily quota resets at 12:00 AM CST: fail fast
    (RateLimitError, _THROTTLED),
    (ConcurrencyLimitError, _THROTTLED),
    (InternalError, Classification(Disposition.AMBIGUOUS)),
    (AuthenticationError, _STOPS_RUN),
    (AccessDeniedError, _STOPS_RUN),
    (UnsupportedOperationError, _STOPS_RUN),
    (SoapFault, _FATAL),  # any other fault is about this call's data
    # a truncated or garbled answer to a request that was sent: ambiguous for the call, untrustworthy for a run
    (ProtocolError, Classification(Disposition.AMBIGUOUS, stops_batch_run=True)),
    (RepeatedFailureError, _STOPS_RUN),
    (BatchAborted, _STOPS_RUN),
)
"""Per error class, most specific first (the first ``isinstance`` match decides). ``TransportError`` and
``HTTPStatusError`` are decided by ``classify`` below; an error class added for another protocol gets a row
here (or inherits its family's)."""

HTTP_STATUS_CLASSIFICATION: Mapping[int, Classification] = {
    408: Classification(Disposition.RETRY),  # the server gave up waiting for the request
    429: _THROTTLED,
    503: _THROTTLED,
    500: Classification(Disposition.AMBIGUOUS),  # a non-SOAP 500 (SOAP faults are decided by their code)
    502: Classification(Disposition.AMBIGUOUS),
    504: Classification(Disposition.AMBIGUOUS),
}
"""Non-SOAP HTTP answers; any other status is ``FATAL`` for the call and does not stop a batch run by itself."""


def classify(error: MktowsError, *, delivered: bool = True) -> Classification:
    """How ``error`` is treated; ``delivered`` is False when the request surely never left (a connection that
    was never made), which makes a transport failure a plain ``RETRY`` instead of ``AMBIGUOUS``."""
    if isinstance(error, TransportError):
        return Classification(Disposition.AMBIGUOUS if delivered else Disposition.RETRY)
    if isinstance(error, HTTPStatusError):
        return HTTP_STATUS_CLASSIFICATION.get(error.status_code, _FATAL)
    for cls, classification in ERROR_CLASSIFICATION:
        if isinstance(error, cls):
            return classification
    return _FATAL
