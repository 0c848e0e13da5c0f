"""The bulk scenario of PRODUCT.md section 7 (needs the client, the emulator and the CLI).

- 20,000 custom objects through ``Client.sync_custom_objects`` against the emulator with its limits scaled
  down (100 calls per 2 s, 10 concurrent, 50 ms latency): objects per second against the ceiling
  min(rate, concurrency / latency) x 100 objects per call (goal ≥ 90 %), and rate-limit faults seen (goal 0).
- Peak memory of ``mktows sync-custom-objects`` streaming a 1,000,000-row CSV (goal < 150 MB).
"""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field


class BulkUnavailable(Exception):
    """The bulk scenario cannot run in this tree yet (a part it drives is missing)."""


@dataclass
class BulkOutcome:
    text: str
    markdown: list[str] = field(default_factory=list)
    failed: bool = False


def missing_parts() -> list[str]:
    """The parts of mktows the bulk scenario drives that this tree does not have yet."""
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
    return missing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("bulk scenario")
    group.add_argument("--bulk-objects", type=int, default=20_000, help="objects to sync (default: 20000)")
    group.add_argument(
        "--csv-rows", type=int, default=1_000_000, help="rows of the streamed CSV (default: 1000000)"
    )


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> BulkOutcome:
    missing = missing_parts()
    if missing:
        raise BulkUnavailable(f"the bulk scenario is pending: this tree has no {', '.join(missing)} yet")
    raise BulkUnavailable("the bulk scenario is pending")
