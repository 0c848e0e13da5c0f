"""What every REST translation shares: the ``RestClient`` and the custom object types it has described.

A type is described once per client (``GET /rest/v1/customobjects/{name}/describe.json``, custom-objects.md
"Describe") and cached: its canonical name, dedupe fields, searchable fields and the fields a SOAP answer
lists as attributes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from mktows.activity_types import type_key
from mktows.errors import InvalidRequestError, NotFoundError, ProtocolError, UnsupportedOperationError
from mktows.rest._client import RestClient

T = TypeVar("T")

SYSTEM_FIELDS = frozenset({"marketoGUID", "createdAt", "updatedAt"})
"""Fields Marketo manages itself (custom-objects.md "Describe"); SOAP never listed them as attributes."""


@dataclass(frozen=True)
class ObjectType:
    """A custom object type as REST describes it: ``name`` is its API name (REST paths), ``soap_name`` the
    name a SOAP answer gives it (the described name, or the display name it was found by)."""

    name: str
    dedupe_fields: tuple[str, ...]
    searchable_fields: tuple[tuple[str, ...], ...]
    attribute_fields: tuple[str, ...]  # every other field, in the order described
    soap_name: str = ""

    @classmethod
    def from_describe(cls, data: Mapping[str, Any], operation: str, soap_name: str = "") -> ObjectType:
        try:
            dedupe = tuple(str(name) for name in data["dedupeFields"])
            searchable = tuple(tuple(str(n) for n in group) for group in data.get("searchableFields", []))
            names = [str(f["name"]) for f in data.get("fields", [])]
            name = str(data.get("name") or data["apiName"])  # Swagger's ObjectMetaData names it apiName
            return cls(
                name=name,
                dedupe_fields=dedupe,
                searchable_fields=searchable,
                attribute_fields=tuple(n for n in names if n not in dedupe and n not in SYSTEM_FIELDS),
                soap_name=soap_name or name,
            )
        except (KeyError, TypeError) as exc:
            raise ProtocolError(f"custom object describe answer lacks {exc}", operation=operation) from None

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.dedupe_fields) | frozenset(self.attribute_fields)


@dataclass(frozen=True)
class LeadField:
    """One lead field as Describe Leads gives it (leads.md "Describe"): its REST and SOAP names, its type."""

    rest_name: str
    soap_name: str
    data_type: str


@dataclass(frozen=True)
class LeadFields:
    """The lead fields both APIs know, by SOAP name and by REST name (case-insensitive)."""

    fields: tuple[LeadField, ...]

    @classmethod
    def from_describe(cls, records: Sequence[Any], operation: str) -> LeadFields:
        """Fields with both a ``rest`` and a ``soap`` name: the ones a SOAP call could name and REST serves."""
        found = []
        try:
            for record in records:
                rest, soap = record.get("rest"), record.get("soap")
                if isinstance(rest, Mapping) and isinstance(soap, Mapping):
                    found.append(LeadField(str(rest["name"]), str(soap["name"]), str(record["dataType"])))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ProtocolError(f"lead describe answer lacks {exc}", operation=operation) from None
        return cls(tuple(found))

    def by_soap(self, name: str) -> LeadField | None:
        return next((f for f in self.fields if f.soap_name == name), None)

    def by_rest(self, name: str) -> LeadField | None:
        wanted = name.lower()
        return next((f for f in self.fields if f.rest_name.lower() == wanted), None)


class TranslationContext:
    """The REST client of one bridged ``Client`` and its cache of described custom object types."""

    def __init__(self, rest: RestClient, *, foreign_sys_person_id_field: str | None = None) -> None:
        self.rest = rest
        self._types: dict[str, ObjectType] = {}
        self._lock = threading.Lock()
        self._looked_up: dict[tuple[str, ...], Any] = {}
        self._remembered: dict[tuple[str, ...], Any] = {}
        self.foreign_sys_person_id_field = foreign_sys_person_id_field
        self._lead_fields: LeadFields | None = None
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
        api_name, soap_name = name.strip(), ""
        try:
            answer = self.rest.get(_describe_path(api_name), operation=operation)
        except NotFoundError:
            found = self._api_name(name.strip(), operation)
            if found is None:
                raise
            api_name, soap_name = found
            answer = self.rest.get(_describe_path(api_name), operation=operation)
        if len(answer.result) != 1 or not isinstance(answer.result[0], Mapping):
            raise ProtocolError(
                f"describe of custom object type {name!r} answered {len(answer.result)} records",
                operation=operation,
            )
        described = ObjectType.from_describe(answer.result[0], operation, soap_name)
        with self._lock:
            self._types[wanted] = described
        return described

    def _api_name(self, name: str, operation: str) -> tuple[str, str] | None:
        """(API name, SOAP name) of the type a SOAP objTypeName means when no type has it as API name: the
        one type listed (``GET /rest/v1/customobjects.json``) whose display name is ``name``, else whose API
        name is ``name`` with the ``_c`` suffix (custom-objects.md, List Types: apiName "car_c", displayName
        "Car"); None when none is, InvalidRequestError when several are."""
        listed = [t for t in self.rest.get(LIST_PATH, operation=operation).result if isinstance(t, Mapping)]

        def api(entry: Mapping[str, Any]) -> str:
            return str(entry.get("name") or entry.get("apiName") or "")

        wanted = name.lower()
        by_display = [t for t in listed if str(t.get("displayName", "")).lower() == wanted]
        by_suffix = [t for t in listed if api(t).lower() == f"{wanted}_c"]
        for matches in (by_display, by_suffix):
            if len(matches) > 1:
                raise InvalidRequestError(
                    f"objTypeName {name!r} matches several REST custom object types: "
                    f"{', '.join(sorted(api(t) for t in matches))}",
                    operation=operation,
                )
            if matches:
                return api(matches[0]), str(matches[0]["displayName"]) if matches is by_display else name
        return None

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

    def lead_fields(self, operation: str) -> LeadFields:
        """The lead fields of the instance (``GET /rest/v1/leads/describe.json``, leads.md "Describe"), described
        once per client."""
        with self._lock:
            known = self._lead_fields
        if known is not None:
            return known
        answer = self.rest.get("/rest/v1/leads/describe.json", operation=operation)
        described = LeadFields.from_describe(answer.result, operation)
        with self._lock:
            self._lead_fields = described
        return described

    def foreign_sys_person_id(self, operation: str) -> LeadField:
        """The custom lead field that holds SOAP's ForeignSysPersonId (migration.md, Leads: "migrate to using a
        custom lead field to represent this external identifier"); UnsupportedOperationError when none is
        configured or the instance has no such field."""
        name = self.foreign_sys_person_id_field
        if not name:
            raise UnsupportedOperationError(
                "REST has no foreignSysPersonId: the SOAP migration page (migration.md, Leads) advises a custom "
                "lead field for it; name that field with Client.over_rest(..., foreign_sys_person_id_field=...)",
                operation=operation,
            )
        fields = self.lead_fields(operation)
        found = fields.by_rest(name) or fields.by_soap(name)
        if found is None:
            raise UnsupportedOperationError(
                f"foreign_sys_person_id_field {name!r} is not a lead field of this instance (Describe Leads)",
                operation=operation,
            )
        return found

    def activity_types(self, operation: str) -> ActivityTypes:
        """REST's activity types (``GET /rest/v1/activities/types.json``, activities.md "Describe"), described
        once per client: they belong to the instance and change only when an admin adds a custom type."""
        with self._activity_types_lock:
            if self._activity_types is None:
                answer = self.rest.get("/rest/v1/activities/types.json", operation=operation)
                self._activity_types = ActivityTypes.from_describe(answer.result, operation)
            return self._activity_types


LIST_PATH = "/rest/v1/customobjects.json"
"""List Custom Objects: every type with its API name and display name (custom-objects.md, List)."""


def _describe_path(api_name: str) -> str:
    """Describe Custom Objects of a type by API name (custom-objects.md, Describe)."""
    return f"/rest/v1/customobjects/{quote(api_name, safe='')}/describe.json"


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
