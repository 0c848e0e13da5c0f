"""The codec scenario: encode, decode and both, side by side for mktows, xsdata, zeep and lxml's bare parse.

- ``mktows``: ``mktows.codec`` as users call it (the generated fast codec).
- ``xsdata``: the same calls with ``reference=True``: xsdata's generic serializer and parser.
- ``zeep``: zeep 4 on the same WSDL (see zeep_side.py).
- ``lxml``: ``lxml.etree.fromstring`` of the response bytes and nothing else: the floor for decoding.

Before timing, the scenario checks that mktows writes the reference's bytes and decodes the expected objects
without handing anything to the reference, so the numbers are the fast path's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from benchmarks.timing import Stats, measure
from benchmarks.workloads import WORKLOADS, Workload
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
