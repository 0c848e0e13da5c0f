"""Parametrizing over fixtures/index.json entries, with a clear skip when ../shared is absent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SHARED_MISSING


def fixture_params(entries: list[dict[str, Any]]) -> list[Any]:
    """One pytest param per fixture entry, named by its file; without ../shared, one placeholder that
    tests/conftest.py skips with the shared-folder reason (rather than pytest's "empty parameter set")."""
    if SHARED_MISSING:
        return [pytest.param(None, id="shared-folder-missing", marks=pytest.mark.shared)]
    return [pytest.param(entry, id=str(entry["file"]).removeprefix("fixtures/")) for entry in entries]
