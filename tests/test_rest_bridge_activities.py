"""The differential proof for activities, MObjects, channels and tags: the same typed Params through ``Client``
against the SOAP emulator and through ``Client.over_rest`` against the emulator's REST face, from the same
starting state, give equal Results and leave equal state, except the differences listed in ``DIFFERENCES``
(each tested as listed below)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsdata.models.datatype import XmlDateTime

from mktows import Client, codec, operations
from mktows import types as t
from mktows.emulator import EmulatorConfig
from mktows.errors import MktowsError, NotFoundError, StreamPositionError, UnsupportedOperationError
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest.translate import TRANSLATIONS
from mktows.rest.translate.tags import allowable_values
from tests import test_rest_bridge_differential
from tests.conftest import fixture_bytes, fixture_index, requires_shared

MAX_PAGES = 80
BY_PARAMS = {op.params: op for op in operations.OPERATIONS.values()}

DIFFERENCES = {
    "campaign": "activity records carry no campaign over REST: REST's activities have no campaign member "
    "(activities.md, Query)",
    "empty asset": "an empty mktgAssetName is absent (None) over REST: REST omits an empty attribute from an "
    "activity record (activities.md, Describe)",
    "foreignSysId": "getLeadActivity's foreignSysId is None over REST: the SOAP foreign system person id has no "
    "REST field; the migration page advises a custom lead field instead (migration.md, Leads)",
    "remainingCount": "getLeadChanges' remainingCount is 1 while more follow and 0 at the end: REST gives "
    "moreResult, not a count (activities.md, Page through results)",
    "stream position": "the text of newStartPosition's offset and of newStreamPosition differs (both sides' "
    "positions are opaque: stream-position.md); the bounds a caller gave come back as given",
    "MObject ids": "MObjects are named by externalOpportunityId or marketoGUID over REST: results and statuses "
    "carry no integer id, and a request naming an MObject by id (every deleteMObjects request: its id is "
    "required) raises UnsupportedOperationError (opportunities.md, opportunity-roles.md, deletemobjects.md)",
    "MObject queries": "getMObjects takes one searchable field over REST: an Opportunity by its opportunityId "
    "external key (REST's externalOpportunityId), a role by one association; criteria, ids and Programs raise "
    "UnsupportedOperationError (opportunities.md, opportunity-roles.md: Query)",
    "MObject associations": "an Opportunity's Company association and a role's Lead association by external "
    "key raise UnsupportedOperationError: REST's records carry no associations, a role names its lead by "
    "leadId (opportunities.md, opportunity-roles.md: Create and Update)",
    "role identity": "an OpportunityPersonRole is the same role when its opportunity, lead and role agree "
    "(REST's dedupe fields, opportunity-roles.md): a second UPSERT updates it, where SOAP created another",
    "role attributes": "a role read over REST shows its opportunity as an association by external key, not "
    "the OpportunityId attribute (an integer id REST does not have) (opportunity-roles.md)",
    "UNCHANGED": "a sync that changes nothing is UPDATED over REST (and its updatedAt moves): REST documents "
    "created, updated and skipped, no unchanged (opportunities.md, Create and Update)",
    "values": "values read back are REST's typed JSON values as text (an amount 10 reads back as 10.0, a "
    "boolean 1 as true) (opportunities.md, field-types.md)",
    "error text": "a FAILED MObject's error is REST's reason message and code, not SOAP's text "
    "(opportunities.md: reasons of a skipped record)",
    "describe": "describeMObject describes Opportunity and OpportunityPersonRole as REST's describe does "
    "(marketoGUID as the key, REST's field names, lengths and updateable flags); ActivityRecord and "
    "LeadRecord raise UnsupportedOperationError (migration.md, M Objects)",
    "Programs": "getMObjects of Programs raises UnsupportedOperationError (the asset API's programs lack SOAP's "
    "program attributes: tree path, archived flag, cost ids, tokens; programs.md); syncMObjects of a Program "
    "is Update Program, where a Cost with an Id (the documented request updates cost 153) and a Channel tag "
    "raise UnsupportedOperationError: REST's costs have no ids and a channel is set only at creation "
    "(programs.md, Update); a cost's month is stored as its first day (programs.md: startDate)",
    "channel extras": "a progression status shows Status, Step and Success only: REST's channels have no other "
    "status attributes (channels.md), where SOAP listed extras such as Check-in Status",
}
"""Every difference between the SOAP and the REST path for these operations that the documentation forces."""

LEADS = (1090001, 4001, 1089946, 6)
TYPES = (
    "Visit Webpage", "Fill Out Form", "Click Link", "New Lead", "Change Data Value", "Open Email",
    "Click Email", "Send Email", "Email Delivered", "Add to List", "Remove from List", "Change Score",
    "Interesting Moment", "Request Campaign",
)  # fmt: skip
"""Fourteen types: more than the ten REST takes per call, so a query over all of them reads two streams."""
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def _seeded_activities() -> list[dict[str, Any]]:
    """Sixty activities of four leads and fourteen types over a week, some sharing a second."""
    entries = []
    for n in range(60):
        when = START + timedelta(hours=3 * n - (n % 4 == 1) * 3)  # every fourth shares its predecessor's time
        entry: dict[str, Any] = {
            "lead_id": LEADS[(n * 7) % len(LEADS)],
            "type": TYPES[(n * 5) % len(TYPES)],
            "created_at": when.isoformat(),
            "asset": "" if n % 5 == 0 else f"Asset {n}",
            "attributes": {"Step": str(n), "Reason": f"reason {n % 3}"} if n % 6 else {},
        }
        if n % 7 == 0:
            entry["campaign"] = f"Campaign {n}"
        entries.append(entry)
    return entries


ACTIVITY_CONFIG = EmulatorConfig.from_mapping({"activities": _seeded_activities()})

clients = test_rest_bridge_differential.clients
"""The fixture of a SOAP client and a client over REST of the test's emulator."""


