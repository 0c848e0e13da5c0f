"""The emulator's configuration: users, object types, the seed data of a new database, settings and limits.

``load_config(path)`` reads a JSON or TOML file over ``defaults.DEFAULT_CONFIG`` (each top-level section in the
file replaces the default one, except ``settings`` and ``limits``, merged key by key) and returns a validated,
immutable ``EmulatorConfig``. ``EmulatorConfig.from_mapping`` does the same for a dict built in Python. A TOML example:

```toml
[[users]]                      # replaces the default users
user_id = "ci_user_1"
encryption_key = "ci-key-0001"           # blocked = true answers 20013 Access Denied

[[custom_object_types]]        # replaces the default RoadShow type
name = "Car"                   # the SOAP face's objTypeName
api_name = "car_c"             # the REST face's API name (default: the same as name)
dedupe_fields = ["vin"]
fields = { vin = "string", km = "integer", sold = "boolean" }

[custom_objects]               # seed records of a new database
Car = [{ keys = { vin = "V1" }, attributes = { km = "10" } }]

[settings]                     # merged key by key with the defaults
freshness_window = 60.0        # seconds each way; freshness_check = false turns the check off
latency = 0.05

[limits]
rate_calls = 100               # calls per rate_window seconds (20023); null in JSON switches it off
rate_window = 2.0

[rest]                         # the REST face's OAuth client (merged key by key with the defaults)
client_id = "ci-client"
client_secret = "ci-secret"
token_lifetime = 3600          # seconds an access token lives
```
Sections: users, workspaces, lead_fields, opportunity_fields, opportunity_role_fields, custom_object_types,
tags, channels, and the seed data leads, lists, programs, campaigns, opportunities, opportunity_roles,
custom_objects, activities (see ``defaults.DEFAULT_CONFIG`` for the shape of each).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mktows import marketo_limits as documented
from mktows.emulator.defaults import DEFAULT_CONFIG

FIELD_TYPES = frozenset(
    {"string", "text", "email", "phone", "url", "integer", "float", "currency", "boolean", "date", "datetime"}
)
MERGED_SECTIONS = ("settings", "limits", "rest")
SIGNED_SETTINGS = frozenset({"output_utc_offset_minutes"})


class ConfigError(ValueError):
    """A configuration file or mapping the emulator cannot use; the message names the offending entry."""


@dataclass(frozen=True)
class User:
    """A SOAP API user: the ``mktowsUserId`` and its shared encryption key (never shown in a repr)."""

    user_id: str
    encryption_key: str = field(repr=False)
    blocked: bool = False  # answered 20013 Access Denied after a valid signature


@dataclass(frozen=True)
class FieldDef:
    """One field of a lead, opportunity or opportunity role: name, data type, display name."""

    name: str
    data_type: str = "string"
    display_name: str | None = None
    size: int | None = None
    custom: bool = False
    readonly: bool = False


@dataclass(frozen=True)
class CustomObjectType:
    """A custom object type: its name, dedupe (key) fields in order, and every field with its type.

    ``name`` is the SOAP face's objTypeName; ``api_name``, when set, is the REST face's API name for it (REST
    paths take a type's API name, which need not be its display name: custom-objects.md, List Types, shows
    ``apiName`` "car_c" with ``displayName`` "Car")."""

    name: str
    dedupe_fields: tuple[str, ...]
    fields: Mapping[str, str]
    description: str = ""
    api_name: str | None = None

    @property
    def rest_name(self) -> str:
        """The name REST paths and REST metadata use for this type."""
        return self.api_name or self.name

    @property
    def attribute_fields(self) -> tuple[str, ...]:
        """The fields that are not dedupe fields, in declaration order."""
        return tuple(name for name in self.fields if name not in self.dedupe_fields)


@dataclass(frozen=True)
class ProgressionStatus:
    """One progression status of a channel (getChannels)."""

    status: str
    step: int
    success: bool
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """Behaviour switches: the freshness check and its window (seconds each way), per-call latency, how long
    an importToList job stays PROCESSING, the admin HTTP path (off unless asked for: it then needs the token
    the emulator makes at start; see ``admin``), and the UTC offset of response timestamps."""

    freshness_check: bool = True
    freshness_window: float = 900.0
    latency: float = 0.0
    import_duration: float = 0.0
    admin: bool = False
    output_utc_offset_minutes: int = 0


@dataclass(frozen=True)
class ServiceLimits:
    """Marketo's limits. ``None`` switches a limit off. Rate: ``rate_calls`` per ``rate_window`` seconds
    (20023); ``max_concurrent`` calls in flight (20024); ``daily_quota`` calls per day, the day starting at
    12:00 AM CST (20015); ``max_body_bytes`` per request; ``receive_timeout``: seconds a client has to send a
    whole request, from connecting or from the first byte of a request on a kept-alive connection (a client
    that trickles it slower is disconnected); the rest are per-call sizes from OPERATIONS.md."""

    rate_calls: int | None = documented.CALLS_PER_WINDOW
    rate_window: float = documented.RATE_WINDOW
    max_concurrent: int | None = documented.MAX_CONCURRENT_CALLS
    daily_quota: int | None = documented.DAILY_QUOTA
    max_body_bytes: int = documented.MAX_BODY_BYTES
    receive_timeout: float = 30.0
    sync_custom_objects: int = documented.MAX_CUSTOM_OBJECTS_PER_CALL
    sync_mobjects: int = documented.MAX_MOBJECTS_PER_CALL
    sync_multiple_leads: int | None = documented.DEFAULT_LEADS_PER_SYNC
    lead_keys: int = documented.MAX_LEAD_KEYS_PER_CALL
    list_operation_leads: int = documented.MAX_LIST_MEMBERS_PER_CALL
    multiple_leads_batch: int = documented.MAX_MULTIPLE_LEADS_BATCH
    custom_objects_batch: int = documented.MAX_CUSTOM_OBJECTS_PER_CALL
    mobjects_batch: int = documented.MAX_MOBJECTS_PER_CALL
    lead_activity_batch: int = documented.MAX_LEAD_ACTIVITY_BATCH
    lead_changes_batch: int = documented.MAX_LEAD_CHANGES_BATCH
    time_range_days: int = documented.MAX_TIME_RANGE_DAYS
    clone_calls_per_day: int = 10


@dataclass(frozen=True)
class RestSettings:
    """The REST face's OAuth client credentials (the secret never shown in a repr) and how many seconds an
    access token lives (authentication.md: 3,600)."""

    client_id: str = "mktows-emulator"
    client_secret: str = field(default="mktows-emulator-secret", repr=False)
    token_lifetime: float = 3600.0
    scope: str = "mktows-emulator@example.com"


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything the emulator is configured with. ``seed`` holds the data a new database starts with
    (leads, lists, programs, campaigns, opportunities, roles, custom objects, activities), as plain dicts."""

    users: tuple[User, ...]
    workspaces: tuple[str, ...]
    lead_fields: tuple[FieldDef, ...]
    opportunity_fields: tuple[FieldDef, ...]
    opportunity_role_fields: tuple[FieldDef, ...]
    custom_object_types: tuple[CustomObjectType, ...]
    tags: Mapping[str, tuple[str, ...]]
    channels: Mapping[str, tuple[ProgressionStatus, ...]]
    seed: Mapping[str, Any]
    settings: Settings = field(default_factory=Settings)
    limits: ServiceLimits = field(default_factory=ServiceLimits)
    rest: RestSettings = field(default_factory=RestSettings)

    # --- construction ---------------------------------------------------------------------------------

    @classmethod
    def default(cls) -> EmulatorConfig:
        """The documented defaults (``defaults.DEFAULT_CONFIG``)."""
        return cls.from_mapping({})

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any]) -> EmulatorConfig:
        """Build from a mapping laid out like a config file, over the defaults."""
        return _parse(_merge(DEFAULT_CONFIG, overrides))

    def with_settings(self, **changes: Any) -> EmulatorConfig:
        """A copy with some ``Settings`` fields changed (``freshness_check=False``, ``latency=0.05``...)."""
        return replace(self, settings=_replace_checked(self.settings, changes))

    def with_limits(self, **changes: Any) -> EmulatorConfig:
        """A copy with some ``ServiceLimits`` fields changed (``rate_calls=100, rate_window=2.0``...)."""
        return replace(self, limits=_replace_checked(self.limits, changes))

    # --- lookups --------------------------------------------------------------------------------------

    def user(self, user_id: str) -> User | None:
        """The configured user with that id, or None."""
        return next((user for user in self.users if user.user_id == user_id), None)

    def custom_object_type(self, name: str) -> CustomObjectType | None:
        """The custom object type of that name (case-insensitive, as Marketo answered ``Roadshow`` to
        ``RoadShow``), or None."""
        wanted = name.strip().lower()
        return next((t for t in self.custom_object_types if t.name.lower() == wanted), None)

    def custom_object_type_by_api_name(self, api_name: str) -> CustomObjectType | None:
        """The custom object type whose REST API name is ``api_name`` (case-insensitive), or None."""
        wanted = api_name.strip().lower()
        return next((t for t in self.custom_object_types if t.rest_name.lower() == wanted), None)

    def lead_field(self, name: str) -> FieldDef | None:
        """The lead field with that API name, or None."""
        return next((f for f in self.lead_fields if f.name == name), None)

    def lead_field_by_label(self, label: str) -> FieldDef | None:
        """The lead field whose display name (or, failing that, API name) is ``label``, case-insensitive."""
        wanted = label.strip().lower()
        for candidate in self.lead_fields:
            if (candidate.display_name or candidate.name).lower() == wanted:
                return candidate
        return next((f for f in self.lead_fields if f.name.lower() == wanted), None)

    def workspace(self, name: str) -> str | None:
        """The configured workspace of that name (case-insensitive), or None."""
        wanted = name.strip().lower()
        return next((w for w in self.workspaces if w.lower() == wanted), None)


