"""Which way the imports run for the REST transport: ``mktows.rest`` sits beside the SOAP transport, below the
client and the convenience layer, and apart from the emulator (which must never use it: the other side of the
wire)."""

from __future__ import annotations

from pathlib import Path

import mktows.emulator
import mktows.rest
from tests.test_emulator_imports import _imports

ABOVE_OR_APART = ("mktows.emulator", "mktows.client", "mktows.cli", "mktows._convenience", "mktows.batching")


def _modules(package: object) -> list[Path]:
    return sorted(Path(package.__file__).parent.rglob("*.py"))  # type: ignore[attr-defined]


def test_rest_imports_neither_the_emulator_nor_the_layers_above_it() -> None:
    modules = _modules(mktows.rest)
    assert len(modules) >= 5
    offenders = {
        path.name: sorted(name for name in _imports(path) if name.startswith(ABOVE_OR_APART))
        for path in modules
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_emulator_does_not_import_rest() -> None:
    offenders = {
        str(path): sorted(name for name in _imports(path) if name.startswith("mktows.rest"))
        for path in _modules(mktows.emulator)
    }
    assert {name: found for name, found in offenders.items() if found} == {}
