"""What every REST handler gets: the open transaction, the configuration, the call's instant, the request."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.rest.envelope import Answer
from mktows.emulator.rest.request import RestRequest
from mktows.emulator.timeutil import to_us


@dataclass
class RestContext:
    """One REST call."""

    conn: sqlite3.Connection
    config: EmulatorConfig
    now: datetime
    request: RestRequest

    @property
    def now_us(self) -> int:
        """The call's instant in microseconds since the epoch."""
        return to_us(self.now)

    def arg(self, name: str) -> str:
        """A value taken from the path (``{listId}``)."""
        return self.request.path_args[name]


RestHandler = Callable[[RestContext], Answer]
