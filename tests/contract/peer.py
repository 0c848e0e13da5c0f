"""The live SOAP endpoint the contract suite talks to: the mktows emulator, or the user's own endpoint.

Set ``MKTOWS_CONTRACT_ENDPOINT``, ``MKTOWS_CONTRACT_USER_ID`` and ``MKTOWS_CONTRACT_ENCRYPTION_KEY`` to run the
live tests against another endpoint (``MKTOWS_CONTRACT_OBJECT_TYPE`` names its custom object type, RoadShow by
default: dedupe fields MKTOID (integer) and rid, text fields city, zip and state). Otherwise the tests use
the ``mktows_emulator`` fixture of mktows' pytest plugin. The tests only write and delete custom objects whose
rid starts with ``contract-``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from mktows import Limits, RetryPolicy
from mktows.client import Client

ENV_ENDPOINT = "MKTOWS_CONTRACT_ENDPOINT"
ENV_USER_ID = "MKTOWS_CONTRACT_USER_ID"
ENV_KEY = "MKTOWS_CONTRACT_ENCRYPTION_KEY"
ENV_OBJECT_TYPE = "MKTOWS_CONTRACT_OBJECT_TYPE"

# The emulator of these tests answers as fast as it can: no service-side limits (the client sets none either).
EMULATOR_LIMITS = {"rate_calls": None, "max_concurrent": None, "daily_quota": None}


@dataclass
class Peer:
    """Where the live tests send their calls, and the emulator's handle when it is the emulator."""

    endpoint: str
    user_id: str
    encryption_key: str = ""
    object_type: str = "RoadShow"
    emulator: Any = None  # mktows.pytest_plugin.EmulatorHandle, or None for an outside endpoint

    def __repr__(self) -> str:  # never show the key
        return f"Peer(endpoint={self.endpoint!r}, user_id={self.user_id!r}, object_type={self.object_type!r})"

    def client(self) -> Client:
        """A strict client that fails fast: no retries; no client-side limits against the emulator."""
        limits = Limits(calls=None, concurrency=None) if self.emulator is not None else Limits()
        return Client(
            self.endpoint,
            self.user_id,
            self.encryption_key,
            strict=True,
            retry=RetryPolicy.never(),
            limits=limits,
            timeout=(5.0, 30.0),
        )


def from_environment() -> Peer | None:
    """The outside endpoint named by the MKTOWS_CONTRACT_* variables, or None when they are not set."""
    endpoint = os.environ.get(ENV_ENDPOINT, "").strip()
    if not endpoint:
        return None
    missing = [name for name in (ENV_USER_ID, ENV_KEY) if not os.environ.get(name)]
    if missing:
        pytest.fail(f"{ENV_ENDPOINT} is set but {', '.join(missing)} is not")
    return Peer(
        endpoint=endpoint,
        user_id=os.environ[ENV_USER_ID],
        encryption_key=os.environ[ENV_KEY],
        object_type=os.environ.get(ENV_OBJECT_TYPE, "RoadShow"),
    )


def emulator_available() -> bool:
    """Whether mktows' emulator and its pytest plugin are installed."""
    try:
        import mktows.emulator
        import mktows.pytest_plugin  # noqa: F401
    except ImportError:
        return False
    return True
