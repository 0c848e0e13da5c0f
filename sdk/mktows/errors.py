"""The exceptions of mktows: one base class, transport and protocol failures, typed SOAP faults, and the one
classification of failures that retries and batch runs both read.

Every documented Marketo fault code (error-codes.md, 27 codes) maps to a family class below, so callers can
write ``except RateLimitError`` instead of comparing numbers. ``classify`` says, per error class (and per HTTP
status), what a failed attempt means for the next one (``Disposition``) and whether every later call would fail
the same way (so a batch run stops); ``retryable`` is derived from it. The REST API's documented codes (6xx,
7xx and the 1xxx record codes) map to the same families, so one ``except`` covers both wires and they inherit
their classification; such an error has ``protocol == "rest"`` and keeps REST's own ``code`` (606, not 20023).
This module imports nothing else of mktows.
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
    """A coded refusal from the service: a SOAP fault, with Marketo's ``serviceException`` detail when it
    carried one, or a REST error (``protocol == "rest"``), so code that catches ``SoapFault`` keeps working
    when its calls travel over REST.

    Attributes: ``code`` (int, e.g. 20014 or REST's 606, or None when the fault had no code), ``name`` (the
    exception name in the detail, e.g. ``mktServiceException``; for the REST identity service the OAuth
    ``error``), ``message`` (the detail's message), ``faultcode`` (e.g. ``SOAP-ENV:Client``),
    ``faultstring``, ``title`` (the documented name of the code), ``protocol`` (``"soap"`` or ``"rest"``:
    which table ``code`` belongs to), ``rest_code`` (for a SOAP fault that a REST error became over
    ``Client.over_rest`` or the gateway: REST's own code, e.g. 1013; else None) and ``retryable``.
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
        protocol: str = "soap",
        rest_code: int | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {sorted(PROTOCOLS)}, got {protocol!r}")
        self.code = code
        self.name = name
        self.faultcode = faultcode
        self.faultstring = faultstring
        self.protocol = protocol
        self.rest_code = rest_code
        info = PROTOCOLS[protocol].get(code) if code is not None else None
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
                self.protocol,
                self.rest_code,
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
    protocol: str = "soap",
    rest_code: int | None = None,
) -> SoapFault:
    return cls(
        message,
        code=code,
        name=name,
        faultcode=faultcode,
        faultstring=faultstring,
        operation=operation,
        protocol=protocol,
        rest_code=rest_code,
    )


class InternalError(SoapFault):
    """10001, 20011: a failure inside Marketo; worth retrying."""


class InvalidRequestError(SoapFault):
    """The request was refused as malformed or invalid (20012, 20017, 20019, 20022, 20101-20110, 20114)."""


class UnsupportedOperationError(InvalidRequestError):
    """20019: the operation is not defined in the WSDL of that endpoint version; also raised (without a code)
    by ``Client.over_rest`` for a call REST cannot serve, with the reason in its message."""


class TimeRangeError(InvalidRequestError):
    """20022: more than 30 days between oldestUpdatedAt and latestUpdatedAt."""


class AccessDeniedError(SoapFault):
    """20013: the client is blocked from API access."""


class AuthenticationError(SoapFault):
    """20014: user id or signature not accepted."""


class AccessTokenError(AuthenticationError):
    """REST 601 (access token invalid) or 602 (expired): the token is renewed and the call resent once."""


class ServiceUnavailableError(SoapFault):
    """REST 608, 614 and 713: the service was briefly unavailable and did not run the call; retry later."""


class RequestExpiredError(SoapFault):
    """20016: the signed timestamp is too old (or too far ahead); re-sign with a fresh timestamp."""


class ThrottlingError(SoapFault):
    """A usage limit was hit (20015, 20023, 20024; REST 606, 607, 615)."""


class QuotaExceededError(ThrottlingError):
    """20015 (REST 607): the daily call quota is used up; it resets at 12:00 AM CST, so retrying now cannot help."""


class RateLimitError(ThrottlingError):
    """20023 (REST 606): more than 100 calls in 20 seconds."""


class ConcurrencyLimitError(ThrottlingError):
    """20024 (REST 615): more than 10 calls in flight."""


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
    rest_code: int | None = None,
) -> SoapFault:
    """Build the exception of the right family for a fault code (``SoapFault`` itself for unknown codes);
    ``rest_code`` keeps the REST code of a REST error that this SOAP fault stands for."""
    info = FAULT_CODES.get(code) if code is not None else None
    cls = info.error_class if info else SoapFault
    return _rebuild_fault(cls, message, code, name, faultcode, faultstring, operation, "soap", rest_code)