# --- what is compared -------------------------------------------------------------------------------------


def _attributes(array: t.ArrayOfAttribute | None) -> list[tuple[str, str | None]]:
    return [(a.attr_name, a.attr_value) for a in (array.attribute if array is not None else [])]


def _activity(record: t.ActivityRecord | t.LeadChangeRecord) -> tuple[Any, ...]:
    """A record as compared: campaign, an empty asset and foreignSysId aside (DIFFERENCES)."""
    common = (
        record.id,
        record.activity_date_time,
        record.activity_type,
        record.mktg_asset_name or None,
        _attributes(record.activity_attributes),
        record.mkt_person_id,
    )
    if isinstance(record, t.ActivityRecord):
        return (*common, record.person_name, record.org_name, record.foreign_sys_org_id)
    return common


def _activity_pages(client: Client, params: Any) -> list[Any]:
    """Every page of a getLeadActivity or getLeadChanges query, each with its records and its count (exact
    for getLeadActivity; whether more follow for getLeadChanges, DIFFERENCES)."""
    pages = []
    position = params.start_position
    for _ in range(MAX_PAGES):
        if isinstance(params, t.ParamsGetLeadActivity):
            params.start_position = position
            page = client.ops.get_lead_activity(params)
            records = page.activity_record_list.activity_record if page.activity_record_list else []
            pages.append((page.return_count, page.remaining_count, [_activity(r) for r in records]))
        else:
            params.start_position = position
            changes = client.ops.get_lead_changes(params)
            records = (
                changes.lead_change_record_list.lead_change_record if changes.lead_change_record_list else []
            )
            pages.append((changes.return_count, changes.remaining_count > 0, [_activity(r) for r in records]))
            page = changes
        if page.remaining_count == 0:
            return pages
        position = page.new_start_position
    raise AssertionError(f"the query did not end within {MAX_PAGES} pages")


BOOLEAN = {"isclosed", "iswon", "isprimary"}
NUMBER = {"amount", "expectedrevenue", "probability", "quantity", "fiscalyear", "fiscalquarter"}


def _value(name: str, value: str | None) -> Any:
    """A value as compared: REST's typed JSON value as text reads as SOAP's text did (DIFFERENCES: values)."""
    key = name.casefold()
    text = value or ""
    if key in BOOLEAN:
        return text.strip().lower() in ("1", "true", "yes")
    if key in NUMBER:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _mobject(obj: t.MObject) -> tuple[Any, ...]:
    """An MObject as compared: no id, no times; a role without its OpportunityId attribute and its
    opportunity association (DIFFERENCES: MObject ids, role attributes, UNCHANGED)."""
    attribs = {
        a.name.casefold(): _value(a.name, a.value)
        for a in (obj.attrib_list.attrib if obj.attrib_list else [])
    }
    attribs.pop("opportunityid", None) if obj.type_value == "OpportunityPersonRole" else None
    leads = sorted(
        a.id
        for a in (obj.association_list.m_obj_association if obj.association_list else [])
        if a.m_obj_type == "Lead"
    )
    return obj.type_value, sorted(attribs.items()), leads


def _statuses(array: t.ArrayOfMObjStatus | None) -> list[tuple[Any, ...]]:
    compared = []
    for s in array.m_obj_status if array is not None else []:
        status = "UPDATED" if s.status is t.MObjStatusEnum.UNCHANGED else s.status.value
        key = (s.external_key.name, s.external_key.value) if s.external_key else None
        compared.append((key, status, s.error is not None))
    return compared


def _mobject_pages(client: Client, params: t.ParamsGetMObjects) -> list[Any]:
    pages = []
    position = params.stream_position
    for _ in range(MAX_PAGES):
        params.stream_position = position
        page = client.ops.get_mobjects(params)
        objects = page.m_object_list.m_object if page.m_object_list else []
        pages.append((page.return_count, page.has_more, sorted(_mobject(o) for o in objects)))
        if not page.has_more:
            return pages
        position = page.new_stream_position
    raise AssertionError(f"getMObjects did not end within {MAX_PAGES} pages")


def _channels(result: t.ResultGetChannels) -> list[Any]:
    """Channels as compared: a status's Status, Step and Success (DIFFERENCES: channel extras)."""
    shown = {"Status", "Step", "Success"}
    return [
        (
            tag.tag_value,
            [
                [(a.name, a.value) for a in item.progression_status.attrib if a.name in shown]
                for item in tag.status_list.progression_status_item
            ],
        )
        for tag in result.tags.tag_status
    ]


def outcome(client: Client, params: Any) -> Any:
    """What is compared of one call: its normalized Result (every page, for a query) or its error class."""
    try:
        if isinstance(params, (t.ParamsGetLeadActivity, t.ParamsGetLeadChanges)):
            return _activity_pages(client, params)
        if isinstance(params, t.ParamsSyncMObjects):
            return _statuses(client.ops.sync_mobjects(params).m_obj_status_list)
        if isinstance(params, t.ParamsDeleteMObjects):
            return _statuses(client.ops.delete_mobjects(params).m_obj_status_list)
        if isinstance(params, t.ParamsGetMObjects):
            return _mobject_pages(client, params)
        if isinstance(params, t.ParamsGetChannels):
            return _channels(client.ops.get_channels(params))
        if isinstance(params, t.ParamsGetTags):
            return client.ops.get_tags(params)
        return client.call(BY_PARAMS[type(params)], params).result
    except MktowsError as error:  # a refused call: its error class (and fault code) is the outcome compared
        return type(error).__name__


