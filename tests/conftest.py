"""Shared test setup: where Marketo's reference material lives, and skipping politely when it is absent."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mktows.pytest_plugin import EmulatorHandle
from tests.contract.profiles import register_profiles

# Hypothesis profiles "ci" (the default) and "long": registered here, before --hypothesis-profile is read.
register_profiles()

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("MKTOWS_SHARED_DIR", REPO_ROOT.parent / "shared"))
DOCS_DIR = SHARED_DIR / "marketo-docs"
FIXTURES_DIR = DOCS_DIR / "fixtures"
WSDL_DIR = SHARED_DIR / "wsdl"

SHARED_MISSING = not (FIXTURES_DIR / "index.json").is_file() or not WSDL_DIR.is_dir()
SHARED_REASON = (
    f"needs Marketo's reference docs and WSDLs in {SHARED_DIR} (the ../shared folder beside the checkout)"
)

requires_shared = pytest.mark.skipif(SHARED_MISSING, reason=SHARED_REASON)

# Documented requests that only make sense after another documented request (the documented workflow).
PREREQUISITES = {"fixtures/getImportToListStatus/request.xml": "fixtures/importToList/request.xml"}


@pytest.fixture
def env(mktows_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> EmulatorHandle:
    """The test's emulator, named by MKTOWS_ENDPOINT, MKTOWS_USER_ID and MKTOWS_ENCRYPTION_KEY (for the CLI)."""
    monkeypatch.setenv("MKTOWS_ENDPOINT", mktows_emulator.endpoint)
    monkeypatch.setenv("MKTOWS_USER_ID", mktows_emulator.user_id)
    monkeypatch.setenv("MKTOWS_ENCRYPTION_KEY", mktows_emulator.encryption_key)
    return mktows_emulator


def fixture_index() -> list[dict[str, Any]]:
    """Entries of fixtures/index.json (empty when ../shared is absent, so parametrized tests collect nothing)."""
    if SHARED_MISSING:
        return []
    entries: list[dict[str, Any]] = json.loads((FIXTURES_DIR / "index.json").read_text(encoding="utf-8"))
    return entries


def fixture_bytes(relative: str) -> bytes:
    """Bytes of a fixture named as in index.json (``fixtures/<operation>/request.xml``)."""
    return (DOCS_DIR / relative).read_bytes()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SHARED_MISSING:
        return
    skip = pytest.mark.skip(reason=SHARED_REASON)
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)
