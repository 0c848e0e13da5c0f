"""`mktows sync-custom-objects` left alone: processes against an emulator with Marketo's real default limits
(100 calls per 20 s, 10 in flight), killed with SIGKILL and resumed, sharing one API user, against dead
endpoints, full disks and damaged or busy checkpoints."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mktows.cli import main
from mktows.cli.checkpoint import Checkpoint
from mktows.cli.report_file import ReportFile
from mktows.pytest_plugin import EmulatorHandle

KEYS = "MKTOID,rid"
PROCESS_TIMEOUT = 300


def write_csv(path: Path, rows: int, prefix: str = "run") -> Path:
    lines = ["MKTOID,rid,city"] + [f"{800000 + i},{prefix}{i},City {i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: int, bogus: range = range(0)) -> Path:
    records = [
        {
            "MKTOID": str(800000 + i),
            "rid": f"run{i}",
            "city": f"City {i}",
            **({"bogus": "x"} if i in bogus else {}),
        }
        for i in range(rows)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def command(source: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "mktows.cli", "sync-custom-objects", "--type", "RoadShow", "--keys", KEYS,
            *options, str(source)]  # fmt: skip


def resumable(source: Path, report: Path, checkpoint: Path, batch_size: int, workers: int) -> list[str]:
    """The command of a run with a report and a checkpoint."""
    return command(
        source, "--batch-size", str(batch_size), "--workers", str(workers), "--report", str(report),
        "--checkpoint", str(checkpoint),
    )  # fmt: skip


def records_done(checkpoint: Path) -> int:
    try:
        return int(json.loads(checkpoint.read_text(encoding="utf-8")).get("records_done", 0))
    except (OSError, ValueError):
        return 0  # not written yet, or being replaced


def kill_when(process: subprocess.Popen[str], checkpoint: Path, at_least: int) -> None:
    """SIGKILL ``process`` once its checkpoint counts ``at_least`` reported records."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None and records_done(checkpoint) < at_least:
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


def start(cmd: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, env=os.environ.copy(), capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False
    )


def stored_cities(env: EmulatorHandle) -> dict[tuple[str, str], str | None]:
    """(MKTOID, rid) -> city of every stored RoadShow (one query; ``state.custom_object`` scans per call)."""
    return {
        (o["keys"]["MKTOID"], o["keys"]["rid"]): o["attributes"].get("city")
        for o in env.state.custom_objects("RoadShow")
    }


def assert_stored(env: EmulatorHandle, rows: range, prefix: str = "run") -> None:
    stored = stored_cities(env)
    for i in rows:
        assert stored.get((str(800000 + i), f"{prefix}{i}")) == f"City {i}", i


def rate_refusals(env: EmulatorHandle) -> int:
    return sum(1 for call in env.calls if call.fault_code == 20023)


@pytest.mark.slow
def test_two_processes_sharing_one_api_user_both_finish(env: EmulatorHandle, tmp_path: Path) -> None:
    """2 x 100 calls of 20 objects: twice what Marketo allows in 20 s, so the service refuses some (20023)."""
    runs = []
    for name in ("a", "b"):
        source = write_csv(tmp_path / f"{name}.csv", 2000, prefix=name)
        report = tmp_path / f"{name}-report.csv"
        runs.append((name, report, start(command(source, "--batch-size", "20", "--report", str(report)))))
    outcomes = [
        (name, report, process.wait(timeout=PROCESS_TIMEOUT), process) for name, report, process in runs
    ]
    errors = [process.stderr.read() if process.stderr else "" for *_, process in outcomes]
    for (name, report, code, _), err in zip(outcomes, errors, strict=True):
        assert code == 0, err
        rows = read_report(report)
        assert [row["line"] for row in rows] == [str(n) for n in range(2, 2002)]
        assert {row["status"] for row in rows} == {"CREATED"}, name
        assert_stored(env, range(2000), prefix=name)
    assert rate_refusals(env) > 0, "the service never refused a call: the test did not exercise the limit"
    assert any("waiting" in err and "20023" in err for err in errors), errors


@pytest.mark.slow
def test_a_killed_run_resumes_while_the_service_still_counts_its_calls(
    env: EmulatorHandle, tmp_path: Path
) -> None:
    """The killed run's calls still count in the service's window; the resumed one, which needs 100 calls or
    more itself, meets a 20023 and waits for the window instead of failing rows."""
    total = 1200
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    cmd = resumable(source, report, checkpoint, batch_size=5, workers=4)
    kill_when(start(cmd), checkpoint, at_least=300)  # 60 calls or more within the last seconds
    done_before = records_done(checkpoint)
    assert 300 <= done_before <= total - 600  # its own limits held it near 100 calls (500 rows)

    resumed = run(cmd)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} of {total} objects already reported" in resumed.stderr
    assert "waiting" in resumed.stderr and "20023" in resumed.stderr, resumed.stderr
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(2, total + 2)]
    assert {row["status"] for row in rows} <= {"CREATED", "UNCHANGED"}
    assert rate_refusals(env) > 0
    assert_stored(env, range(total))


