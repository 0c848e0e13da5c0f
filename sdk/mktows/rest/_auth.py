"""OAuth 2.0 client credentials for the REST API: one access token per client, fetched, cached and renewed.

- The token is fetched from ``<identity>/oauth/token`` with the client id and secret in a form-encoded POST
  body (authentication.md allows GET or POST; a body keeps the secret out of URLs, which proxies and
  urllib3's DEBUG log record). It is sent on calls as ``Authorization: Bearer`` only.
- It is renewed shortly before ``expires_in`` runs out, and on demand after a 601/602 (``invalidate``). When
  many threads need a token at once, one fetches and the others wait for its answer.
- Marketo answers a fetch made before expiry with the same token and its remaining life; such a token is
  then kept until it expires instead of being fetched again on every call of its last minute.
- Identity calls do not count against the API limits (swagger-identity.json), so they take no limits slot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from mktows._auth import Clock, Secret, system_clock
from mktows._logging import LOGGER
from mktows._transport import HttpResponse, Transport, not_soap
from mktows.errors import AuthenticationError, MktowsError, ProtocolError
from mktows.rest._envelope import parse_json, rest_payload

RENEW_MARGIN = timedelta(seconds=60)
"""A token is renewed this long before it expires (at most a tenth of its lifetime, for short-lived tokens)."""

MAX_IDENTITY_BYTES = 64 * 1024
IDENTITY_OPERATION = "identity"


@dataclass(frozen=True)
class AccessToken:
    """A token and when to stop using it; its value never shows in a repr."""

    secret: Secret
    renew_at: datetime | None  # None: no lifetime given, so renewed only after a 601/602
    expires_at: datetime | None
    scope: str = ""

    @property
    def value(self) -> str:
        return self.secret.reveal()


class TokenSource:
    """Hands out the current access token of one client id (thread-safe); ``fetches`` counts identity calls."""

    def __init__(
        self,
        transport: Transport,
        token_url: str,
        client_id: str,
        client_secret: str,
        clock: Clock | None = None,
    ) -> None:
        if not client_id:
            raise ValueError("client_id must not be empty")
        if not client_secret:
            raise ValueError("client_secret must not be empty")
        self.token_url = token_url
        self.client_id = client_id
        self._secret = Secret(client_secret)
        self._transport = transport
        self._clock: Clock = clock or system_clock
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self._stale: set[str] = set()  # tokens refused with 601/602, never handed out again
        self.fetches = 0

    def secrets(self) -> tuple[str, ...]:
        """Every secret this source knows: the client secret and the tokens it has held (for scrubbing)."""
        with self._lock:
            held = (self._token.value,) if self._token else ()
            return (self._secret.reveal(), *held, *self._stale)

    def token(self) -> AccessToken:
        """The token to send now: the cached one while fresh, else one fetch (other threads wait for it)."""
        with self._lock:
            token = self._token
            if token is not None and not self._due(token):
                return token
            return self._fetch(token)

    def invalidate(self, token: AccessToken) -> None:
        """Forget ``token`` after the service refused it (601/602); a newer token is left alone."""
        with self._lock:
            self._stale.add(token.value)
            if self._token is not None and self._token.value == token.value:
                self._token = None

    def _due(self, token: AccessToken) -> bool:
        return token.renew_at is not None and self._clock() >= token.renew_at

    def _fetch(self, previous: AccessToken | None) -> AccessToken:
        body = urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._secret.reveal(),
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        self.fetches += 1
        response = self._transport.send(
            "POST",
            self.token_url,
            headers=headers,
            data=body,
            operation=IDENTITY_OPERATION,
            max_bytes=MAX_IDENTITY_BYTES,
        )
        token = self._read(response, previous)
        self._token = token
        LOGGER.debug(
            "access token obtained for client id %s from %s (expires %s)",
            self.client_id,
            self.token_url,
            token.expires_at.isoformat() if token.expires_at else "not given",
        )
        return token

    def _read(self, response: HttpResponse, previous: AccessToken | None) -> AccessToken:
        """The token in an identity answer; ``AuthenticationError`` when the credentials were refused."""
        if response.status in (400, 401, 403):
            raise _refused(response)
        if response.status != 200:
            raise not_soap(response, IDENTITY_OPERATION, "unexpected status")
        value = rest_payload(response, IDENTITY_OPERATION)
        if not isinstance(value, dict):
            raise ProtocolError("identity answer is not a JSON object", operation=IDENTITY_OPERATION)
        access = value.get("access_token")
        if not isinstance(access, str) or not access.strip() or any(c in access for c in "\r\n"):
            raise ProtocolError("identity answer holds no usable access_token", operation=IDENTITY_OPERATION)
        if access in self._stale:
            raise AuthenticationError(
                "identity answered with a token the service has already refused (601/602)",
                operation=IDENTITY_OPERATION,
                protocol="rest",
            )
        now = self._clock()
        lifetime = value.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or not 0 < lifetime < 10**7:
            return AccessToken(Secret(access), None, None, str(value.get("scope") or ""))
        expires_at = now + timedelta(seconds=lifetime)
        same = previous is not None and previous.value == access
        margin = min(RENEW_MARGIN, timedelta(seconds=lifetime) / 10)
        renew_at = expires_at if same else expires_at - margin
        return AccessToken(Secret(access), renew_at, expires_at, str(value.get("scope") or ""))


def _refused(response: HttpResponse) -> MktowsError:
    """The ``AuthenticationError`` for an identity refusal (OAuth ``error`` / ``error_description``)."""
    try:
        value = parse_json(response.content, IDENTITY_OPERATION)
    except MktowsError:
        value = None
    name = description = ""
    if isinstance(value, dict):
        name = str(value.get("error") or "")
        description = str(value.get("error_description") or "")
    text = description or name or f"HTTP {response.status}"
    return AuthenticationError(
        f"identity refused the client credentials: {text}"[:300],
        name=name[:100],
        operation=IDENTITY_OPERATION,
        protocol="rest",
    )
