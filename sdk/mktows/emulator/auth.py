"""Authentication as Marketo did it: the ``AuthenticationHeader``'s HMAC-SHA1 signature checked against the
configured users (20014 on a missing header, unknown user or bad signature; 20013 for a user configured
``blocked``), and a freshness window on ``requestTimestamp`` (20016 when it is further than the window from
the emulator's clock, either way).

A request with no header at all is 20014, not 20017: the docs define 20014 as "Client did not provide valid
credentials", and no credentials are not valid credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from mktows import signing
from mktows.emulator.config import EmulatorConfig, User
from mktows.emulator.failures import ServiceFault
from mktows.operations import MKTOWS_NS, SOAP_ENV_NS

HEADER_TAG = f"{{{SOAP_ENV_NS}}}Header"
AUTH_TAG = f"{{{MKTOWS_NS}}}AuthenticationHeader"


@dataclass(frozen=True)
class Credentials:
    """The three values of an AuthenticationHeader (the signature is never logged)."""

    user_id: str
    timestamp: str
    signature: str


def read_credentials(envelope: etree._Element) -> Credentials:
    """The AuthenticationHeader values of a request envelope; 20014 when the header or a value is missing."""
    header = envelope.find(HEADER_TAG)
    auth = header.find(AUTH_TAG) if header is not None else None
    if auth is None:
        raise ServiceFault(20014, "the request has no AuthenticationHeader")
    values: dict[str, str] = {}
    for child in auth:
        if isinstance(child.tag, str):
            values[etree.QName(child).localname] = (child.text or "").strip()
    missing = [n for n in ("mktowsUserId", "requestSignature", "requestTimestamp") if not values.get(n)]
    if missing:
        raise ServiceFault(20014, f"AuthenticationHeader lacks {', '.join(missing)}")
    return Credentials(values["mktowsUserId"], values["requestTimestamp"], values["requestSignature"])


def authenticate(credentials: Credentials, config: EmulatorConfig, now: datetime) -> User:
    """The configured user the credentials prove; 20014 or 20016 otherwise."""
    user = config.user(credentials.user_id)
    if user is None:
        raise ServiceFault(20014, "unknown mktowsUserId")
    if not signing.verify(user.encryption_key, credentials.timestamp, user.user_id, credentials.signature):
        raise ServiceFault(20014, "requestSignature does not match requestTimestamp + mktowsUserId")
    if user.blocked:
        raise ServiceFault(20013, f"user {user.user_id} is blocked from API access (configured blocked)")
    try:
        moment = signing.parse_timestamp(credentials.timestamp)
    except ValueError:
        raise ServiceFault(20014, "requestTimestamp is not a W3C date-time with an offset") from None
    settings = config.settings
    if settings.freshness_check:
        skew = abs((now - moment).total_seconds())
        if skew > settings.freshness_window:
            raise ServiceFault(
                20016,
                f"requestTimestamp is {int(skew)} s from the service clock (window {int(settings.freshness_window)} s)",
            )
    return user