def _state(emulator: EmulatorHandle) -> Any:
    """The MObjects, by what names them over REST: opportunities by opportunityId, roles by (opportunity,
    lead, role), programs by id; attributes compared as values and cost months by month (DIFFERENCES: values,
    Programs); and the activities."""
    opportunities = {o["id"]: o["attributes"] for o in emulator.state.mobjects("Opportunity")}

    def values(attributes: dict[str, str]) -> list[tuple[str, Any]]:
        return sorted((k.casefold(), _value(k, v)) for k, v in attributes.items())

    roles = sorted(
        (
            opportunities.get(int(r["attributes"].get("OpportunityId", 0)), {}).get("opportunityId"),
            r["attributes"].get("PersonId"),
            r["attributes"].get("Role"),
            _value("IsPrimary", r["attributes"].get("IsPrimary")),
        )
        for r in emulator.state.mobjects("OpportunityPersonRole")
    )
    programs = [
        (
            p["id"],
            p["details"].get("channel"),
            sorted(p["details"].get("tags", {}).items()),
            [
                (str(c["month"])[:7], float(c["amount"]), c.get("note") or "")
                for c in p["details"].get("costs", [])
            ],
        )
        for p in emulator.state.mobjects("Program")
    ]
    return sorted(values(a) for a in opportunities.values()), roles, programs, emulator.state.activities()


def run_both(emulator: EmulatorHandle, soap: Client, rest: Client, calls: list[Any]) -> tuple[Any, Any]:
    """The outcomes and final state of ``calls`` via SOAP, then via REST, each from the seeded state."""
    runs = []
    for client in (soap, rest):
        emulator.reset()
        outcomes = [outcome(client, _copy(params)) for params in calls]
        runs.append((outcomes, _state(emulator)))
    return runs[0], runs[1]


def assert_agree(emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]) -> None:
    """``calls`` give equal outcomes and leave equal state over SOAP and over REST."""
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(emulator, *clients, calls)
    assert rest_outcomes == soap_outcomes
    assert rest_state == soap_state


UNTHROTTLED = pytest.mark.mktows_emulator(limits={"rate_calls": None, "daily_quota": None})
"""Drawn sequences make many calls; the rate and daily limits are not what they test."""
DRAWN = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
"""Drawn call sequences: no per-example deadline (each runs twice against a live emulator)."""


def _copy(params: Any) -> Any:
    """A fresh copy of a Params (the page loops set its position)."""
    return copy.deepcopy(params)


# --- the documented requests ---------------------------------------------------------------------------

OPERATIONS = (
    "getLeadActivity", "getLeadChanges", "getMObjects", "syncMObjects", "deleteMObjects", "describeMObject",
    "getChannels", "getTags",
)  # fmt: skip

UNSUPPORTED_AS_LISTED = {
    "fixtures/getMObjects/request.xml": "Programs",
    "fixtures/syncMObjects/request.xml": "Programs",
    "fixtures/syncMObjects/request-blog-1.clean.xml": "MObject associations",
    "fixtures/syncMObjects/request-blog-2.clean.xml": "MObject associations",
    "fixtures/syncMObjects/request-blog-3.clean.xml": "MObject associations",
    "fixtures/deleteMObjects/request.xml": "MObject ids",
    "fixtures/describeMObject/request.xml": "describe",
}
"""The documented requests REST cannot express, with the listed difference that says why."""


def _documented() -> list[str]:
    """The well-formed documented requests of these operations (none when ../shared is absent)."""
    return sorted(
        entry["file"]
        for entry in fixture_index()
        if entry["operation"] in OPERATIONS and entry["kind"] == "request" and entry["well_formed"]
    )


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("path", _documented())
def test_documented_requests_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], path: str
) -> None:
    name = path.split("/")[1]
    op = operations.get(name)
    params = op.params_of(codec.decode_request(op, fixture_bytes(path)))
    soap, rest = clients
    mktows_emulator.reset()
    seeded = _state(mktows_emulator)
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(mktows_emulator, soap, rest, [params])
    assert not isinstance(soap_outcomes[0], str)  # the documented call succeeds over SOAP
    if path in UNSUPPORTED_AS_LISTED:
        assert UNSUPPORTED_AS_LISTED[path] in DIFFERENCES
        assert rest_outcomes == ["UnsupportedOperationError"]
        assert rest_state == seeded  # refused before anything was sent
    else:
        assert rest_outcomes == soap_outcomes
        assert rest_state == soap_state


def test_every_operation_of_this_area_is_translated() -> None:
    assert set(OPERATIONS) <= set(TRANSLATIONS)


# --- drawn activity queries --------------------------------------------------------------------------------

EMAILS = {1090001: "leademail@company.com", 4001: "lead@company.com", 1089946: "member@company.com"}
ENUM_TYPES = [a for a in t.ActivityType if a.value.lower() in {n.replace(" ", "").lower() for n in TYPES}]
INSTANTS = st.one_of(
    st.none(), st.integers(-2, 16).map(lambda n: XmlDateTime.from_datetime(START + timedelta(hours=12 * n)))
)