def test_a_run_killed_while_it_waits_for_the_limits_resumes_from_what_it_reported(
    env: EmulatorHandle, tmp_path: Path
) -> None:
    """100 calls of 20 rows go out at once, then the client waits about 20 s for Marketo's window: the
    checkpoint must already hold those 2,000 rows, so a kill during the wait loses none of them."""
    total = 2600
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    cmd = resumable(source, report, checkpoint, batch_size=20, workers=1)
    process = start(cmd)
    kill_when(process, checkpoint, at_least=1900)  # reached only if progress is saved during the wait
    done_before = records_done(checkpoint)
    assert done_before <= 2000  # the kill came during the wait: the client's own limits held it at 100 calls

    resumed = run(cmd)
    assert resumed.returncode == 0, resumed.stderr
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(2, total + 2)]
    assert all(row["status"] == "CREATED" for row in rows[:done_before])  # none of these was sent twice
    assert_stored(env, range(total))


@pytest.mark.slow
@pytest.mark.mktows_emulator(settings={"latency": 0.1})
def test_kill_and_resume_with_workers_at_several_points(env: EmulatorHandle, tmp_path: Path) -> None:
    """Four workers, batches finishing out of order (every third call is slow), killed three times: each
    row is reported once, in input order, and the whole job's counts decide the exit status."""
    total = 600
    source = write_jsonl(tmp_path / "in.jsonl", total, bogus=range(20))
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    env.inject("syncCustomObjects", "delay", seconds=0.5, count=None, every=3)
    cmd = resumable(source, report, checkpoint, batch_size=10, workers=4)
    kill_points = (100, 250, 400)
    seen = []
    for point in kill_points:
        kill_when(start(cmd), checkpoint, at_least=point)
        seen.append(records_done(checkpoint))
        rows = read_report(report)
        assert len(rows) >= seen[-1]  # rows past the checkpoint are cut off by the resume
    assert seen == sorted(seen) and seen[-1] < total

    final = run(cmd)
    assert final.returncode == 2, final.stderr  # the first 20 rows FAILED in the first process
    assert f"{seen[-1]} of {total} objects already reported" in final.stderr
    assert f"{total} of {total} reported in all" in final.stderr and "FAILED 20" in final.stderr
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(1, total + 1)]
    assert [row["status"] for row in rows[:20]] == ["FAILED"] * 20
    assert {row["status"] for row in rows[20:]} <= {"CREATED", "UNCHANGED"}
    assert_stored(env, range(20, total))


def test_a_dead_endpoint_stops_fast_and_the_fixed_run_resumes(env: EmulatorHandle, tmp_path: Path) -> None:
    total = 1000
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    options = ("--workers", "3", "--report", str(report), "--checkpoint", str(checkpoint))
    dead = run([*command(source, *options), "--endpoint", "http://127.0.0.1:1/soap/mktows/2_6"])
    assert dead.returncode == 1, dead.stderr
    last = dead.stderr.strip().splitlines()[-1]
    assert last.startswith("mktows: stopped: 3 batches in a row failed the same way: TransportError")
    assert "Connection refused" in last and "Traceback" not in dead.stderr
    assert "0 of 1000 reported" in dead.stderr and "FAILED" not in dead.stderr
    assert read_report(report) == [] and records_done(checkpoint) == 0

    fixed = run(command(source, *options))
    assert fixed.returncode == 0, fixed.stderr
    assert [row["line"] for row in read_report(report)] == [str(n) for n in range(2, total + 2)]


def test_a_dead_endpoint_met_by_a_one_batch_run_stops_without_failing_its_objects(
    env: EmulatorHandle, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", 12)
    report = tmp_path / "report.csv"
    dead = run(
        [*command(source, "--report", str(report)), "--endpoint", "http://127.0.0.1:1/soap/mktows/2_6"]
    )
    assert dead.returncode == 1, dead.stderr
    last = dead.stderr.strip().splitlines()[-1]
    assert last.startswith("mktows: stopped: the run's only batch failed: TransportError"), last
    assert "Connection refused" in last and "FAILED" not in dead.stderr
    assert read_report(report) == []


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        (["--type", "NoSuchType"], "InvalidRequestError: syncCustomObjects: Bad Parameter (20110)"),
        (["--endpoint", "{endpoint}/nowhere"], "HTTPStatusError"),
    ],
    ids=["unknown-type", "http-404"],
)
def test_batches_failing_the_same_way_stop_the_run(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], reason: str
) -> None:
    source = write_csv(tmp_path / "in.csv", 1000)
    report = tmp_path / "report.csv"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", str(report), str(source)]
    args += [value.format(endpoint=env.endpoint) for value in option]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"stopped: 3 batches in a row failed the same way: {reason}" in err
    assert read_report(report) == []
    assert sum(1 for call in env.calls if call.operation == "syncCustomObjects") <= 3


