"""Helpers for contract tests of code that speaks mktows: compare XML documents as Marketo would see them.

- ``canonical_xml(data)``: one canonical byte form per XML infoset (C14N 1.0 without comments, namespace
  prefixes renamed by namespace URI, whitespace-only text between elements dropped, ``xsi:type`` values
  written as ``{namespace}local``), so two envelopes that differ only in prefixes or indentation compare equal.
- ``assert_same_xml(a, b)``: equality of the canonical forms, with a line diff when they differ (the
  ``requestSignature`` value is never shown).

- ``reachable_types()`` / ``derived_types(cls)``: the generated classes a contract suite has to cover.

- ``EmulatorTransport(app)``: ``Client(..., transport=EmulatorTransport(app))`` calls an emulator's WSGI app in
  process, with no socket and no server thread (``mktows.testing.emulator_transport``).

Hypothesis strategies derived from the generated types live in ``mktows.testing.strategies``; that module
needs the ``hypothesis`` package (the ``test`` extra), this one does not.
"""

from __future__ import annotations

import difflib
from typing import Any

from lxml import etree

from mktows.codec import parse_xml
from mktows.operations import MKTOWS_NS, OPERATIONS, SOAP_ENV_NS, XML_CONTEXT, XSI_NS
from mktows.testing.emulator_transport import EmulatorTransport

__all__ = ["EmulatorTransport", "assert_same_xml", "canonical_xml", "derived_types", "reachable_types"]

_XSI_TYPE = f"{{{XSI_NS}}}type"
_WELL_KNOWN_PREFIXES = {SOAP_ENV_NS: "SOAP-ENV", MKTOWS_NS: "ns1", XSI_NS: "xsi"}
_SECRET_ELEMENTS = frozenset({"requestSignature"})
_REDACTED = "[not shown]"
_REDACTED_DIFFERENT = "[not shown; differs]"


def _namespace_of(name: str) -> str | None:
    return name[1:].split("}", 1)[0] if name.startswith("{") else None


def _used_namespaces(root: etree._Element) -> set[str]:
    used: set[str] = set()
    for element in root.iter():
        for name in (element.tag, *element.attrib.keys()):
            namespace = _namespace_of(str(name))
            if namespace:
                used.add(namespace)
    return used


def _prefix_map(namespaces: set[str]) -> dict[str, str]:
    """Prefix for each namespace: Marketo's own prefixes for the three well-known ones, ``nsN`` by URI order."""
    prefixes = {uri: prefix for uri, prefix in _WELL_KNOWN_PREFIXES.items() if uri in namespaces}
    counter = 2
    for uri in sorted(namespaces - prefixes.keys()):
        while f"ns{counter}" in prefixes.values():
            counter += 1
        prefixes[uri] = f"ns{counter}"
        counter += 1
    return prefixes


def _qname_value(value: str, element: etree._Element) -> str:
    """``prefix:local`` resolved against the element's in-scope namespaces, as ``{namespace}local``."""
    prefix, _, local = value.strip().rpartition(":")
    namespace = element.nsmap.get(prefix or None)
    if not namespace:  # unknown prefix: keep the text; no (or an undeclared) default namespace: bare name
        return value.strip() if prefix else local
    return f"{{{namespace}}}{local}"


def _copy(source: etree._Element, target: etree._Element) -> None:
    for name, value in sorted(source.attrib.items()):
        target.set(name, _qname_value(str(value), source) if name == _XSI_TYPE else value)
    children = [child for child in source if isinstance(child.tag, str)]
    if not children:
        target.text = source.text
        return
    target.text = source.text if source.text and source.text.strip() else None
    for child in children:
        copy = etree.SubElement(target, child.tag)
        _copy(child, copy)
        copy.tail = child.tail if child.tail and child.tail.strip() else None


