"""The `mktows` command against the emulator: the bulk sync, its report, checkpoint and exit codes."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mktows
from mktows import Limits
from mktows.cli import _progress_bar, main
from mktows.pytest_plugin import EmulatorHandle

KEYS = "MKTOID,rid"


def write_csv(path: Path, rows: int, start: int = 0, extra: str = "") -> Path:
    lines = ["MKTOID,rid,city,zip" + (",bogus" if extra else "")]
    lines += [
        f"{700000 + i},cli{i},City {i},{10000 + i}" + (f",{extra}" if extra else "")
        for i in range(start, start + rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync_calls(emulator: EmulatorHandle) -> int:
    return sum(1 for call in emulator.calls if call.operation == "syncCustomObjects")


def test_sync_csv_writes_one_report_row_per_object(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 250)
    report = tmp_path / "report.csv"
    code = main(
        ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", str(report), str(source)]
    )
    assert code == 0
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(2, 252)]
    assert {row["status"] for row in rows} == {"CREATED"}
    assert rows[0]["MKTOID"] == "700000" and rows[0]["rid"] == "cli0"
    assert sync_calls(env) == 3
    assert "CREATED 250" in capsys.readouterr().err
    stored = env.state.custom_object("RoadShow", MKTOID="700249", rid="cli249")
    assert stored is not None and stored["attributes"] == {"city": "City 249", "zip": "10249"}


def test_failed_objects_give_exit_2_and_their_error(env: EmulatorHandle, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", 3, extra="x")
    report = tmp_path / "report.jsonl"
    code = main(
        ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--report", str(report), str(source)]
    )
    assert code == 2
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [row["status"] for row in rows] == ["FAILED"] * 3
    assert all(row["error"] for row in rows)
    assert rows[0]["keys"] == {"MKTOID": "700000", "rid": "cli0"}


def test_jsonl_input_and_insert_mode(env: EmulatorHandle, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"keys": {"MKTOID": "1", "rid": "j"}, "attributes": {"city": "A"}}\n'
        '{"keys": {"MKTOID": "1", "rid": "j"}, "attributes": {"city": "B"}}\n',
        encoding="utf-8",
    )
    report = tmp_path / "r.csv"
    assert (
        main(
            [
                "sync-custom-objects",
                "--type",
                "RoadShow",
                "--operation",
                "insert",
                "--report",
                str(report),
                str(source),
            ]
        )
        == 0
    )
    assert [row["status"] for row in read_report(report)] == ["CREATED", "SKIPPED"]
    assert json.loads(read_report(report)[0]["keys"]) == {"MKTOID": "1", "rid": "j"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("MKTOID,city\n1,x\n", "in.csv:1: the header row lacks the key column(s) rid"),
        ("MKTOID,rid,city\n1,a,x\n2,b,y\n3,c\n", "in.csv:4: row has 2 fields"),
        ("MKTOID,rid,city\n1,a,x\x0by\n", "in.csv:2: field 'city' holds character U+000B"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 1
    assert message in capsys.readouterr().err
    assert sync_calls(env) == 0


def test_fatal_error_is_one_clear_line_and_never_shows_the_key(
    env: EmulatorHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MKTOWS_ENCRYPTION_KEY", "wrong-key-0123456789")
    source = write_csv(tmp_path / "in.csv", 5)
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 1
    captured = capsys.readouterr()
    assert (
        "AuthenticationError 20014: the service did not accept the user id from MKTOWS_USER_ID with the "
        "encryption key from MKTOWS_ENCRYPTION_KEY" in captured.err
    )
    assert captured.err.count("20014") == 1
    assert "wrong-key-0123456789" not in captured.err + captured.out
    assert "Traceback" not in captured.err


def test_batch_size_over_100_is_a_usage_error(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 1)
    assert (
        main(
            ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "101", str(source)]
        )
        == 1
    )
    assert "between 1 and 100" in capsys.readouterr().err


def test_get_custom_objects_writes_jsonl(env: EmulatorHandle, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", 120)
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 0
    out = tmp_path / "out.jsonl"
    assert main(["get-custom-objects", "--type", "RoadShow", "--batch-size", "50", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ours = {r["keys"]["rid"]: r["attributes"] for r in records if r["keys"]["rid"].startswith("cli")}
    assert len(ours) == 120 and ours["cli7"] == {"city": "City 7", "zip": "10007"}
    out_one = tmp_path / "one.jsonl"
    assert (
        main(
            [
                "get-custom-objects",
                "--type",
                "RoadShow",
                "--key",
                "MKTOID=700007",
                "--key",
                "rid=cli7",
                "--out",
                str(out_one),
            ]
        )
        == 0
    )
    assert [json.loads(line)["keys"] for line in out_one.read_text(encoding="utf-8").splitlines()] == [
        {"MKTOID": "700007", "rid": "cli7"}
    ]


def test_call_prints_the_result(
    env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", "listMObjects"]) == 0
    out = capsys.readouterr().out
    assert "successListMObjects" in out and "Opportunity" in out
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"objectName": "Opportunity"}), encoding="utf-8")
    assert main(["call", "describe_mobject", "--params", str(params), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["metadata"]["name"] == "Opportunity"
    assert main(["call", "noSuchOperation"]) == 1
    assert "unknown operation" in capsys.readouterr().err


def test_without_an_endpoint_the_embedded_emulator_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("MKTOWS_ENDPOINT", "MKTOWS_USER_ID", "MKTOWS_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = write_csv(tmp_path / "in.csv", 3)
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 0
    err = capsys.readouterr().err
    assert "embedded emulator" in err and str(tmp_path / "cache" / "mktows") in err
    assert (tmp_path / "cache" / "mktows" / "emulator.sqlite3").is_file()
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, str(source)]) == 0
    assert "UNCHANGED 3" in capsys.readouterr().err  # the state survived between runs


@pytest.mark.mktows_emulator(settings={"latency": 0.03})
def test_a_killed_run_resumes_without_losing_or_doubling_report_rows(
    env: EmulatorHandle, tmp_path: Path
) -> None:
    total = 400
    source = write_csv(tmp_path / "in.csv", total)
    report = tmp_path / "report.csv"
    checkpoint = tmp_path / "run.ckpt"
    command = [
        sys.executable, "-m", "mktows.cli", "sync-custom-objects", "--type", "RoadShow", "--keys", KEYS,
        "--batch-size", "5", "--report", str(report), "--checkpoint", str(checkpoint), str(source),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=os.environ.copy(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if (
                checkpoint.exists()
                and json.loads(checkpoint.read_text(encoding="utf-8") or "{}").get("records_done", 0) >= 50
            ):
                break
            time.sleep(0.02)
        assert process.poll() is None, "the run finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()
    done_before = json.loads(checkpoint.read_text(encoding="utf-8"))["records_done"]
    assert 0 < done_before < total

    resumed = subprocess.run(
        command, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} of {total} objects already reported" in resumed.stderr
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(2, total + 2)]
    assert {row["status"] for row in rows} <= {"CREATED", "UNCHANGED"}
    for i in range(total):
        record = env.state.custom_object("RoadShow", MKTOID=str(700000 + i), rid=f"cli{i}")
        assert record is not None and record["attributes"]["city"] == f"City {i}"


def test_rate_option(env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "in.csv", 30)
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "10", str(source)]
    assert main([*args, "--rate", "100/0"]) == 1
    assert "--rate takes CALLS/SECONDS" in capsys.readouterr().err
    assert main([*args, "--rate", "off", "--max-in-flight", "2"]) == 0
    assert main([*args, "--rate", "1000/20"]) == 0
    assert "UNCHANGED 30" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"mktows {mktows.__version__}"


@pytest.mark.parametrize("module", ["mktows", "mktows.cli"])
def test_the_command_runs_as_a_module(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"mktows {mktows.__version__}")


@pytest.mark.parametrize(
    ("options", "environment", "message"),
    [
        (["--endpoint", "localhost:8710/soap/mktows/2_6"], {}, "--endpoint: endpoint must be an http(s) URL"),
        ([], {"MKTOWS_ENDPOINT": "127.0.0.1/soap"}, "MKTOWS_ENDPOINT: endpoint must be an http(s) URL"),
        (
            ["--endpoint", "http://127.0.0.1:9/soap/mktows/2_6"],
            {"MKTOWS_USER_ID": ""},
            "the endpoint comes from --endpoint, but no user id is set (--user-id or MKTOWS_USER_ID)",
        ),
        (
            [],
            {"MKTOWS_ENCRYPTION_KEY": ""},
            "the endpoint comes from MKTOWS_ENDPOINT, but no encryption key is set (--encryption-key or "
            "MKTOWS_ENCRYPTION_KEY)",
        ),
        (["--batch-size", "101"], {}, "--batch-size must be between 1 and 100, not 101"),
        (["--workers", "0"], {}, "--workers must be at least 1, not 0"),
        (["--operation", "merge"], {}, "--operation must be INSERT, UPDATE or UPSERT, not 'merge'"),
        (["--deadline", "0"], {}, "--deadline must be a positive number of seconds"),
        # --protocol rest
        (
            ["--protocol", "rest", "--endpoint", "http://127.0.0.1:1/soap/mktows/2_6"],
            {},
            "--endpoint is a SOAP option; with --protocol rest give --rest-endpoint, --client-id and "
            "--client-secret instead",
        ),
        (
            ["--client-id", "someone"],
            {},
            "--client-id is a REST option: add --protocol rest to connect over REST",
        ),
        (
            ["--protocol", "rest", "--rest-endpoint", "ftp://example.com/rest"],
            {},
            "--rest-endpoint: endpoint must be an http(s) URL such as https://123-ABC-456.mktorest.com/rest, "
            "got 'ftp://example.com/rest'",
        ),
        (
            ["--protocol", "rest", "--client-id", "someone", "--client-secret", "s3cr3t-flag"],
            {"MKTOWS_REST_ENDPOINT": "https://123-ABC-456.mktorest.com/api"},
            "MKTOWS_REST_ENDPOINT: rest_endpoint must be the instance's REST endpoint ending in /rest, such as "
            "https://123-ABC-456.mktorest.com/rest, got 'https://123-ABC-456.mktorest.com/api'",
        ),
        (
            ["--protocol", "rest", "--rest-endpoint", "http://127.0.0.1:1/rest", "--identity-endpoint", "x"],
            {},
            "--identity-endpoint: endpoint must be an http(s) URL such as "
            "https://123-ABC-456.mktorest.com/identity, got 'x'",
        ),
        (
            ["--protocol", "rest", "--client-secret", "s3cr3t-flag"],
            {"MKTOWS_REST_ENDPOINT": "http://127.0.0.1:1/rest"},
            "the REST endpoint comes from MKTOWS_REST_ENDPOINT, but no client id is set (--client-id or "
            "MKTOWS_CLIENT_ID)",
        ),
        (
            ["--protocol", "rest", "--rest-endpoint", "http://127.0.0.1:1/rest"],
            {"MKTOWS_CLIENT_ID": "someone"},
            "the REST endpoint comes from --rest-endpoint, but no client secret is set (--client-secret or "
            "MKTOWS_CLIENT_SECRET)",
        ),
        # REST credentials whose endpoint setting is missing (or misspelt) never go to the embedded emulator
        (
            ["--protocol", "rest", "--client-id", "someone"],
            {},
            "--client-id is set but no REST endpoint (--rest-endpoint or MKTOWS_REST_ENDPOINT); set one, or "
            "drop --client-id to use the embedded emulator",
        ),
        (
            ["--protocol", "rest"],
            {"MKTOWS_CLIENT_SECRET": "s3cr3t-variable"},
            "MKTOWS_CLIENT_SECRET is set but no REST endpoint (--rest-endpoint or MKTOWS_REST_ENDPOINT); set "
            "one, or drop MKTOWS_CLIENT_SECRET to use the embedded emulator",
        ),
        (
            ["--protocol", "rest", "--identity-endpoint", "http://127.0.0.1:1/identity"],
            {},
            "--identity-endpoint is set but no REST endpoint (--rest-endpoint or MKTOWS_REST_ENDPOINT); set "
            "one, or drop --identity-endpoint to use the embedded emulator",
        ),
    ],
)
def test_usage_errors_are_one_line_naming_the_flag_or_variable(
    env: EmulatorHandle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    environment: dict[str, str],
    message: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    source = write_csv(tmp_path / "in.csv", 3)
    assert main(["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, *options, str(source)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith(f"mktows: {message}"), err
    assert "Traceback" not in err and "batch_size" not in err and "s3cr3t" not in err
    assert not env.calls


def test_the_progress_bar_says_when_the_run_waits_for_the_limits() -> None:
    limits = Limits()
    bar = _progress_bar(limits)
    bar.add_task("sync", total=10)
    task = bar.tasks[0]
    pause_column = bar.columns[-1]
    assert str(pause_column.render(task)) == ""
    limits.pause(30.0, "20023 Rate Limit Exceeded")
    assert str(pause_column.render(task)) == "waiting 30 s: the service's limits (20023 Rate Limit Exceeded)"
