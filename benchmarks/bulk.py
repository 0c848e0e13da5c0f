"""The bulk scenario of PRODUCT.md section 7: throughput against the emulator's limits, and streaming memory.

- Throughput: ``--bulk-objects`` (20,000) RoadShow objects through ``Client.sync_custom_objects`` (10 workers)
  against the emulator with its limits scaled down (100 calls per 2 s, 10 concurrent, 50 ms latency) and the
  client's limits set to match. Reported: objects per second against the ceiling
  min(rate, concurrency / latency) x 100 objects per call (goal: at least 90 %), and the rate and concurrency
  faults (20023, 20024) the emulator answered (goal: none).
- Memory: ``mktows sync-custom-objects`` in a child process streaming a ``--csv-rows`` (1,000,000) row CSV, with
  a report file, to the emulator; peak resident memory of that process (goal: under 150 MB). The emulator's
  limits are off and the CLI runs with ``--rate off``: at Marketo's 100 calls per 20 s a million rows would take
  over half an hour (calls in flight stay at 10).

Both runs use a fresh emulator database in a temporary folder, served by ``python -m mktows.emulator`` in its
own process (``served.Served``), as users run it.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OBJECTS_PER_CALL = 100
RATE_CALLS, RATE_WINDOW, CONCURRENT, LATENCY = 100, 2.0, 10, 0.05  # the scaled-down limits
SCALED_LIMITS = {
    "rate_calls": RATE_CALLS,
    "rate_window": RATE_WINDOW,
    "max_concurrent": CONCURRENT,
    "daily_quota": None,
}
THROUGHPUT_GOAL = 0.90
MEMORY_GOAL_MB = 150.0
LIMIT_FAULTS = (20023, 20024)  # rate limit, concurrency limit


class BulkUnavailable(Exception):
    """The bulk scenario cannot run in this tree (a part it drives is missing)."""


@dataclass
class BulkOutcome:
    """What the scenario prints, what it adds to RESULTS.md, and whether a goal failed."""

    text: str
    markdown: list[str] = field(default_factory=list)
    failed: bool = False


def missing_parts() -> list[str]:
    """The parts of mktows the bulk scenario drives that this tree does not have."""
    missing = []
    if importlib.util.find_spec("mktows.emulator") is None:
        missing.append("the emulator (mktows.emulator)")
    try:
        from mktows.client import Client
    except ImportError:
        missing.append("the client (mktows.client.Client)")
    else:
        if not hasattr(Client, "sync_custom_objects"):
            missing.append("Client.sync_custom_objects")
    if importlib.util.find_spec("mktows.cli") is None:
        missing.append("the CLI (mktows.cli)")
    return missing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("bulk scenario")
    group.add_argument(
        "--bulk-objects", type=int, default=20_000, help="objects synced for throughput (default: 20000)"
    )
    group.add_argument(
        "--csv-rows",
        type=int,
        default=1_000_000,
        help="rows of the CSV streamed for memory (default: 1000000)",
    )


def roadshow_objects(count: int, first: int = 1_000_000) -> list[Any]:
    """``count`` new RoadShow objects, MKTOID from ``first`` on."""
    from mktows import CustomObject

    return [
        CustomObject(
            keys={"MKTOID": str(first + i), "rid": f"rid{i}"},
            attributes={"city": "San Mateo", "zip": "94404", "state": "CA"},
        )
        for i in range(count)
    ]


def ceiling(rate_calls: int, rate_window: float, concurrency: int, latency: float, per_call: int) -> float:
    """Objects per second the limits allow: min(rate, concurrency / latency) x objects per call."""
    return min(rate_calls / rate_window, concurrency / latency) * per_call


@dataclass(frozen=True)
class Throughput:
    objects: int
    seconds: float
    ceiling: float  # objects per second
    statuses: dict[str, int]
    faults: dict[int, int]
    # measured by the bulk scenario: processor seconds of the benchmark's process (the client) and of the
    # emulator (where the platform tells) during the sync, and the 1-minute load average when it ended
    client_cpu: float | None = None
    server_cpu: float | None = None
    load_after: float | None = None

    def usage(self) -> str:
        """The processor time and load measured with the sync, as a clause of the details line."""
        seconds = {"client": self.client_cpu, "emulator": self.server_cpu}
        spent = ", ".join(f"{who} {'unknown' if s is None else f'{s:.2f} s'}" for who, s in seconds.items())
        load = "unknown" if self.load_after is None else f"{self.load_after:.1f}"
        return f"processor time during the sync: {spent}; load average {load} when it ended"

    @property
    def rate(self) -> float:
        return self.objects / self.seconds

    @property
    def share(self) -> float:
        return self.rate / self.ceiling


def throughput(count: int, workdir: Path) -> Throughput:
    """Sync ``count`` objects with the client against the emulator, in its own process, with scaled-down
    limits; the rate and concurrency faults come from its call totals (admin path)."""
    from benchmarks.served import Served  # served.py imports this module
    from mktows import Client, Limits

    objects = roadshow_objects(count)
    config = {"limits": SCALED_LIMITS, "settings": {"latency": LATENCY}}
    with Served(workdir / "throughput.sqlite3", workdir, config, admin=True) as served:
        limits = Limits(RATE_CALLS, RATE_WINDOW, CONCURRENT)
        with Client(
            served.endpoint, served.user.user_id, served.user.encryption_key, limits=limits
        ) as client:
            server_before, client_before = served.processor_seconds(), time.process_time()
            started = time.perf_counter()
            report = client.sync_custom_objects(
                "RoadShow", objects, operation="UPSERT", max_workers=CONCURRENT
            )
            seconds = time.perf_counter() - started
            client_cpu, server_after = time.process_time() - client_before, served.processor_seconds()
            load_after = os.getloadavg()[0]
        server_cpu = None if server_before is None or server_after is None else server_after - server_before
        totals: dict[str, dict[str, int]] = served.admin_get("calls")["totals"]
    faults = {code: sum(outcomes.get(str(code), 0) for outcomes in totals.values()) for code in LIMIT_FAULTS}
    statuses = {status.value: n for status, n in report.counts.items()}
    top = ceiling(RATE_CALLS, RATE_WINDOW, CONCURRENT, LATENCY, OBJECTS_PER_CALL)
    return Throughput(count, seconds, top, statuses, faults, client_cpu, server_cpu, load_after)


@dataclass(frozen=True)
class Streaming:
    rows: int
    seconds: float
    peak_mb: float
    exit_code: int
    stored: int  # objects the emulator holds afterwards
    reported: int  # rows of the CLI's report file
    stderr_tail: str


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["MKTOID", "rid", "city", "zip", "state"])
        for i in range(rows):
            writer.writerow([2_000_000 + i, f"r{i}", "San Mateo", "94404", "CA"])


def streaming(rows: int, workdir: Path, echo: Callable[[str], None]) -> Streaming:
    """Stream a ``rows``-row CSV through ``mktows sync-custom-objects`` to the emulator in its own process and
    measure the CLI's peak memory; the objects stored are counted in the database after each server stopped."""
    from benchmarks.served import LIMITS_OFF, Served  # served.py imports this module

    source, report = workdir / "roadshow.csv", workdir / "report.csv"
    _write_csv(source, rows)
    echo(f"  wrote {rows:,} rows ({source.stat().st_size / 1e6:.0f} MB); streaming them through the CLI")
    db, config = workdir / "streaming.sqlite3", {"limits": LIMITS_OFF}
    with Served(db, workdir, config) as served:  # a first start seeds the new database
        pass
    with served.stored() as state:
        before = state.counts()["custom_objects"]
    with Served(db, workdir, config) as served:
        env = {
            **os.environ,
            "MKTOWS_ENDPOINT": served.endpoint,
            "MKTOWS_USER_ID": served.user.user_id,
            "MKTOWS_ENCRYPTION_KEY": served.user.encryption_key,
        }
        command = [sys.executable, "-m", "mktows.cli", "sync-custom-objects", str(source), "--rate", "off"]
        command += ["--type", "RoadShow", "--keys", "MKTOID,rid", "--workers", "10", "--report", str(report)]
        errors = workdir / "stderr.txt"
        started = time.perf_counter()
        with errors.open("wb") as stderr:
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    with served.stored() as state:
        stored = state.counts()["custom_objects"] - before
    reported = 0
    if report.exists():
        with report.open("rb") as handle:
            reported = sum(1 for _ in handle) - 1  # minus the header row
    tail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
    return Streaming(
        rows, seconds, usage.ru_maxrss / 1024, child.returncode, stored, reported, "\n".join(tail)
    )


