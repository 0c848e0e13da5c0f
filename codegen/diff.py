"""``codegen diff``: the API change report between two WSDLs.

Reports operations, named types, top-level elements, the elements inside each type (type, minOccurs,
maxOccurs, nillable) and enumeration values: added, removed or changed, each classed breaking or compatible.
Whether a change breaks depends on direction: a type only sent by clients (reachable from request messages
and headers) tolerates widening, a type only read by clients (reachable from responses) tolerates narrowing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

from codegen.schema import Field, Schema, parse_schema

Direction = Literal["request", "response", "both", "none"]

# xs types whose value space contains the key's: int -> long widens, and so on.
WIDENINGS = {
    ("xs:byte", "xs:short"),
    ("xs:byte", "xs:int"),
    ("xs:byte", "xs:long"),
    ("xs:short", "xs:int"),
    ("xs:short", "xs:long"),
    ("xs:int", "xs:long"),
    ("xs:int", "xs:integer"),
    ("xs:long", "xs:integer"),
    ("xs:float", "xs:double"),
}


@dataclass(frozen=True)
class Change:
    kind: str  # operation | type | element | field | enumeration
    path: str
    change: str  # added | removed | changed
    detail: str
    breaking: bool
    reason: str


def _reachable(schema: Schema, roots: set[str]) -> set[str]:
    """Named types reachable from top-level elements, including types that extend a reachable type."""
    seen: set[str] = set()
    pending = [schema.elements.get(e, "") for e in roots]
    while pending:
        name = pending.pop()
        if not name or name in seen or name.startswith("xs:"):
            continue
        seen.add(name)
        pending.extend(f.type for f in schema.complex_types.get(name, {}).values())
        if name in schema.bases:
            pending.append(schema.bases[name])
        pending.extend(derived for derived, base in schema.bases.items() if base == name)
    return seen


def _directions(schema: Schema) -> dict[str, Direction]:
    request = _reachable(schema, schema.request_roots)
    response = _reachable(schema, schema.response_roots)
    names = set(schema.complex_types) | set(schema.enums)
    out: dict[str, Direction] = {}
    for name in names:
        if name in request and name in response:
            out[name] = "both"
        elif name in request:
            out[name] = "request"
        elif name in response:
            out[name] = "response"
        else:
            out[name] = "none"
    return out


def _breaks(direction: Direction, in_request: bool, in_response: bool) -> bool:
    """True when the change breaks the side(s) the type travels on."""
    return (direction in ("request", "both") and in_request) or (
        direction in ("response", "both") and in_response
    )


def _occurs(value: str) -> float:
    return float("inf") if value == "unbounded" else float(value)


def _field_changes(path: str, old: Field, new: Field, direction: Direction) -> list[Change]:
    changes = []
    sent = "clients send it" if direction in ("request", "both") else ""
    read = "clients read it" if direction in ("response", "both") else ""
    if old.type != new.type:
        widening = (old.type, new.type) in WIDENINGS
        breaking = _breaks(direction, not widening, True)
        reason = (
            f"{old.type} widened to {new.type}: values may exceed the old range where {read or sent}"
            if widening
            else f"type changed from {old.type} to {new.type}"
        )
        if widening and not breaking:
            reason = f"{old.type} widened to {new.type}: old values still valid"
        changes.append(Change("field", path, "changed", f"type {old.type} -> {new.type}", breaking, reason))
    if old.min_occurs != new.min_occurs:
        tighter = _occurs(new.min_occurs) > _occurs(old.min_occurs)
        breaking = _breaks(direction, tighter, not tighter)
        reason = (
            "now required: old requests omit it" if tighter else "now optional: readers must allow it missing"
        )
        if not breaking:
            reason = "now required in responses only" if tighter else "now optional in requests only"
        changes.append(
            Change(
                "field", path, "changed", f"minOccurs {old.min_occurs} -> {new.min_occurs}", breaking, reason
            )
        )
    if old.max_occurs != new.max_occurs:
        more = _occurs(new.max_occurs) > _occurs(old.max_occurs)
        breaking = _breaks(direction, not more, more)
        reason = "more occurrences allowed" if more else "fewer occurrences allowed"
        changes.append(
            Change(
                "field", path, "changed", f"maxOccurs {old.max_occurs} -> {new.max_occurs}", breaking, reason
            )
        )
    if old.nillable != new.nillable:
        now_nillable = new.nillable == "true"
        breaking = _breaks(direction, not now_nillable, now_nillable)
        if now_nillable:
            reason = (
                "may now be nil in responses: typed readers must handle None"
                if breaking
                else "requests may now send nil"
            )
        else:
            reason = "requests may no longer send nil" if breaking else "responses no longer send nil"
        changes.append(
            Change("field", path, "changed", f"nillable {old.nillable} -> {new.nillable}", breaking, reason)
        )
    return changes


def diff_schemas(old: Schema, new: Schema) -> list[Change]:
    changes: list[Change] = []
    old_dir, new_dir = _directions(old), _directions(new)

    for op in sorted(set(old.operations) | set(new.operations)):
        if op not in new.operations:
            changes.append(Change("operation", op, "removed", "", True, "clients calling it get a fault"))
        elif op not in old.operations:
            changes.append(Change("operation", op, "added", "", False, "new operation"))
        elif old.operations[op] != new.operations[op]:
            changes.append(
                Change(
                    "operation",
                    op,
                    "changed",
                    f"{old.operations[op]} -> {new.operations[op]}",
                    True,
                    "request or response element changed",
                )
            )

    old_types = set(old.complex_types) | set(old.enums)
    new_types = set(new.complex_types) | set(new.enums)
    for name in sorted(old_types - new_types):
        changes.append(Change("type", name, "removed", "", True, "code using the type breaks"))
    for name in sorted(new_types - old_types):
        changes.append(Change("type", name, "added", "", False, "new type"))

    for name in sorted(set(old.elements) | set(new.elements)):
        if name not in new.elements:
            changes.append(Change("element", name, "removed", "", True, "code using the element breaks"))
        elif name not in old.elements:
            changes.append(Change("element", name, "added", "", False, "new element"))
        elif old.elements[name] != new.elements[name]:
            changes.append(
                Change(
                    "element",
                    name,
                    "changed",
                    f"type {old.elements[name]} -> {new.elements[name]}",
                    True,
                    "element type changed",
                )
            )

    for name in sorted(set(old.complex_types) & set(new.complex_types)):
        direction = new_dir.get(name, old_dir.get(name, "none"))
        old_fields, new_fields = old.complex_types[name], new.complex_types[name]
        for field in old_fields:
            path = f"{name}/{field}"
            if field not in new_fields:
                breaking = direction != "none"
                reason = {
                    "request": "clients that still send it are refused",
                    "response": "clients that read it break",
                    "both": "clients that send or read it break",
                    "none": "type not used by any operation",
                }[direction]
                changes.append(Change("field", path, "removed", "", breaking, reason))
            else:
                changes.extend(_field_changes(path, old_fields[field], new_fields[field], direction))
        for field in new_fields:
            if field in old_fields:
                continue
            required = new_fields[field].min_occurs != "0"
            breaking = required and direction in ("request", "both")
            reason = (
                "required in requests: old clients do not send it"
                if breaking
                else ("optional" if not required else "added to a response")
            )
            changes.append(
                Change(
                    "field",
                    f"{name}/{field}",
                    "added",
                    f"type {new_fields[field].type}, minOccurs {new_fields[field].min_occurs}",
                    breaking,
                    reason,
                )
            )

    for name in sorted(set(old.enums) & set(new.enums)):
        direction = new_dir.get(name, "none")
        for value in old.enums[name]:
            if value not in new.enums[name]:
                breaking = _breaks(direction, True, False)
                changes.append(
                    Change(
                        "enumeration",
                        f"{name}/{value}",
                        "removed",
                        "",
                        breaking,
                        "clients sending it get a fault" if breaking else "no longer returned",
                    )
                )
        for value in new.enums[name]:
            if value not in old.enums[name]:
                breaking = _breaks(direction, False, True)
                changes.append(
                    Change(
                        "enumeration",
                        f"{name}/{value}",
                        "added",
                        "",
                        breaking,
                        "readers may meet an unknown value" if breaking else "new value clients may send",
                    )
                )
    return changes


def diff_wsdls(old: bytes, new: bytes) -> list[Change]:
    return diff_schemas(parse_schema(old), parse_schema(new))


def render(changes: list[Change], old_label: str, new_label: str, fmt: str) -> str:
    breaking = sum(c.breaking for c in changes)
    if fmt == "json":
        return json.dumps(
            {
                "old": old_label,
                "new": new_label,
                "breaking": breaking,
                "changes": [asdict(c) for c in changes],
            },
            indent=2,
        )
    if fmt == "markdown":
        lines = [
            f"# mktows API changes {old_label} → {new_label}",
            "",
            f"{len(changes)} changes, {breaking} breaking.",
            "",
            "| change | kind | path | detail | class | reason |",
            "|---|---|---|---|---|---|",
        ]
        for c in changes:
            klass = "**breaking**" if c.breaking else "compatible"
            lines.append(f"| {c.change} | {c.kind} | `{c.path}` | {c.detail} | {klass} | {c.reason} |")
        return "\n".join(lines)
    lines = [f"mktows API changes {old_label} -> {new_label}: {len(changes)} changes, {breaking} breaking"]
    for c in changes:
        klass = "BREAKING  " if c.breaking else "compatible"
        detail = f" ({c.detail})" if c.detail else ""
        lines.append(f"  {klass} {c.change:<7} {c.kind:<11} {c.path}{detail}: {c.reason}")
    return "\n".join(lines)
