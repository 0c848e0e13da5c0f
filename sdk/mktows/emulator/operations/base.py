"""What every operation handler gets and may raise: the call ``Context`` and ``ServiceFault``.

A handler is ``handler(ctx, params) -> Result…``: ``params`` is the decoded generated ``Params…`` object and
the return value the generated ``Result…`` object that goes into ``success<Operation>``. A documented failure
of the whole call is ``raise ServiceFault(code, reason)``; per-record failures are data in the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from xsdata.models.datatype import XmlDateTime

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.failures import ServiceFault, bad_parameter, parameter_required
from mktows.emulator.timeutil import to_us, xml_datetime


@dataclass
class Context:
    """One call: the open transaction, the configuration, the call's instant and the raw request."""

    conn: sqlite3.Connection
    config: EmulatorConfig
    now: datetime
    params_element: etree._Element
    header: Any = None  # the decoded SOAP header object (MktowsContextHeader on syncLead), when any

    @property
    def now_us(self) -> int:
        """The call's instant in microseconds since the epoch."""
        return to_us(self.now)

    def xml_time(self, us: int) -> XmlDateTime:
        """An instant as an xs:dateTime in the configured output offset."""
        return xml_datetime(us, self.config.settings.output_utc_offset_minutes)

    def raw_text(self, local_name: str) -> str | None:
        """The text of a direct child of the params element, even one the WSDL does not declare (e.g.
        scheduleCampaign's documented ``cloneToProgramName``, which a decode drops); None when absent."""
        for child in self.params_element:
            if isinstance(child.tag, str) and etree.QName(child).localname == local_name:
                return (child.text or "").strip()
        return None


Handler = Callable[[Context, Any], Any]

__all__ = ["Context", "Handler", "ServiceFault", "bad_parameter", "parameter_required"]
