"""The emulator's state in SQLite: schema, transactions, reset, and the call counters of the quota.

Each SOAP call runs its whole handler inside one transaction, so a call sees a consistent snapshot and leaves
every change it made or none (a killed process included). With a file path the database is in WAL mode and
every thread has its own connection: calls that only read (``read()``, a deferred transaction with writes
refused) run side by side and never wait for a writer; calls that write (``transaction()``, ``BEGIN
IMMEDIATE``) take turns. ``path=None`` keeps the state in memory on one connection shared under a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "2"
MMAP_BYTES = 1 << 30  # address space, not memory: what the OS keeps of the file is shared
CHECKPOINT_INTERVAL = 0.5  # seconds between two checkpoints of the WAL into the database file
# Older schemas this emulator upgrades in place when it opens their file.
_UPGRADES = {"1": ("ALTER TABLE activities ADD COLUMN type_key TEXT",)}

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
CREATE INDEX IF NOT EXISTS custom_objects_type ON custom_objects (type);
CREATE TABLE IF NOT EXISTS index_slots (
    slot INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    UNIQUE (kind, field)
);
CREATE TABLE IF NOT EXISTS field_values (
    slot INTEGER NOT NULL,
    value TEXT NOT NULL,
    owner INTEGER NOT NULL,
    PRIMARY KEY (slot, value, owner)
) WITHOUT ROWID;
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
    campaign TEXT,
    type_key TEXT
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
    "field_values",
    "mobjects",
    "campaigns",
    "campaign_runs",
    "activities",
    "imports",
    "usage",
)


class _Connection(sqlite3.Connection):
    """A connection of the store (a subclass, so that modules can keep per-connection caches by weak key)."""


class StoreError(RuntimeError):
    """The database cannot be used: unreadable, or written by an incompatible emulator version."""


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """JSON for a column: compact, keys in insertion order (the order a client sent them)."""
    return _ENCODER.encode(value)


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
        self._target = ":memory:" if self.path is None else str(self.path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._registry = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        # in memory there is one database per connection: one connection, shared under this lock
        self._shared_lock = threading.RLock() if self.path is None else None
        self._shared: sqlite3.Connection | None = None
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        try:
            conn = self._connection()
            if self.path is not None:
                conn.execute("PRAGMA journal_mode=WAL")
            with self.transaction() as conn:
                self._prepare_schema(conn)
            if self.path is not None:
                self._checkpointer = threading.Thread(
                    target=self._checkpoint,
                    args=(self._open(),),
                    name="mktows-emulator-checkpoint",
                    daemon=True,
                )
                self._checkpointer.start()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"cannot open the emulator database {self._target}: {exc}") from None
        except StoreError:
            self.close()
            raise

    def _prepare_schema(self, conn: sqlite3.Connection) -> None:
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is not None
        version = None
        if has_meta:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = None if row is None else str(row["value"])
        if version is not None and version != SCHEMA_VERSION:
            if version not in _UPGRADES:
                raise StoreError(
                    f"{self._target} was written by emulator schema {version}, this emulator uses "
                    f"{SCHEMA_VERSION}; use another --db file"
                )
            for statement in _UPGRADES[version]:
                conn.execute(statement)
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )

    # --- connections and transactions ---------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._target,
            check_same_thread=False,
            isolation_level=None,
            timeout=30,
            cached_statements=256,
            factory=_Connection,
        )
        conn.row_factory = sqlite3.Row
        if self.path is not None:
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses no committed call, only power loss
            # the file is mapped (pages shared by every connection through the OS); a small private cache each
            conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            conn.execute("PRAGMA cache_size=-8192")  # 8 MB
            conn.execute("PRAGMA temp_store=MEMORY")
            # checkpoints are the checkpointer thread's job, off the calls' path
            conn.execute("PRAGMA wal_autocheckpoint=0")
        with self._registry:
            if self._closed:
                conn.close()
                raise StoreError(f"the emulator database {self._target} is closed")
            self._connections.append(conn)
        return conn

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        """Copy committed pages from the WAL into the database file now and then, so that no call pays for it
        (an automatic checkpoint would run, and sync the file, inside whichever commit crossed the mark)."""
        while not self._stop.wait(CHECKPOINT_INTERVAL):
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:  # busy or closing: the next round tries again
                continue

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (the shared one in memory), opened on first use."""
        if self.path is None:
            if self._shared is None:
                self._shared = self._open()
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    @contextmanager
    def _serialized(self) -> Iterator[None]:
        if self._shared_lock is None:
            yield
        else:
            with self._shared_lock:
                yield

    @contextmanager
    def _begin(self, statement: str, read_only: bool) -> Iterator[sqlite3.Connection]:
        with self._serialized():
            conn = self._connection()
            if conn.in_transaction:  # a nested block joins the transaction already open on this thread
                yield conn
                return
            conn.execute(statement)
            if read_only:
                conn.execute("PRAGMA query_only=1")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                if read_only:
                    conn.execute("PRAGMA query_only=0")

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """Run a block that writes atomically: everything it writes is committed together or not at all.
        Writers take turns (``BEGIN IMMEDIATE``); readers are not held up by them."""
        return self._begin("BEGIN IMMEDIATE", read_only=False)

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """Run a block that only reads, on one consistent snapshot, alongside other readers and a writer;
        a write inside it is refused (``attempt to write a readonly database``)."""
        return self._begin("BEGIN", read_only=True)

    # --- metadata and counters ------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value of the meta table (schema version, seeded flag), or None."""
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def usage(self, day: str, counter: str) -> int:
        """How many calls ``counter`` counted on ``day``."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT calls FROM usage WHERE day = ? AND counter = ?", (day, counter)
            ).fetchone()
        return 0 if row is None else int(row["calls"])

    def count_usage(self, day: str, counter: str, limit: int | None) -> bool:
        """Count one call of ``counter`` on ``day`` unless ``limit`` calls were already counted; True if counted."""
        with self.transaction() as conn:
            return count_usage(conn, day, counter, limit)

    def uncount_usage(self, day: str, counter: str) -> None:
        """Take back one counted call of ``counter`` on ``day`` (a call the service does not count after all)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE usage SET calls = calls - 1 WHERE day = ? AND counter = ? AND calls > 0",
                (day, counter),
            )

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
        with self.read() as conn:
            return list(conn.execute(sql, parameters).fetchall())

    def close(self) -> None:
        """Close every connection (the data stays in the file). Idempotent."""
        self._stop.set()
        if self._checkpointer is not None and self._checkpointer is not threading.current_thread():
            self._checkpointer.join()
        with self._registry:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
