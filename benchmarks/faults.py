"""The faults goal of PRODUCT.md section 7: with 10 % of calls failing, each injected kind in turn, a
10,000-object sync reports every object exactly once and leaves the emulator in the state a run without faults
leaves.

Each kind runs on a fresh emulator (service-side limits off, so only the injected failures happen) with
``every=10``: every tenth syncCustomObjects call fails. The client runs with its default retry policy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bulk import BulkOutcome, BulkUnavailable, missing_parts

KINDS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("SOAP fault 10001 (internal error)", "fault", {"code": 10001}),
    ("SOAP fault 20023 (rate limit)", "fault", {"code": 20023}),
    ("HTTP 502 with an HTML page", "http", {"status": 502}),
    ("delay of 0.2 s", "delay", {"seconds": 0.2}),
    ("dropped connection", "drop", {}),
    ("dropped connection after processing", "drop", {"after_processing": True}),
    ("truncated body", "truncate", {}),
)
UNLIMITED = {"rate_calls": None, "max_concurrent": None, "daily_quota": None}
WORKERS = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("faults scenario")
    group.add_argument(
        "--fault-objects", type=int, default=10_000, help="objects synced per fault kind (default: 10000)"
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
    from mktows import Client, Limits
    from mktows.emulator import Emulator

    with Emulator(db_path=workdir / f"{name}.sqlite3", limits=UNLIMITED) as emulator:
        fired = None
        if injection is not None:
            kind, options = injection
            fired = emulator.inject("syncCustomObjects", kind, count=None, every=10, **options)
        limits = Limits(None, 1.0, 10)  # the emulator enforces no rate here: only the injected faults happen
        with Client(emulator.endpoint, emulator.user_id, emulator.encryption_key, limits=limits) as client:
            started = time.perf_counter()
            report = client.sync_custom_objects("RoadShow", objects, max_workers=WORKERS)
            seconds = time.perf_counter() - started
        state = sorted(
            (o["keys"]["MKTOID"], o["keys"]["rid"], tuple(sorted(o["attributes"].items())))
            for o in emulator.state.custom_objects("RoadShow")
        )
        calls = sum(1 for call in emulator.calls if call.operation == "syncCustomObjects")
        return report, state, seconds, (fired.fired if fired else 0), calls


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
    text = "\n".join(["", "Faults (PRODUCT.md section 7):", *rows, goal])
    markdown = [
        "## Faults (PRODUCT.md section 7)",
        "",
        f"`Client.sync_custom_objects` of {len(objects):,} objects ({WORKERS} workers, default retry policy) "
        "against a fresh emulator per kind, every 10th syncCustomObjects call failing with that kind; the final "
        "state is compared with a run without faults.",
        "",
        *(f"- {row}" for row in rows),
        f"- {goal}",
    ]
    return BulkOutcome(text=text, markdown=markdown, failed=not passed)
