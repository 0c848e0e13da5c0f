"""What every REST translation shares: the ``RestClient`` and the custom object types it has described.

A type is described once per client (``GET /rest/v1/customobjects/{name}/describe.json``, custom-objects.md
"Describe") and cached: its canonical name, dedupe fields, searchable fields and the fields a SOAP answer
lists as attributes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from mktows.errors import InvalidRequestError, ProtocolError
from mktows.rest._client import RestClient

T = TypeVar("T")

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
        self._looked_up: dict[tuple[str, ...], Any] = {}
        self._remembered: dict[tuple[str, ...], Any] = {}

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

    def cached(self, key: tuple[str, ...], look_up: Callable[[], T | None]) -> T | None:
        """``look_up()`` for ``key`` (a name → id look-up, a description), asked once per client: a found
        value is kept; None (nothing found) and errors are not, so a record made later is found then."""
        with self._lock:
            if key in self._looked_up:
                return self._looked_up[key]  # type: ignore[no-any-return]
        value = look_up()
        if value is None:
            return None
        with self._lock:
            return self._looked_up.setdefault(key, value)  # type: ignore[no-any-return]

    def remember(self, key: tuple[str, ...], value: Any) -> None:
        """Keep what a later call of this client needs (an import's batch id for its status)."""
        with self._lock:
            self._remembered[key] = value

    def recalled(self, key: tuple[str, ...]) -> Any:
        """What ``remember`` kept for ``key``, or None."""
        with self._lock:
            return self._remembered.get(key)
