"""Emit ``mktows_generated/wsdl_names.py``: every WSDL type, element and envelope under its WSDL name.

xsdata renames classes (``MObjStatus`` -> ``MobjStatus``, ``ParamsSyncCustomObjects`` -> ``…1`` when an
element of the same name exists, ``describeMObject`` envelopes -> ``DescribeMobjectInput``). Users read
Marketo's docs, so the public ``mktows.types`` re-exports this module, whose names are the WSDL's.
"""

from __future__ import annotations

import enum
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

from codegen.schema import Schema

MODULE_DOC = '"""Every named WSDL type, top-level element and operation envelope, under its WSDL name."""\n'


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("_mktows_codegen_models", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _xml_name(cls: type) -> str:
    meta = getattr(cls, "Meta", None)
    return str(getattr(meta, "name", cls.__name__))


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def alias_map(models_path: Path, schema: Schema) -> dict[str, str]:
    """WSDL name -> generated class name, for types, top-level elements and operation envelopes."""
    module = _load(models_path)
    classes = {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and obj.__module__ == module.__name__
    }
    by_xml_name: dict[str, str] = {}
    for name, cls in classes.items():
        if issubclass(cls, enum.Enum) or _xml_name(cls) == "Envelope":
            continue
        by_xml_name.setdefault(_xml_name(cls), name)
    from xsdata.utils.text import pascal_case

    aliases: dict[str, str] = {}
    # Top-level elements first: `paramsSyncCustomObjects` is exported as `ParamsSyncCustomObjects`, the element
    # class, which extends the type class of the same WSDL name and serializes as the body element.
    for element in schema.elements:
        aliases[_upper_first(element)] = by_xml_name[element]
    for type_name in [*schema.complex_types, *schema.enums]:
        if type_name in aliases:
            continue
        if type_name in schema.enums:
            python_name = pascal_case(type_name)
            if not issubclass(classes[python_name], enum.Enum):
                raise ValueError(f"expected an enum class for {type_name}, found {python_name}")
        else:
            python_name = by_xml_name[type_name]
        aliases[type_name] = python_name
    for operation in schema.operations:
        for direction in ("Input", "Output"):
            python_name = pascal_case(f"{operation}_{direction.lower()}")
            if python_name not in classes:
                raise ValueError(f"no envelope class {python_name} for operation {operation}")
            aliases[f"{_upper_first(operation)}{direction}"] = python_name
    return dict(sorted(aliases.items()))


def render_module(aliases: dict[str, str], package: str, module: str) -> str:
    lines = [MODULE_DOC, f"from {package}.{module} import ("]
    for wsdl_name, python_name in aliases.items():
        lines.append(
            f"    {python_name} as {wsdl_name},"
            if wsdl_name != python_name
            else f"    {python_name} as {python_name},"
        )
    lines.append(")")
    lines.append("")
    lines.append("__all__ = [")
    lines.extend(f'    "{wsdl_name}",' for wsdl_name in aliases)
    lines.append("]")
    return "\n".join(lines) + "\n"
