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


class ReportFileError(Exception):
    """A report file that cannot be resumed (missing, shorter than the checkpoint says, another header)."""


class ReportFile:
    """One row per input object: its input line, keys, status and error.

    CSV columns are ``line``, then the key fields (when they are fixed for the run) or one ``keys`` column
    holding a JSON object, then ``status``, ``error`` and ``repeated`` ("yes" when the call carrying the object
    was sent again after an ambiguous failure, so its status is the second attempt's). A ``.jsonl`` path gives
    one JSON object per line with the same fields.
    """

    def __init__(self, path: Path, key_fields: Sequence[str]) -> None:
        self.path = path
        self.key_fields = list(key_fields)
        self.jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
        self._handle: IO[bytes] | None = None

    @property
    def header(self) -> bytes:
        """The bytes a new report starts with (the CSV header row; nothing for JSONL)."""
        if self.jsonl:
            return b""
        return _csv_row(["line", *(self.key_fields or ["keys"]), "status", "error", "repeated"])

    def open(self, resume_at: int | None) -> None:
        """Start a new report, or cut an existing one back to ``resume_at`` bytes and append from there."""
        if resume_at is None:
            self._handle = self.path.open("wb")
            self._handle.write(self.header)
            return
        if not self.path.exists() or self.path.stat().st_size < resume_at:
            raise ReportFileError(
                f"{self.path}: the report is missing or shorter than the checkpoint says ({resume_at} bytes)"
            )
        self._handle = self.path.open("r+b")
        if self._handle.read(len(self.header)) != self.header:
            self.close()
            raise ReportFileError(f"{self.path}: the report does not start with the header this run writes")
        self._handle.truncate(resume_at)
        self._handle.seek(resume_at)

    def write(self, line: int, result: ObjectResult) -> None:
        try:
            self._write(line, result)
        except OSError as exc:  # a buffered write that failed names no file: name the report
            raise OSError(exc.errno, exc.strerror, exc.filename or str(self.path)) from None

    def _write(self, line: int, result: ObjectResult) -> None:
        assert self._handle is not None
        if self.jsonl:
            entry = {
                "line": line,
                "keys": dict(result.keys),
                "status": result.status.value,
                "error": result.error,
                "repeated": result.repeated,
            }
            self._handle.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
            return
        if self.key_fields:
            keys = [result.keys.get(name, "") for name in self.key_fields]
        else:
            keys = [json.dumps(dict(result.keys), ensure_ascii=False, sort_keys=True)]
        repeated = "yes" if result.repeated else ""
        self._handle.write(_csv_row([str(line), *keys, result.status.value, result.error or "", repeated]))

    def sync(self) -> int:
        """Flush to disk and return the report's length in bytes (what a checkpoint records)."""
        assert self._handle is not None
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:  # a full disk: name the file, which a buffered flush does not
            raise OSError(exc.errno, exc.strerror, exc.filename or str(self.path)) from None
        return self._handle.tell()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _csv_row(row: list[str]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(row)
    return text.getvalue().encode("utf-8")
