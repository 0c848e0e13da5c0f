"""The emulator's state in SQLite: schema, thread-safe transactions, reset, and the call counters of the quota.

One connection serves every thread, guarded by a lock: each SOAP call runs its whole handler inside one
``transaction()`` (``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception), so a call sees and leaves a
consistent state and concurrent calls are serialized. With a file path the state survives restarts (WAL
journal); ``path=None`` keeps it in memory for the life of the object.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY,
    email TEXT,
    email_key TEXT,
    foreign_sys_person_id TEXT,
    foreign_sys_type TEXT,
    cookie TEXT,
    workspace TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_email ON leads (email_key);
CREATE INDEX IF NOT EXISTS leads_fsp ON leads (foreign_sys_person_id);
CREATE INDEX IF NOT EXISTS leads_cookie ON leads (cookie);
CREATE INDEX IF NOT EXISTS leads_updated ON leads (updated_at, id);
CREATE TABLE IF NOT EXISTS lists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    program TEXT,
    sales_user_id TEXT,
    sfdc_lead_owner_id TEXT
);
CREATE TABLE IF NOT EXISTS list_members (
    list_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (list_id, lead_id)
);
CREATE INDEX IF NOT EXISTS list_members_lead ON list_members (lead_id);
CREATE TABLE IF NOT EXISTS custom_objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    key TEXT NOT NULL,
    keys TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (type, key)
);
CREATE TABLE IF NOT EXISTS mobjects (
    type TEXT NOT NULL,
    id INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (type, id)
);
CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    type TEXT NOT NULL,
    sources TEXT NOT NULL,
    program TEXT
);
CREATE TABLE IF NOT EXISTS campaign_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT,
    lead_ids TEXT NOT NULL,
    tokens TEXT NOT NULL,
    run_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    asset TEXT,
    attributes TEXT NOT NULL,
    campaign TEXT
);
CREATE INDEX IF NOT EXISTS activities_lead ON activities (lead_id, id);
CREATE INDEX IF NOT EXISTS activities_created ON activities (created_at, id);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    program TEXT NOT NULL,
    list TEXT NOT NULL,
    campaign TEXT,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ready_at INTEGER NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_failed INTEGER NOT NULL,
    rows_ignored INTEGER NOT NULL,
    summary TEXT,
    tokens TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
    day TEXT NOT NULL,
    counter TEXT NOT NULL,
    calls INTEGER NOT NULL,
    PRIMARY KEY (day, counter)
);
"""

DATA_TABLES = (
    "leads",
    "lists",
    "list_members",
    "custom_objects",
    "mobjects",
    "campaigns",
    "campaign_runs",
    "activities",
    "imports",
    "usage",
)


class StoreError(RuntimeError):
    """The database cannot be used: unreadable, or written by an incompatible emulator version."""


def dumps(value: Any) -> str:
    """JSON for a column: compact, keys in insertion order (the order a client sent them)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | None) -> Any:
    """The value of a JSON column (None for NULL)."""
    return None if text is None else json.loads(text)


def count_usage(conn: sqlite3.Connection, day: str, counter: str, limit: int | None) -> bool:
    """Inside an open transaction: count one use of ``counter`` on ``day`` unless ``limit`` uses were already
    counted; True if counted."""
    row = conn.execute("SELECT calls FROM usage WHERE day = ? AND counter = ?", (day, counter)).fetchone()
    calls = 0 if row is None else int(row["calls"])
    if limit is not None and calls >= limit:
        return False
    conn.execute(
        "INSERT INTO usage (day, counter, calls) VALUES (?, ?, 1) "
        "ON CONFLICT (day, counter) DO UPDATE SET calls = calls + 1",
        (day, counter),
    )
    return True


class Store:
    """The SQLite database of one emulator; every method is safe to call from any thread."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        target = ":memory:" if self.path is None else str(self.path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=30)
            self._conn.row_factory = sqlite3.Row
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the emulator database {target}: {exc}") from None
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise StoreError(
                f"{target} was written by emulator schema {version}, this emulator uses {SCHEMA_VERSION}; "
                "use another --db file"
            )

    # --- transactions -----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically: everything it writes is committed together or not at all."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    # --- metadata and counters ------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value of the meta table (schema version, seeded flag), or None."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def usage(self, day: str, counter: str) -> int:
        """How many calls ``counter`` counted on ``day``."""
        with self._lock:
            row = self._conn.execute(
                "SELECT calls FROM usage WHERE day = ? AND counter = ?", (day, counter)
            ).fetchone()
        return 0 if row is None else int(row["calls"])

    def count_usage(self, day: str, counter: str, limit: int | None) -> bool:
        """Count one call of ``counter`` on ``day`` unless ``limit`` calls were already counted; True if counted."""
        with self.transaction() as conn:
            return count_usage(conn, day, counter, limit)

    # --- whole-database operations --------------------------------------------------------------------

    def clear(self) -> None:
        """Delete every record (leads, objects, lists, activities, counters...) and the seeded flag."""
        with self.transaction() as conn:
            for table in DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM sqlite_sequence")
            conn.execute("DELETE FROM meta WHERE key = 'seeded'")

    def query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Run a read-only query outside any call (for state inspection)."""
        with self._lock:
            return list(self._conn.execute(sql, parameters).fetchall())

    def close(self) -> None:
        """Close the connection (the data stays in the file)."""
        with self._lock:
            self._conn.close()
