"""The REST bridge goals of PRODUCT.md section 9: what ``Client.over_rest`` adds to a REST call, and the main
job's throughput over REST. The emulator runs in its own process (``served.Served``) for both.

- Overhead: typed calls through ``Client.over_rest`` against the same REST requests sent by
  ``mktows.rest.RestClient`` and by plain ``requests`` (the requests the bridge sent, captured from its
  session, sent again with the same method, URL and body), the three taking turns in each round,
  ``--bridge-repeats`` rounds; wall and processor time per call.
  Calls: a getCustomObjects page of 100 objects by a partial key, and a 300-object syncCustomObjects UPSERT.
  The emulator's limits are off and it adds no latency. Goal: the bridge adds under 2 ms per call over
  ``RestClient`` (median of the per-round differences).
- Throughput: ``--bridge-objects`` RoadShow objects through ``sync_custom_objects`` over REST (300 per call,
  10 workers) against the emulator with scaled limits (20 calls per 4 s, Marketo's rate of 5 calls a second
  in a window a fifth as long; 10 concurrent; 50 ms latency) and the client's limits set to match. The
  bulk scenario's 50 calls a second would ask the emulator to store 15,000 objects a second, more than a
  small shared machine serves (tried on 2 CPUs: about 4,700 a second, 31 % of that ceiling). One window of calls runs first, untimed, so the timed run starts with the
  window full and measures the steady rate, not the first window's burst. Goals: at least 90 % of
  min(rate, concurrency / latency) x 300, and no 606 (rate) or 615 (concurrency) answered, as counted by the
  emulator's call log (``/_admin/calls``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from benchmarks.bulk import BulkOutcome, Throughput, ceiling, outcome, roadshow_objects
from benchmarks.served import LIMITS_OFF, Served
from benchmarks.timing import Stats, format_duration, stats_of

OVERHEAD_GOAL_S = 0.002
THROUGHPUT_GOAL = 0.90
PER_CALL = 300
RATE_CALLS, RATE_WINDOW, CONCURRENT, LATENCY = 20, 4.0, 10, 0.05
SCALED_LIMITS = {
    "rate_calls": RATE_CALLS,
    "rate_window": RATE_WINDOW,
    "max_concurrent": CONCURRENT,
    "daily_quota": None,
}
LIMIT_CODES = ("606", "615")  # rate limit, concurrency limit (error-codes.md)
PAGE_KEY = "7000000"  # the MKTOID the 100 objects of the measured page share
SIDES = ("over_rest", "RestClient", "requests")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("bridge scenario")
    group.add_argument(
        "--bridge-repeats", type=int, default=200, help="rounds of the overhead measurement (default: 200)"
    )
    group.add_argument(
        "--bridge-objects",
        type=int,
        default=36_000,
        help="objects synced over REST for throughput (default: 36000, 120 calls)",
    )


def _bridged(served: Served, limits: Any, session: Any = None) -> Any:
    from mktows import Client
    from mktows.emulator.config import RestSettings

    credentials = RestSettings()
    return Client.over_rest(
        served.rest_endpoint,
        credentials.client_id,
        credentials.client_secret,
        identity_endpoint=served.identity_endpoint,
        limits=limits,
        session=session,
    )


def _rest_client(served: Served) -> Any:
    from mktows import Limits
    from mktows.emulator.config import RestSettings
    from mktows.rest import RestClient

    credentials = RestSettings()
    return RestClient(
        served.rest_endpoint,
        credentials.client_id,
        credentials.client_secret,
        identity_endpoint=served.identity_endpoint,
        limits=Limits.unlimited(),
    )


# --- overhead ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One HTTP request as the bridge sent it."""

    method: str
    url: str
    body: bytes | None
    content_type: str | None


def _params(objects: int) -> dict[str, Any]:
    """The measured calls' typed parameters: a page of 100 by MKTOID, and a 300-object UPSERT."""
    from mktows import types as t

    def pairs(**values: str) -> t.ArrayOfAttribute:
        return t.ArrayOfAttribute(
            attribute=[t.Attribute(attr_name=k, attr_value=v) for k, v in values.items()]
        )

    page = t.ParamsGetCustomObjects(
        obj_type_name="RoadShow",
        batch_size=100,
        custom_obj_key_list=pairs(MKTOID=PAGE_KEY),
        include_attributes=t.ArrayOfString(),
    )
    upsert = t.ParamsSyncCustomObjects(
        obj_type_name="RoadShow",
        operation=t.SyncOperationEnum.UPSERT,
        custom_obj_list=t.ArrayOfCustomObj(
            custom_obj=[
                t.CustomObj(
                    custom_obj_key_list=pairs(MKTOID=str(8_000_000 + i), rid=f"u{i}"),
                    custom_obj_attribute_list=pairs(city="San Mateo", zip="94404", state="CA"),
                )
                for i in range(objects)
            ]
        ),
    )
    return {"getCustomObjects": page, "syncCustomObjects": upsert}