@st.composite
def activity_filters(draw: Callable[[Any], Any]) -> t.ActivityTypeFilter | None:
    shape = draw(st.sampled_from(["none", "include", "exclude"]))
    if shape == "none":
        return None
    chosen = t.ArrayOfActivityType(
        activity_type=draw(st.lists(st.sampled_from(ENUM_TYPES), min_size=1, max_size=12, unique=True))
    )
    return t.ActivityTypeFilter(**{f"{shape}_types": chosen})


@st.composite
def lead_activity_calls(draw: Callable[[Any], Any]) -> t.ParamsGetLeadActivity:
    lead = draw(st.sampled_from([*EMAILS, 6, 999]))
    if lead in EMAILS and draw(st.booleans()):
        key = t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value=EMAILS[lead])
    else:
        key = t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=str(lead))
    return t.ParamsGetLeadActivity(
        lead_key=key,
        activity_filter=draw(activity_filters()),
        start_position=t.StreamPosition(oldest_created_at=draw(INSTANTS), latest_created_at=draw(INSTANTS)),
        batch_size=draw(st.sampled_from([None, 1, 3, 7, 100])),
    )


@st.composite
def lead_changes_calls(draw: Callable[[Any], Any]) -> t.ParamsGetLeadChanges:
    shape = draw(st.sampled_from(["none", "keys", "list", "updated"]))
    selector: t.LeadSelector | None = None
    if shape == "keys":
        ids = draw(st.lists(st.sampled_from([*LEADS, 999]), min_size=1, max_size=4, unique=True))
        selector = t.LeadKeySelector(
            key_type=t.LeadKeyRef.IDNUM, key_values=t.ArrayOfString(string_item=[str(n) for n in ids])
        )
    elif shape == "list":
        selector = t.StaticListSelector(static_list_name="Trav-Test-List")
    elif shape == "updated":
        selector = t.LastUpdateAtSelector(oldest_updated_at=draw(INSTANTS), latest_updated_at=draw(INSTANTS))
    names = draw(st.lists(st.sampled_from(TYPES), max_size=4, unique=True))
    return t.ParamsGetLeadChanges(
        lead_selector=selector,
        activity_filter=draw(activity_filters()),
        activity_name_filter=t.ArrayOfString(string_item=names) if names else None,
        start_position=t.StreamPosition(
            oldest_created_at=draw(INSTANTS.filter(lambda x: x is not None)), latest_created_at=draw(INSTANTS)
        ),
        batch_size=draw(st.sampled_from([None, 1, 4, 9])),
    )


@pytest.mark.parametrize("mktows_emulator_config", [pytest.param(ACTIVITY_CONFIG, id="activities")])
@UNTHROTTLED
@settings(DRAWN, max_examples=20)
@given(calls=st.lists(st.one_of(lead_activity_calls(), lead_changes_calls()), min_size=1, max_size=3))
def test_drawn_activity_queries_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    assert_agree(mktows_emulator, clients, calls)


# --- drawn MObject sequences -------------------------------------------------------------------------------

OPPORTUNITY_KEYS = ["Opportunity_4", "O1", "O2"]
OPPORTUNITY_VALUES = {
    "Name": ["A", "B", ""],
    "Amount": ["10", "2500.5", "lots"],
    "IsClosed": ["1", "0"],
    "Stage": ["Open", "Closed Won"],
    "Color": ["red"],  # no such field: FAILED on both sides
}
ROLE_COMBOS = [(lead, role) for lead in (6, 2, 999) for role in ("Influencer", "Champion")]


def _type_attrib(kind: str, **values: str) -> t.TypeAttrib:
    return t.TypeAttrib(
        attr_type=kind,
        attr_list=t.ArrayOfAttrib(attrib=[t.Attrib(name=n, value=v) for n, v in values.items()]),
    )


@st.composite
def programs(draw: Callable[[Any], Any]) -> t.MObject:
    """A Program with new costs and tags (no cost Id, no Channel tag: DIFFERENCES, Programs)."""
    changes = []
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            cost = {
                "Month": draw(st.sampled_from(["2013-06", "2013-07-01", "June"])),
                "Amount": draw(st.sampled_from(["2000", "12.5", "x"])),
            }
            if draw(st.booleans()):
                cost["Note"] = "Speaker"
            changes.append(_type_attrib("Cost", **cost))
        else:
            changes.append(
                _type_attrib(
                    "Tag",
                    Type=draw(st.sampled_from(["Presenter", "Region", "Nope"])),
                    Value=draw(st.sampled_from(["Liz", "Region A", "Nope"])),
                )
            )
    return t.MObject(
        type_value="Program",
        id=draw(st.sampled_from([1001, 1006, 9999])),
        type_attrib_list=t.ArrayOfTypeAttrib(type_attrib=changes),
    )


def _opportunity_key(value: str) -> t.Attrib:
    return t.Attrib(name="opportunityId", value=value)


