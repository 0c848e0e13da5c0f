"""The WSDL lock (``wsdl/versions.toml``): which versions exist, where their files are, and their sha256."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = REPO_ROOT / "wsdl" / "versions.toml"
WSDL_DIR_ENV = "MKTOWS_WSDL_DIR"
SHARED_WSDL_DIR = REPO_ROOT.parent / "shared" / "wsdl"


class WsdlError(Exception):
    """A WSDL that cannot be used: unknown version, missing file, or a sha256 that differs from the lock."""


@dataclass(frozen=True)
class WsdlVersion:
    """One pinned WSDL version as the lock records it."""

    name: str
    file: str
    sha256: str
    origin: str


@dataclass(frozen=True)
class Lock:
    default: str
    versions: dict[str, WsdlVersion]

    def get(self, name: str) -> WsdlVersion:
        try:
            return self.versions[name]
        except KeyError:
            known = ", ".join(self.versions)
            raise WsdlError(f"unknown WSDL version {name!r}; known versions: {known}") from None


def load_lock(path: Path = LOCK_FILE) -> Lock:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    versions = {
        name: WsdlVersion(name=name, file=entry["file"], sha256=entry["sha256"], origin=entry["origin"])
        for name, entry in data["versions"].items()
    }
    return Lock(default=data["default"], versions=versions)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def search_dirs() -> list[Path]:
    """Folders searched for a version's file, in order: ``$MKTOWS_WSDL_DIR``, then ``../shared/wsdl``."""
    dirs = []
    if os.environ.get(WSDL_DIR_ENV):
        dirs.append(Path(os.environ[WSDL_DIR_ENV]))
    dirs.append(SHARED_WSDL_DIR)
    return dirs


def locate(version: WsdlVersion, explicit: Path | None = None) -> Path:
    """Find ``version``'s file (``explicit`` first) and verify it against the lock."""
    candidates = [explicit] if explicit is not None else [d / version.file for d in search_dirs()]
    for path in candidates:
        if path.is_file():
            actual = sha256_of(path)
            if actual != version.sha256:
                raise WsdlError(
                    f"{path}: sha256 {actual} differs from the lock for version {version.name} "
                    f"(expected {version.sha256}); refusing to use it"
                )
            return path
    where = ", ".join(str(p) for p in candidates)
    raise WsdlError(
        f"WSDL {version.file} for version {version.name} not found (looked in: {where}); "
        f"pass --wsdl PATH or set ${WSDL_DIR_ENV} (expected sha256 {version.sha256})"
    )


def resolve(spec: str, lock: Lock) -> tuple[str, Path]:
    """Resolve a version name or a path to ``(label, path)`` for ``codegen diff``.

    A version name is located and verified against the lock. A path that matches a pinned version is labelled
    with that version; any other file (a WSDL an endpoint serves, one from your own instance) is labelled
    "(not pinned)": diff only reads it, while generation still accepts pinned files only (``locate``).
    """
    if spec in lock.versions:
        return spec, locate(lock.versions[spec])
    path = Path(spec)
    if not path.is_file():
        raise WsdlError(f"{spec!r} is neither a known WSDL version ({', '.join(lock.versions)}) nor a file")
    actual = sha256_of(path)
    for version in lock.versions.values():
        if version.sha256 == actual:
            return version.name, path
    return f"{path.name} (not pinned)", path
