"""Whole-call REST errors as the SOAP faults Marketo's SOAP docs give for the same case: one table, each row
citing its sources, applied by ``translate`` to every REST error a translation lets through.

A REST error becomes the ``mktows.errors`` family of its SOAP code (``protocol == "soap"``, ``code`` the SOAP
code) with REST's code kept as ``rest_code`` and the REST error itself as ``__cause__``: code written for SOAP
catches what it caught before, and the REST detail is still there. Per-record REST reasons are not whole-call
errors: each translation turns them into SOAP statuses itself. An error that carries no SOAP code (a local
refusal, a transport failure, REST's identity service refusing the credentials) gets its family's code from
``FAMILY_CODES`` where a SOAP code is needed (the gateway's faults).

Sources: SOAP ``source/en/error-codes.md`` (codes and their notes), REST ``rest/pages/error-codes.md``
(response-level 6xx/7xx and record-level 1xxx codes); where a SOAP operation page names the case it is cited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mktows.errors import (
    FAULT_CODES,
    AccessDeniedError,
    AuthenticationError,
    ConcurrencyLimitError,
    InvalidRequestError,
    MktowsError,
    QuotaExceededError,
    RateLimitError,
    RequestExpiredError,
    SoapFault,
    StreamPositionError,
    SyncFailedError,
    TimeRangeError,
    UnsupportedOperationError,
    fault_for,
)


@dataclass(frozen=True)
class FaultRow:
    """REST codes that mean the case SOAP answered with ``soap_code``, and why (``source``)."""

    rest_codes: tuple[int, ...]
    soap_code: int
    source: str


ROWS: tuple[FaultRow, ...] = (
    FaultRow(
        (500, 502, 604, 611, 719),
        20011,
        "REST 500 unexpected condition, 502 remote server error, 604 request time-out, 611 unhandled "
        "exception, 719 lock wait timeout (rest error-codes.md): the service failed; SOAP 20011 Internal Error "
        "'API service failure' (error-codes.md)",
    ),
    FaultRow(
        (608, 614, 713),
        20011,
        "REST 608 API temporarily unavailable, 614 subscription unreachable, 713 transient error (rest "
        "error-codes.md): SOAP documents no 'unavailable' code; its failure of the service is 20011 "
        "(error-codes.md)",
    ),
    FaultRow(
        (601, 602),
        20014,
        "REST 601/602 access token invalid or expired, still after the one renewal (rest error-codes.md, "
        "authentication.md): the credentials were not accepted; SOAP 20014 Authentication failed 'Client did "
        "not provide valid credentials' (error-codes.md, authentication-signature.md)",
    ),
    FaultRow(
        (603, 616, 703, 1026),
        20013,
        "REST 603 access denied, 616 subscription type lacks the API, 703 feature not enabled, 1026 custom "
        "objects not enabled (rest error-codes.md): SOAP 20013 Access Denied 'Client is blocked from API "
        "access' (error-codes.md)",
    ),
    FaultRow(
        (605, 610),
        20019,
        "REST 605 HTTP method not supported, 610 the URI matches no resource (rest error-codes.md): SOAP 20019 "
        "Unsupported Operation 'Operation invoked is not defined in the Marketo API WSDL' (error-codes.md)",
    ),
    FaultRow(
        (609, 612, 613),
        20012,
        "REST 609 invalid JSON, 612 invalid content type, 613 invalid multipart request (rest error-codes.md): "
        "SOAP 20012 Request Not Understood 'Unexpected SOAP Message' (error-codes.md)",
    ),
    FaultRow(
        (606,),
        20023,
        "REST 606 more than 100 calls in 20 seconds (rest error-codes.md): SOAP 20023 Rate Limit Exceeded, the "
        "same limit (error-codes.md)",
    ),
    FaultRow(
        (607, 1020, 1029),
        20015,
        "REST 607 daily quota reached, 1020 too many clones to program today, 1029 export daily quota (rest "
        "error-codes.md): SOAP 20015 Request Limit Exceeded, calls today over the quota (error-codes.md; "
        "schedulecampaign.md: 10 cloneToProgramName calls per day)",
    ),
    FaultRow(
        (615,),
        20024,
        "REST 615 already 10 requests in progress (rest error-codes.md): SOAP 20024 Concurrency Limit Exceeded, "
        "the same limit (error-codes.md)",
    ),
    FaultRow(
        (701, 1002),
        20109,
        "REST 701 '%s cannot be blank', 1002 missing value for a required parameter (rest error-codes.md): "
        "SOAP 20109 Parameter Required 'Parameter value was null or missing' (error-codes.md)",
    ),
    FaultRow(
        (704, 1001),
        20114,
        "REST 704 invalid date format, 1001 a value not of its required type (rest error-codes.md): the value "
        "itself is bad; SOAP 20114 Bad Parameter 'Parameter Value is bad' (error-codes.md)",
    ),
    FaultRow(
        (1004,),
        20103,
        "REST 1004 lead not found (rest error-codes.md): SOAP 20103 Lead Not Found 'LeadKey Value did not "
        "match any lead' (error-codes.md)",
    ),
    FaultRow(
        (1005, 1008, 1010, 1021),
        20106,
        "REST 1005 lead already exists, 1008 access denied to partition, 1010 partition update not allowed, "
        "1021 company update not allowed (rest error-codes.md): the lead could not be written; SOAP 20106 "
        "Lead Sync Failed 'LeadRecord could not be updated or created' (error-codes.md; synclead.md: a lead "
        "outside the workspace's primary partition is an error)",
    ),
    FaultRow(
        (702, 709, 710, 711, 712, 714, 718, 1003, 1006, 1007, 1011, 1012, 1013, 1015, 1017, 1036, 1042),
        20110,
        "REST 702 no data found, 709 business rule violation, 710/711 folder not found or of the wrong type, "
        "712/714 merge refused, 718 sales person not found, 1003 invalid data, 1006 field not found, 1007 "
        "several leads match, 1011 field not supported, 1012 invalid cookie, 1013 object not found, 1015 lead "
        "not in list, 1017 object already exists, 1036 duplicate in input, 1042 invalid runAt (rest "
        "error-codes.md): a well-formed value the service refuses; SOAP 20110 Bad Parameter 'A parameter value "
        "is bad' (error-codes.md; requestcampaign.md and getleadchanges.md call such refusals 'a bad "
        "parameter exception'). An operation whose SOAP page names a narrower fault (20111 list, 20113 "
        "campaign) raises it in its translation",
    ),
)
"""The whole-call REST codes and the SOAP fault each becomes."""

SOAP_CODE_FOR_REST: Mapping[int, FaultRow] = MappingProxyType(
    {rest_code: row for row in ROWS for rest_code in row.rest_codes}
)
"""REST code -> its row (each REST code in one row only: checked in tests/test_rest_faults.py)."""

UNLISTED_SERVICE_FAILURE = 20011
"""A 6xx code not in the table: REST's 6xx 'the entire request failed' (rest error-codes.md) is SOAP's
failure of the service, 20011 (error-codes.md)."""

UNLISTED_BAD_REQUEST = 20110
"""Any other unlisted code (7xx, 1xxx): REST's 'the request parameters were invalid' (rest error-codes.md) is
SOAP's 20110 Bad Parameter (error-codes.md)."""

