"""Input files, report files and checkpoints of the bulk command (no network)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from mktows.cli.checkpoint import Bounds, Checkpoint, CheckpointError, Progress, RunIdentity
from mktows.cli.records import InputFileError, RecordReader, detect_format, validate
from mktows.cli.report_file import ReportFile
from mktows.cli.tally import Tally
from mktows.reports import ObjectResult, ObjectStatus

KEYS = ["MKTOID", "rid"]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_csv_records_stream_with_line_numbers_and_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", 'MKTOID,rid,city,zip\n1,a,San Mateo,94404\n\n2,b,"Paris\nCedex",\n')
    records = list(RecordReader(path, "csv", KEYS))
    assert [r.line for r in records] == [2, 4]
    assert dict(records[0].obj.keys) == {"MKTOID": "1", "rid": "a"}
    assert dict(records[0].obj.attributes) == {"city": "San Mateo", "zip": "94404"}
    assert dict(records[1].obj.attributes) == {"city": "Paris\nCedex"}  # empty cells are not sent


def test_jsonl_accepts_flat_and_keys_attributes_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "in.jsonl",
        '{"MKTOID": 1, "rid": "a", "city": "X", "state": null}\n'
        "\n"
        '{"keys": {"MKTOID": "2", "rid": "b"}, "attributes": {"zip": 94404}}\n',
    )
    records = list(RecordReader(path, "jsonl", KEYS))
    assert [(r.line, dict(r.obj.keys), dict(r.obj.attributes)) for r in records] == [
        (1, {"MKTOID": "1", "rid": "a"}, {"city": "X"}),
        (3, {"MKTOID": "2", "rid": "b"}, {"zip": "94404"}),
    ]


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("missing-key.csv", "MKTOID,city\n1,x\n", 1, "lacks the key column(s) rid"),
        ("ragged.csv", "MKTOID,rid,city\n1,a,x\n2,b\n", 3, "row has 2 fields, the header has 3"),
        ("empty-key.csv", "MKTOID,rid,city\n1,,x\n", 2, "key field 'rid' is empty"),
        ("control.csv", "MKTOID,rid,city\n1,a,x\x01y\n", 2, "U+0001, which XML cannot carry"),
        ("dup-header.csv", "MKTOID,rid,rid\n", 1, "empty or repeated field name"),
        ("bad.jsonl", '{"MKTOID": 1, "rid": "a"}\n{"MKTOID": 2,\n', 2, "invalid JSON"),
        ("array.jsonl", "[1, 2]\n", 1, "expected a JSON object"),
        ("nested.jsonl", '{"MKTOID": 1, "rid": "a", "city": {"x": 1}}\n', 1, "must be a string or a number"),
        ("nokey.jsonl", '{"MKTOID": 1}\n', 1, "missing key field(s) rid"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, name: str, content: str, line: int, message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputFileError) as caught:
        validate(path, detect_format(path, None), KEYS)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}:")


def test_bad_encoding_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.csv", b"MKTOID,rid,city\n1,a,ok\n2,b,M\xfcnchen\n")
    with pytest.raises(InputFileError, match=r":3: not valid UTF-8"):
        validate(path, "csv", KEYS)


def test_format_comes_from_the_name_or_flag(tmp_path: Path) -> None:
    assert detect_format(Path("a.CSV"), None) == "csv"
    assert detect_format(Path("a.ndjson"), None) == "jsonl"
    assert detect_format(Path("a.txt"), "jsonl") == "jsonl"
    with pytest.raises(InputFileError, match="--format"):
        detect_format(Path("a.txt"), None)


def test_csv_without_keys_option_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", "MKTOID,rid\n1,a\n")
    with pytest.raises(InputFileError, match="needs --keys"):
        validate(path, "csv", [])


def test_report_file_resumes_at_a_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    report = ReportFile(path, KEYS)
    report.open(None)
    report.write(2, ObjectResult(0, {"MKTOID": "1", "rid": "a"}, ObjectStatus.CREATED))
    size = report.sync()
    report.write(3, ObjectResult(1, {"MKTOID": "2", "rid": "b"}, ObjectStatus.FAILED, "unknown field, bogus"))
    report.close()
    again = ReportFile(path, KEYS)
    again.open(size)
    again.write(3, ObjectResult(1, {"MKTOID": "2", "rid": "b"}, ObjectStatus.UPDATED))
    again.close()
    assert path.read_text(encoding="utf-8").splitlines() == [
        "line,MKTOID,rid,status,error,repeated",
        "2,1,a,CREATED,,",
        "3,2,b,UPDATED,,",
    ]


def test_jsonl_report_rows(tmp_path: Path) -> None:
    path = tmp_path / "report.jsonl"
    report = ReportFile(path, [])
    report.open(None)
    report.write(7, ObjectResult(0, {"k": "v"}, ObjectStatus.FAILED, "bad"))
    report.close()
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "line": 7,
        "keys": {"k": "v"},
        "status": "FAILED",
        "error": "bad",
        "repeated": False,
    }


def identity_of(source: Path, operation: str = "UPSERT", report: Path | None = None) -> RunIdentity:
    return RunIdentity.of(source, validate(source, "csv", KEYS), "RoadShow", operation, KEYS, report)


BOUNDS = Bounds(records=3, report_header_bytes=10)


def test_checkpoint_round_trip_and_refuses_another_run(tmp_path: Path) -> None:
    source = write(tmp_path, "in.csv", "MKTOID,rid\n1,a\n2,b\n3,c\n")
    identity = identity_of(source, report=tmp_path / "r.csv")
    checkpoint = Checkpoint(tmp_path / "cp.json", identity)
    assert checkpoint.load(BOUNDS) is None
    tally = Tally()
    tally.add(2, ObjectResult(0, {"MKTOID": "1", "rid": "a"}, ObjectStatus.CREATED))
    tally.add(3, ObjectResult(1, {"MKTOID": "2", "rid": "b"}, ObjectStatus.FAILED, "unknown field bogus"))
    checkpoint.save(Progress(records_done=2, report_bytes=40, tally=tally))
    loaded = checkpoint.load(BOUNDS)
    assert loaded is not None and (loaded.records_done, loaded.report_bytes) == (2, 40)
    assert loaded.tally == tally
    other = Checkpoint(tmp_path / "cp.json", identity_of(source, "INSERT", tmp_path / "r.csv"))
    with pytest.raises(CheckpointError, match="different operation"):
        other.load(BOUNDS)
    (tmp_path / "cp.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CheckpointError, match="unreadable"):
        checkpoint.load(BOUNDS)


def test_a_checkpoint_keeps_the_protocol_of_the_run_that_saved_it(tmp_path: Path) -> None:
    """A run resumed over the other protocol is told so; checkpoints from before REST runs are SOAP's."""
    source = write(tmp_path, "in.csv", "MKTOID,rid\n1,a\n2,b\n3,c\n")
    checkpoint = Checkpoint(tmp_path / "cp.json", identity_of(source))
    checkpoint.save(Progress(0, 0, protocol="rest"))
    bounds = Bounds(records=3, report_header_bytes=None)
    loaded = checkpoint.load(bounds)
    assert loaded is not None and loaded.protocol == "rest"
    data = json.loads(checkpoint.path.read_text(encoding="utf-8"))
    del data["protocol"]
    checkpoint.path.write_text(json.dumps(data), encoding="utf-8")
    older = checkpoint.load(bounds)
    assert older is not None and older.protocol == "soap"


