"""Signing as a per-attempt policy: a fresh timestamp and signature for every attempt, never reused.

- The timestamp comes from an injectable clock (a callable returning an aware datetime) plus the clock skew
  learned from the HTTP ``Date`` header of the service's successful SOAP answers and of its 20016 (Request
  Expired) faults; never from an HTML page, another fault or any non-SOAP answer, which a proxy or whoever sits
  on the path can write. So a client whose clock is off still signs timestamps the service accepts. The
  skew is capped at ``MAX_CLOCK_SKEW`` (one hour) each way, so no answer can make the client sign
  timestamps far in the future (or past).
- A call answered with 20016 (Request Expired) is re-signed and sent again once, after the skew has been
  re-learned from that answer; a second 20016 in the same call is raised.
- The encryption key is held in a ``Secret`` whose repr never shows it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from mktows import signing
from mktows import types as t
from mktows.errors import MktowsError, RequestExpiredError

Clock = Callable[[], datetime]
"""Returns the current time as a timezone-aware datetime."""

SKEW_TOLERANCE = timedelta(seconds=2)
"""Differences from the current skew up to this are noise (``Date`` has whole seconds, plus latency)."""

MAX_CLOCK_SKEW = timedelta(hours=1)
"""The largest skew learned, each way: a ``Date`` further off is taken as this much (and logged)."""

_log = logging.getLogger("mktows")


def system_clock() -> datetime:
    """The default clock: the system time in UTC (signed as ``...+00:00``)."""
    return datetime.now(UTC)


class Secret:
    """A string that never shows itself in a repr or str (the encryption key)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the HMAC only."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


def server_time(date_header: str | None) -> datetime | None:
    """The moment in an HTTP ``Date`` header (RFC 7231), or None when absent or unreadable."""
    if not date_header:
        return None
    try:
        moment = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no local zone known
        moment = moment.replace(tzinfo=UTC)
    return moment


class Signer:
    """Builds the ``AuthenticationHeader`` for each attempt and keeps the learned clock skew (thread-safe)."""

    def __init__(self, user_id: str, encryption_key: str, clock: Clock | None = None) -> None:
        if not user_id:
            raise ValueError("user_id must not be empty")
        if not encryption_key:
            raise ValueError("encryption_key must not be empty")
        self.user_id = user_id
        self._key = Secret(encryption_key)
        self._clock: Clock = clock or system_clock
        self._skew = timedelta(0)
        self._lock = threading.Lock()

    @property
    def skew(self) -> timedelta:
        """How far the service's clock is ahead of ours (negative when behind), as learned from ``Date``."""
        with self._lock:
            return self._skew

    def now(self) -> datetime:
        """The local clock's reading (no skew applied); must be timezone-aware."""
        moment = self._clock()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("the clock must return a timezone-aware datetime")
        return moment

    def header(self) -> t.AuthenticationHeader:
        """A freshly signed header: the timestamp is the clock plus the learned skew, W3C with a colon offset."""
        timestamp = signing.format_timestamp(self.now() + self.skew)
        return t.AuthenticationHeader(
            mktows_user_id=self.user_id,
            request_signature=signing.signature(self._key.reveal(), timestamp, self.user_id),
            request_timestamp=timestamp,
        )

    def observe(self, date_header: str | None, received_at: datetime) -> None:
        """Learn the skew from an answer's ``Date`` header, read at ``received_at`` on the local clock.

        Call it only for a successful SOAP answer or a 20016 fault; the skew is capped at ``MAX_CLOCK_SKEW``
        each way.
        """
        server = server_time(date_header)
        if server is None:
            return
        measured = server - received_at
        if abs(measured) > MAX_CLOCK_SKEW:
            _log.warning(
                "the service's Date is %.0f s off our clock; correcting by at most %.0f s",
                measured.total_seconds(),
                MAX_CLOCK_SKEW.total_seconds(),
            )
            measured = MAX_CLOCK_SKEW if measured > timedelta(0) else -MAX_CLOCK_SKEW
        with self._lock:
            if abs(measured - self._skew) > SKEW_TOLERANCE:
                self._skew = measured if abs(measured) > SKEW_TOLERANCE else timedelta(0)

    def secrets(self, *signatures: str) -> tuple[str, ...]:
        """The strings no log line or message may contain: the key and the given signatures."""
        return (self._key.reveal(), *signatures)

    def start_call(self) -> CallSigning:
        """Per-call signing state: allows one re-sign after a 20016."""
        return CallSigning(self)

    def __repr__(self) -> str:
        return f"Signer(user_id={self.user_id!r}, skew={self.skew!r})"


class CallSigning:
    """Signing for the attempts of one call: a new header each time, and at most one re-sign on 20016."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer
        self.resigned = False

    def header(self) -> t.AuthenticationHeader:
        """A fresh header for the next attempt."""
        return self._signer.header()

    def should_resign(self, error: MktowsError) -> bool:
        """True once per call for a 20016 answer: sign again (with the re-learned skew) and resend at once."""
        if isinstance(error, RequestExpiredError) and not self.resigned:
            self.resigned = True
            return True
        return False
