"""Loading many custom objects straight into an emulator database, before it serves: what a test of a big data
set needs, at SQLite speed rather than 100 objects per SOAP call (a million RoadShow objects take about a
minute, see the emulator benchmark).

Each object is a flat mapping of field name to value (dedupe keys and attributes together), checked as
syncCustomObjects checks them. The load is one transaction: a bad object, or a key already stored or given
twice, stops it with a ``LoadError`` naming the object, and nothing of it is kept.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mktows.emulator.config import CustomObjectType, EmulatorConfig
from mktows.emulator.model import custom_objects, field_index
from mktows.emulator.model.values import value_error
from mktows.emulator.seed import seed
from mktows.emulator.store import Store, dumps
from mktows.emulator.timeutil import to_us
from mktows.emulator.upkeep import bring_up_to_date

CHUNK = 5_000  # objects written per executemany
LOAD_CACHE_KIB = 512 * 1024  # page cache while loading


class LoadError(ValueError):
    """An object that cannot be loaded; ``number`` is its 1-based position (``unit`` "object"), or the line
    of a file that cannot be read (``unit`` "line")."""

    def __init__(self, number: int, message: str, unit: str = "object") -> None:
        super().__init__(f"{unit} {number}: {message}")
        self.number = number


def _split(
    co_type: CustomObjectType, number: int, obj: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    keys: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for name, value in obj.items():
        data_type = co_type.fields.get(name)
        if data_type is None:
            raise LoadError(number, f"unknown field {name!r} for custom object type {co_type.name}")
        problem = value_error(data_type, value)
        if problem:
            raise LoadError(number, f"field {name!r}: {problem}")
        if name in co_type.dedupe_fields:
            if not value.strip():
                raise LoadError(number, f"key field {name!r} has no value")
            keys[name] = custom_objects.normalize(co_type, name, value)
        elif value != "":  # an empty value is an absent field, as in syncCustomObjects
            attributes[name] = value
    missing = [name for name in co_type.dedupe_fields if name not in keys]
    if missing:
        raise LoadError(number, f"lacks the dedupe field(s) {', '.join(missing)}")
    return {name: keys[name] for name in co_type.dedupe_fields}, attributes


def _write(
    conn: sqlite3.Connection, rows: list[tuple[object, ...]], index_rows: list[tuple[int, str, int]]
) -> str | None:
    """Write one chunk; the stored key that is already taken, if any."""
    try:
        conn.executemany(
            "INSERT INTO custom_objects (seq, type, key, keys, attributes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    except sqlite3.IntegrityError:
        for row in rows:  # the rows before the refused one went in: find the one stored under another seq
            taken = conn.execute(
                "SELECT seq FROM custom_objects WHERE type = ? AND key = ?", (row[1], row[2])
            ).fetchone()
            if taken is not None and taken["seq"] != row[0]:
                return str(row[2])
        raise
    field_index.add(conn, index_rows)
    return None


def load_custom_objects(
    store: Store,
    config: EmulatorConfig,
    type_name: str,
    objects: Iterable[Mapping[str, str]],
    now: datetime | None = None,
) -> int:
    """Store new custom objects of one type in one transaction and return how many; LoadError (nothing
    stored) for a bad object or a key that is already taken."""
    co_type = config.custom_object_type(type_name)
    if co_type is None:
        raise ValueError(f"no custom object type {type_name!r}")
    now_us = to_us(now or datetime.now(UTC))
    bring_up_to_date(store, config)
    seed(store, config, now_us)  # the documented data first, as a new emulator would: a clash is reported
    kind = custom_objects.kind(co_type)
    count = 0
    with store.transaction() as conn, _big_cache(conn):
        slot_of = field_index.slots(conn, kind, co_type.fields)
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'custom_objects'").fetchone()
        seq = 0 if row is None else int(row["seq"])
        positions: dict[str, int] = {}  # stored key -> object number, for the current chunk
        rows: list[tuple[object, ...]] = []
        index_rows: list[tuple[int, str, int]] = []
        for count, obj in enumerate(objects, start=1):
            keys, attributes = _split(co_type, count, obj)
            key = dumps(list(keys.values()))
            if key in positions:
                raise LoadError(count, f"key {key} is given twice (first in object {positions[key]})")
            positions[key] = count
            seq += 1
            rows.append((seq, co_type.name, key, dumps(keys), dumps(attributes), now_us, now_us))
            values = custom_objects.indexed_values(co_type, keys, attributes)
            index_rows += field_index.rows(slot_of, seq, values)
            if len(rows) >= CHUNK:
                _flush(conn, rows, index_rows, positions)
        _flush(conn, rows, index_rows, positions)
    return count


@contextmanager
def _big_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A page cache big enough to hold the indexes being filled, for the load only: pages spilled to the WAL
    in the middle of the transaction would be written again and again."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={int(before)}")


def _flush(
    conn: sqlite3.Connection,
    rows: list[tuple[object, ...]],
    index_rows: list[tuple[int, str, int]],
    positions: dict[str, int],
) -> None:
    if not rows:
        return
    taken = _write(conn, rows, index_rows)
    if taken is not None:
        raise LoadError(positions[taken], f"key {taken} is already stored (or given earlier in this load)")
    rows.clear()
    index_rows.clear()
    positions.clear()


def read_objects(path: Path) -> Iterator[dict[str, str]]:
    """The objects of a CSV file (a header row of field names) or a JSONL file (one JSON object per line),
    streamed; LoadError names the line of a malformed one. A CSV cell left empty is an absent field."""
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8", newline="") as handle:
        if suffix == ".csv":
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                return
            for values in reader:
                if len(values) != len(header):
                    raise LoadError(reader.line_num, f"{len(values)} cells for {len(header)} columns", "line")
                yield {name: value for name, value in zip(header, values, strict=True) if value != ""}
        elif suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise LoadError(number, f"not JSON: {exc}", "line") from None
                if not isinstance(obj, dict):
                    raise LoadError(number, "not a JSON object", "line")
                yield {str(name): _text(value) for name, value in obj.items() if value is not None}
        else:
            raise ValueError(f"{path}: cannot tell the format from the name; use .csv or .jsonl")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
