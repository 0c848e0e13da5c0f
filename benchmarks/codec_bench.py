"""The codec scenario: encode, decode and both, side by side for mktows, xsdata, zeep and lxml's bare parse.

- ``mktows``: ``mktows.codec`` as users call it (the generated fast codec).
- ``xsdata``: the same calls with ``reference=True``: xsdata's generic serializer and parser.
- ``zeep``: zeep 4 on the same WSDL (see zeep_side.py).
- ``lxml``: ``lxml.etree.fromstring`` of the response bytes and nothing else: the floor for decoding.

Before timing, the scenario checks that mktows writes the reference's bytes and decodes the expected objects
without handing anything to the reference, so the numbers are the fast path's.

``element_bound`` measures what the codec's element bound (``MAX_DOCUMENT_ELEMENTS``) costs: the decode of the
largest legitimate page with the bound and with it switched off, side by side, and the check alone.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from benchmarks.timing import WARMUP, Stats, measure, stats_of
from benchmarks.workloads import WORKLOADS, Workload, largest_page
from mktows import codec
from mktows_generated import _fastcodec

LIBRARIES = ("mktows", "xsdata", "zeep", "lxml")
STEPS = ("encode", "decode", "both")

ZEEP_GOAL = 10.0
"""mktows must encode the 100-object syncCustomObjects request and decode its response this many times faster."""
PARSE_GOAL = 5.0
"""mktows must decode that response within this multiple of lxml's bare parse of the same bytes."""
GOAL_CASE = "sync_custom_objects"


class BenchmarkError(Exception):
    """The benchmark cannot run as asked (a library missing, or mktows not on its fast path)."""


