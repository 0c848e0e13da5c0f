"""Bringing an opened database's derived data in line with the configuration, before any call is served: the
field index of each custom object type whose fields changed (or that is new), and what an older emulator
wrote without: the lead and MObject indexes and the activities' type keys."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.model import activities, custom_objects, field_index, leads, mobjects
from mktows.emulator.store import Store


def bring_up_to_date(store: Store, config: EmulatorConfig) -> None:
    """Rebuild whatever derived data is stale; a database already up to date costs one read per kind."""
    stale: list[Callable[[sqlite3.Connection], None]] = []
    with store.read() as conn:
        for co_type in config.custom_object_types:
            if field_index.stale(conn, custom_objects.kind(co_type), custom_objects.fingerprint(co_type)):
                stale.append(partial(custom_objects.rebuild_index, co_type=co_type))
        for mtype in mobjects.TYPES:
            if field_index.stale(conn, mobjects.kind(mtype), mobjects.INDEX_FINGERPRINT):
                stale.append(partial(mobjects.rebuild_index, mtype=mtype))
        if field_index.stale(conn, leads.INDEX_KIND, leads.INDEX_FINGERPRINT):
            stale.append(leads.rebuild_index)
        if field_index.stale(conn, activities.TYPE_KEYS, activities.TYPE_KEYS_VERSION):
            stale.append(activities.fill_type_keys)
    for rebuild in stale:
        with store.transaction() as conn:
            rebuild(conn)
