"""The ``mktows`` command: bulk-sync custom objects from CSV/JSONL, read them back, make one raw call, or
run the emulator. The only package that draws on the terminal; its modules (records, checkpoint,
report_file, tally, settings, rest_options) serve the command alone.

Endpoint and credentials come from flags or MKTOWS_ENDPOINT, MKTOWS_USER_ID, MKTOWS_ENCRYPTION_KEY; with
``--protocol rest``, from the REST options (``rest_options``). With none set, commands run against an embedded
emulator whose state lives in the user's cache folder (over REST, against its REST face).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from mktows import __version__, codec, operations
from mktows._convenience import sync_operation
from mktows._limits import Pause
from mktows._retry import classify
from mktows.batching import CustomObject
from mktows.cli import gateway
from mktows.cli.checkpoint import Bounds, Checkpoint, CheckpointError, Progress, RunIdentity
from mktows.cli.records import InputFileError, RecordReader, detect_format, validate
from mktows.cli.report_file import ReportFile, ReportFileError
from mktows.cli.rest_options import (
    ENV_REST_ENDPOINT,
    RestSettings,
    add_rest_options,
    read_rest_settings,
    rest_flags_given,
)
from mktows.cli.settings import Setting, UsageError
from mktows.cli.tally import Tally
from mktows.errors import (
    AuthenticationError,
    Disposition,
    MktowsError,
    RepeatedFailureError,
    UnsupportedOperationError,
)
from mktows.marketo_limits import (
    CALLS_PER_WINDOW,
    MAX_CONCURRENT_CALLS,
    MAX_CUSTOM_OBJECTS_PER_CALL,
    RATE_WINDOW,
    REST_MAX_RECORDS_PER_CALL,
)
from mktows.reports import ObjectStatus

ENV_ENDPOINT = "MKTOWS_ENDPOINT"
ENV_USER_ID = "MKTOWS_USER_ID"
ENV_KEY = "MKTOWS_ENCRYPTION_KEY"

PROTOCOLS = ("soap", "rest")
SOAP_FLAGS = {"endpoint": "--endpoint", "user_id": "--user-id", "encryption_key": "--encryption-key"}

EXIT_OK = 0
EXIT_FATAL = 1
EXIT_SOME_FAILED = 2

CHECKPOINT_INTERVAL_SECONDS = 1.0
DEFAULT_DEADLINE_SECONDS = 6 * 3600.0


class CredentialsRejected(UsageError):
    """The service refused the credentials; says where they came from (never what they are)."""


def _stderr(message: str) -> None:
    print(f"mktows: {message}", file=sys.stderr, flush=True)


def _check_protocol_flags(args: argparse.Namespace) -> None:
    """Refuse connection flags of the other protocol: they would be silently ignored."""
    if args.protocol == "rest":
        given = [flag for dest, flag in SOAP_FLAGS.items() if getattr(args, dest, None)]
        if given:
            raise UsageError(
                f"{given[0]} is a SOAP option; with --protocol rest give --rest-endpoint, --client-id and "
                "--client-secret instead"
            )
    else:
        given = rest_flags_given(args)
        if given:
            raise UsageError(f"{given[0]} is a REST option: add --protocol rest to connect over REST")


@contextlib.contextmanager
def connect(args: argparse.Namespace, **client_options: Any) -> Iterator[Any]:
    """A Client for the configured endpoint (over SOAP, or over REST with ``--protocol rest``), or for an
    embedded emulator when none is configured."""
    from mktows._transport import check_endpoint
    from mktows.client import Client

    _check_protocol_flags(args)
    if args.timeout is not None:
        if not 0 < args.timeout < float("inf"):
            raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout!r}")
        client_options["timeout"] = args.timeout
    if args.rate is not None or args.max_in_flight is not None:
        from mktows import Limits

        if args.max_in_flight is not None and args.max_in_flight < 1:
            raise UsageError(f"--max-in-flight must be at least 1, not {args.max_in_flight}")
        calls, period = _parse_rate(args.rate) if args.rate is not None else (CALLS_PER_WINDOW, RATE_WINDOW)
        client_options["limits"] = Limits(calls, period, args.max_in_flight or MAX_CONCURRENT_CALLS)
    if args.protocol == "rest":
        with _connect_rest(read_rest_settings(args), client_options) as client:
            yield client
        return
    endpoint = Setting.of(args.endpoint, "--endpoint", ENV_ENDPOINT)
    user_id = Setting.of(args.user_id, "--user-id", ENV_USER_ID)
    key = Setting.of(args.encryption_key, "--encryption-key", ENV_KEY)
    if not endpoint.value:
        with _embedded_emulator("soap") as emulator:
            client = Client(emulator.endpoint, emulator.user_id, emulator.encryption_key, **client_options)
            with _closing(client, "the embedded emulator's user"):
                yield client
        return
    try:
        check_endpoint(endpoint.value)
    except ValueError as exc:
        raise UsageError(f"{endpoint.source}: {exc}") from None
    for setting, what, flag in (
        (user_id, "user id", "--user-id"),
        (key, "encryption key", "--encryption-key"),
    ):
        if not setting.value:
            raise UsageError(
                f"the endpoint comes from {endpoint.source}, but no {what} is set ({flag} or {setting.source})"
            )
    client = Client(endpoint.value, str(user_id.value), str(key.value), **client_options)
    with _closing(client, f"the user id from {user_id.source} with the encryption key from {key.source}"):
        yield client


@contextlib.contextmanager
def _connect_rest(settings: RestSettings | None, client_options: dict[str, Any]) -> Iterator[Any]:
    """A Client over REST for ``settings``, or for the embedded emulator's REST face when they are None."""
    from mktows.client import Client

    if settings is None:
        with _embedded_emulator("rest") as emulator:
            rest = emulator.config.rest
            client = Client.over_rest(
                _emulator_rest_endpoint(emulator), rest.client_id, rest.client_secret, **client_options
            )
            with _closing(client, "the embedded emulator's REST client credentials"):
                yield client
        return
    try:
        client = Client.over_rest(
            str(settings.endpoint.value),
            str(settings.client_id.value),
            str(settings.client_secret.value),
            identity_endpoint=settings.identity_endpoint.value,
            foreign_sys_person_id_field=settings.foreign_sys_person_id_field.value,
            **client_options,
        )
    except ValueError as exc:  # the endpoints' form was checked: what is left is the REST endpoint's path
        raise UsageError(f"{settings.endpoint.source}: {exc}") from None
    with _closing(client, settings.credentials):
        yield client


