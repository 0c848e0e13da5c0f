"""Connection settings read from a flag or an environment variable, and the usage error they raise: shared by
the SOAP and REST connection options of every command."""

from __future__ import annotations

import os
from dataclasses import dataclass


class UsageError(Exception):
    """A problem with the command line or the environment, reported as one line and exit code 1."""


@dataclass(frozen=True)
class Setting:
    """One connection setting and where it came from (a flag or an environment variable), for messages."""

    value: str | None
    source: str

    @classmethod
    def of(cls, flag_value: str | None, flag: str, env: str | None) -> Setting:
        """The flag's value when given, else the environment variable's (``env`` None: a flag only)."""
        if flag_value:
            return cls(flag_value, flag)
        if env is None:
            return cls(None, flag)
        return cls(os.environ.get(env) or None, env)