def load_config(path: str | Path | None) -> EmulatorConfig:
    """Read a JSON (``.json``) or TOML (any other name) config file over the defaults; None gives the defaults."""
    if path is None:
        return EmulatorConfig.default()
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror or exc}") from None
    try:
        data: Any = json.loads(raw) if file.suffix.lower() == ".json" else tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {file} is not valid {_format_name(file)}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {file} must hold a table/object at the top level")
    try:
        return EmulatorConfig.from_mapping(data)
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None


def _format_name(file: Path) -> str:
    return "JSON" if file.suffix.lower() == ".json" else "TOML"


def _merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if key not in base:
            raise ConfigError(f"unknown config section {key!r} (known: {', '.join(sorted(base))})")
        if key in MERGED_SECTIONS:
            if not isinstance(value, Mapping):
                raise ConfigError(f"[{key}] must be a table")
            merged[key] = {**merged[key], **copy.deepcopy(dict(value))}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _replace_checked(obj: Any, changes: Mapping[str, Any]) -> Any:
    known = {f.name for f in fields(obj)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ConfigError(f"unknown {type(obj).__name__.lower()} {', '.join(unknown)}")
    return _check_scalars(type(obj), {**{f.name: getattr(obj, f.name) for f in fields(obj)}, **changes})


def _check_scalars(cls: type[Any], values: Mapping[str, Any]) -> Any:
    section = cls.__name__.lower()
    defaults = cls()
    checked: dict[str, Any] = {}
    for f in fields(cls):
        value = values.get(f.name, getattr(defaults, f.name))
        default = getattr(defaults, f.name)
        if value is None and ("None" in str(f.type)):
            checked[f.name] = None
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{section}.{f.name} must be true or false")
        elif isinstance(default, int) or "int" in str(f.type):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{section}.{f.name} must be a whole number")
            if value < 0 and f.name not in SIGNED_SETTINGS:
                raise ConfigError(f"{section}.{f.name} must be a whole number >= 0")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{section}.{f.name} must be a number >= 0")
            value = float(value)
        checked[f.name] = value
    unknown = sorted(set(values) - set(checked))
    if unknown:
        raise ConfigError(f"unknown {section} {', '.join(unknown)}")
    return cls(**checked)


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def _flag(entry: Mapping[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false")
    return value


def _field_defs(raw: Any, where: str) -> tuple[FieldDef, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be a list of fields")
    result: list[FieldDef] = []
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{at} must be a table")
        data_type = entry.get("type", "string")
        if data_type not in FIELD_TYPES:
            raise ConfigError(f"{at}: type {data_type!r} is not one of {', '.join(sorted(FIELD_TYPES))}")
        result.append(
            FieldDef(
                name=_text(entry, "name", at),
                data_type=data_type,
                display_name=entry.get("display_name"),
                size=entry.get("size"),
                custom=bool(entry.get("custom", False)),
                readonly=bool(entry.get("readonly", False)),
            )
        )
    names = [f.name for f in result]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: field names must be unique")
    return tuple(result)


def _custom_object_types(raw: Any) -> tuple[CustomObjectType, ...]:
    if not isinstance(raw, list):
        raise ConfigError("custom_object_types must be a list")
    result: list[CustomObjectType] = []
    for index, entry in enumerate(raw):
        at = f"custom_object_types[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{at} must be a table")
        name = _text(entry, "name", at)
        type_fields = entry.get("fields")
        if not isinstance(type_fields, Mapping) or not type_fields:
            raise ConfigError(f"{at} ({name}): 'fields' must map field names to types")
        for field_name, field_type in type_fields.items():
            if field_type not in FIELD_TYPES:
                raise ConfigError(f"{at} ({name}): field {field_name!r} has unknown type {field_type!r}")
        if len(type_fields) > 50 + len(entry.get("dedupe_fields", [])):
            raise ConfigError(f"{at} ({name}): Marketo allows at most 50 object-specific fields")
        dedupe = entry.get("dedupe_fields")
        if not isinstance(dedupe, list) or not dedupe or not all(isinstance(d, str) for d in dedupe):
            raise ConfigError(f"{at} ({name}): 'dedupe_fields' must be a non-empty list of field names")
        missing = [d for d in dedupe if d not in type_fields]
        if missing:
            raise ConfigError(f"{at} ({name}): dedupe fields {missing} are not in 'fields'")
        result.append(
            CustomObjectType(
                name=name,
                dedupe_fields=tuple(dedupe),
                fields=dict(type_fields),
                description=str(entry.get("description", "")),
                api_name=_api_name(entry, at) if "api_name" in entry else None,
            )
        )
    for names in ([t.name.lower() for t in result], [t.rest_name.lower() for t in result]):
        if len(set(names)) != len(names):
            raise ConfigError("custom_object_types: names and API names must be unique (case-insensitively)")
    return tuple(result)


def _api_name(entry: Mapping[str, Any], where: str) -> str:
    """A REST API name: letters, digits and underscores (custom-objects.md, Custom Object Types)."""
    value = _text(entry, "api_name", where)
    if not re.fullmatch(r"[A-Za-z0-9_]+", value):
        raise ConfigError(f"{where}: 'api_name' may hold only letters, digits and underscores, got {value!r}")
    return value


def _channels(raw: Any) -> dict[str, tuple[ProgressionStatus, ...]]:
    if not isinstance(raw, Mapping):
        raise ConfigError("channels must map channel names to lists of progression statuses")
    result: dict[str, tuple[ProgressionStatus, ...]] = {}
    for name, statuses in raw.items():
        if not isinstance(statuses, list):
            raise ConfigError(f"channels.{name} must be a list")
        parsed = []
        for entry in statuses:
            if not isinstance(entry, Mapping):
                raise ConfigError(f"channels.{name}: each status must be a table")
            parsed.append(
                ProgressionStatus(
                    status=_text(entry, "status", f"channels.{name}"),
                    step=int(entry.get("step", 0)),
                    success=bool(entry.get("success", False)),
                    extra={str(k): str(v) for k, v in dict(entry.get("extra", {})).items()},
                )
            )
        result[str(name)] = tuple(parsed)
    return result


def _parse(data: Mapping[str, Any]) -> EmulatorConfig:
    users_raw = data["users"]
    if not isinstance(users_raw, list) or not users_raw:
        raise ConfigError("users must be a non-empty list")
    users = []
    for index, entry in enumerate(users_raw):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"users[{index}] must be a table")
        users.append(
            User(
                user_id=_text(entry, "user_id", f"users[{index}]"),
                encryption_key=_text(entry, "encryption_key", f"users[{index}]"),
                blocked=_flag(entry, "blocked", f"users[{index}]"),
            )
        )
    workspaces = data["workspaces"]
    if not isinstance(workspaces, list) or not all(isinstance(w, str) and w for w in workspaces):
        raise ConfigError("workspaces must be a list of names")
    tags_raw = data["tags"]
    if not isinstance(tags_raw, Mapping):
        raise ConfigError("tags must map tag types to lists of values")
    tags = {str(k): tuple(str(v) for v in values) for k, values in tags_raw.items()}
    seed = {
        key: copy.deepcopy(data[key])
        for key in (
            "leads",
            "lists",
            "programs",
            "campaigns",
            "opportunities",
            "opportunity_roles",
            "custom_objects",
            "activities",
        )
    }
    for key, value in seed.items():
        expected = dict if key == "custom_objects" else list
        if not isinstance(value, expected):
            raise ConfigError(f"{key} must be a {'table' if expected is dict else 'list'}")
    lead_fields = _field_defs(data["lead_fields"], "lead_fields")
    if not any(f.name == "Email" for f in lead_fields):
        raise ConfigError("lead_fields must include Email")
    return EmulatorConfig(
        users=tuple(users),
        workspaces=tuple(workspaces),
        lead_fields=lead_fields,
        opportunity_fields=_field_defs(data["opportunity_fields"], "opportunity_fields"),
        opportunity_role_fields=_field_defs(data["opportunity_role_fields"], "opportunity_role_fields"),
        custom_object_types=_custom_object_types(data["custom_object_types"]),
        tags=tags,
        channels=_channels(data["channels"]),
        seed=seed,
        settings=_check_scalars(Settings, data["settings"]),
        limits=_check_scalars(ServiceLimits, data["limits"]),
        rest=_rest_settings(data["rest"]),
    )


def _rest_settings(raw: Any) -> RestSettings:
    if not isinstance(raw, Mapping):
        raise ConfigError("[rest] must be a table")
    unknown = sorted(set(raw) - {f.name for f in fields(RestSettings)})
    if unknown:
        raise ConfigError(f"unknown rest {', '.join(unknown)}")
    for key in ("client_id", "client_secret", "scope"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"rest.{key} must be a non-empty string")
    lifetime = raw.get("token_lifetime")
    if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or lifetime <= 0:
        raise ConfigError("rest.token_lifetime must be a number of seconds > 0")
    return RestSettings(raw["client_id"], raw["client_secret"], float(lifetime), raw["scope"])