def test_the_whole_input_names_the_run(tmp_path: Path) -> None:
    head = "MKTOID,rid,city\n" + "".join(f"{i},r{i},{'x' * 100}\n" for i in range(12_000))  # past 1 MiB
    source = write(tmp_path, "in.csv", head + "99999,last,Paris\n")
    before = identity_of(source)
    assert before.input_size == source.stat().st_size > 1 << 20
    source.write_text(head + "99999,last,Lyon!\n", encoding="utf-8")  # same size, last line changed
    after = identity_of(source)
    assert after.input_size == before.input_size and after.input_sha256 != before.input_sha256
    checkpoint = Checkpoint(tmp_path / "cp.json", before)
    checkpoint.save(Progress(0, 0))
    with pytest.raises(CheckpointError, match="different input_sha256"):
        Checkpoint(tmp_path / "cp.json", after).load(Bounds(12_001, None))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"records_done": -100}, "records_done -100 is out of range"),
        ({"records_done": 4}, "records_done 4 is out of range"),
        ({"records_done": "1"}, "records_done is missing or not a whole number"),
        ({"records_done": True}, "records_done is missing or not a whole number"),
        ({"report_bytes": 0}, "report_bytes 0 is out of range"),
        ({"report_bytes": 10}, "report_bytes 10 is out of range"),  # rows reported, but only a header
        ({"report_bytes": None}, "report_bytes is missing"),
        ({"tally": []}, "the counts are not an object"),
        ({"tally": {"counts": {"CREATED": 1}, "reasons": {}, "failed_rows": []}}, "add up to 1, not"),
        ({"tally": {"counts": {"DONE": 2}, "reasons": {}, "failed_rows": []}}, "unknown status 'DONE'"),
        ({"tally": {"counts": {"FAILED": 2}, "reasons": {}, "failed_rows": []}}, "reasons do not add up"),
        ({"tally": {"counts": {"CREATED": -2}, "reasons": {}, "failed_rows": []}}, "not a count"),
        ({"run": []}, "belongs to another run"),
        ({"protocol": "smtp"}, "protocol 'smtp' is neither soap nor rest"),
    ],
)
def test_a_damaged_checkpoint_is_refused_with_one_line(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    source = write(tmp_path, "in.csv", "MKTOID,rid\n1,a\n2,b\n3,c\n")
    checkpoint = Checkpoint(tmp_path / "cp.json", identity_of(source, report=tmp_path / "r.csv"))
    tally = Tally()
    for n in range(2):
        tally.add(n + 2, ObjectResult(n, {"MKTOID": str(n)}, ObjectStatus.CREATED))
    checkpoint.save(Progress(2, 40, tally))
    data = json.loads(checkpoint.path.read_text(encoding="utf-8"))
    data.update(change)
    checkpoint.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckpointError, match=re.escape(message)) as caught:
        checkpoint.load(BOUNDS)
    assert "\n" not in str(caught.value)


def test_a_checkpoint_in_use_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "in.csv", "MKTOID,rid\n1,a\n")
    checkpoint = Checkpoint(tmp_path / "cp.json", identity_of(source))
    second = Checkpoint(tmp_path / "cp.json", identity_of(source))
    in_use = rf"in use by another run \(process {os.getpid()}\)"
    with checkpoint.locked(), pytest.raises(CheckpointError, match=in_use), second.locked():
        pass
    with checkpoint.locked():  # released: usable again
        pass
    assert not checkpoint.lock_path.exists()
