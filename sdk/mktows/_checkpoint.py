"""Crash-safe progress of a bulk run: how many input records are fully reported, and how long the report was.

The report file is flushed and fsynced before the checkpoint that counts its rows is written, and the
checkpoint is replaced atomically; so after a crash (even SIGKILL) the report is cut back to the checkpointed
length and the run resumes after the checkpointed record: no report row is lost or written twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1


class CheckpointError(Exception):
    """A checkpoint that cannot be used for this run (another input, other options, a damaged file)."""


@dataclass(frozen=True)
class RunIdentity:
    """What a checkpoint must match to be resumed: the input file and the options that shape the report."""

    input_path: str
    input_size: int
    input_head_sha256: str
    obj_type_name: str
    operation: str
    key_fields: tuple[str, ...]
    report_path: str | None

    @classmethod
    def of(
        cls,
        input_path: Path,
        obj_type_name: str,
        operation: str,
        key_fields: list[str],
        report_path: Path | None,
    ) -> RunIdentity:
        with input_path.open("rb") as handle:
            head = handle.read(1 << 20)
        return cls(
            input_path=str(input_path.resolve()),
            input_size=input_path.stat().st_size,
            input_head_sha256=hashlib.sha256(head).hexdigest(),
            obj_type_name=obj_type_name,
            operation=operation,
            key_fields=tuple(key_fields),
            report_path=str(report_path.resolve()) if report_path else None,
        )


@dataclass(frozen=True)
class Progress:
    records_done: int
    report_bytes: int


class Checkpoint:
    """The checkpoint file of one run."""

    def __init__(self, path: Path, identity: RunIdentity) -> None:
        self.path = path
        self.identity = identity

    def load(self) -> Progress | None:
        """The saved progress, or None when there is no checkpoint yet."""
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CheckpointError(f"{self.path}: not a checkpoint of this version of mktows")
        saved = data.get("run", {})
        current = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.identity).items()}
        differing = sorted(k for k in current if saved.get(k) != current[k])
        if differing:
            raise CheckpointError(
                f"{self.path} belongs to another run (different {', '.join(differing)}); "
                "delete it to start over, or run with the same input and options"
            )
        return Progress(int(data["records_done"]), int(data["report_bytes"]))

    def save(self, progress: Progress) -> None:
        """Atomically replace the checkpoint (write a temporary file, fsync, rename)."""
        payload = {
            "version": FORMAT_VERSION,
            "run": asdict(self.identity),
            "records_done": progress.records_done,
            "report_bytes": progress.report_bytes,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
