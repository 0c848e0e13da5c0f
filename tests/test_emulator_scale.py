"""The emulator at scale: filtering and paging in SQL give what a plain scan of the records gives; readers do
not wait for a writer; a killed emulator leaves every call fully applied or absent; the bulk seed path."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests
from emulator_support import call, request_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktows.cli import main as mktows_main
from mktows.emulator import Emulator
from mktows.emulator.config import CustomObjectType, EmulatorConfig
from mktows.emulator.failures import ServiceFault
from mktows.emulator.loading import LoadError, load_custom_objects
from mktows.emulator.model import activities, leads, lists, mobjects
from mktows.emulator.model import custom_objects as records
from mktows.emulator.model.activities import ActivityQuery
from mktows.emulator.store import SCHEMA_VERSION, Store
from mktows.emulator.upkeep import bring_up_to_date
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    ArrayOfString,
    Attribute,
    CustomObj,
    LeadKey,
    LeadKeyRef,
    LeadRecord,
    ParamsGetCustomObjects,
    ParamsGetLead,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)

REPO = Path(__file__).resolve().parents[1]
ROADSHOW = CustomObjectType(
    name="RoadShow",
    dedupe_fields=("MKTOID", "rid"),
    fields={"MKTOID": "integer", "rid": "string", "city": "string", "zip": "string", "state": "string"},
)
CONFIG = EmulatorConfig.default()


def _prepared(path: Path | None = None, config: EmulatorConfig = CONFIG) -> Store:
    """A store with its derived data up to date for ``config``, as the emulator opens one."""
    store = Store(path)
    bring_up_to_date(store, config)
    return store


def _database_with_one_object(db: Path, attributes: dict[str, str]) -> None:
    """A database file holding one RoadShow object keyed (5, "a")."""
    store = _prepared(db)
    with store.transaction() as conn:
        records.insert(conn, ROADSHOW, {"MKTOID": "5", "rid": "a"}, attributes, 1)
    store.close()


# --- SQL paging against a plain scan -------------------------------------------------------------------------

_ids = st.sampled_from(["1", "01", " 2", "2", "3", "-3"])
_text = st.sampled_from(["", " ", "a", "A", "a ", "b", "Paris"])
_record = st.fixed_dictionaries(
    {"MKTOID": _ids, "rid": st.sampled_from(["r1", "r2", " r1"])},
    optional={"city": _text, "zip": _text, "state": _text},
)
_criteria = st.dictionaries(st.sampled_from(list(ROADSHOW.fields)), st.one_of(_ids, _text), max_size=3)


def _plain(stored: list[records.Record], criteria: Mapping[str, str]) -> list[int]:
    """The seqs a scan of every record in Python selects (how getCustomObjects filtered before)."""
    chosen = []
    for record in stored:
        values = {**record.attributes, **record.keys}
        if all(
            records.normalize(ROADSHOW, name, values.get(name, ""))
            == records.normalize(ROADSHOW, name, wanted)
            for name, wanted in criteria.items()
        ):
            chosen.append(record.seq)
    return chosen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_record, max_size=25),
    st.lists(st.tuples(st.integers(0, 24), st.sampled_from(["update", "delete"]), _record), max_size=10),
    _criteria,
    st.integers(0, 30),
    st.integers(0, 5),
    st.integers(1, 7),
)
def test_sql_filtering_and_paging_equal_a_plain_scan(
    created: list[dict[str, str]],
    changes: list[tuple[int, str, dict[str, str]]],
    criteria: dict[str, str],
    after: int,
    offset: int,
    limit: int,
) -> None:
    store = _prepared()
    with store.transaction() as conn:
        for fields in created:
            keys = {name: fields[name] for name in ROADSHOW.dedupe_fields}
            if records.get(conn, ROADSHOW, keys) is None:
                attributes = {k: v for k, v in fields.items() if k not in keys}
                records.insert(conn, ROADSHOW, keys, attributes, 1)
        for position, action, fields in changes:
            stored = [
                records._record(row) for row in conn.execute("SELECT * FROM custom_objects ORDER BY seq")
            ]
            if not stored:
                break
            target = stored[position % len(stored)]
            if action == "delete":
                records.delete(conn, ROADSHOW, target)
            else:
                attributes = {k: v for k, v in fields.items() if k not in ROADSHOW.dedupe_fields}
                records.update(conn, ROADSHOW, target, attributes, 2)
    with store.read() as conn:
        stored = [records._record(row) for row in conn.execute("SELECT * FROM custom_objects ORDER BY seq")]
        expected = [seq for seq in _plain(stored, criteria) if seq > after][offset:]
        page, remaining = records.select(conn, ROADSHOW, criteria, after, offset, limit)
    assert [record.seq for record in page] == expected[:limit]
    assert remaining == max(0, len(expected) - limit)
    store.close()


def get_lead_records(emulator: Emulator, key_type: str, value: str) -> list[LeadRecord]:
    params = ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef(key_type), key_value=value))
    return list(call(emulator, "getLead", params).lead_record_list.lead_record)


# --- concurrency ---------------------------------------------------------------------------------------------


def test_a_reader_finishes_while_a_writer_holds_its_transaction(tmp_path: Path) -> None:
    store = _prepared(tmp_path / "state.sqlite3")
    writer_open, reader_done = threading.Event(), threading.Event()
    seen: list[int] = []

    def write() -> None:
        with store.transaction() as conn:
            records.insert(conn, ROADSHOW, {"MKTOID": "1", "rid": "a"}, {}, 1)
            writer_open.set()
            # the write stays uncommitted until the reader is done (or the bound passes)
            reader_done.wait(20)

    writer = threading.Thread(target=write)
    writer.start()
    assert writer_open.wait(20)
    with store.read() as conn:
        seen.append(records.count(conn, ROADSHOW))
    reader_done.set()
    writer.join(20)
    assert seen == [0]  # read the snapshot before the write, without waiting for the writer to end
    with store.read() as conn:
        assert records.count(conn, ROADSHOW) == 1
    store.close()


def test_a_read_transaction_refuses_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    with pytest.raises(sqlite3.OperationalError, match="readonly"), store.read() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    store.set_meta("x", "z")  # the connection writes again once the read is over
    assert store.meta("x") == "z"
    store.close()


# --- the bulk seed path --------------------------------------------------------------------------------------


def _roadshow(count: int, start: int = 0) -> Iterator[dict[str, str]]:
    for i in range(start, start + count):
        yield {"MKTOID": str(1000 + i // 10), "rid": f"r{i % 10}", "city": f"c{i % 3}", "state": "CA"}


def _objects_of(emulator: Emulator, *criteria: tuple[str, str], batch: int = 100) -> list[tuple[str, ...]]:
    result = call(
        emulator,
        "getCustomObjects",
        ParamsGetCustomObjects(
            obj_type_name="RoadShow",
            batch_size=batch,
            include_attributes=ArrayOfString(),
            custom_obj_key_list=ArrayOfAttribute(
                attribute=[Attribute(attr_name=n, attr_value=v) for n, v in criteria]
            )
            if criteria
            else None,
        ),
    )
    found = result.custom_obj_list.custom_obj if result.custom_obj_list else []
    return [
        tuple(
            a.attr_value for a in [*o.custom_obj_key_list.attribute, *o.custom_obj_attribute_list.attribute]
        )
        for o in found
    ]


def test_loaded_objects_are_served_and_found_by_any_field(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    store = Store(db)
    assert load_custom_objects(store, CONFIG, "RoadShow", _roadshow(300)) == 300
    store.close()
    with Emulator(db_path=db) as emulator:
        assert _objects_of(emulator, ("MKTOID", "01005")) == [
            ("1005", f"r{i}", f"c{(50 + i) % 3}", "CA") for i in range(10)
        ]
        assert len(_objects_of(emulator, ("city", "c1"), ("state", "CA"))) == 100


def _count(store: Store, table: str) -> int:
    return int(store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def test_a_bad_or_repeated_object_loads_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    bad = [*_roadshow(20), {"MKTOID": "x1", "rid": "a"}]
    with pytest.raises(LoadError, match="object 21: field 'MKTOID'"):
        load_custom_objects(store, CONFIG, "RoadShow", bad)
    documented = _count(store, "custom_objects")  # the seed data a new database starts with
    with pytest.raises(LoadError, match="object 3: unknown field 'colour'"):
        load_custom_objects(
            store, CONFIG, "RoadShow", [*_roadshow(2), {"MKTOID": "9", "rid": "b", "colour": "red"}]
        )
    with pytest.raises(LoadError, match=r"object 12: key \[\"1000\",\"r1\"\] is given twice"):
        load_custom_objects(store, CONFIG, "RoadShow", [*_roadshow(11), {"MKTOID": "01000", "rid": "r1"}])
    assert _count(store, "custom_objects") == documented
    assert load_custom_objects(store, CONFIG, "RoadShow", _roadshow(5)) == 5
    with pytest.raises(LoadError, match="already stored"):
        load_custom_objects(store, CONFIG, "RoadShow", _roadshow(3, start=4))
    assert _count(store, "custom_objects") == documented + 5
    indexed = store.query(
        "SELECT COUNT(*) AS n FROM field_values WHERE slot IN (SELECT slot FROM index_slots WHERE kind = ?)",
        (records.kind(ROADSHOW),),
    )
    assert indexed[0]["n"] == (documented + 5) * len(ROADSHOW.fields)
    store.close()


def test_the_seed_command_loads_csv_and_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "state.sqlite3"
    (tmp_path / "a.csv").write_text("MKTOID,rid,city\n7,a,Paris\n8,b,\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"MKTOID": 9, "rid": "c", "zip": "94404"}\n\n', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"MKTOID": 10, "rid": "d"}\n[1]\n', encoding="utf-8")
    argv = ["emulator", "seed", "--db", str(db), "--type", "RoadShow"]
    assert mktows_main([*argv, str(tmp_path / "a.csv")]) == 0
    assert mktows_main([*argv, str(tmp_path / "b.jsonl")]) == 0
    assert mktows_main([*argv, str(tmp_path / "c.jsonl")]) == 1
    assert "line 2: not a JSON object" in capsys.readouterr().err
    with Emulator(db_path=db) as emulator:
        assert _objects_of(emulator, ("MKTOID", "7")) == [("7", "a", "Paris")]
        assert _objects_of(emulator, ("city", ""))[-2:] == [("8", "b"), ("9", "c", "94404")]
        assert _objects_of(emulator, ("MKTOID", "10")) == []


# --- kill -9 -------------------------------------------------------------------------------------------------

SHARED = 50  # objects every call updates
FRESH = 50  # objects every call creates


def _sync_params(call_number: int) -> ParamsSyncCustomObjects:
    objects = [(900_000 + k, "shared") for k in range(SHARED)]
    objects += [(100_000 + call_number, f"new{k}") for k in range(FRESH)]
    return ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        operation=SyncOperationEnum.UPSERT,
        custom_obj_list=ArrayOfCustomObj(
            custom_obj=[
                CustomObj(
                    custom_obj_key_list=ArrayOfAttribute(
                        attribute=[
                            Attribute(attr_name="MKTOID", attr_value=str(mktoid)),
                            Attribute(attr_name="rid", attr_value=rid),
                        ]
                    ),
                    custom_obj_attribute_list=ArrayOfAttribute(
                        attribute=[Attribute(attr_name="city", attr_value=f"v{call_number}")]
                    ),
                )
                for mktoid, rid in objects
            ]
        ),
    )


def test_a_killed_emulator_leaves_each_call_whole_or_absent(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    command = [sys.executable, "-m", "mktows.emulator", "--port", "0", "--db", str(db), "--threads", "8"]
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=REPO,
    )
    acknowledged: list[int] = []
    stop = threading.Event()
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(r"serving (http://\S+/soap/mktows/2_6)", line)
        assert match, line
        endpoint = match.group(1)
        emulator = Emulator()  # credentials and request helpers only
        emulator.port = int(endpoint.split(":")[2].split("/")[0])

        def stream() -> None:
            session = requests.Session()
            for number in range(1, 10_000):
                if stop.is_set():
                    return
                try:
                    response = session.post(
                        endpoint,
                        data=request_bytes(emulator, "syncCustomObjects", _sync_params(number)),
                        timeout=10,
                    )
                except requests.RequestException:
                    return
                if response.status_code == 200:
                    acknowledged.append(number)

        writer = threading.Thread(target=stream)
        writer.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 15 and time.monotonic() < deadline and writer.is_alive():
            time.sleep(0.01)
        assert len(acknowledged) >= 15
        time.sleep(0.013)  # land the kill at an arbitrary point of the next calls
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stop.set()
        writer.join(20)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
            process.wait(10)
    last_acknowledged = acknowledged[-1]
    with Emulator(db_path=db) as reopened:
        shared = _objects_of(reopened, ("rid", "shared"))
        cities = {values[2] for values in shared}
        assert len(shared) == SHARED and len(cities) == 1  # every update of one call, none half-applied
        applied = int(cities.pop()[1:])
        assert applied >= last_acknowledged
        for number in range(1, applied + 1):  # every applied call created all of its objects
            assert len(_objects_of(reopened, ("MKTOID", str(100_000 + number)))) == FRESH
        assert _objects_of(reopened, ("MKTOID", str(100_000 + applied + 1))) == []
        # the field index agrees with the records: finding by the last value finds exactly that call's objects
        assert len(_objects_of(reopened, ("city", f"v{applied}"), batch=100)) == 100


# --- leads, activities, and databases written before the index -----------------------------------------------


def _lead_ids(conn: sqlite3.Connection, key_type: str, value: str) -> list[int]:
    return [lead.id for lead in leads.find(conn, key_type, value)]


def test_lead_keys_follow_creation_changes_merges_and_deletion() -> None:
    store = _prepared()
    with store.transaction() as conn:
        first = leads.create(
            conn,
            CONFIG,
            1,
            email="a@x.com",
            attributes={"SFDCLeadId": "00Q1", "LeadOwnerEmail": "Straße@X.com"},
        )
        second = leads.create(conn, CONFIG, 1, email="b@x.com", attributes={"SFDCContactId": "003B"})
        assert _lead_ids(conn, "SFDCLEADID", "00Q1") == [first.id]
        assert _lead_ids(conn, "SFDCLEADID", "00q1") == []  # SFDC ids are compared exactly
        assert _lead_ids(conn, "LEADOWNEREMAIL", "STRASSE@x.com") == [first.id]  # owner keys case-folded
        leads.update(conn, CONFIG, first, 2, {"SFDCLeadId": "00Q2"})
        assert _lead_ids(conn, "SFDCLEADID", "00Q1") == []
        assert _lead_ids(conn, "SFDCLEADID", "00Q2") == [first.id]
        leads.merge(
            conn, CONFIG, second, [first], 3
        )  # the winner takes the loser's values for its empty fields
        assert _lead_ids(conn, "SFDCLEADID", "00Q2") == [second.id]
        assert _lead_ids(conn, "LEADOWNEREMAIL", "strasse@x.com") == [second.id]
        leads.delete(conn, second.id)
        assert _lead_ids(conn, "SFDCCONTACTID", "003B") == []
        with pytest.raises(ServiceFault) as caught:
            leads.find(conn, "LEADOWNEREMAIL", "strasse@x.com")
        assert caught.value.code == 20108
    store.close()


def test_lead_changes_of_a_static_list_are_filtered_paged_and_counted_in_sql() -> None:
    store = _prepared()
    with store.transaction() as conn:
        members = [leads.create(conn, CONFIG, 10 + i, email=f"m{i}@x.com").id for i in range(3)]
        outsider = leads.create(conn, CONFIG, 20, email="o@x.com").id
        list_id = int(conn.execute("INSERT INTO lists (name) VALUES ('Scale list')").lastrowid or 0)
        for lead_id in members:
            lists.add(conn, list_id, lead_id, 30)
        for lead_id in [*members, outsider]:
            activities.record(conn, lead_id, "Visit Webpage", 40)
            activities.record(conn, lead_id, "Click Link", 41)
    with store.read() as conn:
        query = ActivityQuery(list_id=list_id, include=frozenset({activities.type_key("VisitWebpage")}))
        page, remaining = activities.select(conn, query, 2, newest_first=False)
        assert [(a.lead_id, a.type) for a in page] == [
            (members[0], "Visit Webpage"),
            (members[1], "Visit Webpage"),
        ]
        assert remaining == 1
        excluded = ActivityQuery(lead_ids=[outsider], exclude=frozenset({activities.type_key("New Lead")}))
        page, remaining = activities.select(conn, excluded, 10, newest_first=True)
        assert [a.type for a in page] == ["Click Link", "Visit Webpage"] and remaining == 0
    store.close()


def test_a_database_written_before_the_index_is_brought_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    _database_with_one_object(db, {"city": "Lyon"})
    store = Store(db)
    with store.transaction() as conn:
        lead = leads.create(conn, CONFIG, 1, email="old@x.com", attributes={"SFDCLeadId": "00QOLD"})
    store.close()
    raw = sqlite3.connect(db)  # back to what the first schema held: no index, no type keys
    raw.executescript(
        "DELETE FROM field_values; DELETE FROM meta WHERE key LIKE 'index:%';"
        "ALTER TABLE activities DROP COLUMN type_key; UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    raw.close()
    with Emulator(db_path=db) as emulator:
        assert _objects_of(emulator, ("city", "Lyon")) == [("5", "a", "Lyon")]
        assert [r.id for r in get_lead_records(emulator, "SFDCLEADID", "00QOLD")] == [lead.id]
        state = emulator.state
        assert [a["type"] for a in state.activities(lead.id)] == ["New Lead"]
    store = Store(db)
    with store.read() as conn:
        page, _ = activities.select(
            conn, ActivityQuery(include=frozenset({"newlead"})), 10, newest_first=False
        )
        assert lead.id in [a.lead_id for a in page]
        assert store.meta("schema_version") == SCHEMA_VERSION
    store.close()


def test_a_changed_field_type_rebuilds_that_types_index(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    _database_with_one_object(db, {"zip": "007"})
    zip_as_number = EmulatorConfig.from_mapping(
        {
            "custom_object_types": [
                {
                    "name": "RoadShow",
                    "dedupe_fields": ["MKTOID", "rid"],
                    "fields": {**ROADSHOW.fields, "zip": "integer"},
                }
            ]
        }
    )
    store = _prepared(db, zip_as_number)
    with store.read() as conn:
        co_type = zip_as_number.custom_object_type("RoadShow")
        assert co_type is not None
        page, _ = records.select(conn, co_type, {"zip": "7"}, 0, 0, 10)  # compared as numbers now
        assert [r.keys for r in page] == [{"MKTOID": "5", "rid": "a"}]
    store.close()


def test_mobject_external_keys_follow_inserts_saves_and_deletes() -> None:
    store = _prepared()
    with store.transaction() as conn:
        older = mobjects.insert(conn, mobjects.OPPORTUNITY, {"externalOpptyId": "X1", "Name": "a"}, {}, 1)
        newer = mobjects.insert(conn, mobjects.OPPORTUNITY, {"externalOpptyId": "X1", "Name": "b"}, {}, 2)
        found = mobjects.by_attribute(conn, mobjects.OPPORTUNITY, "externalOpptyId", "X1")
        assert found is not None and found.id == newer.id  # the most recently added one, as documented
        newer.attributes["externalOpptyId"] = "X2"
        mobjects.save(conn, newer, 3)
        found = mobjects.by_attribute(conn, mobjects.OPPORTUNITY, "externalOpptyId", "X1")
        assert found is not None and found.id == older.id
        by_key = mobjects.all_of(conn, mobjects.OPPORTUNITY, attribute=("externalOpptyId", "X2"))
        assert [o.id for o in by_key] == [newer.id]
        mobjects.delete(conn, mobjects.OPPORTUNITY, older.id)
        assert mobjects.by_attribute(conn, mobjects.OPPORTUNITY, "externalOpptyId", "X1") is None
        assert list(mobjects.all_of(conn, mobjects.OPPORTUNITY, attribute=("colour", "red"))) == []
    store.close()
