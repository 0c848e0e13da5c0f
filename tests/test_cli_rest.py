"""`mktows ... --protocol rest`: the commands over Marketo's REST API (``Client.over_rest``), as processes and
in-process, against the emulator fixture's REST face and the embedded emulator's; everything the bulk run
promises over SOAP holds over REST too."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mktows.cli import build_parser, main
from mktows.pytest_plugin import EmulatorHandle
from tests.test_cli_runs import (
    KEYS,
    PROCESS_TIMEOUT,
    assert_stored,
    kill_when,
    read_report,
    records_done,
    resumable,
    start,
    write_csv,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
QUICK_START = REPO_ROOT / "examples" / "roadshow.csv"
REST_SYNC = "syncCustomObjectsUsingPOST"
WRONG_SECRET = "wrong-secret-4f1c9b"


@pytest.fixture
def rest_env(mktows_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> EmulatorHandle:
    """The test's emulator, its REST face named by MKTOWS_REST_ENDPOINT, MKTOWS_CLIENT_ID and
    MKTOWS_CLIENT_SECRET; no SOAP endpoint in the environment."""
    for name in ("MKTOWS_ENDPOINT", "MKTOWS_USER_ID", "MKTOWS_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKTOWS_REST_ENDPOINT", mktows_emulator.rest_endpoint)
    monkeypatch.setenv("MKTOWS_CLIENT_ID", mktows_emulator.client_id)
    monkeypatch.setenv("MKTOWS_CLIENT_SECRET", mktows_emulator.client_secret)
    return mktows_emulator


def mktows(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m mktows.cli ARGS`` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "mktows.cli", *args],
        env=env if env is not None else os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )


def sync(source: Path, *options: str) -> list[str]:
    """The arguments of a REST sync of RoadShow objects from ``source``."""
    return ["sync-custom-objects", "--protocol", "rest", "--type", "RoadShow", "--keys", KEYS, *options,
            str(source)]  # fmt: skip


def statuses(report: Path) -> list[tuple[str, str, str, str]]:
    """(line, MKTOID, rid, status) of every report row."""
    return [(r["line"], r["MKTOID"], r["rid"], r["status"]) for r in read_report(report)]


def rest_sync_calls(env: EmulatorHandle) -> int:
    return sum(1 for call in env.calls if call.operation == REST_SYNC)


def last_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else ""


# --- the same job, the same report ------------------------------------------------------------------------


def quick_start(protocol: str, report: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The README quick start's sync, over ``protocol``."""
    return mktows(
        "sync-custom-objects", "--protocol", protocol, "--type", "RoadShow", "--keys", KEYS,
        "--report", str(report), str(QUICK_START), env=env,
    )  # fmt: skip


def stored_roadshows(db_path: Path) -> list[dict[str, object]]:
    """Every RoadShow object in an embedded emulator's state file."""
    from mktows.emulator import Emulator

    with Emulator(db_path=db_path) as emulator:
        found = emulator.state.custom_objects("RoadShow")
    return sorted(found, key=lambda o: json.dumps(o, sort_keys=True))