def _emulator_rest_endpoint(emulator: Any) -> str:
    """The embedded emulator's REST endpoint, as Marketo would show it (its identity endpoint is the default)."""
    return f"{emulator.base_url}/rest"


@contextlib.contextmanager
def _embedded_emulator(protocol: str) -> Iterator[Any]:
    from mktows.emulator import Emulator, default_db_path

    db_path = default_db_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(db_path=db_path)
    emulator.start()
    try:
        if protocol == "rest":
            _stderr(
                f"no REST endpoint configured (--rest-endpoint or {ENV_REST_ENDPOINT}); using the embedded "
                f"emulator's REST face at {_emulator_rest_endpoint(emulator)} with its state in {db_path}"
            )
        else:
            _stderr(
                f"no endpoint configured (--endpoint or {ENV_ENDPOINT}); using the embedded emulator at "
                f"{emulator.endpoint} with its state in {db_path}"
            )
        yield emulator
    finally:
        emulator.stop()


@contextlib.contextmanager
def _closing(client: Any, credentials: str) -> Iterator[None]:
    """Close the client at the end; an authentication failure says where the credentials came from."""
    try:
        yield
    except AuthenticationError as exc:
        code = f" {exc.code}" if exc.code is not None else ""  # REST's identity service gives no code
        raise CredentialsRejected(
            f"{type(exc).__name__}{code}: the service did not accept {credentials}"
        ) from None
    finally:
        client.close()