def _capture(served: Served, calls: Mapping[str, Any]) -> dict[str, Sent]:
    """The REST request behind each typed call, from a bridged client whose session records what it sends
    (the type is described first, so the last request of each call is the call itself)."""
    import requests

    from mktows import Limits

    sent: list[Sent] = []

    def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        body = request.body.encode() if isinstance(request.body, str) else request.body
        sent.append(Sent(str(request.method), str(request.url), body, request.headers.get("Content-Type")))

    session = requests.Session()
    session.hooks["response"].append(record)
    bridged = _bridged(served, Limits.unlimited(), session)
    captured: dict[str, Sent] = {}
    try:
        for operation, params in calls.items():
            bridged.call(operation, params)
            captured[operation] = sent[-1]
    finally:
        bridged.close()
        session.close()
    return captured


def _replay_rest(rest: Any, sent: Sent) -> Callable[[], Any]:
    """The captured request sent again through ``RestClient`` (same path, query and body; the emulator's
    REST paths start at its root)."""
    parts = urlsplit(sent.url)
    query = dict(parse_qsl(parts.query))
    if sent.method == "GET":
        return lambda: rest.get(parts.path, query)
    body = json.loads(sent.body or b"null")
    return lambda: rest.post(parts.path, body, params=query or None)


def _replay_plain(served: Served, sent: Sent) -> tuple[Callable[[], Any], Any]:
    """The captured request sent again with a plain ``requests`` session and a token of its own."""
    import requests

    from mktows.emulator.config import RestSettings

    credentials = RestSettings()
    session = requests.Session()
    token = session.get(
        f"{served.identity_endpoint}/oauth/token",
        params={
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        },
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if sent.content_type:
        headers["Content-Type"] = sent.content_type

    def call() -> Any:
        response = session.request(sent.method, sent.url, data=sent.body, headers=headers, timeout=60)
        answer = response.json()
        if response.status_code != 200 or not answer.get("success"):
            raise RuntimeError(f"plain request failed: HTTP {response.status_code} {str(answer)[:200]}")
        return answer

    return call, session


def interleaved(
    calls: Mapping[str, Callable[[], Any]], rounds: int, warmup: int = 3
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and processor seconds of each call of each callable, the callables taking turns in every round
    (the order rotating) so that all see the same machine load; the garbage collector paused during each
    call, as in ``timing.measure``. The processor time is this process's: the client's work alone."""
    names = list(calls)
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in names}
    for number in range(warmup + rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            enabled = gc.isenabled()
            gc.disable()
            try:
                cpu, wall = time.process_time(), time.perf_counter()
                calls[name]()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            finally:
                if enabled:
                    gc.enable()
            if number >= warmup:
                samples[name][0].append(wall)
                samples[name][1].append(cpu)
    return samples


@dataclass(frozen=True)
class Overhead:
    operation: str
    wall: dict[str, Stats]  # by side
    cpu: dict[str, float]  # median processor seconds per call, by side
    paired: float  # median over the rounds of (bridge - RestClient) wall seconds

    @classmethod
    def of(cls, operation: str, samples: Mapping[str, tuple[list[float], list[float]]]) -> Overhead:
        bridge, rest = samples["over_rest"][0], samples["RestClient"][0]
        return cls(
            operation,
            {side: stats_of(wall) for side, (wall, _) in samples.items()},
            {side: statistics.median(cpu) for side, (_, cpu) in samples.items()},
            statistics.median(b - r for b, r in zip(bridge, rest, strict=True)),
        )

    @property
    def apart(self) -> float:
        """The bridge's median wall seconds minus RestClient's."""
        return self.wall["over_rest"].median - self.wall["RestClient"].median


def overhead(rounds: int, workdir: Path, echo: Callable[[str], None]) -> list[Overhead]:
    """Medians of each measured call through the bridge, RestClient and plain requests."""
    from mktows import Limits

    with Served(workdir / "overhead.sqlite3", workdir, {"limits": LIMITS_OFF}) as served:
        bridged = _bridged(served, Limits.unlimited())
        rest = _rest_client(served)
        sessions: list[Any] = []
        try:
            page = [{"MKTOID": PAGE_KEY, "rid": f"p{i}", "city": "Oslo"} for i in range(100)]
            rest.post("/rest/v1/customobjects/RoadShow.json", {"action": "createOrUpdate", "input": page})
            calls = _params(PER_CALL)
            captured = _capture(served, calls)
            results = []
            for operation, params in calls.items():
                sent = captured[operation]
                echo(f"bridge: {operation} ({sent.method} {urlsplit(sent.url).path}), {rounds} rounds")
                plain, session = _replay_plain(served, sent)
                sessions.append(session)
                sides: dict[str, Callable[[], Any]] = {
                    "over_rest": lambda operation=operation, params=params: bridged.call(operation, params),
                    "RestClient": _replay_rest(rest, sent),
                    "requests": plain,
                }
                results.append(Overhead.of(operation, interleaved(sides, rounds)))
        finally:
            bridged.close()
            rest.close()
            for session in sessions:
                session.close()
    return results


# --- throughput --------------------------------------------------------------------------------------------


def throughput(count: int, workdir: Path, echo: Callable[[str], None]) -> tuple[Throughput, int, int]:
    """Sync ``count`` objects over REST after one untimed window of calls; the outcome, the REST sync calls
    the emulator answered in all, and the rate/concurrency errors among all its answers."""
    from mktows import Limits

    config = {"limits": SCALED_LIMITS, "settings": {"latency": LATENCY}}
    with Served(workdir / "throughput.sqlite3", workdir, config, admin=True) as served:
        limits = Limits(RATE_CALLS, RATE_WINDOW, CONCURRENT)
        client = _bridged(served, limits)
        try:
            warmup = roadshow_objects(RATE_CALLS * PER_CALL, first=5_000_000)
            echo(f"bridge: {len(warmup):,} objects untimed, filling the first window")
            client.sync_custom_objects("RoadShow", warmup, max_workers=CONCURRENT)
            objects = roadshow_objects(count)
            echo(f"bridge: {count:,} objects timed")
            started = time.perf_counter()
            report = client.sync_custom_objects("RoadShow", objects, max_workers=CONCURRENT)
            seconds = time.perf_counter() - started
        finally:
            client.close()
        totals: dict[str, dict[str, int]] = served.admin_get("calls")["totals"]
    limited = {code: sum(outcomes.get(code, 0) for outcomes in totals.values()) for code in LIMIT_CODES}
    syncs = sum(totals.get("syncCustomObjectsUsingPOST", {}).values())
    statuses = {status.value: n for status, n in report.counts.items()}
    top = ceiling(RATE_CALLS, RATE_WINDOW, CONCURRENT, LATENCY, PER_CALL)
    return (
        Throughput(count, seconds, top, statuses, {int(c): n for c, n in limited.items()}),
        syncs,
        len(warmup),
    )


# --- the scenario ------------------------------------------------------------------------------------------


def _cell(stats: Stats) -> str:
    return f"{format_duration(stats.median)} ±{stats.spread * 50:.0f}%"


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> BulkOutcome:
    with tempfile.TemporaryDirectory(prefix="mktows-bench-bridge-") as tmp:
        workdir = Path(tmp)
        costs = overhead(args.bridge_repeats, workdir, echo)
        sync, syncs, warmup = throughput(args.bridge_objects, workdir, echo)
    details = [
        f"{c.operation}, wall time per call: "
        + ", ".join(f"{side} {_cell(c.wall[side])}" for side in SIDES)
        + f"; bridge minus RestClient: {format_duration(c.apart)} between the medians; "
        + "client processor time per call: "
        + ", ".join(f"{side} {format_duration(c.cpu[side])}" for side in SIDES)
        for c in costs
    ]
    details.append(
        f"{sync.objects:,} objects in {sync.seconds:.2f} s after {warmup:,} untimed; statuses {sync.statuses}; "
        f"{syncs} sync calls answered in all ({(sync.objects + warmup) / syncs:.0f} objects per call); "
        f"errors by code {sync.faults}; limits {SCALED_LIMITS}, latency {LATENCY * 1000:g} ms, "
        f"{CONCURRENT} workers; load average {os.getloadavg()[0]:.1f} at the end"
    )
    limited = sum(sync.faults.values())
    goals = [
        (
            c.paired < OVERHEAD_GOAL_S,
            f"bridge overhead, {c.operation}: {format_duration(c.paired)} per call over RestClient, median of "
            f"the rounds' differences (goal < {format_duration(OVERHEAD_GOAL_S)})",
        )
        for c in costs
    ]
    goals += [
        (
            sync.share >= THROUGHPUT_GOAL,
            f"throughput over REST {sync.rate:,.0f} objects/s = {sync.share:.0%} of the {sync.ceiling:,.0f}/s "
            f"ceiling (goal ≥ {THROUGHPUT_GOAL:.0%})",
        ),
        (limited == 0, f"rate/concurrency errors (606/615) answered: {limited} (goal 0)"),
    ]
    method = (
        "Overhead: each call typed through `Client.over_rest`, and the REST request it sent (captured from its "
        "session) sent again through `mktows.rest.RestClient` and through a plain `requests` session, the "
        f"three taking turns in each of {args.bridge_repeats} rounds (after 3 warm-up rounds; garbage "
        "collector paused during each call), against the emulator in its own process with its limits off; "
        "times give the median ±half the interquartile range (as % of the median). The overhead goal is "
        "judged on the median of the per-round differences (bridge minus RestClient), since the two calls of "
        "a round see the same machine load; the difference between the two medians and the client's "
        "processor time per call are shown beside it. Throughput: "
        f"`sync_custom_objects` over REST ({PER_CALL} per call, {CONCURRENT} workers) against the emulator in "
        "its own process with its limits scaled (Marketo's 5 calls a second in a 4 s window) and the client's "
        "set to match (the client's window is 5 % longer than the service's, its default margin, so its "
        "steady rate is about 95 % of the ceiling); one window of calls first, untimed, so the timed run measures the steady rate; "
        "rate and concurrency errors counted from the emulator's call log."
    )
    return outcome("REST bridge (PRODUCT.md section 9)", method, details, goals)
