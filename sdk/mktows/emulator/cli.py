"""The emulator's command line: ``add_arguments(parser)`` and ``run(args)``, used by both
``python -m mktows.emulator`` and ``mktows emulator``. ``run`` blocks until Ctrl-C or SIGTERM; ``... emulator
seed --type NAME FILE`` instead loads custom objects from a CSV or JSONL file into the database and exits."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mktows.emulator.config import ConfigError, load_config
from mktows.emulator.loading import load_custom_objects, read_objects
from mktows.emulator.server import Emulator
from mktows.emulator.store import Store, StoreError

DEFAULT_PORT = 8710
MEMORY = ":memory:"
SWITCH_INTERVAL = 0.0005  # seconds


def default_db_path() -> Path:
    """Where the emulator keeps its state unless told otherwise: $XDG_CACHE_HOME/mktows/emulator.sqlite3
    (or ~/.cache/mktows/emulator.sqlite3)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mktows" / "emulator.sqlite3"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to a parser."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; another address is reachable from other machines and "
        "is refused with the docs' demo credentials unless --allow-demo-credentials)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)"
    )
    parser.add_argument(
        "--db",
        default=None,
        help=f"SQLite file holding the state, kept across restarts (default {default_db_path()}; "
        f"{MEMORY} for none)",
    )
    parser.add_argument(
        "--config", default=None, help="config file (JSON or TOML) over the documented defaults"
    )
    parser.add_argument(
        "--no-freshness-check",
        action="store_true",
        help="accept any requestTimestamp (to replay old documented requests)",
    )
    parser.add_argument(
        "--admin",
        action="store_true",
        help="serve /_admin/... (fault injection, reset) on a loopback address, with a token printed at start",
    )
    parser.add_argument(
        "--allow-demo-credentials",
        action="store_true",
        help="allow a non-loopback --host with the docs' public demo user and key",
    )
    parser.add_argument("--latency", type=float, default=None, help="seconds added to every call")
    parser.add_argument("--threads", type=int, default=None, help="server worker threads")
    commands = parser.add_subparsers(dest="emulator_command", metavar="{seed}")
    load = commands.add_parser(
        "seed",
        help="load custom objects from a CSV or JSONL file into the database, then exit",
        description="Load new custom objects (one per CSV row or JSONL line; fields by name, keys and "
        "attributes together) into the emulator's database in one transaction, before it serves.",
    )
    load.add_argument("--type", required=True, help="custom object type (e.g. RoadShow)")
    load.add_argument("file", type=Path, help="a .csv file (header row of field names) or a .jsonl file")
    # the same options as the server; SUPPRESS keeps a value given before "seed"
    load.add_argument("--db", default=argparse.SUPPRESS, help="SQLite file to load into")
    load.add_argument("--config", default=argparse.SUPPRESS, help="config file (JSON or TOML)")


def build_emulator(args: argparse.Namespace) -> Emulator:
    """The Emulator the parsed options describe (not started)."""
    config = load_config(args.config)
    settings: dict[str, Any] = {}
    if getattr(args, "no_freshness_check", False):
        settings["freshness_check"] = False
    if getattr(args, "latency", None) is not None:
        settings["latency"] = args.latency
    if getattr(args, "admin", False):
        settings["admin"] = True
    db = args.db if args.db is not None else str(default_db_path())
    return Emulator(
        config,
        db_path=None if db == MEMORY else db,
        host=args.host,
        port=args.port,
        threads=getattr(args, "threads", None),
        settings=settings,
        allow_demo_credentials=getattr(args, "allow_demo_credentials", False),
    )


def seed_file(args: argparse.Namespace) -> int:
    """Load a file of custom objects into the database; exit code 0, or 1 with the reason (nothing loaded)."""
    db = args.db if args.db is not None else str(default_db_path())
    if db == MEMORY:
        print(
            "mktows emulator seed: --db must name a file (an in-memory database ends with the command)",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    try:
        config = load_config(args.config)
        store = Store(db)
        try:
            count = load_custom_objects(store, config, args.type, read_objects(args.file))
        finally:
            store.close()
    except (ConfigError, StoreError, OSError, ValueError) as exc:
        print(f"mktows emulator seed: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(
        f"mktows emulator seed: {count:,} {args.type} objects loaded into {db} in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM, then stop cleanly. Exit code 0, or 1 with a message on a bad config,
    database or address."""
    if getattr(args, "emulator_command", None) == "seed":
        return seed_file(args)
    switch_interval = sys.getswitchinterval()
    # a short call should not wait the default 5 ms for the interpreter lock at each step while a thread
    # answers a long page: hand the lock over more often while serving
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        return _serve(args)
    finally:
        sys.setswitchinterval(switch_interval)


def _serve(args: argparse.Namespace) -> int:
    try:
        emulator = build_emulator(args)
        emulator.start()
    except (ConfigError, StoreError, OSError, ValueError) as exc:
        print(f"mktows emulator: {exc}", file=sys.stderr)
        return 1
    lines = [
        f"mktows emulator: serving {emulator.endpoint} (WSDL: {emulator.endpoint}?WSDL)",
        f"  user id: {emulator.user_id} (encryption key: the configured one; not shown)",
        f"  state: {emulator.db_path or 'in memory'}",
    ]
    if emulator.admin_token is not None:
        lines.append(
            f"  admin path: {emulator.base_url}/_admin/ with 'Authorization: Bearer {emulator.admin_token}'"
        )
    lines.append(
        f"  REST: {emulator.base_url}/rest (identity: {emulator.base_url}/identity),"
        f" client id: {emulator.config.rest.client_id} (client secret: the configured one; not shown)"
    )
    print("\n".join([*lines, "  Ctrl-C stops it."]), file=sys.stderr, flush=True)
    serve_until_signalled(lambda: emulator.running, emulator.stop)
    print("mktows emulator: stopped", file=sys.stderr)
    return 0


def serve_until_signalled(running: Callable[[], bool], stop: Callable[[], None]) -> None:
    """Wait while ``running()`` until Ctrl-C or SIGTERM (handled only in the main thread), then ``stop()``."""
    signalled = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: signalled.set())
    try:
        while not signalled.wait(0.5):
            if not running():
                break
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
