"""``python -m tests.mutation [--tests-at REV] [NAME-SUBSTRING ...]``: plant each bug of ``mutants.MUTANTS`` in
a fresh temporary copy of the project, run the tests it names there (stopping at the first failure) and print
which bugs the suite caught and the kill rate. ``--tests-at REV`` takes ``tests/`` from a git revision (the
suite as it was), the code from the checkout. The checkout itself is never changed. Needs ../shared."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import REPO_ROOT, SHARED_DIR, WSDL_DIR
from tests.mutation.mutants import MUTANTS, Mutant

COPIED = ("codegen", "generated", "sdk", "tests", "wsdl", "examples", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc", "mutation")
TIME_LIMIT = 900  # seconds per mutant run; a hang counts as caught (the suite's own timeouts failed it)

# Run pytest on the copy: drop the editable install's import hook so ``mktows`` comes from the copy.
BOOTSTRAP = (
    "import sys, pytest;"
    "sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in type(f).__module__];"
    "sys.path[:0] = ['sdk', 'generated', '.'];"
    "import mktows; assert mktows.__file__.startswith(sys.argv[1]), mktows.__file__;"
    "sys.exit(pytest.main(sys.argv[2:]))"
)


def _copy_project(target: Path) -> None:
    for name in COPIED:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, target / name)


def _run_tests(root: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    """pytest's exit status on the copy at ``root`` (1 on a hang), and the end of its output."""
    env = {
        **os.environ,
        "MKTOWS_SHARED_DIR": str(SHARED_DIR),
        "MKTOWS_WSDL_DIR": str(WSDL_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("MKTOWS_CODEC", None)
    command = [sys.executable, "-c", BOOTSTRAP, str(root), "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return 1, f"no result after {TIME_LIMIT} s"
    return done.returncode, done.stdout.decode(errors="replace")[-3000:]


def _plant(root: Path, mutant: Mutant) -> bool:
    path = root / mutant.path
    text = path.read_text(encoding="utf-8")
    if mutant.old not in text:
        return False
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return True


def _tests_at(root: Path, revision: str) -> None:
    """Replace the copy's tests/ by the one of a git revision."""
    shutil.rmtree(root / "tests")
    archive = subprocess.run(
        ["git", "archive", revision, "tests"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)


def main(argv: list[str]) -> int:
    revision = None
    if argv[:1] == ["--tests-at"]:
        revision, argv = argv[1], argv[2:]
    chosen = [m for m in MUTANTS if not argv or any(word.lower() in m.name.lower() for word in argv)]
    with tempfile.TemporaryDirectory(prefix="mktows-mutation-") as scratch:
        pristine = Path(scratch) / "pristine"
        _copy_project(pristine)
        if revision is not None:
            _tests_at(pristine, revision)
        every_test = tuple(sorted({test for mutant in chosen for test in mutant.tests}))
        print(f"baseline: {len(every_test)} test files on the unchanged copy ...", flush=True)
        status, output = _run_tests(pristine, every_test)
        if status != 0:
            print(f"{output}\nthe tests fail without any planted bug: fix that first")
            return 1
        caught, survived, stale = [], [], []
        for number, mutant in enumerate(chosen, 1):
            root = Path(scratch) / f"mutant-{number}"
            shutil.copytree(pristine, root)
            started = time.monotonic()
            if not _plant(root, mutant):
                stale.append(mutant)
                outcome = "STALE (snippet not found)"
            elif _run_tests(root, mutant.tests)[0] == 0:
                survived.append(mutant)
                outcome = "SURVIVED"
            else:
                caught.append(mutant)
                outcome = "caught"
            shutil.rmtree(root)
            print(f"{number:2}. {outcome:9} {mutant.name}  ({time.monotonic() - started:.0f} s)", flush=True)
    planted = len(caught) + len(survived)
    rate = f"{100 * len(caught) / planted:.0f} %" if planted else "n/a"
    print(f"kill rate: {len(caught)}/{planted} planted bugs caught ({rate}); {len(stale)} stale")
    for mutant in survived:
        print(f"  survived: {mutant.name} [{mutant.path}]")
    return 0 if not survived and not stale else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
