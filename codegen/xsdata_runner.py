"""Run xsdata's generator on one WSDL into the current folder. Invoked in a child process by generate.py.

xsdata caches paths derived from the working directory and imports the package it just wrote to validate
it; a child process keeps both effects away from the caller (tests, other generations in the same process).
Usage: ``python -m codegen.xsdata_runner WSDL_PATH PACKAGE`` with the output folder as working directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from codegen.postprocess import postprocess_classes

CONFIG_FILE = Path(__file__).with_name("xsdata.xml")


def run(wsdl_path: Path, package: str) -> None:
    from xsdata.codegen.container import ClassContainer
    from xsdata.codegen.transformer import ResourceTransformer
    from xsdata.models.config import GeneratorConfig

    class KeepEveryType(ClassContainer):
        """xsdata drops named simple types nothing references (MObjectTypeEnum); keep every WSDL type."""

        def filter_classes(self) -> None:
            pass

    class Transformer(ResourceTransformer):
        def analyze_classes(self, classes: list[Any]) -> list[Any]:
            container = KeepEveryType(config=self.config)
            container.extend(classes)
            container.process()
            return postprocess_classes(list(container))

    config = GeneratorConfig.read(CONFIG_FILE)
    config.output.package = package
    # xsdata formats its output by running `ruff` from PATH: make it the one installed beside this Python.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    Transformer(config=config).process([wsdl_path.resolve().as_uri()])


if __name__ == "__main__":
    run(Path(sys.argv[1]), sys.argv[2])
