"""The emulator is the other side of the wire: no module of ``mktows.emulator`` imports the client (or the
client's private transport, signing-state and retry modules), so a bug shared by both sides cannot hide."""

from __future__ import annotations

import ast
from pathlib import Path

import mktows.emulator

CLIENT_MODULES = {
    "mktows.client",
    "mktows._transport",
    "mktows._auth",
    "mktows._retry",
    "mktows._limits",
    "mktows._ops",
}


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
