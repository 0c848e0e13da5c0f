"""Bringing an opened database's derived data in line with the configuration, before any call is served: the
field index of each custom object type whose fields changed (or that is new, or that an older emulator
wrote without one)."""

from __future__ import annotations

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.model import custom_objects, field_index
from mktows.emulator.store import Store


def bring_up_to_date(store: Store, config: EmulatorConfig) -> None:
    """Rebuild whatever derived data is stale; a database already up to date costs one read per kind."""
    for co_type in config.custom_object_types:
        kind, stamp = custom_objects.kind(co_type), custom_objects.fingerprint(co_type)
        with store.read() as conn:
            current = not field_index.stale(conn, kind, stamp)
        if not current:
            with store.transaction() as conn:
                custom_objects.rebuild_index(conn, co_type)