def _parse_rate(text: str) -> tuple[int | None, float]:
    """``--rate 100/20`` -> (CALLS_PER_WINDOW, RATE_WINDOW); ``--rate off`` -> no client-side call rate (only for a peer that
    enforces none, such as the emulator with its limits off; a 20023 still waits Marketo's 20 s window)."""
    if text.strip().lower() == "off":
        return None, RATE_WINDOW
    calls, sep, seconds = text.partition("/")
    try:
        parsed = int(calls), float(seconds)
    except ValueError:
        parsed = (0, 0.0)
    if not sep or parsed[0] < 1 or not 0 < parsed[1] < float("inf"):
        raise UsageError(f"--rate takes CALLS/SECONDS (e.g. 100/20) or off, not {text!r}")
    return parsed


# --- sync-custom-objects ----------------------------------------------------------------------------------


def _progress_bar(limits: Any) -> Any:
    """The progress bar on stderr (off when stderr is no terminal); it says when the run waits for a throttle."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class PauseColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            pause = limits.paused()
            if pause is None:
                return Text("")
            return Text(f"waiting {pause.remaining:.0f} s: the service's limits ({pause.reason})", "yellow")

    console = Console(stderr=True)
    return Progress(
        TextColumn("[bold]syncing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        MofNCompleteColumn(),
        TextColumn("objects"),
        TimeRemainingColumn(),
        PauseColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )


def _announce_pauses(limits: Any, bar: Any) -> None:
    """Without a live progress bar (stderr is no terminal), say on stderr when a throttle makes the run wait."""
    if not bar.disable:
        return

    def announce(pause: Pause) -> None:
        _stderr(
            f"waiting {pause.remaining:.0f} s: the service refused a call for its limits ({pause.reason})"
        )

    limits.on_pause = announce


@contextlib.contextmanager
def _saving_every(seconds: float, save: Callable[[], None]) -> Iterator[None]:
    """Call ``save`` every ``seconds`` from a thread while the block runs, also while the run waits for the
    limits (no result arrives then): a run killed during a wait resumes from what it had reported, not from
    before the burst of calls that filled the window. An OSError is left for the main loop to meet."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            with contextlib.suppress(OSError):
                save()

    saver = threading.Thread(target=loop, name="mktows-checkpoint", daemon=True)
    saver.start()
    try:
        yield
    finally:
        stop.set()
        saver.join()


