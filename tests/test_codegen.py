"""codegen: deterministic generation, the up-to-date check, the WSDL lock and the API diff."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import lock
from codegen.__main__ import main
from codegen.check import compare_trees
from codegen.docs import DocPages, locate_docs
from codegen.generate import GENERATED_ROOT, PACKAGE, generate_into
from tests.conftest import DOCS_DIR, WSDL_DIR

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def docs() -> DocPages:
    return locate_docs(DOCS_DIR / "source" / "en")


@pytest.fixture(scope="module")
def default_version() -> lock.WsdlVersion:
    lock_data = lock.load_lock()
    return lock_data.get(lock_data.default)


def test_lock_names_every_version_and_default() -> None:
    lock_data = lock.load_lock()
    assert lock_data.default == "2_6"
    assert set(lock_data.versions) == {"2_0", "2_1", "2_2", "2_3", "2_6", "2_7-derived"}
    for version in lock_data.versions.values():
        assert lock.sha256_of(WSDL_DIR / version.file) == version.sha256


def test_generation_is_deterministic(
    tmp_path: Path, default_version: lock.WsdlVersion, docs: DocPages
) -> None:
    wsdl = lock.locate(default_version)
    first = generate_into(tmp_path / "a", default_version, wsdl, docs)
    second = generate_into(tmp_path / "b", default_version, wsdl, docs)
    assert compare_trees(first, second) == []
    # and equal to the checked-in tree: the same thing `codegen check` verifies
    assert compare_trees(first, GENERATED_ROOT / PACKAGE) == []


def test_generated_tree_has_no_timestamps_or_local_paths(default_version: lock.WsdlVersion) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (GENERATED_ROOT / PACKAGE).glob("*.py"))
    assert "on 20" not in text.split("\n", 3)[0]  # xsdata's header would say "on 2026-..."
    assert "/tmp" not in text and "/work" not in text and "mktows-codegen" not in text


def test_check_fails_with_diff_on_hand_edited_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED_ROOT / PACKAGE, copy / PACKAGE)
    models = copy / PACKAGE / "models.py"
    models.write_text(models.read_text(encoding="utf-8").replace("class CustomObj:", "class CustomObjX:", 1))
    assert main(["check", "--generated", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "-class CustomObjX:" in out and "+class CustomObj:" in out


def test_check_passes_on_checked_in_tree() -> None:
    assert main(["check"]) == 0


def test_an_operation_without_a_page_says_so_in_its_docstring(
    tmp_path: Path, default_version: lock.WsdlVersion
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()  # a documentation folder without any operation's page
    target = generate_into(
        tmp_path / "out", default_version, lock.locate(default_version), locate_docs(pages)
    )
    text = (target / "operations.py").read_text(encoding="utf-8")
    assert "syncCustomObjects: (Marketo's documentation has no page synccustomobjects.md.)" in text
    assert text.count('summary="",') == 23
    assert "DOCS_COMMIT = None" in (target / "_source.py").read_text(encoding="utf-8")


def test_missing_docs_are_refused_with_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--docs", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "documentation pages" in err and str(tmp_path / "nowhere") in err and "--docs" in err


def test_code_generated_from_2_0_stands_alone_and_the_sdk_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--version", "2_0", "--out", str(tmp_path)]) == 0
    assert "2_6" in capsys.readouterr().err  # generate says which version the SDK runs on
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    standalone = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from mktows_generated import operations as o; "
            "assert o.__file__.startswith(sys.argv[1]); "
            "print(len(o.OPERATIONS), hasattr(o.Operations, 'get_tags'), "
            "any(m.split('.')[0] == 'mktows' for m in sys.modules))",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert standalone.returncode == 0, standalone.stderr
    assert standalone.stdout.split() == ["21", "False", "False"]  # 2_0 has no getChannels/getTags
    sdk = subprocess.run(
        [sys.executable, "-c", "import mktows"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert sdk.returncode == 1
    last = sdk.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "mktows.operations.UnsupportedWsdlError: mktows runs on code generated from WSDL 2_6"
    )
    assert "generated from WSDL 2_0" in last and "python -m codegen generate" in last


def test_check_reports_extra_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED_ROOT / PACKAGE, copy / PACKAGE)
    (copy / PACKAGE / "handwritten.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["check", "--generated", str(copy)]) == 1
    assert "handwritten.py: not produced by codegen" in capsys.readouterr().out


def test_altered_wsdl_is_refused_with_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    altered = tmp_path / "mktows-2_6.wsdl"
    altered.write_bytes((WSDL_DIR / "mktows-2_6.wsdl").read_bytes().replace(b"2_6", b"2_9", 1))
    assert main(["generate", "--wsdl", str(altered), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "7da074098c9d83a4dfa92b7b364b21db3090855bd4d9b17856f076593f67fafe" in err
    assert str(altered) in err
    assert not (tmp_path / "out").exists()


def test_wsdl_dir_env_is_searched_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(lock, "SHARED_WSDL_DIR", tmp_path / "nowhere")
    monkeypatch.setenv(lock.WSDL_DIR_ENV, str(tmp_path))
    assert main(["diff", "2_2", "2_6"]) == 2
    err = capsys.readouterr().err
    assert "mktows-2_2.wsdl" in err and "not found" in err and "\n" not in err.strip()
    shutil.copy(WSDL_DIR / "mktows-2_2.wsdl", tmp_path)
    (tmp_path / "mktows-2_6.wsdl").write_bytes(b"<not the pinned file/>")
    assert main(["diff", "2_2", "2_6"]) == 2
    assert "differs from the lock" in capsys.readouterr().err


def _diff_json(capsys: pytest.CaptureFixture[str], old: str, new: str) -> list[dict[str, object]]:
    assert main(["diff", old, new, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    changes: list[dict[str, object]] = report["changes"]
    return changes


def test_diff_2_2_to_2_6_reports_exactly_the_documented_changes(capsys: pytest.CaptureFixture[str]) -> None:
    changes = {(c["change"], c["path"], c["breaking"]) for c in _diff_json(capsys, "2_2", "2_6")}
    assert changes == {
        ("added", "ParamsGetLeadChanges/activityNameFilter", False),
        ("removed", "ParamsListOperation/skipActivityLog", True),
        ("added", "ParamsMergeLeads/mergeInSales", False),
        ("changed", "MObjStatus/id", True),
    }


# Every change between adjacent versions, as (change, kind, path, breaking): ../shared/wsdl/README.md, "What
# changed between versions", spelled out (2_0 -> 2_1's "14 types added" and their top-level elements included).
ADJACENT_CHANGES: dict[tuple[str, str], list[tuple[str, str, str, bool]]] = {
    ("2_0", "2_1"): [
        ("added", "operation", "getChannels", False),
        ("added", "operation", "getTags", False),
        *[
            ("added", "type", name, False)
            for name in (
                "ArrayOfProgressionStatus",
                "ArrayOfTag",
                "ArrayOfTagStatus",
                "ArrayOfTypeAttrib",
                "ParamsGetChannels",
                "ParamsGetTags",
                "ProgressionStatus",
                "ResultGetChannels",
                "ResultGetTags",
                "SuccessGetChannels",
                "SuccessGetTags",
                "Tag",
                "TagStatus",
                "TypeAttrib",
            )
        ],
        *[
            ("added", "element", name, False)
            for name in ("paramsGetChannels", "paramsGetTags", "successGetChannels", "successGetTags")
        ],
        ("added", "field", "MObject/typeAttribList", False),
        ("added", "field", "ParamsGetMObjects/includeDetails", False),
        ("added", "enumeration", "MObjectTypeEnum/Program", False),
    ],
    ("2_1", "2_2"): [
        ("added", "field", "ParamsGetLeadChanges/leadSelector", False),
        ("removed", "enumeration", "ListOperationType/CLEARLIST", True),
    ],
    ("2_2", "2_3"): [
        ("added", "field", "ParamsGetLeadChanges/activityNameFilter", False),
        ("removed", "field", "ParamsListOperation/skipActivityLog", True),
    ],
    ("2_3", "2_6"): [
        ("changed", "field", "MObjStatus/id", True),
        ("added", "field", "ParamsMergeLeads/mergeInSales", False),
    ],
    ("2_6", "2_7-derived"): [
        ("changed", "field", "ActivityRecord/id", True),
        ("changed", "field", "LeadChangeRecord/id", True),
    ],
}
DETAILS = {
    "MObject/typeAttribList": "type ArrayOfTypeAttrib, minOccurs 0",
    "ParamsGetMObjects/includeDetails": "type xs:boolean, minOccurs 0",
    "ParamsGetLeadChanges/leadSelector": "type LeadSelector, minOccurs 0",
    "ParamsGetLeadChanges/activityNameFilter": "type ArrayOfString, minOccurs 0",
    "MObjStatus/id": "nillable false -> true",
    "ParamsMergeLeads/mergeInSales": "type xs:boolean, minOccurs 0",
    "ActivityRecord/id": "type xs:int -> xs:long",
    "LeadChangeRecord/id": "type xs:int -> xs:long",
}


@pytest.mark.parametrize("pair", list(ADJACENT_CHANGES), ids="->".join)
def test_diff_of_adjacent_versions_lists_each_documented_change_once(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    changes = _diff_json(capsys, *pair)
    found = [(c["change"], c["kind"], c["path"], c["breaking"]) for c in changes]
    assert len(found) == len(set(found)), "a change listed twice"
    assert sorted(found, key=str) == sorted(ADJACENT_CHANGES[pair], key=str)
    for change in changes:
        assert change["reason"], change
        assert change["detail"] == DETAILS.get(str(change["path"]), ""), change


def _readme_changes() -> dict[tuple[str, str], str]:
    """The "What changed between versions" bullets of ../shared/wsdl/README.md, by (old, new) version."""
    text = (WSDL_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## What changed between versions", 1)[1].split("\n## ", 1)[0]
    found: dict[tuple[str, str], str] = {}
    for old, new, prose in re.findall(r"^- (\S+) → (\S+): (.*(?:\n  .*)*)", section, flags=re.MULTILINE):
        found[(old, "2_7-derived" if new == "2_7" else new)] = prose
    return found


def test_pinned_changes_are_the_wsdl_readme_s() -> None:
    """The README covers exactly the pinned pairs; every name its bullet cites is a pinned change of that pair,
    and its counts (types added, removals) match, so neither side can drift alone."""
    readme = _readme_changes()
    assert set(readme) == set(ADJACENT_CHANGES)
    for pair, prose in readme.items():
        pinned = ADJACENT_CHANGES[pair]
        words = {part for _, _, path, _ in pinned for part in (path, *path.split("/"))}
        details = " ".join(DETAILS.get(path, "") for _, _, path, _ in pinned)
        for cited in re.findall(r"`([^`]+)`", prose):
            name = cited.replace(".", "/")
            assert name in words or name in details, f"{pair}: the README cites {cited!r}, not pinned"
        counted = re.search(r"(\d+) types added", prose)
        if counted:
            assert int(counted.group(1)) == sum(1 for _, kind, _, _ in pinned if kind == "type")
        removals = prose.count("removed") + prose.count("loses")
        assert removals == sum(1 for change, *_ in pinned if change == "removed")


def test_diff_accepts_paths_and_renders_text_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(WSDL_DIR / "mktows-2_2.wsdl"), "2_3"]) == 0
    text = capsys.readouterr().out
    assert "2_2 -> 2_3: 2 changes, 1 breaking" in text
    assert "BREAKING" in text and "skipActivityLog" in text
    assert main(["diff", "2_2", "2_3", "--format", "markdown"]) == 0
    assert "| removed | field | `ParamsListOperation/skipActivityLog` |" in capsys.readouterr().out


def test_same_wsdl_has_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert _diff_json(capsys, "2_6", "2_6") == []


def test_wsdl_facts_refuse_a_directive_that_does_more_than_add() -> None:
    from codegen.facts import DirectiveError, render_facts

    original = (WSDL_DIR / "mktows-2_6.wsdl").read_bytes()
    narrowed = original.replace(b'<xs:enumeration value="SFDCOPPTYID"/>', b"", 1)
    assert narrowed != original
    models = GENERATED_ROOT / PACKAGE / "models.py"
    with pytest.raises(DirectiveError, match="SFDCOPPTYID"):
        render_facts(original, narrowed, models)
    assert "ADDED_TYPES = ()" in render_facts(original, original, models)


def test_diff_reads_an_unpinned_file_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "served.wsdl"
    copy.write_bytes((WSDL_DIR / "mktows-2_6.wsdl").read_bytes().replace(b"000-hwq-023", b"127.0.0.1", 1))
    assert main(["diff", "2_6", str(copy)]) == 0
    assert "served.wsdl (not pinned): 0 changes" in capsys.readouterr().out
