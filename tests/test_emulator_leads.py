"""Leads in the emulator: getLead, syncLead, syncMultipleLeads, mergeLeads, getMultipleLeads (selectors,
limits, stream positions), and the activities they leave for getLeadActivity and getLeadChanges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from xsdata.models.datatype import XmlDateTime

from mktows.emulator import Emulator
from mktows.errors import (
    InvalidRequestError,
    NotFoundError,
    StreamPositionError,
    SyncFailedError,
    TimeRangeError,
)
from mktows.types import (
    ActivityType,
    ActivityTypeFilter,
    ArrayOfActivityType,
    ArrayOfAttribute,
    ArrayOfKeyList,
    ArrayOfLeadRecord,
    ArrayOfString,
    Attribute,
    LastUpdateAtSelector,
    LeadKey,
    LeadKeyRef,
    LeadKeySelector,
    LeadRecord,
    MktowsContextHeader,
    ParamsGetLead,
    ParamsGetLeadActivity,
    ParamsGetLeadChanges,
    ParamsGetMultipleLeads,
    ParamsMergeLeads,
    ParamsSyncLead,
    ParamsSyncMultipleLeads,
    StaticListSelector,
    StreamPosition,
)
from tests.emulator_support import call, fault_of, running


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from running(limits={"rate_calls": None})


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.reset()
    return server


def attrs(**values: str) -> ArrayOfAttribute:
    return ArrayOfAttribute(attribute=[Attribute(attr_name=k, attr_value=v) for k, v in values.items()])


def key(key_type: str, value: str) -> LeadKey:
    return LeadKey(key_type=LeadKeyRef(key_type), key_value=value)


def get_lead(emulator: Emulator, key_type: str, value: str) -> list[LeadRecord]:
    result = call(emulator, "getLead", ParamsGetLead(lead_key=key(key_type, value)))
    assert result.count == len(result.lead_record_list.lead_record)
    return list(result.lead_record_list.lead_record)


def attributes_of(record: LeadRecord) -> dict[str, str]:
    pairs = record.lead_attribute_list.attribute if record.lead_attribute_list else []
    return {a.attr_name: a.attr_value for a in pairs}


def sync_lead(emulator: Emulator, record: LeadRecord, **options: object) -> object:
    return call(emulator, "syncLead", ParamsSyncLead(lead_record=record, return_lead=True, **options))  # type: ignore[arg-type]


# --- getLead -------------------------------------------------------------------------------------------------


def test_get_lead_by_each_key_kind(emulator: Emulator) -> None:
    [rufus] = get_lead(emulator, "EMAIL", "RUFUS@marketo.com")
    assert rufus.id == 1089965
    assert attributes_of(rufus)["LeadScore"] == "62"
    types = {a.attr_name: a.attr_type for a in rufus.lead_attribute_list.attribute}
    assert (types["LeadScore"], types["Website"], types["FirstName"]) == ("integer", "url", "string")
    assert [r.email for r in get_lead(emulator, "IDNUM", "65835")] == ["formtest1@marketo.com"]
    sync_lead(
        emulator, LeadRecord(email="sf@x.com", lead_attribute_list=attrs(SFDCLeadId="00Q1", FirstName=""))
    )
    [sf] = get_lead(emulator, "SFDCLEADID", "00Q1")
    assert "FirstName" not in attributes_of(sf)  # empty string attributes are not returned


@pytest.mark.parametrize(
    ("key_type", "value", "code"),
    [
        ("EMAIL", "nobody@x.com", 20103),
        ("IDNUM", "abc", 20103),
        ("LEADOWNEREMAIL", "boss@x.com", 20108),
        ("COOKIE", "id:1", 20103),
    ],
)
def test_get_lead_faults(emulator: Emulator, key_type: str, value: str, code: int) -> None:
    fault = fault_of(emulator, "getLead", ParamsGetLead(lead_key=key(key_type, value)))
    assert isinstance(fault, NotFoundError)
    assert fault.code == code


def test_an_email_shared_by_two_leads_returns_both(emulator: Emulator) -> None:
    records = [LeadRecord(email="twin@x.com", lead_attribute_list=attrs(FirstName=n)) for n in ("A", "B")]
    call(
        emulator,
        "syncMultipleLeads",
        ParamsSyncMultipleLeads(lead_record_list=ArrayOfLeadRecord(lead_record=records), dedup_enabled=False),
    )
    assert sorted(attributes_of(r)["FirstName"] for r in get_lead(emulator, "EMAIL", "twin@x.com")) == [
        "A",
        "B",
    ]


# --- syncLead ------------------------------------------------------------------------------------------------


def test_sync_lead_creates_then_updates_recording_activities(emulator: Emulator) -> None:
    created = sync_lead(emulator, LeadRecord(email="new@x.com", lead_attribute_list=attrs(FirstName="Ann")))
    assert created.sync_status.status.value == "CREATED"  # type: ignore[attr-defined]
    lead_id = created.lead_id  # type: ignore[attr-defined]
    updated = sync_lead(
        emulator, LeadRecord(email="new@x.com", lead_attribute_list=attrs(FirstName="Anne", Title="CTO"))
    )
    assert (updated.lead_id, updated.sync_status.status.value) == (lead_id, "UPDATED")  # type: ignore[attr-defined]
    assert attributes_of(updated.lead_record) == {"FirstName": "Anne", "Title": "CTO"}  # type: ignore[attr-defined]
    history = emulator.state.activities(lead_id)
    assert [a["type"] for a in history] == ["New Lead", "Change Data Value", "Change Data Value"]
    change = history[1]["attributes"]
    assert (change["Attribute Name"], change["Old Value"], change["New Value"]) == (
        "First Name",
        "Ann",
        "Anne",
    )


def test_sync_lead_key_precedence(emulator: Emulator) -> None:
    # the Marketo Id wins and the Email given with it is written (the blog's "Updating a Lead's Email Address")
    result = sync_lead(emulator, LeadRecord(id=1090240, email="renamed@t.com"))
    assert result.lead_id == 1090240  # type: ignore[attr-defined]
    assert emulator.state.lead(1090240)["email"] == "renamed@t.com"  # type: ignore[index]
    # ForeignSysPersonId wins over Email
    result = sync_lead(emulator, LeadRecord(email="rufus@marketo.com", foreign_sys_person_id="12346"))
    assert result.lead_id == 6  # type: ignore[attr-defined]
    assert emulator.state.lead(6)["email"] == "rufus@marketo.com"  # type: ignore[index]
    # an unknown ForeignSysPersonId with a known Email: the email's lead takes the foreign id
    result = sync_lead(emulator, LeadRecord(email="joe@marketo.com", foreign_sys_person_id="FS-9"))
    assert result.lead_id == 67508  # type: ignore[attr-defined]
    assert emulator.state.lead(67508)["foreign_sys_person_id"] == "FS-9"  # type: ignore[index]


@pytest.mark.parametrize(
    ("record", "code", "error"),
    [
        (LeadRecord(id=999999999), 20103, NotFoundError),
        (LeadRecord(email="a@x.com", lead_attribute_list=attrs(Colour="red")), 20105, InvalidRequestError),
        (LeadRecord(email="a@x.com", lead_attribute_list=attrs(LeadScore="high")), 20106, SyncFailedError),
        (LeadRecord(lead_attribute_list=attrs(FirstName="Nobody")), 20101, InvalidRequestError),
    ],
)
def test_sync_lead_faults(emulator: Emulator, record: LeadRecord, code: int, error: type[Exception]) -> None:
    fault = fault_of(emulator, "syncLead", ParamsSyncLead(lead_record=record, return_lead=False))
    assert isinstance(fault, error)
    assert fault.code == code


def test_sync_lead_cookie_and_workspace(server: Emulator) -> None:
    with Emulator(
        server.config.with_settings(freshness_check=True).__class__.from_mapping(
            {"workspaces": ["Default", "EMEA"]}
        )
    ) as emulator:
        header = MktowsContextHeader(target_workspace="EMEA")
        params = ParamsSyncLead(
            lead_record=LeadRecord(email="eu@x.com"),
            return_lead=False,
            marketo_cookie="id:123-ABC&token:_mch-x",
        )
        created = call(emulator, "syncLead", params, context_header=header)
        assert emulator.state.lead(created.lead_id)["workspace"] == "EMEA"  # type: ignore[index]
        by_cookie = call(
            emulator, "getLead", ParamsGetLead(lead_key=key("COOKIE", "id:123-ABC&token:_mch-x"))
        )
        assert by_cookie.lead_record_list.lead_record[0].id == created.lead_id
        other = ParamsSyncLead(lead_record=LeadRecord(id=2), return_lead=False)
        assert (
            fault_of(emulator, "syncLead", other, context_header=header).code == 20106
        )  # lead 2 is in Default
        unknown = MktowsContextHeader(target_workspace="APAC")
        assert fault_of(emulator, "syncLead", params, context_header=unknown).code == 20110


# --- syncMultipleLeads ---------------------------------------------------------------------------------------


def sync_many(
    emulator: Emulator, records: list[LeadRecord], dedupe: bool | None = None
) -> list[tuple[str, str | None]]:
    params = ParamsSyncMultipleLeads(
        lead_record_list=ArrayOfLeadRecord(lead_record=records), dedup_enabled=dedupe
    )
    result = call(emulator, "syncMultipleLeads", params)
    return [(s.status.value, s.error) for s in result.sync_status_list.sync_status]


def test_sync_multiple_leads_reports_each_record_in_order(emulator: Emulator) -> None:
    statuses = sync_many(
        emulator,
        [
            LeadRecord(email="m1@x.com"),
            LeadRecord(lead_attribute_list=attrs(FirstName="keyless")),
            LeadRecord(email="rufus@marketo.com", lead_attribute_list=attrs(Title="VP")),
            LeadRecord(email="m2@x.com", lead_attribute_list=attrs(NoSuchField="1")),
            LeadRecord(id=424242),
        ],
    )
    assert [s for s, _ in statuses] == ["CREATED", "FAILED", "UPDATED", "FAILED", "FAILED"]
    assert "NoSuchField" in str(statuses[3][1])
    assert get_lead(emulator, "EMAIL", "m1@x.com")
    assert fault_of(emulator, "getLead", ParamsGetLead(lead_key=key("EMAIL", "m2@x.com"))).code == 20103


def test_sync_multiple_leads_dedupe_and_email_key(emulator: Emulator) -> None:
    assert sync_many(emulator, [LeadRecord(email="joe@marketo.com")], dedupe=False) == [("CREATED", None)]
    assert len(get_lead(emulator, "EMAIL", "joe@marketo.com")) == 2
    # matched by Id, the Email key is not written unless it is among the attributes
    sync_many(emulator, [LeadRecord(id=2, email="ignored@x.com")])
    assert emulator.state.lead(2)["email"] == "winner@company.com"  # type: ignore[index]
    sync_many(emulator, [LeadRecord(id=2, lead_attribute_list=attrs(Email="written@x.com"))])
    assert emulator.state.lead(2)["email"] == "written@x.com"  # type: ignore[index]


def test_more_than_300_leads_is_a_bad_parameter(emulator: Emulator) -> None:
    records = [LeadRecord(email=f"bulk{n}@x.com") for n in range(301)]
    params = ParamsSyncMultipleLeads(lead_record_list=ArrayOfLeadRecord(lead_record=records))
    assert fault_of(emulator, "syncMultipleLeads", params).code == 20110
    assert [s for s, _ in sync_many(emulator, records[:300])] == ["CREATED"] * 300


# --- mergeLeads ----------------------------------------------------------------------------------------------


def merge(winner: str, *losers: str) -> ParamsMergeLeads:
    return ParamsMergeLeads(
        winning_lead_key_list=attrs(IDNUM=winner),
        losing_lead_key_lists=ArrayOfKeyList(key_list=[attrs(IDNUM=loser) for loser in losers]),
    )


def test_merge_leads_keeps_the_winner_and_takes_the_losers_data(emulator: Emulator) -> None:
    call(emulator, "listOperation", _add_to_list(16))
    result = call(emulator, "mergeLeads", merge("2", "15", "16")).merge_status
    assert (result.status.value, result.winning_lead_id, result.losing_lead_id_list.integer_item) == (
        "MERGED",
        2,
        [15, 16],
    )
    winner = emulator.state.lead(2)
    assert winner is not None
    assert winner["attributes"] == {
        "FirstName": "Winnie",
        "Company": "ACME",
        "Phone": "650-555-0015",
        "Title": "Buyer",
    }
    assert emulator.state.lead(15) is None and emulator.state.lead(16) is None
    assert 2 in emulator.state.list_members("Trav-Test-List")
    assert emulator.state.activities(2)[-1]["type"] == "Merge Leads"


def test_merge_with_an_unknown_loser_fails_and_changes_nothing(emulator: Emulator) -> None:
    result = call(emulator, "mergeLeads", merge("2", "15", "777")).merge_status
    assert result.status.value == "FAILED"
    assert result.error
    assert emulator.state.lead(15) is not None
    assert fault_of(emulator, "mergeLeads", merge("777", "15")).code == 20103


def _add_to_list(lead_id: int) -> object:
    from mktows.types import ArrayOfLeadKey, ListKey, ListKeyType, ListOperationType, ParamsListOperation

    return ParamsListOperation(
        list_operation=ListOperationType.ADDTOLIST,
        list_key=ListKey(key_type=ListKeyType.MKTOLISTNAME, key_value="Trav-Test-List"),
        list_member_list=ArrayOfLeadKey(lead_key=[key("IDNUM", str(lead_id))]),
    )


# --- getMultipleLeads ----------------------------------------------------------------------------------------


def multiple(emulator: Emulator, selector: object, **options: object) -> object:
    return call(emulator, "getMultipleLeads", ParamsGetMultipleLeads(lead_selector=selector, **options))  # type: ignore[arg-type]


def test_lead_key_selector_ignores_keys_beyond_100(emulator: Emulator) -> None:
    sync_many(emulator, [LeadRecord(email=f"k{n}@x.com") for n in range(120)])
    selector = LeadKeySelector(
        key_type=LeadKeyRef.EMAIL, key_values=ArrayOfString(string_item=[f"k{n}@x.com" for n in range(120)])
    )
    result = multiple(emulator, selector)
    assert (result.return_count, result.remaining_count) == (100, 0)  # type: ignore[attr-defined]


def test_static_list_selector(emulator: Emulator) -> None:
    by_name = multiple(emulator, StaticListSelector(static_list_name="Trav-Test-List"))
    by_id = multiple(emulator, StaticListSelector(static_list_id=1001))
    assert (
        [r.id for r in by_name.lead_record_list.lead_record]
        == [r.id for r in by_id.lead_record_list.lead_record]
        == [1089946]
    )  # type: ignore[attr-defined]
    assert (
        fault_of(
            emulator,
            "getMultipleLeads",
            ParamsGetMultipleLeads(lead_selector=StaticListSelector(static_list_name="Nope")),
        ).code
        == 20111
    )


def test_last_update_paging_resumes_and_includes_attributes(emulator: Emulator) -> None:
    start = datetime.now(UTC) - timedelta(minutes=1)
    sync_many(
        emulator,
        [
            LeadRecord(email=f"p{n}@x.com", lead_attribute_list=attrs(FirstName=f"P{n}", Title="T"))
            for n in range(7)
        ],
    )
    selector = LastUpdateAtSelector(oldest_updated_at=XmlDateTime.from_datetime(start))
    position = None
    emails: list[str] = []
    remaining = []
    for _ in range(10):
        result = multiple(
            emulator,
            selector,
            batch_size=3,
            stream_position=position,
            include_attributes=ArrayOfString(string_item=["FirstName"]),
        )
        emails += [r.email for r in result.lead_record_list.lead_record]  # type: ignore[attr-defined]
        assert all(attributes_of(r).keys() == {"FirstName"} for r in result.lead_record_list.lead_record)  # type: ignore[attr-defined]
        remaining.append(result.remaining_count)  # type: ignore[attr-defined]
        position = result.new_stream_position  # type: ignore[attr-defined]
        if not result.remaining_count:  # type: ignore[attr-defined]
            assert position == ""
            break
    assert remaining == [4, 1, 0]
    assert sorted(emails) == sorted(f"p{n}@x.com" for n in range(7))


@pytest.mark.parametrize(
    ("position", "code"),
    [("garbage", 20122), ("id:1:os:1:rc:0", 20123), ("id:x:os:1", 20122)],
)
def test_bad_stream_positions(emulator: Emulator, position: str, code: int) -> None:
    params = ParamsGetMultipleLeads(
        lead_selector=StaticListSelector(static_list_id=1001), stream_position=position
    )
    fault = fault_of(emulator, "getMultipleLeads", params)
    assert isinstance(fault, StreamPositionError)
    assert fault.code == code


def test_more_than_30_days_is_20022(emulator: Emulator) -> None:
    selector = LastUpdateAtSelector(
        oldest_updated_at=XmlDateTime.from_string("2014-06-06T00:00:00-08:00"),
        latest_updated_at=XmlDateTime.from_string("2014-07-07T00:00:00-08:00"),
    )
    fault = fault_of(emulator, "getMultipleLeads", ParamsGetMultipleLeads(lead_selector=selector))
    assert isinstance(fault, TimeRangeError)


# --- activities ------------------------------------------------------------------------------------------------


def test_get_lead_activity_pages_newest_first_with_filters(emulator: Emulator) -> None:
    for n in range(4):
        sync_lead(emulator, LeadRecord(id=1090001, lead_attribute_list=attrs(Title=f"T{n}")))
    seen: list[str] = []
    position = None
    for _ in range(10):
        params = ParamsGetLeadActivity(
            lead_key=key("IDNUM", "1090001"), batch_size=2, start_position=position
        )
        page = call(emulator, "getLeadActivity", params)
        seen += [f"{r.activity_type}:{r.id}" for r in page.activity_record_list.activity_record]
        if not page.remaining_count:
            break
        position = page.new_start_position
    ids = [int(s.split(":")[1]) for s in seen]
    assert ids == sorted(ids, reverse=True)
    assert [s.split(":")[0] for s in seen].count("Change Data Value") == 4
    assert len(seen) == 7  # 3 seeded + 4 changes
    only = ParamsGetLeadActivity(
        lead_key=key("EMAIL", "leademail@company.com"),
        activity_filter=ActivityTypeFilter(
            include_types=ArrayOfActivityType(activity_type=[ActivityType.NEW_LEAD])
        ),
    )
    assert [
        r.activity_type for r in call(emulator, "getLeadActivity", only).activity_record_list.activity_record
    ] == ["New Lead"]
    both = ActivityTypeFilter(
        include_types=ArrayOfActivityType(activity_type=[ActivityType.NEW_LEAD]),
        exclude_types=ArrayOfActivityType(activity_type=[ActivityType.VISIT_WEBPAGE]),
    )
    assert (
        fault_of(
            emulator,
            "getLeadActivity",
            ParamsGetLeadActivity(lead_key=key("IDNUM", "1090001"), activity_filter=both),
        ).code
        == 20110
    )


def test_get_lead_changes_sees_new_changes_in_order_and_pages(emulator: Emulator) -> None:
    since = XmlDateTime.from_datetime(datetime.now(UTC) - timedelta(minutes=1))
    sync_many(emulator, [LeadRecord(email=f"c{n}@x.com") for n in range(5)])
    sync_lead(emulator, LeadRecord(email="c0@x.com", lead_attribute_list=attrs(Title="Boss")))
    seen = []
    position = StreamPosition(oldest_created_at=since)
    for _ in range(10):
        page = call(emulator, "getLeadChanges", ParamsGetLeadChanges(start_position=position, batch_size=2))
        seen += [(r.activity_type, r.mkt_person_id) for r in page.lead_change_record_list.lead_change_record]
        if not page.remaining_count:
            break
        position = page.new_start_position
    assert [t for t, _ in seen] == ["New Lead"] * 5 + ["Change Data Value"]
    named = ParamsGetLeadChanges(
        start_position=StreamPosition(oldest_created_at=since),
        activity_name_filter=ArrayOfString(string_item=["Change Data Value"]),
    )
    assert call(emulator, "getLeadChanges", named).return_count == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            ParamsGetLeadChanges(
                start_position=StreamPosition(),
                lead_selector=LeadKeySelector(
                    key_type=LeadKeyRef.IDNUM,
                    key_values=ArrayOfString(string_item=[str(n) for n in range(101)]),
                ),
            ),
            20110,
        ),
        (
            ParamsGetLeadChanges(
                start_position=StreamPosition(), activity_name_filter=ArrayOfString(string_item=["Teleport"])
            ),
            20107,
        ),
        (
            ParamsGetLeadChanges(
                start_position=StreamPosition(
                    oldest_created_at=XmlDateTime.from_string("2013-01-01T00:00:00Z"),
                    latest_created_at=XmlDateTime.from_string("2013-03-01T00:00:00Z"),
                )
            ),
            20022,
        ),
        (ParamsGetLeadChanges(start_position=StreamPosition(offset="1037189")), 20122),
    ],
    ids=["101-keys", "unknown-activity", "61-days", "edited-offset"],
)
def test_get_lead_changes_faults(emulator: Emulator, params: ParamsGetLeadChanges, code: int) -> None:
    assert fault_of(emulator, "getLeadChanges", params).code == code