def _sync_options(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The canonical --operation and the --keys list; UsageError naming the flag at fault."""
    try:
        operation = sync_operation(args.operation)
    except ValueError:
        raise UsageError(f"--operation must be INSERT, UPDATE or UPSERT, not {args.operation!r}") from None
    limit = _objects_per_call(args.protocol)
    if args.batch_size is not None and not 1 <= args.batch_size <= limit:
        over = " over REST" if args.protocol == "rest" else ""
        raise UsageError(f"--batch-size must be between 1 and {limit}{over}, not {args.batch_size}")
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    if not 0 < args.deadline < float("inf"):
        raise UsageError(f"--deadline must be a positive number of seconds, not {args.deadline!r}")
    key_fields = [key.strip() for key in args.keys.split(",") if key.strip()] if args.keys else []
    return operation, key_fields


def _objects_per_call(protocol: str) -> int:
    """The most custom objects one sync call takes: SOAP's 100, REST's 300 (the default --batch-size)."""
    return REST_MAX_RECORDS_PER_CALL if protocol == "rest" else MAX_CUSTOM_OBJECTS_PER_CALL


def cmd_sync_custom_objects(args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = detect_format(path, args.format)
    operation, key_fields = _sync_options(args)
    started = time.monotonic()
    scanned = validate(path, fmt, key_fields)  # the whole file first: a bad line stops us before any upload
    report_path = Path(args.report) if args.report else None
    report = ReportFile(report_path, key_fields) if report_path else None
    if not args.checkpoint:
        return _sync(args, path, fmt, operation, key_fields, scanned.records, report, None, started)
    identity = RunIdentity.of(path, scanned, args.type, operation, key_fields, report_path)
    checkpoint = Checkpoint(Path(args.checkpoint), identity)
    with checkpoint.locked():
        return _sync(args, path, fmt, operation, key_fields, scanned.records, report, checkpoint, started)


def _sync(
    args: argparse.Namespace,
    path: Path,
    fmt: str,
    operation: str,
    key_fields: list[str],
    total: int,
    report: ReportFile | None,
    checkpoint: Checkpoint | None,
    started: float,
) -> int:
    from mktows import RetryPolicy

    bounds = Bounds(total, len(report.header) if report else None)
    saved = checkpoint.load(bounds) if checkpoint else None
    progress = saved or Progress(0, 0)
    done, tally = progress.records_done, progress.tally
    if saved and checkpoint:
        _stderr(f"resuming from {checkpoint.path}: {done} of {total} objects already reported")
        if saved.protocol != args.protocol:
            _stderr(_protocol_change(saved.protocol, args.protocol))
    if report:
        report.open(saved.report_bytes if saved else None)
    this_run = 0

    written = threading.Lock()  # the rows written and the tally, also saved from the saving thread
    saved_done = -1

    def save_progress() -> None:
        """Make the report rows written so far durable, then record them in the checkpoint."""
        nonlocal saved_done
        with written:
            if done == saved_done:
                return
            report_bytes = report.sync() if report else 0
            if checkpoint:
                checkpoint.save(Progress(done, report_bytes, tally, args.protocol))
            saved_done = done

    deadline = started + args.deadline
    retry = RetryPolicy(max_throttle_wait=args.deadline, deadline=deadline)
    try:
        with connect(args, retry=retry) as client:
            if done >= total:
                _stderr("every object of this file is already reported; nothing to send")
                return _exit_status(tally, this_run, done, total, report)
            records = iter(RecordReader(path, fmt, key_fields))
            for _ in range(done):
                next(records)
            lines: collections.deque[int] = collections.deque()

            def objects() -> Iterator[CustomObject]:
                for record in records:
                    lines.append(record.line)
                    yield record.obj

            results = client.iter_sync_custom_objects(
                args.type,
                objects(),
                operation=operation,
                batch_size=args.batch_size,
                max_workers=args.workers,
            )
            with (
                _progress_bar(client.limits) as bar,
                _saving_every(CHECKPOINT_INTERVAL_SECONDS, save_progress),
            ):
                _announce_pauses(client.limits, bar)
                task = bar.add_task("sync", total=total, completed=done)
                for result in results:
                    line = lines.popleft()
                    with written:
                        if report:
                            report.write(line, result)
                        tally.add(line, result)
                        done += 1
                        this_run += 1
                    bar.update(task, completed=done)
        save_progress()
    except OSError:
        # writing the report or the checkpoint failed: the last checkpoint saved still matches the report
        _summary(tally, this_run, done, total, report)
        raise
    except BaseException:
        try:
            save_progress()  # every row written so far is complete: keep it for the resume
        except OSError as exc:
            _stderr(f"could not save the progress: {_os_error(exc)}")
        _summary(tally, this_run, done, total, report)
        raise
    finally:
        if report:
            report.close()
    return _exit_status(tally, this_run, done, total, report)


def _protocol_change(before: str, now: str) -> str:
    """The line saying that a resumed run continues over the other protocol (allowed: the checkpoint counts
    input records, not calls, and both protocols bring an object to the state its input row asks for)."""
    names = {"soap": "SOAP", "rest": "REST"}
    return (
        f"the reported rows were sent over {names[before]}; this run sends the rest over {names[now]} "
        f"({_objects_per_call(now)} objects per call by default; REST reports UPDATED where SOAP said "
        "UNCHANGED)"
    )


def _exit_status(tally: Tally, this_run: int, done: int, total: int, report: ReportFile | None) -> int:
    _summary(tally, this_run, done, total, report)
    return EXIT_SOME_FAILED if tally.failed else EXIT_OK


def _summary(tally: Tally, this_run: int, done: int, total: int, report: ReportFile | None) -> None:
    """The counts of the whole job (earlier runs of a resumed job included), the failure reasons and, without
    a report file, the first failed rows."""
    parts = ", ".join(
        f"{status.value} {tally.counts[status]}" for status in ObjectStatus if tally.counts[status]
    )
    _stderr(f"{this_run} objects synced this run; {done} of {total} reported in all: {parts or 'none'}")
    if not tally.failed:
        return
    lines = [f"{tally.failed} objects FAILED; the reasons:"]
    lines += [f"  {count:>6}  {reason}" for reason, count in tally.reasons.most_common()]
    if report is None:
        shown = len(tally.failed_rows)
        more = f" (the first {shown}; --report FILE lists them all)" if shown < tally.failed else ""
        lines.append(f"failed rows{more}:")
        for row in tally.failed_rows:
            keys = " ".join(f"{name}={value}" for name, value in row.keys.items())
            lines.append(f"  line {row.line}, {keys}: {row.error}")
    else:
        lines.append(f"every row with its status is in {report.path}")
    print("\n".join(lines), file=sys.stderr, flush=True)


def _os_error(exc: OSError) -> str:
    """An OSError in one line, naming the file when it is known."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


# --- get-custom-objects -----------------------------------------------------------------------------------


def _parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--key takes NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def cmd_get_custom_objects(args: argparse.Namespace) -> int:
    if args.batch_size is not None and not 1 <= args.batch_size <= MAX_CUSTOM_OBJECTS_PER_CALL:
        raise UsageError(
            f"--batch-size must be between 1 and {MAX_CUSTOM_OBJECTS_PER_CALL}, not {args.batch_size}"
        )
    keys = _parse_pairs(args.key or [])
    include = [name.strip() for name in args.include.split(",") if name.strip()] if args.include else []
    out: TextIO = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    count = 0
    pages: Any = None
    try:
        with connect(args) as client:
            pages = client.get_custom_objects(
                args.type,
                keys=keys or None,
                include_attributes=include,
                batch_size=args.batch_size,
                stream_position=args.stream_position,
            )
            for obj in pages:
                record = CustomObject.coerce(obj)
                out.write(
                    json.dumps({"keys": dict(record.keys), "attributes": dict(record.attributes)}) + "\n"
                )
                count += 1
    finally:
        if args.out:
            out.close()
        if pages is not None and not pages.finished and pages.position is not None:
            _stderr(f"stopped early; resume with --stream-position {pages.position!r}")
    _stderr(f"{count} objects of type {args.type}")
    return EXIT_OK


# --- call -------------------------------------------------------------------------------------------------


def _params_file_problem(op: operations.Operation, root: Any) -> str | None:
    """What is wrong with the element or namespaces of an XML params file, in words; None when they are right.

    The params element (bare or in an envelope's Body) is ``op``'s, in Marketo's namespace, and its children are
    in none, as in Marketo's documented requests. The usual slips: no namespace at all, or a default ``xmlns``
    that also puts every child into the namespace.
    """
    from lxml import etree

    params = root
    if etree.QName(root).localname == "Envelope":
        body = next((child for child in root if etree.QName(child).localname == "Body"), None)
        params = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
    if params is None:
        return None
    name = etree.QName(params)
    expected = etree.QName(op.params_qname)
    example = f'<ns1:{expected.localname} xmlns:ns1="{expected.namespace}">'
    if name.localname != expected.localname:
        return (
            f"<{name.localname}> is not the params of {op.name}, which takes {example} (see examples/params/)"
        )
    if name.namespace != expected.namespace:
        where = f"namespace {name.namespace}" if name.namespace else "no namespace"
        return (
            f"<{name.localname}> is in {where}: the params element must be in Marketo's namespace "
            f"{expected.namespace}, with its children in none, e.g. {example} (see examples/params/)"
        )
    qualified = [etree.QName(child).localname for child in params if etree.QName(child).namespace]
    if qualified:
        return (
            f"<{qualified[0]}> inside <{name.localname}> has a namespace: only the params element is in "
            f"Marketo's namespace, so declare it with a prefix, e.g. {example}, not as the default xmlns"
        )
    return None


def _load_params(op: operations.Operation, params_file: str | None) -> Any:
    """``op``'s params from a file: JSON (``.json``, WSDL field names) or XML (the namespaced params element
    or a whole request envelope); UsageError naming the file and the problem."""
    if params_file is None:
        try:
            return op.params()
        except TypeError:
            raise UsageError(f"{op.name} has required parameters: pass --params FILE (XML or JSON)") from None
    data = Path(params_file).read_bytes()
    if params_file.lower().endswith(".json"):
        from xsdata.formats.dataclass.parsers import DictDecoder

        try:
            return DictDecoder(context=operations.XML_CONTEXT).decode(json.loads(data), op.params)
        except Exception as exc:
            raise UsageError(f"{params_file}: does not match {op.params_qname}: {exc}") from None
    try:
        root = codec.parse_xml(data)
        problem = _params_file_problem(op, root)
        if problem:
            raise UsageError(f"{params_file}: {problem}")
        return op.params_of(codec.decode_request(op, root, strict=True))
    except MktowsError as exc:
        raise UsageError(f"{params_file}: {exc}") from None


def cmd_call(args: argparse.Namespace) -> int:
    try:
        op = operations.get(args.operation)
    except KeyError:
        raise UsageError(
            f"unknown operation {args.operation!r}; known: {', '.join(operations.OPERATIONS)}"
        ) from None
    params = _load_params(op, args.params)
    with connect(args) as client:
        # the success element rebuilt from the result: a call over REST has no SOAP envelope to take it from
        success = op.success_of(op.response(client.call(op, params).result))
    if args.json:
        from xsdata.formats.dataclass.serializers import DictEncoder

        print(json.dumps(DictEncoder(context=operations.XML_CONTEXT).encode(success), indent=2, default=str))
    else:
        from lxml import etree

        print(
            etree.tostring(codec.parse_xml(codec.encode(success)), pretty_print=True, encoding="unicode"),
            end="",
        )
    return EXIT_OK


# --- emulator ---------------------------------------------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> int:
    from mktows import emulator

    return int(emulator.run(args))


# --- wiring -----------------------------------------------------------------------------------------------


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        type=str.lower,
        choices=PROTOCOLS,
        default="soap",
        help="talk to Marketo's SOAP API (the default) or, with its typed calls translated, its REST API",
    )
    group = parser.add_argument_group(
        "connection (SOAP: $MKTOWS_ENDPOINT etc., else the embedded emulator; --timeout, --rate and "
        "--max-in-flight apply over REST too)"
    )
    group.add_argument(
        "--endpoint",
        help=f"SOAP endpoint, e.g. https://123-ABC-456.mktoapi.com/soap/mktows/2_6 (${ENV_ENDPOINT})",
    )
    group.add_argument("--user-id", help=f"mktowsUserId (${ENV_USER_ID})")
    group.add_argument(
        "--encryption-key", help=f"encryption key; prefer ${ENV_KEY}, flags show in process lists"
    )
    group.add_argument("--timeout", type=float, help="connect and read timeout in seconds")
    group.add_argument(
        "--rate",
        help=f"client-side call rate as CALLS/SECONDS (default {CALLS_PER_WINDOW}/{RATE_WINDOW:g}, Marketo's limit), or off",
    )
    group.add_argument(
        "--max-in-flight",
        type=int,
        help=f"calls in flight at most (default {MAX_CONCURRENT_CALLS}, Marketo's limit)",
    )
    add_rest_options(
        parser,
        f"REST connection, with --protocol rest (default: ${ENV_REST_ENDPOINT} etc., else the embedded "
        "emulator's REST face)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mktows", description="Marketo SOAP API (mktows) tools.")
    parser.add_argument("--version", action="version", version=f"mktows {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    sync = sub.add_parser(
        "sync-custom-objects", help="insert/update/upsert custom objects from a CSV or JSONL file"
    )
    sync.add_argument("file", help="CSV (header row) or JSONL file, read as a stream")
    sync.add_argument("--type", required=True, help="custom object type name, e.g. RoadShow")
    sync.add_argument(
        "--operation", default="UPSERT", help="INSERT, UPDATE or UPSERT, in any case (default UPSERT)"
    )
    sync.add_argument("--keys", help="comma-separated dedupe key fields, e.g. MKTOID,rid")
    sync.add_argument("--format", choices=("csv", "jsonl"), help="input format (default: from the file name)")
    sync.add_argument("--report", help="write one row per input object (CSV, or JSONL for a .jsonl name)")
    sync.add_argument(
        "--checkpoint", help="progress file: a killed run started again resumes where it stopped"
    )
    sync.add_argument(
        "--batch-size",
        type=int,
        help=f"objects per call (default and max: {MAX_CUSTOM_OBJECTS_PER_CALL} over SOAP, "
        f"{REST_MAX_RECORDS_PER_CALL} over REST)",
    )
    sync.add_argument(
        "--workers", type=int, default=1, help="calls in flight at once (the client limits apply)"
    )
    sync.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE_SECONDS,
        help="seconds after which a run still waiting for the service's limits stops (exit 1, progress kept "
        f"in the checkpoint); default {DEFAULT_DEADLINE_SECONDS:g} ({DEFAULT_DEADLINE_SECONDS / 3600:g} hours)",
    )
    _add_connection_options(sync)
    sync.set_defaults(func=cmd_sync_custom_objects)

    get = sub.add_parser("get-custom-objects", help="read custom objects of a type as JSONL")
    get.add_argument("--type", required=True, help="custom object type name")
    get.add_argument(
        "--key", action="append", metavar="NAME=VALUE", help="select by a key field (repeatable)"
    )
    get.add_argument("--include", help="comma-separated fields to return (default: all)")
    get.add_argument("--batch-size", type=int, help=f"objects per call (max {MAX_CUSTOM_OBJECTS_PER_CALL})")
    get.add_argument("--stream-position", help="resume from a stream position printed by an earlier run")
    get.add_argument("--out", help="output file (default: standard output)")
    _add_connection_options(get)
    get.set_defaults(func=cmd_get_custom_objects)

    call = sub.add_parser("call", help="one raw call of any operation, printing its result")
    call.add_argument("operation", help="WSDL name (getLead) or snake_case name (get_lead)")
    call.add_argument("--params", help="params as XML (a params<Operation> element or an envelope) or .json")
    call.add_argument("--json", action="store_true", help="print the result as JSON instead of XML")
    _add_connection_options(call)
    call.set_defaults(func=cmd_call)

    emu = sub.add_parser("emulator", help="run the local mktows emulator")
    try:
        from mktows import emulator

        emulator.add_arguments(emu)
    except ImportError:  # pragma: no cover - the emulator ships with the package
        pass
    emu.set_defaults(func=cmd_emulator)
    gateway.add_parser(sub)
    return parser