def mark(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def outcome(title: str, method: str, details: list[str], goals: list[tuple[bool, str]]) -> BulkOutcome:
    """A scenario's printed lines and RESULTS section: its title, how it measured (``method``, Markdown only),
    the measured ``details`` and each goal marked PASS or FAIL."""
    marked = [f"{mark(ok)}  {line}" for ok, line in goals]
    return BulkOutcome(
        text="\n".join(["", f"{title}:", *details, *marked]),
        markdown=[f"## {title}", "", method, "", *(f"- {line}" for line in [*details, *marked])],
        failed=not all(ok for ok, _ in goals),
    )


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> BulkOutcome:
    missing = missing_parts()
    if missing:
        raise BulkUnavailable(f"the bulk scenario is pending: this tree has no {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="mktows-bench-") as tmp:
        workdir = Path(tmp)
        echo(f"bulk: {args.bulk_objects:,} objects against the emulator with scaled-down limits")
        sync = throughput(args.bulk_objects, workdir)
        echo(f"bulk: streaming memory of the CLI, {args.csv_rows:,} rows")
        stream = streaming(args.csv_rows, workdir, echo)
    fault_total = sum(sync.faults.values())
    complete = stream.exit_code == 0 and stream.stored == stream.rows and stream.reported == stream.rows
    goals = [
        (
            sync.share >= THROUGHPUT_GOAL,
            f"throughput {sync.rate:,.0f} objects/s = {sync.share:.0%} of the {sync.ceiling:,.0f}/s ceiling "
            f"(goal ≥ {THROUGHPUT_GOAL:.0%})",
        ),
        (fault_total == 0, f"rate/concurrency faults answered: {fault_total} (goal 0)"),
        (
            stream.peak_mb < MEMORY_GOAL_MB and complete,
            f"CLI peak memory streaming {stream.rows:,} rows: {stream.peak_mb:.0f} MB (goal < {MEMORY_GOAL_MB:g} MB)"
            + ("" if complete else "; the run did not complete"),
        ),
    ]
    details = [
        f"{sync.objects:,} objects in {sync.seconds:.2f} s; statuses {sync.statuses}; "
        f"faults by code {sync.faults}; limits {SCALED_LIMITS}, latency {LATENCY * 1000:g} ms, 10 workers; "
        + sync.usage(),
        f"{stream.rows:,} rows in {stream.seconds:.0f} s ({stream.rows / stream.seconds:,.0f} rows/s), exit code "
        f"{stream.exit_code}, {stream.stored:,} objects stored, {stream.reported:,} report rows",
    ]
    if not complete and stream.stderr_tail:
        details.append(f"CLI stderr: {stream.stderr_tail}")
    method = (
        "The emulator runs in its own process (`python -m mktows.emulator`). Throughput: "
        "`Client.sync_custom_objects` with 10 workers against the emulator with its limits scaled down, the "
        "client's limits set to match; faults counted from the emulator's call totals. Memory: `mktows "
        "sync-custom-objects` (with `--report`, 10 workers) in a child process streaming a CSV to the "
        "emulator; peak resident set size of that process; objects stored counted in the database afterwards. "
        "The child runs with `--rate off` (no client-side call rate; 10 calls in flight), as the emulator's limits are off."
    )
    return outcome("Bulk (PRODUCT.md section 7)", method, details, goals)