REST_ERROR_CODES: dict[int, FaultCode] = {
    entry.code: entry
    for entry in (
        # Response-level codes (rest/pages/error-codes.md): the whole request failed.
        FaultCode(500, "Internal Server error", "The server met an unexpected condition", InternalError),
        FaultCode(502, "Bad Gateway", "The remote server returned an error, likely a timeout", InternalError),
        FaultCode(601, "Access token invalid", "The value was not a valid access token", AccessTokenError),
        FaultCode(602, "Access token expired", "The access token is no longer valid", AccessTokenError),
        FaultCode(603, "Access denied", "The user lacks permission to call this API", AccessDeniedError),
        # 604 ran "for too long": it may have done part of its work, so it is ambiguous like 10001.
        FaultCode(604, "Request time-out", "The request was running for too long", InternalError),
        FaultCode(
            605, "HTTP Method not supported", "The endpoint does not take this method", InvalidRequestError
        ),
        FaultCode(
            606, "Max rate limit exceeded", "More than 100 calls in the past 20 seconds", RateLimitError
        ),
        FaultCode(
            607, "Daily quota reached", "Calls today exceeded the subscription's quota", QuotaExceededError
        ),
        FaultCode(608, "API Temporarily Unavailable", "", ServiceUnavailableError),
        FaultCode(
            609, "Invalid JSON", "The body included in the request is not valid JSON", InvalidRequestError
        ),
        FaultCode(
            610, "Requested resource not found", "The URI did not match a REST resource", NotFoundError
        ),
        # 611 covers "all unhandled exceptions", wherever they happened: ambiguous like 20011.
        FaultCode(611, "System error", "All unhandled exceptions", InternalError),
        FaultCode(612, "Invalid Content Type", "Send a JSON content type", InvalidRequestError),
        FaultCode(
            613, "Invalid Multipart Request", "The multipart content was malformed", InvalidRequestError
        ),
        FaultCode(
            614, "Invalid Subscription", "Usually a temporary inaccessibility", ServiceUnavailableError
        ),
        FaultCode(
            615, "Concurrent access limit reached", "Already 10 requests in progress", ConcurrencyLimitError
        ),
        FaultCode(
            616, "Invalid subscription type", "The subscription type lacks this API", AccessDeniedError
        ),
        FaultCode(701, "Cannot be blank", "A required field was empty", InvalidRequestError),
        FaultCode(702, "No data found", "No records matched the given search parameters", NotFoundError),
        FaultCode(703, "Feature not enabled", "A feature not enabled in the subscription", AccessDeniedError),
        FaultCode(
            704, "Invalid date format", "A date or dynamic content id was invalid", InvalidRequestError
        ),
        FaultCode(
            709, "Business Rule Violation", "The call violates an asset requirement", InvalidRequestError
        ),
        FaultCode(710, "Parent Folder Not Found", "The parent folder could not be found", NotFoundError),
        FaultCode(
            711, "Incompatible Folder Type", "The folder is not of the right type", InvalidRequestError
        ),
        FaultCode(712, "Merge to person Account operation is invalid", "", InvalidRequestError),
        FaultCode(
            713,
            "Transient Error",
            "A resource was temporarily unavailable; wait and retry",
            ServiceUnavailableError,
        ),
        FaultCode(714, "Unable to find the default record type", "", NotFoundError),
        FaultCode(718, "ExternalSalesPersonID not found", "", NotFoundError),
        FaultCode(
            719, "Lock wait timeout exception", "A Clone Program call timed out on a lock", InternalError
        ),
        # Record-level codes: normally per-record reasons (data), but some also fail a whole request
        # (leads.md: 1003 when too many leads match a filter).
        FaultCode(1001, "Invalid value", "A parameter value has the wrong type", InvalidRequestError),
        FaultCode(1002, "Missing value for required parameter", "", InvalidRequestError),
        FaultCode(1003, "Invalid data", "Data not valid for the endpoint or mode", InvalidRequestError),
        FaultCode(1004, "Lead not found", "", NotFoundError),
        FaultCode(1005, "Lead already exists", "", InvalidRequestError),
        FaultCode(1006, "Field not found", "", InvalidRequestError),
        FaultCode(1007, "Multiple leads match the lookup criteria", "", InvalidRequestError),
        FaultCode(1008, "Access denied to partition", "", AccessDeniedError),
        FaultCode(1011, "Field not supported", "", InvalidRequestError),
        FaultCode(1012, "Invalid cookie value", "", InvalidRequestError),
        FaultCode(1013, "Object not found", "", NotFoundError),
        FaultCode(1015, "Lead not in list", "", NotFoundError),
        FaultCode(1017, "Object already exists", "", InvalidRequestError),
        FaultCode(1026, "Custom object not enabled", "", AccessDeniedError),
        FaultCode(1036, "Duplicate object found in input", "", InvalidRequestError),
    )
}
"""REST's documented codes with the family each belongs to; an undocumented code gets ``SoapFault`` itself."""

PROTOCOLS: dict[str, dict[int, FaultCode]] = {"soap": FAULT_CODES, "rest": REST_ERROR_CODES}
"""Which table a ``SoapFault.code`` is looked up in, by its ``protocol``."""


def rest_error_for(
    code: int | None, message: str, *, name: str = "", operation: str | None = None
) -> SoapFault:
    """The exception of the right family for a REST error code (``protocol == "rest"``)."""
    info = REST_ERROR_CODES.get(code) if code is not None else None
    cls = info.error_class if info else SoapFault
    return cls(message, code=code, name=name, operation=operation, protocol="rest")


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
    (AccessTokenError, Classification(Disposition.RESIGN)),  # REST 601/602: a fresh token, resent once
    (QuotaExceededError, _STOPS_RUN),  # the daily quota resets at 12:00 AM CST: fail fast
    (RateLimitError, _THROTTLED),
    (ConcurrencyLimitError, _THROTTLED),
    (InternalError, Classification(Disposition.AMBIGUOUS)),
    (AuthenticationError, _STOPS_RUN),
    (AccessDeniedError, _STOPS_RUN),
    (UnsupportedOperationError, _STOPS_RUN),
    (ServiceUnavailableError, Classification(Disposition.RETRY)),  # REST 608/614/713: the call did not run
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
