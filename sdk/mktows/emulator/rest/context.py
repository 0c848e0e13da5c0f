"""What every REST handler gets: the open transaction, the configuration, the call's instant, the request."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.rest.envelope import Answer, RestError
from mktows.emulator.rest.request import RestRequest
from mktows.emulator.timeutil import to_us

T = TypeVar("T")


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

    def found(
        self, lookup: Callable[[sqlite3.Connection, int], T | None], name: str, code: int, text: str
    ) -> T:
        """The record a numeric path value (``{listId}``) names, by ``lookup``; RestError ``code`` with
        ``text`` when the value is not a number or names nothing."""
        value = self.request.path_args.get(name, "")
        record = lookup(self.conn, int(value)) if value.isdigit() else None
        if record is None:
            raise RestError(code, text)
        return record


RestHandler = Callable[[RestContext], Answer]
