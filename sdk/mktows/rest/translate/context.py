"""What every REST translation shares: the ``RestClient`` and the custom object types it has described.

A type is described once per client (``GET /rest/v1/customobjects/{name}/describe.json``, custom-objects.md
"Describe") and cached: its canonical name, dedupe fields, searchable fields and the fields a SOAP answer
lists as attributes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from mktows.activity_types import type_key
from mktows.errors import InvalidRequestError, ProtocolError
from mktows.rest._client import RestClient

SYSTEM_FIELDS = frozenset({"marketoGUID", "createdAt", "updatedAt"})
"""Fields Marketo manages itself (custom-objects.md "Describe"); SOAP never listed them as attributes."""


@dataclass(frozen=True)
class ObjectType:
    """A custom object type as REST describes it."""

    name: str
    dedupe_fields: tuple[str, ...]
    searchable_fields: tuple[tuple[str, ...], ...]
    attribute_fields: tuple[str, ...]  # every other field, in the order described

    @classmethod
    def from_describe(cls, data: Mapping[str, Any], operation: str) -> ObjectType:
        try:
            dedupe = tuple(str(name) for name in data["dedupeFields"])
            searchable = tuple(tuple(str(n) for n in group) for group in data.get("searchableFields", []))
            names = [str(f["name"]) for f in data.get("fields", [])]
            return cls(
                name=str(data["name"]),
                dedupe_fields=dedupe,
                searchable_fields=searchable,
                attribute_fields=tuple(n for n in names if n not in dedupe and n not in SYSTEM_FIELDS),
            )
        except (KeyError, TypeError) as exc:
            raise ProtocolError(f"custom object describe answer lacks {exc}", operation=operation) from None

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.dedupe_fields) | frozenset(self.attribute_fields)


class TranslationContext:
    """The REST client of one bridged ``Client`` and its cache of described custom object types."""

    def __init__(self, rest: RestClient) -> None:
        self.rest = rest
        self._types: dict[str, ObjectType] = {}
        self._lock = threading.Lock()
        self._activity_types: ActivityTypes | None = None
        self._activity_types_lock = threading.Lock()  # held while describing, so only one thread asks

    def object_type(self, name: str, operation: str) -> ObjectType:
        """The described type ``name`` (case as Marketo accepts it); the REST error when there is none."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequestError("objTypeName is required", operation=operation)
        wanted = name.strip().lower()
        with self._lock:
            known = self._types.get(wanted)
        if known is not None:
            return known
        path = f"/rest/v1/customobjects/{quote(name.strip(), safe='')}/describe.json"
        answer = self.rest.get(path, operation=operation)
        if len(answer.result) != 1 or not isinstance(answer.result[0], Mapping):
            raise ProtocolError(
                f"describe of custom object type {name!r} answered {len(answer.result)} records",
                operation=operation,
            )
        described = ObjectType.from_describe(answer.result[0], operation)
        with self._lock:
            self._types[wanted] = described
        return described

    def activity_types(self, operation: str) -> ActivityTypes:
        """REST's activity types (``GET /rest/v1/activities/types.json``, activities.md "Describe"), described
        once per client: they belong to the instance and change only when an admin adds a custom type."""
        with self._activity_types_lock:
            if self._activity_types is None:
                answer = self.rest.get("/rest/v1/activities/types.json", operation=operation)
                self._activity_types = ActivityTypes.from_describe(answer.result, operation)
            return self._activity_types


@dataclass(frozen=True)
class ActivityTypes:
    """The instance's activity types: display name by REST id, and id by spelling-independent name key."""

    names: Mapping[int, str]
    ids: Mapping[str, int]

    @classmethod
    def from_describe(cls, records: Sequence[Any], operation: str) -> ActivityTypes:
        names: dict[int, str] = {}
        try:
            for record in records:
                names[int(record["id"])] = str(record["name"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"activity type answer lacks {exc}", operation=operation) from None
        return cls(names=names, ids={type_key(name): number for number, name in names.items()})

    def id_of(self, name: str) -> int | None:
        """REST's id of a SOAP type name (enum or display spelling); None when the instance has no such type."""
        return self.ids.get(type_key(name))