@st.composite
def mobject_sequences(draw: Callable[[Any], Any]) -> list[Any]:
    """Syncs of opportunities (by their external key) and of roles (each opportunity, lead and role at most
    once: DIFFERENCES, role identity), and queries by external key or association."""
    combos = list(draw(st.permutations(ROLE_COMBOS)))
    calls: list[Any] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["sync", "sync", "get opportunity", "get roles"]))
        if kind == "get opportunity":
            calls.append(
                t.ParamsGetMObjects(
                    type_value="Opportunity",
                    external_key=_opportunity_key(draw(st.sampled_from(OPPORTUNITY_KEYS))),
                )
            )
            continue
        if kind == "get roles":
            association = draw(
                st.sampled_from(
                    [t.MObjAssociation(m_obj_type="Lead", id=n) for n in (6, 2)]
                    + [
                        t.MObjAssociation(
                            m_obj_type="Opportunity", external_key=_opportunity_key("Opportunity_4")
                        )
                    ]
                )
            )
            calls.append(
                t.ParamsGetMObjects(
                    type_value="OpportunityPersonRole",
                    m_obj_association_list=t.ArrayOfMObjAssociation(m_obj_association=[association]),
                )
            )
            continue
        objects = []
        for _ in range(draw(st.integers(1, 4))):
            if combos and draw(st.booleans()):
                lead, role = combos.pop()
                objects.append(
                    t.MObject(
                        type_value="OpportunityPersonRole",
                        attrib_list=t.ArrayOfAttrib(
                            attrib=[
                                t.Attrib(name="Role", value=role),
                                t.Attrib(name="IsPrimary", value=draw(st.sampled_from(["1", "0"]))),
                            ]
                        ),
                        association_list=t.ArrayOfMObjAssociation(
                            m_obj_association=[
                                t.MObjAssociation(m_obj_type="Lead", id=lead),
                                t.MObjAssociation(
                                    m_obj_type="Opportunity", external_key=_opportunity_key("Opportunity_4")
                                ),
                            ]
                        ),
                    )
                )
                continue
            if draw(st.integers(0, 3)) == 0:
                objects.append(draw(programs()))
                continue
            names = draw(st.lists(st.sampled_from(list(OPPORTUNITY_VALUES)), max_size=3, unique=True))
            objects.append(
                t.MObject(
                    type_value="Opportunity",
                    external_key=_opportunity_key(draw(st.sampled_from(OPPORTUNITY_KEYS))),
                    attrib_list=t.ArrayOfAttrib(
                        attrib=[
                            t.Attrib(name=n, value=draw(st.sampled_from(OPPORTUNITY_VALUES[n])))
                            for n in names
                        ]
                    ),
                )
            )
        calls.append(
            t.ParamsSyncMObjects(
                m_object_list=t.ArrayOfMObject(m_object=objects),
                operation=draw(st.sampled_from(list(t.SyncOperationEnum))),
            )
        )
    return calls


@UNTHROTTLED
@settings(DRAWN, max_examples=25)
@given(calls=mobject_sequences())
def test_drawn_mobject_calls_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    assert_agree(mktows_emulator, clients, calls)


# --- each difference, as listed ------------------------------------------------------------------------


def _both(emulator: EmulatorHandle, clients: tuple[Client, Client], name: str, params: Any) -> list[Any]:
    """The raw Result (or error) of one call via SOAP and via REST, each from the seeded state."""
    results = []
    for client in clients:
        emulator.reset()
        try:
            results.append(client.call(name, copy.deepcopy(params)).result)
        except MktowsError as error:
            results.append(error)
    return results


def _records(result: t.LeadActivityList) -> list[t.ActivityRecord]:
    return list(result.activity_record_list.activity_record) if result.activity_record_list else []


@pytest.mark.parametrize("mktows_emulator_config", [pytest.param(ACTIVITY_CONFIG, id="activities")])
def test_activity_records_differ_only_as_listed(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert {"campaign", "empty asset", "foreignSysId"} <= set(DIFFERENCES)
    for lead in (1090001, 6):
        params = t.ParamsGetLeadActivity(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value=str(lead)))
        soap, rest = _both(mktows_emulator, clients, "getLeadActivity", params)
        soap_records, rest_records = _records(soap), _records(rest)
        assert [r.id for r in rest_records] == [r.id for r in soap_records] != []
        for over_soap, over_rest_ in zip(soap_records, rest_records, strict=True):
            assert over_rest_.campaign is None
            assert over_rest_.foreign_sys_id is None
            if over_soap.mktg_asset_name == "":
                assert over_rest_.mktg_asset_name is None
            else:
                assert over_rest_.mktg_asset_name == over_soap.mktg_asset_name
        assert any(r.campaign for r in soap_records) or lead == 6  # the seeded campaigns show over SOAP only
        if lead == 6:
            assert {r.foreign_sys_id for r in soap_records} == {"12346"}


@pytest.mark.parametrize("mktows_emulator_config", [pytest.param(ACTIVITY_CONFIG, id="activities")])
def test_lead_changes_remaining_count_says_only_whether_more_follow(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "remainingCount" in DIFFERENCES
    start = t.StreamPosition(oldest_created_at=XmlDateTime.from_datetime(START - timedelta(days=1)))
    params = t.ParamsGetLeadChanges(start_position=start, batch_size=5)
    soap, rest = _both(mktows_emulator, clients, "getLeadChanges", params)
    assert (soap.return_count, soap.remaining_count) == (5, 55)
    assert (rest.return_count, rest.remaining_count) == (5, 1)


@pytest.mark.parametrize("mktows_emulator_config", [pytest.param(ACTIVITY_CONFIG, id="activities")])
def test_stream_positions_are_opaque_resumable_and_tied_to_their_query(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "stream position" in DIFFERENCES
    _, rest = clients
    start = t.StreamPosition(oldest_created_at=XmlDateTime.from_datetime(START))
    first = rest.ops.get_lead_changes(t.ParamsGetLeadChanges(start_position=start, batch_size=2))
    position = first.new_start_position
    assert position.oldest_created_at == start.oldest_created_at  # the caller's bounds come back as given
    assert position.offset and not position.offset.startswith("ID:")
    again = rest.ops.get_lead_changes(t.ParamsGetLeadChanges(start_position=position, batch_size=2))
    ids = [r.id for r in first.lead_change_record_list.lead_change_record]
    assert again.lead_change_record_list.lead_change_record[0].id > ids[-1]
    other = t.ParamsGetLeadChanges(
        start_position=position, batch_size=2, activity_name_filter=t.ArrayOfString(string_item=["New Lead"])
    )
    with pytest.raises(StreamPositionError, match="different query"):
        rest.ops.get_lead_changes(other)
    with pytest.raises(StreamPositionError):  # a SOAP-side offset is not one the translation returned
        rest.ops.get_lead_changes(
            t.ParamsGetLeadChanges(
                start_position=t.StreamPosition(oldest_created_at=start.oldest_created_at, offset="ID:3")
            )
        )
    activity = rest.ops.get_lead_activity(
        t.ParamsGetLeadActivity(
            lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="1090001"), batch_size=2
        )
    )
    assert activity.remaining_count > 0
    with pytest.raises(StreamPositionError, match="different query"):
        rest.ops.get_lead_activity(
            t.ParamsGetLeadActivity(
                lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="4001"),
                start_position=activity.new_start_position,
            )
        )


