"""The emulator-at-scale scenario of PRODUCT.md section 7: call times against a big database.

For each size (``--baseline-objects``, 10,000, and ``--scale-objects``, 1,000,000) a fresh database is seeded
with RoadShow objects by the bulk seed path (timed), then served by ``python -m mktows.emulator`` in a child
process, its limits off. Every request is encoded and signed beforehand and sent over one kept-alive HTTP
connection, so the times are the emulator's (plus loopback HTTP), not the client's. Measured, median of
``--scale-repeats`` calls each:

- a getCustomObjects page by a partial key (MKTOID alone; 200 objects share one, the page holds 100);
- a 100-object syncCustomObjects UPSERT (50 updates of stored objects, 50 new ones);
- an unrelated call (getLead by email) alone, then while a second connection asks for long pages without
  pause: getCustomObjects by ``state``, which a fifth of the objects match, so each such page also counts
  the hundreds of thousands of matches after it.

Goals: at the big size, the page and the UPSERT each within 2x of their time at the baseline size and under
20 ms; the unrelated call not slowed more than 2x by the long pages; seeding within ``SEED_CPU_BOUND_S``
seconds of processor time per million objects (wall time is reported too: on a shared machine it is the
processor time stretched by the load).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.bulk import BulkOutcome, outcome
from benchmarks.served import LIMITS_OFF, Served

PAGE_GOAL_S = 0.020
RATIO_GOAL = 2.0
SEED_CPU_BOUND_S = 90.0  # processor seconds per million objects
PER_KEY = 200  # objects sharing one MKTOID
STATES = ("CA", "NY", "TX", "WA", "OR")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("emulator scenario")
    group.add_argument(
        "--scale-objects",
        type=int,
        default=1_000_000,
        help="custom objects stored for the big measurement (default: 1000000; try 100000 for a quick run)",
    )
    group.add_argument(
        "--baseline-objects",
        type=int,
        default=10_000,
        help="custom objects for the baseline (default: 10000)",
    )
    group.add_argument(
        "--scale-repeats", type=int, default=40, help="timed calls per measurement (default: 40)"
    )


def roadshow(count: int) -> Iterator[dict[str, str]]:
    """``count`` RoadShow objects: MKTOID shared by ``PER_KEY`` objects, state shared by a fifth of them."""
    for i in range(count):
        yield {
            "MKTOID": str(1_000_000 + i // PER_KEY),
            "rid": f"r{i % PER_KEY}",
            "city": f"city{i % 997}",
            "zip": str(10_000 + i % 89_999),
            "state": STATES[i % len(STATES)],
        }


def seed(db: Path, count: int) -> tuple[float, float]:
    """Seed a new database with ``count`` objects; seconds taken, wall and processor."""
    from mktows.emulator.config import EmulatorConfig
    from mktows.emulator.loading import load_custom_objects
    from mktows.emulator.store import Store

    started, cpu = time.perf_counter(), time.process_time()
    store = Store(db)
    try:
        load_custom_objects(store, EmulatorConfig.default(), "RoadShow", roadshow(count))
    finally:
        store.close()
    return time.perf_counter() - started, time.process_time() - cpu


class Requests:
    """Signed request bodies of the measured calls (built before timing starts)."""

    def __init__(self) -> None:
        from mktows.emulator.config import EmulatorConfig

        user = EmulatorConfig.default().users[0]
        self.user_id, self.key = user.user_id, user.encryption_key

    def encode(self, operation: str, params: Any) -> bytes:
        from mktows import codec, operations, signing
        from mktows.types import AuthenticationHeader

        op = operations.get(operation)
        stamp = signing.format_timestamp(datetime.now(UTC))
        header = AuthenticationHeader(
            mktows_user_id=self.user_id,
            request_signature=signing.signature(self.key, stamp, self.user_id),
            request_timestamp=stamp,
        )
        return bytes(codec.encode(op.request(params, [header])))

    def page(self, **criteria: str) -> bytes:
        from mktows.types import ArrayOfAttribute, ArrayOfString, Attribute, ParamsGetCustomObjects

        pairs = [Attribute(attr_name=name, attr_value=value) for name, value in criteria.items()]
        params = ParamsGetCustomObjects(
            obj_type_name="RoadShow",
            batch_size=100,
            custom_obj_key_list=ArrayOfAttribute(attribute=pairs),
            include_attributes=ArrayOfString(),
        )
        return self.encode("getCustomObjects", params)

    def upsert(self, stored: int, serial: int) -> bytes:
        from mktows.types import (
            ArrayOfAttribute,
            ArrayOfCustomObj,
            Attribute,
            CustomObj,
            ParamsSyncCustomObjects,
            SyncOperationEnum,
        )

        rng = random.Random(serial)
        chosen = [key_at(rng.randrange(stored)) for _ in range(50)]
        chosen += [{"MKTOID": str(9_000_000 + serial), "rid": f"n{k}"} for k in range(50)]
        objects = [
            CustomObj(
                custom_obj_key_list=ArrayOfAttribute(
                    attribute=[Attribute(attr_name=n, attr_value=obj[n]) for n in ("MKTOID", "rid")]
                ),
                custom_obj_attribute_list=ArrayOfAttribute(
                    attribute=[Attribute(attr_name="city", attr_value=f"upsert-{serial}")]
                ),
            )
            for obj in chosen
        ]
        params = ParamsSyncCustomObjects(
            obj_type_name="RoadShow",
            operation=SyncOperationEnum.UPSERT,
            custom_obj_list=ArrayOfCustomObj(custom_obj=objects),
        )
        return self.encode("syncCustomObjects", params)

    def unrelated(self) -> bytes:
        from mktows.types import LeadKey, LeadKeyRef, ParamsGetLead

        return self.encode(
            "getLead", ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.EMAIL, key_value="t@t.com"))
        )


def key_at(index: int) -> dict[str, str]:
    """The dedupe key of the object ``roadshow`` yields at ``index``."""
    return {"MKTOID": str(1_000_000 + index // PER_KEY), "rid": f"r{index % PER_KEY}"}


def post(conn: http.client.HTTPConnection, path: str, body: bytes) -> float:
    """Seconds for one call; raises when it is not answered 200."""
    started = time.perf_counter()
    conn.request("POST", path, body=body, headers={"Content-Type": "text/xml; charset=UTF-8"})
    response = conn.getresponse()
    data = response.read()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {data[:300]!r}")
    return seconds


@dataclass(frozen=True)
class Result:
    base: int  # objects stored at each size
    big: int
    seed_base_s: tuple[float, float]  # wall, processor
    seed_big_s: tuple[float, float]
    page_s: tuple[float, float]  # (base, big)
    upsert_s: tuple[float, float]
    unrelated_s: float  # on the big database, alone
    unrelated_busy_s: float  # on the big database, while long pages run
    long_page_s: float


def _interleaved(
    servers: tuple[Served, Served], conns: tuple[Any, Any], bodies: list[tuple[bytes, bytes]]
) -> tuple[float, float]:
    """Median seconds on each server, the calls alternating between them so that both see the same load."""
    times: tuple[list[float], list[float]] = ([], [])
    for number, pair in enumerate(bodies):
        for side in (0, 1):
            seconds = post(conns[side], servers[side].path, pair[side])
            if number >= 2:  # two warm-up calls
                times[side].append(seconds)
    return statistics.median(times[0]), statistics.median(times[1])


def _unrelated(
    served: Served, conn: Any, bodies: list[bytes], long_page: bytes
) -> tuple[float, float, float]:
    """Median seconds of the unrelated call alone and while another connection asks for long pages without
    pause, in alternating rounds; and the median long page."""
    alone: list[float] = []
    busy: list[float] = []
    long_pages: list[float] = []
    rounds = 4
    per_round = max(3, len(bodies) // rounds)
    for round_number in range(rounds):
        chunk = bodies[round_number * per_round : (round_number + 1) * per_round] or bodies[:per_round]
        alone += [post(conn, served.path, body) for body in chunk]
        started, stop = threading.Event(), threading.Event()

        def keep_busy(started: threading.Event = started, stop: threading.Event = stop) -> None:
            other = served.connection()
            while not stop.is_set():
                long_pages.append(post(other, served.path, long_page))
                started.set()
            other.close()

        worker = threading.Thread(target=keep_busy)
        worker.start()
        started.wait(120)
        try:
            busy += [post(conn, served.path, body) for body in chunk]
        finally:
            stop.set()
            worker.join(120)
    return statistics.median(alone), statistics.median(busy), statistics.median(long_pages)


def _some_key(rng: random.Random, stored: int) -> str:
    return str(1_000_000 + rng.randrange(max(1, stored // PER_KEY)))


def measure(base: int, big: int, repeats: int, workdir: Path, echo: Callable[[str], None]) -> Result:
    dbs = (workdir / "base.sqlite3", workdir / "big.sqlite3")
    seeded: list[tuple[float, float]] = []
    for count, db in zip((base, big), dbs, strict=True):
        echo(f"emulator: seeding {count:,} RoadShow objects")
        seeded.append(seed(db, count))
        echo(f"emulator: seeded in {seeded[-1][0]:.1f} s ({seeded[-1][1]:.1f} s of processor time)")
    config = {"limits": LIMITS_OFF}
    servers = (Served(dbs[0], workdir, config), Served(dbs[1], workdir, config))
    try:
        echo("emulator: both databases served from child processes; timing calls, alternating between them")
        build = Requests()
        rng = random.Random(big)
        pages = []
        for _ in range(repeats + 2):
            pages.append(
                tuple(
                    build.page(MKTOID=str(1_000_000 + rng.randrange(max(1, n // PER_KEY))))
                    for n in (base, big)
                )
            )
        upserts = [(build.upsert(base, serial), build.upsert(big, serial)) for serial in range(repeats + 2)]
        unrelated = [build.unrelated() for _ in range(repeats)]
        conns = (servers[0].connection(), servers[1].connection())
        page_s = _interleaved(servers, conns, pages)
        upsert_s = _interleaved(servers, conns, upserts)
        alone, busy, long_page = _unrelated(servers[1], conns[1], unrelated, build.page(state="CA"))
        for conn in conns:
            conn.close()
    finally:
        for served in servers:
            served.close()
    return Result(base, big, seeded[0], seeded[1], page_s, upsert_s, alone, busy, long_page)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> BulkOutcome:
    with tempfile.TemporaryDirectory(prefix="mktows-bench-") as tmp:
        r = measure(args.baseline_objects, args.scale_objects, args.scale_repeats, Path(tmp), echo)
    seed_bound = SEED_CPU_BOUND_S * max(1.0, r.big / 1_000_000)
    wall, cpu = r.seed_big_s
    slowed = r.unrelated_busy_s / r.unrelated_s

    def versus(what: str, times: tuple[float, float]) -> tuple[bool, str]:
        ratio = times[1] / times[0]
        return (
            ratio <= RATIO_GOAL and times[1] < PAGE_GOAL_S,
            f"{what}: {_ms(times[1])} at {r.big:,} objects vs {_ms(times[0])} at {r.base:,} ({ratio:.2f}x; "
            f"goal ≤ {RATIO_GOAL:g}x and < {_ms(PAGE_GOAL_S)})",
        )

    goals = [
        versus("getCustomObjects page of 100 by partial key (MKTOID)", r.page_s),
        versus("100-object UPSERT (50 updates, 50 new)", r.upsert_s),
        (
            slowed <= RATIO_GOAL,
            f"unrelated call (getLead) at {r.big:,} objects: {_ms(r.unrelated_busy_s)} during long pages vs "
            f"{_ms(r.unrelated_s)} alone ({slowed:.2f}x; goal ≤ {RATIO_GOAL:g}x)",
        ),
        (
            cpu <= seed_bound,
            f"seeding {r.big:,} objects: {cpu:.0f} s of processor time, {wall:.0f} s wall "
            f"({r.big / wall:,.0f} objects/s; bound {seed_bound:.0f} s of processor time)",
        ),
    ]
    details = [
        f"seeded {r.base:,} objects in {r.seed_base_s[0]:.1f} s and {r.big:,} in {wall:.1f} s "
        f"({cpu:.1f} s of processor time; load average {os.getloadavg()[0]:.1f} at the end)",
        f"long page (getCustomObjects by state, ~{r.big // len(STATES):,} matches counted): {_ms(r.long_page_s)}",
    ]
    method = (
        "RoadShow objects seeded by `load_custom_objects` (what `mktows emulator seed` runs); both databases "
        "served by `python -m mktows.emulator` in child processes with their limits off; requests signed and "
        "encoded beforehand, sent over kept-alive connections, alternating between the two sizes (so both see "
        f"the same machine load); medians of {args.scale_repeats} calls."
    )
    return outcome("Emulator at scale (PRODUCT.md section 7)", method, details, goals)
