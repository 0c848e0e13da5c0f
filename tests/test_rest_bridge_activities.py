"""The differential proof for activities, MObjects, channels and tags: the same typed Params through ``Client``
against the SOAP emulator and through ``Client.over_rest`` against the emulator's REST face, from the same
starting state, give equal Results and leave equal state, except the differences listed in ``DIFFERENCES``
(each tested as listed below)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsdata.models.datatype import XmlDateTime

from mktows import Client, Limits, codec, operations
from mktows import types as t
from mktows.emulator import EmulatorConfig
from mktows.emulator.defaults import DEFAULT_CONFIG
from mktows.errors import MktowsError, StreamPositionError, UnsupportedOperationError
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest.translate import TRANSLATIONS
from mktows.rest.translate.tags import allowable_values
from tests.conftest import fixture_bytes, fixture_index, requires_shared
from tests.test_rest_bridge import over_rest

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
    "Programs": "Program MObjects (syncMObjects' costs and tags, getMObjects of programs) raise "
    "UnsupportedOperationError: their successor is the asset API's programs (migration.md; programs.md), "
    "which has no cost ids (the documented syncMObjects request updates cost Id 153)",
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


@pytest.fixture
def clients(mktows_emulator: EmulatorHandle) -> Iterator[tuple[Client, Client]]:
    soap = mktows_emulator.client(limits=Limits(calls=None, concurrency=None))
    rest = over_rest(mktows_emulator)
    yield soap, rest
    rest.close()


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
    lead, role); their attributes compared as values (DIFFERENCES: values)."""
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
    return sorted(values(a) for a in opportunities.values()), roles, emulator.state.activities()


def run_both(emulator: EmulatorHandle, soap: Client, rest: Client, calls: list[Any]) -> tuple[Any, Any]:
    """The outcomes and final state of ``calls`` via SOAP, then via REST, each from the seeded state."""
    runs = []
    for client in (soap, rest):
        emulator.reset()
        outcomes = [outcome(client, _copy(params)) for params in calls]
        runs.append((outcomes, _state(emulator)))
    return runs[0], runs[1]


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
    if not requires_shared.args[0] is False:  # ../shared is absent: the test below skips with its reason
        return ["(../shared absent)"]
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
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=st.lists(st.one_of(lead_activity_calls(), lead_changes_calls()), min_size=1, max_size=3))
def test_drawn_activity_queries_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    soap, rest = clients
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(mktows_emulator, soap, rest, calls)
    assert rest_outcomes == soap_outcomes
    assert rest_state == soap_state


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


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=mobject_sequences())
def test_drawn_mobject_calls_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    soap, rest = clients
    (soap_outcomes, soap_state), (rest_outcomes, rest_state) = run_both(mktows_emulator, soap, rest, calls)
    assert rest_outcomes == soap_outcomes
    assert rest_state == soap_state