def test_activity_types_are_described_once_per_client(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, rest = clients
    asked: list[str] = []
    original = rest.rest.get

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(rest.rest, "get", counting)
    key = t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value="leademail@company.com")
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda _: rest.ops.get_lead_activity(t.ParamsGetLeadActivity(lead_key=key)), range(8))
        )
    assert asked.count("/rest/v1/activities/types.json") == 1
    assert all(r == results[0] for r in results) and results[0].return_count == 3


def test_unknown_leads_and_activity_names_are_the_soap_faults(clients: tuple[Client, Client]) -> None:
    for client in clients:
        with pytest.raises(MktowsError) as unknown_lead:
            client.ops.get_lead_activity(
                t.ParamsGetLeadActivity(
                    lead_key=t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value="nobody@x.com")
                )
            )
        assert unknown_lead.value.code == 20103
        with pytest.raises(MktowsError) as unknown_name:
            client.ops.get_lead_changes(
                t.ParamsGetLeadChanges(
                    start_position=t.StreamPosition(oldest_created_at=XmlDateTime(2013, 7, 1, 0, 0, 0, 0, 0)),
                    activity_name_filter=t.ArrayOfString(string_item=["Juggle Flaming Torches"]),
                )
            )
        assert unknown_name.value.code == 20107


def test_owner_lead_keys_have_no_rest_filter(clients: tuple[Client, Client]) -> None:
    _, rest = clients
    key = t.LeadKey(key_type=t.LeadKeyRef.LEADOWNEREMAIL, key_value="owner@company.com")
    with pytest.raises(UnsupportedOperationError, match="owner"):
        rest.ops.get_lead_activity(t.ParamsGetLeadActivity(lead_key=key))


def test_sfdc_lead_owner_keys_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    """SFDCLEADOWNERID is REST's documented filterType sfdcLeadOwnerId (swagger-mapi.json): both operations
    find the owner's leads as SOAP does, and an owner of no lead is SOAP's 20108 both ways."""
    soap_client, _ = clients
    owned = t.ParamsSyncLead(
        lead_record=t.LeadRecord(
            email="owned@example.com",
            lead_attribute_list=t.ArrayOfAttribute(
                attribute=[t.Attribute(attr_name="SFDCLeadOwnerId", attr_value="005OWNER")]
            ),
        ),
        return_lead=False,
    )
    key = t.LeadKey(key_type=t.LeadKeyRef.SFDCLEADOWNERID, key_value="005OWNER")
    changes = t.ParamsGetLeadChanges(
        start_position=t.StreamPosition(oldest_created_at=XmlDateTime(2000, 1, 1, 0, 0, 0, 0, 0)),
        lead_selector=t.LeadKeySelector(
            key_type=t.LeadKeyRef.SFDCLEADOWNERID, key_values=t.ArrayOfString(string_item=["005OWNER"])
        ),
    )
    seen = []
    for client in clients:
        mktows_emulator.reset()
        lead_id = soap_client.ops.sync_lead(owned).lead_id
        activity = client.ops.get_lead_activity(t.ParamsGetLeadActivity(lead_key=key))
        changed = client.ops.get_lead_changes(changes)
        records = (
            changed.lead_change_record_list.lead_change_record if changed.lead_change_record_list else []
        )
        seen.append(
            (
                [(r.id, r.activity_type, r.mkt_person_id) for r in _records(activity)],
                [(r.id, r.activity_type, r.mkt_person_id) for r in records],
            )
        )
        assert {r.mkt_person_id for r in _records(activity)} == {str(lead_id)}
        with pytest.raises(NotFoundError) as no_owner:
            client.ops.get_lead_activity(
                t.ParamsGetLeadActivity(
                    lead_key=t.LeadKey(key_type=t.LeadKeyRef.SFDCLEADOWNERID, key_value="005NOBODY")
                )
            )
        assert no_owner.value.code == 20108
    assert seen[0] == seen[1] and seen[0][0] and seen[0][1]


def _opportunity(key: str, **values: str) -> t.MObject:
    return t.MObject(
        type_value="Opportunity",
        external_key=_opportunity_key(key),
        attrib_list=t.ArrayOfAttrib(attrib=[t.Attrib(name=n, value=v) for n, v in values.items()]),
    )


def _role(lead: int, role: str, opportunity: str = "Opportunity_4") -> t.MObject:
    return t.MObject(
        type_value="OpportunityPersonRole",
        attrib_list=t.ArrayOfAttrib(attrib=[t.Attrib(name="Role", value=role)]),
        association_list=t.ArrayOfMObjAssociation(
            m_obj_association=[
                t.MObjAssociation(m_obj_type="Lead", id=lead),
                t.MObjAssociation(m_obj_type="Opportunity", external_key=_opportunity_key(opportunity)),
            ]
        ),
    )


