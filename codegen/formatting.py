"""Format a written module with the pinned ruff, the way xsdata formats the models it writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LINE_LENGTH = 110


class FormattingError(Exception):
    """ruff could not format a module codegen wrote (a bug in codegen: the module is not valid Python)."""


def format_python(path: Path) -> None:
    """Format ``path`` in place with ruff, ignoring any configuration around it."""
    command = [
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--isolated",
        "--line-length",
        str(LINE_LENGTH),
        "--quiet",
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FormattingError(f"ruff could not format {path.name}:\n{result.stdout}{result.stderr}")