@dataclass
class CaseResult:
    """Timings of one workload: library -> step -> stats (absent where a library has no such step)."""

    workload: Workload
    stats: dict[str, dict[str, Stats]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def median(self, library: str, step: str) -> float | None:
        found = self.stats.get(library, {}).get(step)
        return found.median if found else None

    def ratio(self, slower: tuple[str, str], faster: tuple[str, str]) -> float | None:
        """median(slower) / median(faster), or None when either was not measured."""
        numerator, denominator = self.median(*slower), self.median(*faster)
        if numerator is None or not denominator:
            return None
        return numerator / denominator


@dataclass(frozen=True)
class Goal:
    """One measured goal of PRODUCT.md section 7 and whether this run met it."""

    text: str
    value: float | None
    target: float
    at_least: bool

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target


def _check_fast_path(workload: Workload) -> None:
    """Refuse to time mktows unless it writes the reference's bytes and decodes on its own fast path."""
    obj, op = workload.encode_object, workload.operation
    written = _fastcodec.encode(obj, workload.encode_is_response)  # raises Fallback if not handled
    if written != codec.encode(obj, reference=True):
        raise BenchmarkError(f"{workload.name}: the fast encoder does not write the reference's bytes")
    decoded = _fastcodec.decode(op.output, codec.parse_xml(workload.response_bytes))
    if (
        decoded != workload.response
        or codec.decode_response(op, workload.response_bytes) != workload.response
    ):
        raise BenchmarkError(f"{workload.name}: the fast decoder does not give back the response")


def _calls(workload: Workload, library: str, zeep: Any) -> dict[str, Callable[[], Any]]:
    op, obj, data = workload.operation, workload.encode_object, workload.response_bytes
    if library in ("mktows", "xsdata"):
        reference = library == "xsdata"

        def encode() -> bytes:
            return codec.encode(obj, reference=reference)

        def decode() -> Any:
            return codec.decode_response(op, data, reference=reference)

    elif library == "zeep":
        if workload.encode_is_response:
            encode = zeep.response_encoder(op.name, obj, op.success_field)
        else:
            encode = zeep.request_encoder(op.name, obj, op.params_field)
        decode = zeep.decoder(op.name, data)
    else:  # lxml: the bare parse is the floor for decoding; it encodes nothing
        return {"decode": lambda: etree.fromstring(data)}

    def both() -> None:
        encode()
        decode()

    return {"encode": encode, "decode": decode, "both": both}


def run(
    cases: list[str],
    libraries: list[str],
    repeats: int,
    budget: float,
    echo: Callable[[str], None],
) -> list[CaseResult]:
    """Measure every (case, library, step); ``echo`` reports progress."""
    zeep = None
    if "zeep" in libraries:
        try:
            from benchmarks.zeep_side import ZeepSide

            zeep = ZeepSide()
        except ImportError as exc:
            raise BenchmarkError(
                f"zeep is not installed ({exc}); install the benchmarks extra or drop zeep"
            ) from None
    results = []
    for name in cases:
        workload = WORKLOADS[name]()
        echo(f"{workload.title}: {len(workload.response_bytes):,}-byte response")
        _check_fast_path(workload)
        result = CaseResult(workload)
        for library in libraries:
            result.stats[library] = {}
            for step, call in _calls(workload, library, zeep).items():
                stats = measure(call, repeats, budget)
                result.stats[library][step] = stats
                echo(f"  {library:<7} {step:<7} median {stats.median * 1e3:9.3f} ms  (n={stats.n})")
        results.append(result)
    return results


def goals(results: list[CaseResult]) -> list[Goal]:
    """The two codec-speed goals, from the syncCustomObjects case (absent if that case was not run)."""
    for result in results:
        if result.workload.name == GOAL_CASE:
            return [
                Goal(
                    "encode request + decode response, zeep time / mktows time",
                    result.ratio(("zeep", "both"), ("mktows", "both")),
                    ZEEP_GOAL,
                    at_least=True,
                ),
                Goal(
                    "decode response, mktows time / lxml bare parse time",
                    result.ratio(("mktows", "decode"), ("lxml", "decode")),
                    PARSE_GOAL,
                    at_least=False,
                ),
            ]
    return []


@dataclass(frozen=True)
class BoundCost:
    """The decode of the largest legitimate page with and without the element bound, and the check alone."""

    workload: Workload
    elements: int
    with_bound: Stats
    without_bound: Stats
    check: Stats

    def lines(self) -> list[str]:
        """The result as Markdown lines (also fine on a terminal)."""
        change = self.with_bound.median / self.without_bound.median - 1
        return [
            f"### Element bound: {self.workload.title}",
            "",
            f"Response document: {len(self.workload.response_bytes):,} bytes, {self.elements:,} elements "
            f"(the bound: {codec.MAX_DOCUMENT_ELEMENTS:,}). Medians ±half the interquartile range; the two "
            "decodes alternate call by call.",
            "",
            f"- decode, bound on: {_ms(self.with_bound)}",
            f"- decode, bound off: {_ms(self.without_bound)}",
            f"- difference: {change:+.1%}; the check alone: {_ms(self.check)}",
        ]


def _ms(stats: Stats) -> str:
    return f"{stats.median * 1e3:.2f} ms ±{stats.spread / 2:.1%} (n={stats.n})"


def element_bound(repeats: int, budget: float, echo: Callable[[str], None]) -> BoundCost:
    """Time the decode of the largest legitimate page with the element bound on and off.

    The two alternate call by call (on, off, on, ...), so a busy machine slows both alike.
    """
    workload = largest_page()
    op, data = workload.operation, workload.response_bytes
    elements = sum(1 for _ in etree.fromstring(data).iter())
    echo(f"{workload.title}: {len(data):,}-byte response, {elements:,} elements")
    bound = codec.MAX_DOCUMENT_ELEMENTS
    samples: dict[bool, list[float]] = {True: [], False: []}
    started = time.perf_counter()
    try:
        for index in range(2 * (repeats + WARMUP)):
            on = index % 2 == 0
            # a document of len(data) bytes cannot hold len(data) elements: the check is skipped, as before it
            codec.MAX_DOCUMENT_ELEMENTS = bound if on else len(data)
            gc.collect()
            gc.disable()
            try:
                before = time.perf_counter()
                codec.decode_response(op, data)
                elapsed = time.perf_counter() - before
            finally:
                gc.enable()
            if index >= 2 * WARMUP:
                samples[on].append(elapsed)
            if len(samples[False]) >= 5 and time.perf_counter() - started > budget:
                break
    finally:
        codec.MAX_DOCUMENT_ELEMENTS = bound
    result = BoundCost(
        workload,
        elements,
        stats_of(samples[True]),
        stats_of(samples[False]),
        measure(lambda: codec._over_element_limit(data), repeats, budget),
    )
    echo(f"  bound on {_ms(result.with_bound)}; off {_ms(result.without_bound)}; check {_ms(result.check)}")
    return result
