"""Emit ``mktows_generated/_wsdl_facts.py``: what the WSDL says that the generated classes cannot carry.

The emulator serves a WSDL derived from the generated classes (no copy of Marketo's file goes into the
package). The classes hold names, order, occurrence, nillability, enumerations, inheritance, operations and
SOAP actions; they lose only these facts, which this module records as data:

- the XSD built-in type of a field where its Python type has several (``int`` is xs:int, but also xs:integer
  or xs:long): listed per field when it is not the canonical type of its Python type;
- which complex types are abstract (a Python class cannot say);
- the minOccurs of fields whose class does not show it (xsdata gives an ``xs:anySimpleType`` field a default
  of None even when the WSDL requires it);
- what the directives (``codegen/directives.py``) added to the WSDL before xsdata read it, so the derived
  WSDL can leave it out and equal the pinned one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from codegen.diff import diff_schemas
from codegen.names import _load
from codegen.schema import XS, Schema, parse_schema, read_wsdl

# The XSD type each Python type of the generated fields stands for unless a field is listed otherwise.
CANONICAL_XSD_TYPES = {
    "str": "xs:string",
    "int": "xs:int",
    "bool": "xs:boolean",
    "float": "xs:double",
    "Decimal": "xs:decimal",
    "XmlDateTime": "xs:dateTime",
    "XmlDate": "xs:date",
    "bytes": "xs:base64Binary",
    "object": "xs:anySimpleType",
}

MODULE_DOC = (
    '"""What the WSDL says that the generated classes cannot carry, for deriving the WSDL back from them:\n'
    "the XSD type of fields whose Python type has several, the abstract types, and what codegen's directives\n"
    'added to the WSDL (left out of a derived WSDL so that it equals the pinned one)."""\n'
)


def _mapping(values: dict[str, object]) -> str:
    """A dict literal, one entry a line, in the order given (deterministic output)."""
    if not values:
        return "{}"
    return "{\n" + "".join(f"    {key!r}: {value!r},\n" for key, value in values.items()) + "}"


class DirectiveError(ValueError):
    """A directive changed the WSDL in a way a derived WSDL cannot undo (it may only add)."""


def _additions(original: bytes, patched: bytes) -> tuple[list[str], list[str], dict[str, list[str]]]:
    types: list[str] = []
    elements: list[str] = []
    values: dict[str, list[str]] = {}
    for change in diff_schemas(parse_schema(original), parse_schema(patched)):
        if change.change == "added" and change.kind == "type":
            types.append(change.path)
        elif change.change == "added" and change.kind == "element":
            elements.append(change.path)
        elif change.change == "added" and change.kind == "enumeration":
            enum, _, value = change.path.partition("/")
            values.setdefault(enum, []).append(value)
        else:
            raise DirectiveError(f"a directive {change.change} {change.kind} {change.path}: only additions")
    return sorted(types), sorted(elements), values


def _min_occurs_lost(schema: Schema, models_path: Path) -> dict[str, str]:
    """Fields whose generated class says optional (a default) or required (none) against the WSDL's minOccurs."""
    module = _load(models_path)
    classes: dict[str, Any] = {}
    for cls in vars(module).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__:
            meta = vars(cls).get("Meta")
            if meta is None or "namespace" not in vars(meta):  # a type, not a top-level element
                classes.setdefault(str(getattr(meta, "name", cls.__name__)), cls)
    lost: dict[str, str] = {}
    for type_name, fields in sorted(schema.complex_types.items()):
        cls = classes.get(type_name)
        if cls is None:
            continue
        by_xml_name = {f.metadata.get("name", f.name): f for f in dataclasses.fields(cls)}
        for field_name, field in fields.items():
            spec = by_xml_name.get(field_name)
            if spec is None or field.max_occurs != "1":
                continue
            required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            if required != (field.min_occurs != "0"):
                lost[f"{type_name}/{field_name}"] = field.min_occurs
    return lost


def render_facts(original: bytes, patched: bytes, models_path: Path) -> str:
    """The module text for the pinned WSDL ``original``, the directive-patched copy xsdata read and the
    generated ``models.py``."""
    schema = parse_schema(original)
    canonical = set(CANONICAL_XSD_TYPES.values())
    xsd_types = {
        f"{type_name}/{field_name}": field.type
        for type_name, fields in sorted(schema.complex_types.items())
        for field_name, field in fields.items()
        if field.type.startswith("xs:") and field.type not in canonical
    }
    root = read_wsdl(original)
    abstract = sorted(
        str(node.get("name"))
        for node in root.iter(f"{{{XS}}}complexType")
        if node.get("abstract") in ("true", "1") and node.get("name")
    )
    types, elements, values = _additions(original, patched)
    parts = [
        MODULE_DOC,
        f"CANONICAL_XSD_TYPES = {_mapping(dict(CANONICAL_XSD_TYPES))}\n",
        f"XSD_TYPES = {_mapping(dict(xsd_types))}\n",
        f"ABSTRACT_TYPES = {tuple(abstract)!r}\n",
        f"MIN_OCCURS = {_mapping(dict(_min_occurs_lost(schema, models_path)))}\n",
        f"ADDED_TYPES = {tuple(types)!r}\n",
        f"ADDED_ELEMENTS = {tuple(elements)!r}\n",
        f"ADDED_ENUMERATION_VALUES = {_mapping({k: tuple(v) for k, v in sorted(values.items())})}\n",
    ]
    return "\n".join(parts)
