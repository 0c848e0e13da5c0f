"""Command line: ``python -m benchmarks [codec] [bulk] [faults] [emulator] [bridge] [--cases ...] [--libraries ...] [--repeats N]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import bridge, bulk, codec_bench, emulator_scale, faults, report
from benchmarks.workloads import WORKLOADS

SCENARIOS = ("codec", "bulk", "faults", "emulator", "bridge")


def _list(allowed: tuple[str, ...]) -> argparse._ActionType:
    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma-separated)")
        return items

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"what to run: any of {', '.join(SCENARIOS)} (default: codec; bulk, faults, emulator and bridge take minutes)",
    )
    parser.add_argument(
        "--cases",
        type=_list(tuple(WORKLOADS)),
        default=list(WORKLOADS),
        help=f"codec cases, comma-separated (default: {','.join(WORKLOADS)})",
    )
    parser.add_argument(
        "--libraries",
        type=_list(codec_bench.LIBRARIES),
        default=list(codec_bench.LIBRARIES),
        help=f"codec libraries, comma-separated (default: {','.join(codec_bench.LIBRARIES)})",
    )
    parser.add_argument("--repeats", type=int, default=50, help="timed calls per cell (default: 50)")
    parser.add_argument(
        "--budget", type=float, default=6.0, help="seconds after which a cell stops repeating (default: 6)"
    )
    parser.add_argument(
        "--results", type=Path, default=report.RESULTS_FILE, help="where to write the Markdown results"
    )
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    bulk.add_arguments(parser)
    faults.add_arguments(parser)
    emulator_scale.add_arguments(parser)
    bridge.add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    scenarios = args.scenarios or ["codec"]
    unknown = [name for name in scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if args.repeats < 1:
        print("--repeats must be at least 1", file=sys.stderr)
        return 2
    if args.bridge_repeats < 5 or args.bridge_objects < bridge.PER_CALL:
        print(
            f"--bridge-repeats must be at least 5, --bridge-objects at least {bridge.PER_CALL}",
            file=sys.stderr,
        )
        return 2

    def echo(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    host = report.machine()  # before the run: the load average then is the one that matters
    results: list[codec_bench.CaseResult] = []
    goals: list[codec_bench.Goal] = []
    extra: list[str] = []
    failed = False
    try:
        if "codec" in scenarios:
            results = codec_bench.run(args.cases, args.libraries, args.repeats, args.budget, echo)
            goals = codec_bench.goals(results)
            print(report.terminal(results, goals, args.libraries))
            failed = any(goal.passed is False for goal in goals)
            bound = codec_bench.element_bound(args.repeats, args.budget, echo).lines()
            print("\n".join(["", *bound]))
            extra += ["", *bound]
        if "bulk" in scenarios:
            outcome = bulk.run(args, echo)
            print(outcome.text)
            extra += ["", *outcome.markdown]
            failed = failed or outcome.failed
        if "faults" in scenarios:
            outcome = faults.run(args, echo)
            print(outcome.text)
            extra += ["", *outcome.markdown]
            failed = failed or outcome.failed
        if "emulator" in scenarios:
            outcome = emulator_scale.run(args, echo)
            print(outcome.text)
            extra += ["", *outcome.markdown]
            failed = failed or outcome.failed
        if "bridge" in scenarios:
            outcome = bridge.run(args, echo)
            print(outcome.text)
            extra += ["", *outcome.markdown]
            failed = failed or outcome.failed
    except (codec_bench.BenchmarkError, bulk.BulkUnavailable) as exc:
        print(f"benchmarks: {exc}", file=sys.stderr)
        return 2
    host["load average (1, 5, 15 min) at the end"] = report.load_average()
    if not args.no_write:
        text = report.markdown(
            results, goals, args.libraries, {"repeats": args.repeats, "budget": args.budget}, extra, host
        )
        print(f"results written to {report.write(text, args.results)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
