"""The faults and shared-limits goals of PRODUCT.md section 7.

- Faults: with 10 % of calls failing, each injected kind in turn, a 10,000-object sync reports every object
  exactly once and leaves the emulator in the state a run without faults leaves. Each kind runs on a fresh
  emulator in its own process (service-side limits off, so only the injected failures happen), injected
  through its admin path with ``every=10``: every tenth syncCustomObjects call fails. The client runs with its
  default retry policy.
- Shared limits: two ``mktows sync-custom-objects`` processes started together, sharing one API user, against
  an emulator in its own process with Marketo's default limits (100 calls per 20 s, 10 in flight). Each sends
  ``--shared-rows`` (2,000) rows in calls of 20, so together they need twice the calls the window allows: both
  must finish with exit 0 and no row FAILED; their time is set against the bound the service's rate sets.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bulk import BulkOutcome, BulkUnavailable, missing_parts
from benchmarks.served import LIMITS_OFF, Served

KINDS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("SOAP fault 10001 (internal error)", "fault", {"code": 10001}),
    ("SOAP fault 20023 (rate limit)", "fault", {"code": 20023}),
    ("HTTP 502 with an HTML page", "http", {"status": 502}),
    ("delay of 0.2 s", "delay", {"seconds": 0.2}),
    ("dropped connection", "drop", {}),
    ("dropped connection after processing", "drop", {"after_processing": True}),
    ("truncated body", "truncate", {}),
)
WORKERS = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("faults scenario")
    group.add_argument(
        "--fault-objects", type=int, default=10_000, help="objects synced per fault kind (default: 10000)"
    )
    group.add_argument(
        "--shared-rows",
        type=int,
        default=2_000,
        help="rows each of the two processes sharing the limits syncs (default: 2000)",
    )


@dataclass(frozen=True)
class KindOutcome:
    label: str
    seconds: float
    injected: int  # failures the emulator injected
    calls: int  # syncCustomObjects calls it answered
    reported_once: bool
    failed: int  # objects reported FAILED
    statuses: dict[str, int]
    same_state: bool


def _objects(count: int) -> list[Any]:
    from mktows import CustomObject

    return [
        CustomObject(keys={"MKTOID": str(3_000_000 + i), "rid": f"f{i}"}, attributes={"city": f"c{i % 97}"})
        for i in range(count)
    ]


def _sync(objects: list[Any], workdir: Path, name: str, injection: tuple[str, dict[str, Any]] | None) -> Any:
    """Sync ``objects`` against a fresh emulator in its own process, every tenth syncCustomObjects call failing
    with ``injection`` (set through its admin path); the report, the final records (read from its database
    after it stopped), the seconds, the failures it injected and the syncCustomObjects calls it answered."""
    from mktows import Client, Limits

    with Served(workdir / f"{name}.sqlite3", workdir, {"limits": LIMITS_OFF}, admin=True) as served:
        injection_id = None
        if injection is not None:
            kind, options = injection
            spec = {"kind": kind, "operation": "syncCustomObjects", "count": None, "every": 10, **options}
            injection_id = served.admin_post("inject", spec)["id"]
        limits = Limits(None, 1.0, 10)  # the emulator enforces no rate here: only the injected faults happen
        with Client(
            served.endpoint, served.user.user_id, served.user.encryption_key, limits=limits
        ) as client:
            started = time.perf_counter()
            report = client.sync_custom_objects("RoadShow", objects, max_workers=WORKERS)
            seconds = time.perf_counter() - started
        fired = sum(i["fired"] for i in served.admin_get("inject") if i["id"] == injection_id)
        calls = sum(served.admin_get("calls")["totals"].get("syncCustomObjects", {}).values())
    with served.stored() as stored:
        state = sorted(
            (o["keys"]["MKTOID"], o["keys"]["rid"], tuple(sorted(o["attributes"].items())))
            for o in stored.custom_objects("RoadShow")
        )
    return report, state, seconds, fired, calls


SHARED_PROCESSES = 2
SHARED_BATCH = 20
MARKETO_RATE, MARKETO_WINDOW = 100, 20.0  # the emulator's default limits, as Marketo's


@dataclass(frozen=True)
class SharedOutcome:
    rows: int  # per process
    seconds: float
    bound: float  # the fewest seconds the service's rate allows for all the calls
    exit_codes: list[int]
    reported: list[int]  # report rows per process
    failed: int  # FAILED rows over both reports
    waits: int  # pauses for the service's limits the processes announced

    @property
    def passed(self) -> bool:
        return (
            self.exit_codes == [0] * SHARED_PROCESSES and self.reported == [self.rows] * SHARED_PROCESSES
        ) and not self.failed


def shared_limits(rows: int, workdir: Path) -> SharedOutcome:
    """Two CLI processes started together against one emulator process with Marketo's default limits."""
    server = Served(workdir / "shared.sqlite3", workdir)
    env = {
        **os.environ,
        "MKTOWS_ENDPOINT": server.endpoint,
        "MKTOWS_USER_ID": server.user.user_id,
        "MKTOWS_ENCRYPTION_KEY": server.user.encryption_key,
    }
    try:
        commands, reports = [], []
        for n in range(SHARED_PROCESSES):
            source, report = workdir / f"shared{n}.csv", workdir / f"shared{n}-report.csv"
            with source.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["MKTOID", "rid", "city"])
                writer.writerows([4_000_000 + i, f"p{n}-{i}", f"c{i % 97}"] for i in range(rows))
            commands.append(
                [
                    sys.executable,
                    "-m",
                    "mktows.cli",
                    "sync-custom-objects",
                    "--type",
                    "RoadShow",
                    "--keys",
                    "MKTOID,rid",
                    "--batch-size",
                    str(SHARED_BATCH),
                    "--report",
                    str(report),
                    str(source),
                ]
            )
            reports.append(report)
        started = time.perf_counter()
        children = [
            subprocess.Popen(c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for c in commands
        ]
        errors = [child.communicate()[1] for child in children]
        seconds = time.perf_counter() - started
    finally:
        server.close()
    statuses: list[list[str]] = []
    for report in reports:
        if not report.exists():
            statuses.append([])
            continue
        with report.open(encoding="utf-8", newline="") as handle:
            statuses.append([row["status"] for row in csv.DictReader(handle)])
    calls = SHARED_PROCESSES * -(-rows // SHARED_BATCH)
    bound = max(0, calls - MARKETO_RATE) / MARKETO_RATE * MARKETO_WINDOW
    return SharedOutcome(
        rows=rows,
        seconds=seconds,
        bound=bound,
        exit_codes=[child.returncode for child in children],
        reported=[len(s) for s in statuses],
        failed=sum(s.count("FAILED") for s in statuses),
        waits=sum(err.count("waiting") for err in errors),
    )


def _shared_lines(shared: SharedOutcome) -> tuple[str, str]:
    detail = (
        f"{SHARED_PROCESSES} processes x {shared.rows:,} rows in calls of {SHARED_BATCH}, Marketo's limits "
        f"({MARKETO_RATE} calls per {MARKETO_WINDOW:g} s, 10 in flight): {shared.seconds:.1f} s against the "
        f"{shared.bound:.0f} s the service's rate allows at best ({shared.seconds / max(shared.bound, 1e-9):.2f}x); "
        f"exit codes {shared.exit_codes}, report rows {shared.reported}, FAILED {shared.failed}, "
        f"pauses for the limits {shared.waits}"
    )
    goal = (
        f"{'PASS' if shared.passed else 'FAIL'}  two runs sharing one API user under Marketo's default limits "
        "both finish, no object FAILED"
    )
    return detail, goal


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> BulkOutcome:
    missing = missing_parts()
    if missing:
        raise BulkUnavailable(f"the faults scenario is pending: this tree has no {', '.join(missing)}")
    objects = _objects(args.fault_objects)
    outcomes: list[KindOutcome] = []
    with tempfile.TemporaryDirectory(prefix="mktows-bench-faults-") as tmp:
        workdir = Path(tmp)
        echo(f"faults: {len(objects):,} objects without faults (the reference state)")
        _, reference_state, _, _, _ = _sync(objects, workdir, "reference", None)
        for index, (label, kind, options) in enumerate(KINDS):
            echo(f"faults: {len(objects):,} objects, every 10th call: {label}")
            report, state, seconds, injected, calls = _sync(objects, workdir, f"kind{index}", (kind, options))
            outcomes.append(
                KindOutcome(
                    label=label,
                    seconds=seconds,
                    injected=injected,
                    calls=calls,
                    reported_once=[r.index for r in report.results] == list(range(len(objects))),
                    failed=len(report.failed),
                    statuses={status.value: n for status, n in report.counts.items()},
                    same_state=state == reference_state,
                )
            )
    echo(f"faults: two processes of {args.shared_rows:,} rows sharing one API user, Marketo's limits")
    with tempfile.TemporaryDirectory(prefix="mktows-bench-shared-") as tmp:
        shared = shared_limits(args.shared_rows, Path(tmp))
    shared_detail, shared_goal = _shared_lines(shared)
    rows = [
        f"{o.label}: {o.seconds:.1f} s, {o.injected} of {o.calls} calls hit; statuses {o.statuses}; "
        f"every object reported once: {'yes' if o.reported_once else 'NO'}; final state equal to the run "
        f"without faults: {'yes' if o.same_state else 'NO'}"
        for o in outcomes
    ]
    passed = all(o.reported_once and o.same_state and not o.failed and o.injected > 0 for o in outcomes)
    goal = (
        f"{'PASS' if passed else 'FAIL'}  10 % of calls failing, {len(KINDS)} kinds: every object reported once, "
        "none FAILED, final state equal to a run without faults"
    )
    text = "\n".join(
        ["", "Faults (PRODUCT.md section 7):", *rows, goal, "", "Shared limits:", shared_detail, shared_goal]
    )
    markdown = [
        "## Faults (PRODUCT.md section 7)",
        "",
        f"`Client.sync_custom_objects` of {len(objects):,} objects ({WORKERS} workers, default retry policy) "
        "against a fresh emulator per kind in its own process, every 10th syncCustomObjects call failing with "
        "that kind (injected through its admin path); the final state, read from its database after it stopped, "
        "is compared with a run without faults.",
        "",
        *(f"- {row}" for row in rows),
        f"- {goal}",
        "",
        "## Shared limits (PRODUCT.md section 7)",
        "",
        "Two `mktows sync-custom-objects` processes started together with one API user against the emulator in "
        "its own process with its default limits (Marketo's); the bound is the time the service's rate needs "
        "for all their calls after a first full window.",
        "",
        f"- {shared_detail}",
        f"- {shared_goal}",
    ]
    return BulkOutcome(text=text, markdown=markdown, failed=not (passed and shared.passed))