FAMILY_CODES: tuple[tuple[type[MktowsError], int], ...] = (
    (UnsupportedOperationError, 20019),
    (TimeRangeError, 20022),
    (StreamPositionError, 20122),
    (AuthenticationError, 20014),
    (AccessDeniedError, 20013),
    (RequestExpiredError, 20016),
    (QuotaExceededError, 20015),
    (RateLimitError, 20023),
    (ConcurrencyLimitError, 20024),
    (SyncFailedError, 20106),
    (InvalidRequestError, 20110),
)
"""The SOAP code of an error that carries none, by family, most specific first (each the code error-codes.md
gives that family's case); any other error (a REST endpoint down, an answer that is not REST's, a failure
inside the service) is 20011 'API service failure'."""


def soap_code_for_rest(rest_code: int) -> int:
    """The SOAP fault code for a whole-call REST error code."""
    row = SOAP_CODE_FOR_REST.get(rest_code)
    if row is not None:
        return row.soap_code
    return UNLISTED_SERVICE_FAILURE if 600 <= rest_code < 700 else UNLISTED_BAD_REQUEST


def soap_code(error: MktowsError) -> int:
    """The documented SOAP fault code that stands for ``error``, whatever raised it."""
    if isinstance(error, SoapFault) and error.code is not None:
        if error.protocol == "rest":
            return soap_code_for_rest(error.code)
        if error.code in FAULT_CODES:
            return error.code
    for family, code in FAMILY_CODES:
        if isinstance(error, family):
            return code
    return UNLISTED_SERVICE_FAILURE


def as_soap_fault(error: SoapFault) -> SoapFault:
    """The SOAP-family error for a REST error (``protocol == "rest"``): the SOAP code, REST's code kept as
    ``rest_code`` and named in the message. The caller raises it ``from`` the REST error."""
    if error.protocol != "rest":
        raise ValueError("as_soap_fault takes a REST error (protocol 'rest')")
    message = error.message if error.code is None else f"{error.message} (REST {error.code})"
    return fault_for(
        soap_code(error), message, name=error.name, operation=error.operation, rest_code=error.code
    )