def test_the_quick_start_over_rest_reports_what_it_reports_over_soap_on_the_embedded_emulator(
    tmp_path: Path,
) -> None:
    """Two embedded emulators from the same seed: the same report rows over both protocols, the same objects
    stored; run again, SOAP says UNCHANGED where REST says UPDATED (REST has no UNCHANGED)."""
    reports: dict[str, list[list[tuple[str, str, str, str]]]] = {}
    stored = {}
    for protocol in ("soap", "rest"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MKTOWS_")}
        env["XDG_CACHE_HOME"] = str(tmp_path / protocol / "cache")
        reports[protocol] = []
        (tmp_path / protocol).mkdir()
        for attempt in (1, 2):
            report = tmp_path / protocol / f"report-{attempt}.csv"
            done = quick_start(protocol, report, env)
            assert done.returncode == 0, done.stderr
            assert "12 of 12 reported in all" in done.stderr
            reports[protocol].append(statuses(report))
        face = "the embedded emulator's REST face" if protocol == "rest" else "the embedded emulator at"
        assert face in done.stderr and str(tmp_path / protocol / "cache" / "mktows") in done.stderr
        stored[protocol] = stored_roadshows(tmp_path / protocol / "cache" / "mktows" / "emulator.sqlite3")
    soap, rest = reports["soap"], reports["rest"]
    assert len(soap[0]) == 12 and soap[0] == rest[0]
    assert {row[3] for row in soap[0]} == {"CREATED", "UPDATED"}
    assert {row[3] for row in soap[1]} == {"UNCHANGED"}
    assert rest[1] == [(*row[:3], "UPDATED") for row in soap[1]]  # the one listed difference
    assert stored["soap"] == stored["rest"]
    with QUICK_START.open(encoding="utf-8", newline="") as handle:
        wanted = {(row["MKTOID"], row["rid"]) for row in csv.DictReader(handle)}
    assert wanted <= {(o["keys"]["MKTOID"], o["keys"]["rid"]) for o in stored["rest"]}  # type: ignore[index]


def test_the_quick_start_over_rest_matches_soap_on_the_fixture_emulator(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    """The same from the same seeded state of the fixture: once over SOAP, reset, once over REST."""
    soap_env = {
        **os.environ,
        "MKTOWS_ENDPOINT": rest_env.endpoint,
        "MKTOWS_USER_ID": rest_env.user_id,
        "MKTOWS_ENCRYPTION_KEY": rest_env.encryption_key,
    }
    over_soap = quick_start("soap", tmp_path / "soap.csv", soap_env)
    assert over_soap.returncode == 0, over_soap.stderr
    soap_state = rest_env.state.custom_objects("RoadShow")
    rest_env.reset()
    over_rest = quick_start("rest", tmp_path / "rest.csv", os.environ.copy())
    assert over_rest.returncode == 0, over_rest.stderr
    assert statuses(tmp_path / "rest.csv") == statuses(tmp_path / "soap.csv")
    assert rest_env.state.custom_objects("RoadShow") == soap_state
    assert rest_sync_calls(rest_env) == 1  # 12 objects in one call
    assert "embedded" not in over_rest.stderr
    for output in (over_rest.stdout, over_rest.stderr):
        assert rest_env.client_secret not in output


def test_get_custom_objects_over_rest_prints_what_soap_prints(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    out = {}
    for protocol in ("soap", "rest"):
        args = ["get-custom-objects", "--protocol", protocol, "--type", "RoadShow", "--key", "MKTOID=1090177",
                "--out", str(tmp_path / f"{protocol}.jsonl")]  # fmt: skip
        if protocol == "soap":
            args += ["--endpoint", rest_env.endpoint, "--user-id", rest_env.user_id]
            args += ["--encryption-key", rest_env.encryption_key]
        assert main(args) == 0
        out[protocol] = (tmp_path / f"{protocol}.jsonl").read_text(encoding="utf-8").splitlines()
    assert out["rest"] == out["soap"] and len(out["rest"]) >= 2


def test_get_custom_objects_refuses_a_batch_size_past_its_limit_in_one_line(
    rest_env: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["get-custom-objects", "--protocol", "rest", "--type", "RoadShow", "--key", "MKTOID=1090177"]
    assert main([*args, "--batch-size", "500"]) == 1
    err = capsys.readouterr().err
    assert (
        last_line(err) == "mktows: --batch-size must be between 1 and 100, not 500" and "Traceback" not in err
    )


# --- batches of 300 ---------------------------------------------------------------------------------------


def test_over_rest_a_call_carries_300_objects_by_default_and_at_most(
    rest_env: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", 650)
    assert main(sync(source, "--batch-size", "301")) == 1
    assert last_line(capsys.readouterr().err) == (
        "mktows: --batch-size must be between 1 and 300 over REST, not 301"
    )
    assert rest_sync_calls(rest_env) == 0
    assert main(sync(source)) == 0
    assert rest_sync_calls(rest_env) == 3  # 300 + 300 + 50
    assert_stored(rest_env, range(650))


# --- left alone: kills, throttles, dead endpoints ---------------------------------------------------------


@pytest.mark.mktows_emulator(settings={"latency": 0.05})
def test_a_run_over_rest_killed_with_sigkill_resumes_with_every_row_once(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    total = 1200
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    cmd = [*resumable(source, report, checkpoint, batch_size=10, workers=3), "--protocol", "rest"]
    kill_when(start(cmd), checkpoint, at_least=300)
    done_before = records_done(checkpoint)
    assert 300 <= done_before < total

    resumed = mktows(*cmd[3:])
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} of {total} objects already reported" in resumed.stderr
    assert f"{total} of {total} reported in all" in resumed.stderr
    rows = read_report(report)
    assert [row["line"] for row in rows] == [str(n) for n in range(2, total + 2)]  # every row once, in order
    assert all(row["status"] == "CREATED" for row in rows[:done_before])
    # a batch sent before the kill but not yet reported is sent again: REST says UPDATED, having no UNCHANGED
    assert {row["status"] for row in rows[done_before:]} <= {"CREATED", "UPDATED"}
    assert_stored(rest_env, range(total))


@pytest.mark.parametrize(("first", "then"), [("soap", "rest"), ("rest", "soap")])
def test_a_checkpoint_of_one_protocol_resumes_over_the_other_saying_so(
    rest_env: EmulatorHandle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    first: str,
    then: str,
) -> None:
    """A first run stops after 2 batches (the next 3 answer HTTP 404); the second continues over the other
    protocol from the checkpoint: told so in one line, every row reported once."""
    monkeypatch.setenv("MKTOWS_ENDPOINT", rest_env.endpoint)
    monkeypatch.setenv("MKTOWS_USER_ID", rest_env.user_id)
    monkeypatch.setenv("MKTOWS_ENCRYPTION_KEY", rest_env.encryption_key)
    total = 100
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    args = ["sync-custom-objects", "--type", "RoadShow", "--keys", KEYS, "--batch-size", "10",
            "--report", str(report), "--checkpoint", str(checkpoint), str(source)]  # fmt: skip
    rest_env.inject(
        REST_SYNC if first == "rest" else "syncCustomObjects", "http", status=404, count=3, offset=2
    )
    assert main([*args, "--protocol", first]) == 1
    assert "stopped: 3 batches in a row failed the same way: HTTPStatusError" in capsys.readouterr().err
    assert records_done(checkpoint) == 20

    assert main([*args, "--protocol", then]) == 0
    err = capsys.readouterr().err
    names = {"soap": "SOAP", "rest": "REST"}
    assert f"resuming from {checkpoint}: 20 of {total} objects already reported" in err
    assert (
        f"the reported rows were sent over {names[first]}; this run sends the rest over {names[then]}" in err
    )
    assert [row["line"] for row in read_report(report)] == [str(n) for n in range(2, total + 2)]
    assert json.loads(checkpoint.read_text(encoding="utf-8"))["protocol"] == then
    assert_stored(rest_env, range(total))


@pytest.mark.parametrize("code", [606, 615])
def test_a_throttled_rest_call_waits_and_fails_no_object(
    rest_env: EmulatorHandle, tmp_path: Path, code: int
) -> None:
    source = write_csv(tmp_path / "in.csv", 50)
    report = tmp_path / "report.csv"
    rest_env.inject(REST_SYNC, "fault", code=code, count=1, offset=1)  # the second call
    # a 2 s rate window: a 606 waits one window, as a 20023 does
    done = mktows(*sync(source, "--batch-size", "10", "--rate", "100/2", "--report", str(report)))
    assert done.returncode == 0, done.stderr
    assert "waiting" in done.stderr and str(code) in done.stderr, done.stderr
    assert "FAILED" not in done.stderr
    assert {row["status"] for row in read_report(report)} == {"CREATED"}
    assert sum(1 for call in rest_env.calls if call.operation == REST_SYNC and call.fault_code == code) == 1
    assert rest_sync_calls(rest_env) == 6  # 5 batches, one of them sent twice
    assert_stored(rest_env, range(50))


def test_a_dead_rest_endpoint_stops_fast_with_its_reason_and_the_fixed_run_resumes(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    total = 1000  # 4 batches of at most 300
    source = write_csv(tmp_path / "in.csv", total)
    report, checkpoint = tmp_path / "report.csv", tmp_path / "run.ckpt"
    options = ("--workers", "3", "--report", str(report), "--checkpoint", str(checkpoint))
    dead = mktows(*sync(source, *options), "--rest-endpoint", "http://127.0.0.1:1/rest")
    assert dead.returncode == 1, dead.stderr
    last = last_line(dead.stderr)
    assert last.startswith("mktows: stopped: 3 batches in a row failed the same way: TransportError"), last
    assert "Connection refused" in last and "Traceback" not in dead.stderr
    assert "0 of 1000 reported" in dead.stderr and "FAILED" not in dead.stderr
    assert read_report(report) == [] and records_done(checkpoint) == 0
    assert rest_env.client_secret not in dead.stderr + dead.stdout

    fixed = mktows(*sync(source, *options))
    assert fixed.returncode == 0, fixed.stderr
    assert [row["line"] for row in read_report(report)] == [str(n) for n in range(2, total + 2)]


def test_a_rest_path_answering_404_stops_the_run_with_its_reason(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", 1000)
    rest_env.inject(REST_SYNC, "http", status=404, count=None)
    dead = mktows(*sync(source, "--batch-size", "100"))
    assert dead.returncode == 1, dead.stderr
    assert last_line(dead.stderr).startswith(
        "mktows: stopped: 3 batches in a row failed the same way: HTTPStatusError"
    )
    assert rest_sync_calls(rest_env) <= 3


# --- credentials ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["flag", "env"])
def test_a_rejected_client_secret_is_one_line_naming_where_it_came_from_never_its_value(
    rest_env: EmulatorHandle, tmp_path: Path, where: str
) -> None:
    source = write_csv(tmp_path / "in.csv", 10)
    env = os.environ.copy()
    extra: list[str] = []
    if where == "flag":
        extra = ["--client-secret", WRONG_SECRET]
    else:
        env["MKTOWS_CLIENT_SECRET"] = WRONG_SECRET
    done = mktows(*sync(source, *extra), env=env)
    assert done.returncode == 1, done.stderr
    source_name = "--client-secret" if where == "flag" else "MKTOWS_CLIENT_SECRET"
    assert last_line(done.stderr) == (
        "mktows: AuthenticationError 20014: the service did not accept the client id from MKTOWS_CLIENT_ID with "
        f"the client secret from {source_name}"
    )
    assert WRONG_SECRET not in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert rest_sync_calls(rest_env) == 0


# --- operations REST cannot serve -------------------------------------------------------------------------


def test_an_operation_without_a_rest_successor_is_one_line_exit_1(
    rest_env: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", "listMObjects", "--protocol", "rest"]) == 1
    err = capsys.readouterr().err
    assert last_line(err).startswith(
        "mktows: not available with --protocol rest: listMObjects: listMObjects has no REST successor: "
    )
    assert len(err.strip().splitlines()) == 1 and not rest_env.calls


def test_an_operation_not_translated_yet_is_one_line_exit_1(
    rest_env: EmulatorHandle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands for every operation whose translation is still to come (here getCustomObjects, taken out)."""
    from mktows.rest import translate

    untranslated = {k: v for k, v in translate.TRANSLATIONS.items() if k != "getCustomObjects"}
    monkeypatch.setattr(translate, "TRANSLATIONS", untranslated)
    params = str(REPO_ROOT / "examples" / "params" / "getCustomObjects.json")
    assert main(["call", "getCustomObjects", "--protocol", "rest", "--params", params]) == 1
    err = capsys.readouterr().err
    assert last_line(err).startswith(
        "mktows: not available with --protocol rest: getCustomObjects: getCustomObjects is not translated to "
        "REST yet (translated: "
    )
    assert len(err.strip().splitlines()) == 1 and not rest_env.calls


def test_an_unsupported_operation_fault_over_soap_keeps_its_usual_line(
    rest_env: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    rest_env.inject("getCustomObjects", "fault", code=20019)
    params = str(REPO_ROOT / "examples" / "params" / "getCustomObjects.json")
    soap = ["--endpoint", rest_env.endpoint, "--user-id", rest_env.user_id]
    soap += ["--encryption-key", rest_env.encryption_key]
    assert main(["call", "getCustomObjects", "--params", params, *soap]) == 1
    line = last_line(capsys.readouterr().err)
    assert line.startswith("mktows: UnsupportedOperationError: ") and "20019" in line, line
    assert "--protocol rest" not in line


def test_call_over_rest_prints_the_typed_result(
    rest_env: EmulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    params = str(REPO_ROOT / "examples" / "params" / "getCustomObjects.json")
    assert main(["call", "getCustomObjects", "--protocol", "rest", "--params", params, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["result"]["returnCount"] >= 1
    assert "getCustomObjectsUsingGET" in {call.operation for call in rest_env.calls}
    assert "getCustomObjects" not in {call.operation for call in rest_env.calls}  # nothing went over SOAP


# --- every command that talks to Marketo ------------------------------------------------------------------


def test_every_command_that_talks_to_marketo_takes_the_protocol_and_the_rest_options() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: dict[str, argparse.ArgumentParser] = dict(subparsers.choices)
    talking = {name: sub for name, sub in commands.items() if name not in ("emulator", "gateway")}
    assert {"sync-custom-objects", "get-custom-objects", "call"} <= set(talking)
    for name, sub in talking.items():
        options = {flag for action in sub._actions for flag in action.option_strings}
        assert {"--protocol", "--rest-endpoint", "--client-id", "--client-secret", "--identity-endpoint"} <= (
            options
        ), name
        assert sub.parse_args(_minimal(name)).protocol == "soap", name
        assert sub.parse_args([*_minimal(name), "--protocol", "REST"]).protocol == "rest", name


def _minimal(command: str) -> list[str]:
    """The fewest arguments ``command`` parses."""
    return {
        "sync-custom-objects": ["--type", "T", "in.csv"],
        "get-custom-objects": ["--type", "T"],
        "call": ["getLead"],
    }.get(command, [])


def test_the_report_of_a_rest_run_is_a_csv_with_the_same_columns(
    rest_env: EmulatorHandle, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", 5)
    report = tmp_path / "report.csv"
    assert main(sync(source, "--report", str(report))) == 0
    with report.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["line", "MKTOID", "rid", "status", "error", "repeated"]
