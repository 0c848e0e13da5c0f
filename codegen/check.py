"""``codegen check``: regenerate into a temporary folder and compare with the checked-in tree."""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

from codegen.docs import DocPages
from codegen.generate import GENERATED_ROOT, PACKAGE, generate_into
from codegen.lock import WsdlVersion


def compare_trees(expected: Path, actual: Path, max_lines: int = 200) -> list[str]:
    """A unified diff of every file that differs, is missing or is extra; empty when the trees are equal."""
    expected_files = {
        p.relative_to(expected) for p in expected.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    actual_files = {
        p.relative_to(actual) for p in actual.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    lines: list[str] = []
    for rel in sorted(expected_files | actual_files):
        if rel not in expected_files:
            lines.append(f"--- generated/{PACKAGE}/{rel}: not produced by codegen (extra file)")
            continue
        if rel not in actual_files:
            lines.append(f"+++ generated/{PACKAGE}/{rel}: produced by codegen but missing from generated/")
            continue
        old = (actual / rel).read_bytes()
        new = (expected / rel).read_bytes()
        if old != new:
            lines.extend(
                difflib.unified_diff(
                    old.decode("utf-8", "replace").splitlines(),
                    new.decode("utf-8", "replace").splitlines(),
                    fromfile=f"generated/{PACKAGE}/{rel} (checked in)",
                    tofile=f"generated/{PACKAGE}/{rel} (regenerated)",
                    lineterm="",
                )
            )
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"... {len(lines) - max_lines} more diff lines"]
    return lines


def check(
    version: WsdlVersion, wsdl_path: Path, docs: DocPages, generated_root: Path = GENERATED_ROOT
) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="mktows-codegen-check-") as tmp:
        fresh = generate_into(Path(tmp), version, wsdl_path, docs)
        return compare_trees(fresh, generated_root / PACKAGE)
