"""The emulator is the other side of the wire: no module of ``mktows.emulator`` imports the client (or the
client's private transport, signing-state and retry modules), so a bug shared by both sides cannot hide; and
importing it (or the codec) loads neither the client nor the HTTP client library, as checked at run time."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mktows.emulator

CLIENT_MODULES = {
    "mktows.client",
    "mktows._transport",
    "mktows._auth",
    "mktows._retry",
    "mktows._limits",
    "mktows._convenience",
}

HTTP_CLIENT_MODULES = {"requests", "urllib3"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_emulator_module_imports_the_client() -> None:
    package = Path(mktows.emulator.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 10
    offenders = {str(p.relative_to(package)): sorted(_imports(p) & CLIENT_MODULES) for p in modules}
    assert {name: found for name, found in offenders.items() if found} == {}


def _loaded_after(statement: str) -> set[str]:
    """The modules ``statement`` loads in a fresh interpreter."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("statement", ["import mktows.emulator", "import mktows.codec", "import mktows"])
def test_importing_loads_neither_the_client_nor_requests(statement: str) -> None:
    loaded = _loaded_after(statement)
    assert loaded & (CLIENT_MODULES | HTTP_CLIENT_MODULES) == set()


def test_the_public_names_load_on_first_use() -> None:
    loaded = _loaded_after("from mktows import Client, CustomObject, BatchAborted, SyncReport")
    assert {"mktows.client", "requests"} <= loaded
