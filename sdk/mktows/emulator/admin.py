"""Who may use the emulator's admin path (``/_admin/...``: fault injection, reset) and where it may listen.

The admin path changes what every caller of the emulator sees, so it is off unless asked for
(``Settings.admin``, ``mktows emulator --admin``; the pytest fixture turns it on), and then it answers only a
request that:

- carries this run's token as ``Authorization: Bearer <token>`` (a fresh random token at every start);
- has no ``Origin`` header (a browser sends one with a cross-origin request: a web page is never a caller);
- names a loopback ``Host`` (127.0.0.0/8, ::1, localhost), so a DNS-rebound name cannot reach it;
- sends its body, when it has one (a POST always does), as ``application/json``, and valid JSON.

The server side (``check_bind``): the emulator listens on a non-loopback address only with a warning, never
with the admin path on, and not with the docs' public demo credentials unless that is explicitly allowed.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from mktows.emulator.config import User
from mktows.emulator.defaults import DEFAULT_ENCRYPTION_KEY, DEFAULT_USER_ID

LOGGER = logging.getLogger("mktows.emulator")

JSON_MEDIA_TYPE = "application/json"


class AdminRefused(Exception):
    """An admin request the emulator will not serve: the HTTP status, its reason phrase and why."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


def new_token() -> str:
    """A fresh admin token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether an address or host name (IPv6 in brackets or not) is loopback: 127.0.0.0/8, ::1, localhost."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The name in a ``Host`` header without its port: ``127.0.0.1:8710`` gives ``127.0.0.1``."""
    value = header.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def check_request(environ: dict[str, Any], token: str) -> None:
    """Raise ``AdminRefused`` unless the request may use the admin path (``json_body`` checks the body)."""
    if environ.get("HTTP_ORIGIN") is not None:
        raise AdminRefused(403, "Forbidden", "the admin path refuses requests with an Origin header")
    host = environ.get("HTTP_HOST") or ""
    if not is_loopback(_host_name(host)):
        raise AdminRefused(
            403, "Forbidden", "the admin path answers only a loopback Host (127.0.0.1, localhost)"
        )
    scheme, _, given = (environ.get("HTTP_AUTHORIZATION") or "").partition(" ")
    # WSGI hands headers over as latin-1 text: encoding them back gives the bytes received
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("latin-1", "replace"), token.encode("ascii")
    ):
        raise AdminRefused(401, "Unauthorized", "the admin path needs 'Authorization: Bearer <admin token>'")


def json_body(raw: bytes, environ: dict[str, Any], *, required: bool) -> Any:
    """The JSON value of an admin request's body (None when there is none and none is ``required``)."""
    if not raw.strip():
        if required:
            raise AdminRefused(400, "Bad Request", "this admin request needs a JSON body")
        return None
    media_type = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        raise AdminRefused(415, "Unsupported Media Type", f"admin request bodies must be {JSON_MEDIA_TYPE}")
    try:
        return json.loads(raw)
    except ValueError:
        raise AdminRefused(400, "Bad Request", "the body is not valid JSON") from None


def uses_demo_credentials(users: Iterable[User]) -> bool:
    """Whether a configured user has the docs' public user id or encryption key."""
    return any(
        user.user_id == DEFAULT_USER_ID or user.encryption_key == DEFAULT_ENCRYPTION_KEY for user in users
    )


def check_bind(host: str, *, admin: bool, users: Iterable[User], allow_demo_credentials: bool) -> None:
    """Refuse (ValueError) to listen on a non-loopback ``host`` with the admin path on, or with the demo
    credentials unless ``allow_demo_credentials``; warn when listening there at all."""
    if is_loopback(host):
        return
    if admin:
        raise ValueError(f"the admin path is served on a loopback address only, not on {host}")
    if uses_demo_credentials(users) and not allow_demo_credentials:
        raise ValueError(
            f"refusing to listen on {host} with the docs' public demo credentials: configure your own users "
            "(--config) or allow it explicitly (--allow-demo-credentials)"
        )
    LOGGER.warning("mktows emulator: listening on %s, reachable from other machines", host)
