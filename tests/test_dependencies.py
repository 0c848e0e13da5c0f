"""The runtime dependency floors declared in pyproject.toml: above the known vulnerable releases, and met by
what is installed."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

SECURITY_FLOORS = {
    "waitress": ("3.0.1", "CVE-2024-49768, CVE-2024-49769"),
    "requests": ("2.32.4", "CVE-2024-35195, CVE-2024-47081"),
}
"""The first release fixing the advisories named; a declared floor below it would admit a vulnerable one."""


def declared_requirements() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {requirement.name.lower(): requirement for requirement in requirements}


def lowest_admitted(requirement: Requirement) -> Version | None:
    """The version a ``>=`` or ``==`` specifier starts from, or None without one."""
    floors = [Version(spec.version) for spec in requirement.specifier if spec.operator in (">=", "==")]
    return max(floors, default=None)


@pytest.mark.parametrize("name", sorted(SECURITY_FLOORS))
def test_declared_floor_excludes_the_vulnerable_releases(name: str) -> None:
    minimum, advisories = SECURITY_FLOORS[name]
    requirement = declared_requirements()[name]
    floor = lowest_admitted(requirement)
    assert floor is not None, f"{requirement} declares no floor"
    assert floor >= Version(minimum), f"{requirement} admits releases affected by {advisories}"


@pytest.mark.parametrize("name", sorted(declared_requirements()))
def test_installed_version_meets_the_declared_requirement(name: str) -> None:
    requirement = declared_requirements()[name]
    installed = metadata.version(name)
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"{name} {installed} is installed, pyproject.toml requires {requirement}"
    )
