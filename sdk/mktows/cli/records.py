"""Reading custom objects from CSV or JSONL files, streamed, with errors that name the file and line.

A file is read twice by the CLI: once to validate it completely (so a bad line stops the run before anything
is uploaded) and once to upload. Both passes use ``read_records``, which holds one record at a time.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mktows.batching import CustomObject

FORMATS = ("csv", "jsonl")

# Characters XML 1.0 cannot carry (C0 controls other than tab/newline/carriage return, lone surrogates,
# U+FFFE/U+FFFF): a value holding one could not be sent, so the file is refused before any upload.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class InputFileError(Exception):
    """A problem in the input file, with the line it is on (1-based; 0 when it concerns the whole file)."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Record:
    """One input object and the line it starts on."""

    line: int
    obj: CustomObject


def detect_format(path: Path, given: str | None) -> str:
    if given:
        if given not in FORMATS:
            raise InputFileError(path, 0, f"unknown format {given!r} (use csv or jsonl)")
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise InputFileError(path, 0, "cannot tell the format from the file name; pass --format csv or jsonl")


@dataclass(frozen=True)
class InputSummary:
    """What the validation pass learned of a whole input file: its records, size and SHA-256 of every byte."""

    records: int
    size: int
    sha256: str


class _LineSource:
    """Decodes a binary file line by line as UTF-8, counting bytes (for progress) and lines (for errors), and
    hashing what it read when asked to."""

    def __init__(self, path: Path, handle: IO[bytes], digest: Any = None) -> None:
        self.path = path
        self.handle = handle
        self.bytes_read = 0
        self.line = 0
        self.digest = digest

    def drain(self) -> None:
        """Read (and hash) whatever the parser left unread, so the digest covers the whole file."""
        for raw in self.handle:
            self.bytes_read += len(raw)
            if self.digest is not None:
                self.digest.update(raw)

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.line += 1
            self.bytes_read += len(raw)
            if self.digest is not None:
                self.digest.update(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    self.path, self.line, f"not valid UTF-8 (byte {exc.start + 1} of the line)"
                ) from None
            if self.line == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield text


def _check_text(path: Path, line: int, field: str, value: str) -> str:
    match = _NOT_XML.search(value)
    if match:
        raise InputFileError(
            path, line, f"field {field!r} holds character U+{ord(match.group()):04X}, which XML cannot carry"
        )
    return value


def _split(path: Path, line: int, values: dict[str, Any], key_fields: Sequence[str]) -> CustomObject:
    keys: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for name, value in values.items():
        if value is None or value == "":
            if name in key_fields:
                raise InputFileError(path, line, f"key field {name!r} is empty")
            continue  # empty cells / nulls are not sent: Marketo would store them as an empty value
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif not isinstance(value, str):
            raise InputFileError(
                path, line, f"field {name!r} must be a string or a number, got {type(value).__name__}"
            )
        _check_text(path, line, name, name)
        target = keys if name in key_fields else attributes
        target[name] = _check_text(path, line, name, value)
    return CustomObject(keys=keys, attributes=attributes)


def _csv_records(path: Path, source: _LineSource, key_fields: Sequence[str]) -> Iterator[Record]:
    reader = csv.reader(source, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(
            path, 0, "the file is empty (a header row naming the fields is required)"
        ) from None
    header = [name.strip() for name in header]
    if len(set(header)) != len(header) or "" in header:
        raise InputFileError(path, 1, "the header row has an empty or repeated field name")
    if not key_fields:
        raise InputFileError(path, 1, "CSV input needs --keys naming its dedupe key columns")
    missing = [key for key in key_fields if key not in header]
    if missing:
        raise InputFileError(path, 1, f"the header row lacks the key column(s) {', '.join(missing)}")
    while True:
        start = source.line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(path, source.line, f"malformed CSV: {exc}") from None
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            raise InputFileError(path, start, f"row has {len(row)} fields, the header has {len(header)}")
        yield Record(start, _split(path, start, dict(zip(header, row, strict=True)), key_fields))


def _jsonl_records(path: Path, source: _LineSource, key_fields: Sequence[str]) -> Iterator[Record]:
    for text in source:
        line = source.line
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, line, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(value, dict):
            raise InputFileError(path, line, f"expected a JSON object, got {type(value).__name__}")
        if "keys" in value and isinstance(value["keys"], dict):
            unknown = set(value) - {"keys", "attributes"}
            if unknown:
                raise InputFileError(
                    path, line, f"unexpected entries {sorted(unknown)} beside 'keys'/'attributes'"
                )
            attributes = value.get("attributes") or {}
            if not isinstance(attributes, dict):
                raise InputFileError(path, line, "'attributes' must be a JSON object")
            fields = {**attributes, **value["keys"]}
            obj = _split(path, line, fields, list(value["keys"]))
        else:
            if not key_fields:
                raise InputFileError(
                    path, line, 'flat JSON objects need --keys (or use {"keys": ..., "attributes": ...})'
                )
            missing = [key for key in key_fields if key not in value]
            if missing:
                raise InputFileError(path, line, f"missing key field(s) {', '.join(missing)}")
            obj = _split(path, line, value, key_fields)
        if not obj.keys:
            raise InputFileError(path, line, "the object has no key fields")
        yield Record(line, obj)


class RecordReader:
    """Iterates the records of one file; ``bytes_read`` tells how far it got (for a progress bar)."""

    def __init__(self, path: Path, fmt: str, key_fields: Sequence[str], *, digest: bool = False) -> None:
        self.path = path
        self.format = fmt
        self.key_fields = list(key_fields)
        self._source: _LineSource | None = None
        self._digest = hashlib.sha256() if digest else None

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes read so far (every byte once iteration has ended); needs ``digest=True``."""
        if self._digest is None:
            raise ValueError("this reader was not asked to hash its input")
        return self._digest.hexdigest()

    @property
    def bytes_read(self) -> int:
        return self._source.bytes_read if self._source else 0

    def __iter__(self) -> Iterator[Record]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputFileError(self.path, 0, f"cannot read the file: {exc.strerror}") from None
        with handle:
            self._source = _LineSource(self.path, handle, self._digest)
            if self.format == "csv":
                yield from _csv_records(self.path, self._source, self.key_fields)
            else:
                yield from _jsonl_records(self.path, self._source, self.key_fields)
            self._source.drain()


def validate(path: Path, fmt: str, key_fields: Sequence[str]) -> InputSummary:
    """Read the whole file once, hashing every byte; raise ``InputFileError`` at the first problem."""
    reader = RecordReader(path, fmt, key_fields, digest=True)
    records = sum(1 for _ in reader)
    return InputSummary(records, reader.bytes_read, reader.sha256)
