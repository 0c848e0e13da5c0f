"""Repeated wall-clock measurement of one callable: median and spread, with ``time.perf_counter``.

Each sample is one call. A few warm-up calls come first (imports, metadata caches); the garbage collector is
paused during each sample, as ``timeit`` does, so the numbers compare the work itself across libraries.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WARMUP = 3


@dataclass(frozen=True)
class Stats:
    """Seconds per call over ``n`` samples."""

    n: int
    median: float
    p25: float
    p75: float
    minimum: float

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 = the middle half of samples within 5 %)."""
        return (self.p75 - self.p25) / self.median if self.median else 0.0


def measure(call: Callable[[], Any], repeats: int, budget: float) -> Stats:
    """Time ``repeats`` calls of ``call`` (fewer, but at least 5, if they exceed ``budget`` seconds)."""
    for _ in range(WARMUP):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    gc.collect()
    for _ in range(repeats):
        enabled = gc.isenabled()
        gc.disable()
        try:
            before = time.perf_counter()
            call()
            samples.append(time.perf_counter() - before)
        finally:
            if enabled:
                gc.enable()
        if len(samples) >= 5 and time.perf_counter() - started > budget:
            break
    return stats_of(samples)


def stats_of(samples: list[float]) -> Stats:
    """Median, quartiles and minimum of timed samples (seconds)."""
    quartiles = statistics.quantiles(samples, n=4, method="inclusive") if len(samples) > 1 else samples * 3
    return Stats(
        n=len(samples),
        median=statistics.median(samples),
        p25=quartiles[0],
        p75=quartiles[2],
        minimum=min(samples),
    )


def format_duration(seconds: float) -> str:
    """``1.23 ms``, ``456 µs``, ``2.10 s``: three significant figures in a readable unit."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"