def _resume_hint(args: argparse.Namespace) -> str:
    if getattr(args, "checkpoint", None):
        return "run the same command again to resume after the last reported object"
    return "run it again (with --checkpoint FILE a run resumes where it stopped)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (UsageError, InputFileError, CheckpointError, ReportFileError) as exc:
        _stderr(str(exc))
        return EXIT_FATAL
    except UnsupportedOperationError as exc:  # over REST: no translation (yet), or one REST cannot serve
        over_rest = getattr(args, "protocol", None) == "rest"
        _stderr(f"not available with --protocol rest: {exc}" if over_rest else f"{type(exc).__name__}: {exc}")
        return EXIT_FATAL
    except RepeatedFailureError as exc:
        _stderr(
            f"stopped: {exc}; the objects of those batches are not reported: fix it, then {_resume_hint(args)}"
        )
        return EXIT_FATAL
    except MktowsError as exc:
        if classify(exc) is Disposition.THROTTLED:
            deadline = getattr(args, "deadline", None)
            until = f"past the run deadline (--deadline {deadline:g} s)" if deadline else "too long"
            _stderr(
                f"stopped: the service kept refusing calls for its limits {until} "
                f"({type(exc).__name__}: {exc}); {_resume_hint(args)}"
            )
        else:
            _stderr(f"{type(exc).__name__}: {exc}")
        return EXIT_FATAL
    except KeyboardInterrupt:
        _stderr("interrupted")
        return 130
    except BrokenPipeError:  # the reader of our output went away (`| head`): stop quietly
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return EXIT_OK
    except OSError as exc:  # an unwritable --report or --out, a full disk, a missing --params file...
        _stderr(_os_error(exc))
        return EXIT_FATAL
