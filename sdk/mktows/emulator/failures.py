"""``ServiceFault``: a documented Marketo fault that fails a whole call, raised anywhere in the emulator, and
the one table of where each of the 27 documented codes (error-codes.md) is raised.

The wire form (HTTP 500, ``SOAP-ENV:Client``, ``"<code> - <title>"``, ``serviceException`` detail) is built by
``soap.fault_response``; here is only the code, its documented title and the reason, which goes to the log and
the ``X-Mktows-Fault-Reason`` header, never into the documented fault text.

error-codes.md gives each code a name and one line; the operation pages name only "a bad parameter
exception" (getleadchanges.md, requestcampaign.md). Where the docs leave the choice open, the emulator
decides as follows (the reason after the dash), checking in this order: XML, operation, credentials, limits,
decoding, then the operation's own checks.

| code  | raised when |
|-------|-------------|
| 10001 | the emulator's storage fails (an SQLite error) - "severe system failure": the service, not the call |
| 20011 | any other unexpected error inside an operation - "API service failure"; never a traceback |
| 20012 | the body is not well-formed XML, has a DTD or entity, is not a SOAP 1.1 envelope, or decodes to no |
|       | element the WSDL declares - "Unexpected SOAP Message" |
| 20013 | the user is configured ``blocked = true`` - Marketo's "blocked from API access" is an account state |
| 20014 | no AuthenticationHeader, an unknown user or a wrong signature - no credentials are not valid ones |
| 20015 | the daily quota (``daily_quota``, days start 12:00 AM CST) is used up; also the 10 daily |
|       | ``cloneToProgramName`` schedules |
| 20016 | ``requestTimestamp`` is outside the freshness window, either way |
| 20017 | an element the WSDL requires (minOccurs 1) is absent, where no lead-specific code applies |
| 20019 | the Body holds an element no operation of the WSDL takes (the emulator speaks 2_6 on every endpoint) |
| 20022 | a LastUpdateAtSelector or startPosition window longer than 30 days |
| 20023 | more than ``rate_calls`` calls in ``rate_window`` seconds |
| 20024 | more than ``max_concurrent`` calls in flight |
| 20101 | a LeadKey is missing or incomplete (a missing leadKey, keyType, keyValue, LeadKeySelector |
|       | keyValues, winning/losing lead key list), or its value is blank; an empty lead key list |
| 20102 | a lead key type outside LeadKeyRef (checked before the operation runs), or one the operation does |
|       | not take (mergeLeads' COOKIE, listOperation's non-IDNUM keys in strict mode) |
| 20103 | a lead key matches no lead |
| 20104 | syncLead without leadRecord, syncMultipleLeads without lead records |
| 20105 | a lead attribute name that is no lead field |
| 20106 | a lead record that cannot be written: a read-only field, a value of the wrong type, a lead outside |
|       | the workspace of the MktowsContextHeader |
| 20107 | an activity type outside ActivityType in an activityFilter (checked before the operation runs), |
|       | an unknown name in getLeadChanges' activityNameFilter |
| 20108 | a LEADOWNEREMAIL / SFDCLEADOWNERID key that names no lead owner |
| 20109 | a parameter present but empty or nil that the operation needs (objTypeName, objectName, |
|       | startPosition, a StaticListSelector without name and id, a blank listKey value...) |
| 20110 | a well-typed value the operation refuses: outside an enumeration with no code of its own, over a |
|       | documented limit, a combination the docs forbid, a name that matches nothing it could |
| 20111 | a static list (by name, id, sales user or lead owner) that does not exist |
| 20113 | a campaign or program that does not exist, or a campaign not requestable from that source |
| 20114 | a value that is not of its element's XSD type (``ten`` for an xs:int, ``maybe`` for an |
|       | xs:boolean, a date that is no xs:dateTime) - the two "Bad Parameter" codes split on the one |
|       | distinction their notes allow: the value itself (20114) or what it asks for (20110) |
| 20122 | a stream position this service did not give, or one given for another query |
| 20123 | a getMultipleLeads stream position that says no records remain |

``tests/test_emulator_fault_codes.py`` provokes each code with one request.
"""

from __future__ import annotations

from mktows.errors import (
    FAULT_CODES,
    EnumerationValueError,
    MissingElementError,
    ProtocolError,
    ValueTypeError,
)
from mktows.types import ActivityType, LeadKeyRef


class ServiceFault(Exception):
    """A fault for the whole call: a documented code, why it was raised, and the SOAP faultcode (``Client``,
    or ``VersionMismatch`` for an envelope of another SOAP version)."""

    def __init__(self, code: int, reason: str = "", *, faultcode: str = "SOAP-ENV:Client") -> None:
        info = FAULT_CODES.get(code)
        title = info.title if info else "Unknown Error"
        super().__init__(f"{code} {title}: {reason}" if reason else f"{code} {title}")
        self.code = code
        self.title = title
        self.reason = reason
        self.faultcode = faultcode


def bad_parameter(reason: str) -> ServiceFault:
    """20110 Bad Parameter: the docs' "bad parameter exception" for parameter combinations and limits."""
    return ServiceFault(20110, reason)


def parameter_required(reason: str) -> ServiceFault:
    """20109 Parameter Required: a parameter the operation needs is missing or empty."""
    return ServiceFault(20109, reason)


# Elements whose absence means "LeadKey is Required but was not provided" (20101) or "LeadRecord is required
# but was not provided" (20104) rather than the general "missing an expected parameter" (20017).
_LEAD_KEY_ELEMENTS = frozenset({"leadKey", "keyValues", "winningLeadKeyList", "losingLeadKeyLists"})
_LEAD_RECORD_ELEMENTS = frozenset({"leadRecord", "leadRecordList"})
_ENUMERATION_CODES: dict[type, int] = {LeadKeyRef: 20102, ActivityType: 20107}


def decode_fault(operation: str, error: ProtocolError) -> ServiceFault:
    """The fault for a request the codec cannot read as the WSDL says, chosen by the error's type and the
    element path it names (see the table above), never by its message."""
    reason = f"{operation}: {error}"
    names = error.path.split("/")
    if isinstance(error, MissingElementError):
        if _LEAD_KEY_ELEMENTS.intersection(names):
            return ServiceFault(20101, reason)
        if names[-1] in _LEAD_RECORD_ELEMENTS:
            return ServiceFault(20104, reason)
        return ServiceFault(20017, reason)
    if isinstance(error, EnumerationValueError):
        code = _ENUMERATION_CODES.get(error.enumeration, 20110) if error.enumeration else 20110
        return ServiceFault(code, reason)
    if isinstance(error, ValueTypeError):
        return ServiceFault(20114, reason)
    return ServiceFault(20012, reason)
