"""The identity service's access tokens (authentication.md): client credentials buy a bearer token that
expires after the configured lifetime; asking again before expiry returns the same token and its remaining
lifespan. Tokens live in memory: a restarted emulator answers 601 to the old ones, as a new instance would."""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field

from mktows.emulator.config import RestSettings
from mktows.emulator.rest.envelope import RestError

KEEP_EXPIRED = 86_400.0  # seconds an expired token is still recognised (602, not 601)


@dataclass
class Token:
    """One issued token (its value never shown in a repr) and when it expires (seconds, emulator clock)."""

    value: str = field(repr=False)
    expires_at: float


class TokenStore:
    """Issues and checks access tokens. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: Token | None = None
        self._known: dict[str, Token] = {}

    def issue(self, settings: RestSettings, client_id: str, client_secret: str, now: float) -> Token | None:
        """The live token for these credentials (a new one when none is live); None when they are wrong."""
        id_ok = hmac.compare_digest(client_id.encode(), settings.client_id.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), settings.client_secret.encode())
        if not (id_ok and secret_ok):
            return None
        with self._lock:
            if self._current is None or self._current.expires_at <= now:
                self._current = Token(f"{secrets.token_hex(16)}:emu", now + settings.token_lifetime)
                self._known[self._current.value] = self._current
                self._known = {v: t for v, t in self._known.items() if t.expires_at + KEEP_EXPIRED > now}
            return self._current

    def check(self, value: str, now: float) -> None:
        """601 for a token this emulator never issued, 602 for an expired one."""
        with self._lock:
            token = self._known.get(value)
        if token is None:
            raise RestError(601, "Access token invalid")
        if token.expires_at <= now:
            raise RestError(602, "Access token expired")

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._current = None
            self._known.clear()
