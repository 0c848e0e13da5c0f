"""Crash-safe progress of a bulk run: how many input records are fully reported, how long the report was, and
the tally of what they were.

The report file is flushed and fsynced before the checkpoint that counts its rows is written, and the
checkpoint is replaced atomically; so after a crash (even SIGKILL) the report is cut back to the checkpointed
length and the run resumes after the checkpointed record: no report row is lost or written twice.

A checkpoint names its input by size and the SHA-256 of all of it (computed by the validation pass, which reads
every byte anyway), is validated field by field when read, and is locked (``<checkpoint>.lock``) while a run
holds it, so a second run on the same checkpoint is refused instead of interleaving its writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from mktows.cli.records import InputSummary
from mktows.cli.tally import Tally

FORMAT_VERSION = 2


class CheckpointError(Exception):
    """A checkpoint that cannot be used for this run (another input, other options, a damaged file, in use)."""


@dataclass(frozen=True)
class RunIdentity:
    """What a checkpoint must match to be resumed: the input file and the options that shape the report."""

    input_path: str
    input_size: int
    input_sha256: str
    obj_type_name: str
    operation: str
    key_fields: tuple[str, ...]
    report_path: str | None

    @classmethod
    def of(
        cls,
        input_path: Path,
        summary: InputSummary,
        obj_type_name: str,
        operation: str,
        key_fields: list[str],
        report_path: Path | None,
    ) -> RunIdentity:
        return cls(
            input_path=str(input_path.resolve()),
            input_size=summary.size,
            input_sha256=summary.sha256,
            obj_type_name=obj_type_name,
            operation=operation,
            key_fields=tuple(key_fields),
            report_path=str(report_path.resolve()) if report_path else None,
        )


PROTOCOLS = ("soap", "rest")


@dataclass(frozen=True)
class Progress:
    """``records_done`` input records are reported in the first ``report_bytes`` bytes of the report; the
    last run that saved it sent its objects over ``protocol`` (a run may resume over the other one)."""

    records_done: int
    report_bytes: int
    tally: Tally = field(default_factory=Tally)
    protocol: str = "soap"


@dataclass(frozen=True)
class Bounds:
    """What a saved progress must fit: the input's record count, and the report header's length in bytes
    (None when the run writes no report)."""

    records: int
    report_header_bytes: int | None


class Checkpoint:
    """The checkpoint file of one run."""

    def __init__(self, path: Path, identity: RunIdentity) -> None:
        self.path = path
        self.identity = identity
        self.lock_path = path.with_name(path.name + ".lock")

    def load(self, bounds: Bounds) -> Progress | None:
        """The saved progress, or None when there is no checkpoint yet; CheckpointError when it does not belong
        to this run or does not hold together."""
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CheckpointError(f"{self.path}: not a checkpoint of this version of mktows")
        saved = data.get("run")
        current = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.identity).items()}
        differing = sorted(k for k in current if not isinstance(saved, dict) or saved.get(k) != current[k])
        if differing:
            raise CheckpointError(
                f"{self.path} belongs to another run (different {', '.join(differing)}); "
                "delete it to start over, or run with the same input and options"
            )
        try:
            return _progress(data, bounds)
        except ValueError as exc:
            raise CheckpointError(
                f"{self.path}: damaged checkpoint ({exc}); delete it to start over"
            ) from None

    def save(self, progress: Progress) -> None:
        """Atomically replace the checkpoint (write a temporary file, fsync, rename)."""
        payload = {
            "version": FORMAT_VERSION,
            "run": asdict(self.identity),
            "records_done": progress.records_done,
            "report_bytes": progress.report_bytes,
            "tally": progress.tally.to_json(),
            "protocol": progress.protocol,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            with temporary.open("w", encoding="utf-8") as handle:
                json.dump(payload, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise OSError(exc.errno, exc.strerror, exc.filename or str(self.path)) from None
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the checkpoint for this run; CheckpointError at once when another run holds it."""
        handle = _take_lock(self.lock_path, self.path)
        try:
            yield
        finally:
            self.lock_path.unlink(missing_ok=True)
            handle.close()


def _take_lock(lock_path: Path, checkpoint: Path) -> IO[str]:
    """An open, exclusively locked ``lock_path`` holding our process id (the kernel drops the lock if we die)."""
    while True:
        handle = lock_path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip()
            handle.close()
            who = f" (process {owner})" if owner.isdigit() else ""
            raise CheckpointError(
                f"{checkpoint} is in use by another run{who}; wait for it to end, or give this run "
                "its own --checkpoint"
            ) from None
        try:  # the run that held the lock may have removed the file meanwhile: lock the file that is there
            current = os.stat(lock_path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            current = False
        if current:
            handle.truncate(0)
            handle.write(str(os.getpid()))
            handle.flush()
            return handle
        handle.close()


def _int_field(data: dict[str, Any], name: str, low: int, high: int | None) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} is missing or not a whole number")
    if value < low or (high is not None and value > high):
        within = f"{low}..{high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} {value} is out of range ({within})")
    return value


def _progress(data: dict[str, Any], bounds: Bounds) -> Progress:
    records_done = _int_field(data, "records_done", 0, bounds.records)
    header = bounds.report_header_bytes
    if header is None:
        report_bytes = _int_field(data, "report_bytes", 0, 0)
    else:
        report_bytes = _int_field(data, "report_bytes", header + (1 if records_done else 0), None)
    tally = Tally.from_json(data.get("tally"))
    if tally.reported != records_done:
        raise ValueError(f"the counts add up to {tally.reported}, not records_done {records_done}")
    protocol = data.get("protocol", "soap")  # checkpoints written before REST runs existed are SOAP's
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol {protocol!r} is neither soap nor rest")
    return Progress(records_done, report_bytes, tally, protocol)