def _sync(
    *objects: t.MObject, mode: t.SyncOperationEnum = t.SyncOperationEnum.UPSERT
) -> t.ParamsSyncMObjects:
    return t.ParamsSyncMObjects(m_object_list=t.ArrayOfMObject(m_object=list(objects)), operation=mode)


def test_mobject_ids_have_no_rest_form(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "MObject ids" in DIFFERENCES
    _, rest = clients
    created = rest.ops.sync_mobjects(_sync(_opportunity("O9", Name="Nine")))
    assert [(s.id, s.status) for s in created.m_obj_status_list.m_obj_status] == [
        (None, t.MObjStatusEnum.CREATED)
    ]
    by_id = t.MObject(type_value="Opportunity", id=4)
    for params in (
        t.ParamsDeleteMObjects(m_object_list=t.ArrayOfMObject(m_object=[by_id])),
        _sync(
            t.MObject(
                type_value="Opportunity",
                id=4,
                attrib_list=t.ArrayOfAttrib(attrib=[t.Attrib(name="Name", value="x")]),
            )
        ),
        t.ParamsGetMObjects(type_value="Opportunity", id=4),
    ):
        with pytest.raises(UnsupportedOperationError, match="integer MObject id"):
            rest.call(BY_PARAMS[type(params)], params)
    assert [o["id"] for o in mktows_emulator.state.mobjects("Opportunity")][:2] == [4, 7]  # nothing deleted


def test_mobject_queries_rest_cannot_express_are_refused(clients: tuple[Client, Client]) -> None:
    assert {"MObject queries", "Programs"} <= set(DIFFERENCES)
    _, rest = clients
    criteria = t.ArrayOfMObjCriteria(
        m_obj_criteria=[t.MObjCriteria(attr_name="Name", comparison=t.ComparisonEnum.EQ, attr_value="x")]
    )
    for params in (
        t.ParamsGetMObjects(type_value="Opportunity", m_obj_criteria_list=criteria),
        t.ParamsGetMObjects(type_value="Opportunity"),
        t.ParamsGetMObjects(type_value="Opportunity", external_key=t.Attrib(name="Name", value="x")),
        t.ParamsGetMObjects(type_value="Program", id=1001),
    ):
        with pytest.raises(UnsupportedOperationError, match=r"\.md"):
            rest.ops.get_mobjects(params)


def test_mobject_associations_rest_cannot_express_are_refused(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "MObject associations" in DIFFERENCES
    _, rest = clients
    company = t.MObjAssociation(
        m_obj_type="Company", external_key=t.Attrib(name="cAccountFSID", value="C123")
    )
    with_company = _opportunity("O5", Name="Five")
    with_company.association_list = t.ArrayOfMObjAssociation(m_obj_association=[company])
    lead_by_key = _role(6, "Buyer")
    lead_by_key.association_list.m_obj_association[0] = t.MObjAssociation(  # type: ignore[union-attr]
        m_obj_type="Lead", external_key=t.Attrib(name="FSPID", value="12346")
    )
    before = mktows_emulator.state.mobjects("Opportunity")
    for obj in (with_company, lead_by_key):
        with pytest.raises(UnsupportedOperationError, match=r"associat|leadId"):
            rest.ops.sync_mobjects(_sync(_opportunity("O6", Name="Six"), obj))
    assert mktows_emulator.state.mobjects("Opportunity") == before  # refused before anything was sent


def test_a_role_is_its_opportunity_lead_and_role_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert {"role identity", "role attributes"} <= set(DIFFERENCES)
    counts = []
    for client in clients:
        mktows_emulator.reset()
        for _ in range(2):
            client.ops.sync_mobjects(_sync(_role(2, "Champion")))
        counts.append(len(mktows_emulator.state.mobjects("OpportunityPersonRole")))
    assert counts == [3, 2]  # the seeded role, then two new ones over SOAP and one over REST
    found = clients[1].ops.get_mobjects(
        t.ParamsGetMObjects(
            type_value="OpportunityPersonRole",
            m_obj_association_list=t.ArrayOfMObjAssociation(
                m_obj_association=[t.MObjAssociation(m_obj_type="Lead", id=2)]
            ),
        )
    )
    (role,) = found.m_object_list.m_object
    assert {a.name for a in role.attrib_list.attrib} == {"PersonId", "Role"}
    assert [(a.m_obj_type, a.id, a.external_key) for a in role.association_list.m_obj_association] == [
        ("Lead", 2, None),
        ("Opportunity", None, _opportunity_key("Opportunity_4")),
    ]


def test_unchanged_values_and_error_text_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert {"UNCHANGED", "values", "error text"} <= set(DIFFERENCES)
    results = []
    for client in clients:
        mktows_emulator.reset()
        params = _sync(
            _opportunity("O1", Amount="10", IsClosed="1"), _opportunity("O1", Amount="10", IsClosed="1")
        )
        statuses = client.ops.sync_mobjects(params).m_obj_status_list.m_obj_status
        failed = client.ops.sync_mobjects(
            _sync(_opportunity("O2", Color="red"))
        ).m_obj_status_list.m_obj_status
        got = client.ops.get_mobjects(
            t.ParamsGetMObjects(type_value="Opportunity", external_key=_opportunity_key("O1"))
        )
        values = {a.name: a.value for a in got.m_object_list.m_object[0].attrib_list.attrib}
        results.append(([s.status.value for s in statuses], failed[0].error, values))
    (soap_statuses, soap_error, soap_values), (rest_statuses, rest_error, rest_values) = results
    assert soap_statuses == ["CREATED", "UNCHANGED"] and rest_statuses == ["CREATED", "UPDATED"]
    assert soap_error and rest_error and rest_error.endswith("(1006)")
    assert soap_values == {"Amount": "10", "IsClosed": "1", "opportunityId": "O1"}
    assert rest_values == {"Amount": "10.0", "IsClosed": "true", "opportunityId": "O1"}


def test_describe_over_rest_is_rests_description(clients: tuple[Client, Client]) -> None:
    assert "describe" in DIFFERENCES
    _, rest = clients
    described = rest.ops.describe_mobject(t.ParamsDescribeMObject(object_name="opportunity")).metadata
    fields = {f.name: f for f in described.field_list.field_value}
    assert described.name == "Opportunity"
    assert fields["marketoGUID"].is_primary_key and fields["marketoGUID"].is_readonly
    assert fields["opportunityId"].is_readonly  # externalOpportunityId is not updateable (opportunities.md)
    assert not fields["Amount"].is_readonly and fields["Name"].is_name
    for name in ("ActivityRecord", "LeadRecord"):
        with pytest.raises(UnsupportedOperationError, match=r"migration\.md"):
            rest.ops.describe_mobject(t.ParamsDescribeMObject(object_name=name))


def test_channel_statuses_show_status_step_and_success(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "channel extras" in DIFFERENCES
    params = t.ParamsGetChannels(
        tag=t.Tag(type_value="Channel", values=t.ArrayOfString(string_item=["tradeshow", "Nope"]))
    )
    soap, rest = _both(mktows_emulator, clients, "getChannels", params)
    assert (
        [s.tag_value for s in rest.tags.tag_status]
        == [s.tag_value for s in soap.tags.tag_status]
        == ["Tradeshow"]
    )
    soap_names = {
        a.name
        for i in soap.tags.tag_status[0].status_list.progression_status_item
        for a in i.progression_status.attrib
    }
    rest_names = {
        a.name
        for i in rest.tags.tag_status[0].status_list.progression_status_item
        for a in i.progression_status.attrib
    }
    assert soap_names == {"Status", "Step", "Success", "Check-in Status"}
    assert rest_names == {"Status", "Step", "Success"}
    assert _channels(rest) == _channels(soap)


def test_tags_over_rest_equal_tags_over_soap(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    for params in (
        t.ParamsGetTags(),
        t.ParamsGetTags(
            tag_list=t.ArrayOfTag(
                tag=[
                    t.Tag(type_value="presenter", values=t.ArrayOfString(string_item=["liz", "Nobody"])),
                    t.Tag(type_value="No Such Type"),
                ]
            )
        ),
    ):
        soap, rest = _both(mktows_emulator, clients, "getTags", params)
        assert rest == soap and rest.tag_list.tag


def test_allowable_values_read_the_documented_form() -> None:
    assert allowable_values("[AAA1 RT1, AAA1 RT2, AAA1 RT3]") == ["AAA1 RT1", "AAA1 RT2", "AAA1 RT3"]
    assert allowable_values(["a", "b"]) == ["a", "b"]
    assert allowable_values(None) == allowable_values("[]") == []


def test_program_costs_and_tags_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "Programs" in DIFFERENCES
    _, rest = clients
    program = t.MObject(
        type_value="Program",
        id=1001,
        type_attrib_list=t.ArrayOfTypeAttrib(
            type_attrib=[
                _type_attrib("Cost", Month="2013-06", Amount="2000", Note="Booth"),
                _type_attrib("Tag", Type="Presenter", Value="liz"),
            ]
        ),
    )
    missing = t.MObject(type_value="Program", id=9999, type_attrib_list=program.type_attrib_list)
    statuses = rest.ops.sync_mobjects(
        _sync(program, missing, mode=t.SyncOperationEnum.UPDATE)
    ).m_obj_status_list
    assert [(s.id, s.status.value) for s in statuses.m_obj_status] == [(1001, "UPDATED"), (None, "SKIPPED")]
    (stored,) = [p for p in mktows_emulator.state.mobjects("Program") if p["id"] == 1001]
    assert stored["details"]["tags"]["Presenter"] == "Liz"
    assert stored["details"]["costs"][-1] == {
        "id": 1,
        "month": "2013-06-01",
        "amount": "2000",
        "note": "Booth",
    }
    for change in (
        _type_attrib("Cost", Month="2013-06", Amount="1", Id="1"),
        _type_attrib("Tag", Type="Channel", Value="Blog"),
    ):
        program.type_attrib_list = t.ArrayOfTypeAttrib(type_attrib=[change])
        with pytest.raises(UnsupportedOperationError, match=r"programs\.md"):
            rest.ops.sync_mobjects(_sync(program, mode=t.SyncOperationEnum.UPDATE))


def test_missing_required_elements_are_the_soap_faults(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    start = t.StreamPosition(oldest_created_at=XmlDateTime(2013, 7, 1, 0, 0, 0, 0, 0))
    for name, params, code in (
        (
            "getLeadChanges",
            t.ParamsGetLeadChanges(
                start_position=start, lead_selector=t.LastUpdateAtSelector(oldest_updated_at=None)
            ),
            20017,
        ),  # type: ignore[arg-type]
        ("getLeadActivity", t.ParamsGetLeadActivity(lead_key=None), 20101),  # type: ignore[arg-type]
    ):
        for result in _both(mktows_emulator, clients, name, params):
            assert isinstance(result, MktowsError) and result.code == code
