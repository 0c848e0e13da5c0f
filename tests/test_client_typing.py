"""The typed surface of ``client.ops``: mypy --strict accepts a typed example and rejects wrong calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

mypy_api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")

TYPING_DIR = Path(__file__).resolve().parent / "typing"
GOOD = TYPING_DIR / "typed_example.py"
WRONG = TYPING_DIR / "wrong_call.py"


def _expected_errors() -> set[tuple[int, str]]:
    """(line, error code) for every line of wrong_call.py marked ``# expect: <code>``."""
    found = set()
    for number, line in enumerate(WRONG.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.search(r"# expect: ([\w-]+)", line)
        if match:
            found.add((number, match.group(1)))
    return found


def test_mypy_accepts_the_example_and_rejects_the_wrong_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)  # pyproject's mypy_path ("generated", "sdk") is relative to it
    stdout, stderr, _ = mypy_api.run(
        ["--strict", "--config-file", str(REPO_ROOT / "pyproject.toml"), str(GOOD), str(WRONG)]
    )
    assert not stderr, stderr
    errors = re.findall(r"^(.+?):(\d+): error: .*\[([\w-]+)\]$", stdout, flags=re.MULTILINE)
    assert not [e for e in errors if Path(e[0]).name == GOOD.name], stdout
    wrong = {(int(line), code) for path, line, code in errors if Path(path).name == WRONG.name}
    assert wrong == _expected_errors() and len(wrong) == 4, stdout
    assert 'Revealed type is "mktows_generated.models.ResultGetLead"' in stdout
    assert 'Revealed type is "list[mktows_generated.models.SyncCustomObjStatus]"' in stdout
