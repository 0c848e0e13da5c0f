"""``ServiceFault``: a documented Marketo fault that fails a whole call, raised anywhere in the emulator.

The wire form (HTTP 500, ``SOAP-ENV:Client``, ``"<code> - <title>"``, ``serviceException`` detail) is built by
``soap.fault_response``; here is only the code, its documented title and the reason, which goes to the log and
the ``X-Mktows-Fault-Reason`` header, never into the documented fault text.
"""

from __future__ import annotations

from mktows.errors import FAULT_CODES


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
