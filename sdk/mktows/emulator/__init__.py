"""mktows.emulator: a local Marketo SOAP API (mktows) peer, faithful to what Marketo documented.

All 23 operations over SQLite state, Marketo's authentication, limits and faults, served by waitress, with
fault injection for resilience tests. Python: ``Emulator(...).start()`` / ``with Emulator() as emulator:``;
command line: ``python -m mktows.emulator`` or ``mktows emulator``; pytest: the ``mktows_emulator`` fixture.
It is the other side of the wire from ``mktows.client`` and never imports it.
"""

from mktows.emulator.app import EmulatorApp
from mktows.emulator.calls import CallRecord
from mktows.emulator.cli import add_arguments, default_db_path, run
from mktows.emulator.config import (
    ConfigError,
    CustomObjectType,
    EmulatorConfig,
    ServiceLimits,
    Settings,
    User,
    load_config,
)
from mktows.emulator.defaults import DEFAULT_ENCRYPTION_KEY, DEFAULT_USER_ID
from mktows.emulator.faults import KINDS as INJECTION_KINDS
from mktows.emulator.faults import Injection
from mktows.emulator.server import Emulator
from mktows.emulator.state import StateView

__all__ = [
    "DEFAULT_ENCRYPTION_KEY",
    "DEFAULT_USER_ID",
    "INJECTION_KINDS",
    "CallRecord",
    "ConfigError",
    "CustomObjectType",
    "Emulator",
    "EmulatorApp",
    "EmulatorConfig",
    "Injection",
    "ServiceLimits",
    "Settings",
    "StateView",
    "User",
    "add_arguments",
    "default_db_path",
    "load_config",
    "run",
]