def test_a_second_run_on_a_busy_checkpoint_is_refused(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 10)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", str(report),
            "--checkpoint", str(checkpoint), str(source)]  # fmt: skip
    holder = Checkpoint(checkpoint, None)  # type: ignore[arg-type]  # only its lock is used
    with holder.locked():
        assert main(args) == 1
        assert f"{checkpoint} is in use by another run (process {os.getpid()})" in capsys.readouterr().err
        assert not report.exists() and not checkpoint.exists()
    assert main(args) == 0


def test_a_finished_run_with_failures_still_exits_2_when_started_again(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 30, bogus=range(0, 30, 3))
    checkpoint = tmp_path / "run.ckpt"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--checkpoint", str(checkpoint),
            str(source)]  # fmt: skip
    assert main(args) == 2
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "nothing to send" in err and "30 of 30 reported in all: CREATED 20, FAILED 10" in err


def test_the_summary_gives_the_reasons_and_without_a_report_the_failed_rows(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 40, bogus=range(25))
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 2
    err = capsys.readouterr().err
    assert "25 objects FAILED; the reasons:" in err
    assert "    25  unknown field 'bogus' for custom object type RoadShow" in err
    assert "failed rows (the first 10; --report FILE lists them all):" in err
    assert "  line 1, MKTOID=800000 rid=run0: unknown field 'bogus'" in err
    assert err.count("  line ") == 10


def test_rows_of_a_repeated_call_are_marked(env: EmulatorHandle, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", 30)
    report = tmp_path / "report.csv"
    env.inject("syncCustomObjects", "drop", after_processing=True, count=1)  # processed, answer lost
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "10",
            "--operation", "insert", "--report", str(report), str(source)]  # fmt: skip
    assert main(args) == 0
    rows = read_report(report)
    assert [(row["status"], row["repeated"]) for row in rows[:10]] == [("SKIPPED", "yes")] * 10
    assert [(row["status"], row["repeated"]) for row in rows[10:]] == [("CREATED", "")] * 20


@pytest.mark.parametrize("where", ["directory", "missing-folder"])
def test_an_unwritable_report_is_one_line_before_anything_is_sent(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    source = write_csv(tmp_path / "in.csv", 5)
    target = tmp_path if where == "directory" else tmp_path / "no" / "report.csv"
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", str(target),
                 str(source)]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == f"mktows: {target}: " + (
        "Is a directory" if where == "directory" else "No such file or directory"
    )
    assert "Traceback" not in err
    assert not any(call.operation == "syncCustomObjects" for call in env.calls)


def test_a_full_disk_keeps_the_checkpoint_consistent_with_the_report(
    env: EmulatorHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    total = 200
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "10",
            "--report", str(report), "--checkpoint", str(checkpoint), str(source)]  # fmt: skip
    monkeypatch.setattr("mktows.cli.CHECKPOINT_INTERVAL_SECONDS", 0.01)
    real_write = ReportFile.write
    writes = [0]

    def write_until_full(self: ReportFile, line: int, result: Any) -> None:
        writes[0] += 1
        if writes[0] > 75:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
        real_write(self, line, result)

    monkeypatch.setattr(ReportFile, "write", write_until_full)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == f"mktows: {report}: No space left on device"
    assert "Traceback" not in err and "75 of 200 reported" in err
    saved = json.loads(checkpoint.read_text(encoding="utf-8"))
    assert 0 < saved["records_done"] <= 75  # the last save before the disk filled (saved every 0.01 s)
    durable = report.read_bytes()[: saved["report_bytes"]].decode().splitlines()
    assert len(durable) == 1 + saved["records_done"]  # the checkpoint names whole rows, no more, no fewer

    monkeypatch.setattr(ReportFile, "write", real_write)
    assert main(args) == 0
    assert [row["line"] for row in read_report(report)] == [str(n) for n in range(2, total + 2)]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to fill a disk")
def test_a_report_on_a_full_device_is_one_line(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 20)
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", "/dev/full",
                 str(source)]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "No space left on device" in err.strip().splitlines()[-1] and "Traceback" not in err
    assert "20 objects synced this run" in err


def test_the_run_deadline_ends_a_throttled_run_with_the_checkpoint_kept(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 50)
    checkpoint = tmp_path / "run.ckpt"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "10",
            "--checkpoint", str(checkpoint), str(source)]  # fmt: skip
    env.inject("syncCustomObjects", "fault", code=20023, count=2, every=3, offset=2)  # calls 3 and 6
    assert main([*args, "--deadline", "5"]) == 1  # the 20 s window would end past the deadline
    err = capsys.readouterr().err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith(
            "mktows: stopped: the service kept refusing calls for its limits past the run deadline (--deadline 5 s)"
        )
    )
    assert "FAILED" not in err and records_done(checkpoint) == 20
    assert main(args) == 0  # resumed: the second refusal is waited out
    assert "waiting" in capsys.readouterr().err