def _canonical_tree(data: bytes | str) -> etree._Element:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    root = parse_xml(raw)
    nsmap = {prefix: uri for uri, prefix in _prefix_map(_used_namespaces(root)).items()}
    copy = etree.Element(root.tag, nsmap=nsmap)
    _copy(root, copy)
    return copy


def canonical_xml(data: bytes | str) -> bytes:
    """The canonical form of an XML document: equal for documents that carry the same elements and values.

    Raises ``mktows.errors.ProtocolError`` for input that is not well-formed (or carries a DTD).
    """
    return etree.tostring(_canonical_tree(data), method="c14n", with_comments=False)


def _secret_elements(root: etree._Element) -> list[etree._Element]:
    return [element for element in root.iter() if etree.QName(element).localname in _SECRET_ELEMENTS]


def _redact(root: etree._Element, other: etree._Element) -> None:
    """Replace secret values by a placeholder that still says whether they match the other document's."""
    theirs = [element.text for element in _secret_elements(other)]
    for index, element in enumerate(_secret_elements(root)):
        same = index < len(theirs) and theirs[index] == element.text
        element.text = _REDACTED if same else _REDACTED_DIFFERENT


def _display_lines(root: etree._Element) -> list[str]:
    return etree.tostring(root, pretty_print=True, encoding="unicode").splitlines()


def assert_same_xml(a: bytes | str, b: bytes | str, *, labels: tuple[str, str] = ("a", "b")) -> None:
    """Assert that two XML documents are equal after ``canonical_xml``; the error shows a unified diff.

    ``requestSignature`` values take part in the comparison but are replaced by a placeholder in the diff.
    """
    tree_a, tree_b = _canonical_tree(a), _canonical_tree(b)
    canonical_a = etree.tostring(tree_a, method="c14n", with_comments=False)
    canonical_b = etree.tostring(tree_b, method="c14n", with_comments=False)
    if canonical_a == canonical_b:
        return
    shown_a, shown_b = _canonical_tree(a), _canonical_tree(b)
    _redact(shown_a, tree_b)
    _redact(shown_b, tree_a)
    diff = list(
        difflib.unified_diff(
            _display_lines(shown_a),
            _display_lines(shown_b),
            fromfile=labels[0],
            tofile=labels[1],
            lineterm="",
        )
    )
    if not diff:
        diff = ["(only requestSignature values differ; they are not shown)"]
    raise AssertionError(
        f"XML documents differ after canonicalisation ({labels[0]} vs {labels[1]}):\n" + "\n".join(diff)
    )


def derived_types(cls: type[Any]) -> list[type[Any]]:
    """Generated types derived from ``cls``, which XML carries in its place with ``xsi:type``.

    Element classes (xsdata subclasses a type to declare a global element of it) are not derived types.
    """
    found: list[type[Any]] = []
    pending = list(cls.__subclasses__())
    while pending:
        subclass = pending.pop(0)
        if XML_CONTEXT.build(subclass).namespace is None:  # global element classes carry their namespace
            found.append(subclass)
        pending.extend(subclass.__subclasses__())
    return found


def reachable_types() -> list[type[Any]]:
    """Every generated class reachable from the 23 operations' request and response envelopes.

    Includes the envelopes, their Header/Body classes and derived types; leaves out the SOAP Fault classes,
    which the codec raises as ``mktows.errors`` exceptions instead of returning them.
    """
    seen: dict[type[Any], None] = {}
    pending: list[type[Any]] = [cls for op in OPERATIONS.values() for cls in (op.input, op.output)]
    response_bodies = {op.output.Body for op in OPERATIONS.values()}
    while pending:
        cls = pending.pop(0)
        if cls in seen:
            continue
        seen[cls] = None
        for var in XML_CONTEXT.build(cls).get_all_vars():
            if var.clazz is None or (cls in response_bodies and var.local_name == "Fault"):
                continue
            pending.extend([var.clazz, *derived_types(var.clazz)])
    return list(seen)
