"""Render benchmark results: a terminal table and ``benchmarks/RESULTS.md`` with the machine they ran on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.codec_bench import LIBRARIES, STEPS, CaseResult, Goal
from benchmarks.timing import Stats, format_duration

RESULTS_FILE = Path(__file__).with_name("RESULTS.md")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages of the machine now."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def machine() -> dict[str, str]:
    """Where and with what the numbers were taken."""
    from lxml import etree

    from mktows_generated import _source

    libxml2 = ".".join(str(part) for part in etree.LIBXML_VERSION)
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": f"{_cpu()} ({os.cpu_count()} logical CPUs)",
        "load average (1, 5, 15 min) at the start": load_average(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "mktows": _version("mktows"),
        "xsdata": _version("xsdata"),
        "lxml": f"{_version('lxml')} (libxml2 {libxml2})",
        "zeep": _version("zeep"),
        "WSDL": f"{_source.WSDL_VERSION} ({_source.WSDL_FILE}, sha256 {_source.WSDL_SHA256[:12]}...)",
    }


def _cell(stats: Stats | None) -> str:
    if stats is None:
        return "-"
    return f"{format_duration(stats.median)} ±{stats.spread * 50:.0f}%"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def _mark(goal: Goal) -> str:
    return {True: "PASS", False: "FAIL", None: "not measured"}[goal.passed]


def case_table(result: CaseResult, libraries: list[str]) -> list[list[str]]:
    rows = [["library", *STEPS]]
    for library in [name for name in LIBRARIES if name in libraries]:
        steps = result.stats.get(library, {})
        rows.append([library, *(_cell(steps.get(step)) for step in STEPS)])
    return rows


def ratio_rows(result: CaseResult) -> list[list[str]]:
    rows = [["ratio", *STEPS]]
    for other in ("zeep", "xsdata"):
        rows.append([f"{other} / mktows", *(_ratio(result.ratio((other, s), ("mktows", s))) for s in STEPS)])
    rows.append(
        ["mktows / lxml parse", "-", _ratio(result.ratio(("mktows", "decode"), ("lxml", "decode"))), "-"]
    )
    return rows


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows
    )


def _markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def goal_lines(goals: list[Goal]) -> list[str]:
    comparison = {True: "≥", False: "≤"}
    return [
        f"{_mark(goal)}  {goal.text}: {_ratio(goal.value)} (goal {comparison[goal.at_least]} {goal.target:g}x)"
        for goal in goals
    ]


def terminal(results: list[CaseResult], goals: list[Goal], libraries: list[str]) -> str:
    parts = []
    for result in results:
        parts += ["", result.workload.title, _text_table(case_table(result, libraries)), ""]
        parts.append(_text_table(ratio_rows(result)))
    if goals:
        parts += ["", "Goals (PRODUCT.md section 7, syncCustomObjects case):", *goal_lines(goals)]
    parts.append("")
    parts.append("Cells: median per call ±half the interquartile range, as % of the median.")
    return "\n".join(parts)


def markdown(
    results: list[CaseResult],
    goals: list[Goal],
    libraries: list[str],
    options: dict[str, Any],
    extra: list[str],
    host: dict[str, str],
) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks`; every number below comes from the one run described here.",
        "",
        "## Machine and versions",
        "",
        *(f"- {key}: {value}" for key, value in host.items()),
        f"- command: `python -m benchmarks {' '.join(sys.argv[1:])}`".rstrip(),
        f"- repeats (codec): up to {options['repeats']} per cell (at least 5; each cell stops after "
        f"{options['budget']:g} s), after 3 warm-up calls; garbage collector paused during each call, as timeit does",
    ]
    if results:
        lines += [
            "",
            "## Codec speed",
            "",
            "Cells give the median time per call ±half the interquartile range (as % of the median). `mktows` "
            "is `mktows.codec` (the generated fast codec); `xsdata` is the same call with `reference=True` "
            "(xsdata's generic serializer and parser); `zeep` is zeep on the same WSDL; `lxml` is "
            "`lxml.etree.fromstring` of the same response bytes. `both` runs encode then decode in one call.",
        ]
    for result in results:
        workload = result.workload
        lines += [
            "",
            f"### {workload.title}",
            "",
            f"Response document: {len(workload.response_bytes):,} bytes.",
            "",
            _markdown_table(case_table(result, libraries)),
            "",
            _markdown_table(ratio_rows(result)),
        ]
    if goals:
        lines += ["", "### Goals (PRODUCT.md section 7)", ""]
        lines += [f"- {line}" for line in goal_lines(goals)]
    lines += extra
    return "\n".join(lines) + "\n"


def write(text: str, path: Path = RESULTS_FILE) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
