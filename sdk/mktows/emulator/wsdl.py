"""The pinned WSDL the emulator serves at ``GET /soap/mktows/<version>?WSDL``.

The file is not copied into the project: it is looked up in ``$MKTOWS_WSDL_DIR``, then in ``../shared/wsdl``
beside the repository (or beside the working directory), and served only when its sha256 equals the one the generated code was built from
(``mktows_generated._source``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from mktows_generated import _source

WSDL_DIR_ENV = "MKTOWS_WSDL_DIR"
REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class PinnedWsdl:
    """The WSDL version the emulator speaks and, when found and verified, its bytes."""

    version: str
    content: bytes | None
    problem: str  # why content is None

    @classmethod
    def locate(cls) -> PinnedWsdl:
        """Find and verify the pinned file (see the module docstring)."""
        folders = []
        if os.environ.get(WSDL_DIR_ENV):
            folders.append(Path(os.environ[WSDL_DIR_ENV]))
        folders.append(REPO_ROOT.parent / "shared" / "wsdl")  # a source checkout beside ../shared
        folders.append(Path.cwd().parent / "shared" / "wsdl")  # an installed package run from a checkout
        searched = []
        for folder in folders:
            path = folder / _source.WSDL_FILE
            searched.append(str(path))
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest != _source.WSDL_SHA256:
                return cls(
                    _source.WSDL_VERSION,
                    None,
                    f"{path} has sha256 {digest}, not the pinned {_source.WSDL_SHA256}",
                )
            return cls(_source.WSDL_VERSION, data, "")
        return cls(
            _source.WSDL_VERSION,
            None,
            f"the pinned WSDL {_source.WSDL_FILE} was not found (looked in {', '.join(searched)}; "
            f"set ${WSDL_DIR_ENV} to the folder holding it)",
        )
