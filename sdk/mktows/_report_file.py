"""Writing the per-object report of a bulk run to CSV or JSONL, appending and resumable at a byte offset."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from mktows.reports import ObjectResult


class ReportFile:
    """One row per input object: its input line, keys, status and error.

    CSV columns are ``line``, then the key fields (when they are fixed for the run) or one ``keys`` column
    holding a JSON object, then ``status`` and ``error``. A ``.jsonl`` path gives one JSON object per line.
    """

    def __init__(self, path: Path, key_fields: Sequence[str]) -> None:
        self.path = path
        self.key_fields = list(key_fields)
        self.jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
        self._handle: IO[bytes] | None = None

    def open(self, resume_at: int | None) -> None:
        """Start a new report, or cut an existing one back to ``resume_at`` bytes and append from there."""
        if resume_at is None:
            self._handle = self.path.open("wb")
            if not self.jsonl:
                self._write_row(["line", *(self.key_fields or ["keys"]), "status", "error"])
            return
        if not self.path.exists() or self.path.stat().st_size < resume_at:
            raise FileNotFoundError(
                f"{self.path}: the report is missing or shorter than the checkpoint says ({resume_at} bytes)"
            )
        self._handle = self.path.open("r+b")
        self._handle.truncate(resume_at)
        self._handle.seek(resume_at)

    def _write_row(self, row: list[str]) -> None:
        assert self._handle is not None
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(row)
        self._handle.write(text.getvalue().encode("utf-8"))

    def write(self, line: int, result: ObjectResult) -> None:
        assert self._handle is not None
        if self.jsonl:
            entry = {
                "line": line,
                "keys": dict(result.keys),
                "status": result.status.value,
                "error": result.error,
            }
            self._handle.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
            return
        if self.key_fields:
            keys = [result.keys.get(name, "") for name in self.key_fields]
        else:
            keys = [json.dumps(dict(result.keys), ensure_ascii=False, sort_keys=True)]
        self._write_row([str(line), *keys, result.status.value, result.error or ""])

    def sync(self) -> int:
        """Flush to disk and return the report's length in bytes (what a checkpoint records)."""
        assert self._handle is not None
        self._handle.flush()
        os.fsync(self._handle.fileno())
        return self._handle.tell()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
